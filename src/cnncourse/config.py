"""Quick or full mode, and reproducible seeds.

The course has one switch. ``CNNCOURSE_QUICK=1`` selects *quick mode*: fewer epochs,
smaller grids and data subsets, so that CI can execute every notebook in minutes.
Without it the notebooks run in *full mode*, at the sizes of the real lectures.

A notebook asks for its sizes with :func:`choose`, so both sizes stay visible where
they are used::

    epochs = config.choose(full=100, quick=10)
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

QUICK_ENV = "CNNCOURSE_QUICK"
DATA_ENV = "CNNCOURSE_DATA"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}

T = TypeVar("T")

# The generator the package draws from when a caller passes no ``rng`` (dropout, ...):
# reseeded by set_seed, so that set_seed makes those draws reproducible too.
_generator = None


@dataclass(frozen=True)
class Settings:
    """The active course settings, read from the environment.

    Attributes
    ----------
    quick : bool
        True in quick mode (``CNNCOURSE_QUICK=1``).
    data_dir : pathlib.Path or None
        The folder named by ``CNNCOURSE_DATA``, searched first for data files.
    """

    quick: bool
    data_dir: Path | None

    @property
    def mode(self) -> str:
        """``"quick"`` or ``"full"``."""
        return "quick" if self.quick else "full"

    def describe(self) -> str:
        """One sentence that says which mode is active and how to change it."""
        if self.quick:
            return (
                f"Mode: quick ({QUICK_ENV}=1): fewer epochs, smaller grids and data "
                "subsets, for CI and a first pass. Unset it for the real lecture sizes."
            )
        return (
            "Mode: full: the real lecture sizes (all the data, all the epochs). "
            f"Set {QUICK_ENV}=1 for a quick pass."
        )


def _parse_quick(value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{QUICK_ENV} must be 1 (quick mode) or 0 / unset (full mode); got {value!r}")


def settings() -> Settings:
    """Return the active settings, read from the environment at each call.

    Returns
    -------
    Settings

    Examples
    --------
    >>> settings().mode in ("quick", "full")
    True
    """
    data = os.environ.get(DATA_ENV, "").strip()
    return Settings(
        quick=_parse_quick(os.environ.get(QUICK_ENV, "")),
        data_dir=_resolve_folder(data, DATA_ENV) if data else None,
    )


def _resolve_folder(value: str, variable: str) -> Path:
    """The absolute path that the environment variable ``variable`` (value ``value``)
    names, or :class:`cnncourse.data.DataLocationError` naming the variable when the
    path cannot be resolved (a symbolic link that points to itself, say)."""
    try:
        return Path(value).expanduser().resolve()
    except (RuntimeError, OSError) as error:  # Python 3.11-3.12: RuntimeError for a loop
        from cnncourse.data import DataLocationError  # data imports this module

        raise DataLocationError(
            f"{variable}={value!r} cannot be resolved to a folder ({error}); a symbolic link "
            f"may point to itself. Set {variable} to the folder that holds the data files, "
            "or unset it."
        ) from error


def _repository(start: Path) -> Path | None:
    """The course repository above ``start``: the nearest folder with a ``pyproject.toml``
    beside a ``notebooks/`` folder, or None."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir():
            return folder
    return None


def shown_path(path: str | os.PathLike) -> str:
    """``path`` as a notebook prints it: relative to the course repository, or as ``~/...``.

    A page built from an executed notebook then does not show where it was built. The
    repository is the one this package was installed from (an editable install) or the
    one above the working directory. A path inside it is printed relative to it; one
    beside it (one ``..``: ``../shared/datasets``) relative too; one in the home folder
    as ``~/...``; any other as given.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    str

    Examples
    --------
    >>> from pathlib import Path
    >>> shown_path(Path.home() / "data" / "mnist.npz").replace("\\\\", "/")
    '~/data/mnist.npz'
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
    # as written (a virtual environment's python is a link: keep the link's name), then resolved
    spellings = [Path(os.path.abspath(Path(path).expanduser()))]
    spellings.append(spellings[0].resolve())
    here = Path(__file__).resolve().parents[2]
    repository = here if (here / "notebooks").is_dir() else _repository(Path.cwd().resolve())
    home = Path.home().resolve()
    for candidate in spellings:
        for root in {repository, repository.resolve()} if repository else ():
            try:
                relative = Path(os.path.relpath(candidate, root))
            except ValueError:  # another drive (Windows): no relative path
                continue
            ups = relative.parts.count("..")
            if ups == 0 or (ups == 1 and relative.parts[0] == ".." and len(relative.parts) > 1):
                return relative.as_posix()
    for candidate in spellings:
        for folder in {Path.home(), home}:
            if candidate == folder or folder in candidate.parents:
                return (Path("~") / candidate.relative_to(folder)).as_posix()
    return str(path)


def is_quick() -> bool:
    """True in quick mode."""
    return settings().quick


def choose(full: T, quick: T) -> T:
    """Return ``quick`` in quick mode and ``full`` otherwise.

    Examples
    --------
    >>> choose(full=100, quick=5) in (100, 5)
    True
    """
    return quick if settings().quick else full


def print_mode() -> Settings:
    """Print the active mode (the first line of every notebook) and return the settings."""
    active = settings()
    print(active.describe())
    return active


def rng():
    """The package's random generator, used where a function is given no ``rng``.

    :func:`set_seed` reseeds it, so ``set_seed(0)`` followed by the same calls draws
    the same numbers. Before any ``set_seed`` it is seeded from the operating system.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> set_seed(3); a = rng().random()
    >>> set_seed(3); a == rng().random()
    True
    """
    global _generator
    if _generator is None:
        import numpy as np

        _generator = np.random.default_rng()
    return _generator


def set_seed(seed: int, *, keras: bool | None = None) -> None:
    """Seed Python's ``random``, NumPy's global generator, :func:`rng` and, if asked, Keras.

    Parameters
    ----------
    seed : int
        A non-negative integer.
    keras : bool or None
        Also seed Keras and its backend (``keras.utils.set_random_seed``). ``None``, the
        default, seeds Keras exactly when it is already imported, so that lectures
        without Keras do not pay for importing TensorFlow.

    Notes
    -----
    ``PYTHONHASHSEED`` cannot be changed in a running interpreter; nothing in the course
    depends on the order of a set of strings.
    """
    from cnncourse._validation import check_int

    seed = check_int(seed, "seed", min_value=0)
    random.seed(seed)
    import numpy as np

    global _generator
    np.random.seed(seed)  # noqa: NPY002 -- students' np.random.* calls use this generator
    _generator = np.random.default_rng(seed)
    if keras is None:
        keras = "keras" in sys.modules
    if keras:
        import keras as _keras

        _keras.utils.set_random_seed(seed)
