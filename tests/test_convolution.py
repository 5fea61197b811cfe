"""1-D convolution, Toeplitz matrices and polynomial products against numpy and scipy."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cnncourse.convolution import METHODS, MODES, convolve1d, polymul, toeplitz_matrix

# no magnitudes below 1e-100: products of two such numbers underflow to 0, where numpy's
# trimming of exact zeros and ours would then differ for reasons that teach nothing
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).filter(
    lambda v: v == 0 or abs(v) > 1e-100
)
vectors = arrays(np.float64, st.integers(1, 40), elements=finite)
int_vectors = arrays(np.int64, st.integers(1, 40), elements=st.integers(-50, 50))


@settings(max_examples=60)
@given(x=vectors, w=vectors, mode=st.sampled_from(MODES), method=st.sampled_from(METHODS))
def test_convolve1d_equals_numpy(x, w, mode, method):
    expected = np.convolve(x, w, mode)
    result = convolve1d(x, w, mode, method)
    assert result.shape == expected.shape
    scale = np.abs(x).max() * np.abs(w).max() * min(len(x), len(w)) + 1e-300
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-12 * scale)


@settings(max_examples=40)
@given(x=int_vectors, w=int_vectors, mode=st.sampled_from(MODES))
def test_direct_convolution_of_integers_is_exact(x, w, mode):
    result = convolve1d(x, w, mode, "direct")
    assert result.dtype.kind == "i"
    np.testing.assert_array_equal(result, np.convolve(x, w, mode))


@settings(max_examples=40)
@given(x=vectors, w=vectors, v=vectors)
def test_commutative_and_associative(x, w, v):
    np.testing.assert_allclose(convolve1d(x, w), convolve1d(w, x), rtol=1e-12, atol=1e-9)
    left = convolve1d(convolve1d(x, w), v)
    right = convolve1d(x, convolve1d(w, v))
    scale = np.abs(left).max() + 1
    np.testing.assert_allclose(left, right, rtol=0, atol=1e-11 * scale)


@settings(max_examples=60)
@given(w=vectors, n=st.integers(1, 30), data=st.data())
def test_toeplitz_matrix_times_x_is_the_convolution(w, n, data):
    x = data.draw(arrays(np.float64, n, elements=finite))
    matrix = toeplitz_matrix(w, n)
    assert matrix.shape == (len(w) + n - 1, n)
    np.testing.assert_allclose(matrix @ x, np.convolve(w, x), rtol=1e-12, atol=1e-7)
    # the same matrix by scipy: first column w then zeros, first row w[0] then zeros
    column = np.concatenate([w, np.zeros(n - 1)])
    row = np.concatenate([w[:1], np.zeros(n - 1)])
    np.testing.assert_array_equal(matrix, scipy.linalg.toeplitz(column, row))


def test_toeplitz_rule_holds_elementwise():
    w = np.array([3.0, -1.0, 4.0, 1.5])
    matrix = toeplitz_matrix(w, 5)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            assert matrix[i, j] == (w[i - j] if 0 <= i - j < len(w) else 0)


@settings(max_examples=60)
@given(a=vectors, b=vectors, method=st.sampled_from(METHODS))
def test_polymul_equals_numpy_polynomial(a, b, method):
    expected = np.polynomial.polynomial.polymul(a, b)
    result = polymul(a, b, method)
    assert result.shape == expected.shape
    scale = np.abs(a).max() * np.abs(b).max() * min(len(a), len(b)) + 1e-300
    np.testing.assert_allclose(result, expected, rtol=0, atol=1e-12 * scale)


@settings(max_examples=60)
@given(a=int_vectors, b=int_vectors, method=st.sampled_from(METHODS))
def test_integer_polymul_is_exact(a, b, method):
    result = polymul(a, b, method)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, np.polynomial.polynomial.polymul(a, b).astype(np.int64))


def test_integer_fft_product_is_exact_for_long_inputs():
    rng = np.random.default_rng(1)
    a = rng.integers(-9, 10, 16384)
    b = rng.integers(-9, 10, 16384)
    np.testing.assert_array_equal(polymul(a, b, "fft"), polymul(a, b, "direct"))


def test_huge_integers_fall_back_to_the_exact_route():
    a = np.array([2**40, 1], dtype=np.int64)
    b = np.array([3, 2**20], dtype=np.int64)
    assert polymul(a, b, "fft").tolist() == [3 * 2**40, 2**60 + 3, 2**20]


def test_polymul_matches_evaluation_of_the_product():
    p, s = np.array([2.0, -1.0, 3.0]), np.array([1.0, 4.0, 0.0, -2.0])
    t = np.linspace(-2, 2, 7)
    value = np.polynomial.polynomial.polyval
    np.testing.assert_allclose(value(t, polymul(p, s)), value(t, p) * value(t, s))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: convolve1d([[1, 2]], [1]), r"x must be a 1-D array; got shape \(1, 2\)"),
        (lambda: convolve1d([1], []), "w must not be empty"),
        (
            lambda: convolve1d([1j], [1]),
            r"x must hold real numbers \(a bool, int or float dtype\); got dtype complex128",
        ),
        (lambda: convolve1d([1], [1], mode="circular"), "mode must be one of"),
        (lambda: convolve1d([1], [1], method="magic"), "method must be one of"),
        (lambda: toeplitz_matrix([1, 2], 0), "n must be an int >= 1; got 0"),
        (lambda: toeplitz_matrix([1, 2], 2.5), r"n must be an int >= 1; got 2.5 \(float\)"),
        (lambda: polymul([], [1]), "a must not be empty"),
        (lambda: polymul([1], [1], method="karatsuba"), "method must be one of"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# ---------------------------------------------------------------- integers never overflow


@pytest.mark.parametrize("method", ["direct", "toeplitz"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.bool_])
def test_small_integer_dtypes_do_not_overflow(dtype, method):
    x = np.array([100, 127, 1], dtype=dtype)
    w = np.array([100, 3], dtype=dtype)
    expected = np.convolve(x.astype(np.int64), w.astype(np.int64))
    result = convolve1d(x, w, method=method)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, expected)


def test_int8_convolution_of_100_with_itself_is_10000():
    assert convolve1d(np.array([100], np.int8), np.array([100], np.int8)).tolist() == [10000]


@pytest.mark.parametrize("method", METHODS)
def test_polymul_stays_exact_beyond_int64(method):
    assert polymul([2**62], [4], method=method).tolist() == [2**64]
    big = polymul([2**40, 3], [2**40, 5], method=method).tolist()
    assert big == [2**80, 8 * 2**40, 15]


def test_uint64_values_above_int64_are_kept_exact():
    a = np.array([2**63 + 5], dtype=np.uint64)
    assert polymul(a, [1]).tolist() == [2**63 + 5]
    assert convolve1d(a, np.array([2], np.uint64)).tolist() == [2**64 + 10]
