"""`make notebooks`' runner: executes, collects headlines, names a failing cell, builds the site."""

import json
from pathlib import Path

import nbformat
import run_notebooks as runner
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

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
    assert "RuntimeError: broken on purpose" in status_page       # the failing cell, named
    executed = nbformat.read(out / "notebooks" / "02_bad.ipynb", as_version=4)
    assert executed.cells[2].outputs[0]["ename"] == "RuntimeError"


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
    )
    assert result.returncode == 1, result.stdout
    assert "the cell wrote to standard error" in result.stdout
    assert "deprecated thing" in result.stdout
    assert "1 failed, 1 passed" in result.stdout
