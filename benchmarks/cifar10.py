"""CIFAR-10 training throughput of the lecture model, and its share of GEMM.

Reports images per second of training for the model of lecture 8 (one epoch over 10,000 images
after a warm-up), the machine's float32 matrix-multiply rate (tf.matmul of 2048 x 2048
matrices), and the share of that rate the training reaches: FLOPs per image (three
forward passes: one forward, about two for the backward pass) times images per second,
over the GEMM rate.
"""

from __future__ import annotations

import time

import numpy as np
import tensorflow as tf

from cnncourse.models import cifar10_cnn, forward_flops
from cnncourse.timing import median_time


def gemm_rate(n: int = 2048) -> float:
    a = tf.random.normal((n, n))
    b = tf.random.normal((n, n))
    seconds = median_time(lambda: tf.matmul(a, b).numpy(), repeat=7)
    return 2 * n**3 / seconds


class _EpochTimer:
    """Keras callback recording the wall time of each epoch."""

    def __new__(cls):
        import keras

        class Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self.start)

        timer = Timer()
        timer.seconds = []
        return timer


def run() -> list[tuple[str, bool]]:
    """Report only: the issue sets no target for these rates."""
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(10_000, 32, 32, 3)).astype(np.float32)
    y = rng.integers(0, 10, 10_000)
    rate = gemm_rate()
    print(f"   float32 GEMM (tf.matmul 2048^2): {rate / 1e9:.1f} GFLOP/s")
    for name, model, batch in [("lecture", cifar10_cnn(), 32)]:
        timer = _EpochTimer()
        # the first epoch pays for tracing and set-up; time the second
        model.fit(x, y, epochs=2, batch_size=batch, verbose=0, callbacks=[timer])
        per_second = len(x) / timer.seconds[1]
        train_flops = 3 * forward_flops(model).flops.sum()
        share = train_flops * per_second / rate
        print(
            f"   {name:>8} model: {per_second:7.0f} images/s, {train_flops / 1e6:6.1f} MFLOP per "
            f"training image, {train_flops * per_second / 1e9:5.1f} GFLOP/s = {share:.0%} of GEMM"
        )
    return []
