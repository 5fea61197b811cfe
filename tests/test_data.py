"""The data layer: look-up order, file checks, and the download path against a local server."""

from __future__ import annotations

import copy
import hashlib
import io
import os
import pickle
import socket
import socketserver
import tarfile
import threading
import time
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


# ---------------------------------------------------------------------------- damaged files


def good_npz_bytes(tmp_path: Path) -> bytes:
    write_mnist_like(tmp_path / "good" / "mnist.npz", n_train=40)
    return (tmp_path / "good" / "mnist.npz").read_bytes()


def corrupt_in_the_middle(blob: bytes) -> bytes:
    middle = len(blob) // 2  # inside x_train's bytes: the CRC no longer matches
    return blob[:middle] + bytes(b ^ 0xFF for b in blob[middle : middle + 64]) + blob[middle + 64 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: b"",  # empty
        lambda blob: blob[: len(blob) // 2],  # truncated download
        lambda blob: blob[:-30],  # central directory cut
        corrupt_in_the_middle,  # flipped bytes: CRC error
    ],
    ids=["empty", "truncated", "cut-directory", "corrupted"],
)
@pytest.mark.parametrize("where", ["cache", "environment"])
def test_a_damaged_npz_names_the_file_and_says_what_to_do(
    clean_env, monkeypatch, tmp_path, damage, where
):
    folder = clean_env if where == "cache" else tmp_path / "shared"
    if where == "environment":
        monkeypatch.setenv(config.DATA_ENV, str(folder))
    folder.mkdir(parents=True)
    (folder / "mnist.npz").write_bytes(damage(good_npz_bytes(tmp_path)))
    with pytest.raises(data.DataFormatError) as raised:
        data.load_mnist(download=False)
    message = str(raised.value)
    assert str(folder / "mnist.npz") in message
    assert "damaged" in message and "Delete it or replace it" in message


def test_environment_variable_naming_a_file_is_explained(clean_env, monkeypatch, tmp_path):
    write_mnist_like(tmp_path / "shared" / "mnist.npz")
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "shared" / "mnist.npz"))
    with pytest.raises(data.DataLocationError) as raised:
        data.load_mnist(download=False)
    message = str(raised.value)
    assert "is a file, not a folder" in message and "CNNCOURSE_DATA" in message
    assert str(tmp_path / "shared") in message


def test_unwritable_cache_gives_the_course_error(clean_env, http_server, monkeypatch):
    served, base = http_server
    write_mnist_like(served / "mnist.npz")
    digest = data.sha256sum(served / "mnist.npz")
    monkeypatch.setitem(
        data.SOURCES, "mnist.npz", data.Source(f"{base}/mnist.npz", digest, 0.1, "")
    )
    clean_env.mkdir(parents=True)

    def read_only(*args, **kwargs):  # what mkstemp does in a read-only folder (even as root)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(data.tempfile, "mkstemp", read_only)
    with pytest.raises(data.DataNotFoundError) as raised:
        data.load_mnist()
    message = str(raised.value)
    assert f"cannot write into {clean_env} (Permission denied)" in message
    assert "CNNCOURSE_CACHE" in message and "Put mnist.npz" in message
    assert files_in(clean_env) == []


def test_cache_below_a_file_gives_the_course_error(clean_env, http_server, monkeypatch, tmp_path):
    served, base = http_server
    write_mnist_like(served / "mnist.npz")
    digest = data.sha256sum(served / "mnist.npz")
    monkeypatch.setitem(
        data.SOURCES, "mnist.npz", data.Source(f"{base}/mnist.npz", digest, 0.1, "")
    )
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "a-file" / "cache"))
    with pytest.raises(data.DataNotFoundError, match="cannot write into"):
        data.load_mnist()


# ---------------------------------------------------------------------------- bad servers


class _RawHandler(socketserver.BaseRequestHandler):
    reply = staticmethod(lambda sock: None)

    def handle(self):
        self.request.recv(65536)  # the request
        try:
            type(self).reply(self.request)
        except OSError:
            pass  # the client gave up: fine


@pytest.fixture
def raw_server():
    """A 127.0.0.1 server whose reply is written by hand: ``start(reply)`` gives its URL."""
    servers = []

    def start(reply):
        handler = type("Handler", (_RawHandler,), {"reply": staticmethod(reply)})
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/file.bin"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def truncated_chunked(sock):
    sock.sendall(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"10\r\n0123456789abcdef\r\n400\r\nonly a few bytes of a 1024-byte chunk"
    )


def garbage_status_line(sock):
    sock.sendall(b"HELLO THERE\r\n\r\nnot http at all")


def short_content_length(sock):
    sock.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly forty-two bytes of a thousand......"
    )


def trickle(sock):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(200):  # one byte every 50 ms: never idle for a whole read timeout
        sock.sendall(b"x")
        time.sleep(0.05)


@pytest.mark.parametrize(
    "reply, message",
    [
        (truncated_chunked, "IncompleteRead"),
        (garbage_status_line, "BadStatusLine"),
        (short_content_length, "cut off after 40 of 1,000 bytes"),
    ],
)
def test_malformed_replies_raise_download_error_and_leave_nothing(
    raw_server, tmp_path, reply, message
):
    url = raw_server(reply)
    with pytest.raises(data.DownloadError, match=message):
        data.download(url, tmp_path / "out" / "file.bin", "0" * 64, timeout=5)
    assert files_in(tmp_path / "out") == []


def test_a_trickling_server_hits_the_overall_deadline(raw_server, tmp_path):
    url = raw_server(trickle)
    with pytest.raises(data.DownloadError, match="deadline of 0.3 s"):
        data.download(url, tmp_path / "out" / "file.bin", "0" * 64, timeout=5, deadline=0.3)
    assert files_in(tmp_path / "out") == []


def test_an_interrupted_download_leaves_nothing(http_server, tmp_path, monkeypatch):
    served, base = http_server
    (served / "file.bin").write_bytes(b"x" * 5000)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(data.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        data.download(
            f"{base}/file.bin",
            tmp_path / "out" / "file.bin",
            hashlib.sha256(b"x" * 5000).hexdigest(),
        )
    assert files_in(tmp_path / "out") == []


def test_cifar10_download_leaves_a_users_tarball_alone(clean_env, http_server, monkeypatch):
    served, base = http_server
    fake_cifar_tarball(served / "cifar.tar.gz")
    digest = data.sha256sum(served / "cifar.tar.gz")
    monkeypatch.setitem(
        data.SOURCES, "cifar10.npz", data.Source(f"{base}/cifar.tar.gz", digest, 0.1, "")
    )
    clean_env.mkdir(parents=True)
    for name in ("cifar10.tar.gz", "cifar-10-python.tar.gz"):
        (clean_env / name).write_bytes(b"a file of the user's")
    names = []
    real_download = data.download

    def spy(url, destination, *args, **kwargs):
        names.append(Path(destination).name)
        return real_download(url, destination, *args, **kwargs)

    monkeypatch.setattr(data, "download", spy)
    data.load_cifar10()
    data.fetch("cifar10.npz")  # a second download gets another temporary name
    assert len(set(names)) == 2 and all(n.startswith(".cifar-10-python.") for n in names)
    assert files_in(clean_env) == ["cifar-10-python.tar.gz", "cifar10.npz", "cifar10.tar.gz"]
    for name in ("cifar10.tar.gz", "cifar-10-python.tar.gz"):
        assert (clean_env / name).read_bytes() == b"a file of the user's"


def test_a_failed_cifar10_download_leaves_nothing(clean_env, http_server, monkeypatch):
    _, base = http_server
    monkeypatch.setitem(
        data.SOURCES, "cifar10.npz", data.Source(f"{base}/missing.tar.gz", "0" * 64, 0.1, "")
    )
    with pytest.raises(data.DataNotFoundError):
        data.load_cifar10()
    assert files_in(clean_env) == []


# ---------------------------------------------------------------------------- datasets


def test_datasets_can_be_copied_and_pickled(clean_env):
    dataset = data.load_digits()
    for clone in (copy.deepcopy(dataset), pickle.loads(pickle.dumps(dataset)), copy.copy(dataset)):
        assert isinstance(clone, data.Dataset)
        assert clone.info == dataset.info
        for ours, theirs in zip(clone, dataset, strict=True):
            for a, b in zip(ours, theirs, strict=True):
                np.testing.assert_array_equal(a, b)
    deep = copy.deepcopy(dataset)
    assert deep[0][0] is not dataset[0][0]
    assert os.fspath(str(deep.info)) == str(dataset.info)


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
    with pytest.raises(ValueError, match=r"test_size must be a finite real number in \(0, 1\)"):
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


# ---------------------------------------------------------------------------- issue 22: 11, 12, 14


def _npz(path: Path, **changes) -> Path:
    arrays = {
        "x_train": np.zeros((3, 28, 28), np.uint8),
        "y_train": np.array([0, 9, 1], np.uint8),
        "x_test": np.zeros((2, 28, 28), np.uint8),
        "y_test": np.array([2, 3], np.uint8),
    } | changes
    np.savez(path, **arrays)
    return path


MNIST_LAYOUT = data.LAYOUTS["mnist.npz"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"y_train": np.uint8(3)}, r"y_train should be uint8 of shape \(N\)"),
        ({"y_train": np.array([0, 200, 255], np.uint8)}, "class labels 0..9; got labels up to 255"),
        (
            {"x_train": np.zeros((0, 28, 28), np.uint8), "y_train": np.zeros(0, np.uint8)},
            "x_train is empty",
        ),
    ],
)
def test_read_npz_refuses_malformed_arrays(tmp_path, changes, message):
    path = _npz(tmp_path / "mnist.npz", **changes)
    with pytest.raises(data.DataFormatError, match=message):
        data.read_npz(path, MNIST_LAYOUT, n_classes=10)


def test_read_npz_refuses_a_member_that_is_not_npy(tmp_path):
    import zipfile

    path = tmp_path / "mnist.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for key in MNIST_LAYOUT:
            archive.writestr(key, b"not a .npy file")
    with pytest.raises(data.DataFormatError, match="not a readable .npz file"):
        data.read_npz(path, MNIST_LAYOUT)


def test_an_unreadable_file_is_a_permission_problem(tmp_path, monkeypatch):
    """EACCES is simulated: the tests run as root in CI, and root reads any file."""
    path = _npz(tmp_path / "mnist.npz")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data.np, "load", denied)
    with pytest.raises(
        data.DataPermissionError, match="cannot be read: permission denied"
    ) as error:
        data.read_npz(path, MNIST_LAYOUT)
    assert "damaged" not in str(error.value) and "Delete" not in str(error.value)


@pytest.mark.parametrize("timeout", [-1, 0, float("nan"), "60"])
def test_load_mnist_checks_its_timeout(clean_env, timeout):
    with pytest.raises((ValueError, TypeError), match="timeout must be a finite real number > 0"):
        data.load_mnist(timeout=timeout)


def test_download_refuses_a_checksum_that_is_not_hexadecimal(tmp_path):
    with pytest.raises(ValueError, match="sha256 must be 64 hexadecimal digits"):
        data.download("http://127.0.0.1:9/x", tmp_path / "x", "z" * 64)
    assert files_in(tmp_path) == []


def test_a_downloaded_file_gets_the_umask_permissions(http_server, tmp_path):
    served, base = http_server
    (served / "file.bin").write_bytes(b"payload")
    old = os.umask(0o022)
    try:
        path = data.download(
            f"{base}/file.bin", tmp_path / "file.bin", hashlib.sha256(b"payload").hexdigest()
        )
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644  # mkstemp alone gives 0o600


def test_sigterm_during_a_download_leaves_no_part_file(raw_server, tmp_path):
    import subprocess
    import sys

    url = raw_server(trickle)  # 200 bytes over 10 s
    out = tmp_path / "out"
    script = (
        "from cnncourse import data\n"
        f"data.download({url!r}, {str(out / 'mnist.npz')!r}, '0' * 64, timeout=30)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(600):  # until the download has begun
            if any(name.endswith(".part") for name in files_in(out)):
                break
            time.sleep(0.05)
        assert any(name.endswith(".part") for name in files_in(out)), "the download never began"
        process.terminate()  # SIGTERM
        assert process.wait(timeout=30) == 128 + 15
    finally:
        process.kill()
    assert files_in(out) == []


def test_locate_finds_the_first_copy_or_none(clean_env, monkeypatch, tmp_path):
    assert data.locate("mnist.npz") is None
    write_mnist_like(clean_env / "mnist.npz")
    assert data.locate("mnist.npz") == (clean_env / "mnist.npz", "download cache")
    write_mnist_like(tmp_path / "shared" / "mnist.npz")
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "shared"))
    assert data.locate("mnist.npz") == (
        (tmp_path / "shared" / "mnist.npz").resolve(),
        config.DATA_ENV,
    )
