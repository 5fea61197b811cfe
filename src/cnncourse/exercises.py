"""Exercise answers and their checks.

Each exercise in a lecture has three cells: an *exercise* cell in which the student's
answer starts as ``...`` (Python's ``Ellipsis``), a *solution* cell (tagged
``solution``; ``make student`` removes it), and a *check* cell that must pass with a
correct answer. The check first calls :func:`require`, so that an answer not yet
given fails with a message that says what to do, rather than with a ``TypeError``
from deep inside NumPy.

>>> threshold = ...
>>> require(threshold=threshold)
Traceback (most recent call last):
...
cnncourse.exercises.ExerciseNotDone: not answered yet: `threshold` is still `...`. Replace the `...` in the exercise cell above with your answer, run that cell, then run this check again.
>>> require(threshold=1.0)
1.0

A check then converts each answer with :func:`answer_int` or :func:`answer_array` before
comparing, so that an answer of the wrong kind (an array where a count belongs, three
numbers where ten belong, an object whose ``==`` always says True) fails with a message
that says what was expected, not with NumPy's "truth value of an array is ambiguous".
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["ExerciseNotDone", "answer_array", "answer_int", "require"]


class ExerciseNotDone(AssertionError):
    """An exercise's answer is still the stub's ``...``."""


def require(**answers):
    """Return the named answers, or raise :class:`ExerciseNotDone` if any is ``...``.

    Parameters
    ----------
    **answers
        The student's answers, by name, as the exercise cell defines them.

    Returns
    -------
    object or tuple
        The single answer, or a tuple of the answers in the order given.

    Raises
    ------
    ExerciseNotDone
        If any answer is ``...`` (the stub's placeholder).
    TypeError
        If no answer is named.
    """
    if not answers:
        raise TypeError("require() needs at least one answer, as name=value")
    missing = [name for name, value in answers.items() if value is Ellipsis]
    if missing:
        names = ", ".join(f"`{name}`" for name in missing)
        verb = "is" if len(missing) == 1 else "are"
        raise ExerciseNotDone(
            f"not answered yet: {names} {verb} still `...`. Replace the `...` in the exercise "
            "cell above with your answer, run that cell, then run this check again."
        )
    values = tuple(answers.values())
    return values[0] if len(values) == 1 else values


def answer_int(value, name: str) -> int:
    """The answer ``value`` as a Python int, or an ``AssertionError`` that says why not.

    Python and NumPy integers are accepted, and floats that are whole numbers (``90 * 50.0``);
    bools, arrays, strings and other objects are refused, so that the comparison that
    follows is between two ints.

    Examples
    --------
    >>> answer_int(4550.0, "dense1_params")
    4550
    >>> answer_int([4550], "dense1_params")
    Traceback (most recent call last):
    ...
    AssertionError: dense1_params must be a whole number (an int); got [4550] (list)
    """
    if isinstance(value, bool | np.bool_):
        ok = False
    elif isinstance(value, numbers.Integral):
        return int(value)
    elif isinstance(value, numbers.Real):
        ok = float(value).is_integer()
    else:
        ok = False
    if not ok:
        text = repr(value)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise AssertionError(
            f"{name} must be a whole number (an int); got {text} ({type(value).__name__})"
        )
    return int(value)


def answer_array(value, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The answer ``value`` as a float64 array of exactly ``shape``, or an ``AssertionError``.

    The shape is checked before any comparison, because NumPy broadcasts: three zeros
    compared with ten expected zeros would otherwise pass.

    Examples
    --------
    >>> answer_array([1, 2], "b", (2,))
    array([1., 2.])
    >>> answer_array(np.zeros(3), "a_saw", (10,))
    Traceback (most recent call last):
    ...
    AssertionError: a_saw must be an array of shape (10,); got shape (3,)
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise AssertionError(
            f"{name} must be an array of numbers of shape {shape}; got {type(value).__name__}"
        ) from error
    if array.shape != tuple(shape):
        raise AssertionError(
            f"{name} must be an array of shape {tuple(shape)}; got shape {array.shape}"
        )
    return array
