"""1-D convolution: FFT against the direct sum, the crossover, exact integer products.

Claims: the FFT route is at least 5x faster than the direct sum at n = 4096;
integer products by FFT are exact up to n = 16384 with coefficients in [-9, 9].
"""

from __future__ import annotations

import numpy as np

from cnncourse.convolution import convolve1d, polymul
from cnncourse.timing import median_time


def run() -> list[tuple[str, bool]]:
    rng = np.random.default_rng(0)
    sizes = [64, 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096]
    print(
        f"   {'n':>5} {'numpy.convolve':>15} {'direct (NumPy)':>15} {'FFT':>10} {'compiled/FFT':>13}"
    )
    ratios = {}
    for n in sizes:
        x, w = rng.normal(size=n), rng.normal(size=n)
        compiled = median_time(lambda: np.convolve(x, w), 9, 0.02)
        shift_add = median_time(lambda: convolve1d(x, w, method="direct"), 5, 0.02)
        fft = median_time(lambda: convolve1d(x, w, method="fft"), 9, 0.02)
        ratios[n] = (compiled / fft, shift_add / fft)
        print(
            f"   {n:5d} {compiled * 1e6:13.1f}us {shift_add * 1e6:13.1f}us {fft * 1e6:8.1f}us "
            f"{compiled / fft:12.2f}x"
        )
    crossover = next((n for n in sizes if ratios[n][0] > 1), None)
    print(f"   crossover: the FFT beats numpy.convolve from n = {crossover} on")

    worst = {}
    exact = True
    for n in (1024, 4096, 16384):
        a, b = rng.integers(-9, 10, n), rng.integers(-9, 10, n)
        reference = np.convolve(a, b)  # integer arithmetic, exact
        worst[n] = np.abs(convolve1d(a, b, method="fft") - reference).max()
        exact &= bool(np.array_equal(polymul(a, b, "fft"), reference))
        print(
            f"   integer product n = {n:5d}: largest distance of FFT value from the exact "
            f"integer {worst[n]:.1e} (rounding is exact below 0.5)"
        )

    compiled_ratio, loop_ratio = ratios[4096]
    return [
        (
            f"FFT {compiled_ratio:.1f}x faster than numpy.convolve at n = 4096 (target >= 5x)",
            compiled_ratio >= 5,
        ),
        (
            f"FFT {loop_ratio:.0f}x faster than the NumPy shift-and-add sum at n = 4096",
            loop_ratio >= 5,
        ),
        (f"crossover with numpy.convolve at n = {crossover}", crossover is not None),
        ("integer FFT products exact up to n = 16384, coefficients in [-9, 9]", exact),
    ]
