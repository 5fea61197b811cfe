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

from cnncourse.models import check_hyperparameters, digits_cnn

PARAMETER_NAMES = (
    "conv_kernel",
    "conv_bias",
    "hidden_kernel",
    "hidden_bias",
    "out_kernel",
    "out_bias",
)
REGULARISED = ("conv_kernel", "hidden_kernel", "out_kernel")

PARAMETER_SHAPES = {
    "conv_kernel": ("k", "k", "C", "F"),
    "conv_bias": ("F",),
    "hidden_kernel": ("D", "H"),
    "hidden_bias": ("H",),
    "out_kernel": ("H", "K"),
    "out_bias": ("K",),
}


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


def _as_images(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(f"x must be images of shape (N, H, W) or (N, H, W, C); got {x.shape}")
    return x


def _check_grid(etas, lmbds) -> tuple[np.ndarray, np.ndarray]:
    etas, lmbds = np.atleast_1d(np.asarray(etas, float)), np.atleast_1d(np.asarray(lmbds, float))
    if etas.size == 0 or lmbds.size == 0:
        raise ValueError("etas and lmbds must each hold at least one value; got an empty grid")
    for eta in etas:
        for lmbd in lmbds:
            check_hyperparameters(float(eta), float(lmbd))
    return etas, lmbds


def initial_weights(seed: int, **model_options) -> dict[str, np.ndarray]:
    """The initial weights Keras gives ``digits_cnn`` after ``keras.utils.set_random_seed(seed)``."""
    import keras

    keras.utils.set_random_seed(seed)
    model = digits_cnn(eta=0.1, lmbd=0.0, **model_options)
    return dict(zip(PARAMETER_NAMES, (w.numpy() for w in model.weights), strict=True))


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


def _losses(params, x, y, lmbds):
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
    return cross_entropy + lmbds * penalty


def fused_fit(
    x,
    y,
    etas,
    lmbds,
    weights: dict[str, np.ndarray],
    epochs: int,
    batch_size: int = 100,
    shuffle_seed: int | None = 0,
    progress=None,
) -> FusedResult:
    """Train G = len(etas) configurations of the digits CNN at once with plain SGD.

    Parameters
    ----------
    x : array_like, shape (N, H, W) or (N, H, W, C)
        Training images (already scaled).
    y : array_like, shape (N,)
        Integer labels.
    etas, lmbds : array_like, shape (G,)
        Learning rate and L2 factor of each configuration.
    weights : dict of numpy.ndarray
        Initial weights, either of one network (shared by all G) or with a leading
        axis of length G.
    epochs, batch_size : int
    shuffle_seed : int or None
        Seed of the per-epoch permutation of the training set, the same for every
        configuration; None keeps the data in order (as ``fit(shuffle=False)``).
    progress : callable, optional
        Called with the number of finished epochs after each epoch.
    """
    import tensorflow as tf

    x = _as_images(x)
    y = np.asarray(y)
    etas = np.asarray(etas, np.float32).ravel()
    lmbds = np.asarray(lmbds, np.float32).ravel()
    if etas.shape != lmbds.shape:
        raise ValueError(f"etas and lmbds must pair up; got {etas.shape} and {lmbds.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length: {len(x)} and {len(y)}")
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    g = len(etas)
    n_classes = weights["out_bias"].shape[-1]
    labels = np.eye(n_classes, dtype=np.float32)[y]
    params = {}
    for name in PARAMETER_NAMES:
        value = np.asarray(weights[name], np.float32)
        if value.ndim == len(PARAMETER_SHAPES[name]):  # one network: copy it G times
            value = np.broadcast_to(value, (g, *value.shape))
        params[name] = tf.Variable(np.array(value))
    eta_t, lmbd_t = tf.constant(etas), tf.constant(lmbds)

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


def fused_predict(weights: dict[str, np.ndarray], x, batch_size: int = 512) -> np.ndarray:
    """Class probabilities (G, N, classes) of every configuration."""
    import tensorflow as tf

    x = _as_images(x)
    params = {name: tf.constant(np.asarray(w, np.float32)) for name, w in weights.items()}
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
    etas,
    lmbds,
    epochs: int = 100,
    batch_size: int = 100,
    seeds=(0,),
    progress: bool = True,
    validation: float | None = None,
    validation_data=None,
) -> pd.DataFrame:
    """Train the lecture's digits CNN for every (eta, lmbd, seed) and measure accuracy.

    All ``len(etas) * len(lmbds)`` configurations of one seed train together as one
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
    etas, lmbds : array_like
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
    etas, lmbds = _check_grid(etas, lmbds)
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
        x_val, y_val = _as_images(x_val), np.asarray(y_val)
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


def plot_accuracy_heatmaps(results: pd.DataFrame, chosen_by: str | None = None):
    """Training accuracy and the accuracy a cell is chosen by, as two annotated heatmaps.

    Rows are learning rates, columns L2 factors, tick labels powers of ten; values are
    means over seeds. Diverged configurations are annotated "div". The right heatmap
    shows ``chosen_by`` (default: ``validation_accuracy`` when ``results`` has it, else
    ``test_accuracy``), and its best cell is outlined in both.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.patches import Rectangle

    if chosen_by is None:
        chosen_by = "validation_accuracy" if "validation_accuracy" in results else "test_accuracy"
    needed = {"eta", "lmbd", "train_accuracy", chosen_by}
    if not needed <= set(results.columns):
        raise ValueError(
            f"results must have the columns {sorted(needed)}; got {list(results.columns)}"
        )
    mean = results.groupby(["eta", "lmbd"]).mean(numeric_only=True)
    diverged = (
        results.groupby(["eta", "lmbd"])["diverged"].any()
        if "diverged" in results
        else mean[chosen_by] * 0 > 0
    )
    etas = sorted(results["eta"].unique())
    lmbds = sorted(results["lmbd"].unique())

    def label(value):
        exponent = np.log10(value)
        return f"$10^{{{exponent:.0f}}}$" if np.isclose(exponent, round(exponent)) else f"{value:g}"

    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    best = mean[chosen_by].idxmax()
    for ax, column in zip(axes, ["train_accuracy", chosen_by], strict=True):
        title = column.replace("_", " ").replace("train ", "training ")
        table = mean[column].unstack("lmbd").reindex(index=etas, columns=lmbds)
        notes = table.map(lambda v: f"{v:.2f}")
        for (eta, lmbd), flag in diverged.items():
            if flag:
                notes.loc[eta, lmbd] = "div"
        sns.heatmap(
            table,
            annot=notes,
            fmt="",
            cmap="viridis",
            vmin=0,
            vmax=1,
            ax=ax,
            cbar_kws={"label": "accuracy"},
            annot_kws={"fontsize": 9},
        )
        ax.set_xticklabels([label(v) for v in lmbds], rotation=0)
        ax.set_yticklabels([label(v) for v in etas], rotation=0)
        ax.set_xlabel(r"L2 factor $\lambda$")
        ax.set_ylabel(r"learning rate $\eta$")
        ax.set_title(title)
        ax.grid(False)
        row, col = etas.index(best[0]), lmbds.index(best[1])
        ax.add_patch(Rectangle((col, row), 1, 1, fill=False, edgecolor="red", lw=3))
    return fig
