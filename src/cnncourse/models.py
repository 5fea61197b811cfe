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


# ---------------------------------------------------------------------------------------
# Lecture 10: a small residual network for the CIFAR-10 speedrun (appended block)
# ---------------------------------------------------------------------------------------

#: Per-channel mean and standard deviation of the CIFAR-10 training images (0..255 scale).
CIFAR10_MEAN = (125.3, 122.9, 113.9)
CIFAR10_STD = (62.6, 61.9, 66.5)


def _conv_bn_relu(x, filters: int, name: str, batch_norm: bool, l2: float, pool: bool = False):
    regularizer = keras.regularizers.L2(l2) if l2 else None
    x = keras.layers.Conv2D(
        filters,
        3,
        padding="same",
        use_bias=not batch_norm,
        kernel_regularizer=regularizer,
        name=f"{name}_conv",
    )(x)
    if batch_norm:
        x = keras.layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
    x = keras.layers.ReLU(name=f"{name}_relu")(x)
    if pool:
        x = keras.layers.MaxPooling2D(2, name=f"{name}_pool")(x)
    return x


def cifar10_resnet(
    width: int = 16,
    steps_per_epoch: int = 352,
    epochs: int = 10,
    peak_learning_rate: float = 0.4,
    l2: float = 2.5e-4,
    label_smoothing: float = 0.1,
    residual: bool = True,
    batch_norm: bool = True,
    schedule: bool = True,
    logit_scale: float = 0.125,
) -> keras.Model:
    """The speedrun's residual CNN for CIFAR-10 (a narrow "ResNet-9"), compiled.

    With c = ``width``, every convolution 3x3, "same", followed by batch normalisation
    and ReLU (``[conv]`` below), on standardised 32x32x3 images:

    ``[conv c] -> [conv 2c] -> MaxPool -> + [conv 2c] -> [conv 2c] ->
    [conv 4c] -> MaxPool -> [conv 8c] -> MaxPool -> + [conv 8c] -> [conv 8c] ->
    GlobalMaxPool -> Dense(10) -> x logit_scale`` (logits),

    where ``+ F`` is a residual block, :math:`y = x + F(x)` with the identity shortcut.
    The logits are scaled down by ``logit_scale`` (the maxima of 8c ReLU channels are
    large; small logits at the start keep the first, large steps stable).
    Forward cost about :math:`92{,}000\\, c^2` multiply-adds per image (24 million for
    c = 16). The loss is cross-entropy with ``label_smoothing`` (the target puts
    :math:`1 - \\varepsilon + \\varepsilon/10` on the true class and
    :math:`\\varepsilon/10` on the others) plus ``l2`` times the squared kernels; SGD
    with Nesterov momentum 0.9 follows :func:`warmup_cosine_schedule` over
    ``steps_per_epoch * epochs`` steps up to ``peak_learning_rate`` (or keeps that rate
    constant, with ``schedule=False``). ``residual=False`` drops the
    shortcuts (a plain stack of the same depth) and ``batch_norm=False`` the
    normalisation (the convolutions then have biases), for the lecture's comparisons.
    Augmentation is done outside the model, on the data (:func:`flip_and_crop`).

    Examples
    --------
    >>> model = cifar10_resnet(width=16)
    >>> model.count_params(), int(forward_flops(model).macs.sum())
    (414074, 24036608)
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise ValueError(f"width must be a positive int; got {width!r}")
    if not 0 <= label_smoothing < 1:
        raise ValueError(f"label_smoothing must lie in [0, 1); got {label_smoothing!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int; got {epochs!r}")
    check_hyperparameters(peak_learning_rate, l2)
    c = width
    inputs = keras.Input((32, 32, 3), name="image")

    def block(x, filters, name, pool=False):
        return _conv_bn_relu(x, filters, name, batch_norm, l2, pool)

    def residual_block(x, filters, name):
        branch = block(block(x, filters, f"{name}a"), filters, f"{name}b")
        return keras.layers.Add(name=f"{name}_add")([x, branch]) if residual else branch

    x = block(inputs, c, "prep")
    x = block(x, 2 * c, "layer1", pool=True)
    x = residual_block(x, 2 * c, "res1")
    x = block(x, 4 * c, "layer2", pool=True)
    x = block(x, 8 * c, "layer3", pool=True)
    x = residual_block(x, 8 * c, "res3")
    x = keras.layers.GlobalMaxPooling2D(name="max")(x)
    x = keras.layers.Dense(10, name="dense")(x)
    outputs = keras.layers.Rescaling(logit_scale, name="logits")(x)
    model = keras.Model(inputs, outputs, name="cifar10_resnet")
    if schedule:
        learning_rate = warmup_cosine_schedule(steps_per_epoch * epochs, peak_learning_rate)
    else:
        learning_rate = peak_learning_rate
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9, nesterov=True),
        loss=keras.losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=label_smoothing
        ),
        metrics=["accuracy"],
    )
    return model


def standardise(images):
    """Raw CIFAR-10 images (pixels 0-255) to float32, each channel standardised with the
    training set's statistics: :math:`(x - \\mu_c) / \\sigma_c` (:data:`CIFAR10_MEAN`,
    :data:`CIFAR10_STD`, both on the 0-255 scale).

    The input must be on the 0-255 scale of :func:`cnncourse.data.load_cifar10`: uint8, or
    any real dtype with values in [0, 255]. Float images whose largest value is at most 1
    look scaled to [0, 1] already (``x / 255``), which would give values near -2 with no
    warning, so they are refused.

    Examples
    --------
    >>> import numpy as np
    >>> standardise(np.full((1, 32, 32, 3), 125, np.uint8))[0, 0, 0].round(2)
    array([-0.  ,  0.03,  0.17], dtype=float32)
    """
    import numpy as np

    from cnncourse._validation import check_array

    # integer or float pixels (a bool array is no image)
    images = check_array(
        images, "images", ndim=4, kinds="iuf", finite=True, shape_hint="(N, H, W, 3)"
    )
    if images.shape[-1] != 3:
        raise ValueError(f"images must have shape (N, H, W, 3); got {images.shape}")
    low, high = images.min(), images.max()
    if low < 0 or high > 255:
        raise ValueError(f"images must hold pixels in [0, 255]; got values from {low} to {high}")
    if images.dtype.kind == "f" and high <= 1:
        raise ValueError(
            "images must be raw pixels on the 0-255 scale (as load_cifar10 returns them); "
            f"these floats reach only {high:g}, so they look scaled to [0, 1] already: "
            "pass the images before dividing by 255"
        )
    mean = np.asarray(CIFAR10_MEAN, np.float32)
    std = np.asarray(CIFAR10_STD, np.float32)
    return (images.astype(np.float32) - mean) / std


def flip_and_crop(images, rng, pad: int = 4):
    """Random horizontal flips and random crops: the speedrun's augmentation, in NumPy.

    Each image is mirrored left-right with probability 1/2, padded by ``pad`` pixels on
    every side (reflecting the border) and cropped back to its size at a uniformly random
    offset, i.e. shifted by up to ``pad`` pixels in each direction.

    Parameters
    ----------
    images : array_like, shape (N, H, W, C)
    rng : numpy.random.Generator
    pad : int, non-negative

    Returns
    -------
    numpy.ndarray, the shape and dtype of ``images``

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16).reshape(1, 4, 4, 1)
    >>> flip_and_crop(x, np.random.default_rng(2), pad=0)[0, :, :, 0].tolist()  # flipped
    [[3, 2, 1, 0], [7, 6, 5, 4], [11, 10, 9, 8], [15, 14, 13, 12]]
    """
    import numpy as np

    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, H, W, C); got {images.shape}")
    if isinstance(pad, bool) or not isinstance(pad, int) or pad < 0:
        raise ValueError(f"pad must be a non-negative int; got {pad!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    n, height, width, _ = images.shape
    flip = rng.random(n) < 0.5
    out = images.copy()
    out[flip] = images[flip, :, ::-1]
    if pad == 0:
        return out
    padded = np.pad(out, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="reflect")
    dy, dx = rng.integers(0, 2 * pad + 1, size=(2, n))
    for oy in range(2 * pad + 1):  # one slice per offset: (2 pad + 1)^2 vectorised copies
        for ox in range(2 * pad + 1):
            chosen = np.flatnonzero((dy == oy) & (dx == ox))
            out[chosen] = padded[chosen, oy : oy + height, ox : ox + width]
    return out


def fit_augmented(
    model: keras.Model,
    x,
    y,
    epochs: int,
    batch_size: int = 128,
    augment: bool = True,
    validation_data=None,
    seed: int = 0,
):
    """Train ``model`` for ``epochs``, drawing a fresh :func:`flip_and_crop` copy each epoch.

    ``y`` holds integer labels; they are one-hot encoded for the (label-smoothed)
    categorical cross-entropy of :func:`cifar10_resnet`. ``validation_data`` is
    ``(x_val, y_val)`` with integer labels, or None.

    Returns
    -------
    dict
        The Keras history, one list per metric (``loss``, ``accuracy`` and, with
        validation data, ``val_loss``, ``val_accuracy``), plus ``seconds``: the wall time
        of each epoch, augmentation included.
    """
    import time

    import numpy as np

    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int; got {epochs!r}")
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y) or y.ndim != 1:
        raise ValueError(f"y must hold one integer label per image; got {y.shape} for {len(x)}")
    rng = np.random.default_rng(seed)
    targets = keras.utils.to_categorical(y, 10)
    if validation_data is not None:
        x_val, y_val = validation_data
        validation_data = (x_val, keras.utils.to_categorical(np.asarray(y_val), 10))
    logs: dict[str, list[float]] = {"seconds": []}
    for epoch in range(epochs):
        start = time.perf_counter()
        x_epoch = flip_and_crop(x, rng) if augment else x
        history = model.fit(
            x_epoch,
            targets,
            batch_size=batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            validation_data=validation_data,
            verbose=0,
        )
        logs["seconds"].append(time.perf_counter() - start)
        for key, values in history.history.items():
            logs.setdefault(key, []).extend(float(v) for v in values)
    return logs


def predict_flip_average(model: keras.Model, x, batch_size: int = 1000):
    """Class probabilities averaged over each image and its mirror image (test-time flips).

    .. math:: p(y \\mid x) = \\tfrac12\\left(\\mathrm{softmax}(f(x)) + \\mathrm{softmax}(f(\\bar x))\\right),

    :math:`\\bar x` the image flipped left to right. Returns shape (N, 10).
    """
    import numpy as np

    x = np.asarray(x)
    plain = model.predict(x, batch_size=batch_size, verbose=0)
    mirror = model.predict(x[:, :, ::-1], batch_size=batch_size, verbose=0)
    softmax = keras.ops.softmax
    return keras.ops.convert_to_numpy((softmax(plain) + softmax(mirror)) / 2)


def layer_costs(model: keras.Model):
    """Parameters and multiply-adds of every layer, from the layer's specification.

    Counted by formula, for one image, with :math:`h_o \\times w_o` the output size,
    :math:`C` the input channels, :math:`F` the filters, :math:`k_h \\times k_w` the kernel:

    ==========================  =========================================  ==============================
    layer                       parameters                                 multiply-adds
    ==========================  =========================================  ==============================
    ``Conv2D``                  :math:`k_h k_w C F` (+ F biases)           :math:`h_o w_o k_h k_w C F`
    ``Conv2DTranspose``         :math:`k_h k_w C F` (+ F)                  :math:`h_i w_i k_h k_w C F`
    ``DepthwiseConv2D``         :math:`k_h k_w C M` (+ C M)                :math:`h_o w_o k_h k_w C M`
    ``SeparableConv2D``         :math:`k_h k_w C M + C M F` (+ F)          :math:`h_o w_o (k_h k_w C M + C M F)`
    ``Dense``                   :math:`D U` (+ U)                          :math:`D U`
    ``BatchNormalization``      :math:`4 C` (2 trained, 2 running)         0 (foldable into the conv)
    ==========================  =========================================  ==============================

    (M the depth multiplier, D inputs, U units; biases, activations and pooling cost one
    operation per output or less and are left out of the multiply-adds, as in
    :func:`forward_flops`, which this extends to the layers of modern CNNs.) The
    parameter column is computed from the configuration, not read from the weights,
    so ``sum(params) == model.count_params()`` is a check of the formulas.

    Returns
    -------
    pandas.DataFrame
        One row per layer that has parameters or multiply-adds:
        ``layer, kind, output_shape, params, macs, flops``.

    Examples
    --------
    >>> model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.SeparableConv2D(8, 3)])
    >>> layer_costs(model)[["kind", "params", "macs"]].to_dict("records")
    [{'kind': 'SeparableConv2D', 'params': 59, 'macs': 45900}]
    """
    import math

    import pandas as pd

    def spatial(shape):
        return math.prod(int(s) for s in shape[1:-1])

    rows = []
    for layer in _all_layers(model):
        kind = type(layer).__name__
        if isinstance(layer, keras.layers.SeparableConv2D):
            channels = int(layer.input.shape[-1])
            kh, kw = layer.kernel_size
            depth = kh * kw * channels * layer.depth_multiplier
            point = channels * layer.depth_multiplier * layer.filters
            params = depth + point + (layer.filters if layer.use_bias else 0)
            macs = spatial(layer.output.shape) * (depth + point)
        elif isinstance(layer, keras.layers.DepthwiseConv2D):
            channels = int(layer.input.shape[-1])
            kh, kw = layer.kernel_size
            weights = kh * kw * channels * layer.depth_multiplier
            params = weights + (channels * layer.depth_multiplier if layer.use_bias else 0)
            macs = spatial(layer.output.shape) * weights
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            channels = int(layer.input.shape[-1])
            kh, kw = layer.kernel_size
            weights = kh * kw * channels * layer.filters
            params = weights + (layer.filters if layer.use_bias else 0)
            macs = spatial(layer.input.shape) * weights
        elif isinstance(layer, keras.layers.Conv2D):
            channels = int(layer.input.shape[-1]) // layer.groups
            kh, kw = layer.kernel_size
            weights = kh * kw * channels * layer.filters
            params = weights + (layer.filters if layer.use_bias else 0)
            macs = spatial(layer.output.shape) * weights
        elif isinstance(layer, keras.layers.Dense):
            inputs = int(layer.input.shape[-1])
            params = inputs * layer.units + (layer.units if layer.use_bias else 0)
            macs = math.prod(int(s) for s in layer.output.shape[1:-1]) * inputs * layer.units
        elif isinstance(layer, keras.layers.BatchNormalization):
            channels = int(layer.input.shape[layer.axis if isinstance(layer.axis, int) else -1])
            params = channels * (int(layer.center) + int(layer.scale)) + 2 * channels
            macs = 0
        else:
            if layer.weights:
                raise ValueError(f"layer_costs cannot count layer {layer.name!r} of kind {kind}")
            continue
        rows.append(
            {
                "layer": layer.name,
                "kind": kind,
                "output_shape": tuple(layer.output.shape[1:]),
                "params": int(params),
                "macs": int(macs),
                "flops": 2 * int(macs),
            }
        )
    return pd.DataFrame(rows, columns=["layer", "kind", "output_shape", "params", "macs", "flops"])


def _all_layers(model):
    """The layers of a model, nested models opened."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _all_layers(layer)
        else:
            yield layer
