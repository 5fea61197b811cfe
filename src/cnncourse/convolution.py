"""Discrete convolution in one and two dimensions (both halves, one import).

The code lives in two modules, imported here so that
``from cnncourse.convolution import ...`` reaches all of it:

:mod:`cnncourse.convolution1d`
    ``convolve1d`` (direct sum, Toeplitz matrix, FFT), ``polymul``, ``toeplitz_matrix``.
:mod:`cnncourse.convolution2d`
    ``conv_output_size``, ``im2col``/``col2im``, ``conv2d_im2col``, ``conv2d_loops``,
    ``conv2d`` and ``doubly_block_toeplitz`` on NHWC batches; ``depthwise_conv2d`` and
    ``conv2d_transpose`` (lecture 10).
"""

from cnncourse.convolution1d import METHODS, MODES, convolve1d, polymul, toeplitz_matrix
from cnncourse.convolution2d import (
    col2im,
    conv2d,
    conv2d_im2col,
    conv2d_loops,
    conv2d_transpose,
    conv_output_size,
    conv_transpose_output_size,
    depthwise_conv2d,
    doubly_block_toeplitz,
    im2col,
)

__all__ = [
    "METHODS",
    "MODES",
    "col2im",
    "conv2d",
    "conv2d_im2col",
    "conv2d_loops",
    "conv2d_transpose",
    "conv_output_size",
    "conv_transpose_output_size",
    "convolve1d",
    "depthwise_conv2d",
    "doubly_block_toeplitz",
    "im2col",
    "polymul",
    "toeplitz_matrix",
]
