"""Local copies of reveal.js and MathJax for the slides and the course site.

Both come from the Python package index, inside two wheels that ship them as plain
files: ``django-static-mathjax`` (MathJax 3.2.2) and ``sphinx-revealjs`` (reveal.js
5.2.0). The course does not install those packages: it asks pip (the student's own pip,
with the student's index settings) to download the two wheels, checks each against the
SHA-256 recorded below, and keeps them in a cache folder, so that later builds work
offline. The builders copy the few files they need beside the pages they write, so
``build/slides/`` and ``build/site/`` are self-contained: they work from a USB stick in
a lecture hall, and no page asks a CDN for anything.

Where the cache is: ``$CNNCOURSE_WEB_CACHE``, else ``$XDG_CACHE_HOME/cnncourse/web-assets``,
else ``~/.cache/cnncourse/web-assets``. Offline and with an empty cache the site and the
decks are still built, and a single line says which file to put where.

``python -m tools.web_assets`` fills the cache (``make install`` runs it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .paths import ROOT

TEMPLATES = ROOT / "tools" / "templates"
COMMON = TEMPLATES / "course_common"
CACHE_ENV = "CNNCOURSE_WEB_CACHE"
PIP_TIMEOUT = 300  # seconds for one wheel's download


@dataclass(frozen=True)
class WheelAsset:
    """A JavaScript library shipped as plain files inside a wheel on the package index."""

    library: str  # what the pages use
    version: str  # the library's version inside the wheel
    requirement: str  # what pip downloads
    wheel: str  # the wheel's file name
    sha256: str  # of the whole wheel, checked before it is used
    prefix: str  # the library's folder inside the wheel


MATHJAX = WheelAsset(
    library="MathJax",
    version="3.2.2",
    requirement="django-static-mathjax==3.2.2.1",
    wheel="django_static_mathjax-3.2.2.1-py3-none-any.whl",
    sha256="05ad109fd9e5d9d380c76389689b7f523e9ccb7f7a85c1eb962c7564eac7601d",
    prefix="mathjax/static/mathjax/",
)
REVEAL = WheelAsset(
    library="reveal.js",
    version="5.2.0",
    requirement="sphinx-revealjs==3.2.1",
    wheel="sphinx_revealjs-3.2.1-py3-none-any.whl",
    sha256="805bed3ca459346e0f01967d5ed1c40d6b7b917de1541e1e4566c8341fe7017b",
    prefix="sphinx_revealjs/_static/revealjs/",
)
ASSETS = (MATHJAX, REVEAL)

MATHJAX_FILE = "es5/tex-svg-full.js"  # SVG output: no web fonts to fetch
REVEAL_FILES = [
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro/",
    "plugin/notes/notes.js",
]


class AssetsMissing(FileNotFoundError):
    """A wheel holding reveal.js or MathJax is neither cached nor downloadable."""


def cache_dir() -> Path:
    """The folder that keeps the downloaded wheels between builds."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnncourse" / "web-assets"


def sha256sum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(asset: WheelAsset, target: Path) -> None:
    """Download the wheel with pip into a private temporary folder, check it, rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".download-") as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            "--dest",
            tmp,
            asset.requirement,
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AssetsMissing(f"pip could not download {asset.requirement}: {error}") from None
        downloaded = Path(tmp) / asset.wheel
        if done.returncode != 0 or not downloaded.is_file():
            reason = (done.stderr.strip().splitlines() or ["no wheel arrived"])[-1]
            raise AssetsMissing(f"pip could not download {asset.requirement}: {reason}")
        digest = sha256sum(downloaded)
        if digest != asset.sha256:
            raise AssetsMissing(
                f"{asset.wheel} from the package index has SHA-256 {digest}, expected {asset.sha256}: "
                "not used"
            )
        os.replace(downloaded, target)  # atomic: a reader never sees half a wheel


def wheel_path(asset: WheelAsset, download: bool = True) -> Path:
    """The checked wheel in the cache, downloading it first if needed.

    Raises AssetsMissing with one line naming the file and the folder to put it in.
    """
    target = cache_dir() / asset.wheel
    if target.is_file() and sha256sum(target) == asset.sha256:
        return target
    if target.is_file():
        target.unlink()  # damaged or replaced: never used
    problem = "not downloaded (offline?)"
    if download:
        try:
            _download(asset, target)
            return target
        except AssetsMissing as error:
            problem = str(error)
    raise AssetsMissing(
        f"{asset.library} {asset.version} is missing: {problem}. Put {asset.wheel} "
        f"(pip download --no-deps {asset.requirement}) into {target.parent}, or rerun with a network"
    )


def _extract(asset: WheelAsset, members: list[str], target: Path, download: bool) -> None:
    """Copy ``members`` (files, or folders ending in ``/``) of the library into ``target``."""
    with zipfile.ZipFile(wheel_path(asset, download)) as wheel:
        names = wheel.namelist()
        for member in members:
            inside = asset.prefix + member
            chosen = (
                [n for n in names if n.startswith(inside)] if member.endswith("/") else [inside]
            )
            if not chosen or chosen[0] not in names:
                raise AssetsMissing(f"{asset.wheel} has no {member}: a different wheel was cached")
            for name in chosen:
                destination = target / name[len(asset.prefix) :]
                destination.parent.mkdir(parents=True, exist_ok=True)
                with wheel.open(name) as source, open(destination, "wb") as sink:
                    shutil.copyfileobj(source, sink)


def copy_mathjax(assets: Path, download: bool = True) -> str:
    """Copy MathJax's single-file SVG build into ``assets/``; return its URL relative to ``assets/``'s parent.

    Returns ``""`` after printing one line when MathJax cannot be had: the pages then show
    their mathematics as TeX source.
    """
    try:
        _extract(MATHJAX, [MATHJAX_FILE], assets / "mathjax", download)
    except AssetsMissing as error:
        print(f"Math will show as TeX source: {error}", file=sys.stderr)
        return ""
    return f"{assets.name}/mathjax/{MATHJAX_FILE}"


def copy_reveal(assets: Path, download: bool = True) -> str:
    """Copy the parts of reveal.js the decks use into ``assets/reveal.js``; return its prefix.

    Prints one line when reveal.js cannot be had: the decks are then written, but show
    as one long page until the file is there and they are built again.
    """
    try:
        _extract(REVEAL, REVEAL_FILES, assets / "reveal.js", download)
    except AssetsMissing as error:
        print(f"The decks will not work as slides: {error}", file=sys.stderr)
    return f"{assets.name}/reveal.js"


def copy_stylesheet(name: str, assets: Path) -> str:
    """Copy one of the course's style sheets (``course_common/<name>``) into ``assets/``."""
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copy2(COMMON / name, assets / name)
    return f"{assets.name}/{name}"


def main() -> int:
    """Fill the cache; say what is missing in one line each, but never fail the set-up."""
    for asset in ASSETS:
        try:
            print(f"{asset.library} {asset.version}: {wheel_path(asset)}")
        except AssetsMissing as error:
            print(error, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
