"""The course's Keras models, compiled and ready to fit.

``digits_cnn`` is the lecture's model for scikit-learn's 8x8 digits; ``mnist_cnn`` a
stronger one for real MNIST (two convolution blocks and dropout, after the Keras example).
Both end in a softmax and are trained with categorical cross-entropy on one-hot labels.
"""

from __future__ import annotations

import math

import keras


def check_hyperparameters(eta: float, lmbd: float) -> None:
    """Raise ``ValueError`` unless ``eta > 0`` and ``lmbd >= 0`` are finite numbers."""
    if not isinstance(eta, int | float) or not math.isfinite(eta) or eta <= 0:
        raise ValueError(f"the learning rate eta must be a positive number; got {eta!r}")
    if not isinstance(lmbd, int | float) or not math.isfinite(lmbd) or lmbd < 0:
        raise ValueError(f"the L2 factor lmbd must be a non-negative number; got {lmbd!r}")


def digits_cnn(
    eta: float,
    lmbd: float,
    n_filters: int = 10,
    receptive_field: int = 3,
    n_hidden: int = 50,
    n_classes: int = 10,
    input_shape: tuple[int, int, int] = (8, 8, 1),
) -> keras.Sequential:
    """The lecture's CNN for the 8x8 digits, compiled with plain SGD.

    ``Conv2D(n_filters, receptive_field, relu) -> MaxPooling2D(2) -> Flatten ->
    Dense(n_hidden, relu) -> Dense(n_classes, softmax)``; every kernel carries the
    L2 penalty :math:`\\lambda \\sum w^2`, so the loss minimised is

    .. math:: L = -\\frac{1}{B}\\sum_b \\log p_{b, t_b} + \\lambda \\sum_{\\text{kernels}} \\|W\\|^2,

    and each SGD step is :math:`W \\leftarrow W - \\eta\\, \\nabla L`.

    Examples
    --------
    >>> model = digits_cnn(eta=0.1, lmbd=1e-4)
    >>> model.count_params()
    5160
    """
    check_hyperparameters(eta, lmbd)
    l2 = keras.regularizers.L2(lmbd)
    model = keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(
                n_filters,
                (receptive_field, receptive_field),
                activation="relu",
                kernel_regularizer=l2,
                name="conv",
            ),
            keras.layers.MaxPooling2D((2, 2), name="pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(n_hidden, activation="relu", kernel_regularizer=l2, name="hidden"),
            keras.layers.Dense(
                n_classes, activation="softmax", kernel_regularizer=l2, name="output"
            ),
        ],
        name="digits_cnn",
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=eta),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def mnist_cnn(learning_rate: float = 1e-3, dropout: float = 0.5) -> keras.Sequential:
    """A stronger CNN for 28x28 MNIST: two convolution blocks, dropout, softmax.

    ``Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2)
    -> Flatten -> Dropout -> Dense(10, softmax)``, compiled with Adam.

    Examples
    --------
    >>> mnist_cnn().count_params()
    34826
    """
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must lie in [0, 1); got {dropout!r}")
    check_hyperparameters(learning_rate, 0.0)
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
            keras.layers.MaxPooling2D((2, 2), name="pool1"),
            keras.layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
            keras.layers.MaxPooling2D((2, 2), name="pool2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dropout(dropout, name="dropout"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ],
        name="mnist_cnn",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
