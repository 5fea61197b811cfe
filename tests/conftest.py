"""Shared fixtures: a local HTTP server for the download tests, a clean environment.

The course's tools are the package ``tools`` at the repository root (pytest puts the root
on ``sys.path``: ``pythonpath`` in pyproject.toml), so tests import them by name.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading

import pytest
from hypothesis import settings

from cnncourse import config, data

# Property tests: no per-example deadline (a first call can compile or import), and in CI
# (CI=true) a fixed sequence of examples, so that a red run can be replayed exactly.
settings.register_profile("course", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "course")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No CNNCOURSE_* variables, and an empty download cache in a temporary folder."""
    for name in (config.QUICK_ENV, config.DATA_ENV, data.CACHE_ENV):
        monkeypatch.delenv(name, raising=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv(data.CACHE_ENV, str(cache))
    return cache


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def http_server(tmp_path):
    """Serve ``tmp_path / "served"`` on 127.0.0.1; yields ``(folder, base_url)``."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # a short poll: shutdown() waits up to one poll interval (0.5 s by default) per test
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
