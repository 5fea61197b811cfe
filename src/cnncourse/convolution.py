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
