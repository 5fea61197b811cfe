"""Local copies of reveal.js and MathJax for the slides and the course site.

``make install`` installs both from the npm registry into ``node_modules/`` (pinned in
``package.json`` and ``package-lock.json``). The builders copy the few files they need
next to the pages they write, so that ``build/slides/`` and ``build/site/`` are
self-contained: they work from a USB stick in a lecture hall with no network, and no
page asks a CDN for anything.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
TEMPLATES = Path(__file__).resolve().parent / "templates"
COMMON = TEMPLATES / "course_common"

MATHJAX_FILE = "tex-svg-full.js"    # SVG output: no web fonts to fetch
REVEAL_FILES = [
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
]


class AssetsMissing(FileNotFoundError):
    """reveal.js or MathJax is not in node_modules/."""


def _package(name: str) -> Path:
    path = NODE_MODULES / name
    if not (path / "package.json").is_file():
        raise AssetsMissing(
            f"{path} is missing: the slides and the site need reveal.js and MathJax from npm. "
            "Run `make install` (it runs `npm ci`; Node.js and npm must be installed)."
        )
    return path


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, dirs_exist_ok=True)
    else:
        shutil.copy2(source, target)


def copy_mathjax(assets: Path) -> str:
    """Copy MathJax's single-file SVG build into ``assets/``; return its path relative to ``assets/``'s parent."""
    _copy(_package("mathjax") / "es5" / MATHJAX_FILE, assets / "mathjax" / MATHJAX_FILE)
    return f"{assets.name}/mathjax/{MATHJAX_FILE}"


def copy_reveal(assets: Path) -> str:
    """Copy the parts of reveal.js the decks use into ``assets/reveal.js``; return its prefix."""
    package = _package("reveal.js")
    for name in REVEAL_FILES:
        _copy(package / name, assets / "reveal.js" / name)
    return f"{assets.name}/reveal.js"


def copy_stylesheet(name: str, assets: Path) -> str:
    """Copy one of the course's style sheets (``course_common/<name>``) into ``assets/``."""
    _copy(COMMON / name, assets / name)
    return f"{assets.name}/{name}"
