"""Discrete convolution: the sum, the Toeplitz matrix, and the FFT.

The (full) discrete convolution of ``x`` (length n) and ``w`` (length m) is

.. math::

    y_l = (x * w)_l = \\sum_i x_i \\, w_{l-i}, \\qquad l = 0, \\dots, n + m - 2,

with ``x`` and ``w`` taken as zero outside their ranges. It is the coefficient rule of
polynomial multiplication, it is a Toeplitz matrix times a vector, and by the
convolution theorem it is a pointwise product after a Fourier transform. This module
computes it all three ways so that the lectures can compare them; they agree with
``numpy.convolve``.
"""

from __future__ import annotations

import numpy as np

MODES = ("full", "same", "valid")
METHODS = ("direct", "toeplitz", "fft")

# An integer FFT product is exact after rounding while its rounding error stays far
# below 0.5. The error grows like eps * (largest possible |coefficient|) * log n; we
# require the largest possible |coefficient| to stay below 2**40 (error ~ 1e-4).
_EXACT_FFT_BOUND = 2.0**40


def _as_real_1d(name: str, values) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array; got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers; got dtype {array.dtype}")
    return array


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")


def toeplitz_matrix(w, n: int) -> np.ndarray:
    """The convolution matrix of ``w`` for inputs of length ``n``.

    .. math:: T_{ij} = w_{i-j} \\quad (0 \\le i - j < m), \\qquad 0 \\text{ otherwise},

    a Toeplitz matrix (constant along each diagonal) of shape ``(m + n - 1, n)``, such
    that ``T @ x == numpy.convolve(w, x)`` for every ``x`` of length ``n``.

    Parameters
    ----------
    w : array_like, shape (m,)
        The kernel (or the coefficients of one polynomial).
    n : int
        The length of the vectors the matrix multiplies.

    Returns
    -------
    numpy.ndarray, shape (m + n - 1, n)

    Examples
    --------
    >>> toeplitz_matrix([1, 2, 3], 2)
    array([[1, 0],
           [2, 1],
           [3, 2],
           [0, 3]])
    """
    w = _as_real_1d("w", w)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    m = len(w)
    i = np.arange(m + n - 1)[:, None]
    j = np.arange(n)[None, :]
    offset = i - j  # T[i, j] depends on i - j only: the Toeplitz rule
    inside = (offset >= 0) & (offset < m)
    return np.where(inside, w[np.clip(offset, 0, m - 1)], 0).astype(w.dtype)


def _full_direct(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    # Shift and add: y[j : j + n] += w[j] * x for each j, looping over the shorter input.
    if len(w) > len(x):
        x, w = w, x
    dtype = np.result_type(x, w, np.int64 if np.result_type(x, w).kind in "biu" else float)
    y = np.zeros(len(x) + len(w) - 1, dtype=dtype)
    for j, weight in enumerate(w):
        y[j : j + len(x)] += weight * x
    return y


def _fft_length(n: int) -> int:
    return 1 << (n - 1).bit_length()  # the next power of two


def _full_fft(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    length = len(x) + len(w) - 1
    size = _fft_length(length)
    # zero padding to `size` >= n + m - 1 makes the circular convolution a linear one
    return np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(w, size), size)[:length]


def _crop(full: np.ndarray, n: int, m: int, mode: str) -> np.ndarray:
    longer, shorter = max(n, m), min(n, m)
    if mode == "full":
        return full
    if mode == "same":  # length max(n, m), centred as numpy.convolve centres it
        start = (shorter - 1) // 2
        return full[start : start + longer]
    return full[shorter - 1 : longer]  # valid: only complete overlaps


def convolve1d(x, w, mode: str = "full", method: str = "direct") -> np.ndarray:
    """Discrete convolution of two 1-D real sequences, three ways.

    .. math:: y_l = \\sum_i x_i \\, w_{l-i}

    Parameters
    ----------
    x, w : array_like, shapes (n,) and (m,)
        Real sequences; the convolution is symmetric in them.
    mode : {"full", "same", "valid"}
        As in ``numpy.convolve``: all n + m - 1 overlaps; the central max(n, m); or
        only the max(n, m) - min(n, m) + 1 positions where the sequences overlap fully.
    method : {"direct", "toeplitz", "fft"}
        ``"direct"``: the sum, O(nm). ``"toeplitz"``: build the (n + m - 1) x n matrix
        and multiply, O(nm) time *and* memory. ``"fft"``: zero-pad to a power of two
        at least n + m - 1, multiply the spectra, transform back, O(N log N).

    Returns
    -------
    numpy.ndarray
        Equal to ``numpy.convolve(x, w, mode)`` (to rounding for ``"fft"``, which
        always returns floats).

    Examples
    --------
    >>> convolve1d([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> convolve1d([1, 2, 3], [0, 1, 0.5], mode="valid", method="fft").round(12)
    array([2.5])
    """
    x = _as_real_1d("x", x)
    w = _as_real_1d("w", w)
    _check_choice("mode", mode, MODES)
    _check_choice("method", method, METHODS)
    if method == "direct":
        full = _full_direct(x, w)
    elif method == "toeplitz":
        full = toeplitz_matrix(w, len(x)) @ x
    else:
        full = _full_fft(x.astype(float), w.astype(float))
    return _crop(full, len(x), len(w), mode)


def polymul(a, b, method: str = "direct") -> np.ndarray:
    """Coefficients of the product of two polynomials, lowest degree first.

    If :math:`p(t) = \\sum_i a_i t^i` and :math:`s(t) = \\sum_j b_j t^j`, then
    :math:`p(t)\\,s(t) = \\sum_l c_l t^l` with :math:`c_l = \\sum_{i+j=l} a_i b_j`,
    the convolution of the coefficient sequences.

    Parameters
    ----------
    a, b : array_like
        Real coefficients, lowest degree first.
    method : {"direct", "toeplitz", "fft"}
        How the convolution is computed (see :func:`convolve1d`). With integer inputs
        every method returns exact integers: the FFT result is rounded, which is exact
        while the largest possible coefficient stays below 2**40; beyond that bound
        the exact direct sum is used instead.

    Returns
    -------
    numpy.ndarray
        Equal to ``numpy.polynomial.polynomial.polymul(a, b)``: trailing zero
        coefficients are trimmed, leaving at least one. Integer inputs give int64.

    Examples
    --------
    >>> polymul([1, 1], [1, 1])        # (1 + t)^2
    array([1, 2, 1])
    >>> polymul([1, 2], [3, 0, 1], method="fft")
    array([3, 6, 1, 2])
    """
    a = _as_real_1d("a", a)
    b = _as_real_1d("b", b)
    _check_choice("method", method, METHODS)
    integer = a.dtype.kind in "biu" and b.dtype.kind in "biu"
    if integer:
        a, b = a.astype(np.int64), b.astype(np.int64)
        bound = float(np.abs(a).max()) * float(np.abs(b).max()) * min(len(a), len(b))
        if method == "fft" and bound >= _EXACT_FFT_BOUND:
            method = "direct"  # the rounded FFT could be wrong: take the exact route
    # Trailing zero coefficients do not change the polynomial. Dropping them from the
    # inputs first, as numpy does, fixes the degree of the product: its top coefficient
    # is the product of two non-zero ones, so no rounding residue of the FFT is kept
    # where an exact zero belongs.
    a, b = _trim_trailing_zeros(a), _trim_trailing_zeros(b)
    if not (a.any() and b.any()):
        return np.zeros(1, dtype=np.int64 if integer else float)
    product = convolve1d(a, b, "full", method)
    if integer and product.dtype.kind == "f":
        product = np.rint(product).astype(np.int64)
    return product


def _trim_trailing_zeros(c: np.ndarray) -> np.ndarray:
    nonzero = np.flatnonzero(c)
    return c[: nonzero[-1] + 1] if nonzero.size else c[:1]


# ============================================================================ 2-D
#
# Images are indexed (row, column). A batch is NHWC: (images, height, width, channels),
# the layout of Keras and TensorFlow; kernels for several channels and filters are
# (kernel height, kernel width, input channels, filters).


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution along one axis.

    .. math::

        n_{out} = \\left\\lfloor \\frac{n + 2p - k_{\\mathrm{eff}}}{s} \\right\\rfloor + 1,
        \\qquad k_{\\mathrm{eff}} = d\\,(k - 1) + 1,

    for input length n, kernel length k, padding p on each side, stride s and dilation
    d (a dilated kernel spreads its k taps d apart, covering k_eff inputs).

    Examples
    --------
    >>> conv_output_size(32, 3), conv_output_size(5, 3, stride=2, padding=1)
    (30, 3)
    >>> conv_output_size(7, 3, dilation=2)
    3
    """
    n, k = _positive_int("n", n), _positive_int("k", k)
    stride, dilation = _positive_int("stride", stride), _positive_int("dilation", dilation)
    if isinstance(padding, bool) or not isinstance(padding, int | np.integer) or padding < 0:
        raise ValueError(f"padding must be a non-negative int; got {padding!r}")
    span = dilation * (k - 1) + 1
    if n + 2 * padding < span:
        raise ValueError(
            f"the kernel (span {span}) is larger than the padded input ({n} + 2*{padding})"
        )
    return (n + 2 * padding - span) // stride + 1


def _pads(n: int, span: int, stride: int, padding) -> tuple[int, int]:
    """(before, after) padding along one axis, TensorFlow's rule for "same"."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return 0, 0
        if mode == "same":  # out = ceil(n / s); any odd padding goes after, as in TF
            out = -(-n // stride)
            total = max((out - 1) * stride + span - n, 0)
            return total // 2, total - total // 2
        raise ValueError(f'padding must be an int >= 0, "valid" or "same"; got {padding!r}')
    if isinstance(padding, bool) or not isinstance(padding, int | np.integer) or padding < 0:
        raise ValueError(f'padding must be an int >= 0, "valid" or "same"; got {padding!r}')
    return int(padding), int(padding)


def im2col(x, kh: int, kw: int, stride: int = 1, padding=0, dilation: int = 1) -> np.ndarray:
    """Unfold every receptive field of a batch into one row of a matrix.

    For x of shape (N, H, W, C) the result has one row per output position,
    ``(N * out_h * out_w)`` rows, each holding the ``kh * kw * C`` inputs under the
    kernel in (row, column, channel) order. A convolution with kernels w of shape
    (kh, kw, C, F) is then one matrix product, ``im2col(x, ...) @ w.reshape(-1, F)``.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
    kh, kw : int
        Kernel height and width.
    stride : int
    padding : int, "valid" or "same"
        Zeros added on each side (int), none ("valid"), or TensorFlow's "same": enough
        for ceil(H / stride) outputs, any odd one after.
    dilation : int
        Spacing of the kernel taps.

    Returns
    -------
    numpy.ndarray, shape (N * out_h * out_w, kh * kw * C)

    Examples
    --------
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> im2col(x, 2, 2)
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (N, H, W, C); got shape {x.shape}")
    kh, kw = _positive_int("kh", kh), _positive_int("kw", kw)
    stride, dilation = _positive_int("stride", stride), _positive_int("dilation", dilation)
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    top, bottom = _pads(x.shape[1], span_h, stride, padding)
    left, right = _pads(x.shape[2], span_w, stride, padding)
    if x.shape[1] + top + bottom < span_h or x.shape[2] + left + right < span_w:
        raise ValueError(
            f"the kernel ({kh}x{kw}, span {span_h}x{span_w}) is larger than the padded "
            f"input ({x.shape[1] + top + bottom}x{x.shape[2] + left + right})"
        )
    if top or bottom or left or right:
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    # a view (no copy) of every span_h x span_w window: (N, oh, ow, C, span_h, span_w)
    windows = np.lib.stride_tricks.sliding_window_view(x, (span_h, span_w), axis=(1, 2))
    windows = windows[:, ::stride, ::stride, :, ::dilation, ::dilation]
    n, out_h, out_w = windows.shape[:3]
    # reorder to (N, oh, ow, kh, kw, C); reshape copies into one contiguous matrix
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * out_h * out_w, -1)


def conv2d_im2col(x, w, b=None, stride: int = 1, padding="valid", dilation: int = 1) -> np.ndarray:
    """Multi-channel 2-D convolution (cross-correlation) of a batch as one matrix product.

    .. math::

        y_{n,i,j,f} = b_f + \\sum_{p,q,c} x_{n,\\, s i + d p,\\, s j + d q,\\, c}\\; w_{p,q,c,f}

    on the padded input: what ``keras.layers.Conv2D`` and ``tf.nn.conv2d`` compute.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
    w : array_like, shape (kh, kw, C, F)
    b : array_like, shape (F,), optional
    stride, dilation : int
    padding : int, "valid" or "same" (either case)
        As in :func:`im2col`; ``"VALID"`` and ``"SAME"`` match ``tf.nn.conv2d``.

    Returns
    -------
    numpy.ndarray, shape (N, out_h, out_w, F)

    Examples
    --------
    >>> x = np.ones((2, 5, 5, 3))
    >>> w = np.ones((3, 3, 3, 4))
    >>> conv2d_im2col(x, w, padding="same").shape
    (2, 5, 5, 4)
    >>> float(conv2d_im2col(x, w)[0, 0, 0, 0])      # 3 x 3 x 3 ones
    27.0
    """
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (N, H, W, C); got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"w must have shape (kh, kw, C, F); got shape {w.shape}")
    if w.shape[2] != x.shape[3]:
        raise ValueError(
            f"w has {w.shape[2]} input channels but x has {x.shape[3]}: w must be "
            f"(kh, kw, {x.shape[3]}, F)"
        )
    kh, kw, _, filters = w.shape
    stride, dilation = _positive_int("stride", stride), _positive_int("dilation", dilation)
    if b is not None:
        b = np.asarray(b)
        if b.shape != (filters,):
            raise ValueError(f"b must have shape ({filters},); got {b.shape}")
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    top, bottom = _pads(x.shape[1], span_h, stride, padding)
    left, right = _pads(x.shape[2], span_w, stride, padding)
    out_h = (x.shape[1] + top + bottom - span_h) // stride + 1
    out_w = (x.shape[2] + left + right - span_w) // stride + 1
    columns = im2col(x, kh, kw, stride, padding, dilation)
    y = columns @ w.reshape(-1, filters)
    if b is not None:
        y = y + b
    return y.reshape(x.shape[0], out_h, out_w, filters)


def conv2d(image, kernel, stride: int = 1, padding=0, flip: bool = False) -> np.ndarray:
    """Two-dimensional convolution of one single-channel image with one kernel.

    Cross-correlation (what deep-learning libraries call convolution) by default,

    .. math:: S(i, j) = \\sum_{m,n} I(s i + m,\\; s j + n)\\, K(m, n),

    and the true convolution :math:`\\sum_{m,n} I(i - m, j - n) K(m, n)` with
    ``flip=True``, which is the cross-correlation with the kernel rotated by 180 degrees.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
    stride : int
    padding : int, "valid" or "same"
    flip : bool

    Returns
    -------
    numpy.ndarray, shape (out_h, out_w)
        For stride 1 and padding 0 equal to ``scipy.signal.correlate2d(image, kernel,
        mode="valid")`` (``convolve2d`` with ``flip=True``).

    Examples
    --------
    >>> conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]])
    array([[-4., -4.],
           [-4., -4.]])
    """
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W); got shape {image.shape}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw); got shape {kernel.shape}")
    if flip:
        kernel = kernel[::-1, ::-1]
    y = conv2d_im2col(image[None, :, :, None], kernel[:, :, None, None], None, stride, padding)
    return y[0, :, :, 0]


def doubly_block_toeplitz(kernel, input_shape: tuple[int, int]) -> np.ndarray:
    """The matrix of a valid, stride-1 cross-correlation acting on the flattened image.

    Returns M of shape ``(out_h * out_w, H * W)`` with
    ``M @ image.ravel() == conv2d(image, kernel).ravel()``: row ``i * out_w + j`` holds
    ``kernel[m, n]`` in column ``(i + m) * W + (j + n)``. Cut into blocks of ``out_w``
    rows by ``W`` columns, block (r, c) depends only on c - r and is itself a Toeplitz
    matrix built from kernel row c - r: a *doubly block Toeplitz* matrix (not a
    circulant one: nothing wraps around).

    Examples
    --------
    >>> doubly_block_toeplitz([[1, 2], [3, 4]], (3, 3)).astype(int)
    array([[1, 2, 0, 3, 4, 0, 0, 0, 0],
           [0, 1, 2, 0, 3, 4, 0, 0, 0],
           [0, 0, 0, 1, 2, 0, 3, 4, 0],
           [0, 0, 0, 0, 1, 2, 0, 3, 4]])
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (kh, kw); got shape {kernel.shape}")
    if len(input_shape) != 2:
        raise ValueError(f"input_shape must be (H, W); got {input_shape!r}")
    height, width = (_positive_int(name, v) for name, v in zip("HW", input_shape, strict=True))
    kh, kw = kernel.shape
    out_h = conv_output_size(height, kh)
    out_w = conv_output_size(width, kw)
    matrix = np.zeros((out_h * out_w, height * width))
    i, j, m, n = np.meshgrid(
        np.arange(out_h), np.arange(out_w), np.arange(kh), np.arange(kw), indexing="ij"
    )
    matrix[(i * out_w + j).ravel(), ((i + m) * width + (j + n)).ravel()] = kernel[m, n].ravel()
    return matrix


def conv2d_loops(x, w, b=None, stride: int = 1, padding="valid") -> np.ndarray:
    """The same as :func:`conv2d_im2col`, written as the textbook loops.

    One Python iteration per output value (image, row, column, filter), each summing
    the kh * kw * C products of its receptive field. Slow on purpose: it is the
    reference that the lectures and benchmarks measure the fast routes against.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(1, 4, 4, 2))
    >>> w = np.random.default_rng(1).normal(size=(3, 3, 2, 2))
    >>> bool(np.allclose(conv2d_loops(x, w, stride=1), conv2d_im2col(x, w)))
    True
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    expected = conv2d_im2col(x[:1], w, b, stride, padding)  # validates, and gives the shape
    kh, kw, _, filters = w.shape
    top, bottom = _pads(x.shape[1], kh, stride, padding)
    left, right = _pads(x.shape[2], kw, stride, padding)
    x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    out = np.zeros((x.shape[0],) + expected.shape[1:])
    for n in range(out.shape[0]):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                patch = x[n, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
                for f in range(filters):
                    out[n, i, j, f] = np.sum(patch * w[:, :, :, f])
    return out if b is None else out + np.asarray(b)


def col2im(
    columns, x_shape: tuple[int, int, int, int], kh: int, kw: int, stride: int = 1, padding=0
) -> np.ndarray:
    """Fold rows of receptive fields back into a batch, adding where windows overlap.

    The adjoint of :func:`im2col`: for every ``x`` and ``c`` of matching shapes,
    :math:`\\langle \\mathrm{im2col}(x), c \\rangle = \\langle x, \\mathrm{col2im}(c) \\rangle`.
    This is what the backward pass of a convolution needs: the gradient with respect to
    the im2col matrix, folded back, is the gradient with respect to the input.

    Parameters
    ----------
    columns : array_like, shape (N * out_h * out_w, kh * kw * C)
    x_shape : tuple
        The shape (N, H, W, C) of the batch the columns were taken from.
    kh, kw, stride, padding
        As given to :func:`im2col`.

    Examples
    --------
    >>> col2im(np.ones((4, 4)), (1, 3, 3, 1), 2, 2)[0, :, :, 0]   # how often each pixel is used
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    columns = np.asarray(columns)
    if len(x_shape) != 4:
        raise ValueError(f"x_shape must be (N, H, W, C); got {x_shape!r}")
    n, height, width, channels = x_shape
    kh, kw, stride = (
        _positive_int("kh", kh),
        _positive_int("kw", kw),
        _positive_int("stride", stride),
    )
    top, bottom = _pads(height, kh, stride, padding)
    left, right = _pads(width, kw, stride, padding)
    out_h = (height + top + bottom - kh) // stride + 1
    out_w = (width + left + right - kw) // stride + 1
    if columns.shape != (n * out_h * out_w, kh * kw * channels):
        raise ValueError(
            f"columns must have shape ({n * out_h * out_w}, {kh * kw * channels}) for x_shape "
            f"{tuple(x_shape)}; got {columns.shape}"
        )
    blocks = columns.reshape(n, out_h, out_w, kh, kw, channels)
    padded = np.zeros(
        (n, height + top + bottom, width + left + right, channels), dtype=columns.dtype
    )
    for p in range(kh):  # one strided scatter-add per kernel position
        for q in range(kw):
            padded[:, p : p + stride * out_h : stride, q : q + stride * out_w : stride, :] += (
                blocks[:, :, :, p, q, :]
            )
    return padded[:, top : top + height, left : left + width, :]


# ---------------------------------------------------------------------------------------
# Lecture 10: depthwise and transposed convolutions (appended block; built on im2col and
# col2im above).
# ---------------------------------------------------------------------------------------


def _same_or_valid(padding) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f'padding must be "valid" or "same"; got {padding!r}')
    return padding.lower()


def depthwise_conv2d(x, w, stride: int = 1, padding="valid") -> np.ndarray:
    """Depthwise 2-D convolution: every input channel filtered on its own.

    .. math::

        y_{n,i,j,\\, c M + m} = \\sum_{p,q} x_{n,\\, s i + p,\\, s j + q,\\, c}\\; w_{p,q,c,m}

    on the padded input, for ``M`` kernels (the depth multiplier) per channel; the
    output channel ``c * M + m`` is kernel ``m`` of input channel ``c``, the order of
    ``tf.nn.depthwise_conv2d`` and ``keras.layers.DepthwiseConv2D``. It costs
    ``out_h * out_w * C * M * kh * kw`` multiply-adds, a factor ``C`` fewer than a
    standard convolution with ``C * M`` filters.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
    w : array_like, shape (kh, kw, C, M)
    stride : int
    padding : "valid" or "same" (either case)
        As in :func:`conv2d_im2col`.

    Returns
    -------
    numpy.ndarray, shape (N, out_h, out_w, C * M)

    Examples
    --------
    >>> x = np.ones((1, 4, 4, 2))
    >>> w = np.ones((3, 3, 2, 1))
    >>> depthwise_conv2d(x, w).shape
    (1, 2, 2, 2)
    >>> float(depthwise_conv2d(x, w)[0, 0, 0, 0])   # 3 x 3 ones of one channel only
    9.0
    """
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (N, H, W, C); got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"w must have shape (kh, kw, C, multiplier); got shape {w.shape}")
    if w.shape[2] != x.shape[3]:
        raise ValueError(
            f"w has {w.shape[2]} input channels but x has {x.shape[3]}: w must be "
            f"(kh, kw, {x.shape[3]}, multiplier)"
        )
    stride = _positive_int("stride", stride)
    padding = _same_or_valid(padding)
    kh, kw, channels, multiplier = w.shape
    top, bottom = _pads(x.shape[1], kh, stride, padding)
    left, right = _pads(x.shape[2], kw, stride, padding)
    out_h = conv_output_size(x.shape[1] + top + bottom, kh, stride)
    out_w = conv_output_size(x.shape[2] + left + right, kw, stride)
    # one row per output position, (kh * kw) taps times C channels in each row
    columns = im2col(x, kh, kw, stride, padding).reshape(-1, kh * kw, channels)
    y = np.einsum("rtc,tcm->rcm", columns, w.reshape(kh * kw, channels, multiplier))
    return y.reshape(x.shape[0], out_h, out_w, channels * multiplier)


def conv_transpose_output_size(n: int, k: int, stride: int = 1, padding="valid") -> int:
    """Output length of a transposed convolution along one axis, Keras' rule.

    ``"same"``: :math:`n s`; ``"valid"``: :math:`(n - 1) s + \\max(k, s)`. Either way it
    is the largest input length whose convolution with the same ``k``, ``stride`` and
    ``padding`` has ``n`` outputs (:func:`conv_output_size` maps it back to ``n``).

    Examples
    --------
    >>> conv_transpose_output_size(4, 3), conv_transpose_output_size(4, 3, 2, "same")
    (6, 8)
    >>> conv_output_size(conv_transpose_output_size(4, 3, 2), 3, 2)
    4
    """
    n, k, stride = _positive_int("n", n), _positive_int("k", k), _positive_int("stride", stride)
    if _same_or_valid(padding) == "same":
        return n * stride
    return (n - 1) * stride + max(k, stride)


def conv2d_transpose(x, w, stride: int = 1, padding="valid") -> np.ndarray:
    """Transposed convolution: the adjoint of :func:`conv2d_im2col`.

    A convolution with kernels ``w`` of shape ``(kh, kw, F, C)`` maps an image with F
    channels to one with C channels, ``y = C_w z``, one matrix ``C_w`` (a doubly block
    Toeplitz matrix per channel pair). The transposed convolution applies its transpose,

    .. math::

        \\hat z = C_w^T x, \\qquad
        \\hat z_{n,\\, s i + p,\\, s j + q,\\, f} \\mathrel{+}= \\sum_c x_{n,i,j,c}\\; w_{p,q,f,c},

    every input pixel scattering a copy of the kernel, weighted by its value, into the
    output, overlaps added (then the padding is cropped). In code: one matrix product
    and :func:`col2im`, which is the adjoint of :func:`im2col`. The kernel layout
    ``(kh, kw, out_channels, in_channels)`` is that of ``keras.layers.Conv2DTranspose``
    and ``keras.ops.conv_transpose``, which this equals.

    Parameters
    ----------
    x : array_like, shape (N, H, W, C)
    w : array_like, shape (kh, kw, F, C)
    stride : int
    padding : "valid" or "same" (either case)

    Returns
    -------
    numpy.ndarray, shape (N, out_h, out_w, F)
        ``out_h = conv_transpose_output_size(H, kh, stride, padding)``, likewise ``out_w``.

    Examples
    --------
    >>> x = np.ones((1, 2, 2, 1))
    >>> conv2d_transpose(x, np.ones((3, 3, 1, 1)), stride=2)[0, :, :, 0]
    array([[1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.],
           [2., 2., 4., 2., 2.],
           [1., 1., 2., 1., 1.],
           [1., 1., 2., 1., 1.]])
    """
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of shape (N, H, W, C); got shape {x.shape}")
    if w.ndim != 4:
        raise ValueError(f"w must have shape (kh, kw, out_channels, C); got shape {w.shape}")
    if w.shape[3] != x.shape[3]:
        raise ValueError(
            f"w has {w.shape[3]} input channels (its last axis) but x has {x.shape[3]}: "
            f"w must be (kh, kw, out_channels, {x.shape[3]})"
        )
    stride = _positive_int("stride", stride)
    padding = _same_or_valid(padding)
    kh, kw, filters, channels = w.shape
    n, height, width, _ = x.shape
    out_shape = (
        n,
        conv_transpose_output_size(height, kh, stride, padding),
        conv_transpose_output_size(width, kw, stride, padding),
        filters,
    )
    # each input pixel's row of channels times the kernel matrix: one receptive field of
    # the output per pixel, (kh, kw, F) values, folded back (overlaps added) by col2im
    kernel = w.reshape(kh * kw * filters, channels)
    columns = x.reshape(-1, channels) @ kernel.T
    return col2im(columns, out_shape, kh, kw, stride, padding)
