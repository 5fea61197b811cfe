"""The exercise helper: an unanswered exercise fails with a message that says what to do."""

import numpy as np
import pytest

from cnncourse.exercises import ExerciseNotDone, require


def test_returns_single_answer_unchanged():
    value = np.arange(3)
    assert require(coefficients=value) is value


def test_returns_several_answers_in_order():
    assert require(a=1, b="two", c=None) == (1, "two", None)


def test_stub_raises_naming_every_missing_answer():
    with pytest.raises(ExerciseNotDone, match=r"`left`, `right` are still `...`"):
        require(left=..., right=..., done=1)


def test_not_done_is_an_assertion_error():
    # a check that has not been answered fails like any other failed check
    with pytest.raises(AssertionError, match="Replace the `...`"):
        require(x=...)


@pytest.mark.parametrize("falsy", [0, 0.0, None, "", [], np.zeros(0)])
def test_falsy_answers_count_as_answers(falsy):
    assert require(x=falsy) is falsy


def test_needs_an_answer():
    with pytest.raises(TypeError, match="at least one answer"):
        require()
