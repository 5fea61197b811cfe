"""One-dimensional discrete convolution: the sum, the Toeplitz matrix, and the FFT.

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

from cnncourse._validation import INTEGER_KINDS, check_array, check_choice, check_int

MODES = ("full", "same", "valid")
METHODS = ("direct", "toeplitz", "fft")

# An integer FFT product is exact after rounding while its rounding error stays far
# below 0.5. The error grows like eps * (largest possible |coefficient|) * log n; we
# require the largest possible |coefficient| to stay below 2**40 (error ~ 1e-4).
_EXACT_FFT_BOUND = 2.0**40


def _as_real_1d(name: str, values) -> np.ndarray:
    return check_array(values, name, ndim=1)


def _exact_integers(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Integer (or bool) arrays in a dtype in which their convolution cannot overflow.

    int64 while the largest possible |coefficient|, max|a| * max|b| * min(len), stays
    below 2**63; beyond that, object arrays of Python ints, which are exact at any size.
    """
    largest = [max(abs(int(a.max())), abs(int(a.min()))) for a in arrays]  # Python ints
    bound = largest[0] * largest[1] * min(len(a) for a in arrays)
    if max(largest) >= 2**63 or bound >= 2**63:
        return tuple(a.astype(object) for a in arrays)
    return tuple(a.astype(np.int64) for a in arrays)


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
    n = check_int(n, "n", min_value=1)
    return _toeplitz(w, n)


def _toeplitz(w: np.ndarray, n: int) -> np.ndarray:
    m = len(w)
    i = np.arange(m + n - 1)[:, None]
    j = np.arange(n)[None, :]
    offset = i - j  # T[i, j] depends on i - j only: the Toeplitz rule
    inside = (offset >= 0) & (offset < m)
    return np.where(inside, w[np.clip(offset, 0, m - 1)], 0).astype(w.dtype)


def _full_direct(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    # Shift and add: y[j : j + n] += w[j] * x for each j, looping over the shorter input.
    # the caller has promoted integers to int64 or object (see _exact_integers)
    if len(w) > len(x):
        x, w = w, x
    y = np.zeros(len(x) + len(w) - 1, dtype=np.result_type(x, w))
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
        Equal to ``numpy.convolve(x, w, mode)`` computed without overflow (to rounding
        for ``"fft"``, which always returns float64). Integer or bool inputs are
        convolved exactly, in int64 (or in Python ints, as an object array, where a
        sum could reach 2**63), never in their own dtype: ``int8`` 100 * 100 is
        10000, not 16. Mixed integer and float inputs give float64.

    Examples
    --------
    >>> convolve1d([1, 2, 3], [0, 1, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> convolve1d([1, 2, 3], [0, 1, 0.5], mode="valid", method="fft").round(12)
    array([2.5])
    """
    x = _as_real_1d("x", x)
    w = _as_real_1d("w", w)
    check_choice(mode, "mode", MODES)
    check_choice(method, "method", METHODS)
    if x.dtype.kind in INTEGER_KINDS and w.dtype.kind in INTEGER_KINDS and method != "fft":
        x, w = _exact_integers(x, w)  # exact: no overflow in the input's dtype
    else:
        x, w = x.astype(np.float64), w.astype(np.float64)
    return _crop(_full(x, w, method), len(x), len(w), mode)


def _full(x: np.ndarray, w: np.ndarray, method: str) -> np.ndarray:
    """The full convolution of two checked, already promoted 1-D arrays."""
    if method == "direct":
        return _full_direct(x, w)
    if method == "toeplitz":
        return _toeplitz(w, len(x)) @ x
    return _full_fft(x.astype(np.float64), w.astype(np.float64))


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
        coefficients are trimmed, leaving at least one. Integer (or bool) inputs give
        int64, or an object array of exact Python ints where a coefficient could
        reach 2**63 (``polymul([2**62], [4])`` is ``[2**64]``, not 0).

    Examples
    --------
    >>> polymul([1, 1], [1, 1])        # (1 + t)^2
    array([1, 2, 1])
    >>> polymul([1, 2], [3, 0, 1], method="fft")
    array([3, 6, 1, 2])
    """
    a = _as_real_1d("a", a)
    b = _as_real_1d("b", b)
    check_choice(method, "method", METHODS)
    integer = a.dtype.kind in INTEGER_KINDS and b.dtype.kind in INTEGER_KINDS
    if integer:
        a, b = _exact_integers(a, b)
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
    if not integer:
        a, b = a.astype(np.float64), b.astype(np.float64)
    product = _full(a, b, method)
    if integer and product.dtype.kind == "f":
        product = np.rint(product).astype(np.int64)
    return product


def _trim_trailing_zeros(c: np.ndarray) -> np.ndarray:
    nonzero = np.flatnonzero(c)
    return c[: nonzero[-1] + 1] if nonzero.size else c[:1]
