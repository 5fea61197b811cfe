"""Batch normalisation in NumPy against Keras, and its backward pass against finite differences."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncourse.layers import batch_norm
from cnncourse.scratch import BatchNorm2D, Sequential, numerical_gradient, relative_error


def _keras_bn(channels, gamma, beta, mean, var, momentum=0.99, eps=1e-3):
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=eps)
    layer.build((None, 3, 3, channels))
    layer.set_weights([gamma, beta, mean, var])
    return layer


@st.composite
def bn_case(draw):
    shape = (draw(st.integers(1, 4)), draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    channels = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(2.0, 3.0, size=(*shape, channels)).astype(np.float32)
    gamma = rng.normal(size=channels).astype(np.float32)
    beta = rng.normal(size=channels).astype(np.float32)
    mean = rng.normal(size=channels).astype(np.float32)
    var = rng.uniform(0.5, 2.0, size=channels).astype(np.float32)
    return x, gamma, beta, mean, var


@settings(max_examples=40, deadline=None)
@given(case=bn_case())
def test_batch_norm_equals_keras_in_both_modes(case):
    x, gamma, beta, mean, var = case
    layer = _keras_bn(x.shape[-1], gamma, beta, mean, var)
    # inference first: a training-mode call moves Keras' running statistics
    inference = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x), training=False))
    np.testing.assert_allclose(
        batch_norm(x, gamma, beta, mean, var), inference, rtol=1e-5, atol=1e-5
    )
    training = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x), training=True))
    np.testing.assert_allclose(batch_norm(x, gamma, beta), training, rtol=1e-4, atol=2e-4)


def test_batch_norm_on_dense_features():
    x = np.random.default_rng(0).normal(size=(16, 5))
    y = batch_norm(x, np.ones(5), np.zeros(5), eps=0.0)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": np.zeros(3)}, "x must be a batch"),
        ({"gamma": np.ones(2)}, "gamma must have shape"),
        ({"beta": np.ones((3, 1))}, r"beta must be a 1-D array of shape \(3,\)"),
        ({"mean": np.zeros(3)}, "mean and var must be given together"),
        ({"mean": np.zeros(2), "var": np.ones(3)}, "mean must have shape"),
        ({"mean": np.zeros(3), "var": -np.ones(3)}, "var must be non-negative"),
        ({"eps": -1.0}, "eps must be a finite real number >= 0"),
    ],
)
def test_batch_norm_rejects_bad_input(kwargs, message):
    arguments = {"x": np.zeros((2, 4, 4, 3)), "gamma": np.ones(3), "beta": np.zeros(3)} | kwargs
    with pytest.raises(ValueError, match=message):
        batch_norm(**arguments)


def test_batchnorm2d_forward_and_running_statistics_equal_keras():
    rng = np.random.default_rng(1)
    batches = [rng.normal(1.5, 2.0, size=(8, 4, 4, 3)).astype(np.float32) for _ in range(5)]
    ours = BatchNorm2D(3, momentum=0.9)
    ours.params["gamma"], ours.params["beta"] = rng.normal(size=3), rng.normal(size=3)
    layer = _keras_bn(
        3, ours.params["gamma"], ours.params["beta"], np.zeros(3), np.ones(3), momentum=0.9
    )
    for x in batches:
        expected = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x), training=True))
        np.testing.assert_allclose(ours.forward(x.astype(float)), expected, rtol=1e-4, atol=1e-4)
    moving_mean = layer.moving_mean.numpy()
    moving_var = layer.moving_variance.numpy()
    np.testing.assert_allclose(ours.running_mean, moving_mean, rtol=1e-5)
    np.testing.assert_allclose(ours.running_var, moving_var, rtol=1e-5)
    x = batches[0]
    expected = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x), training=False))
    np.testing.assert_allclose(
        ours.forward(x.astype(float), training=False), expected, rtol=1e-4, atol=1e-4
    )


def test_batchnorm2d_backward_equals_finite_differences():
    rng = np.random.default_rng(2)
    layer = BatchNorm2D(3)
    layer.params["gamma"], layer.params["beta"] = rng.normal(size=3), rng.normal(size=3)
    x = rng.normal(size=(3, 4, 4, 3))
    weights = rng.normal(size=x.shape)  # L = sum(weights * y): upstream gradient = weights

    def loss():
        return float(np.sum(weights * layer.forward(x)))

    loss()
    dx = layer.backward(weights)
    for name in ("gamma", "beta"):
        assert (
            relative_error(layer.grads[name], numerical_gradient(loss, layer.params[name])) < 1e-7
        )
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7


def test_batchnorm2d_trains_inside_sequential():
    from cnncourse.scratch import Conv2D, Dense, Flatten, ReLU

    rng = np.random.default_rng(3)
    model = Sequential(
        [
            Conv2D(rng.normal(0, 0.3, (3, 3, 1, 4)), np.zeros(4)),
            BatchNorm2D(4),
            ReLU(),
            Flatten(),
            Dense(rng.normal(0, 0.1, (4 * 4 * 4, 3)), np.zeros(3)),
        ]
    )
    x, labels = rng.normal(size=(6, 6, 6, 1)), rng.integers(0, 3, 6)
    model.loss_and_gradients(x, labels)
    bn = model.layers[1]
    for name in ("gamma", "beta"):
        analytic = bn.grads[name].copy()

        def loss():
            return model.loss_and_gradients(x, labels)

        assert relative_error(analytic, numerical_gradient(loss, bn.params[name])) < 1e-6


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"channels": 0}, "channels must be an int >= 1"),
        ({"channels": 2, "momentum": 1.0}, r"momentum must be a finite real number in \[0, 1\)"),
        ({"channels": 2, "eps": 0.0}, "eps must be a finite real number > 0"),
    ],
)
def test_batchnorm2d_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BatchNorm2D(**kwargs)


def test_batchnorm2d_rejects_wrong_input_shape():
    with pytest.raises(ValueError, match="BatchNorm2D expects"):
        BatchNorm2D(3).forward(np.zeros((2, 4, 4, 2)))


def test_batchnorm2d_backward_in_inference_mode_equals_finite_differences():
    """After forward(x, training=False) the running statistics are constants: the
    gradient is gamma * G / sqrt(running_var + eps), not the training-mode formula."""
    rng = np.random.default_rng(4)
    layer = BatchNorm2D(3)
    layer.params["gamma"], layer.params["beta"] = rng.normal(size=3), rng.normal(size=3)
    layer.running_mean, layer.running_var = rng.normal(size=3), rng.uniform(0.5, 3.0, 3)
    x = rng.normal(1.0, 2.7, size=(3, 4, 4, 3))
    weights = rng.normal(size=x.shape)

    def loss():
        return float(np.sum(weights * layer.forward(x, training=False)))

    loss()
    dx = layer.backward(weights)
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    for name in ("gamma", "beta"):
        assert (
            relative_error(layer.grads[name], numerical_gradient(loss, layer.params[name])) < 1e-7
        )


def test_batchnorm2d_backward_before_forward_is_refused():
    with pytest.raises(RuntimeError, match="forward pass first"):
        BatchNorm2D(2).backward(np.zeros((1, 2, 2, 2)))


def test_float16_input_is_normalised_in_float64():
    """The variance of 0 and 200 is 10,000: in float16 the squares (40,000) overflow."""
    x = np.array([0.0, 200.0], np.float16).reshape(2, 1, 1, 1)
    expected = np.array([-1.0, 1.0]).reshape(2, 1, 1, 1) * 100 / np.sqrt(100**2 + 1e-3)
    np.testing.assert_allclose(batch_norm(x, [1.0], [0.0]), expected, rtol=1e-12)
    np.testing.assert_allclose(BatchNorm2D(1).forward(x), expected, rtol=1e-12)
    assert batch_norm(x, [1.0], [0.0]).dtype == np.float64
