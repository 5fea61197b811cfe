"""Headline figures: the one or two numbers a notebook reports.

A notebook calls :func:`headline` for its key result (a test accuracy, a measured
speed-up). The line is printed in a fixed form, so ``make notebooks`` can collect it
from the executed notebook and show it in its summary table.
"""

from __future__ import annotations

import re

PREFIX = "[headline]"
_LINE = re.compile(r"^\[headline\] (?P<label>[^:]+): (?P<value>.+)$")


def headline(label: str, value, fmt: str = "{}") -> None:
    """Print ``[headline] label: value``.

    Examples
    --------
    >>> headline("test accuracy", 0.98125, "{:.3f}")
    [headline] test accuracy: 0.981
    """
    if not label or ":" in label or "\n" in label:
        raise ValueError(f"label must be a non-empty single line without ':'; got {label!r}")
    print(f"{PREFIX} {label}: {fmt.format(value)}")


def parse_headlines(text: str) -> dict[str, str]:
    """Return ``{label: value}`` for every headline line in ``text``.

    Examples
    --------
    >>> parse_headlines("noise\\n[headline] speed-up: 12x\\n")
    {'speed-up': '12x'}
    """
    found = {}
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if match:
            found[match["label"].strip()] = match["value"].strip()
    return found
