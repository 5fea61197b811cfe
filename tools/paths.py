"""Where things are: the repository, the lectures, the build folder.

Every tool takes its paths from here, so that the lecture pattern and the folder layout
are written once.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
LECTURE_GLOB = "[0-9][0-9]_*.ipynb"  # 00_setup.ipynb, 01_convolution_..., ...


def lectures(folder: Path = NOTEBOOKS) -> list[Path]:
    """The lecture notebooks in ``folder`` (``NN_name.ipynb``), in course order."""
    return sorted(Path(folder).glob(LECTURE_GLOB))


def refuse_overwriting_sources(out: Path, what: str = "--out") -> None:
    """Raise ValueError if writing into ``out`` could replace the lecture sources.

    ``out`` must not be ``notebooks/``, lie inside it, or contain it (a tool writes its
    notebooks into ``out`` or into ``out/notebooks``).
    """
    target = Path(out).resolve()
    sources = NOTEBOOKS.resolve()
    if target == sources or sources in target.parents or target in sources.parents:
        raise ValueError(
            f"{what} {out} would overwrite the lecture sources in {NOTEBOOKS}: "
            "choose a folder outside notebooks/ (the default is build/)"
        )


def shown(path: Path) -> str:
    """``path`` as a message shows it: relative to the repository, or as ``~/...``, or as given.

    Keeps the build machine's folders out of what the tools print.
    """
    path = Path(path)
    resolved = path.resolve()
    if resolved == ROOT or ROOT in resolved.parents:
        return str(resolved.relative_to(ROOT)) or "."
    home = Path.home().resolve()
    if home in resolved.parents:
        return str(Path("~") / resolved.relative_to(home))
    return str(path)


def machine_folders() -> list[tuple[str, str]]:
    """(folder, what a page shows instead) for this machine's repository, home and temporary folders.

    Longest first, so that a repository inside the home folder reads as relative to the
    repository, not as ``~/...``.
    """
    pairs = {}
    for folder, shown_as in (
        (ROOT, "."),
        (Path.home(), "~"),
        (Path(tempfile.gettempdir()), "$TMPDIR"),
        (Path(os.environ.get("TMPDIR", tempfile.gettempdir())), "$TMPDIR"),
    ):
        for spelling in {str(folder), str(folder.resolve())}:
            if spelling not in ("/", "") and spelling not in pairs:
                pairs[spelling] = shown_as
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


def scrub_paths(text: str) -> str:
    """``text`` with this machine's folders written relative to the repository, as ``~/...``
    or as ``$TMPDIR/...``: what a built page may show of where it was built.

    >>> scrub_paths(str(ROOT / ".venv" / "bin" / "python"))
    '.venv/bin/python'
    """
    for folder, shown_as in machine_folders():
        pattern = re.escape(folder) + r"(?![\w.-])"  # the whole folder name, not a prefix
        if shown_as == ".":  # ROOT/x -> x
            text = re.sub(pattern + r"[/\\]", "", text)
        text = re.sub(pattern, lambda _match, shown_as=shown_as: shown_as, text)
    return text


def write_atomically(target: Path, data: bytes | str) -> None:
    """Write ``data`` (text as UTF-8) to ``target`` through a temporary file in the same
    folder, renamed into place only when complete; the file gets the umask's permissions."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
