"""The driven damped harmonic oscillator and its periodic steady state.

.. math:: m \\ddot x + b \\dot x + k x = F(t)

With :math:`\\omega_0^2 = k/m` and :math:`\\beta = b / (2m)`, a force
:math:`F_0 \\cos(\\Omega t)` has the steady-state response

.. math::

    x(t) = \\frac{F_0 / m}{\\sqrt{(\\omega_0^2 - \\Omega^2)^2 + 4 \\beta^2 \\Omega^2}}
           \\cos(\\Omega t - \\delta), \\qquad
    \\delta = \\operatorname{atan2}(2 \\beta \\Omega, \\; \\omega_0^2 - \\Omega^2),

and likewise for a sine. The equation is linear, so a periodic force written as a
Fourier series is answered harmonic by harmonic (superposition).
"""

from __future__ import annotations

import numpy as np

from cnncourse._validation import as_float, check_array, check_float


def _check_positive(**values: float) -> list[float]:
    return [check_float(v, name, min_value=0, include_min=False) for name, v in values.items()]


def harmonic_response(omega, mass: float, damping: float, stiffness: float):
    """Gain and phase lag of the oscillator driven at angular frequency ``omega``.

    .. math::

        G(\\Omega) = \\frac{1/m}{\\sqrt{(\\omega_0^2 - \\Omega^2)^2 + 4\\beta^2\\Omega^2}},
        \\qquad \\delta(\\Omega) = \\operatorname{atan2}(2\\beta\\Omega,\\; \\omega_0^2 - \\Omega^2)

    so that the force :math:`F_0\\cos\\Omega t` gives :math:`F_0 G \\cos(\\Omega t - \\delta)`.

    Returns
    -------
    gain, phase : numpy.ndarray
        Displacement per unit force, and the lag in radians (0 to pi).

    Examples
    --------
    >>> gain, phase = harmonic_response(0.0, mass=2.0, damping=1.0, stiffness=8.0)
    >>> float(gain), float(phase)        # a static force F stretches the spring by F/k
    (0.125, 0.0)
    """
    mass, stiffness = _check_positive(mass=mass, stiffness=stiffness)
    damping = check_float(damping, "damping", min_value=0)
    omega = as_float(check_array(omega, "omega"))
    omega0_sq = stiffness / mass
    beta = damping / (2 * mass)
    gain = (1 / mass) / np.sqrt((omega0_sq - omega**2) ** 2 + 4 * beta**2 * omega**2)
    return gain, np.arctan2(2 * beta * omega, omega0_sq - omega**2)


def steady_state(t, c0: float, a, b, period: float, mass: float, damping: float, stiffness: float):
    """Periodic steady state for a force given by its Fourier coefficients.

    .. math::

        x(t) = \\frac{c_0}{k} + \\sum_{n \\ge 1} G_n \\left[ a_n \\cos(n\\omega t - \\delta_n)
               + b_n \\sin(n\\omega t - \\delta_n) \\right],

    with :math:`G_n, \\delta_n` from :func:`harmonic_response` at :math:`n\\omega`.

    Examples
    --------
    >>> float(steady_state(0.3, 4.0, [0.0], [0.0], 1.0, mass=1, damping=1, stiffness=2))
    2.0
    """
    (period,) = _check_positive(period=period)
    c0 = check_float(c0, "c0")
    a = as_float(check_array(a, "a", ndim=1))
    b = as_float(check_array(b, "b", ndim=1))
    if a.shape != b.shape:
        raise ValueError(
            f"a and b must be non-empty 1-D arrays of one length; got {a.shape}, {b.shape}"
        )
    n = np.arange(1, len(a) + 1)
    omega_n = n * 2 * np.pi / period
    gain, lag = harmonic_response(omega_n, mass, damping, stiffness)
    t = as_float(check_array(t, "t"))
    phase = np.multiply.outer(t.ravel(), omega_n) - lag
    x = c0 / stiffness + (np.cos(phase) * (gain * a) + np.sin(phase) * (gain * b)).sum(axis=1)
    return x.reshape(t.shape)
