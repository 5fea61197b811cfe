"""Depthwise and transposed convolutions against TensorFlow and Keras, and the adjoint test."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from cnncourse.convolution import (
    col2im,
    conv2d_im2col,
    conv2d_transpose,
    conv_output_size,
    conv_transpose_output_size,
    depthwise_conv2d,
    doubly_block_toeplitz,
    im2col,
)


@st.composite
def depthwise_case(draw):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    padding = draw(st.sampled_from(["valid", "same"]))
    kh = draw(st.integers(1, h if padding == "valid" else 4))
    kw = draw(st.integers(1, w if padding == "valid" else 4))
    stride = draw(st.integers(1, 3))
    channels, multiplier, n = (
        draw(st.integers(1, 4)),
        draw(st.integers(1, 3)),
        draw(st.integers(1, 2)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(n, h, w, channels))
    kernel = rng.normal(size=(kh, kw, channels, multiplier))
    return x, kernel, stride, padding


@settings(max_examples=60, deadline=None)
@given(case=depthwise_case())
def test_depthwise_equals_tensorflow(case):
    x, kernel, stride, padding = case
    expected = tf.nn.depthwise_conv2d(x, kernel, [1, stride, stride, 1], padding.upper()).numpy()
    np.testing.assert_allclose(depthwise_conv2d(x, kernel, stride, padding), expected, atol=1e-10)


def test_depthwise_with_one_channel_is_an_ordinary_convolution():
    rng = np.random.default_rng(0)
    x, kernel = rng.normal(size=(2, 7, 6, 1)), rng.normal(size=(3, 2, 1, 4))
    np.testing.assert_allclose(depthwise_conv2d(x, kernel), conv2d_im2col(x, kernel), atol=1e-12)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "kwargs", "message"),
    [
        ((4, 4, 2), (3, 3, 2, 1), {}, r"x must be a 4-D array of shape \(N, H, W, C\)"),
        ((1, 4, 4, 2), (3, 3, 2), {}, r"w must be a 4-D array of shape \(kh, kw"),
        ((1, 4, 4, 2), (3, 3, 3, 1), {}, "input channels"),
        ((1, 4, 4, 2), (3, 3, 2, 1), {"stride": 0}, "stride must be an int >= 1"),
        ((1, 4, 4, 2), (3, 3, 2, 1), {"padding": 1}, "padding must be"),
    ],
)
def test_depthwise_rejects_bad_input(x_shape, w_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        depthwise_conv2d(np.zeros(x_shape), np.zeros(w_shape), **kwargs)


@st.composite
def transpose_case(draw):
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same"]))
    channels, filters, n = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(n, h, w, channels)).astype(np.float32)
    kernel = rng.normal(size=(kh, kw, filters, channels)).astype(np.float32)
    return x, kernel, stride, padding


@settings(max_examples=60, deadline=None)
@given(case=transpose_case())
def test_conv2d_transpose_equals_keras_ops(case):
    x, kernel, stride, padding = case
    expected = keras.ops.convert_to_numpy(
        keras.ops.conv_transpose(x, kernel, strides=stride, padding=padding)
    )
    ours = conv2d_transpose(x.astype(float), kernel.astype(float), stride, padding)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_transpose_equals_the_keras_layer(stride, padding):
    rng = np.random.default_rng(stride)
    x = rng.normal(size=(2, 5, 6, 3)).astype(np.float32)
    layer = keras.layers.Conv2DTranspose(4, 3, strides=stride, padding=padding, use_bias=False)
    expected = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x)))
    kernel = layer.kernel.numpy()
    assert kernel.shape == (3, 3, 4, 3)  # (kh, kw, out_channels, in_channels)
    np.testing.assert_allclose(conv2d_transpose(x, kernel, stride, padding), expected, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(case=transpose_case())
def test_conv2d_transpose_is_the_adjoint_of_conv2d(case):
    """The dot-product test <C z, x> = <z, C^T x> for the convolution C whose output x has."""
    x, kernel, stride, padding = case
    x, kernel = x.astype(float), kernel.astype(float)
    n, h, w, channels = x.shape
    out_h = conv_transpose_output_size(h, kernel.shape[0], stride, padding)
    out_w = conv_transpose_output_size(w, kernel.shape[1], stride, padding)
    z = np.random.default_rng(1).normal(size=(n, out_h, out_w, kernel.shape[2]))
    conv = conv2d_im2col(z, kernel, stride=stride, padding=padding)  # (kh, kw, F, C): F -> C
    assert conv.shape == x.shape
    np.testing.assert_allclose(
        np.vdot(conv, x), np.vdot(z, conv2d_transpose(x, kernel, stride, padding)), rtol=1e-9
    )


def test_conv2d_transpose_is_the_transposed_toeplitz_matrix():
    rng = np.random.default_rng(0)
    kernel, image_shape = rng.normal(size=(3, 2)), (6, 5)
    y = rng.normal(size=(4, 4))  # the output shape of the valid convolution
    matrix = doubly_block_toeplitz(kernel, image_shape)
    ours = conv2d_transpose(y[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    np.testing.assert_allclose(ours.ravel(), matrix.T @ y.ravel(), atol=1e-12)


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 6, 7, 3))
    columns = im2col(x, 3, 2, stride=2, padding="same")
    c = rng.normal(size=columns.shape)
    np.testing.assert_allclose(
        np.vdot(columns, c), np.vdot(x, col2im(c, x.shape, 3, 2, 2, "same")), rtol=1e-10
    )


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(("n", "k", "stride"), [(4, 3, 1), (4, 3, 2), (5, 2, 3), (1, 1, 1)])
def test_transpose_output_size_inverts_the_convolution_size(n, k, stride, padding):
    m = conv_transpose_output_size(n, k, stride, padding)
    pads = {"valid": 0, "same": None}[padding]
    back = conv_output_size(m, k, stride) if pads == 0 else -(-m // stride)
    assert back == n


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "kwargs", "message"),
    [
        ((4, 4, 2), (3, 3, 1, 2), {}, r"x must be a 4-D array of shape \(N, H, W, C\)"),
        ((1, 4, 4, 2), (3, 3, 2), {}, r"w must be a 4-D array of shape \(kh, kw"),
        ((1, 4, 4, 2), (3, 3, 2, 1), {}, "input channels"),
        ((1, 4, 4, 2), (3, 3, 1, 2), {"stride": -1}, "stride must be an int >= 1"),
        ((1, 4, 4, 2), (3, 3, 1, 2), {"padding": "full"}, "padding must be"),
    ],
)
def test_conv2d_transpose_rejects_bad_input(x_shape, w_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        conv2d_transpose(np.zeros(x_shape), np.zeros(w_shape), **kwargs)


def test_transpose_output_size_rejects_bad_input():
    with pytest.raises(ValueError, match="padding must be"):
        conv_transpose_output_size(4, 3, 1, "full")
    with pytest.raises(ValueError, match="k must be an int >= 1"):
        conv_transpose_output_size(4, 0)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_transpose_output_size_is_one_of_the_lengths_that_map_back(padding):
    """Against brute force: every input length L with conv_output_size(L) == n."""
    for n in range(1, 7):
        for k in range(1, 6):
            for stride in range(1, 4):
                lengths = [
                    length
                    for length in range(1, 40)
                    if (padding == "same" or length >= k)  # valid: the kernel must fit
                    and conv_output_size(length, k, stride, padding) == n
                ]
                size = conv_transpose_output_size(n, k, stride, padding)
                assert size in lengths, (n, k, stride, padding)
                if padding == "same":
                    assert size == max(lengths)
                elif k >= stride:
                    assert size == min(lengths)
    # the docstring's example: valid padding is not the largest length
    assert conv_transpose_output_size(4, 3, 2) == 9 and conv_output_size(10, 3, 2) == 4
