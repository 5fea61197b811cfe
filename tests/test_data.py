"""The data layer: look-up order, file checks, and the download path against a local server."""

from __future__ import annotations

import hashlib
import io
import pickle
import socket
import tarfile
from pathlib import Path

import numpy as np
import pytest

from cnncourse import config, data

RNG = np.random.default_rng(0)


def write_mnist_like(path: Path, n_train: int = 12, n_test: int = 5) -> dict[str, np.ndarray]:
    arrays = {
        "x_train": RNG.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": RNG.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": RNG.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": RNG.integers(0, 10, n_test, dtype=np.uint8),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return arrays


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def closed_port_url() -> str:
    with socket.socket() as sock:  # bind, note the port, close: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


# ---------------------------------------------------------------------------- look-up


def test_environment_folder_comes_first(clean_env, monkeypatch, tmp_path):
    shared = tmp_path / "shared"
    expected = write_mnist_like(shared / "mnist.npz", n_train=7)
    write_mnist_like(clean_env / "mnist.npz", n_train=9)  # the cache must lose
    monkeypatch.setenv(config.DATA_ENV, str(shared))
    dataset = data.load_mnist(download=False)
    (x_train, y_train), (x_test, y_test) = dataset
    np.testing.assert_array_equal(x_train, expected["x_train"])
    np.testing.assert_array_equal(y_test, expected["y_test"])
    assert dataset.info.source == config.DATA_ENV
    assert dataset.info.n_train == 7
    assert "7 training and 5 test images of 28x28" in str(dataset.info)


def test_cache_is_used_when_environment_folder_lacks_the_file(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "empty"))
    write_mnist_like(clean_env / "mnist.npz", n_train=9)
    dataset = data.load_mnist(download=False)
    assert dataset.info.source == "download cache"
    assert dataset.info.path == clean_env / "mnist.npz"


def test_missing_file_without_download_names_the_places(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "shared"))
    with pytest.raises(data.DataNotFoundError) as raised:
        data.load_mnist(download=False)
    message = str(raised.value)
    assert "mnist.npz was not found" in message
    assert str(tmp_path / "shared" / "mnist.npz") in message
    assert str(clean_env / "mnist.npz") in message
    assert "CNNCOURSE_DATA" in message
    assert isinstance(raised.value, FileNotFoundError)


@pytest.mark.parametrize(
    "arrays, match",
    [
        ({"x_train": np.zeros((2, 28, 28), np.uint8)}, "lacks the arrays"),
        (
            {
                "x_train": np.zeros((2, 28, 28), np.float32),
                "y_train": np.zeros(2, np.uint8),
                "x_test": np.zeros((1, 28, 28), np.uint8),
                "y_test": np.zeros(1, np.uint8),
            },
            r"x_train should be uint8 of shape \(N, 28, 28\); got float32",
        ),
        (
            {
                "x_train": np.zeros((2, 28, 28), np.uint8),
                "y_train": np.zeros(3, np.uint8),
                "x_test": np.zeros((1, 28, 28), np.uint8),
                "y_test": np.zeros(1, np.uint8),
            },
            "x_train and y_train differ in length",
        ),
    ],
)
def test_malformed_files_are_rejected(clean_env, arrays, match):
    clean_env.mkdir(parents=True)
    np.savez(clean_env / "mnist.npz", **arrays)
    with pytest.raises(data.DataFormatError, match=match):
        data.load_mnist(download=False)


def test_a_file_that_is_not_npz_is_rejected(clean_env):
    clean_env.mkdir(parents=True)
    (clean_env / "mnist.npz").write_text("<html>not found</html>")
    with pytest.raises(data.DataFormatError, match="not a readable .npz"):
        data.load_mnist(download=False)


# ---------------------------------------------------------------------------- download


def test_download_success(http_server, tmp_path):
    served, base = http_server
    payload = RNG.integers(0, 256, 3000, dtype=np.uint8).tobytes()
    (served / "file.bin").write_bytes(payload)
    target = tmp_path / "out" / "file.bin"
    data.download(f"{base}/file.bin", target, hashlib.sha256(payload).hexdigest())
    assert target.read_bytes() == payload
    assert files_in(target.parent) == ["file.bin"]


def test_download_checksum_mismatch_leaves_nothing(http_server, tmp_path):
    served, base = http_server
    (served / "file.bin").write_bytes(b"corrupted bytes")
    target = tmp_path / "out" / "file.bin"
    with pytest.raises(data.ChecksumError, match="expected " + "0" * 64):
        data.download(f"{base}/file.bin", target, "0" * 64)
    assert files_in(target.parent) == []


def test_download_checksum_mismatch_keeps_an_existing_good_file(http_server, tmp_path):
    served, base = http_server
    (served / "file.bin").write_bytes(b"new and wrong")
    target = tmp_path / "file.bin"
    target.write_bytes(b"old and good")
    with pytest.raises(data.ChecksumError):
        data.download(f"{base}/file.bin", target, "0" * 64)
    assert target.read_bytes() == b"old and good"
    assert files_in(tmp_path) == ["file.bin", "served"]


def test_download_http_error(http_server, tmp_path):
    _, base = http_server
    with pytest.raises(data.DownloadError, match="404"):
        data.download(f"{base}/missing.bin", tmp_path / "x.bin", "0" * 64)
    assert files_in(tmp_path) == ["served"]


def test_download_server_down(tmp_path):
    with pytest.raises(data.DownloadError, match="could not download"):
        data.download(closed_port_url(), tmp_path / "x.bin", "0" * 64, timeout=5)
    assert files_in(tmp_path) == []


def test_download_rejects_a_malformed_checksum(tmp_path):
    with pytest.raises(ValueError, match="64 hexadecimal digits"):
        data.download("http://127.0.0.1:1/x", tmp_path / "x", "abc")


def test_load_mnist_downloads_into_the_cache(clean_env, http_server, monkeypatch):
    served, base = http_server
    expected = write_mnist_like(served / "mnist.npz")
    digest = data.sha256sum(served / "mnist.npz")
    monkeypatch.setitem(
        data.SOURCES, "mnist.npz", data.Source(f"{base}/mnist.npz", digest, 0.1, "")
    )
    dataset = data.load_mnist()
    assert dataset.info.source == "downloaded"
    assert files_in(clean_env) == ["mnist.npz"]
    np.testing.assert_array_equal(dataset[0][0], expected["x_train"])
    assert data.load_mnist(download=False).info.source == "download cache"  # now cached


def test_load_mnist_with_server_down_gives_the_clear_error(clean_env, monkeypatch):
    monkeypatch.setitem(data.SOURCES, "mnist.npz", data.Source(closed_port_url(), "0" * 64, 11, ""))
    with pytest.raises(data.DataNotFoundError) as raised:
        data.load_mnist(timeout=5)
    assert "could not be downloaded (could not download" in str(raised.value)
    assert "Put mnist.npz" in str(raised.value)
    assert files_in(clean_env) == []


def test_load_mnist_checksum_mismatch_raises_and_leaves_nothing(
    clean_env, http_server, monkeypatch
):
    served, base = http_server
    write_mnist_like(served / "mnist.npz")
    monkeypatch.setitem(
        data.SOURCES, "mnist.npz", data.Source(f"{base}/mnist.npz", "1" * 64, 0.1, "")
    )
    with pytest.raises(data.ChecksumError):
        data.load_mnist()
    assert files_in(clean_env) == []


def fake_cifar_tarball(path: Path, per_batch: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A tarball in the layout of cifar-10-python.tar.gz with a few images a batch."""
    images, labels = [], []
    with tarfile.open(path, "w:gz") as archive:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            hwc = RNG.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
            rows = hwc.transpose(0, 3, 1, 2).reshape(per_batch, 3072)  # R plane, G, B
            lab = RNG.integers(0, 10, per_batch).tolist()
            blob = pickle.dumps({b"data": rows, b"labels": lab})
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
            images.append(hwc)
            labels.append(lab)
    return np.concatenate(images), np.concatenate(labels)


def test_cifar10_download_is_converted_to_keras_layout(clean_env, http_server, monkeypatch):
    served, base = http_server
    images, labels = fake_cifar_tarball(served / "cifar.tar.gz")
    digest = data.sha256sum(served / "cifar.tar.gz")
    monkeypatch.setitem(
        data.SOURCES, "cifar10.npz", data.Source(f"{base}/cifar.tar.gz", digest, 0.1, "")
    )
    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    np.testing.assert_array_equal(x_train, images[:15])
    np.testing.assert_array_equal(x_test, images[15:])
    assert y_train.shape == (15, 1) and y_test.shape == (3, 1)
    np.testing.assert_array_equal(y_train[:, 0], labels[:15])
    assert files_in(clean_env) == ["cifar10.npz"]  # the tarball is removed


def test_cifar10_tarball_without_batches_is_rejected(tmp_path):
    tarball = tmp_path / "empty.tar.gz"
    with tarfile.open(tarball, "w:gz"):
        pass
    with pytest.raises(data.DataFormatError, match="lacks the CIFAR-10 batches"):
        data.cifar10_npz_from_tarball(tarball, tmp_path / "cifar10.npz")
    assert files_in(tmp_path) == ["empty.tar.gz"]


# ---------------------------------------------------------------------------- digits


def test_digits_split_is_stratified_seeded_and_uint8():
    from sklearn.datasets import load_digits

    (x_train, y_train), (x_test, y_test) = dataset = data.load_digits(seed=1)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert x_train.shape == (1437, 8, 8) and x_test.shape == (360, 8, 8)
    assert dataset.info.source.startswith("scikit-learn")
    # stratified: each class keeps its share of the 20 % test set within one image
    totals = np.bincount(load_digits().target, minlength=10)
    assert np.all(np.abs(np.bincount(y_test, minlength=10) - 0.2 * totals) <= 1)
    # the union is the whole data set, and the split repeats for a seed
    assert x_train.sum(dtype=np.int64) + x_test.sum(dtype=np.int64) == load_digits().images.sum()
    np.testing.assert_array_equal(data.load_digits(seed=1)[1][1], y_test)
    assert not np.array_equal(data.load_digits(seed=2)[1][1], y_test)


@pytest.mark.parametrize("test_size", [0, 1, -0.1, 1.5])
def test_digits_rejects_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size must lie strictly between 0 and 1"):
        data.load_digits(test_size=test_size)


# ---------------------------------------------------------------------------- shared data


SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.mark.skipif(not (SHARED / "mnist.npz").is_file(), reason="no shared data beside the repo")
def test_the_shared_files_have_keras_layout(monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, str(SHARED))
    (x_train, y_train), (x_test, y_test) = mnist = data.load_mnist(download=False)
    assert mnist.info.n_train == 60_000 and mnist.info.n_test == 10_000
    assert list(y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    (cx_train, cy_train), (cx_test, cy_test) = cifar = data.load_cifar10(download=False)
    assert cx_train.shape == (50_000, 32, 32, 3) and cy_test.shape == (10_000, 1)
    assert [data.CIFAR10_CLASSES[i] for i in cy_train[:3, 0]] == ["frog", "truck", "truck"]
    assert cifar.info.source == config.DATA_ENV
