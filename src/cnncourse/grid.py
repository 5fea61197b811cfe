"""The learning-rate x L2 grid search of the lecture, trained as one fused model.

The lecture trains the digits CNN (:func:`cnncourse.models.digits_cnn`) once for every
pair :math:`(\\eta, \\lambda)`: 49 calls of ``model.fit``. The models are tiny, so
almost all of that time is per-step overhead, paid 49 times. Here all configurations
train *at once*: every weight gets a leading axis of length G (one slice per
configuration), the forward pass runs the G networks side by side on the same batch,
and the loss is the sum of the G losses. Since configuration g's loss depends only on
its own slice of the weights,

.. math:: \\frac{\\partial}{\\partial W_g} \\sum_h L_h = \\frac{\\partial L_g}{\\partial W_g},

so one gradient computation yields the 49 separate gradients, and the update
:math:`W_g \\leftarrow W_g - \\eta_g \\nabla_{W_g} L_g` with each configuration's own
learning rate is exactly its own SGD step. Same initial weights, same batches, same
arithmetic: the same 49 models (tests/test_grid.py checks it against 49 Keras fits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cnncourse._validation import check_array, check_float, check_int, check_labels
from cnncourse.models import (
    PARAMETER_NAMES,
    PARAMETER_SHAPES,
    REGULARISED,
    digits_cnn,
    initial_weights,
)


@dataclass
class FusedResult:
    """What :func:`fused_fit` returns.

    Attributes
    ----------
    weights : dict of numpy.ndarray
        Final weights, each with a leading axis of length G (configurations).
    loss : numpy.ndarray, shape (G, epochs)
        Mean training loss (cross-entropy plus L2 penalty) of each epoch's batches.
    """

    weights: dict[str, np.ndarray]
    loss: np.ndarray


def _as_images(x, name: str = "x") -> np.ndarray:
    x = check_array(x, name, ndim=(3, 4), shape_hint="(N, H, W) or (N, H, W, C)", finite=True)
    x = x.astype(np.float32)
    return x[..., None] if x.ndim == 3 else x


def _check_values(values, name: str, positive: bool) -> np.ndarray:
    """A 1-D array of finite learning rates (> 0) or L2 factors (>= 0), as float64."""
    values = np.atleast_1d(check_array(values, name, ndim=(0, 1))).astype(np.float64)
    for index, value in enumerate(values):
        check_float(value, f"{name}[{index}]", min_value=0, include_min=not positive)
    return values


def _check_grid(learning_rates, l2_factors) -> tuple[np.ndarray, np.ndarray]:
    return (
        _check_values(learning_rates, "learning_rates", positive=True),
        _check_values(l2_factors, "l2_factors", positive=False),
    )


def _check_pairs(learning_rates, l2_factors) -> tuple[np.ndarray, np.ndarray]:
    learning_rates, l2_factors = _check_grid(learning_rates, l2_factors)
    if learning_rates.shape != l2_factors.shape:
        raise ValueError(
            "learning_rates and l2_factors must pair up, one of each per configuration; "
            f"got {learning_rates.shape} and {l2_factors.shape}"
        )
    return learning_rates, l2_factors


def _check_images_fit(x: np.ndarray, weights: dict[str, np.ndarray]) -> None:
    """x's channels and size must be those the weights were made for."""
    k, _, channels, filters = weights["conv_kernel"].shape[-4:]
    if x.shape[3] != channels:
        raise ValueError(
            f"x has {x.shape[3]} channels but the weights expect {channels}: x must be "
            f"(N, H, W, {channels})"
        )
    features = max((x.shape[1] - k + 1) // 2, 0) * max((x.shape[2] - k + 1) // 2, 0) * filters
    if features != weights["hidden_kernel"].shape[-2]:
        raise ValueError(
            f"x's images of {x.shape[1]}x{x.shape[2]} give {features} features after the "
            f"convolution and pooling, but the weights expect "
            f"{weights['hidden_kernel'].shape[-2]}: use the image size the weights were "
            "made for (initial_weights(seed, input_shape=...))"
        )


def _forward(params, x):
    """Logits (G, B, classes) of the G networks on one batch x (B, H, W, C)."""
    import tensorflow as tf

    kernel = params["conv_kernel"]  # (G, k, k, C, F)
    g, k, _, c, f = kernel.shape
    # one convolution with G * F filters computes every configuration's feature maps
    stacked = tf.reshape(tf.transpose(kernel, [1, 2, 3, 0, 4]), (k, k, c, g * f))
    h = tf.nn.conv2d(x, stacked, 1, "VALID") + tf.reshape(params["conv_bias"], (g * f,))
    h = tf.nn.relu(h)
    height, width = h.shape[1], h.shape[2]
    h = tf.transpose(tf.reshape(h, (-1, height, width, g, f)), [3, 0, 1, 2, 4])  # (G, B, ...)
    h = tf.nn.max_pool2d(tf.reshape(h, (-1, height, width, f)), 2, 2, "VALID")
    h = tf.reshape(h, (g, -1, h.shape[1] * h.shape[2] * f))  # flatten (row, column, channel)
    h = tf.nn.relu(tf.matmul(h, params["hidden_kernel"]) + params["hidden_bias"][:, None, :])
    return tf.matmul(h, params["out_kernel"]) + params["out_bias"][:, None, :]


def _losses(params, x, y, l2_factors):
    """Per configuration: mean cross-entropy over the batch plus the L2 penalty, (G,)."""
    import tensorflow as tf

    logits = _forward(params, x)
    labels = tf.broadcast_to(y, tf.shape(logits))
    # Keras computes categorical cross-entropy after a softmax from the softmax's logits
    cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels, logits), axis=1)
    penalty = tf.add_n(
        [
            tf.reduce_sum(tf.square(params[name]), axis=list(range(1, len(params[name].shape))))
            for name in REGULARISED
        ]
    )
    return cross_entropy + l2_factors * penalty


def fused_fit(
    x,
    y,
    learning_rates,
    l2_factors,
    weights: dict[str, np.ndarray],
    epochs: int,
    batch_size: int = 100,
    shuffle_seed: int | None = 0,
    progress=None,
) -> FusedResult:
    """Train G = len(learning_rates) configurations of the digits CNN at once with plain SGD.

    Every configuration g takes the SGD step
    :math:`W_g \\leftarrow W_g - \\eta_g \\nabla_{W_g} (L_{\\mathrm{CE}} + \\lambda_g \\sum \\|W\\|^2)`
    on the same batch; summing the G losses and differentiating once gives every
    configuration its own gradient (see the module docstring).

    Parameters
    ----------
    x : array_like, shape (N, H, W) or (N, H, W, C)
        Training images (already scaled).
    y : array_like, shape (N,)
        Integer labels in [0, K), K the number of classes of ``weights``.
    learning_rates, l2_factors : array_like, shape (G,)
        Learning rate :math:`\\eta_g > 0` and L2 factor :math:`\\lambda_g \\ge 0` of each
        configuration.
    weights : dict of numpy.ndarray
        Initial weights, either of one network (shared by all G) or with a leading
        axis of length G.
    epochs, batch_size : int
    shuffle_seed : int or None
        Seed of the per-epoch permutation of the training set, the same for every
        configuration; None keeps the data in order (as ``fit(shuffle=False)``).
    progress : callable, optional
        Called with the number of finished epochs after each epoch.

    Returns
    -------
    FusedResult
        Final weights with a leading axis G, and the mean loss of each epoch (G, epochs).
    """
    import tensorflow as tf

    x = _as_images(x)
    learning_rates, l2_factors = _check_pairs(learning_rates, l2_factors)
    epochs = check_int(epochs, "epochs", min_value=1)
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    if shuffle_seed is not None:
        shuffle_seed = check_int(shuffle_seed, "shuffle_seed", min_value=0)
    weights = _check_weights(weights)
    _check_images_fit(x, weights)
    n_classes = weights["out_bias"].shape[-1]
    y = check_labels(y, "y", n_classes, n_examples=len(x))
    learning_rates = learning_rates.astype(np.float32)
    l2_factors = l2_factors.astype(np.float32)
    g = len(learning_rates)
    labels = np.eye(n_classes, dtype=np.float32)[y]
    params = {}
    for name in PARAMETER_NAMES:
        value = weights[name]
        if value.ndim == len(PARAMETER_SHAPES[name]):  # one network: copy it G times
            value = np.broadcast_to(value, (g, *value.shape))
        elif len(value) != g:
            raise ValueError(
                f"weights[{name!r}] must be one network's or have a leading axis of "
                f"length {g}; got shape {value.shape}"
            )
        params[name] = tf.Variable(np.array(value))
    eta_t, lmbd_t = tf.constant(learning_rates), tf.constant(l2_factors)

    @tf.function(reduce_retracing=True)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            losses = _losses(params, xb, yb, lmbd_t)
            total = tf.reduce_sum(losses)
        grads = tape.gradient(total, list(params.values()))
        for variable, grad in zip(params.values(), grads, strict=True):
            shape = (g,) + (1,) * (len(variable.shape) - 1)
            variable.assign_sub(tf.reshape(eta_t, shape) * grad)  # each its own eta
        return losses

    rng = np.random.default_rng(shuffle_seed) if shuffle_seed is not None else None
    history = np.zeros((g, epochs), np.float32)
    for epoch in range(epochs):
        order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
        epoch_losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            epoch_losses.append(step(tf.constant(x[batch]), tf.constant(labels[batch])).numpy())
        history[:, epoch] = np.mean(epoch_losses, axis=0)
        if progress is not None:
            progress(epoch + 1)
    return FusedResult({name: v.numpy() for name, v in params.items()}, history)


def _check_weights(weights) -> dict[str, np.ndarray]:
    if not isinstance(weights, dict) or set(PARAMETER_NAMES) - set(weights):
        raise ValueError(
            f"weights must be a dict with the keys {list(PARAMETER_NAMES)} "
            f"(see cnncourse.models.initial_weights); got {_keys(weights)}"
        )
    checked = {}
    for name in PARAMETER_NAMES:
        value = check_array(weights[name], f"weights[{name!r}]", finite=False)
        if value.ndim not in (len(PARAMETER_SHAPES[name]), len(PARAMETER_SHAPES[name]) + 1):
            raise ValueError(
                f"weights[{name!r}] must have shape {PARAMETER_SHAPES[name]}, optionally "
                f"with a leading axis G; got shape {value.shape}"
            )
        checked[name] = value.astype(np.float32)
    return checked


def _keys(weights) -> str:
    return repr(sorted(weights)) if isinstance(weights, dict) else type(weights).__name__


def separate_fits(
    x,
    y,
    learning_rates,
    l2_factors,
    weights: dict[str, np.ndarray],
    epochs: int,
    batch_size: int = 100,
) -> dict[str, np.ndarray]:
    """The reference route: one compiled Keras :func:`~cnncourse.models.digits_cnn` and
    one ``model.fit`` per configuration, the loop that :func:`fused_fit` replaces.

    Each model starts from ``weights`` and sees the training data in order
    (``shuffle=False``), so it trains exactly as ``fused_fit(..., shuffle_seed=None)``
    trains its configuration; the lecture, the tests and the benchmark compare the two.

    Parameters
    ----------
    x, y, learning_rates, l2_factors, weights, epochs, batch_size
        As for :func:`fused_fit` (``weights`` of one network).

    Returns
    -------
    dict of numpy.ndarray
        The final weights, stacked with a leading axis G like :attr:`FusedResult.weights`
        (so :func:`fused_predict` takes them too).
    """
    x = _as_images(x)
    learning_rates, l2_factors = _check_pairs(learning_rates, l2_factors)
    epochs = check_int(epochs, "epochs", min_value=1)
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    weights = _check_weights(weights)
    if weights["conv_kernel"].ndim != 4:
        raise ValueError(
            "weights must be those of one network (no leading axis G); "
            f"got conv_kernel of shape {weights['conv_kernel'].shape}"
        )
    _check_images_fit(x, weights)
    n_classes = weights["out_bias"].shape[-1]
    y = check_labels(y, "y", n_classes, n_examples=len(x))
    finals = []
    for learning_rate, l2 in zip(learning_rates, l2_factors, strict=True):
        model = digits_cnn(
            float(learning_rate),
            float(l2),
            n_filters=weights["conv_kernel"].shape[-1],
            kernel_size=weights["conv_kernel"].shape[0],
            n_hidden=weights["hidden_bias"].shape[-1],
            n_classes=n_classes,
            input_shape=x.shape[1:],
        )
        model.set_weights([weights[name] for name in PARAMETER_NAMES])
        model.fit(
            x,
            np.eye(n_classes, dtype=np.float32)[y],
            epochs=epochs,
            batch_size=batch_size,
            shuffle=False,
            verbose=0,
        )
        finals.append(model.get_weights())
    return {
        name: np.stack([final[i] for final in finals]) for i, name in enumerate(PARAMETER_NAMES)
    }


def fused_predict(weights: dict[str, np.ndarray], x, batch_size: int = 512) -> np.ndarray:
    """Class probabilities of every configuration, softmax of its logits.

    Parameters
    ----------
    weights : dict of numpy.ndarray
        As :attr:`FusedResult.weights`: each with a leading axis of length G.
    x : array_like, shape (N, H, W) or (N, H, W, C)
    batch_size : int

    Returns
    -------
    numpy.ndarray, shape (G, N, K)
    """
    import tensorflow as tf

    x = _as_images(x)
    batch_size = check_int(batch_size, "batch_size", min_value=1)
    weights = _check_weights(weights)
    if weights["conv_kernel"].ndim != 5:
        weights = {name: value[None] for name, value in weights.items()}  # one network
    _check_images_fit(x, weights)
    params = {name: tf.constant(w) for name, w in weights.items()}
    parts = [
        tf.nn.softmax(_forward(params, tf.constant(x[s : s + batch_size]))).numpy()
        for s in range(0, len(x), batch_size)
    ]
    return np.concatenate(parts, axis=1)


def validation_split(x, y, fraction: float, seed: int = 0):
    """Hold out a stratified fraction of (x, y) for validation.

    Every class keeps its share in both parts (scikit-learn's ``train_test_split``
    with ``stratify=y``); the same seed gives the same split.

    Parameters
    ----------
    x : array_like, shape (N, ...)
    y : array_like, shape (N,)
        Integer labels.
    fraction : float
        Share of the images held out, in (0, 1).
    seed : int

    Returns
    -------
    ((x_fit, y_fit), (x_val, y_val))
        About ``(1 - fraction) N`` and ``fraction N`` images.

    Examples
    --------
    >>> x, y = np.arange(20).reshape(20, 1), np.repeat([0, 1], 10)
    >>> (x_fit, y_fit), (x_val, y_val) = validation_split(x, y, 0.2)
    >>> len(x_fit), len(x_val), np.bincount(y_val).tolist()
    (16, 4, [2, 2])
    """
    from sklearn.model_selection import train_test_split

    if isinstance(fraction, bool) or not isinstance(fraction, float | int) or not 0 < fraction < 1:
        raise ValueError(f"validation fraction must be a number in (0, 1); got {fraction!r}")
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length: {len(x)} and {len(y)}")
    x_fit, x_val, y_fit, y_val = train_test_split(
        x, y, test_size=fraction, random_state=seed, stratify=y
    )
    return (x_fit, y_fit), (x_val, y_val)


def grid_search(
    x_train,
    y_train,
    x_test,
    y_test,
    learning_rates,
    l2_factors,
    epochs: int = 100,
    batch_size: int = 100,
    seeds=(0,),
    progress: bool = True,
    validation: float | None = None,
    validation_data=None,
) -> pd.DataFrame:
    """Train the lecture's digits CNN for every (eta, lmbd, seed) and measure accuracy.

    All ``len(learning_rates) * len(l2_factors)`` configurations of one seed train together as one
    fused model (:func:`fused_fit`): the same initial weights (Keras' initialisers
    under that seed) and the same shuffled batches for every configuration.

    A cell is chosen by its *validation* accuracy: either pass ``validation``, the
    fraction of the training images held out (a stratified split, the same for every
    seed, see :func:`validation_split`), or ``validation_data=(x_val, y_val)``. The
    models then train on the rest only. The test accuracy is reported for every cell
    so that a lecture can measure what choosing costs; it must not be used to choose.

    Parameters
    ----------
    x_train, x_test : array_like, shape (N, H, W) or (N, H, W, C)
    y_train, y_test : array_like, shape (N,)
    learning_rates, l2_factors : array_like
        The grid: every pair is trained.
    epochs, batch_size : int
    seeds : iterable of int
        One fused training per seed (initial weights and batch order).
    progress : bool
        Show a progress bar.
    validation : float, optional
        Fraction in (0, 1) of the training images to hold out for validation.
    validation_data : tuple (x_val, y_val), optional
        Validation images and labels, instead of a split.

    Returns
    -------
    pandas.DataFrame
        One row per (eta, lmbd, seed) with columns ``eta, lmbd, seed,
        train_accuracy, [validation_accuracy,] test_accuracy, final_loss, diverged``
        (``validation_accuracy`` when a validation set is given). A configuration whose
        loss became NaN or infinite is marked ``diverged`` (its accuracies are those
        of its NaN outputs, i.e. chance level), not raised as an error.
    """
    etas, lmbds = _check_grid(learning_rates, l2_factors)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must hold at least one seed; got an empty list")
    x_val = y_val = None
    if validation is not None and validation_data is not None:
        raise ValueError("give validation (a fraction) or validation_data (x_val, y_val), not both")
    if validation is not None:
        (x_train, y_train), (x_val, y_val) = validation_split(x_train, y_train, validation)
    elif validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise ValueError(
                f"validation_data must be a pair (x_val, y_val); got {type(validation_data).__name__}"
            )
        x_val, y_val = validation_data
        if len(x_val) != len(y_val):
            raise ValueError(
                f"validation_data: x_val and y_val differ in length: {len(x_val)} and {len(y_val)}"
            )
    x_train, x_test = _as_images(x_train), _as_images(x_test)
    if x_val is not None:
        x_val, y_val = _as_images(x_val, "x_val"), np.asarray(y_val)
    eta_grid, lmbd_grid = (a.ravel() for a in np.meshgrid(etas, lmbds, indexing="ij"))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=epochs * len(seeds),
            desc=f"{eta_grid.size} models x {len(seeds)} seed(s)",
            unit="epoch",
        )
    rows = []
    for seed in seeds:
        weights = initial_weights(seed, input_shape=x_train.shape[1:])
        result = fused_fit(
            x_train,
            y_train,
            eta_grid,
            lmbd_grid,
            weights,
            epochs,
            batch_size,
            shuffle_seed=seed,
            progress=(lambda _: bar.update(1)) if bar else None,
        )
        with np.errstate(invalid="ignore"):
            train_pred = fused_predict(result.weights, x_train).argmax(axis=2)
            test_pred = fused_predict(result.weights, x_test).argmax(axis=2)
            if x_val is not None:
                val_pred = fused_predict(result.weights, x_val).argmax(axis=2)
        for index, (eta, lmbd) in enumerate(zip(eta_grid, lmbd_grid, strict=True)):
            final = float(result.loss[index, -1])
            row = {
                "eta": float(eta),
                "lmbd": float(lmbd),
                "seed": seed,
                "train_accuracy": float(np.mean(train_pred[index] == y_train)),
            }
            if x_val is not None:
                row["validation_accuracy"] = float(np.mean(val_pred[index] == y_val))
            row["test_accuracy"] = float(np.mean(test_pred[index] == y_test))
            row["final_loss"] = final
            row["diverged"] = not math.isfinite(final)
            rows.append(row)
    if bar is not None:
        bar.close()
    return pd.DataFrame(rows)
