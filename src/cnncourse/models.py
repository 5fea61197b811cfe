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
    check_hyperparameters(peak_learning_rate, 0.0)
    total = max(2, int(total_steps))
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
    """
    if len(widths) != 3 or min(widths) < 1:
        raise ValueError(f"widths must be three positive ints; got {widths!r}")
    if len(convs_per_block) != 3 or min(convs_per_block) < 1:
        raise ValueError(f"convs_per_block must be three positive ints; got {convs_per_block!r}")
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must lie in [0, 1); got {dropout!r}")
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
