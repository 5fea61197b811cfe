"""Measuring how long code takes: the median of repeated runs.

Timings depend on the machine and on what else it is doing; the course reports them
as medians and compares routes by their *ratio*, measured in one run.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable

from cnncourse._validation import check_float, check_int


def median_time(func: Callable[[], object], repeat: int = 7, min_seconds: float = 0.02) -> float:
    """Median wall-clock seconds of one call of ``func``.

    Each of the ``repeat`` samples times enough calls in a row to last at least
    ``min_seconds`` (so that short calls are not lost in the clock's resolution) and
    divides by their number.

    Examples
    --------
    >>> median_time(lambda: sum(range(100)), repeat=3) > 0
    True
    """
    repeat = check_int(repeat, "repeat", min_value=1)
    min_seconds = check_float(min_seconds, "min_seconds", min_value=0)
    if not callable(func):
        raise TypeError(f"func must be callable; got {func!r}")
    timer = timeit.Timer(func)
    calls = 1
    while timer.timeit(calls) < min_seconds and calls < 1_000_000:
        calls *= 4
    return statistics.median(timer.repeat(repeat, calls)) / calls
