"""`make notebooks`' runner: executes, collects headlines, names a failing cell, builds the site."""

import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import run_notebooks as runner

ROOT = Path(__file__).resolve().parents[1]


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
