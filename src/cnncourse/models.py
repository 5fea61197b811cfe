"""The course's Keras models, compiled and ready to fit.

``digits_cnn`` is the lecture's model for scikit-learn's 8x8 digits; ``mnist_cnn`` a
stronger one for real MNIST (two convolution blocks and dropout, after the Keras example).
Both end in a softmax and are trained with categorical cross-entropy on one-hot labels.
"""

from __future__ import annotations

import keras
import numpy as np

from cnncourse._validation import check_float, check_int

#: The weights of :func:`digits_cnn`, in the order of ``model.weights``.
PARAMETER_NAMES = (
    "conv_kernel",
    "conv_bias",
    "hidden_kernel",
    "hidden_bias",
    "out_kernel",
    "out_bias",
)
#: The weights that carry the L2 penalty: the kernels.
REGULARISED = ("conv_kernel", "hidden_kernel", "out_kernel")
#: Their shapes: k the kernel size, C channels, F filters, D flattened features,
#: H hidden units, K classes.
PARAMETER_SHAPES = {
    "conv_kernel": ("k", "k", "C", "F"),
    "conv_bias": ("F",),
    "hidden_kernel": ("D", "H"),
    "hidden_bias": ("H",),
    "out_kernel": ("H", "K"),
    "out_bias": ("K",),
}


def check_hyperparameters(learning_rate: float, l2: float) -> tuple[float, float]:
    """Return ``(learning_rate, l2)`` as floats if ``learning_rate > 0`` and ``l2 >= 0``.

    Both must be finite real numbers; otherwise ``TypeError`` (not a number) or
    ``ValueError`` (out of range) names the argument.

    Examples
    --------
    >>> check_hyperparameters(0.5, 0)
    (0.5, 0.0)
    """
    learning_rate = check_float(learning_rate, "learning_rate", min_value=0, include_min=False)
    return learning_rate, check_float(l2, "l2", min_value=0)


def digits_cnn(
    learning_rate: float,
    l2: float,
    n_filters: int = 10,
    kernel_size: int = 3,
    n_hidden: int = 50,
    n_classes: int = 10,
    input_shape: tuple[int, int, int] = (8, 8, 1),
) -> keras.Sequential:
    """The lecture's CNN for the 8x8 digits, compiled with plain SGD.

    ``Conv2D(n_filters, kernel_size, relu) -> MaxPooling2D(2) -> Flatten ->
    Dense(n_hidden, relu) -> Dense(n_classes, softmax)``; every kernel carries the
    L2 penalty :math:`\\lambda \\sum w^2` (``l2`` is :math:`\\lambda`), so the loss
    minimised is

    .. math:: L = -\\frac{1}{B}\\sum_b \\log p_{b, t_b} + \\lambda \\sum_{\\text{kernels}} \\|W\\|^2,

    and each SGD step is :math:`W \\leftarrow W - \\eta\\, \\nabla L` (``learning_rate``
    is :math:`\\eta`). Its weights are, in order, :data:`PARAMETER_NAMES`.

    Parameters
    ----------
    learning_rate : float
        :math:`\\eta > 0`.
    l2 : float
        :math:`\\lambda \\ge 0`.
    n_filters, kernel_size, n_hidden, n_classes : int
        Filters of the convolution, its (square) kernel size, hidden units, classes.
    input_shape : tuple of int
        (H, W, C) of one image.

    Examples
    --------
    >>> model = digits_cnn(learning_rate=0.1, l2=1e-4)
    >>> model.count_params()
    5160
    """
    learning_rate, l2 = check_hyperparameters(learning_rate, l2)
    n_filters = check_int(n_filters, "n_filters", min_value=1)
    kernel_size = check_int(kernel_size, "kernel_size", min_value=1)
    n_hidden = check_int(n_hidden, "n_hidden", min_value=1)
    n_classes = check_int(n_classes, "n_classes", min_value=2)
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (H, W, C); got {input_shape!r}")
    input_shape = tuple(check_int(v, "input_shape", min_value=1) for v in input_shape)
    if min(input_shape[:2]) < kernel_size + 1:
        raise ValueError(
            f"input_shape must be at least {kernel_size + 1}x{kernel_size + 1} for a "
            f"{kernel_size}x{kernel_size} convolution and 2x2 pooling; got {input_shape!r}"
        )
    regulariser = keras.regularizers.L2(l2)
    model = keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Conv2D(
                n_filters,
                (kernel_size, kernel_size),
                activation="relu",
                kernel_regularizer=regulariser,
                name="conv",
            ),
            keras.layers.MaxPooling2D((2, 2), name="pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(
                n_hidden, activation="relu", kernel_regularizer=regulariser, name="hidden"
            ),
            keras.layers.Dense(
                n_classes, activation="softmax", kernel_regularizer=regulariser, name="output"
            ),
        ],
        name="digits_cnn",
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def initial_weights(seed: int, **model_options) -> dict[str, np.ndarray]:
    """The initial weights Keras gives :func:`digits_cnn` after ``keras.utils.set_random_seed(seed)``.

    Parameters
    ----------
    seed : int
        A non-negative integer.
    **model_options
        Passed to :func:`digits_cnn` (``n_filters``, ``kernel_size``, ``input_shape``, ...).

    Returns
    -------
    dict of numpy.ndarray
        One float32 array per name of :data:`PARAMETER_NAMES`, e.g. ``conv_kernel`` of
        shape (k, k, C, F).

    Examples
    --------
    >>> weights = initial_weights(0)
    >>> list(weights) == list(PARAMETER_NAMES), weights["conv_kernel"].shape
    (True, (3, 3, 1, 10))
    """
    seed = check_int(seed, "seed", min_value=0)
    keras.utils.set_random_seed(seed)
    model = digits_cnn(learning_rate=0.1, l2=0.0, **model_options)
    return dict(zip(PARAMETER_NAMES, (w.numpy() for w in model.weights), strict=True))


def mnist_cnn(learning_rate: float = 1e-3, dropout: float = 0.5) -> keras.Sequential:
    """A stronger CNN for 28x28 MNIST: two convolution blocks, dropout, softmax.

    ``Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2)
    -> Flatten -> Dropout -> Dense(10, softmax)``, compiled with Adam.

    Examples
    --------
    >>> mnist_cnn().count_params()
    34826
    """
    dropout = check_float(dropout, "dropout", min_value=0, max_value=1, include_max=False)
    learning_rate, _ = check_hyperparameters(learning_rate, 0.0)
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


def cifar10_cnn() -> keras.Sequential:
    """The lecture's CIFAR-10 model: three convolutions, two poolings, two dense layers.

    ``Conv2D(32) -> MaxPool -> Conv2D(64) -> MaxPool -> Conv2D(64) -> Flatten ->
    Dense(64) -> Dense(10)``, all convolutions 3x3 with ReLU; the last layer returns
    logits, so the loss is sparse categorical cross-entropy ``from_logits=True``;
    Adam with its default learning rate.

    Examples
    --------
    >>> cifar10_cnn().count_params()
    122570
    """
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.Conv2D(32, (3, 3), activation="relu", name="conv1"),
            keras.layers.MaxPooling2D((2, 2), name="pool1"),
            keras.layers.Conv2D(64, (3, 3), activation="relu", name="conv2"),
            keras.layers.MaxPooling2D((2, 2), name="pool2"),
            keras.layers.Conv2D(64, (3, 3), activation="relu", name="conv3"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(64, activation="relu", name="hidden"),
            keras.layers.Dense(10, name="logits"),
        ],
        name="cifar10_cnn",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def warmup_cosine_schedule(total_steps: int, peak_learning_rate: float):
    """Learning rate rising linearly over the first 15 % of the steps, then cosine decay.

    From ``peak / 25`` up to ``peak``, then down to 0 at ``total_steps``
    (a "one-cycle" schedule).

    Examples
    --------
    >>> schedule = warmup_cosine_schedule(100, 1e-2)
    >>> [round(float(schedule(step)), 4) for step in (0, 15, 100)]
    [0.0004, 0.01, 0.0]
    """
    total_steps = check_int(total_steps, "total_steps", min_value=1)
    peak_learning_rate = check_float(
        peak_learning_rate, "peak_learning_rate", min_value=0, include_min=False
    )
    total = max(2, total_steps)
    warmup = max(1, int(0.15 * total))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak_learning_rate / 25,
        decay_steps=total - warmup,
        alpha=0.0,
        warmup_target=peak_learning_rate,
        warmup_steps=warmup,
    )


def cifar10_improved(
    steps_per_epoch: int = 391,
    epochs: int = 20,
    widths: tuple[int, int, int] = (32, 64, 128),
    convs_per_block: tuple[int, int, int] = (1, 2, 2),
    peak_learning_rate: float = 3e-3,
    dropout: float = 0.2,
    shift: float = 0.0625,
    bn_momentum: float = 0.99,
) -> keras.Sequential:
    """A CIFAR-10 CNN with augmentation, batch normalisation, dropout and a schedule.

    Three blocks of ``[Conv2D 3x3 -> BatchNorm -> ReLU] x n -> MaxPool`` with ``widths``
    filters and ``convs_per_block`` convolutions (one at full resolution, where a
    convolution is most expensive, two in the smaller blocks), then global average
    pooling, ``Dropout(dropout)`` and ``Dense(10)`` logits. Random horizontal flips and
    shifts of up to ``shift`` times the image size (2 pixels by default) augment the
    training images; the augmentation and dropout layers are inactive at inference.
    ``bn_momentum`` is how slowly batch normalisation's running statistics (used at
    inference) follow the batches: 0.99 suits full training; a short run of a few
    hundred steps needs a faster 0.9. Adam follows a one-cycle schedule:
    linear warm-up to ``peak_learning_rate`` over the first 15 % of the
    ``steps_per_epoch * epochs`` steps, then cosine decay to zero.

    ``convs_per_block`` holds three ints from 1 to 4 (the layers are named ``a`` to
    ``d`` within a block); anything else raises ``ValueError``.
    """
    steps_per_epoch = check_int(steps_per_epoch, "steps_per_epoch", min_value=1)
    epochs = check_int(epochs, "epochs", min_value=1)
    for name, values, largest in (("widths", widths, None), ("convs_per_block", convs_per_block, 4)):
        if not isinstance(values, tuple | list) or len(values) != 3:
            raise ValueError(f"{name} must be three ints, one per block; got {values!r}")
        for value in values:
            check_int(value, name, min_value=1, max_value=largest)
    dropout = check_float(dropout, "dropout", min_value=0, max_value=1, include_max=False)
    shift = check_float(shift, "shift", min_value=0, max_value=0.5)
    bn_momentum = check_float(bn_momentum, "bn_momentum", min_value=0, max_value=1)
    schedule = warmup_cosine_schedule(steps_per_epoch * epochs, peak_learning_rate)
    blocks = []
    for index, (width, convs) in enumerate(zip(widths, convs_per_block, strict=True), start=1):
        for half in "abcd"[:convs]:
            blocks += [
                keras.layers.Conv2D(
                    width, 3, padding="same", use_bias=False, name=f"conv{index}{half}"
                ),
                keras.layers.BatchNormalization(momentum=bn_momentum, name=f"bn{index}{half}"),
                keras.layers.ReLU(name=f"relu{index}{half}"),
            ]
        blocks.append(keras.layers.MaxPooling2D(2, name=f"pool{index}"))
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.RandomFlip("horizontal", name="flip"),
            keras.layers.RandomTranslation(shift, shift, fill_mode="reflect", name="shift"),
            *blocks,
            keras.layers.GlobalAveragePooling2D(name="average"),
            keras.layers.Dropout(dropout, name="dropout"),
            keras.layers.Dense(10, name="logits"),
        ],
        name="cifar10_improved",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def forward_flops(model: keras.Model):
    """Multiply-adds of one forward pass of one image, layer by layer, by formula.

    ``Conv2D``: :math:`h_{out} w_{out} \\cdot F \\cdot k_h k_w C` multiply-adds;
    ``Dense``: inputs x units. Biases, activations, pooling and normalisation cost
    one operation per output or less and are left out (they are a few per cent).
    One multiply-add is two floating-point operations (FLOPs).

    Returns
    -------
    pandas.DataFrame
        One row per Conv2D or Dense layer: ``layer, output_shape, macs, flops``.
    """
    import pandas as pd

    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, filters = layer.output.shape
            kh, kw = layer.kernel_size
            channels = layer.kernel.shape[2]
            macs = height * width * filters * kh * kw * channels
        elif isinstance(layer, keras.layers.Dense):
            macs = layer.kernel.shape[0] * layer.kernel.shape[1]
        else:
            continue
        rows.append(
            {
                "layer": layer.name,
                "output_shape": tuple(layer.output.shape[1:]),
                "macs": int(macs),
                "flops": 2 * int(macs),
            }
        )
    return pd.DataFrame(rows, columns=["layer", "output_shape", "macs", "flops"])
