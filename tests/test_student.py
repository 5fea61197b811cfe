"""Student copies: the notebooks minus their solutions, every exercise keeping its stub and check.

The executed side of this promise (every check passes with the solution and fails on
the stub) is in tests/test_course_build.py.
"""

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import make_student as student

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
        assert "assert" in check_source, (
            f"check cell {check} must assert something about the answer"
        )
        assert nb.cells[stub - 1].cell_type == "markdown", (
            "the exercise's statement precedes its stub"
        )


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_student_copy_is_the_notebook_minus_its_solutions(path):
    nb = nbformat.read(path, as_version=4)
    copy = student.student_copy(nb)
    kept = [cell for cell in nb.cells if not tagged(cell, "solution")]
    assert copy.cells == kept  # same ids, sources, metadata and order
    assert copy.metadata == nb.metadata
    assert len(nb.cells) - len(copy.cells) == len(student.exercises(nb))
    assert nbformat.validate(copy) is None
    assert nb.cells != copy.cells, "the original is not modified in place"


@pytest.mark.parametrize("out", ["notebooks", "."], ids=["the-sources", "a-folder-holding-them"])
def test_the_output_folder_may_not_be_or_hold_the_sources(out, capsys):
    before = {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert student.main(["--out", str(ROOT / out)]) == 1
    assert "would overwrite the lecture sources" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_out_equal_to_a_custom_source_folder_is_refused(tmp_path):
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 01 · x")]), tmp_path / "01_x.ipynb")
    with pytest.raises(ValueError, match="source folder"):
        student.make_student(tmp_path, tmp_path)


def exercise_notebook(solution_tags):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 01 · x"),
            new_code_cell("x = ...", metadata={"tags": ["exercise"]}),
            new_code_cell("x = 1"),
            new_code_cell("require(x=x)\nassert x == 1", metadata={"tags": ["check"]}),
        ]
    )
    nb.cells[2].metadata["tags"] = solution_tags  # set afterwards: nbformat validates new cells
    return nb


@pytest.mark.parametrize("bad", ["solution", None, 3], ids=["string", "null", "number"])
def test_malformed_tags_are_refused_before_anything_is_written(tmp_path, bad):
    source = tmp_path / "source"
    source.mkdir()
    nbformat.write(exercise_notebook(["solution"]), source / "01_good.ipynb")
    (source / "02_bad.ipynb").write_text(
        json.dumps(exercise_notebook(bad))
    )  # nbformat would refuse it
    with pytest.raises(
        ValueError, match="02_bad.ipynb: cell 2: cell tags must be a list of strings"
    ):
        student.make_student(source, tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing written, not even the good notebook"


@pytest.mark.parametrize("bad", ["solution", None, 3], ids=["string", "null", "number"])
def test_malformed_tags_in_memory_are_refused(bad):
    with pytest.raises(ValueError, match="cell 2: cell tags must be a list of strings"):
        student.student_copy(exercise_notebook(bad))


def test_exercises_without_their_solutions_are_refused():
    nb = exercise_notebook(["not-a-solution"])
    with pytest.raises(ValueError, match="1 cells are tagged 'exercise' but 0 solutions"):
        student.student_copy(nb)


def test_make_student_writes_every_notebook(tmp_path):
    assert student.main(["--out", str(tmp_path)]) == 0
    written = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert written == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for name in written:
        assert not any(
            tagged(c, "solution") for c in nbformat.read(tmp_path / name, as_version=4).cells
        )


@pytest.mark.parametrize(
    "cells",
    [
        [
            new_code_cell("x = ...", metadata={"tags": ["exercise"]}),
            new_code_cell("x = 1", metadata={"tags": ["solution"]}),
        ],
        [
            new_code_cell("x = 1", metadata={"tags": ["solution"]}),
            new_code_cell("assert x", metadata={"tags": ["check"]}),
        ],
        [
            new_markdown_cell("text"),
            new_code_cell("x = 1", metadata={"tags": ["solution"]}),
            new_code_cell("require(x=x)", metadata={"tags": ["check"]}),
        ],
    ],
    ids=["no-check", "no-stub", "markdown-before"],
)
def test_a_solution_without_stub_and_check_is_refused(cells):
    with pytest.raises(ValueError, match="between a code cell tagged 'exercise'"):
        student.student_copy(new_notebook(cells=cells))
