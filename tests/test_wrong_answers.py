"""Every exercise has plausible wrong answers, which its check must reject.

The answers live in ``tests/wrong_answers.py``. They are run where the notebooks are run,
once per test run: ``notebooks/conftest.py`` (under nbval, in each notebook's own kernel
after its last cell) replaces each exercise's solution by each wrong answer and runs the
check, which must fail; ``tests/test_course_build.py`` asserts that none was let through.
This file checks that the answers cover every exercise of every lecture.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import nbformat
import pytest

from tools.make_student import exercises
from tools.paths import lectures

WRONG_ANSWERS = runpy.run_path(str(Path(__file__).with_name("wrong_answers.py")))["WRONG_ANSWERS"]
WITH_EXERCISES = [p for p in lectures() if exercises(nbformat.read(p, as_version=4))]


def test_every_lecture_with_exercises_has_wrong_answers():
    assert sorted(WRONG_ANSWERS) == [path.name for path in WITH_EXERCISES]


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_every_exercise_has_at_least_one_wrong_answer(path):
    answers = WRONG_ANSWERS[path.name]
    assert len(answers) == len(exercises(nbformat.read(path, as_version=4))), (
        "one list per exercise, in order"
    )
    for number, wrong in enumerate(answers, start=1):
        assert wrong, f"exercise {number} has no wrong answer"
        assert all(isinstance(code, str) and code.strip() for code in wrong)
