"""2-D convolution, im2col and the doubly block Toeplitz matrix against scipy and TensorFlow."""

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from cnncourse.convolution import (
    col2im,
    conv2d,
    conv2d_im2col,
    conv2d_loops,
    conv_output_size,
    doubly_block_toeplitz,
    im2col,
)


@st.composite
def image_and_kernel(draw):
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.normal(size=(h, w)), rng.normal(size=(kh, kw))


@settings(max_examples=80)
@given(pair=image_and_kernel())
def test_conv2d_equals_scipy(pair):
    image, kernel = pair
    np.testing.assert_allclose(
        conv2d(image, kernel), signal.correlate2d(image, kernel, "valid"), atol=1e-12
    )
    np.testing.assert_allclose(
        conv2d(image, kernel, flip=True), signal.convolve2d(image, kernel, "valid"), atol=1e-12
    )


@settings(max_examples=60)
@given(pair=image_and_kernel())
def test_doubly_block_toeplitz_times_the_flat_image(pair):
    image, kernel = pair
    matrix = doubly_block_toeplitz(kernel, image.shape)
    np.testing.assert_allclose(matrix @ image.ravel(), conv2d(image, kernel).ravel(), atol=1e-12)


def test_doubly_block_toeplitz_structure():
    kernel = np.arange(1.0, 7.0).reshape(2, 3)
    matrix = doubly_block_toeplitz(kernel, (4, 5))
    out_w, width = 5 - 3 + 1, 5
    blocks = matrix.reshape(3, out_w, 4, width).transpose(0, 2, 1, 3)  # block (r, c)
    for r in range(3):
        for c in range(4):
            block = blocks[r, c]
            expected = np.zeros((out_w, width))
            if 0 <= c - r < 2:  # block (r, c) is the Toeplitz matrix of kernel row c - r
                for j in range(out_w):
                    expected[j, j : j + 3] = kernel[c - r]
            np.testing.assert_array_equal(block, expected)


@st.composite
def batch_case(draw):
    n = draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    c, f = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride = draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["VALID", "SAME"]))
    dilation = draw(st.integers(1, 2)) if stride == 1 else 1  # TF: no stride with dilation
    limit_h = h if padding == "VALID" else 6
    limit_w = w if padding == "VALID" else 6
    kh = draw(st.integers(1, max(1, (limit_h - 1) // dilation + 1)))
    kw = draw(st.integers(1, max(1, (limit_w - 1) // dilation + 1)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(n, h, w, c)).astype(np.float32)
    kernel = rng.normal(size=(kh, kw, c, f)).astype(np.float32)
    bias = rng.normal(size=f).astype(np.float32)
    return x, kernel, bias, stride, padding, dilation


@settings(max_examples=80)
@given(case=batch_case())
def test_conv2d_im2col_equals_tensorflow(case):
    x, kernel, bias, stride, padding, dilation = case
    expected = tf.nn.conv2d(x, kernel, stride, padding, dilations=dilation).numpy() + bias
    result = conv2d_im2col(x, kernel, bias, stride, padding, dilation)
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-4)


@settings(max_examples=60)
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 7),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
)
def test_output_size_matches_a_real_convolution(n, k, stride, padding, dilation):
    span = dilation * (k - 1) + 1
    if n + 2 * padding < span:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(n, k, stride, padding, dilation)
        return
    x = np.zeros((1, n, 1, 1))
    columns = im2col(x, k, 1, stride, padding, dilation)  # pads the width axis too
    out_w = conv_output_size(1, 1, stride, padding)
    assert conv_output_size(n, k, stride, padding, dilation) * out_w == len(columns)


def test_im2col_rows_are_the_receptive_fields():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 5, 6, 3))
    columns = im2col(x, 2, 3, stride=2).reshape(2, 2, 2, 2, 3, 3)
    for n in range(2):
        for i in range(2):
            for j in range(2):
                np.testing.assert_array_equal(
                    columns[n, i, j], x[n, 2 * i : 2 * i + 2, 2 * j : 2 * j + 3]
                )


def test_integer_padding_equals_explicit_zero_padding():
    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 3))
    padded = np.pad(image, 2)
    np.testing.assert_allclose(
        conv2d(image, kernel, stride=2, padding=2), conv2d(padded, kernel, stride=2)
    )
    assert conv2d(image, kernel, padding="same").shape == image.shape


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: conv2d(np.zeros((3, 3, 1)), np.zeros((2, 2))),
            r"image must be a 2-D array of shape \(H, W\); got shape \(3, 3, 1\)",
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.zeros(2)),
            r"kernel must be a 2-D array of shape \(kh, kw\)",
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.zeros((4, 4))),
            r"larger than the padded input \(3x3\)",
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.zeros((2, 2)), stride=0),
            "stride must be an int >= 1; got 0",
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.zeros((2, 2)), padding="full"),
            'padding must be an int >= 0, "valid" or "same"',
        ),
        (
            lambda: conv2d(np.zeros((3, 3)), np.zeros((2, 2)), padding=-1),
            "padding must be an int >= 0",
        ),
        (
            lambda: im2col(np.zeros((3, 3, 1)), 2, 2),
            r"x must be a 4-D array of shape \(N, H, W, C\)",
        ),
        (
            lambda: conv2d_im2col(np.zeros((1, 4, 4, 3)), np.zeros((2, 2, 2, 5))),
            "w has 2 input channels but x has 3",
        ),
        (
            lambda: conv2d_im2col(np.zeros((1, 4, 4, 3)), np.zeros((2, 2, 3))),
            r"w must be a 4-D array of shape \(kh, kw, C, F\)",
        ),
        (
            lambda: conv2d_im2col(np.zeros((1, 4, 4, 3)), np.zeros((2, 2, 3, 5)), np.zeros(4)),
            r"b must have shape \(5,\)",
        ),
        (lambda: conv_output_size(0, 3), "n must be an int >= 1"),
        (
            lambda: conv_output_size(5, 3, padding=-1),
            r"padding must be an int >= 0, \"valid\" or \"same\"; got -1",
        ),
        (lambda: doubly_block_toeplitz(np.zeros((2, 2)), (3,)), r"input_shape must be \(H, W\)"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# ---------------------------------------------------------------- integers never overflow


def test_uint8_images_do_not_overflow():
    x = np.full((1, 3, 3, 1), 200, np.uint8)
    w = np.ones((3, 3, 1, 1), np.uint8)
    assert conv2d_im2col(x, w).ravel().tolist() == [1800.0]
    assert conv2d_loops(x, w).ravel().tolist() == [1800.0]
    assert conv2d(x[0, :, :, 0], w[:, :, 0, 0]).ravel().tolist() == [1800.0]
    b = np.array([100], np.uint8)
    assert conv2d_im2col(x, w, b).ravel().tolist() == [1900.0]


def test_col2im_of_integers_does_not_overflow():
    columns = np.full((4, 4), 200, np.uint8)
    folded = col2im(columns, (1, 3, 3, 1), 2, 2)
    assert folded[0, 1, 1, 0] == 800


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: col2im(np.zeros((4, 4)), (0, 3, 3, 1), 2, 2), r"x_shape\[0\] must be an int >= 1"),
        (lambda: col2im(np.zeros((0, 4)), (0, 3, 3, 1), 2, 2), "columns must not be empty"),
        (lambda: col2im(np.zeros((0, 0)), (1, 3, 3, 1), 2, 2), "columns must not be empty"),
        (
            lambda: conv2d_im2col(np.zeros((0, 3, 3, 1)), np.ones((2, 2, 1, 1))),
            "x must not be empty",
        ),
        (lambda: im2col(np.zeros((1, 3, 3, 1)), 2, 2, stride=True), "stride must be an int"),
        (lambda: conv2d(np.zeros((3, 3)), np.zeros((2, 2)), padding=1.5), "padding must be an int"),
        (
            lambda: conv2d(np.zeros((3, 3), object), np.zeros((2, 2))),
            "image must hold real numbers",
        ),
    ],
)
def test_empty_and_degenerate_inputs_raise(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
