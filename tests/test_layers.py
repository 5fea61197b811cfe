"""The NumPy layers against the Keras layers on the same input."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncourse import layers


@st.composite
def pooling_case(draw):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    pool = draw(st.integers(1, min(h, w, 3)))
    stride = draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(draw(st.integers(1, 3)), h, w, draw(st.integers(1, 3)))).astype(np.float32)
    return x, pool, stride, padding


@settings(max_examples=50)
@given(case=pooling_case())
def test_max_pool_equals_keras(case):
    x, pool, stride, padding = case
    expected = keras.layers.MaxPooling2D(pool, stride, padding)(x).numpy()
    np.testing.assert_allclose(layers.max_pool2d(x, pool, stride, padding), expected, rtol=1e-6)


@settings(max_examples=50)
@given(case=pooling_case())
def test_avg_pool_equals_keras(case):
    x, pool, stride, padding = case
    expected = keras.layers.AveragePooling2D(pool, stride, padding)(x).numpy()
    np.testing.assert_allclose(
        layers.avg_pool2d(x, pool, stride, padding), expected, rtol=1e-5, atol=1e-6
    )


def test_relu_flatten_dense_softmax_equal_keras():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3, 5, 2)).astype(np.float32)
    np.testing.assert_array_equal(layers.relu(x), keras.layers.ReLU()(x).numpy())
    flat = layers.flatten(x)
    np.testing.assert_array_equal(flat, keras.layers.Flatten()(x).numpy())
    dense = keras.layers.Dense(7)
    expected = dense(flat).numpy()
    w, b = (v.numpy() for v in dense.weights)
    np.testing.assert_allclose(layers.dense(flat, w, b), expected, rtol=1e-5, atol=1e-6)
    logits = rng.normal(scale=5, size=(6, 10))
    np.testing.assert_allclose(
        layers.softmax(logits), keras.activations.softmax(logits).numpy(), rtol=1e-6
    )


def test_cross_entropy_equals_keras():
    rng = np.random.default_rng(1)
    p = layers.softmax(rng.normal(size=(8, 5)))
    p[0] = [1, 0, 0, 0, 0]  # a confident wrong prediction is clipped, not infinite
    labels = rng.integers(0, 5, 8)
    labels[0] = 3
    expected = keras.losses.CategoricalCrossentropy()(layers.one_hot(labels, 5), p).numpy()
    assert layers.cross_entropy(p, labels) == pytest.approx(float(expected), rel=1e-5)
    assert layers.cross_entropy(p, layers.one_hot(labels, 5)) == pytest.approx(
        float(expected), rel=1e-5
    )


def test_dropout_scales_kept_entries_and_preserves_the_mean():
    rng = np.random.default_rng(2)
    x = rng.uniform(1, 2, size=(200, 50))
    y = layers.dropout(x, 0.3, training=True, rng=rng)
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / 0.7)
    assert abs(kept.mean() - 0.7) < 0.01
    assert abs(y.mean() / x.mean() - 1) < 0.02
    np.testing.assert_array_equal(layers.dropout(x, 0.3, training=False), x)
    keras_y = keras.layers.Dropout(0.3)(x.astype(np.float32), training=True).numpy()
    keras_kept = keras_y != 0  # Keras follows the same rule
    np.testing.assert_allclose(keras_y[keras_kept], x[keras_kept] / 0.7, rtol=1e-6)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: layers.max_pool2d(np.zeros((4, 4))),
            r"x must be a 4-D array of shape \(N, H, W, C\)",
        ),
        (lambda: layers.max_pool2d(np.zeros((1, 2, 2, 1)), 3), "pool_size 3 is larger than"),
        (
            lambda: layers.avg_pool2d(np.zeros((1, 2, 2, 1)), padding=1),
            'padding must be "valid" or "same"',
        ),
        (
            lambda: layers.max_pool2d(np.zeros((1, 2, 2, 1)), 0),
            "pool_size must be an int >= 1; got 0",
        ),
        (
            lambda: layers.dropout(np.zeros(3), 1.0),
            r"rate must be a finite real number in \[0, 1\)",
        ),
        (lambda: layers.flatten(np.zeros(3)), "at least 2 dimensions"),
        (
            lambda: layers.dense(np.zeros((2, 3)), np.zeros((4, 1))),
            r"x must be \(N, D\) and w \(D, U\)",
        ),
        (
            lambda: layers.cross_entropy(np.zeros(3), [0]),
            r"probabilities must be a 2-D array of shape \(N, K\)",
        ),
        (lambda: layers.cross_entropy(np.full((2, 3), 1 / 3), np.zeros((2, 4))), "labels must be"),
        (lambda: layers.one_hot([0, 5], 3), r"labels must be class indices in \[0, 3\)"),
        (
            lambda: layers.one_hot([0.5], 3),
            "labels must be integer class indices; got dtype float64",
        ),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# ---------------------------------------------------------------- issue 14: no silent errors


def test_dense_on_uint8_does_not_overflow():
    x = np.full((1, 3), 200, np.uint8)
    w = np.ones((3, 1), np.uint8)
    assert layers.dense(x, w).tolist() == [[600.0]]
    assert layers.dense(x, w, np.array([100], np.uint8)).tolist() == [[700.0]]


def test_pooling_and_relu_of_integers_equal_the_float_route():
    x = np.random.default_rng(0).integers(0, 256, (2, 4, 4, 3)).astype(np.uint8)
    np.testing.assert_array_equal(layers.max_pool2d(x), layers.max_pool2d(x.astype(float)))
    np.testing.assert_array_equal(layers.avg_pool2d(x), layers.avg_pool2d(x.astype(float)))
    np.testing.assert_array_equal(layers.relu(x), x.astype(float))


@pytest.mark.parametrize("bias", [np.zeros((2, 1)), np.zeros(3), np.zeros((1, 2))])
def test_dense_rejects_a_bias_of_the_wrong_shape(bias):
    with pytest.raises(ValueError, match=r"b must have shape \(2,\), one per unit"):
        layers.dense(np.ones((4, 3)), np.ones((3, 2)), bias)


def test_dropout_without_rng_is_reproducible_after_set_seed():
    from cnncourse import config

    x = np.ones((50, 40))
    config.set_seed(7, keras=False)
    first = layers.dropout(x, 0.5)
    config.set_seed(7, keras=False)
    again = layers.dropout(x, 0.5)
    np.testing.assert_array_equal(first, again)
    config.set_seed(8, keras=False)
    assert not np.array_equal(layers.dropout(x, 0.5), first)


@pytest.mark.parametrize(
    "labels, message",
    [
        ([-1, 0, 1, 2], r"labels must be class indices in \[0, 3\); got values from -1 to 2"),
        ([0, 3, 1, 2], r"labels must be class indices in \[0, 3\)"),
        ([1], r"labels must hold one label per example \(4\); got 1"),
        ([0.0, 1.0, 2.0, 1.0], "labels must be integer class indices"),
    ],
)
def test_cross_entropy_checks_labels(labels, message):
    p = np.full((4, 3), 1 / 3)
    with pytest.raises((ValueError, TypeError), match=message):
        layers.cross_entropy(p, labels)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: layers.dropout(np.ones(3), "0.5"), TypeError, "rate must be a finite real number"),
        (lambda: layers.dropout(np.ones(3), float("nan")), ValueError, "rate must be"),
        (lambda: layers.dropout(np.ones(3), 0.5, training="no"), TypeError, "training must be"),
        (lambda: layers.dropout(np.ones(3), 0.5, rng=0), TypeError, "rng must be"),
        (lambda: layers.softmax([]), ValueError, "z must not be empty"),
        (lambda: layers.softmax(np.ones((2, 3)), axis=2), ValueError, "axis must be an int"),
        (lambda: layers.softmax(["a"]), TypeError, "z must hold real numbers"),
        (lambda: layers.max_pool2d(np.zeros((1, 4, 4, 1)), -1), ValueError, "pool_size must be"),
        (lambda: layers.max_pool2d(np.zeros((1, 4, 4, 1)), 2.0), TypeError, "pool_size must be"),
        (lambda: layers.max_pool2d(np.zeros((1, 4, 4, 1)), 5), ValueError, "pool_size 5 is larger"),
        (lambda: layers.max_pool2d(np.zeros((0, 4, 4, 1))), ValueError, "x must not be empty"),
        (
            lambda: layers.dense(np.zeros((0, 3)), np.ones((3, 2))),
            ValueError,
            "x must not be empty",
        ),
        (lambda: layers.flatten(np.zeros((0, 3))), ValueError, "x must not be empty"),
        (lambda: layers.relu([]), ValueError, "x must not be empty"),
        (lambda: layers.one_hot([0], 0), ValueError, "n_classes must be an int >= 1"),
        (lambda: layers.cross_entropy([[-0.5, 1.5]], [0]), ValueError, "non-negative"),
    ],
)
def test_bad_types_and_sizes_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
