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
"""

from __future__ import annotations

__all__ = ["ExerciseNotDone", "require"]


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
