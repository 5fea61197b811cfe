"""The sweep of issues 14 and 22: every public callable of the package fed wrong ndims, empty arrays, NaN/inf, integer, bool, complex and
object dtypes, lists, zero, negative and non-integer sizes, strings and None.

For each call exactly one argument of a valid call is spoiled. The function must then
either return what it returns on the same values in float64 (int64 for labels), or raise
``ValueError``/``TypeError`` whose message names one of its arguments. Any other
exception (IndexError, ZeroDivisionError, AttributeError, a reshape error), a silent
answer that differs from the float64 one, or a message that does not say which argument
is wrong fails the sweep.

The list is complete by construction: :func:`public_callables` enumerates every public
function and class of every module (``__all__`` where a module has one, else the public
names it defines), and each must be covered by a case here or be listed in ``EXEMPT``
with the test file that probes its bad input instead (which must name it). A new public
function without either fails ``test_every_public_callable_has_an_entry``.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cnncourse
from cnncourse import convolution, fourier, grid, layers, models, oscillator, scratch

ARRAY, LABELS, SIZE, COUNT, POSITIVE, REAL, CHOICE, SHAPE, FLAG, PADDING = (
    "array labels size count positive real choice shape flag padding".split()
)

RNG = np.random.default_rng(0)


def small(*shape) -> np.ndarray:
    """Integer-valued floats, so that every integer dtype represents them (or wraps)."""
    return RNG.integers(-3, 4, shape).astype(np.float64)


@dataclasses.dataclass
class Case:
    name: str
    call: Callable
    args: dict  # argument name -> (kind, valid value)
    names: tuple[str, ...] = ()  # further names a message may use (wrapped arguments)
    optional: tuple[str, ...] = ()  # arguments for which None is a valid value
    slow: bool = False
    covers: tuple = ()  # the public callables probed (default: ``call`` itself)

    def covered(self) -> set[str]:
        return {key(target) for target in (self.covers or (self.call,))}


def key(obj) -> str:
    """``module.name`` of a public callable, e.g. ``"layers.batch_norm"``."""
    return f"{obj.__module__.removeprefix('cnncourse.')}.{obj.__qualname__}"


def _digits(n=6):
    x = RNG.uniform(0, 1, (n, 8, 8))
    y = np.arange(n) % 10
    return x, y


_WEIGHTS = None


def weights():
    global _WEIGHTS
    if _WEIGHTS is None:
        from cnncourse.models import initial_weights

        _WEIGHTS = {k: v.astype(np.float64) for k, v in initial_weights(0).items()}
    return _WEIGHTS


def lecture_network():
    w = weights()
    return scratch.Sequential(
        [
            scratch.Conv2D(w["conv_kernel"], w["conv_bias"]),
            scratch.ReLU(),
            scratch.MaxPool2D(2),
            scratch.Flatten(),
            scratch.Dense(w["hidden_kernel"], w["hidden_bias"]),
        ]
    )


def _conv_forward(kernel, bias, x, stride, padding):
    return scratch.Conv2D(kernel, bias, stride, padding).forward(x)


def _numerical_gradient(x, eps):
    return scratch.numerical_gradient(lambda: float(np.sum(np.asarray(x) ** 2)), x, eps)


def _fused_fit(x, y, learning_rates, l2_factors, epochs, batch_size):
    result = grid.fused_fit(
        x, y, learning_rates, l2_factors, weights(), epochs, batch_size, shuffle_seed=None
    )
    return result.weights["out_bias"], result.loss


def _grid_search(x_train, y_train, learning_rates, l2_factors, epochs):
    results = grid.grid_search(
        x_train, y_train, x_train, y_train, learning_rates, l2_factors, epochs, progress=False
    )
    return results.drop(columns=["diverged"])


def _batch_norm_layer(channels, momentum, eps, x, training):
    layer = scratch.BatchNorm2D(channels, momentum, eps)
    y = layer.forward(x, training)
    dx = layer.backward(np.ones_like(y))
    return y, dx, layer.running_mean, layer.running_var


X4 = small(2, 5, 5, 2)
CASES = [
    # ---------------------------------------------------------------- convolution
    Case(
        "convolve1d",
        convolution.convolve1d,
        {
            "x": (ARRAY, small(5)),
            "w": (ARRAY, small(3)),
            "mode": (CHOICE, "same"),
            "method": (CHOICE, "direct"),
        },
    ),
    Case(
        "convolve1d-fft",
        lambda x, w: convolution.convolve1d(x, w, method="fft"),
        {"x": (ARRAY, small(4)), "w": (ARRAY, small(6))},
        covers=(convolution.convolve1d,),
    ),
    Case(
        "polymul",
        convolution.polymul,
        {"a": (ARRAY, small(4)), "b": (ARRAY, small(3)), "method": (CHOICE, "toeplitz")},
    ),
    Case("toeplitz_matrix", convolution.toeplitz_matrix, {"w": (ARRAY, small(3)), "n": (SIZE, 4)}),
    Case(
        "conv_output_size",
        convolution.conv_output_size,
        {
            "n": (SIZE, 9),
            "k": (SIZE, 3),
            "stride": (SIZE, 2),
            "padding": (PADDING, 1),
            "dilation": (SIZE, 2),
        },
    ),
    Case(
        "im2col",
        convolution.im2col,
        {
            "x": (ARRAY, X4),
            "kh": (SIZE, 2),
            "kw": (SIZE, 3),
            "stride": (SIZE, 1),
            "padding": (PADDING, "same"),
            "dilation": (SIZE, 1),
        },
    ),
    Case(
        "col2im",
        convolution.col2im,
        {
            "columns": (ARRAY, small(2 * 4 * 3, 2 * 3 * 2)),
            "x_shape": (SHAPE, (2, 5, 5, 2)),
            "kh": (SIZE, 2),
            "kw": (SIZE, 3),
            "stride": (SIZE, 1),
            "padding": (PADDING, 0),
        },
    ),
    Case(
        "conv2d_im2col",
        convolution.conv2d_im2col,
        {
            "x": (ARRAY, X4),
            "w": (ARRAY, small(3, 2, 2, 4)),
            "b": (ARRAY, small(4)),
            "stride": (SIZE, 2),
            "padding": (PADDING, "same"),
            "dilation": (SIZE, 1),
        },
        optional=("b",),
    ),
    Case(
        "conv2d_loops",
        convolution.conv2d_loops,
        {
            "x": (ARRAY, small(1, 4, 4, 2)),
            "w": (ARRAY, small(2, 2, 2, 2)),
            "b": (ARRAY, small(2)),
            "stride": (SIZE, 1),
            "padding": (PADDING, "valid"),
        },
        optional=("b",),
    ),
    Case(
        "conv2d",
        convolution.conv2d,
        {
            "image": (ARRAY, small(5, 6)),
            "kernel": (ARRAY, small(2, 3)),
            "stride": (SIZE, 1),
            "padding": (PADDING, 1),
            "flip": (FLAG, True),
        },
    ),
    Case(
        "doubly_block_toeplitz",
        convolution.doubly_block_toeplitz,
        {"kernel": (ARRAY, small(2, 2)), "input_shape": (SHAPE, (3, 4))},
    ),
    Case(
        "depthwise_conv2d",
        convolution.depthwise_conv2d,
        {
            "x": (ARRAY, X4),
            "w": (ARRAY, small(2, 3, 2, 2)),
            "stride": (SIZE, 2),
            "padding": (PADDING, "same"),
        },
    ),
    Case(
        "conv_transpose_output_size",
        convolution.conv_transpose_output_size,
        {"n": (SIZE, 4), "k": (SIZE, 3), "stride": (SIZE, 2), "padding": (CHOICE, "valid")},
    ),
    Case(
        "conv2d_transpose",
        convolution.conv2d_transpose,
        {
            "x": (ARRAY, X4),
            "w": (ARRAY, small(3, 3, 4, 2)),
            "stride": (SIZE, 2),
            "padding": (PADDING, "same"),
        },
    ),
    # ---------------------------------------------------------------- layers
    Case("relu", layers.relu, {"x": (ARRAY, small(3, 4))}),
    Case(
        "max_pool2d",
        layers.max_pool2d,
        {
            "x": (ARRAY, X4),
            "pool_size": (SIZE, 2),
            "stride": (SIZE, 1),
            "padding": (CHOICE, "same"),
        },
        optional=("stride",),
    ),
    Case(
        "avg_pool2d",
        layers.avg_pool2d,
        {
            "x": (ARRAY, X4),
            "pool_size": (SIZE, 2),
            "stride": (SIZE, 2),
            "padding": (CHOICE, "valid"),
        },
        optional=("stride",),
    ),
    Case(
        "dropout",
        lambda x, rate, training: layers.dropout(x, rate, training, np.random.default_rng(0)),
        {"x": (ARRAY, small(4, 5)), "rate": (REAL, 0.25), "training": (FLAG, True)},
        covers=(layers.dropout,),
    ),
    Case("flatten", layers.flatten, {"x": (ARRAY, X4)}),
    Case(
        "dense",
        layers.dense,
        {"x": (ARRAY, small(3, 4)), "w": (ARRAY, small(4, 2)), "b": (ARRAY, small(2))},
        optional=("b",),
    ),
    Case("softmax", layers.softmax, {"z": (ARRAY, small(3, 4))}),
    Case(
        "one_hot", layers.one_hot, {"labels": (LABELS, np.array([0, 2, 1])), "n_classes": (SIZE, 3)}
    ),
    Case(
        "cross_entropy",
        layers.cross_entropy,
        {
            "probabilities": (ARRAY, RNG.uniform(0.1, 1, (3, 4))),
            "labels": (LABELS, np.array([0, 3, 1])),
        },
    ),
    Case(
        "batch_norm",
        layers.batch_norm,
        {
            "x": (ARRAY, X4),
            "gamma": (ARRAY, small(2)),
            "beta": (ARRAY, small(2)),
            "mean": (ARRAY, small(2)),
            "var": (ARRAY, RNG.uniform(0.5, 2.0, 2)),
            "eps": (REAL, 1e-3),
        },
        optional=("mean", "var"),
    ),
    Case(
        "batch_norm-training",
        lambda x, gamma, beta, eps: layers.batch_norm(x, gamma, beta, eps=eps),
        {
            "x": (ARRAY, X4),
            "gamma": (ARRAY, small(2)),
            "beta": (ARRAY, small(2)),
            "eps": (REAL, 1e-3),
        },
        covers=(layers.batch_norm,),
    ),
    # ---------------------------------------------------------------- scratch
    Case(
        "scratch.BatchNorm2D",
        _batch_norm_layer,
        {
            "channels": (SIZE, 2),
            "momentum": (REAL, 0.9),
            "eps": (POSITIVE, 1e-3),
            "x": (ARRAY, X4),
            "training": (FLAG, False),
        },
        covers=(scratch.BatchNorm2D,),
    ),
    Case(
        "scratch.Conv2D",
        _conv_forward,
        {
            "kernel": (ARRAY, small(2, 2, 2, 3)),
            "bias": (ARRAY, small(3)),
            "x": (ARRAY, X4),
            "stride": (SIZE, 1),
            "padding": (PADDING, 1),
        },
        covers=(scratch.Conv2D,),
    ),
    Case(
        "scratch.Dense",
        lambda kernel, bias, x: scratch.Dense(kernel, bias).forward(x),
        {"kernel": (ARRAY, small(4, 2)), "bias": (ARRAY, small(2)), "x": (ARRAY, small(3, 4))},
        names=("w", "b"),
        covers=(scratch.Dense,),
    ),
    Case(
        "scratch.MaxPool2D",
        lambda x, pool_size: scratch.MaxPool2D(pool_size).forward(x),
        {"x": (ARRAY, X4), "pool_size": (SIZE, 2)},
        covers=(scratch.MaxPool2D,),
    ),
    Case(
        "scratch.ReLU",
        lambda x: scratch.ReLU().forward(x),
        {"x": (ARRAY, small(2, 3))},
        covers=(scratch.ReLU,),
    ),
    Case(
        "scratch.Flatten",
        lambda x: scratch.Flatten().forward(x),
        {"x": (ARRAY, X4)},
        covers=(scratch.Flatten,),
    ),
    Case(
        "softmax_cross_entropy",
        scratch.softmax_cross_entropy,
        {"logits": (ARRAY, small(3, 4)), "labels": (LABELS, np.array([3, 0, 1]))},
    ),
    Case(
        "Sequential.predict",
        lambda x, batch_size: lecture_network().predict(x, batch_size),
        {"x": (ARRAY, small(3, 8, 8, 1)), "batch_size": (SIZE, 2)},
        covers=(scratch.Sequential,),
    ),
    Case(
        "Sequential",
        lambda l2: scratch.Sequential([], l2).l2,
        {"l2": (REAL, 0.5)},
        covers=(scratch.Sequential,),
    ),
    Case(
        "SGD",
        lambda learning_rate: scratch.SGD(learning_rate).learning_rate,
        {"learning_rate": (POSITIVE, 0.1)},
        covers=(scratch.SGD,),
    ),
    Case(
        "check_hyperparameters",
        models.check_hyperparameters,
        {"learning_rate": (POSITIVE, 0.1), "l2": (REAL, 1e-3)},
    ),
    Case(
        "numerical_gradient",
        _numerical_gradient,
        {"x": (ARRAY, small(3)), "eps": (POSITIVE, 1e-6)},
        covers=(scratch.numerical_gradient,),
    ),
    Case(
        "relative_error", scratch.relative_error, {"a": (ARRAY, small(3)), "b": (ARRAY, small(3))}
    ),
    # ---------------------------------------------------------------- oscillator
    Case(
        "harmonic_response",
        oscillator.harmonic_response,
        {
            "omega": (ARRAY, RNG.uniform(0, 3, 5)),
            "mass": (POSITIVE, 2.0),
            "damping": (REAL, 0.5),
            "stiffness": (POSITIVE, 8.0),
        },
    ),
    Case(
        "steady_state",
        oscillator.steady_state,
        {
            "t": (ARRAY, RNG.uniform(-1, 1, 5)),
            "c0": (REAL, 0.5),
            "a": (ARRAY, small(3)),
            "b": (ARRAY, small(3)),
            "period": (POSITIVE, 2.0),
            "mass": (POSITIVE, 1.0),
            "damping": (REAL, 0.2),
            "stiffness": (POSITIVE, 4.0),
        },
    ),
    # ---------------------------------------------------------------- models (NumPy side)
    Case(
        "standardise",
        models.standardise,
        {"images": (ARRAY, RNG.integers(0, 256, (2, 3, 3, 3)).astype(np.float64))},
    ),
    # ---------------------------------------------------------------- fourier
    Case(
        "square_wave",
        fourier.square_wave,
        {
            "t": (ARRAY, RNG.uniform(-1, 1, 7)),
            "period": (POSITIVE, 0.2),
            "width": (POSITIVE, 0.1),
            "amplitude": (REAL, 2.0),
        },
    ),
    Case(
        "square_wave_coefficients",
        fourier.square_wave_coefficients,
        {"n_max": (SIZE, 4), "period": (POSITIVE, 0.2), "width": (POSITIVE, 0.1)},
    ),
    Case(
        "fourier_partial_sum",
        fourier.fourier_partial_sum,
        {
            "t": (ARRAY, RNG.uniform(-1, 1, 5)),
            "c0": (REAL, 0.5),
            "a": (ARRAY, small(3)),
            "b": (ARRAY, small(3)),
            "period": (POSITIVE, 1.0),
        },
    ),
    # ---------------------------------------------------------------- grid (TensorFlow: few examples)
    Case(
        "fused_fit",
        _fused_fit,
        {
            "x": (ARRAY, _digits()[0]),
            "y": (LABELS, _digits()[1]),
            "learning_rates": (ARRAY, np.array([0.5, 0.1])),
            "l2_factors": (ARRAY, np.array([0.0, 0.01])),
            "epochs": (SIZE, 1),
            "batch_size": (SIZE, 4),
        },
        slow=True,
        covers=(grid.fused_fit,),
    ),
    Case(
        "fused_predict",
        lambda x, batch_size: grid.fused_predict(weights(), x, batch_size),
        {"x": (ARRAY, _digits()[0]), "batch_size": (SIZE, 4)},
        slow=True,
        covers=(grid.fused_predict,),
    ),
    Case(
        "separate_fits",
        lambda x, y, epochs: grid.separate_fits(x, y, [0.1], [0.0], weights(), epochs)["out_bias"],
        {"x": (ARRAY, _digits()[0]), "y": (LABELS, _digits()[1]), "epochs": (SIZE, 1)},
        slow=True,
        covers=(grid.separate_fits,),
    ),
    Case(
        "grid_search",
        _grid_search,
        {
            "x_train": (ARRAY, _digits()[0]),
            "y_train": (LABELS, _digits()[1]),
            "learning_rates": (ARRAY, np.array([0.1])),
            "l2_factors": (ARRAY, np.array([1e-3])),
            "epochs": (SIZE, 1),
        },
        names=("x", "y", "learning_rate", "l2"),
        slow=True,
        covers=(grid.grid_search,),
    ),
]

# -------------------------------------------------------------------------- spoiling

# Each spoiler maps a valid value to (spoiled value, float64 reference or None). None
# means the call must raise: the spoiled value is not a valid argument at all.
INT_DTYPES = [np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint64]


def array_spoilers(value: np.ndarray, labels: bool):
    reference_dtype = np.int64 if labels else np.float64
    spoiled = []
    for dtype in [*INT_DTYPES, np.bool_, np.float32, np.float16]:
        with np.errstate(invalid="ignore"):
            cast = value.astype(dtype)
        spoiled.append((f"dtype {np.dtype(dtype)}", cast, cast.astype(reference_dtype)))
    spoiled += [
        ("complex", value + 1j, None),
        ("object of numbers", value.astype(object), value.astype(reference_dtype)),
        ("object of str", value.astype(str).astype(object), None),
        ("str", value.astype(str), None),
        ("list", value.tolist(), np.asarray(value, reference_dtype)),
        ("empty", value[:0], value[:0]),
        ("extra axis", value[None], value[None]),
        ("scalar", value.ravel()[:1].reshape(()), value.ravel()[:1].reshape(())),
        ("None", None, None),
        ("string", "1, 2, 3", None),
    ]
    if value.ndim > 1:
        spoiled.append(("one axis fewer", value[0], value[0]))
        spoiled.append(("empty inner axis", value[..., :0], None))
    if not labels:
        for bad in (np.nan, np.inf, -np.inf):
            copy = value.astype(np.float64)
            copy.flat[len(copy.flat) // 2] = bad
            spoiled.append((f"contains {bad}", copy, copy))
    else:
        spoiled += [("negative label", value - 1, None), ("label too large", value + 10, None)]
    return spoiled


def scalar_spoilers(kind: str, value):
    common = [("None", None), ("list", [value]), ("array", np.array([value]))]
    if not isinstance(value, str):
        common.append(("str", str(value)))
    if kind in (SIZE, COUNT):
        bad = [("zero", 0), ("negative", -1), ("float", float(value) + 0.5), ("bool", True)]
        bad += [("nan", float("nan"))]
        equivalent = [("numpy int", np.int64(value))]
    elif kind == PADDING:
        bad = [("negative", -1), ("float", 1.5), ("bool", True), ("unknown", "full")]
        equivalent = [("upper case", value.upper())] if isinstance(value, str) else []
        equivalent += [("numpy int", np.int64(value))] if isinstance(value, int) else []
    elif kind == POSITIVE:
        bad = [("zero", 0.0), ("negative", -1.0), ("nan", float("nan")), ("inf", float("inf"))]
        bad += [("bool", True), ("complex", 1j)]
        equivalent = [("numpy float", np.float64(value))]
    elif kind == REAL:
        bad = [("nan", float("nan")), ("inf", float("inf")), ("complex", 1j), ("bool", True)]
        equivalent = [("numpy float", np.float64(value))]
    elif kind == CHOICE:
        bad = [("unknown", "nonsense"), ("int", 1)]
        equivalent = []
    elif kind == SHAPE:
        bad = [("zero", (0, *value[1:])), ("negative", (-1, *value[1:])), ("short", value[:-1])]
        bad += [("float", (float(value[0]), *value[1:])), ("str", ",".join(map(str, value)))]
        equivalent = [("list", list(value))]
        common = [("None", None)]
    elif kind == FLAG:
        bad = [("str", "yes"), ("int", 2), ("array", np.array([True, False]))]
        equivalent = [("numpy bool", np.bool_(value))]
        common = [("None", None)]
    else:  # pragma: no cover
        raise AssertionError(kind)
    out = [(f"{label} {v!r}", v, None) for label, v in common + bad]
    return out + [(f"{label} {v!r}", v, value) for label, v in equivalent]


def spoilers(case: Case):
    options = []
    for name, (kind, value) in case.args.items():
        if kind in (ARRAY, LABELS):
            spoiled = array_spoilers(np.asarray(value), labels=kind == LABELS)
        else:
            spoiled = scalar_spoilers(kind, value)
        if name in case.optional:  # None is a valid value here, not a spoiled one
            spoiled = [entry for entry in spoiled if entry[1] is not None]
        options += [(name, *entry) for entry in spoiled]
    return options


# -------------------------------------------------------------------------- checking


def assert_same(result, reference, where):
    if isinstance(reference, tuple):
        assert isinstance(result, tuple) and len(result) == len(reference), where
        for a, b in zip(result, reference, strict=True):
            assert_same(a, b, where)
    elif isinstance(reference, pd.DataFrame):
        pd.testing.assert_frame_equal(result, reference, check_exact=False, rtol=1e-6)
    else:
        result, reference = np.asarray(result), np.asarray(reference)
        assert result.shape == reference.shape, (
            f"{where}: shape {result.shape}, float64 {reference.shape}"
        )
        if reference.dtype == object or result.dtype == object:
            result, reference = result.astype(np.float64), reference.astype(np.float64)
        np.testing.assert_allclose(
            result, reference, rtol=1e-6, atol=1e-9, equal_nan=True, err_msg=where
        )


def check(case: Case, name: str, label: str, spoiled, reference):
    valid = {arg: value for arg, (_, value) in case.args.items()}
    where = f"{case.name}({name}= {label})"
    accepted = (*case.args, *case.names)
    try:
        result = case.call(**{**valid, name: spoiled})
    except (ValueError, TypeError) as error:
        message = str(error)
        assert message, f"{where}: {type(error).__name__} without a message"
        named = [arg for arg in accepted if re.search(rf"\b{re.escape(arg)}\b", message)]
        assert named, f"{where}: the message does not name the argument: {message!r}"
        return
    except Exception as error:  # anything else is a failure of the sweep
        pytest.fail(f"{where}: raised {type(error).__name__}: {error}")
    assert reference is not None, (
        f"{where}: accepted an invalid argument and returned {result!r:.200}"
    )
    with np.errstate(all="ignore"):
        expected = case.call(**{**valid, name: reference})
    assert_same(result, expected, where)


FAST = [case for case in CASES if not case.slow]
SLOW = [case for case in CASES if case.slow]


@pytest.mark.parametrize("case", FAST, ids=[case.name for case in FAST])
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spoiled_arguments_raise_or_agree_with_float64(case, data):
    name, label, spoiled, reference = data.draw(st.sampled_from(spoilers(case)), label="spoiler")
    with np.errstate(all="ignore"):
        check(case, name, label, spoiled, reference)


@pytest.mark.slow
@pytest.mark.parametrize("case", SLOW, ids=[case.name for case in SLOW])
@settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spoiled_grid_arguments_raise_or_agree_with_float64(case, data):
    name, label, spoiled, reference = data.draw(st.sampled_from(spoilers(case)), label="spoiler")
    with np.errstate(all="ignore"):
        check(case, name, label, spoiled, reference)


@pytest.mark.parametrize("case", FAST, ids=[case.name for case in FAST])
def test_every_spoiler_once(case):
    """Hypothesis samples; this walks every spoiler of the NumPy functions once, so that
    none is left out by chance (a few seconds in all)."""
    failures = []
    for name, label, spoiled, reference in spoilers(case):
        try:
            with np.errstate(all="ignore"):
                check(case, name, label, spoiled, reference)
        except (AssertionError, pytest.fail.Exception) as error:
            failures.append(str(error).splitlines()[0])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_valid_call_works(case):
    """The unspoiled call of every case succeeds: the sweep starts from valid ground."""
    with np.errstate(all="ignore"):
        case.call(**{arg: value for arg, (_, value) in case.args.items()})


# -------------------------------------------------------------------------- by construction


def public_callables() -> dict[str, object]:
    """Every public function and class of every public module, by ``module.name``."""
    found = {}
    for info in pkgutil.iter_modules(cnncourse.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"cnncourse.{info.name}")
        names = getattr(module, "__all__", None)
        if names is None:
            names = [
                name
                for name, obj in vars(module).items()
                if not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__
            ]
        for name in names:
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith(
                "cnncourse."
            ):
                found[key(obj)] = obj
    return found


#: Public callables that no case above probes. "no input": an exception class, a result
#: container, or a function without arguments to spoil (checked). Otherwise the named test
#: file probes its bad input (each ValueError and TypeError path), with a Keras model, a
#: file, a server or a figure that this sweep's array spoilers cannot stand in for; it must
#: name the callable.
NO_INPUT = "no input"
EXEMPT = {
    **dict.fromkeys(
        [
            "config.Settings",
            "config.is_quick",
            "config.print_mode",
            "config.rng",
            "config.settings",
            "data.ChecksumError",
            "data.CourseDataError",
            "data.DataFormatError",
            "data.DataLocationError",
            "data.DataNotFoundError",
            "data.DataPermissionError",
            "data.Dataset",
            "data.DatasetInfo",
            "data.DownloadError",
            "data.Source",
            "data.cache_dir",
            "data.search_dirs",
            "environment.Problem",
            "environment.gpu_devices",
            "environment.required_packages",
            "exercises.ExerciseNotDone",
            "grid.FusedResult",
            "plots.use_course_style",
            "scratch.Layer",
        ],
        NO_INPUT,
    ),
    "config.choose": "test_config.py",
    "config.set_seed": "test_config.py",
    "config.shown_path": "test_config.py",
    **dict.fromkeys(
        [
            "data.cifar10_npz_from_tarball",
            "data.download",
            "data.fetch",
            "data.load_cifar10",
            "data.load_digits",
            "data.load_mnist",
            "data.locate",
            "data.read_npz",
            "data.sha256sum",
        ],
        "test_data.py",
    ),
    **dict.fromkeys(
        [
            "environment.dataset_problems",
            "environment.dataset_table",
            "environment.python_problems",
            "environment.read_pins",
            "environment.version_problems",
            "environment.version_table",
        ],
        "test_environment.py",
    ),
    **dict.fromkeys(
        ["exercises.answer_array", "exercises.answer_int", "exercises.require"],
        "test_exercises.py",
    ),
    **dict.fromkeys(
        [
            "explain.class_activation_map",
            "explain.fgsm",
            "explain.grad_cam",
            "explain.occlusion_map",
            "explain.saliency",
            "explain.smoothgrad",
            "explain.zero_gradient_count",
        ],
        "test_explain.py",
    ),
    "grid.validation_split": "test_grid.py",
    **dict.fromkeys(
        [
            "models.cifar10_cnn",
            "models.digits_cnn",
            "models.forward_flops",
            "models.initial_weights",
            "models.mnist_cnn",
            "models.warmup_cosine_schedule",
        ],
        "test_models.py",
    ),
    **dict.fromkeys(
        [
            "models.cifar10_resnet",
            "models.fit_augmented",
            "models.flip_and_crop",
            "models.layer_costs",
            "models.predict_flip_average",
        ],
        "test_resnet.py",
    ),
    **dict.fromkeys(
        [
            "plots.confusion_matrix_figure",
            "plots.convolution_animation",
            "plots.image_grid",
            "plots.learning_curves",
            "plots.offline_jshtml",
            "plots.overlay",
            "plots.probability_grid",
        ],
        "test_plots.py",
    ),
    "plots.plot_accuracy_heatmaps": "test_grid.py",
    "report.headline": "test_report.py",
    "report.parse_headlines": "test_report.py",
    "source.Source": "test_source.py",
    "source.show_source": "test_source.py",
    "source.source_text": "test_source.py",
    "timing.median_time": "test_report.py",
}
COVERED = set().union(*(case.covered() for case in CASES))


def test_every_public_callable_has_an_entry():
    """A new public function fails here until a case probes it or EXEMPT says where it is."""
    public = public_callables()
    missing = sorted(set(public) - COVERED - set(EXEMPT))
    assert not missing, f"public callables with no case and no EXEMPT entry: {missing}"
    stale = sorted((COVERED | set(EXEMPT)) - set(public))
    assert not stale, f"entries for callables that are not public (any more): {stale}"
    both = sorted(COVERED & set(EXEMPT))
    assert not both, f"both probed here and exempted: {both}"


@pytest.mark.parametrize("name", sorted(EXEMPT))
def test_each_exemption_holds(name):
    obj = public_callables()[name]
    where = EXEMPT[name]
    if where == NO_INPUT:
        if inspect.isclass(obj) and (
            issubclass(obj, BaseException)
            or dataclasses.is_dataclass(obj)
            or issubclass(obj, tuple)
        ):
            return
        parameters = inspect.signature(obj).parameters.values()
        required = [
            p
            for p in parameters
            if p.default is p.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        assert not required, f"{name} takes {[p.name for p in required]}: it needs a case"
        return
    text = (Path(__file__).parent / where).read_text()
    short = name.split(".", 1)[1]
    assert re.search(rf"\b{re.escape(short)}\b", text), f"{where} never names {short}"


def test_the_package_docstring_maps_every_module():
    """``cnncourse.__doc__`` lists each module with one line; a new module must join it."""
    modules = sorted(info.name for info in pkgutil.iter_modules(cnncourse.__path__))
    listed = re.findall(r"^``(\w+)``\s+\S", cnncourse.__doc__, flags=re.MULTILINE)
    missing = sorted(set(modules) - set(listed))
    assert not missing, f"modules missing from the map in cnncourse/__init__.py: {missing}"
    stale = sorted(set(listed) - set(modules))
    assert not stale, f"the map lists modules that do not exist: {stale}"
