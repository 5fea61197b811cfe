"""Student copies: the notebooks minus their solutions, every exercise keeping its stub and check.

The executed side of this promise (every check passes with the solution and fails on
the stub) is in tests/test_course_build.py.
"""

from pathlib import Path

import make_student as student
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb"))


def tagged(cell, tag):
    return tag in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_each_exercise_is_stub_solution_check(path):
    nb = nbformat.read(path, as_version=4)
    found = student.exercises(nb)
    assert 2 <= len(found) <= 4
    for stub, _, check in found:
        stub_source, check_source = nb.cells[stub].source, nb.cells[check].source
        assert "..." in stub_source, f"the stub of cell {stub} leaves `...` for the answer"
        assert "require(" in check_source, f"check cell {check} calls require() on the answers"
        assert "assert" in check_source, f"check cell {check} must assert something about the answer"
        assert nb.cells[stub - 1].cell_type == "markdown", "the exercise's statement precedes its stub"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_student_copy_is_the_notebook_minus_its_solutions(path):
    nb = nbformat.read(path, as_version=4)
    copy = student.student_copy(nb)
    kept = [cell for cell in nb.cells if not tagged(cell, "solution")]
    assert copy.cells == kept                    # same ids, sources, metadata and order
    assert copy.metadata == nb.metadata
    assert len(nb.cells) - len(copy.cells) == len(student.exercises(nb))
    assert nbformat.validate(copy) is None
    assert nb.cells != copy.cells, "the original is not modified in place"


def test_make_student_writes_every_notebook(tmp_path):
    assert student.main(["--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for name in written:
        assert not any(tagged(c, "solution") for c in nbformat.read(tmp_path / name, as_version=4).cells)


@pytest.mark.parametrize(
    "cells",
    [
        [new_code_cell("x = ...", metadata={"tags": ["exercise"]}), new_code_cell("x = 1", metadata={"tags": ["solution"]})],
        [new_code_cell("x = 1", metadata={"tags": ["solution"]}), new_code_cell("assert x", metadata={"tags": ["check"]})],
        [new_markdown_cell("text"), new_code_cell("x = 1", metadata={"tags": ["solution"]}),
         new_code_cell("require(x=x)", metadata={"tags": ["check"]})],
    ],
    ids=["no-check", "no-stub", "markdown-before"],
)
def test_a_solution_without_stub_and_check_is_refused(cells):
    with pytest.raises(ValueError, match="between a code cell tagged 'exercise'"):
        student.student_copy(new_notebook(cells=cells))
