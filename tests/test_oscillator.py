"""The oscillator's steady state against scipy's ODE solver."""

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from cnncourse.fourier import square_wave, square_wave_coefficients
from cnncourse.oscillator import harmonic_response, steady_state


def test_single_harmonic_solves_the_equation():
    m, b, k, omega = 1.5, 0.4, 9.0, 2.0
    gain, lag = harmonic_response(omega, m, b, k)
    t = np.linspace(0, 5, 11)
    x = gain * np.cos(omega * t - lag)
    v = -gain * omega * np.sin(omega * t - lag)
    acc = -gain * omega**2 * np.cos(omega * t - lag)
    np.testing.assert_allclose(m * acc + b * v + k * x, np.cos(omega * t), atol=1e-12)


def test_response_peaks_near_the_natural_frequency():
    m, b, k = 1.0, 0.1, 25.0
    omega = np.linspace(0.1, 10, 10001)
    gain, lag = harmonic_response(omega, m, b, k)
    beta = b / (2 * m)
    assert omega[gain.argmax()] == pytest.approx(np.sqrt(k / m - 2 * beta**2), abs=1e-3)
    _, lag_at_resonance = harmonic_response(np.sqrt(k / m), m, b, k)
    assert lag_at_resonance == pytest.approx(np.pi / 2)  # a quarter period behind
    assert lag[0] < 0.01 and lag[-1] > np.pi - 0.05  # in phase below, opposite above


def test_superposition_matches_solve_ivp_after_the_transient():
    period, width, amplitude = 0.2, 0.1, 2.0
    m, b, k = 1.0, 10.0, (2 * np.pi / period * 2.5) ** 2

    # integrate piece by piece between the jumps of the force, so no step straddles one
    y, edges = [0.0, 0.0], np.arange(-width / 2, 4.0, width)
    for start, stop in zip(edges[:-1], edges[1:], strict=True):
        mid = 0.5 * (start + stop)
        force = square_wave(mid, period, width, amplitude)
        solution = solve_ivp(
            lambda t, s, f=force: [s[1], (f - b * s[1] - k * s[0]) / m],
            (start, stop),
            y,
            rtol=1e-11,
            atol=1e-13,
            dense_output=True,
        )
        y = solution.y[:, -1]
    t_last = np.linspace(edges[-2], edges[-1], 50)
    numeric = solution.sol(t_last)[0]
    c0, a, coef_b = square_wave_coefficients(2000, period, width, amplitude)
    analytic = steady_state(t_last, c0, a, coef_b, period, m, b, k)
    np.testing.assert_allclose(analytic, numeric, atol=1e-6 * np.abs(numeric).max())


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: harmonic_response(1.0, 0.0, 1.0, 1.0), "mass must be a finite real number > 0"),
        (
            lambda: harmonic_response(1.0, 1.0, -1.0, 1.0),
            "damping must be a finite real number >= 0",
        ),
        (
            lambda: harmonic_response(1.0, 1.0, 1.0, 0.0),
            "stiffness must be a finite real number > 0",
        ),
        (lambda: steady_state(0.0, 0, [1], [1, 2], 1.0, 1, 1, 1), "a and b must be non-empty 1-D"),
        (
            lambda: steady_state(0.0, 0, [1], [1], -1.0, 1, 1, 1),
            "period must be a finite real number > 0",
        ),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()
