"""How the course executes a notebook: one configuration for ``make notebooks`` and the tests.

``make notebooks`` (:mod:`tools.run_notebooks`) runs the lectures with nbclient; ``make test``
runs them under nbval (``notebooks/conftest.py`` applies the settings below to nbval). Both
use the same kernel, the same time limits, the same matplotlib backend and the same rule
that a cell must not write to standard error.
"""

from __future__ import annotations

import inspect
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from tools.paths import BUILD

KERNEL_NAME = "python3"  # the kernel of the environment that runs the tools
CELL_TIMEOUT = 1800  # seconds per cell; full-mode training on a slow laptop
STARTUP_TIMEOUT = 120  # seconds for the kernel to start
# figures always through Jupyter's inline backend: with MPLBACKEND=Agg inherited from the
# shell, plt.show() would draw nothing into the executed notebooks
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# the kernel's own log (a notice about its loopback ports) is not the lecture's
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def prepare_environment() -> None:
    """Set what a lecture kernel inherits from this process (the figure backend)."""
    os.environ["MPLBACKEND"] = INLINE_BACKEND


def client(
    nb: nbformat.NotebookNode, folder: os.PathLike, timeout: int = CELL_TIMEOUT
) -> NotebookClient:
    """An nbclient client that runs ``nb`` with ``folder`` as its working directory."""
    prepare_environment()
    return NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(folder)}},
        extra_arguments=KERNEL_ARGUMENTS,
    )


def stderr_text(outputs) -> str:
    """What a cell's outputs wrote to standard error (empty when it wrote nothing).

    The course's rule: a lecture cell must not write to standard error. A warning, a
    deprecation notice or a library's log line is something a student would have to
    ignore, so it fails the cell in the tests and fails the notebook in ``make notebooks``.
    """
    return "".join(o.get("text", "") for o in outputs or [] if o.get("name") == "stderr")


def first_stderr_cell(nb: nbformat.NotebookNode) -> tuple[int, str]:
    """Index and text of the first code cell that wrote to standard error, or (-1, "")."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            text = stderr_text(cell.get("outputs"))
            if text:
                return index, text
    return -1, ""


@dataclass
class Executed:
    """A notebook as a test run executed it, with what its exercise probes raised."""

    nb: nbformat.NotebookNode
    seconds: float
    complete: bool  # every cell ran, none failed
    probes: list[str] = field(default_factory=list)  # per exercise: the check's error on the stub
    source: str = ""
    wrong_accepted: list[str] = field(default_factory=list)  # wrong answers a check let through


# written by notebooks/conftest.py while nbval runs the lectures, one file per notebook; read
# by the course-build tests, in whichever of the test run's two processes nbval ran it
# (conftest.py at the root schedules the processes)
RECORDS = BUILD / "test-records"


def save_record(name: str, run: Executed, folder: Path = RECORDS) -> Path:
    """Write ``run`` to ``folder/name.pickle`` whole or not at all (a reader never sees half)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pickle"
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_bytes(pickle.dumps(run))
    os.replace(partial, path)
    return path


def wait_for_record(name: str, timeout: float, folder: Path = RECORDS, poll: float = 0.5):
    """The record of notebook ``name``, written by this test process or by the other one;
    waits up to ``timeout`` seconds for it, then raises TimeoutError naming the notebook."""
    path = folder / f"{name}.pickle"
    deadline = time.monotonic() + timeout
    while not path.is_file():
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"no record of {name} in {folder} after {timeout:.0f} s: nbval was to execute "
                "it in the other test process (did that process stop early, e.g. with -x?)"
            )
        time.sleep(poll)
    return pickle.loads(path.read_bytes())


def probe_exercises(kernel_client, nb: nbformat.NotebookNode, exercises, wrong_answers=None):
    """Probe every exercise of an executed notebook in its live kernel.

    ``exercises`` are the (stub, solution, check) cell indices. For each exercise the stub
    runs and then the check, which must fail with ``ExerciseNotDone``; then each wrong
    answer of ``wrong_answers[k]`` (code that takes the solution's place) runs and then the
    check, which must fail too. Returns the error each check raised on its stub, and one
    line per wrong answer that was let through or that raised by itself.
    """
    stubs, defects = [], []
    if wrong_answers is not None and len(wrong_answers) != len(exercises):
        defects.append(f"{len(exercises)} exercises, but wrong answers for {len(wrong_answers)}")
        wrong_answers = None
    for number, (stub, _, check) in enumerate(exercises):
        check_source = nb.cells[check].source
        stubs.append(error_after(kernel_client, [nb.cells[stub].source, check_source]))
        for code in (wrong_answers or [[]] * len(exercises))[number]:
            raised = error_after(kernel_client, [code, check_source])
            if raised == ABORTED:
                defects.append(
                    f"exercise {number + 1}: the kernel aborted the probe of a wrong answer\n{code}"
                )
            elif not raised:
                defects.append(
                    f"exercise {number + 1}: the check passed on the wrong answer\n{code}"
                )
            elif raised.endswith(" in setup"):
                defects.append(
                    f"exercise {number + 1}: the wrong answer raised {raised[:-9]} itself\n{code}"
                )
    return stubs, defects


ABORTED = "aborted by the kernel, not run"


async def _awaited(pending):
    return await pending


def error_after(kernel_client, sources: list[str], timeout: float = CELL_TIMEOUT) -> str:
    """Run ``sources`` in order in a live kernel; the error name the last one raised, or ``""``.

    An earlier source that raises is reported as ``"<ename> in setup"``: the probe then did
    not test what it meant to.
    """
    for position, source in enumerate(sources):
        # stop_on_error=False: after a check has raised, the kernel must not abort the next probe
        msg_id = kernel_client.execute(
            source, allow_stdin=False, store_history=False, stop_on_error=False
        )
        while True:
            reply = kernel_client.get_shell_msg(timeout=timeout)
            if inspect.isawaitable(reply):  # nbclient's asynchronous client (nbval's is blocking)
                reply = run_sync(_awaited)(reply)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") == "aborted":  # never ran: not a result either way
            return ABORTED
        if content.get("status") == "error":
            name = content.get("ename", "Error")
            return name if position == len(sources) - 1 else f"{name} in setup"
    return ""
