"""nbval settings for the lecture notebooks, and the record of what nbval executed.

The notebooks run under nbval in lax mode: every cell must execute without error, and
only cells marked ``# NBVAL_CHECK_OUTPUT`` have their output compared. Kernel, time limit
and the standard-error rule come from :mod:`tools.execution`, which ``make notebooks``
uses too: a cell fails if it writes anything to standard error (a warning, a deprecation
notice or a library's log line is something a student would have to ignore). The test run
uses quick mode unless ``CNNCOURSE_QUICK`` is set (``CNNCOURSE_QUICK=0`` for full mode).

nbval is the only executor of the test run. After the last cell of a notebook, while its
kernel is still alive, this file runs each exercise's stub and then its check again (the
check must fail on the stub), then each plausible wrong answer of ``tests/wrong_answers.py``
and the check (it must fail on each), and records the executed notebook in a file under
:data:`tools.execution.RECORDS` (the test run has two processes; see ``conftest.py`` at the
root). ``tests/test_course_build.py`` builds the student copies, the site and the decks from
those records instead of executing the course again.
"""

from __future__ import annotations

import copy
import os
import runpy
import time

import pytest

from cnncourse import config as course_config
from tools import execution
from tools.make_student import exercises
from tools.paths import ROOT

# plausible wrong answers to every exercise, kept out of the notebooks (tests/wrong_answers.py)
_WRONG_FILE = ROOT / "tests" / "wrong_answers.py"
WRONG_ANSWERS = runpy.run_path(str(_WRONG_FILE))["WRONG_ANSWERS"] if _WRONG_FILE.is_file() else {}


def pytest_configure(config):
    # The test run validates the lectures in quick mode, as CI does: full mode trains for
    # most of an hour. `CNNCOURSE_QUICK=0 make test` validates the full-size lectures.
    os.environ.setdefault(course_config.QUICK_ENV, "1")
    option = config.option
    option.nbval_lax = True  # run every cell; compare only marked outputs
    option.nbval_current_env = True  # the kernel of this environment
    option.nbval_cell_timeout = execution.CELL_TIMEOUT
    option.nbval_kernel_startup_timeout = execution.STARTUP_TIMEOUT
    if getattr(option, "nbval_sanitize_with", None) is None:
        option.nbval_sanitize_with = str(ROOT / "notebooks" / "nbval_sanitize.cfg")
    execution.prepare_environment()  # figures drawn, as in make notebooks


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript")


_runs: dict[str, dict] = {}  # notebook name -> outputs per cell, start time, failures


def _is_cell(item) -> bool:
    return hasattr(item, "cell_num") and hasattr(item.parent, "kernel")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not _is_cell(item):
        yield
        return
    run = _runs.setdefault(
        item.parent.path.name, {"start": time.perf_counter(), "outputs": {}, "failed": False}
    )
    outcome = yield
    outputs = getattr(item, "test_outputs", None) or []
    run["outputs"][item.cell_num] = copy.deepcopy(outputs)
    if outcome.excinfo is not None:
        run["failed"] = True
        return
    stderr = execution.stderr_text(outputs)
    if stderr:
        run["failed"] = True
        raise AssertionError(f"the cell wrote to standard error:\n{stderr[:2000]}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # before the notebook's own teardown stops its kernel
    if _is_cell(item) and (nextitem is None or nextitem.parent is not item.parent):
        _record(item.parent)
    yield


def _record(notebook) -> None:
    """Store the executed notebook and probe its exercises in the still-running kernel."""
    run = _runs.pop(notebook.path.name, None)
    if run is None:
        return
    seconds = time.perf_counter() - run["start"]
    nb = copy.deepcopy(notebook.nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    complete = not run["failed"] and len(run["outputs"]) == len(code_cells)
    for number, cell in enumerate(code_cells):
        cell.outputs = run["outputs"].get(number, [])
        cell.execution_count = number + 1 if number in run["outputs"] else None
    probes, wrong_accepted = [], []
    if complete and notebook.kernel is not None and notebook.kernel.is_alive():
        probes, wrong_accepted = execution.probe_exercises(
            notebook.kernel.kc, nb, exercises(nb), WRONG_ANSWERS.get(notebook.path.name)
        )
    record = execution.Executed(
        nb=nb,
        seconds=seconds,
        complete=complete,
        probes=probes,
        source=str(notebook.path),
        wrong_accepted=wrong_accepted,
    )
    execution.save_record(notebook.path.name, record)
