"""The square wave of the lectures and its Fourier series.

A function of period :math:`T` is a sum of harmonics of :math:`\\omega = 2\\pi/T`:

.. math::

    F(t) = c_0 + \\sum_{n \\ge 1} a_n \\cos(n \\omega t) + b_n \\sin(n \\omega t),

    c_0 = \\frac{1}{T} \\int_{-T/2}^{T/2} F\\,dt, \\quad
    a_n = \\frac{2}{T} \\int_{-T/2}^{T/2} F(t) \\cos(n\\omega t)\\,dt, \\quad
    b_n = \\frac{2}{T} \\int_{-T/2}^{T/2} F(t) \\sin(n\\omega t)\\,dt.

(The lecture notes write the constant term as :math:`f_0/2`; here :math:`c_0 = f_0/2`
is the mean value.)
"""

from __future__ import annotations

import numpy as np

from cnncourse._validation import as_float, check_array, check_float, check_int

_NO_WIDTH = object()


def _check_wave(period: float, width=_NO_WIDTH) -> tuple[float, float | None]:
    period = check_float(period, "period", min_value=0, include_min=False)
    if width is _NO_WIDTH:
        return period, None
    if isinstance(width, bool | np.bool_) or not isinstance(
        width, int | float | np.integer | np.floating
    ):
        raise TypeError(f"width must lie strictly between 0 and period={period}; got {width!r}")
    if not 0 < width < period:
        raise ValueError(f"width must lie strictly between 0 and period={period}; got {width!r}")
    return period, float(width)


def _as_1d(name: str, values) -> np.ndarray:
    return as_float(check_array(values, name, ndim=1))


def square_wave(t, period: float = 0.2, width: float = 0.1, amplitude: float = 2.0) -> np.ndarray:
    """The lecture's pulse train: ``amplitude`` on pulses of ``width`` centred on t = kT.

    .. math::

        F(t) = A \\text{ if } -W/2 \\le u < W/2, \\text{ else } 0,
        \\qquad u = \\big((t + T/2) \\bmod T\\big) - T/2 .

    It equals ``A/2 * (1 + scipy.signal.square(2*pi*(t/T + W/(2T)), duty=W/T))``. The
    notes' ``1 + scipy.signal.square(2*pi*5*t + pi*W/T)`` is that for A = 2, T = 0.2
    and W = 0.1 only: without ``duty`` the pulse is always half a period wide.

    Examples
    --------
    >>> square_wave([0.0, 0.049, 0.051, 0.2])
    array([2., 2., 0., 2.])
    """
    period, width = _check_wave(period, width)
    amplitude = check_float(amplitude, "amplitude")
    t = as_float(check_array(t, "t"))
    u = np.mod(t + period / 2, period) - period / 2  # position within the period, centred
    return np.where((u >= -width / 2) & (u < width / 2), float(amplitude), 0.0)


def square_wave_coefficients(
    n_max: int, period: float = 0.2, width: float = 0.1, amplitude: float = 2.0
) -> tuple[float, np.ndarray, np.ndarray]:
    """Closed-form Fourier coefficients of :func:`square_wave`.

    .. math::

        c_0 = \\frac{A W}{T}, \\qquad
        a_n = \\frac{2A}{n\\pi} \\sin\\!\\left(\\frac{n \\pi W}{T}\\right), \\qquad
        b_n = 0,

    the :math:`b_n` vanishing because the wave is even and :math:`\\sin` is odd.

    Returns
    -------
    c0 : float
    a, b : numpy.ndarray, shape (n_max,)
        ``a[n - 1]`` and ``b[n - 1]`` belong to harmonic n.

    Examples
    --------
    >>> c0, a, b = square_wave_coefficients(3)
    >>> float(c0), a.round(4), b
    (1.0, array([ 1.2732,  0.    , -0.4244]), array([0., 0., 0.]))
    """
    n_max = check_int(n_max, "n_max", min_value=1)
    period, width = _check_wave(period, width)
    amplitude = check_float(amplitude, "amplitude")
    n = np.arange(1, n_max + 1)
    a = 2 * amplitude / (n * np.pi) * np.sin(n * np.pi * width / period)
    return amplitude * width / period, a, np.zeros(n_max)


def fourier_partial_sum(t, c0: float, a, b, period: float) -> np.ndarray:
    """The partial sum :math:`c_0 + \\sum_{n=1}^{N} a_n \\cos(n\\omega t) + b_n \\sin(n\\omega t)`.

    Parameters
    ----------
    t : array_like
        Times (any shape).
    c0 : float
    a, b : array_like, shape (N,)
        Coefficients of harmonics 1..N.
    period : float

    Examples
    --------
    >>> fourier_partial_sum([0.0, 0.25], 1.0, [0.5], [0.0], period=1.0).round(12)
    array([1.5, 1. ])
    """
    period, _ = _check_wave(period)
    c0 = check_float(c0, "c0")
    a, b = _as_1d("a", a), _as_1d("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same length; got {len(a)} and {len(b)}")
    t = as_float(check_array(t, "t"))
    phase = (2 * np.pi / period) * np.multiply.outer(t.ravel(), np.arange(1, len(a) + 1))
    total = c0 + np.cos(phase) @ a + np.sin(phase) @ b
    return total.reshape(t.shape)
