"""The checks a student runs before lecture 1 (``notebooks/00_setup.ipynb``).

Each function returns data (a table or a list), never prints, so the notebook shows it
and the tests can check it. The pins come with the package (``cnncourse/requirements.txt``,
a copy of the repository's ``requirements.txt`` that ``make install`` refreshes and a test
keeps equal), so the checks work after a plain ``pip install .`` too. The tools for
tests, lint, the site and JupyterLab are optional: a lecture runs without them.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd
from packaging.requirements import Requirement

from cnncourse import config, data

REQUIREMENTS = Path(__file__).with_name("requirements.txt")  # package data
MIN_PYTHON = (3, 11)
# one TensorFlow stands in for the other: the GPU recipe (tensorflow[and-cuda]) and hosted
# platforms (Colab) have `tensorflow` where the Linux x86-64 pin names `tensorflow-cpu`
ALTERNATIVES = {"tensorflow-cpu": "tensorflow", "tensorflow": "tensorflow-cpu"}


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def required_packages() -> set[str] | None:
    """The normalised names of the course package's own dependencies (not its extras).

    None when the package's metadata cannot be read (then every pin counts as required).
    """
    try:
        declared = metadata.requires("cnncourse") or []
    except metadata.PackageNotFoundError:
        return None
    required = set()
    for line in declared:
        requirement = Requirement(line)
        if requirement.marker is None or "extra" not in str(requirement.marker):
            required.add(_normalised(requirement.name))
    return required


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


def version_table(pins: dict[str, str], required: set[str] | None = None) -> pd.DataFrame:
    """Compare the installed versions with ``pins``: one row a package.

    Columns ``package, pinned, installed, ok, optional``. Where the pinned TensorFlow
    distribution is missing, the other one counts (``ALTERNATIVES``): the GPU build
    ``tensorflow`` at the pinned version is as good as ``tensorflow-cpu``. A package is optional when it
    is not in ``required`` (by default :func:`required_packages`): the test, lint, site
    and JupyterLab tools, which no lecture imports.
    """
    if required is None:
        required = required_packages()
    rows = []
    for name, pinned in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        shown = installed
        if installed is None and name in ALTERNATIVES:
            try:
                installed = metadata.version(ALTERNATIVES[name])
                shown = f"{installed} ({ALTERNATIVES[name]})"
            except metadata.PackageNotFoundError:
                pass
        rows.append(
            {
                "package": name,
                "pinned": pinned,
                "installed": shown or "missing",
                "ok": installed == pinned,
                "optional": required is not None and _normalised(name) not in required,
            }
        )
    return pd.DataFrame(rows, columns=["package", "pinned", "installed", "ok", "optional"])


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
    """A problem for every required package whose version differs from its pin.

    Optional packages (the ``optional`` column) are never a problem, missing or not.
    """
    return [
        Problem(
            f"{row.package} is {row.installed}, the course is tested with {row.pinned}",
            "run `make install` (it installs the pinned versions into .venv), and start "
            "Jupyter with `make lab` so that the notebook uses that environment",
        )
        for row in table.itertuples()
        if not row.ok and not getattr(row, "optional", False)
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
                    "path": config.shown_path(path),
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
