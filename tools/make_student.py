"""Student copies of the notebooks, without the worked solutions (``make student``).

Writes ``<out>/NN_name.ipynb`` for every lecture: the notebook exactly as in
``notebooks/``, minus the cells tagged ``solution``. Every exercise keeps its
*exercise* cell (the stub, with ``...`` where the answer goes) and its *check* cell,
which fails until the answer is right. Nothing else changes, so a student copy and
the full notebook differ only by the removed solutions (``tests/test_student.py``).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOLUTION, EXERCISE, CHECK = "solution", "exercise", "check"


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercises(nb) -> list[tuple[int, int, int]]:
    """(exercise, solution, check) cell indices of every exercise, in order.

    Raises ValueError if a solution is not directly between its exercise cell and its
    check cell: the student copy would then lose the stub or the check.
    """
    found = []
    for index, cell in enumerate(nb.cells):
        if SOLUTION not in tags(cell):
            continue
        before = nb.cells[index - 1] if index else None
        after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if before is None or EXERCISE not in tags(before) or after is None or CHECK not in tags(after):
            raise ValueError(
                f"cell {index} (tagged {SOLUTION!r}) must sit between a code cell tagged {EXERCISE!r} "
                f"and one tagged {CHECK!r}"
            )
        found.append((index - 1, index, index + 1))
    return found


def student_copy(nb):
    """A copy of ``nb`` without its solution cells; everything else untouched."""
    exercises(nb)    # refuse a notebook whose exercises would lose their stub or check
    student = copy.deepcopy(nb)
    student.cells = [cell for cell in student.cells if SOLUTION not in tags(cell)]
    return student


def make_student(source: Path, out: Path) -> list[Path]:
    """Write the student copy of every notebook in ``source`` to ``out``; return the paths."""
    paths = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"no notebooks in {source}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        target = out / path.name
        nbformat.write(student_copy(nb), target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    args = parser.parse_args(argv)
    try:
        written = make_student(args.source, args.out)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    removed = sum(len(exercises(nbformat.read(p, as_version=4))) for p in sorted(args.source.glob("[0-9][0-9]_*.ipynb")))
    print(f"{len(written)} student notebooks in {args.out} ({removed} solutions removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
