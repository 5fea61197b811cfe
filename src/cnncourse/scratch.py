"""A CNN from scratch in NumPy: layers with ``forward`` and ``backward``, and SGD.

Every layer maps its input to an output in ``forward`` (keeping what the backward pass
needs) and, given the gradient of the loss with respect to that output, returns the
gradient with respect to its input in ``backward``, storing the gradients of its own
parameters in ``grads``. Chaining the backward passes in reverse order is
backpropagation: the chain rule, one layer at a time.

The convolution uses the im2col routines of :mod:`cnncourse.convolution`: forward, one
matrix product of the im2col matrix with the kernels; backward, two matrix products and
:func:`~cnncourse.convolution.col2im` to fold the gradient back onto the input.
"""

from __future__ import annotations

import numpy as np

from cnncourse import layers
from cnncourse._validation import (
    as_float,
    check_array,
    check_bool,
    check_float,
    check_int,
    check_labels,
)
from cnncourse.convolution2d import _pads, col2im, conv_output_size, im2col


class Layer:
    """Base class: a layer without parameters."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]

    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Conv2D(Layer):
    """Cross-correlation with F kernels of shape (kh, kw, C), plus a bias.

    Forward, with :math:`X` the im2col matrix of the input (one receptive field per row)
    and :math:`W` the kernels as a (kh kw C) x F matrix: :math:`Y = X W + b`, a dense
    layer (:func:`cnncourse.layers.dense`) applied to every receptive field.
    Backward, for the upstream gradient :math:`G = \\partial L / \\partial Y`:

    .. math::

        \\frac{\\partial L}{\\partial W} = X^T G, \\qquad
        \\frac{\\partial L}{\\partial b} = \\sum_{\\text{rows}} G, \\qquad
        \\frac{\\partial L}{\\partial x} = \\mathrm{col2im}(G W^T).
    """

    def __init__(self, kernel: np.ndarray, bias: np.ndarray, stride: int = 1, padding=0):
        super().__init__()
        kernel = as_float(check_array(kernel, "kernel", ndim=4, shape_hint="(kh, kw, C, F)"))
        bias = as_float(check_array(bias, "bias"))
        if bias.shape != (kernel.shape[3],):
            raise ValueError(
                f"kernel must be (kh, kw, C, F) and bias (F,); got {kernel.shape}, {bias.shape}"
            )
        self.params = {"kernel": kernel.astype(np.float64), "bias": bias.astype(np.float64)}
        self.stride = check_int(stride, "stride", min_value=1)
        _pads(1, 1, 1, padding)  # checks padding
        self.padding = padding

    def forward(self, x, training=True):
        kh, kw, channels, filters = self.params["kernel"].shape
        x = as_float(check_array(x, "x", ndim=4, shape_hint=f"(N, H, W, {channels})"))
        if x.shape[3] != channels:
            raise ValueError(f"Conv2D expects (N, H, W, {channels}); got {x.shape}")
        self.x_shape = x.shape
        self.columns = im2col(x, kh, kw, self.stride, self.padding)
        out_h = conv_output_size(x.shape[1], kh, self.stride, self.padding)
        out_w = conv_output_size(x.shape[2], kw, self.stride, self.padding)
        y = layers.dense(
            self.columns, self.params["kernel"].reshape(-1, filters), self.params["bias"]
        )
        return y.reshape(x.shape[0], out_h, out_w, filters)

    def backward(self, grad):
        kh, kw, channels, filters = self.params["kernel"].shape
        g = grad.reshape(-1, filters)
        self.grads["kernel"] = (self.columns.T @ g).reshape(kh, kw, channels, filters)
        self.grads["bias"] = g.sum(axis=0)
        columns_grad = g @ self.params["kernel"].reshape(-1, filters).T
        return col2im(columns_grad, self.x_shape, kh, kw, self.stride, self.padding)


class ReLU(Layer):
    """:math:`y = \\max(x, 0)` (:func:`cnncourse.layers.relu`); backward passes the
    gradient where :math:`x > 0`."""

    def forward(self, x, training=True):
        y = layers.relu(x)
        self.mask = y > 0
        return y

    def backward(self, grad):
        return np.where(self.mask, grad, 0.0)


class MaxPool2D(Layer):
    """Non-overlapping max pooling (stride = pool size, any remainder rows dropped).

    Forward is :func:`cnncourse.layers.max_pool2d` (``padding="valid"``). Backward: each
    window's gradient goes to the input that was its maximum (the first one, if several
    tie), and nowhere else.

    Parameters
    ----------
    pool_size : int
        Side of the square window, at least 1 and at most the input's height and width.
    """

    def __init__(self, pool_size: int = 2):
        super().__init__()
        self.pool_size = check_int(pool_size, "pool_size", min_value=1)

    def forward(self, x, training=True):
        y = layers.max_pool2d(x, self.pool_size)  # validates x and the sizes
        self.x = as_float(np.asarray(x))
        return y

    def backward(self, grad):
        p = self.pool_size
        n, out_h, out_w, channels = grad.shape
        # the index of each window's (first) maximum, as in the forward pass
        windows = self.x[:, : out_h * p, : out_w * p, :].reshape(n, out_h, p, out_w, p, channels)
        windows = windows.transpose(0, 1, 3, 5, 2, 4).reshape(n, out_h, out_w, channels, p * p)
        argmax = windows.argmax(axis=-1)
        scattered = np.zeros((n, out_h, out_w, channels, p * p))
        np.put_along_axis(scattered, argmax[..., None], grad[..., None], axis=-1)
        scattered = scattered.reshape(n, out_h, out_w, channels, p, p).transpose(0, 1, 4, 2, 5, 3)
        dx = np.zeros(self.x.shape)
        dx[:, : out_h * p, : out_w * p, :] = scattered.reshape(n, out_h * p, out_w * p, channels)
        return dx


class Flatten(Layer):
    """(N, H, W, C) -> (N, H W C) in row-major order (:func:`cnncourse.layers.flatten`);
    backward reshapes back."""

    def forward(self, x, training=True):
        self.x_shape = np.shape(x)
        return layers.flatten(x)

    def backward(self, grad):
        return grad.reshape(self.x_shape)


class Dense(Layer):
    """:math:`Y = X W + b` (:func:`cnncourse.layers.dense`); backward
    :math:`\\partial W = X^T G`, :math:`\\partial b = \\sum G`, :math:`\\partial X = G W^T`."""

    def __init__(self, kernel: np.ndarray, bias: np.ndarray):
        super().__init__()
        kernel = as_float(check_array(kernel, "kernel", ndim=2, shape_hint="(D, U)"))
        bias = as_float(check_array(bias, "bias"))
        if bias.shape != (kernel.shape[1],):
            raise ValueError(
                f"kernel must be (D, U) and bias (U,); got {kernel.shape}, {bias.shape}"
            )
        self.params = {"kernel": kernel.astype(np.float64), "bias": bias.astype(np.float64)}

    def forward(self, x, training=True):
        y = layers.dense(x, self.params["kernel"], self.params["bias"])  # validates x
        self.x = as_float(np.asarray(x))
        return y

    def backward(self, grad):
        self.grads["kernel"] = self.x.T @ grad
        self.grads["bias"] = grad.sum(axis=0)
        return grad @ self.params["kernel"].T


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(logits) against integer labels, and its gradient.

    .. math::

        L = -\\frac{1}{B}\\sum_b \\log \\sigma(z_b)_{t_b}, \\qquad
        \\frac{\\partial L}{\\partial z_b} = \\frac{\\sigma(z_b) - e_{t_b}}{B}.

    Computed through the log-sum-exp, so it is finite for any finite logits.

    Parameters
    ----------
    logits : array_like, shape (B, K)
    labels : array_like of int, shape (B,)
        Class indices in [0, K), one per row of ``logits``.

    Returns
    -------
    loss : float
    grad : numpy.ndarray, shape (B, K)

    Examples
    --------
    >>> loss, grad = softmax_cross_entropy(np.zeros((2, 4)), [0, 3])
    >>> round(loss, 6), grad[0]
    (1.386294, array([-0.375,  0.125,  0.125,  0.125]))
    """
    logits = as_float(check_array(logits, "logits", ndim=2, shape_hint="(B, K)"))
    labels = check_labels(labels, "labels", logits.shape[1], n_examples=len(logits))
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    batch = len(logits)
    loss = -log_probs[np.arange(batch), labels].mean()
    grad = layers.softmax(logits, axis=1)
    grad[np.arange(batch), labels] -= 1
    return float(loss), grad / batch


class Sequential:
    """Layers applied in order; the loss is softmax cross-entropy plus an L2 penalty.

    .. math:: L = \\mathrm{CE} + \\lambda \\sum_{\\text{kernels}} \\|W\\|^2,
        \\qquad \\frac{\\partial}{\\partial W} \\lambda \\|W\\|^2 = 2 \\lambda W .

    The last layer returns logits; :meth:`predict` turns them into probabilities.
    """

    def __init__(self, layers: list[Layer], l2: float = 0.0):
        self.l2 = check_float(l2, "l2", min_value=0)
        self.layers = list(layers)

    def forward(self, x, training: bool = True) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def penalty(self) -> float:
        return self.l2 * sum(
            float(np.sum(layer.params["kernel"] ** 2))
            for layer in self.layers
            if "kernel" in layer.params
        )

    def loss_and_gradients(self, x, labels) -> float:
        """Forward, loss, and backward: fills every layer's ``grads``; returns the loss."""
        logits = self.forward(x)
        loss, grad = softmax_cross_entropy(logits, labels)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        for layer in self.layers:
            if "kernel" in layer.params:
                layer.grads["kernel"] = layer.grads["kernel"] + 2 * self.l2 * layer.params["kernel"]
        return loss + self.penalty()

    def predict(self, x, batch_size: int = 500) -> np.ndarray:
        """Class probabilities, softmax of the logits, like Keras' ``Model.predict``.

        Returns
        -------
        numpy.ndarray, shape (N, K)
            Each row sums to 1; ``predict(x).argmax(axis=1)`` are the predicted classes.
        """
        x = check_array(x, "x")
        if x.ndim == 0:
            raise ValueError(f"x must be a batch with at least 1 dimension; got shape {x.shape}")
        batch_size = check_int(batch_size, "batch_size", min_value=1)
        logits = np.concatenate(
            [
                self.forward(x[s : s + batch_size], training=False)
                for s in range(0, len(x), batch_size)
            ]
        )
        return layers.softmax(logits, axis=1)


class SGD:
    """Plain stochastic gradient descent: :math:`\\theta \\leftarrow \\theta - \\eta\\, \\partial L / \\partial \\theta`.

    Parameters
    ----------
    learning_rate : float
        The step size :math:`\\eta > 0`.
    """

    def __init__(self, learning_rate: float):
        self.learning_rate = check_float(
            learning_rate, "learning_rate", min_value=0, include_min=False
        )

    def step(self, model: Sequential) -> None:
        for layer in model.layers:
            for name, value in layer.params.items():
                value -= self.learning_rate * layer.grads[name]  # in place


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences: :math:`\\partial f / \\partial x_i \\approx (f(x + \\epsilon e_i) - f(x - \\epsilon e_i)) / 2\\epsilon`.

    ``f`` takes no argument and reads ``x``, which is perturbed in place (and restored),
    so it can be a parameter array inside a model. Use float64: the error of the
    difference quotient is :math:`O(\\epsilon^2)` plus rounding of order
    :math:`10^{-16}/\\epsilon`.

    Examples
    --------
    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda: float(np.sum(x**3)), x).round(6)
    array([ 3., 12.])
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "x must be a float64 numpy array for a meaningful numerical gradient; "
            f"got {getattr(x, 'dtype', type(x).__name__)}"
        )
    if not callable(f):
        raise TypeError(f"f must be a callable without arguments; got {f!r}")
    eps = check_float(eps, "eps", min_value=0, include_min=False)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        up = f()
        x[index] = original - eps
        down = f()
        x[index] = original
        grad[index] = (up - down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """:math:`\\max |a - b| / \\max(|a| + |b|)`, 0 when both are zero.

    Examples
    --------
    >>> round(relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])), 4)
    0.0476
    """
    a = as_float(check_array(a, "a"))
    b = as_float(check_array(b, "b"))
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    scale = float(np.max(np.abs(a) + np.abs(b)))
    return float(np.max(np.abs(a - b)) / scale) if scale else 0.0


# ---------------------------------------------------------------------------------------
# Lecture 10: batch normalisation as a layer (appended block)
# ---------------------------------------------------------------------------------------


class BatchNorm2D(Layer):
    """Batch normalisation of NHWC input, per channel, with running statistics.

    Forward in training mode, with m = N H W values per channel:

    .. math::

        \\mu = \\tfrac{1}{m}\\sum x, \\quad \\sigma^2 = \\tfrac{1}{m}\\sum (x - \\mu)^2, \\quad
        \\hat x = \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}}, \\quad y = \\gamma \\hat x + \\beta,

    and the running averages :math:`r \\leftarrow \\rho\\, r + (1 - \\rho)\\, b` of the
    batch statistics b (``momentum`` :math:`\\rho`, as in Keras); in inference mode
    (``training=False``) the running averages replace :math:`\\mu` and :math:`\\sigma^2`.
    Backward, for :math:`G = \\partial L / \\partial y` and means :math:`\\langle\\cdot\\rangle`
    over the m values of a channel:

    .. math::

        \\frac{\\partial L}{\\partial \\gamma} = \\sum G \\hat x, \\quad
        \\frac{\\partial L}{\\partial \\beta} = \\sum G, \\quad
        \\frac{\\partial L}{\\partial x} = \\frac{\\gamma}{\\sqrt{\\sigma^2 + \\epsilon}}
        \\left(G - \\langle G \\rangle - \\hat x \\langle G \\hat x \\rangle\\right):

    the gradient loses its mean and its component along :math:`\\hat x`, because
    shifting or scaling a channel's inputs does not change :math:`\\hat x`. After a
    forward pass in inference mode the statistics are constants, y is affine in x, and
    backward returns :math:`\\partial L / \\partial x = \\gamma G / \\sqrt{r_{\\sigma^2} + \\epsilon}`
    with :math:`r_{\\sigma^2}` the running variance.

    Examples
    --------
    >>> layer = BatchNorm2D(2)
    >>> x = np.random.default_rng(0).normal(3.0, 2.0, size=(4, 5, 5, 2))
    >>> y = layer.forward(x)
    >>> bool(np.allclose(y.mean(axis=(0, 1, 2)), 0.0)), y.shape
    (True, (4, 5, 5, 2))
    """

    def __init__(self, channels: int, momentum: float = 0.99, eps: float = 1e-3):
        super().__init__()
        channels = check_int(channels, "channels", min_value=1)
        momentum = check_float(momentum, "momentum", min_value=0, max_value=1, include_max=False)
        eps = check_float(eps, "eps", min_value=0, include_min=False)
        self.params = {"gamma": np.ones(channels), "beta": np.zeros(channels)}
        self.running_mean, self.running_var = np.zeros(channels), np.ones(channels)
        self.momentum, self.eps = momentum, eps
        self.training = None  # the mode of the last forward pass; backward needs it

    def forward(self, x, training=True):
        channels = self.params["gamma"].shape[0]
        # float64 for integer and float16 input: a float16 variance overflows at 65504
        x = as_float(check_array(x, "x", ndim=4, shape_hint=f"(N, H, W, {channels})"))
        if x.shape[3] != channels:
            raise ValueError(f"BatchNorm2D expects x of shape (N, H, W, {channels}); got {x.shape}")
        self.training = check_bool(training, "training")
        if self.training:
            mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
            rho = self.momentum
            self.running_mean = rho * self.running_mean + (1 - rho) * mean
            self.running_var = rho * self.running_var + (1 - rho) * var
        else:
            mean, var = self.running_mean, self.running_var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = (x - mean) * self.inv_std
        return self.params["gamma"] * self.x_hat + self.params["beta"]

    def backward(self, grad):
        if self.training is None:
            raise RuntimeError("BatchNorm2D.backward needs a forward pass first")
        axes = (0, 1, 2)
        self.grads["gamma"] = np.sum(grad * self.x_hat, axis=axes)
        self.grads["beta"] = grad.sum(axis=axes)
        if not self.training:
            # inference: mean and variance are constants, so y is affine in x
            return self.params["gamma"] * self.inv_std * grad
        m = grad.shape[0] * grad.shape[1] * grad.shape[2]
        return (
            self.params["gamma"]
            * self.inv_std
            * (grad - self.grads["beta"] / m - self.x_hat * self.grads["gamma"] / m)
        )
