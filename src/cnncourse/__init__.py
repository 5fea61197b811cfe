"""Helper package of the convolutional neural network course.

One module per concept; a lecture imports what it teaches with, and each module has a
test file of the same name under ``tests/`` (``convolution1d`` -> ``test_convolution.py``,
``convolution2d`` -> ``test_convolution2d.py``). The map, notebook -> module -> test:

``config``         quick or full mode, seeds, the package's random generator (every lecture)
``convolution``    imports both halves below (lectures 1, 3, 4, 5, 7, 8, 9)
``convolution1d``  1-D convolution: direct sum, Toeplitz matrix, FFT; polynomial products (1, 3)
``convolution2d``  2-D convolution: output size, im2col/col2im, the loops, block Toeplitz (4, 5)
``fourier``        the square wave and its Fourier series (2)
``oscillator``     the driven damped oscillator's steady state (2)
``layers``         NumPy forward passes of ReLU, pooling, dropout, dense, softmax, loss (5)
``models``         the Keras models (digits, MNIST, CIFAR-10) and their initial weights (6, 8)
``grid``           the learning-rate x L2 grid trained as one fused model, and its reference (7)
``scratch``        layers with backward passes and SGD: a CNN from scratch (9, 10)
``explain``        saliency, SmoothGrad, CAM, Grad-CAM, occlusion and FGSM of a Keras model (11)
``data``           MNIST, CIFAR-10 and scikit-learn's digits, offline first
``plots``          the course's figure style and figures (animations, heatmaps, grids)
``timing``         medians of repeated runs, for the lectures' time reports
``report``         headline figures that ``make notebooks`` collects
``source``         the highlighted code of a package function, shown in a lecture (4, 5, 7, 9)
``exercises``      ``require``: the check that an exercise's answer was filled in
``environment``    the checks the set-up notebook runs (0)
``_validation``    the shared input checks (private): one message style everywhere
``_quiet``         keeps TensorFlow's C++ start-up log out of notebooks (private)
"""

from cnncourse import _quiet

__version__ = "0.1.0"

_quiet.install()
