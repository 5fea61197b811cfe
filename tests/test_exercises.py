"""The exercise helper: an unanswered exercise fails with a message that says what to do."""

import numpy as np
import pytest

from cnncourse.exercises import ExerciseNotDone, answer_array, answer_int, require


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


class AlwaysEqual:
    """An answer that claims to equal anything: a check must not be fooled by it."""

    def __eq__(self, other):
        return True

    __hash__ = None


@pytest.mark.parametrize("value", [100, np.int64(100), 100.0, np.float32(100.0)])
def test_answer_int_accepts_whole_numbers(value):
    assert answer_int(value, "n") == 100 and type(answer_int(value, "n")) is int


@pytest.mark.parametrize(
    "value", [AlwaysEqual(), np.array([100, 4550]), [100], "100", True, 100.5, None]
)
def test_answer_int_refuses_what_is_not_a_whole_number(value):
    with pytest.raises(AssertionError, match="n must be a whole number"):
        answer_int(value, "n")


def test_answer_array_checks_the_shape_before_comparing():
    with pytest.raises(
        AssertionError, match=r"must be an array of shape \(10,\); got shape \(3,\)"
    ):
        answer_array(np.zeros(3), "a_saw", (10,))
    with pytest.raises(AssertionError, match="must be an array of numbers"):
        answer_array(AlwaysEqual(), "a_saw", (10,))
    np.testing.assert_array_equal(answer_array(range(3), "x", (3,)), [0.0, 1.0, 2.0])
