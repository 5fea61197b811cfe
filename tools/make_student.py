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
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from .paths import BUILD, NOTEBOOKS, lectures, refuse_overwriting_sources

SOLUTION, EXERCISE, CHECK = "solution", "exercise", "check"


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


def make_student(source: Path, out: Path) -> tuple[list[Path], int]:
    """Write the student copy of every notebook in ``source`` to ``out``.

    Returns the written paths and the number of solutions removed. Nothing is written
    unless every notebook passes the checks of :func:`exercises`.
    """
    refuse_overwriting_sources(out)
    if Path(out).resolve() == Path(source).resolve():
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
            copies.append((out / path.name, student_copy(nb)))
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from None
    out.mkdir(parents=True, exist_ok=True)
    for target, nb in copies:
        nbformat.write(nb, target)
    return [target for target, _ in copies], removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=NOTEBOOKS)
    parser.add_argument("--out", type=Path, default=BUILD / "student")
    args = parser.parse_args(argv)
    try:
        written, removed = make_student(args.source, args.out)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{len(written)} student notebooks in {args.out} ({removed} solutions removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
