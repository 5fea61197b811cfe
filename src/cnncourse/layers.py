"""The building blocks of a CNN, in NumPy, on NHWC arrays.

Each function computes what the Keras layer of the same name computes in its forward
pass, so that the lectures can check them against each other:

===================  ==========================================
``relu``             ``keras.layers.ReLU`` / ``activation="relu"``
``max_pool2d``       ``keras.layers.MaxPooling2D``
``avg_pool2d``       ``keras.layers.AveragePooling2D``
``dropout``          ``keras.layers.Dropout``
``flatten``          ``keras.layers.Flatten``
``dense``            ``keras.layers.Dense``
``softmax``          ``keras.activations.softmax``
``cross_entropy``    ``keras.losses.CategoricalCrossentropy``
===================  ==========================================
"""

from __future__ import annotations

import numpy as np

from cnncourse import config
from cnncourse._validation import (
    as_float,
    check_array,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_labels,
)
from cnncourse.convolution2d import _pads, conv_output_size

#: Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logarithms.
EPSILON = 1e-7


def _batch(name: str, x) -> np.ndarray:
    return check_array(x, name, ndim=4, shape_hint="(N, H, W, C)")


def relu(x) -> np.ndarray:
    """Rectified linear unit, :math:`\\max(x, 0)` elementwise.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    return np.maximum(as_float(check_array(x, "x")), 0.0)


def _pool(x, pool_size: int, stride: int | None, padding: str, reduce: str) -> np.ndarray:
    x = as_float(_batch("x", x))
    pool_size = check_int(pool_size, "pool_size", min_value=1)
    stride = pool_size if stride is None else check_int(stride, "stride", min_value=1)
    if not isinstance(padding, str):
        raise ValueError(f'padding must be "valid" or "same"; got {padding!r}')
    padding = check_choice(padding, "padding", ("valid", "same"), ignore_case=True)
    for axis, size in (("height", x.shape[1]), ("width", x.shape[2])):
        try:
            conv_output_size(size, pool_size, stride, padding)
        except ValueError:
            raise ValueError(
                f"pool_size {pool_size} is larger than the (padded) input {axis} {size}"
            ) from None
    top, bottom = _pads(x.shape[1], pool_size, stride, padding)
    left, right = _pads(x.shape[2], pool_size, stride, padding)
    pad = ((0, 0), (top, bottom), (left, right), (0, 0))
    window = (pool_size, pool_size)

    def windows(a):
        view = np.lib.stride_tricks.sliding_window_view(a, window, axis=(1, 2))
        return view[:, ::stride, ::stride]  # (N, out_h, out_w, C, p, p)

    if reduce == "max":  # padding never wins a maximum
        return windows(np.pad(x, pad, constant_values=-np.inf)).max(axis=(-2, -1))
    # average over the real inputs only: padded cells count neither in sum nor in number
    total = windows(np.pad(x, pad)).sum(axis=(-2, -1))
    count = windows(np.pad(np.ones_like(x, dtype=float), pad)).sum(axis=(-2, -1))
    return total / count


def max_pool2d(x, pool_size: int = 2, stride: int | None = None, padding: str = "valid"):
    """Max pooling: the largest value in each ``pool_size`` x ``pool_size`` window.

    .. math:: y_{n,i,j,c} = \\max_{0 \\le p, q < k} x_{n,\\, s i + p,\\, s j + q,\\, c}

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
    pool_size : int
    stride : int, optional
        Defaults to ``pool_size`` (non-overlapping windows), as in Keras.
    padding : {"valid", "same"}

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> max_pool2d(x)[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """
    return _pool(x, pool_size, stride, padding, "max")


def avg_pool2d(x, pool_size: int = 2, stride: int | None = None, padding: str = "valid"):
    """Average pooling: the mean of each window (of its real inputs, with "same").

    .. math:: y_{n,i,j,c} = \\frac{1}{k^2} \\sum_{0 \\le p, q < k} x_{n,\\, s i + p,\\, s j + q,\\, c}

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> avg_pool2d(x)[0, :, :, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    return _pool(x, pool_size, stride, padding, "mean")


def dropout(x, rate: float, training: bool = True, rng: np.random.Generator | None = None):
    """Inverted dropout: zero each entry with probability ``rate``, scale the rest.

    .. math::

        y = \\frac{m \\odot x}{1 - r}, \\qquad m_i \\sim \\mathrm{Bernoulli}(1 - r)
        \\quad\\text{(training)}, \\qquad y = x \\quad\\text{(inference)}.

    Scaling by 1 / (1 - r) during training keeps the expected value of every entry,
    :math:`E[y_i] = x_i`, so nothing needs rescaling at inference.

    Parameters
    ----------
    x : array_like
    rate : float
        Probability of dropping an entry, in [0, 1).
    training : bool
    rng : numpy.random.Generator, optional
        Where the mask is drawn from; by default :func:`cnncourse.config.rng`, which
        :func:`cnncourse.config.set_seed` reseeds, so a seeded notebook repeats itself.

    Examples
    --------
    >>> dropout(np.ones(4), 0.5, training=False)
    array([1., 1., 1., 1.])
    """
    rate = check_float(rate, "rate", min_value=0, max_value=1, include_max=False)
    training = check_bool(training, "training")
    x = as_float(check_array(x, "x"))
    if not training or rate == 0:
        return x.copy()
    if rng is None:
        rng = config.rng()  # reseeded by config.set_seed
    elif not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None; got {rng!r}")
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def flatten(x) -> np.ndarray:
    """Flatten every item of a batch to a vector, in row-major (H, W, C) order.

    Examples
    --------
    >>> flatten(np.zeros((2, 3, 4, 5))).shape
    (2, 60)
    """
    x = check_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must be a batch with at least 2 dimensions; got shape {x.shape}")
    return x.reshape(len(x), -1)


def dense(x, w, b=None) -> np.ndarray:
    """Fully connected layer, :math:`y = x W + b`.

    Parameters
    ----------
    x : array_like, shape (N, D)
    w : array_like, shape (D, U)
    b : array_like, shape (U,), optional

    Returns
    -------
    numpy.ndarray, shape (N, U)
        float64 for integer or bool inputs (uint8 pixels do not overflow).

    Examples
    --------
    >>> dense([[1.0, 2.0]], [[1.0], [1.0]], [0.5])
    array([[3.5]])
    """
    x = as_float(check_array(x, "x", ndim=2, shape_hint="(N, D)"))
    w = as_float(check_array(w, "w", ndim=2, shape_hint="(D, U)"))
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"x must be (N, D) and w (D, U); got {x.shape} and {w.shape}")
    y = x @ w
    if b is None:
        return y
    b = as_float(check_array(b, "b"))
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape ({w.shape[1]},), one per unit; got {b.shape}")
    return y + b


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax, :math:`\\sigma(z)_k = e^{z_k} / \\sum_j e^{z_j}`, computed stably.

    Subtracting :math:`\\max_j z_j` first changes nothing mathematically and keeps
    every exponent at most 0, so nothing overflows.

    Examples
    --------
    >>> softmax([1000.0, 1000.0])
    array([0.5, 0.5])
    """
    z = as_float(check_array(z, "z"))
    if z.ndim == 0:
        raise ValueError(f"z must have at least 1 dimension; got shape {z.shape}")
    axis = check_int(axis, "axis", min_value=-z.ndim, max_value=z.ndim - 1)
    shifted = np.exp(z - z.max(axis=axis, keepdims=True))
    return shifted / shifted.sum(axis=axis, keepdims=True)


def one_hot(labels, n_classes: int) -> np.ndarray:
    """Rows of the identity matrix: label k becomes :math:`e_k`, the k-th unit vector.

    Parameters
    ----------
    labels : array_like of int, shape (N,)
        Class indices in [0, n_classes).
    n_classes : int

    Returns
    -------
    numpy.ndarray, shape (N, n_classes)

    Examples
    --------
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    n_classes = check_int(n_classes, "n_classes", min_value=1)
    return np.eye(n_classes)[check_labels(labels, "labels", n_classes)]


def cross_entropy(probabilities, labels) -> float:
    """Mean categorical cross-entropy of predicted probabilities against true labels.

    .. math:: L = -\\frac{1}{N} \\sum_n \\sum_k y_{nk} \\log p_{nk}

    As in Keras, each row of probabilities is first normalised to sum 1 and clipped to
    [1e-7, 1 - 1e-7], so that a zero probability costs about 16 rather than infinity.

    Parameters
    ----------
    probabilities : array_like, shape (N, K)
    labels : array_like, shape (N,) of class indices, or (N, K) one-hot

    Examples
    --------
    >>> round(cross_entropy([[0.5, 0.5]], [0]), 6)
    0.693147
    """
    p = as_float(check_array(probabilities, "probabilities", ndim=2, shape_hint="(N, K)"))
    if (p < 0).any():
        raise ValueError("probabilities must be non-negative; got a negative entry")
    y = np.asarray(labels)
    if y.ndim == 1:
        y = one_hot(check_labels(y, "labels", p.shape[1], n_examples=len(p)), p.shape[1])
    else:
        y = as_float(check_array(y, "labels"))
    if y.shape != p.shape:
        raise ValueError(f"labels must be (N,) or one-hot {p.shape}; got shape {y.shape}")
    p = np.clip(p / p.sum(axis=1, keepdims=True), EPSILON, 1 - EPSILON)
    return float(-(y * np.log(p)).sum(axis=1).mean())


# ---------------------------------------------------------------------------------------
# Lecture 10: batch normalisation (appended block)
# ---------------------------------------------------------------------------------------


def batch_norm(x, gamma, beta, mean=None, var=None, eps: float = 1e-3) -> np.ndarray:
    """Batch normalisation of channels-last input, in training or in inference mode.

    .. math::

        \\hat x = \\frac{x - \\mu_c}{\\sqrt{\\sigma_c^2 + \\epsilon}}, \\qquad
        y = \\gamma_c \\hat x + \\beta_c,

    per channel c (the last axis). Training mode (``mean`` and ``var`` None): the batch's
    own statistics over every other axis, :math:`\\mu_c = \\frac{1}{m}\\sum x` and
    :math:`\\sigma^2_c = \\frac{1}{m}\\sum (x - \\mu_c)^2` with m = N H W values per
    channel for NHWC input. Inference mode: the given (running) ``mean`` and ``var``.
    ``keras.layers.BatchNormalization`` computes the same (its ``epsilon`` defaults to
    the same 1e-3).

    Parameters
    ----------
    x : array_like, shape (N, ..., C)
        A batch, channels last: (N, H, W, C) after a convolution, (N, C) after a dense layer.
    gamma, beta : array_like, shape (C,)
        Scale and shift.
    mean, var : array_like, shape (C,), optional
        Both or neither: the statistics to normalise with (inference mode).
    eps : float
        Added to the variance, positive.

    Returns
    -------
    numpy.ndarray, the shape of x

    Examples
    --------
    >>> x = np.array([[1.0], [3.0]])          # two samples, one channel: mean 2, variance 1
    >>> batch_norm(x, [1.0], [0.0], eps=0.0)
    array([[-1.],
           [ 1.]])
    >>> batch_norm(x, [2.0], [5.0], mean=[1.0], var=[4.0], eps=0.0)
    array([[5.],
           [7.]])
    """
    # float64 for integer and float16 input: a float16 variance overflows at 65504
    x = as_float(check_array(x, "x", shape_hint="(N, ..., C)"))
    if x.ndim < 2:
        raise ValueError(f"x must be a batch of shape (N, ..., C); got shape {x.shape}")
    channels = x.shape[-1]
    gamma = as_float(check_array(gamma, "gamma", ndim=1, shape_hint=f"({channels},)"))
    beta = as_float(check_array(beta, "beta", ndim=1, shape_hint=f"({channels},)"))
    for name, value in (("gamma", gamma), ("beta", beta)):
        if value.shape != (channels,):
            raise ValueError(f"{name} must have shape ({channels},); got {value.shape}")
    if (mean is None) != (var is None):
        raise ValueError("mean and var must be given together (inference) or both be None")
    eps = check_float(eps, "eps", min_value=0)
    if mean is None:
        axes = tuple(range(x.ndim - 1))
        mean, var = x.mean(axis=axes), x.var(axis=axes)
    else:
        mean = as_float(check_array(mean, "mean", ndim=1, finite=True))
        var = as_float(check_array(var, "var", ndim=1, finite=True))
        for name, value in (("mean", mean), ("var", var)):
            if value.shape != (channels,):
                raise ValueError(f"{name} must have shape ({channels},); got {value.shape}")
        if np.any(var < 0):
            raise ValueError(f"var must be non-negative; got a smallest value of {var.min()}")
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
