"""Every exercise's check must reject plausible wrong answers, not only the stub's ``...``.

For each lecture the notebook is executed (in the mode CNNCOURSE_QUICK selects) with the
kernel kept alive; then, in that kernel, each wrong answer of ``tests/wrong_answers.py``
runs in place of its exercise's solution, followed by the exercise's check, which must
raise. :func:`wrong_answers_accepted` does the probing on an already executed notebook,
so that the course build can run it inside its own single execution of the course.
(``tools.execution.probe_exercises`` does the same inside nbval's kernel, after running
each stub; the wrong answers therefore set every answer they need themselves.)
"""

from __future__ import annotations

import copy
import runpy
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tools import execution
from tools import make_student as student

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-9]_*.ipynb"))
# tests/ is not a package: read the answers from their file
WRONG_ANSWERS = runpy.run_path(str(Path(__file__).with_name("wrong_answers.py")))["WRONG_ANSWERS"]


def wrong_answers_accepted(client: NotebookClient, nb, answers: list[list[str]]) -> list[str]:
    """Run each wrong answer and then its exercise's check, in the client's live kernel.

    Parameters
    ----------
    client : nbclient.NotebookClient
        A client inside ``setup_kernel()`` whose kernel has executed ``nb``.
    nb : nbformat.NotebookNode
        The executed notebook (its exercise, solution and check cells are found by tag).
    answers : list of list of str
        Per exercise, in notebook order, the wrong answers (code replacing the solution).

    Returns
    -------
    list of str
        One line per defect: a check that passed on a wrong answer, a wrong answer that
        raised by itself (then it tests nothing), or a count of exercises that does not
        match. Empty when every check rejected every wrong answer.
    """
    found = student.exercises(nb)
    if len(found) != len(answers):
        return [f"{len(found)} exercises in the notebook, but wrong answers for {len(answers)}"]
    if any(not wrong for wrong in answers):
        return ["every exercise needs at least one wrong answer"]
    defects = []
    for number, ((_, solution, check), wrong) in enumerate(zip(found, answers, strict=True), start=1):
        for code in wrong:
            cell = copy.deepcopy(nb.cells[solution])
            cell.source = code
            cell.outputs = []
            try:
                client.execute_cell(cell, solution)
            except CellExecutionError as error:
                defects.append(f"exercise {number}: the wrong answer raised {error.ename} itself:\n{code}")
                continue
            try:
                client.execute_cell(copy.deepcopy(nb.cells[check]), check)
            except CellExecutionError:
                continue  # the check rejected it, as it should
            defects.append(f"exercise {number}: the check passed on the wrong answer\n{code}")
    return defects


def execute_and_probe_wrong_answers(path: Path, answers: list[list[str]]) -> list[str]:
    """Execute the notebook with the kernel kept alive, then probe its wrong answers."""
    nb = nbformat.read(path, as_version=4)
    client = execution.client(nb, path.parent)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        return wrong_answers_accepted(client, nb, answers)


def test_every_lecture_has_wrong_answers_for_every_exercise():
    assert sorted(WRONG_ANSWERS) == [path.name for path in NOTEBOOKS]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        answers = WRONG_ANSWERS[path.name]
        assert len(answers) == len(student.exercises(nb)), path.name
        assert all(wrong and all(isinstance(code, str) and code.strip() for code in wrong) for wrong in answers)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_rejects_its_wrong_answers(path):
    defects = execute_and_probe_wrong_answers(path, WRONG_ANSWERS[path.name])
    assert not defects, "\n\n".join(defects)
