"""The NumPy CNN: gradients against finite differences, forward and one step against Keras."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncourse import scratch
from cnncourse.convolution import col2im, conv2d_im2col, im2col
from cnncourse.layers import one_hot
from cnncourse.models import PARAMETER_NAMES, digits_cnn, initial_weights


def check_layer(layer, x, rng):
    """Gradients of L = sum(forward(x) * r) w.r.t. x and every parameter, both ways."""
    r = rng.normal(size=layer.forward(x).shape)

    def loss():
        return float(np.sum(layer.forward(x) * r))

    loss()
    dx = layer.backward(r)
    assert scratch.relative_error(dx, scratch.numerical_gradient(loss, x)) < 1e-6
    for name, value in layer.params.items():
        layer.forward(x)
        layer.backward(r)
        analytic = layer.grads[name].copy()
        assert scratch.relative_error(analytic, scratch.numerical_gradient(loss, value)) < 1e-6, (
            name
        )


@st.composite
def conv_case(draw):
    stride = draw(st.integers(1, 2))
    padding = draw(st.sampled_from([0, 1, "same", "valid"]))
    k = draw(st.integers(1, 3))
    size = draw(st.integers(k, 6))
    channels, filters = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return stride, padding, k, size, channels, filters, draw(st.integers(0, 2**32 - 1))


@settings(max_examples=25)
@given(case=conv_case())
def test_conv2d_gradients_on_random_shapes_strides_and_paddings(case):
    stride, padding, k, size, channels, filters, seed = case
    rng = np.random.default_rng(seed)
    layer = scratch.Conv2D(
        rng.normal(size=(k, k, channels, filters)), rng.normal(size=filters), stride, padding
    )
    x = rng.normal(size=(2, size, size + 1, channels))
    np.testing.assert_allclose(
        layer.forward(x),
        conv2d_im2col(x, layer.params["kernel"], layer.params["bias"], stride, padding),
        atol=1e-12,
    )
    check_layer(layer, x, rng)


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: scratch.ReLU(),
        lambda rng: scratch.MaxPool2D(2),
        lambda rng: scratch.Flatten(),
    ],
)
def test_parameter_free_layers(make):
    rng = np.random.default_rng(0)
    check_layer(make(rng), rng.normal(size=(2, 5, 4, 3)), rng)


def test_dense_gradients():
    rng = np.random.default_rng(1)
    check_layer(
        scratch.Dense(rng.normal(size=(6, 4)), rng.normal(size=4)), rng.normal(size=(3, 6)), rng
    )


def test_softmax_cross_entropy_gradient_and_keras_value():
    rng = np.random.default_rng(2)
    logits, labels = rng.normal(scale=3, size=(5, 10)), rng.integers(0, 10, 5)
    loss, grad = scratch.softmax_cross_entropy(logits, labels)
    numeric = scratch.numerical_gradient(
        lambda: scratch.softmax_cross_entropy(logits, labels)[0], logits
    )
    assert scratch.relative_error(grad, numeric) < 1e-7
    expected = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits).numpy()
    assert loss == pytest.approx(float(expected), rel=1e-6)
    assert np.isfinite(scratch.softmax_cross_entropy(np.array([[1e4, -1e4]]), np.array([1]))[0])


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(3)
    for stride, padding in [(1, 0), (2, 1), (2, "same"), (1, "same")]:
        x = rng.normal(size=(2, 5, 6, 3))
        columns = im2col(x, 3, 2, stride, padding)
        c = rng.normal(size=columns.shape)
        np.testing.assert_allclose(
            np.sum(columns * c), np.sum(x * col2im(c, x.shape, 3, 2, stride, padding))
        )


def lecture_network(weights, l2):
    return scratch.Sequential(
        [
            scratch.Conv2D(weights["conv_kernel"], weights["conv_bias"]),
            scratch.ReLU(),
            scratch.MaxPool2D(2),
            scratch.Flatten(),
            scratch.Dense(weights["hidden_kernel"], weights["hidden_bias"]),
            scratch.ReLU(),
            scratch.Dense(weights["out_kernel"], weights["out_bias"]),
        ],
        l2=l2,
    )


@pytest.mark.slow
def test_whole_network_gradient():
    rng = np.random.default_rng(4)
    weights = {k: v.astype(float) for k, v in initial_weights(0).items()}
    net = lecture_network(weights, l2=1e-2)
    x, y = rng.uniform(size=(4, 8, 8, 1)), rng.integers(0, 10, 4)
    net.loss_and_gradients(x, y)
    analytic = {
        (i, name): layer.grads[name].copy()
        for i, layer in enumerate(net.layers)
        for name in layer.params
    }

    def loss():
        return scratch.softmax_cross_entropy(net.forward(x), y)[0] + net.penalty()

    for (i, name), gradient in analytic.items():
        numeric = scratch.numerical_gradient(loss, net.layers[i].params[name])
        assert scratch.relative_error(gradient, numeric) < 1e-6, (i, name)


def test_one_sgd_step_equals_keras():
    rng = np.random.default_rng(5)
    weights = initial_weights(0)
    x, y = rng.uniform(size=(16, 8, 8, 1)).astype("float32"), rng.integers(0, 10, 16)
    model = digits_cnn(learning_rate=0.3, l2=1e-3)
    model.set_weights([weights[n] for n in PARAMETER_NAMES])
    net = lecture_network({k: v.astype(float) for k, v in weights.items()}, l2=1e-3)
    logits = net.forward(x.astype(float))
    np.testing.assert_allclose(
        keras.ops.softmax(logits).numpy(), model.predict(x, verbose=0), atol=1e-6
    )
    model.train_on_batch(x, one_hot(y, 10))
    net.loss_and_gradients(x.astype(float), y)
    scratch.SGD(0.3).step(net)
    ours = [value for layer in net.layers for value in layer.params.values()]
    for a, b in zip(ours, model.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: scratch.Conv2D(np.zeros((3, 3, 1)), np.zeros(1)),
            r"kernel must be a 4-D array of shape \(kh, kw, C, F\)",
        ),
        (
            lambda: scratch.Conv2D(np.zeros((3, 3, 1, 2)), np.zeros(2)).forward(
                np.zeros((1, 5, 5, 2))
            ),
            r"expects \(N, H, W, 1\)",
        ),
        (lambda: scratch.Dense(np.zeros((3, 2)), np.zeros(3)), r"kernel must be \(D, U\)"),
        (lambda: scratch.Sequential([], l2=-1), "l2 must be a finite real number >= 0; got -1"),
        (lambda: scratch.SGD(0), "learning_rate must be a finite real number > 0; got 0"),
        (
            lambda: scratch.numerical_gradient(lambda: 0.0, np.zeros(2, np.float32)),
            "x must be a float64 numpy array",
        ),
        (lambda: col2im(np.zeros((3, 4)), (1, 3, 3, 1), 2, 2), r"columns must have shape \(4, 4\)"),
    ],
)
def test_bad_input_is_rejected(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# ---------------------------------------------------------------- issue 14: no silent errors


@pytest.mark.parametrize(
    "labels, message",
    [
        ([-1, 0, 1, 2], r"labels must be class indices in \[0, 3\); got values from -1 to 2"),
        ([3, 0, 1, 2], r"labels must be class indices in \[0, 3\)"),
        ([1], r"labels must hold one label per example \(4\); got 1"),
        (1, r"labels must be a 1-D array of class indices"),
        ([0.0, 1.0, 2.0, 1.0], "labels must be integer class indices"),
    ],
)
def test_softmax_cross_entropy_checks_labels(labels, message):
    with pytest.raises((ValueError, TypeError), match=message):
        scratch.softmax_cross_entropy(np.zeros((4, 3)), labels)


def test_predict_returns_probabilities_like_keras():
    rng = np.random.default_rng(6)
    weights = {k: v.astype(float) for k, v in initial_weights(0).items()}
    net = lecture_network(weights, l2=0.0)
    x = rng.uniform(size=(7, 8, 8, 1))
    probabilities = net.predict(x, batch_size=3)
    assert probabilities.shape == (7, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(probabilities, keras.ops.softmax(net.forward(x)).numpy(), atol=1e-7)


def test_uint8_images_go_through_the_network_as_floats():
    weights = {k: v.astype(float) for k, v in initial_weights(0).items()}
    net = lecture_network(weights, l2=0.0)
    x = np.random.default_rng(7).integers(0, 256, (3, 8, 8, 1)).astype(np.uint8)
    np.testing.assert_allclose(net.forward(x), net.forward(x.astype(float)))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: scratch.MaxPool2D(0), ValueError, "pool_size must be an int >= 1; got 0"),
        (lambda: scratch.MaxPool2D(-1), ValueError, "pool_size must be an int >= 1; got -1"),
        (lambda: scratch.MaxPool2D(2.0), TypeError, "pool_size must be an int"),
        (
            lambda: scratch.MaxPool2D(5).forward(np.zeros((1, 4, 4, 1))),
            ValueError,
            "pool_size 5 is larger than the",
        ),
        (
            lambda: scratch.MaxPool2D(2).forward(np.zeros((0, 4, 4, 1))),
            ValueError,
            "x must not be empty",
        ),
        (
            lambda: scratch.Sequential([scratch.Flatten()]).predict(np.zeros((2, 3)), batch_size=0),
            ValueError,
            "batch_size must be an int >= 1; got 0",
        ),
        (
            lambda: scratch.Sequential([scratch.Flatten()]).predict([]),
            ValueError,
            "x must not be empty",
        ),
        (lambda: scratch.SGD("0.1"), TypeError, "learning_rate must be a finite real number"),
        (lambda: scratch.Dense(np.zeros((3, 2)), np.zeros((2, 1))), ValueError, "bias"),
        (
            lambda: scratch.Dense(np.zeros((3, 2)), np.zeros(2)).forward(np.zeros((4, 2))),
            ValueError,
            r"x must be \(N, D\) and w \(D, U\)",
        ),
        (
            lambda: scratch.Conv2D(np.zeros((2, 2, 1, 1)), np.zeros(1), stride=0),
            ValueError,
            "stride",
        ),
    ],
)
def test_bad_types_and_sizes_name_the_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
