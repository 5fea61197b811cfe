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


# --- the student's workspace: work is never overwritten --------------------------------


def make(*arguments, cwd=ROOT):
    """Run make without letting it rebuild .venv (the test already runs inside it)."""
    import subprocess
    import sys

    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            ".venv/.installed",
            *arguments,
            f"PY={sys.executable}",
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def answer(path, text):
    """Write ``text`` as the answer of the first exercise stub of the notebook at ``path``."""
    nb = nbformat.read(path, as_version=4)
    stub = next(c for c in nb.cells if tagged(c, "exercise"))
    stub.source = text
    nbformat.write(nb, path)


def test_make_student_twice_keeps_the_students_answer(tmp_path):
    work = tmp_path / "my-work"
    first = make("student", f"WORK={work}")
    assert first.returncode == 0, first.stderr
    target = work / "01_convolution_1d.ipynb"
    if not target.exists():
        target = sorted(work.glob("0[1-9]_*.ipynb"))[0]
    answer(target, "my_answer = 42  # worked out by hand")
    edited = target.read_bytes()
    for _ in range(2):
        again = make("student", f"WORK={work}")
        assert again.returncode == 0, again.stderr
        assert target.read_bytes() == edited, "make student replaced the student's answer"
    assert "my_answer = 42" in target.read_text()


def test_a_changed_lecture_goes_beside_a_changed_copy(tmp_path):
    source, work = tmp_path / "source", tmp_path / "work"
    source.mkdir()
    nbformat.write(exercise_notebook(["solution"]), source / "01_x.ipynb")
    said = []
    student.make_student(source, work, say=said.append)
    assert said == []
    answer(work / "01_x.ipynb", "x = 1  # mine")
    mine = (work / "01_x.ipynb").read_bytes()
    student.make_student(source, work, say=said.append)  # the lecture is unchanged
    assert said == [] and (work / "01_x.ipynb").read_bytes() == mine
    assert not (work / "01_x.new.ipynb").exists()

    changed = exercise_notebook(["solution"])
    changed.cells[0].source = "# 01 · x, second edition"
    nbformat.write(changed, source / "01_x.ipynb")
    student.make_student(source, work, say=said.append)
    assert (work / "01_x.ipynb").read_bytes() == mine
    assert "second edition" in (work / "01_x.new.ipynb").read_text()
    assert len(said) == 1 and "01_x.new.ipynb" in said[0] and "your changes" in said[0]


def test_an_unchanged_copy_is_updated_in_place(tmp_path):
    source, work = tmp_path / "source", tmp_path / "work"
    source.mkdir()
    nbformat.write(exercise_notebook(["solution"]), source / "01_x.ipynb")
    student.make_student(source, work)
    changed = exercise_notebook(["solution"])
    changed.cells[0].source = "# 01 · x, second edition"
    nbformat.write(changed, source / "01_x.ipynb")
    student.make_student(source, work)
    assert "second edition" in (work / "01_x.ipynb").read_text()
    assert not (work / "01_x.new.ipynb").exists()


@pytest.mark.parametrize("record", ["missing", "truncated"])
def test_a_copy_without_a_readable_record_counts_as_the_students(tmp_path, record):
    source, work = tmp_path / "source", tmp_path / "work"
    source.mkdir()
    nbformat.write(exercise_notebook(["solution"]), source / "01_x.ipynb")
    work.mkdir()
    (work / "01_x.ipynb").write_text("my own notes")
    if record == "truncated":
        (work / student.MANIFEST).write_text('{"01_x.ipynb": "ab')
    student.make_student(source, work, say=lambda line: None)
    assert (work / "01_x.ipynb").read_text() == "my own notes"
    assert (work / "01_x.new.ipynb").exists()


def test_out_that_is_a_file_is_refused_with_the_courses_error(tmp_path, capsys):
    out = tmp_path / "copies"
    out.write_text("not a folder")
    assert student.main(["--out", str(out)]) == 1
    assert "is a file: give a folder" in capsys.readouterr().err
    assert out.read_text() == "not a folder"


def test_a_folder_in_the_way_is_refused_before_anything_is_written(tmp_path, capsys):
    names = [p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")]
    (tmp_path / sorted(names)[-1]).mkdir()  # the last target: the first ones would be written
    assert student.main(["--out", str(tmp_path)]) == 1
    assert "is a folder, where the student copy" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [sorted(names)[-1]], "nothing written"


def test_the_workspace_is_ignored_outside_build_and_safe_from_make_clean():
    assert student.WORKSPACE == ROOT / "my-work"
    assert "my-work/" in (ROOT / ".gitignore").read_text().splitlines()
    clean = make("-n", "clean")
    assert clean.returncode == 0, clean.stderr
    assert "rm -rf" in clean.stdout and "my-work" not in clean.stdout
    assert "WORK" not in (ROOT / "Makefile").read_text().split("\nclean:")[1]
    dry = make("-n", "student")
    assert "tools.make_student --out my-work" in dry.stdout


def test_make_lab_opens_a_root_that_reaches_lectures_and_workspace():
    import re

    lab = make("-n", "lab")
    assert lab.returncode == 0, lab.stderr
    root = re.search(r"--ServerApp.root_dir=(\S+)", lab.stdout)
    assert root, lab.stdout
    top = (ROOT / root.group(1)).resolve()
    for folder in (ROOT / "notebooks", student.WORKSPACE):
        assert folder.resolve() == top or top in folder.resolve().parents
