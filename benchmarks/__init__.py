"""The course's speed benchmarks (``make bench``).

Each module has a ``run()`` that measures, prints ratios measured in one run (medians of
repeated timings), and returns a list of ``(claim, held)`` pairs. ``python -m benchmarks``
runs them all and exits with status 1 if a claim did not hold on this machine.
"""
