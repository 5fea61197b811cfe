"""The lecture-10 speedrun network: epoch time and achieved FLOP rate against this machine's GEMM.

Trains ``cifar10_resnet`` (the speedrun's width and batch) for two epochs over 10,000
CIFAR-10-shaped images with the speedrun's NumPy flip-and-crop augmentation, times the
second epoch (the first pays for tracing), and reports images per second, the time one
epoch of the speedrun's 45,000 training images would take, and the FLOP rate reached in
training (three forward passes per image: one forward, about two for the backward pass) as
a share of the float32 matrix-multiply rate measured in the same run.
"""

from __future__ import annotations

import numpy as np

from benchmarks.cifar10 import gemm_rate
from cnncourse.models import cifar10_resnet, fit_augmented, forward_flops

WIDTH, BATCH = 16, 128


def run() -> list[tuple[str, bool]]:
    """Report only: the lecture prints the same ratio for its full run."""
    rng = np.random.default_rng(0)
    n = 10_000
    x = rng.normal(size=(n, 32, 32, 3)).astype(np.float32)
    y = rng.integers(0, 10, n)
    rate = gemm_rate()
    print(f"   float32 GEMM (tf.matmul 2048^2): {rate / 1e9:.1f} GFLOP/s")
    model = cifar10_resnet(width=WIDTH, steps_per_epoch=-(-n // BATCH), epochs=2)
    logs = fit_augmented(model, x, y, 2, batch_size=BATCH)
    seconds = logs["seconds"][1]
    per_second = n / seconds
    train_flops = 3 * forward_flops(model).flops.sum()
    achieved = train_flops * per_second
    print(
        f"   speedrun network (width {WIDTH}, batch {BATCH}): {per_second:.0f} images/s, "
        f"{45_000 / per_second:.0f} s per epoch of 45,000 images, "
        f"{train_flops / 1e6:.0f} MFLOP per training image"
    )
    print(f"   achieved {achieved / 1e9:.1f} GFLOP/s = {achieved / rate:.0%} of the GEMM rate")
    return []
