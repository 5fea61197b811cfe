"""Helper package of the convolutional neural network course.

One module per concept, imported by the notebooks as they need it:

``config``       quick or full mode, seeds
``data``         MNIST, CIFAR-10 and scikit-learn's digits, offline first
``environment``  the checks the set-up notebook runs
``plots``        the course's figure style
``report``       headline figures that ``make notebooks`` collects
``source``       the highlighted code of a package function, shown in a lecture

Importing the package also keeps TensorFlow's C++ start-up log out of notebooks
(see :mod:`cnncourse._quiet`).
"""

from cnncourse import _quiet

__version__ = "0.1.0"

_quiet.install()
