"""The course's data sets, offline first.

Every loader returns ``(x_train, y_train), (x_test, y_test)`` as ``uint8`` arrays in
the layout of ``keras.datasets.*.load_data()``, and carries a :class:`DatasetInfo`
that says where the data came from, so a notebook can state truthfully what it
trained on::

    data = load_mnist()
    (x_train, y_train), (x_test, y_test) = data
    print(data.info)

Where the files are looked for, in this order:

1. the folder named by the environment variable ``CNNCOURSE_DATA``;
2. the course's download cache, ``data/`` in the repository (or ``CNNCOURSE_CACHE``);
3. a download from the address Keras uses, checked against a SHA-256 recorded here.

A download is written to a temporary file beside its destination and renamed only
once its checksum matches, so a failed or corrupt download never leaves a file that
looks complete. With no file and no network the loader raises
:class:`DataNotFoundError`, whose message says which file to put where.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import io
import os
import pickle
import re
import signal
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnncourse._validation import check_bool, check_float, check_int
from cnncourse.config import DATA_ENV, _resolve_folder, settings, shown_path

CACHE_ENV = "CNNCOURSE_CACHE"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
#: The longest a download may take, in seconds, however steadily bytes arrive.
DOWNLOAD_DEADLINE = 3600.0


@dataclass(frozen=True)
class Source:
    """Where a data set is downloaded from when no local copy exists."""

    url: str
    sha256: str
    size_mb: float
    description: str


#: The addresses and checksums Keras uses (``keras.datasets.mnist`` and ``.cifar10``).
SOURCES = {
    "mnist.npz": Source(
        url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        size_mb=11.5,
        description="MNIST as one .npz file",
    ),
    "cifar10.npz": Source(
        url="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        sha256="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
        size_mb=163.0,
        description="the CIFAR-10 python batches, converted here to cifar10.npz",
    ),
}

#: The arrays each file must hold: key -> (trailing shape, i.e. without N).
LAYOUTS = {
    "mnist.npz": {"x_train": (28, 28), "y_train": (), "x_test": (28, 28), "y_test": ()},
    "cifar10.npz": {
        "x_train": (32, 32, 3),
        "y_train": (1,),
        "x_test": (32, 32, 3),
        "y_test": (1,),
    },
}

#: The number of classes of each file's labels (y_train, y_test).
N_CLASSES = {"mnist.npz": 10, "cifar10.npz": 10}

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


class CourseDataError(Exception):
    """Base class of the data layer's errors."""


class DataNotFoundError(CourseDataError, FileNotFoundError):
    """No local copy of a data file, and it could not be downloaded."""


class DownloadError(CourseDataError, OSError):
    """A download failed: no network, server down, or an HTTP error."""


class ChecksumError(CourseDataError, ValueError):
    """A downloaded file did not have the SHA-256 recorded for it."""


class DataFormatError(CourseDataError, ValueError):
    """A data file exists but does not hold the arrays the course expects."""


class DataPermissionError(CourseDataError, PermissionError):
    """A data file exists but this account may not read it."""


class DataLocationError(CourseDataError, NotADirectoryError):
    """``CNNCOURSE_DATA`` or ``CNNCOURSE_CACHE`` names something that is not a folder."""


@dataclass(frozen=True)
class DatasetInfo:
    """Where a data set came from and how big it is."""

    name: str
    source: str
    path: Path | None
    n_train: int
    n_test: int
    image_shape: tuple[int, ...]

    def __str__(self) -> str:
        shape = "x".join(str(s) for s in self.image_shape)
        where = f"{self.source}: {shown_path(self.path)}" if self.path else self.source
        return (
            f"{self.name}: {self.n_train:,} training and {self.n_test:,} test images "
            f"of {shape}, from {where}"
        )


class Dataset(tuple):
    """``((x_train, y_train), (x_test, y_test))`` with an ``info`` attribute."""

    info: DatasetInfo

    def __new__(cls, train, test, info: DatasetInfo):
        self = super().__new__(cls, (tuple(train), tuple(test)))
        self.info = info
        return self

    def __reduce__(self):
        # rebuild through __new__ with all three arguments: copy, deepcopy and pickle
        return (type(self), (self[0], self[1], self.info))


# ---------------------------------------------------------------------------- places


def cache_dir() -> Path:
    """The download cache: ``CNNCOURSE_CACHE``, else ``data/`` of the repository.

    Outside a checkout of the course (a plain ``pip install``) the cache is
    ``~/.cache/cnncourse``.
    """
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return _resolve_folder(override, CACHE_ENV)
    if (REPOSITORY_ROOT / "pyproject.toml").is_file():
        return REPOSITORY_ROOT / "data"
    return Path.home() / ".cache" / "cnncourse"


def search_dirs() -> list[tuple[str, Path]]:
    """The folders searched for data files, in order, with a label for each.

    Raises
    ------
    DataLocationError
        ``CNNCOURSE_DATA`` or ``CNNCOURSE_CACHE`` names an existing file rather than a
        folder (a common slip: the path of ``mnist.npz`` instead of its folder).
    """
    dirs = []
    data_dir = settings().data_dir
    if data_dir is not None:
        dirs.append((DATA_ENV, data_dir))
    dirs.append(("download cache", cache_dir()))
    for label, folder in dirs:
        if folder.exists() and not folder.is_dir():
            variable = DATA_ENV if label == DATA_ENV else CACHE_ENV
            raise DataLocationError(
                f"{folder} ({label}) is a file, not a folder. Set {variable} to the folder "
                f"that holds the data files (perhaps {folder.parent}), or unset it."
            )
    return dirs


def locate(filename: str) -> tuple[Path, str] | None:
    """Return ``(path, label)`` of the first local copy of ``filename``, or None."""
    for label, folder in search_dirs():
        path = folder / filename
        if path.is_file():
            return path, label
    return None


def _not_found_message(filename: str, reason: str) -> str:
    places = "\n".join(f"  - {folder / filename}  ({label})" for label, folder in search_dirs())
    source = SOURCES.get(filename)
    keys = ", ".join(LAYOUTS.get(filename, {})) or "x_train, y_train, x_test, y_test"
    lines = [
        f"{filename} was not found, and it could not be downloaded ({reason}).",
        "Looked in:",
        places,
        f"Put {filename} (a NumPy .npz file with the arrays {keys}) in one of these "
        f"places, or set {DATA_ENV} to the folder that holds it.",
    ]
    if source is not None:
        lines.append(f"With a network connection it is downloaded from {source.url}.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- download


def sha256sum(path: str | os.PathLike) -> str:
    """The SHA-256 of a file, as 64 hexadecimal digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _temporary_file(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """A new, uniquely named file in ``folder``; a clear error if the folder is not writable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
        # mkstemp makes the file 0600; the renamed file gets the permissions any new
        # file would (the umask), so that a cache shared between accounts works
        os.fchmod(handle, 0o666 & ~_umask())
    except OSError as error:  # PermissionError, read-only file system, a file in the way
        raise DownloadError(
            f"cannot write into {folder} ({error.strerror or error}); make it writable, "
            f"set {CACHE_ENV} to a folder you can write to, or put the data file in a "
            f"folder and set {DATA_ENV} to it"
        ) from error
    return handle, Path(name)


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


class _Terminated(BaseException):
    """SIGTERM arrived during a download (raised so that the clean-up runs)."""


@contextlib.contextmanager
def _cleanup_on_sigterm():
    """Turn SIGTERM into an exception while the block runs, then exit with status 143.

    Python's default for SIGTERM ends the process at once, without ``finally`` clauses,
    which would leave the temporary file behind. Only the main thread may set handlers,
    and a handler the program set itself is left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def handler(signum, frame):
        raise _Terminated

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except _Terminated:
        raise SystemExit(128 + signal.SIGTERM) from None  # what the default would give
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


_HEX64 = re.compile(r"[0-9a-fA-F]{64}")


def download(
    url: str,
    destination: str | os.PathLike,
    sha256: str,
    timeout: float = 60,
    deadline: float | None = DOWNLOAD_DEADLINE,
) -> Path:
    """Download ``url`` to ``destination`` atomically, checking its SHA-256.

    The bytes go to a uniquely named temporary file in the destination's folder; only
    when the checksum matches is it renamed to ``destination``. On any failure,
    including an interruption, the temporary file is removed and ``destination`` is
    left as it was.

    Parameters
    ----------
    url : str
    destination : path
    sha256 : str
        64 hexadecimal digits.
    timeout : float
        Seconds to wait for the connection and for each read.
    deadline : float or None
        Seconds the whole download may take (a server trickling a byte now and then
        never trips ``timeout``); None for no limit. It is checked after every read, so
        a download stops at most ``timeout`` seconds after the deadline.

    Raises
    ------
    DownloadError
        The server could not be reached, answered with an error or a malformed or
        truncated reply, the deadline passed, or the destination folder is not writable.
    ChecksumError
        The file arrived but its SHA-256 is not ``sha256``.
    """
    destination = Path(destination)
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise ValueError(f"sha256 must be 64 hexadecimal digits (0-9, a-f); got {sha256!r}")
    timeout = _check_timeout(timeout)
    if deadline is not None:
        deadline = check_float(deadline, "deadline", min_value=0, include_min=False)
    end = None if deadline is None else time.monotonic() + deadline
    with _cleanup_on_sigterm():
        return _download(url, destination, sha256, timeout, deadline, end)


def _check_timeout(timeout) -> float:
    return check_float(timeout, "timeout", min_value=0, include_min=False)


def _download(url, destination: Path, sha256: str, timeout, deadline, end) -> Path:
    handle, tmp = _temporary_file(destination.parent, f".{destination.name}.", ".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as out:
            try:
                wait = timeout if deadline is None else min(timeout, deadline)
                with urllib.request.urlopen(url, timeout=wait) as response:
                    expected = response.headers.get("Content-Length")
                    received = 0
                    while block := response.read1(1 << 16):
                        out.write(block)
                        digest.update(block)
                        received += len(block)
                        if end is not None and time.monotonic() > end:
                            raise DownloadError(
                                f"could not download {url}: not finished after the "
                                f"deadline of {deadline:g} s ({received:,} bytes received)"
                            )
                    if expected is not None and expected.isdigit() and received < int(expected):
                        raise DownloadError(
                            f"could not download {url}: the reply was cut off after "
                            f"{received:,} of {int(expected):,} bytes"
                        )
            except DownloadError:
                raise
            except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
                reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                raise DownloadError(f"could not download {url}: {reason}") from error
        if digest.hexdigest() != sha256.lower():
            raise ChecksumError(
                f"{url} has SHA-256 {digest.hexdigest()}, expected {sha256}; "
                "the download is corrupt or the file changed, and was discarded"
            )
        os.replace(tmp, destination)
        return destination
    finally:
        tmp.unlink(missing_ok=True)


def _save_npz_atomically(destination: Path, **arrays: np.ndarray) -> None:
    handle, tmp = _temporary_file(destination.parent, f".{destination.name}.", ".part")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)
        os.replace(tmp, destination)
    finally:
        tmp.unlink(missing_ok=True)


def cifar10_npz_from_tarball(tarball: str | os.PathLike, destination: str | os.PathLike) -> Path:
    """Convert the CIFAR-10 python tarball into ``cifar10.npz`` in Keras' layout.

    The tarball holds pickled batches of 10,000 rows of 3,072 bytes: 1,024 red, then
    1,024 green, then 1,024 blue pixels, each 32x32 in row order. Keras returns
    them as ``(N, 32, 32, 3)`` images and ``(N, 1)`` labels.
    """
    batches = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            name = Path(member.name).name
            if name.startswith("data_batch_") or name == "test_batch":
                with archive.extractfile(member) as handle:
                    batches[name] = pickle.load(io.BytesIO(handle.read()), encoding="bytes")
    expected = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    missing = [name for name in expected if name not in batches]
    if missing:
        raise DataFormatError(f"{tarball} lacks the CIFAR-10 batches {missing}")

    def images_and_labels(names):
        rows = np.concatenate([np.asarray(batches[n][b"data"], dtype=np.uint8) for n in names])
        labels = np.concatenate([np.asarray(batches[n][b"labels"]) for n in names])
        images = rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return np.ascontiguousarray(images), labels.astype(np.uint8).reshape(-1, 1)

    x_train, y_train = images_and_labels(expected[:5])
    x_test, y_test = images_and_labels(expected[5:])
    destination = Path(destination)
    _save_npz_atomically(
        destination, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
    )
    return destination


def fetch(filename: str, timeout: float = 60) -> Path:
    """Download ``filename`` into the cache (converting CIFAR-10) and return its path."""
    source = SOURCES[filename]
    target = cache_dir() / filename
    if filename == "cifar10.npz":
        # a unique name: never overwrites a user's file, and two downloads at once
        # do not share (and delete) each other's tarball
        handle, tarball = _temporary_file(target.parent, ".cifar-10-python.", ".tar.gz")
        os.close(handle)
        try:
            download(source.url, tarball, source.sha256, timeout)
            return cifar10_npz_from_tarball(tarball, target)
        finally:
            tarball.unlink(missing_ok=True)
    return download(source.url, target, source.sha256, timeout)


# ---------------------------------------------------------------------------- loading


def read_npz(
    path: str | os.PathLike,
    layout: dict[str, tuple[int, ...]],
    n_classes: int | None = None,
) -> dict[str, np.ndarray]:
    """Read the arrays of ``layout`` from an .npz file and check them.

    Every array must be uint8 of shape (N, *trailing) with N > 0, each x and its y of
    one length, and with ``n_classes`` the labels (the keys ``y_*``) below it.

    Raises
    ------
    DataFormatError
        The file is not a readable .npz archive, or an array is missing or malformed.
    DataPermissionError
        The file exists but this account may not read it.
    """
    if n_classes is not None:
        n_classes = check_int(n_classes, "n_classes", min_value=1)
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            if not hasattr(archive, "files"):  # a plain .npy file
                raise DataFormatError(
                    f"{path} is a single array, not a .npz archive of {list(layout)}; "
                    "delete it or replace it with a good copy"
                )
            missing = [key for key in layout if key not in archive.files]
            if missing:
                raise DataFormatError(
                    f"{path} lacks the arrays {missing}; expected keys {list(layout)}"
                )
            arrays = {key: archive[key] for key in layout}
    except DataFormatError:
        raise
    except PermissionError as error:
        raise DataPermissionError(
            f"{path} exists but cannot be read: permission denied for this account. Make it "
            f"readable (chmod a+r {path}), or put a copy in a folder of your own and set "
            f"{DATA_ENV} to that folder."
        ) from error
    except (
        OSError,
        ValueError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
    ) as error:
        reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        hint = " (it is downloaded again if missing)" if path.name in SOURCES else ""
        raise DataFormatError(
            f"{path} is not a readable .npz file: it is empty, truncated or damaged "
            f"({reason}). Delete it or replace it with a good copy{hint}."
        ) from error
    for key, trailing in layout.items():
        array = arrays[key]
        expected = "(N" + "".join(f", {size}" for size in trailing) + ")"
        if not isinstance(array, np.ndarray):  # NumPy returns a member that is no .npy as bytes
            raise DataFormatError(
                f"{path} is not a readable .npz file: its member {key!r} is not a NumPy .npy "
                "array. Delete it or replace it with a good copy."
            )
        if (
            array.dtype != np.uint8
            or array.ndim != 1 + len(trailing)
            or array.shape[1:] != trailing
        ):
            raise DataFormatError(
                f"{path}: {key} should be uint8 of shape {expected}; "
                f"got {array.dtype} {array.shape}"
            )
        if len(array) == 0:
            raise DataFormatError(f"{path}: {key} is empty; expected shape {expected} with N > 0")
        if n_classes is not None and key.startswith("y_") and array.max() >= n_classes:
            raise DataFormatError(
                f"{path}: {key} should hold class labels 0..{n_classes - 1}; "
                f"got labels up to {array.max()}"
            )
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise DataFormatError(f"{path}: x_{split} and y_{split} differ in length")
    return arrays


def _load_file(filename: str, name: str, download_missing: bool, timeout: float) -> Dataset:
    download_missing = check_bool(download_missing, "download")
    timeout = _check_timeout(timeout)
    found = locate(filename)
    if found is None:
        if not download_missing:
            raise DataNotFoundError(_not_found_message(filename, "downloads were turned off"))
        try:
            path, label = fetch(filename, timeout), "downloaded"
        except DownloadError as error:
            raise DataNotFoundError(_not_found_message(filename, str(error))) from error
    else:
        path, label = found
    arrays = read_npz(path, LAYOUTS[filename], N_CLASSES[filename])
    info = DatasetInfo(
        name=name,
        source=label,
        path=path,
        n_train=len(arrays["x_train"]),
        n_test=len(arrays["x_test"]),
        image_shape=arrays["x_train"].shape[1:],
    )
    return Dataset(
        (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"]), info
    )


def load_mnist(download: bool = True, timeout: float = 60) -> Dataset:
    """MNIST: 60,000 training and 10,000 test images of handwritten digits, 28x28.

    Returns
    -------
    Dataset
        ``(x_train, y_train), (x_test, y_test)`` with ``x`` uint8 of shape (N, 28, 28)
        and ``y`` uint8 of shape (N,); ``.info`` says where the file was found.

    Raises
    ------
    DataNotFoundError
        No local ``mnist.npz`` and no download possible; the message says where to
        put the file.
    """
    return _load_file("mnist.npz", "MNIST", download, timeout)


def load_cifar10(download: bool = True, timeout: float = 60) -> Dataset:
    """CIFAR-10: 50,000 training and 10,000 test colour images, 32x32x3, 10 classes.

    Returns
    -------
    Dataset
        ``x`` uint8 of shape (N, 32, 32, 3) and ``y`` uint8 of shape (N, 1), the
        class numbers of :data:`CIFAR10_CLASSES`.
    """
    return _load_file("cifar10.npz", "CIFAR-10", download, timeout)


def load_digits(test_size: float = 0.2, seed: int = 0) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1,797 images), split stratified and seeded.

    The pixel values are integers 0..16 (4-bit grey levels), returned as uint8.
    scikit-learn ships this data set, so it needs neither a file nor a network.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, x_test.shape, int(x_train.max())
    ((1437, 8, 8), (360, 8, 8), 16)
    """
    test_size = check_float(
        test_size, "test_size", min_value=0, max_value=1, include_min=False, include_max=False
    )
    seed = check_int(seed, "seed", min_value=0)
    from sklearn.datasets import load_digits as sklearn_digits
    from sklearn.model_selection import train_test_split

    bunch = sklearn_digits()
    images = bunch.images.astype(np.uint8)
    labels = bunch.target.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        images, labels, test_size=test_size, stratify=labels, random_state=seed
    )
    info = DatasetInfo(
        name="scikit-learn digits",
        source="scikit-learn (bundled with the package)",
        path=None,
        n_train=len(x_train),
        n_test=len(x_test),
        image_shape=images.shape[1:],
    )
    return Dataset((x_train, y_train), (x_test, y_test), info)
