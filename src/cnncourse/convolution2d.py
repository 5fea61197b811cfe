"""Two-dimensional convolution: the loops, im2col, and the doubly block Toeplitz matrix.

Images are indexed (row, column). A batch is NHWC: (images, height, width, channels),
the layout of Keras and TensorFlow; kernels for several channels and filters are
(kernel height, kernel width, input channels, filters). Every routine computes the
cross-correlation that deep-learning libraries call convolution,

.. math:: y_{n,i,j,f} = b_f + \\sum_{p,q,c} x_{n,\\, s i + d p,\\, s j + d q,\\, c}\\; w_{p,q,c,f},

and every output size comes from one function, :func:`conv_output_size`. Integer and
bool inputs (MNIST and CIFAR-10 arrive as uint8) are computed in float64, so nothing
overflows in the input's dtype.
"""

from __future__ import annotations

import numpy as np

from cnncourse._validation import as_float, check_array, check_int


def _positive_int(name: str, value) -> int:
    return check_int(value, name, min_value=1)


def conv_output_size(n: int, k: int, stride: int = 1, padding=0, dilation: int = 1) -> int:
    """Output length of a convolution (or pooling) along one axis.

    .. math::

        n_{out} = \\left\\lfloor \\frac{n + p_{\\mathrm{before}} + p_{\\mathrm{after}}
        - k_{\\mathrm{eff}}}{s} \\right\\rfloor + 1,
        \\qquad k_{\\mathrm{eff}} = d\\,(k - 1) + 1,

    for input length n, kernel length k, stride s and dilation d (a dilated kernel
    spreads its k taps d apart, covering k_eff inputs). ``padding`` is an int p (p
    zeros on each side), ``"valid"`` (none) or ``"same"`` (TensorFlow's rule: enough
    for ceil(n / s) outputs, any odd one after). The only place in the package where
    this formula is written.

    Parameters
    ----------
    n, k, stride, dilation : int
        Positive.
    padding : int >= 0, "valid" or "same"

    Returns
    -------
    int
        At least 1; a kernel wider than the padded input raises ``ValueError``.

    Examples
    --------
    >>> conv_output_size(32, 3), conv_output_size(5, 3, stride=2, padding=1)
    (30, 3)
    >>> conv_output_size(7, 3, dilation=2), conv_output_size(7, 3, stride=2, padding="same")
    (3, 4)
    """
    n, k = _positive_int("n", n), _positive_int("k", k)
    stride, dilation = _positive_int("stride", stride), _positive_int("dilation", dilation)
    span = dilation * (k - 1) + 1
    before, after = _pads(n, span, stride, padding)
    if n + before + after < span:
        raise ValueError(
            f"the kernel k = {k} (span {span} with dilation {dilation}) is larger than the "
            f"padded input n = {n} + {before} + {after}"
        )
    return (n + before + after - span) // stride + 1


def _pads(n: int, span: int, stride: int, padding) -> tuple[int, int]:
    """(before, after) padding along one axis, TensorFlow's rule for "same"."""
    if isinstance(padding, str):
        if padding.lower() not in ("valid", "same"):
            raise ValueError(f'padding must be an int >= 0, "valid" or "same"; got {padding!r}')
        if padding.lower() == "valid":
            return 0, 0
        # same: out = ceil(n / s); any odd padding goes after, as in TF
        out = -(-n // stride)
        total = max((out - 1) * stride + span - n, 0)
        return total // 2, total - total // 2
    if isinstance(padding, bool | np.bool_) or not isinstance(padding, int | np.integer):
        raise TypeError(f'padding must be an int >= 0, "valid" or "same"; got {padding!r}')
    if padding < 0:
        raise ValueError(f'padding must be an int >= 0, "valid" or "same"; got {padding!r}')
    return int(padding), int(padding)


def _batch(name: str, x) -> np.ndarray:
    return check_array(x, name, ndim=4, shape_hint="(N, H, W, C)")


def _batch_and_kernel(x, w, layout: tuple[str, str, str, str], channel_axis: int):
    """``x`` as a float batch (N, H, W, C) and ``w`` as a float kernel whose axis
    ``channel_axis`` (named ``"C"`` in ``layout``) must match x's C."""
    x = as_float(_batch("x", x))
    w = as_float(check_array(w, "w", ndim=4, shape_hint="(" + ", ".join(layout) + ")"))
    if w.shape[channel_axis] != x.shape[3]:
        expected = ", ".join(str(x.shape[3]) if name == "C" else name for name in layout)
        raise ValueError(
            f"w has {w.shape[channel_axis]} input channels but x has {x.shape[3]}: "
            f"w must be ({expected})"
        )
    return x, w


def _output_shape(x_shape, kh: int, kw: int, stride: int, padding, dilation: int):
    """(out_h, out_w) of a batch of shape (N, H, W, C), with the kernel-size check."""
    try:
        return (
            conv_output_size(x_shape[1], kh, stride, padding, dilation),
            conv_output_size(x_shape[2], kw, stride, padding, dilation),
        )
    except ValueError as error:
        if "larger than the padded input" not in str(error):
            raise
        span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
        top, bottom = _pads(x_shape[1], span_h, stride, padding)
        left, right = _pads(x_shape[2], span_w, stride, padding)
        raise ValueError(
            f"the kernel (kh x kw = {kh}x{kw}, span {span_h}x{span_w}) is larger than the "
            f"padded input ({x_shape[1] + top + bottom}x{x_shape[2] + left + right})"
        ) from None


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
    x = _batch("x", x)
    kh, kw = _positive_int("kh", kh), _positive_int("kw", kw)
    stride, dilation = _positive_int("stride", stride), _positive_int("dilation", dilation)
    _output_shape(x.shape, kh, kw, stride, padding, dilation)  # checks the sizes
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    top, bottom = _pads(x.shape[1], span_h, stride, padding)
    left, right = _pads(x.shape[2], span_w, stride, padding)
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
    x, w = _batch_and_kernel(x, w, ("kh", "kw", "C", "F"), channel_axis=2)
    kh, kw, _, filters = w.shape
    stride, dilation = _positive_int("stride", stride), _positive_int("dilation", dilation)
    if b is not None:
        b = as_float(check_array(b, "b", ndim=1, shape_hint=f"({filters},)"))
        if b.shape != (filters,):
            raise ValueError(f"b must have shape ({filters},); got {b.shape}")
    out_h, out_w = _output_shape(x.shape, kh, kw, stride, padding, dilation)
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
    image = as_float(check_array(image, "image", ndim=2, shape_hint="(H, W)"))
    kernel = as_float(check_array(kernel, "kernel", ndim=2, shape_hint="(kh, kw)"))
    if not isinstance(flip, bool | np.bool_):
        raise TypeError(f"flip must be True or False; got {flip!r}")
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
    kernel = as_float(check_array(kernel, "kernel", ndim=2, shape_hint="(kh, kw)"))
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 2:
        raise ValueError(f"input_shape must be (H, W); got {input_shape!r}")
    height, width = (_positive_int(f"input_shape[{i}]", v) for i, v in enumerate(input_shape))
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
    expected = conv2d_im2col(x, w, b, stride, padding)  # validates, and gives the shape
    x, w = as_float(np.asarray(x)), as_float(np.asarray(w))
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
    return out if b is None else out + as_float(np.asarray(b))


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
    columns = as_float(check_array(columns, "columns", ndim=2, shape_hint="(rows, kh * kw * C)"))
    if not isinstance(x_shape, tuple | list) or len(x_shape) != 4:
        raise ValueError(f"x_shape must be (N, H, W, C); got {x_shape!r}")
    n, height, width, channels = (_positive_int(f"x_shape[{i}]", v) for i, v in enumerate(x_shape))
    kh, kw, stride = (
        _positive_int("kh", kh),
        _positive_int("kw", kw),
        _positive_int("stride", stride),
    )
    out_h, out_w = _output_shape(x_shape, kh, kw, stride, padding, 1)
    top, bottom = _pads(height, kh, stride, padding)
    left, right = _pads(width, kw, stride, padding)
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
    x, w = _batch_and_kernel(x, w, ("kh", "kw", "C", "multiplier"), channel_axis=2)
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

    ``"same"``: :math:`n s`; ``"valid"``: :math:`(n - 1) s + \\max(k, s)`. Either way
    :func:`conv_output_size` maps it back to ``n``: it is one of the input lengths whose
    convolution with the same ``k``, ``stride`` and ``padding`` has ``n`` outputs. With
    ``"same"`` those are :math:`(n-1)s + 1, \\dots, ns` and this is the largest; with
    ``"valid"`` they are :math:`(n-1)s + k, \\dots, (n-1)s + k + s - 1`, and this is the
    smallest when :math:`k \\ge s` (for n = 4, k = 3, s = 2 it gives 9, and 10 also has 4
    outputs).

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
    x, w = _batch_and_kernel(x, w, ("kh", "kw", "out_channels", "C"), channel_axis=3)
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
