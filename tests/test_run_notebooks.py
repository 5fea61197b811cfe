"""`make notebooks`' runner: executes, collects headlines, names a failing cell, builds the site;
and how the test run shares executed notebooks between its two processes."""

import json
import os
import runpy
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import execution
from tools import run_notebooks as runner
from tools.paths import ROOT, lectures


def write(path: Path, *cells) -> Path:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_runner_reports_headlines_and_names_the_failing_cell(tmp_path, capsys):
    good = write(
        tmp_path / "01_good.ipynb",
        new_markdown_cell("# fine"),
        new_code_cell("from cnncourse.report import headline\nheadline('answer', 42)"),
    )
    bad = write(
        tmp_path / "02_bad.ipynb",
        new_code_cell("x = 1"),
        new_markdown_cell("text"),
        new_code_cell("# a comment first\nraise RuntimeError('broken on purpose')"),
    )
    out = tmp_path / "build"
    assert runner.main([str(good), str(bad), "--out", str(out), "--timeout", "120"]) == 1
    printed = capsys.readouterr().out
    assert "answer: 42" in printed
    assert "02_bad.ipynb FAILED in cell 2 ('# a comment first') raised" in printed
    assert "raised: RuntimeError: broken on purpose" in printed
    status = json.loads((out / "status.json").read_text())
    assert [n["status"] for n in status["notebooks"]] == ["ok", "FAILED"]
    assert status["notebooks"][0]["headlines"] == {"answer": "42"}
    assert "keras" in status["packages"]
    assert (out / "site" / "lectures" / "01_good.html").read_text().count("answer: 42") >= 1
    status_page = (out / "site" / "status.html").read_text()
    assert "answer:</span> 42" in status_page
    assert "RuntimeError: broken on purpose" in status_page  # the failing cell, named
    executed = nbformat.read(out / "notebooks" / "02_bad.ipynb", as_version=4)
    assert executed.cells[2].outputs[0]["ename"] == "RuntimeError"


@pytest.mark.slow
def test_nbval_fails_a_cell_that_writes_to_stderr(tmp_path):
    """notebooks/conftest.py turns any standard-error output into a failure."""
    import shutil
    import subprocess
    import sys

    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    write(
        tmp_path / "noisy.ipynb",
        new_code_cell("import warnings\nwarnings.warn('deprecated thing')"),
        new_code_cell("print('fine')"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-q",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # the conftest imports the course's tools
    )
    assert result.returncode == 1, result.stdout
    assert "the cell wrote to standard error" in result.stdout
    assert "deprecated thing" in result.stdout
    assert "1 failed, 1 passed" in result.stdout


@pytest.mark.slow
def test_a_dead_kernel_or_a_broken_file_is_recorded_and_the_rest_still_run(tmp_path, capsys):
    dies = write(tmp_path / "01_dies.ipynb", new_code_cell("import os\nos._exit(3)"))
    broken = tmp_path / "02_broken.ipynb"
    broken.write_text("{ this is not json")
    fine = write(
        tmp_path / "03_fine.ipynb",
        new_code_cell("from cnncourse.report import headline\nheadline('ran', 1)"),
    )
    out = tmp_path / "build"
    assert (
        runner.main([str(dies), str(broken), str(fine), "--out", str(out), "--timeout", "120"]) == 1
    )
    status = {n["notebook"]: n for n in json.loads((out / "status.json").read_text())["notebooks"]}
    assert (
        status["01_dies.ipynb"]["status"] == "FAILED"
        and "kernel died" in status["01_dies.ipynb"]["detail"]
    )
    assert (
        status["02_broken.ipynb"]["status"] == "FAILED"
        and "not a readable notebook" in status["02_broken.ipynb"]["detail"]
    )
    assert status["03_fine.ipynb"]["status"] == "ok" and status["03_fine.ipynb"]["headlines"] == {
        "ran": "1"
    }


@pytest.mark.slow
def test_a_cell_writing_to_stderr_fails_the_notebook_as_in_the_tests(tmp_path):
    noisy = write(
        tmp_path / "01_noisy.ipynb", new_code_cell("import sys\nprint('careful', file=sys.stderr)")
    )
    out = tmp_path / "build"
    assert runner.main([str(noisy), "--out", str(out), "--timeout", "120"]) == 1
    (entry,) = json.loads((out / "status.json").read_text())["notebooks"]
    assert entry["status"] == "FAILED" and "wrote to stderr: careful" in entry["detail"]


@pytest.mark.parametrize(
    "out",
    [ROOT, ROOT / "notebooks", ROOT / "notebooks" / "sub"],
    ids=["root", "notebooks", "inside"],
)
def test_the_runner_refuses_an_output_folder_that_would_overwrite_the_sources(out, capsys):
    before = {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert runner.main(["--out", str(out)]) == 2
    assert "would overwrite the lecture sources" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_a_record_written_by_one_process_is_read_whole_by_another(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    run = execution.Executed(nb=nb, seconds=1.5, complete=True, probes=["ExerciseNotDone"])
    execution.save_record("01_x.ipynb", run, folder=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["01_x.ipynb.pickle"]  # no partial file left
    assert execution.wait_for_record("01_x.ipynb", timeout=1, folder=tmp_path) == run


def test_waiting_for_a_record_that_never_comes_names_the_notebook(tmp_path):
    with pytest.raises(TimeoutError, match="no record of 03_y.ipynb"):
        execution.wait_for_record("03_y.ipynb", timeout=0.2, folder=tmp_path, poll=0.05)


def test_the_course_build_shares_a_process_with_the_long_lectures():
    schedule = runpy.run_path(str(ROOT / "conftest.py"))
    scope = schedule["scope"]
    course = schedule["COURSE_SCOPE"]
    for workers in (1, 2, 4):
        assert scope("notebooks/10_modern_cnns.ipynb::Cell 3", workers) == course
        assert scope("tests/test_course_build.py::test_slides_build_offline", workers) == course
        assert scope("tests/test_fourier.py::test_x[1]", workers) == "tests/test_fourier.py"
    short = "notebooks/02_fourier_series_square_wave.ipynb::Cell 0"
    assert scope(short, 2) == "notebooks/02_fourier_series_square_wave.ipynb"
    assert scope(short, 1) == course  # one worker: nothing else would execute it
    # the longest lectures share the course's process; the NumPy lectures do not
    long = {p.name for p in lectures() if scope(f"notebooks/{p.name}::Cell 0", 2) == course}
    assert {"06_keras_cnn_digits_and_mnist.ipynb", "10_modern_cnns.ipynb"} <= long
    assert {"01_convolution_and_polynomials.ipynb", "09_cnn_from_scratch.ipynb"}.isdisjoint(long)


# --- never overwrite an input; refuse before running (issue 22, items 7 and 9) ----------


def test_an_output_that_resolves_to_an_input_is_refused(tmp_path, capsys):
    project = tmp_path / "proj"
    (project / "notebooks").mkdir(parents=True)
    mine = write(project / "notebooks" / "01_mine.ipynb", new_markdown_cell("# 01 · mine"))
    before = mine.read_bytes()
    assert runner.main(["--out", str(project), str(mine)]) == 2
    err = capsys.readouterr().err
    assert "would overwrite" in err and "01_mine.ipynb" in err and "an input notebook" in err
    assert mine.read_bytes() == before
    assert not (project / "status.json").exists()


def test_two_inputs_with_the_same_name_are_refused(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder / "01_x.ipynb", new_markdown_cell(f"# 01 · {folder}"))
    out = tmp_path / "out"
    assert (
        runner.main(
            ["--out", str(out), str(tmp_path / "a/01_x.ipynb"), str(tmp_path / "b/01_x.ipynb")]
        )
        == 2
    )
    assert "have the same file name" in capsys.readouterr().err
    assert not out.exists()


def test_out_that_is_a_file_is_refused_with_the_courses_error(tmp_path, capsys):
    out = tmp_path / "out"
    out.write_text("mine")
    nb = write(tmp_path / "01_x.ipynb", new_markdown_cell("# 01 · x"))
    assert runner.main(["--out", str(out), str(nb)]) == 2
    assert "is a file; the executed notebooks go to a folder" in capsys.readouterr().err
    assert out.read_text() == "mine"


def test_status_json_is_replaced_whole_never_rewritten_in_place(tmp_path):
    first = [runner.result(Path("01_x.ipynb"), 1.0, "ok", "")]
    runner.write_status(tmp_path, "quick", first, partial=False)
    with open(tmp_path / "status.json", encoding="utf-8") as reader:  # a reader mid-way
        second = [runner.result(Path("02_y.ipynb"), 2.0, "ok", "")]
        runner.write_status(tmp_path, "quick", second, partial=True)
        old = json.loads(reader.read())  # the file the reader opened is still whole
    assert [e["notebook"] for e in old["notebooks"]] == ["01_x.ipynb"]
    new = json.loads((tmp_path / "status.json").read_text())
    assert [e["notebook"] for e in new["notebooks"]] == ["01_x.ipynb", "02_y.ipynb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status.json"], "no partial file left"
