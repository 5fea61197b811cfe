"""Run every benchmark: ``python -m benchmarks [name ...]``."""

from __future__ import annotations

import importlib
import platform
import sys

import cnncourse  # noqa: F401 -- quiet TensorFlow before any benchmark imports it

MODULES = ["convolution1d", "conv2d", "grid", "cifar10", "speedrun"]


def main(names: list[str]) -> int:
    print(
        f"benchmarks on {platform.machine()}, {platform.processor() or 'unknown CPU'}, "
        f"Python {platform.python_version()}\n"
    )
    failed = []
    for name in names or MODULES:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}")
        for claim, held in module.run():
            print(f"   [{'ok' if held else 'MISSED'}] {claim}")
            if not held:
                failed.append(f"{name}: {claim}")
        print()
    if failed:
        print("claims that did not hold on this machine:\n  " + "\n  ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
