"""Student copies of the notebooks, without the worked solutions (``make student``).

Writes ``<out>/NN_name.ipynb`` for every lecture: the notebook exactly as in
``notebooks/``, minus the cells tagged ``solution``. Every exercise keeps its
*exercise* cell (the stub, with ``...`` where the answer goes) and its *check* cell,
which fails until the answer is right. Nothing else changes, so a student copy and
the full notebook differ only by the removed solutions (``tests/test_student.py``).

Every notebook is read and checked before anything is written: tags must be lists of
strings, each solution must sit between its exercise and its check, and a notebook with
exercises must lose at least one solution. The output folder may not be, hold or lie
inside ``notebooks/``.

The default output is the student's workspace, ``my-work/`` (git-ignored, outside
``build/``, so ``make clean`` leaves it alone). Work there is never overwritten: the tool
records a SHA-256 checksum of every copy it writes in ``my-work/.student-copies.json``,
and on the next run a copy whose bytes no longer match is the student's. It is kept as it
is; when the lecture itself has changed, the new version is written beside it as
``NN_name.new.ipynb`` (``.new-2``, ... if that name is taken by a changed file too), with
one line saying so. Every target is checked before anything is written: ``--out`` must be
a folder (or not exist yet), and no target may be a folder.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path

import nbformat

from .paths import (
    NOTEBOOKS,
    ROOT,
    lectures,
    refuse_overwriting_sources,
    shown,
    write_atomically,
)

SOLUTION, EXERCISE, CHECK = "solution", "exercise", "check"
WORKSPACE = ROOT / "my-work"  # the student's own copies: git-ignored, outside build/
MANIFEST = ".student-copies.json"  # name -> SHA-256 of the bytes this tool wrote


def tags(cell) -> list[str]:
    """The cell's tags; ValueError unless they are a list of strings (as Jupyter writes them)."""
    value = cell.get("metadata", {}).get("tags", [])
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise ValueError(f'cell tags must be a list of strings, like ["solution"]; got {value!r}')
    return list(value)


def exercises(nb) -> list[tuple[int, int, int]]:
    """(exercise, solution, check) cell indices of every exercise, in order.

    Raises ValueError if a cell's tags are not a list of strings, if a solution is not
    directly between its exercise cell and its check cell (the student copy would then
    lose the stub or the check), or if exercise cells exist but no solution does.
    """
    found = []
    for index, cell in enumerate(nb.cells):
        try:
            cell_tags = tags(cell)
        except ValueError as error:
            raise ValueError(f"cell {index}: {error}") from None
        if SOLUTION not in cell_tags:
            continue
        before = nb.cells[index - 1] if index else None
        after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if (
            before is None
            or EXERCISE not in tags(before)
            or after is None
            or CHECK not in tags(after)
        ):
            raise ValueError(
                f"cell {index} (tagged {SOLUTION!r}) must sit between a code cell tagged {EXERCISE!r} "
                f"and one tagged {CHECK!r}"
            )
        found.append((index - 1, index, index + 1))
    stubs = sum(EXERCISE in tags(cell) for cell in nb.cells)
    if stubs != len(found):
        raise ValueError(
            f"{stubs} cells are tagged {EXERCISE!r} but {len(found)} solutions follow one"
        )
    return found


def student_copy(nb):
    """A copy of ``nb`` without its solution cells; everything else untouched."""
    exercises(nb)  # refuse a notebook whose exercises would lose their stub or check
    student = copy.deepcopy(nb)
    student.cells = [cell for cell in student.cells if SOLUTION not in tags(cell)]
    return student


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_manifest(out: Path) -> dict[str, str]:
    """The checksums recorded by earlier runs; an unreadable record counts as none.

    With no record every existing copy counts as the student's, so nothing is lost.
    """
    try:
        recorded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(recorded, dict):
        return {}
    return {k: v for k, v in recorded.items() if isinstance(k, str) and isinstance(v, str)}


def _is_ours(path: Path, recorded: dict[str, str]) -> bool:
    """True if ``path`` does not exist or holds exactly the bytes this tool last wrote there."""
    if not path.exists():
        return True
    return recorded.get(path.name) == _sha256(path.read_bytes())


def _beside(target: Path, recorded: dict[str, str]) -> Path:
    """Where the new version of a changed copy goes: NN_name.new.ipynb, or .new-2, ..."""
    stem = target.name.removesuffix(".ipynb")
    for k in range(1, 1000):
        candidate = target.with_name(f"{stem}.new{'' if k == 1 else f'-{k}'}.ipynb")
        if candidate.is_dir():
            continue
        if _is_ours(candidate, recorded):
            return candidate
    raise ValueError(f"{target}: no free name beside it for the new version")  # pragma: no cover


def _check_targets(out: Path, names: list[str]) -> None:
    """Raise ValueError, before anything is written, if ``out`` or a target is in the way."""
    if out.exists() and not out.is_dir():
        raise ValueError(
            f"--out {out} is a file: give a folder for the student copies (the default is my-work/)"
        )
    for name in [*names, MANIFEST]:
        target = out / name
        if target.is_dir():
            raise ValueError(
                f"{target} is a folder, where the student copy {name} would go: "
                "move it away or choose another --out"
            )


def make_student(source: Path, out: Path, say=print) -> tuple[list[Path], int]:
    """Write the student copy of every notebook in ``source`` to ``out``, keeping the student's work.

    Returns the written paths and the number of solutions removed. Nothing is written
    unless every notebook passes the checks of :func:`exercises` and every target is
    free (:func:`_check_targets`). A copy the student changed since this tool wrote it
    is never replaced: if the lecture's copy differs from what was written last time, it
    goes beside the student's (:func:`_beside`) and ``say`` gets one line about it.
    """
    out = Path(out)
    refuse_overwriting_sources(out)
    if out.resolve() == Path(source).resolve():
        raise ValueError(
            f"--out {out} is the source folder: the copies would replace the notebooks"
        )
    paths = lectures(source)
    if not paths:
        raise FileNotFoundError(f"no notebooks in {source}")
    copies, removed = [], 0
    for path in paths:
        try:
            nb = nbformat.read(path, as_version=4)  # validates: tags must be lists of strings
        except Exception as error:
            reason = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise ValueError(f"{path.name}: not a valid notebook: {reason}") from None
        try:
            removed += len(exercises(nb))
            text = nbformat.writes(student_copy(nb))
            copies.append((path.name, (text if text.endswith("\n") else text + "\n").encode()))
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from None
    _check_targets(out, [name for name, _ in copies])
    recorded = _read_manifest(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in copies:
        target = out / name
        if not _is_ours(target, recorded):  # the student's work: keep it
            if recorded.get(name) == _sha256(data) or target.read_bytes() == data:
                continue  # the lecture has not changed since: nothing new to deliver
            beside = _beside(target, recorded)
            if not beside.exists() or beside.read_bytes() != data:
                write_atomically(beside, data)
            recorded[beside.name] = _sha256(data)
            written.append(beside)
            say(f"{shown(target)} has your changes, so the new version is in {beside.name}")
            continue
        if not target.exists() or target.read_bytes() != data:
            write_atomically(target, data)
        recorded[name] = _sha256(data)
        written.append(target)
    write_atomically(
        out / MANIFEST, (json.dumps(recorded, indent=1, sort_keys=True) + "\n").encode()
    )
    return written, removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=NOTEBOOKS)
    parser.add_argument("--out", type=Path, default=WORKSPACE)
    args = parser.parse_args(argv)
    try:
        written, removed = make_student(args.source, args.out)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"{len(written)} student notebooks in {shown(args.out)} ({removed} solutions removed); "
        "copies you changed are kept"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
