"""The square wave and its Fourier series against scipy and numerical integration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, signal

from cnncourse.fourier import fourier_partial_sum, square_wave, square_wave_coefficients


@settings(max_examples=30)
@given(
    period=st.floats(0.05, 5),
    fraction=st.floats(0.05, 0.95),
    amplitude=st.floats(0.1, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_square_wave_equals_scipy_with_duty(period, fraction, amplitude, seed):
    width = fraction * period
    t = np.random.default_rng(seed).uniform(-3 * period, 3 * period, 500)
    reference = (
        amplitude
        / 2
        * (1 + signal.square(2 * np.pi * (t / period + width / (2 * period)), duty=width / period))
    )
    result = square_wave(t, period, width, amplitude)
    # away from the jumps (where rounding may put a sample on either side) they agree
    u = np.mod(t + period / 2, period) - period / 2
    away = np.abs(np.abs(u) - width / 2) > 1e-9 * period
    np.testing.assert_array_equal(result[away], reference[away])


def test_square_wave_equals_the_lecture_construction():
    t = np.linspace(0, 1, 500, endpoint=False)
    lecture = 1.0 + signal.square(2 * np.pi * 5 * t + np.pi * 0.1 / 0.2)
    ours = square_wave(t)
    # this grid puts samples exactly on the jumps (t = 0.05 + 0.1 k), where rounding
    # decides the side in either construction; everywhere else they agree exactly
    on_jump = np.isclose(np.mod(t - 0.05, 0.1), 0) | np.isclose(np.mod(t - 0.05, 0.1), 0.1)
    assert on_jump.sum() == 10
    np.testing.assert_array_equal(ours[~on_jump], lecture[~on_jump])
    assert set(ours[on_jump]) <= {0.0, 2.0}


@pytest.mark.parametrize(
    "period, width, amplitude", [(0.2, 0.1, 2.0), (1.0, 0.3, 1.5), (2.0, 1.7, -1)]
)
def test_coefficients_match_numerical_integration(period, width, amplitude):
    c0, a, b = square_wave_coefficients(12, period, width, amplitude)
    omega = 2 * np.pi / period
    jumps = [-width / 2, width / 2]

    def project(weight):
        value, _ = integrate.quad(
            lambda t: square_wave(t, period, width, amplitude) * weight(t),
            -period / 2,
            period / 2,
            points=jumps,
            limit=200,
        )
        return value

    assert c0 == pytest.approx(project(lambda t: 1.0) / period, abs=1e-10)
    for n in range(1, 13):
        assert a[n - 1] == pytest.approx(
            2 / period * project(lambda t, n=n: np.cos(n * omega * t)), abs=1e-9
        )
        assert b[n - 1] == pytest.approx(
            2 / period * project(lambda t, n=n: np.sin(n * omega * t)), abs=1e-9
        )


def test_partial_sum_converges_in_mean_square():
    t = np.linspace(-0.1, 0.1, 4001)
    wave = square_wave(t)
    errors = [
        np.mean((fourier_partial_sum(t, *square_wave_coefficients(n), 0.2) - wave) ** 2)
        for n in (5, 50, 500)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 2e-3


@settings(max_examples=30)
@given(
    c0=st.floats(-5, 5),
    a=st.lists(st.floats(-5, 5), min_size=1, max_size=6),
    period=st.floats(0.1, 10),
    seed=st.integers(0, 1000),
)
def test_partial_sum_equals_an_explicit_loop(c0, a, period, seed):
    rng = np.random.default_rng(seed)
    b = rng.normal(size=len(a))
    t = rng.uniform(-period, period, (3, 4))
    expected = c0 + sum(
        a[n - 1] * np.cos(2 * np.pi * n * t / period)
        + b[n - 1] * np.sin(2 * np.pi * n * t / period)
        for n in range(1, len(a) + 1)
    )
    np.testing.assert_allclose(fourier_partial_sum(t, c0, a, b, period), expected, atol=1e-10)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: square_wave([0.0], period=0), "period must be a finite real number > 0; got 0.0"),
        (
            lambda: square_wave([0.0], period=-1, width=0.1),
            "period must be a finite real number > 0",
        ),
        (
            lambda: square_wave([0.0], period=0.2, width=0.2),
            "width must lie strictly between 0 and period",
        ),
        (lambda: square_wave([0.0], width=0), "width must lie strictly between"),
        (lambda: square_wave_coefficients(0), "n_max must be an int >= 1; got 0"),
        (lambda: square_wave_coefficients(5, width=0.3), "width must lie strictly between"),
        (lambda: fourier_partial_sum([0.0], 0, [], [], 1.0), "a must not be empty"),
        (lambda: fourier_partial_sum([0.0], 0, [[1]], [[1]], 1.0), "a must be a 1-D array"),
        (
            lambda: fourier_partial_sum([0.0], 0, [1, 2], [1], 1.0),
            "a and b must have the same length",
        ),
        (
            lambda: fourier_partial_sum([0.0], 0, [1], [1], 0.0),
            "period must be a finite real number > 0",
        ),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
