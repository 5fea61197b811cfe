"""Input checks shared by every public function of the package (private).

In the spirit of scikit-learn's ``check_scalar`` and ``check_array``: each check names
the argument, says what was expected and what was given, and returns the value in the
form the caller computes with. A wrong *type* (a string where a number belongs, a
float where an int belongs, an object array) raises ``TypeError``; a value of the
right type outside its range (a negative size, an empty array, a NaN) raises
``ValueError``. Every message reads ``"<name> must be <expected>; got <given>"``.

Internal helpers trust their callers; only the public boundary calls these.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

#: dtype kinds: b bool, i signed int, u unsigned int, f float, c complex.
REAL_KINDS = "biuf"
INTEGER_KINDS = "biu"

_KIND_NAMES = {
    "b": "bool",
    "i": "int",
    "u": "unsigned int",
    "f": "float",
    "c": "complex",
    "O": "object",
    "U": "str",
    "S": "bytes",
}


def _describe(value) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def check_int(
    value,
    name: str,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
) -> int:
    """Return ``value`` as a Python int, or raise.

    ``bool`` is refused (``True`` is not a size); NumPy integers are accepted.

    Examples
    --------
    >>> check_int(3, "n", min_value=1)
    3
    >>> check_int(0, "n", min_value=1)
    Traceback (most recent call last):
    ...
    ValueError: n must be an int >= 1; got 0
    """
    expected = "an int"
    if min_value is not None and max_value is not None:
        expected += f" in [{min_value}, {max_value}]"
    elif min_value is not None:
        expected += f" >= {min_value}"
    elif max_value is not None:
        expected += f" <= {max_value}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {expected}; got {_describe(value)}")
    value = int(value)
    if (min_value is not None and value < min_value) or (
        max_value is not None and value > max_value
    ):
        raise ValueError(f"{name} must be {expected}; got {value}")
    return value


def check_float(
    value,
    name: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    include_min: bool = True,
    include_max: bool = True,
) -> float:
    """Return ``value`` as a finite Python float in the given interval, or raise.

    Examples
    --------
    >>> check_float(0.5, "rate", min_value=0, max_value=1, include_max=False)
    0.5
    >>> check_float("0.5", "rate")
    Traceback (most recent call last):
    ...
    TypeError: rate must be a finite real number; got '0.5' (str)
    """
    low = "" if min_value is None else ("[" if include_min else "(") + f"{min_value:g}"
    high = "" if max_value is None else f"{max_value:g}" + ("]" if include_max else ")")
    if min_value is not None and max_value is not None:
        expected = f"a finite real number in {low}, {high}"
    elif min_value is not None:
        expected = f"a finite real number {'>=' if include_min else '>'} {min_value:g}"
    elif max_value is not None:
        expected = f"a finite real number {'<=' if include_max else '<'} {max_value:g}"
    else:
        expected = "a finite real number"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}; got {_describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    if min_value is not None and (value < min_value or (not include_min and value == min_value)):
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    if max_value is not None and (value > max_value or (not include_max and value == max_value)):
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    return value


def check_choice(value, name: str, choices: Sequence[str], *, ignore_case: bool = False) -> str:
    """Return ``value`` (lower-cased with ``ignore_case``) if it is one of ``choices``.

    Examples
    --------
    >>> check_choice("SAME", "padding", ("valid", "same"), ignore_case=True)
    'same'
    """
    expected = "one of " + ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be {expected}; got {_describe(value)}")
    key = value.lower() if ignore_case else value
    if key not in choices:
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    return key


def check_bool(value, name: str) -> bool:
    """Return ``value`` as a bool; refuse strings, arrays and numbers other than 0/1."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {_describe(value)}")


def check_array(
    values,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    kinds: str = REAL_KINDS,
    allow_empty: bool = False,
    finite: bool = False,
    shape_hint: str | None = None,
) -> np.ndarray:
    """Convert ``values`` to an array and check its dimensions, dtype and content.

    Parameters
    ----------
    values : array_like
    name : str
        The argument's name, for the message.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    kinds : str
        Allowed dtype kinds (``numpy.dtype.kind``); default real numbers, bool included.
    allow_empty : bool
        Whether an array with no elements is accepted.
    finite : bool
        Refuse NaN and infinities.
    shape_hint : str, optional
        The expected shape in words, e.g. ``"(N, H, W, C)"``, for the message.

    Returns
    -------
    numpy.ndarray
        ``numpy.asarray(values)``, no copy where none is needed.

    Examples
    --------
    >>> check_array([[1, 2]], "x", ndim=2).shape
    (1, 2)
    >>> check_array([], "x")
    Traceback (most recent call last):
    ...
    ValueError: x must not be empty; got shape (0,)
    """
    try:
        array = np.asarray(values)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array; got {_describe(values)}") from error
    if array.dtype.kind not in kinds:
        if kinds == REAL_KINDS:
            wanted = "real numbers (a bool, int or float dtype)"
        else:
            wanted = "numbers of dtype " + " or ".join(_KIND_NAMES.get(k, k) for k in kinds)
        raise TypeError(f"{name} must hold {wanted}; got dtype {array.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            dims = " or ".join(str(d) for d in allowed)
            hint = f" of shape {shape_hint}" if shape_hint else ""
            raise ValueError(f"{name} must be a {dims}-D array{hint}; got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    if finite and array.dtype.kind in "fc" and not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers; got NaN or infinity")
    return array


def as_float(array: np.ndarray) -> np.ndarray:
    """Integer, bool and float16 arrays as float64 (nothing overflows at uint8's 255 or
    float16's 65504); float32 and float64 arrays unchanged."""
    if array.dtype.kind in INTEGER_KINDS or array.dtype == np.float16:
        return array.astype(np.float64)
    return array


def check_labels(labels, name: str, n_classes: int, n_examples: int | None = None) -> np.ndarray:
    """Integer class labels in ``[0, n_classes)``, one per example, as int64.

    A column ``(N, 1)`` (Keras' CIFAR-10 layout) is accepted and flattened. Float labels
    that are whole numbers are refused all the same: labels are class indices.

    Examples
    --------
    >>> check_labels([2, 0], "labels", 3, n_examples=2)
    array([2, 0])
    >>> check_labels([-1, 0], "labels", 3)
    Traceback (most recent call last):
    ...
    ValueError: labels must be class indices in [0, 3); got values from -1 to 0
    """
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer class indices; got dtype {array.dtype}")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D array of class indices, one per example; got shape {array.shape}"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {array.shape}")
    if n_examples is not None and len(array) != n_examples:
        raise ValueError(f"{name} must hold one label per example ({n_examples}); got {len(array)}")
    if array.size and (array.min() < 0 or array.max() >= n_classes):
        raise ValueError(
            f"{name} must be class indices in [0, {n_classes}); "
            f"got values from {array.min()} to {array.max()}"
        )
    return array.astype(np.int64)
