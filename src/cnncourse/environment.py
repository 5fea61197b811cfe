"""The checks a student runs before lecture 1 (``notebooks/00_setup.ipynb``).

Each function returns data (a table or a list), never prints, so the notebook shows it
and the tests can check it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
from packaging.requirements import Requirement

from cnncourse import data

REQUIREMENTS = data.REPOSITORY_ROOT / "requirements.txt"
MIN_PYTHON = (3, 11)


@dataclass(frozen=True)
class Problem:
    """Something wrong with the set-up, and what to do about it."""

    what: str
    fix: str

    def __str__(self) -> str:
        return f"PROBLEM: {self.what}\n    FIX: {self.fix}"


def read_pins(path: str | Path = REQUIREMENTS) -> dict[str, str]:
    """The exact versions ``requirements.txt`` pins for this platform.

    Lines whose environment marker does not hold here (``tensorflow`` on Linux x86-64,
    say) are left out.
    """
    pins = {}
    for raw in Path(path).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        exact = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        if len(exact) != 1:
            raise ValueError(f"{path}: {raw!r} should pin one exact version with ==")
        pins[requirement.name] = exact[0]
    return pins


def version_table(pins: dict[str, str]) -> pd.DataFrame:
    """Compare the installed versions with ``pins``: one row a package.

    Columns ``package, pinned, installed, ok``.
    """
    rows = []
    for name, pinned in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        rows.append(
            {
                "package": name,
                "pinned": pinned,
                "installed": installed or "missing",
                "ok": installed == pinned,
            }
        )
    return pd.DataFrame(rows, columns=["package", "pinned", "installed", "ok"])


def python_problems(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> list[Problem]:
    """A problem if Python is older than the course needs."""
    if tuple(version[:2]) >= MIN_PYTHON:
        return []
    found = ".".join(map(str, version))
    need = ".".join(map(str, MIN_PYTHON))
    return [
        Problem(
            f"Python {found} is older than {need}",
            f"install Python {need} or newer, then run `make clean install`",
        )
    ]


def version_problems(table: pd.DataFrame) -> list[Problem]:
    """A problem for every package whose version differs from its pin."""
    return [
        Problem(
            f"{row.package} is {row.installed}, the course is tested with {row.pinned}",
            "run `make install` (it installs the pinned versions into .venv), and start "
            "Jupyter with `make lab` so that the notebook uses that environment",
        )
        for row in table.itertuples()
        if not row.ok
    ]


def gpu_devices() -> list[str]:
    """Names of the GPUs TensorFlow sees (an empty list on a CPU-only machine)."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_physical_devices("GPU")]


def dataset_table() -> pd.DataFrame:
    """Where each data set will come from, and how big it is.

    Columns ``dataset, file, found_in, path, size_mb``. A file not found locally is
    marked ``download`` with the address it will come from.
    """
    rows = [
        {
            "dataset": "scikit-learn digits",
            "file": "(none)",
            "found_in": "bundled with scikit-learn",
            "path": "",
            "size_mb": 0.0,
        }
    ]
    for filename, name in (("mnist.npz", "MNIST"), ("cifar10.npz", "CIFAR-10")):
        found = data.locate(filename)
        if found is None:
            source = data.SOURCES[filename]
            rows.append(
                {
                    "dataset": name,
                    "file": filename,
                    "found_in": "download",
                    "path": source.url,
                    "size_mb": source.size_mb,
                }
            )
        else:
            path, label = found
            rows.append(
                {
                    "dataset": name,
                    "file": filename,
                    "found_in": label,
                    "path": str(path),
                    "size_mb": round(path.stat().st_size / 1e6, 1),
                }
            )
    return pd.DataFrame(rows)


def dataset_problems(table: pd.DataFrame) -> list[Problem]:
    """Data sets that will be downloaded: a problem only for a machine without network."""
    return [
        Problem(
            f"{row.file} is not on this machine; it will be downloaded ({row.size_mb:.0f} MB) "
            "the first time a lecture needs it",
            f"on a machine without internet, copy {row.file} into data/ or set "
            f"CNNCOURSE_DATA to the folder that holds it",
        )
        for row in table.itertuples()
        if row.found_in == "download"
    ]
