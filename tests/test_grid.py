"""The fused grid search trains the same models as separate Keras fits."""

import numpy as np
import pandas as pd
import pytest

from cnncourse.data import load_digits
from cnncourse.grid import fused_fit, fused_predict, grid_search, separate_fits, validation_split
from cnncourse.models import PARAMETER_NAMES, initial_weights
from cnncourse.plots import plot_accuracy_heatmaps

LECTURE_GRID = np.logspace(-5, 1, 7)


@pytest.fixture(scope="module")
def digits():
    (x_train, y_train), (x_test, y_test) = load_digits()
    return (x_train / 16).astype("float32"), y_train, (x_test / 16).astype("float32"), y_test


def assert_same_weights(fused, separate, rtol):
    for g in range(len(separate["conv_bias"])):
        for name in PARAMETER_NAMES:
            ours, theirs = fused.weights[name][g], separate[name][g]
            np.testing.assert_array_equal(np.isnan(ours), np.isnan(theirs))  # diverged alike
            finite = np.isfinite(theirs)
            scale = np.abs(theirs[finite]).max() if finite.any() else 1.0
            np.testing.assert_allclose(
                ours[finite],
                theirs[finite],
                rtol=0,
                atol=rtol * scale,
                err_msg=f"configuration {g}, {name}",
            )


@pytest.mark.slow
def test_fused_grid_equals_separate_fits_from_corner_to_corner(digits):
    """Every other rate and factor of the 7 x 7 lecture grid (4 x 4, both corners
    included), one epoch (15 SGD steps), same weights and batches. Sixteen Keras fits rather
    than 49: each configuration is a slice of the same fused arrays, so the other 33 add time,
    not cases.

    Measured: the largest difference is 9e-6 of the weights' scale (float32 rounding:
    the fused network sums in another order). Diverged configurations are NaN in both.
    """
    x, y, _, _ = digits
    every_other = LECTURE_GRID[::2]  # 1e-5, 1e-3, 1e-1, 10
    rates, factors = (a.ravel() for a in np.meshgrid(every_other, every_other, indexing="ij"))
    weights = initial_weights(0)
    fused = fused_fit(x, y, rates, factors, weights, epochs=1, shuffle_seed=None)
    assert_same_weights(fused, separate_fits(x, y, rates, factors, weights, epochs=1), rtol=1e-4)
    assert np.isnan(fused.loss[-1, 0])  # eta = 10, lambda = 10 diverges at once


@pytest.mark.slow
def test_fused_equals_separate_over_many_epochs_where_training_is_stable(digits):
    """Ten epochs for learning rates up to 0.1. (At eta >= 1 the training dynamics are
    unstable: float32 rounding differences of 1e-7 grow to order one within a few
    epochs, in either route, so no two implementations agree there bit for bit.)"""
    x, y, _, _ = digits
    rates, factors = (
        a.ravel() for a in np.meshgrid([1e-3, 1e-2, 1e-1], [1e-5, 1e-3, 1e-1], indexing="ij")
    )
    weights = initial_weights(1)
    fused = fused_fit(x, y, rates, factors, weights, epochs=10, shuffle_seed=None)
    separate = separate_fits(x, y, rates, factors, weights, epochs=10)
    assert_same_weights(fused, separate, rtol=1e-4)
    # the stacked Keras weights predict through the fused network as well
    np.testing.assert_allclose(
        fused_predict(separate, x[:50]), fused_predict(fused.weights, x[:50]), atol=1e-4
    )


@pytest.mark.slow
def test_grid_search_reports_every_configuration(digits):
    x_train, y_train, x_test, y_test = digits
    results = grid_search(
        x_train,
        y_train,
        x_test,
        y_test,
        [1e-5, 0.5, 10.0],
        [1e-4, 10.0],
        epochs=30,
        seeds=(0, 1),
        progress=False,
    )
    assert list(results.columns) == [
        "eta",
        "lmbd",
        "seed",
        "train_accuracy",
        "test_accuracy",
        "final_loss",
        "diverged",
    ]
    assert len(results) == 3 * 2 * 2
    cell = results.set_index(["eta", "lmbd", "seed"])
    # a good learning rate with weak L2 learns
    assert cell.loc[(0.5, 1e-4, 0), "test_accuracy"] > 0.9
    assert not cell.loc[(0.5, 1e-4, 0), "diverged"]
    # eta * lambda >= 1: the L2 step multiplies weights by (1 - 2 eta lambda) <= -1: NaN
    assert cell.loc[(10.0, 10.0, 0), "diverged"] and cell.loc[(0.5, 10.0, 1), "diverged"]
    assert np.isnan(cell.loc[(10.0, 10.0, 0), "final_loss"])
    # eta = 10 with weak L2: the first steps kill every ReLU, leaving chance level, not NaN
    assert not cell.loc[(10.0, 1e-4, 0), "diverged"]
    assert cell.loc[(10.0, 1e-4, 0), "test_accuracy"] < 0.2
    # eta = 1e-5 barely moves from chance in 30 epochs
    assert cell.loc[(1e-5, 1e-4, 0), "test_accuracy"] < 0.3
    fig = plot_accuracy_heatmaps(results)
    assert len(fig.axes) == 4  # two heatmaps and their colour bars
    assert fig.axes[0].get_xticklabels()[0].get_text() == "$10^{-4}$"


@pytest.mark.parametrize(
    "rates, factors, message",
    [
        ([], [1e-3], "learning_rates must not be empty"),
        ([0.0], [1e-3], r"learning_rates\[0\] must be a finite real number > 0; got 0.0"),
        ([0.1, -1.0], [1e-3], r"learning_rates\[1\] must be a finite real number > 0"),
        ([0.1], [-1e-3], r"l2_factors\[0\] must be a finite real number >= 0; got -0.001"),
        ([float("nan")], [0.0], r"learning_rates\[0\] must be a finite real number > 0; got nan"),
    ],
)
def test_bad_hyperparameters_are_rejected(digits, rates, factors, message):
    x_train, y_train, x_test, y_test = digits
    with pytest.raises(ValueError, match=message):
        grid_search(x_train, y_train, x_test, y_test, rates, factors, epochs=1, progress=False)


def test_other_bad_input_is_rejected(digits):
    x, y, _, _ = digits
    weights = initial_weights(0)
    with pytest.raises(ValueError, match="seeds must hold at least one seed"):
        grid_search(x, y, x, y, [0.1], [0.0], epochs=1, seeds=(), progress=False)
    with pytest.raises(ValueError, match="epochs must be an int >= 1; got 0"):
        fused_fit(x, y, [0.1], [0.0], weights, epochs=0)
    with pytest.raises(ValueError, match=r"y must hold one label per example \(1437\); got 1436"):
        fused_fit(x, y[:-1], [0.1], [0.0], weights, epochs=1)
    with pytest.raises(ValueError, match=r"x must be a 3 or 4-D array of shape \(N, H, W\)"):
        fused_fit(x.reshape(len(x), -1)[:, :, None, None, None], y, [0.1], [0.0], weights, epochs=1)
    with pytest.raises(ValueError, match="results must have the columns"):
        plot_accuracy_heatmaps(pd.DataFrame({"eta": [1.0]}))


# ---------------------------------------------------------------- issue 14: no silent errors


@pytest.mark.parametrize(
    "labels, error, message",
    [
        (lambda y: np.where(y == 3, -1, y), ValueError, r"y must be class indices in \[0, 10\)"),
        (lambda y: np.where(y == 3, 10, y), ValueError, r"y must be class indices in \[0, 10\)"),
        (lambda y: y[:1], ValueError, "y must hold one label per example"),
        (lambda y: y.astype(float), TypeError, "y must be integer class indices"),
    ],
)
def test_fused_fit_checks_labels(digits, labels, error, message):
    x, y, _, _ = digits
    with pytest.raises(error, match=message):
        fused_fit(x[:20], labels(y[:20]), [0.1], [0.0], initial_weights(0), epochs=1)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x, y, w: fused_fit(x, y, [0.1, 0.2], [0.0], w, 1), ValueError, "must pair up"),
        (
            lambda x, y, w: fused_fit(x, y, [0.1], [0.0], w, 1, batch_size=0),
            ValueError,
            "batch_size",
        ),
        (
            lambda x, y, w: fused_fit(x[:0], y[:0], [0.1], [0.0], w, 1),
            ValueError,
            "x must not be empty",
        ),
        (
            lambda x, y, w: fused_fit(x, y, ["a"], [0.0], w, 1),
            TypeError,
            "learning_rates must hold",
        ),
        (
            lambda x, y, w: fused_fit(x, y, [0.1], [0.0], {"conv_kernel": 1}, 1),
            ValueError,
            "weights must be a dict",
        ),
        (
            lambda x, y, w: fused_fit(x * np.nan, y, [0.1], [0.0], w, 1),
            ValueError,
            "x must hold finite",
        ),
        (
            lambda x, y, w: fused_predict(w, x, batch_size=0),
            ValueError,
            "batch_size must be an int >= 1",
        ),
        (lambda x, y, w: separate_fits(x, y, [0.1], [0.0, 1.0], w, 1), ValueError, "must pair up"),
        (
            lambda x, y, w: fused_predict(w, x[..., None][:, :, :, [0, 0]]),
            ValueError,
            "x has 2 channels",
        ),
        (
            lambda x, y, w: fused_fit(x[:, :6, :6], y, [0.1], [0.0], w, 1),
            ValueError,
            "x's images of 6x6",
        ),
    ],
)
def test_fused_fit_rejects_bad_arguments(digits, call, error, message):
    x, y, _, _ = digits
    with pytest.raises(error, match=message):
        call(x[:20], y[:20], initial_weights(0))


def test_one_network_predicts_like_keras(digits):
    from cnncourse.models import digits_cnn

    x, _, _, _ = digits
    weights = initial_weights(0)
    model = digits_cnn(0.1, 0.0)
    model.set_weights([weights[name] for name in PARAMETER_NAMES])
    np.testing.assert_allclose(
        fused_predict(weights, x[:30])[0], model.predict(x[:30, :, :, None], verbose=0), atol=1e-5
    )


def test_validation_split_is_stratified_disjoint_and_reproducible(digits):
    x, y, _, _ = digits
    (x_fit, y_fit), (x_val, y_val) = validation_split(x, y, 0.2, seed=3)
    assert len(x_fit) + len(x_val) == len(x) and len(x_val) == int(np.ceil(0.2 * len(x)))
    # every class keeps its share, to one image
    np.testing.assert_allclose(
        np.bincount(y_val, minlength=10), 0.2 * np.bincount(y, minlength=10), atol=1
    )
    # disjoint: no image appears in both parts (the digits hold no exact duplicates across classes)
    fit_rows = {row.tobytes() for row in x_fit.reshape(len(x_fit), -1)}
    assert sum(row.tobytes() in fit_rows for row in x_val.reshape(len(x_val), -1)) <= 2
    (x_again, _), _ = validation_split(x, y, 0.2, seed=3)
    np.testing.assert_array_equal(x_again, x_fit)


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, True, "0.2"])
def test_validation_split_rejects_bad_fractions(digits, fraction):
    x, y, _, _ = digits
    with pytest.raises(ValueError, match="validation fraction must be a number in"):
        validation_split(x, y, fraction)


@pytest.mark.slow
def test_grid_search_chooses_on_validation_data(digits):
    x_train, y_train, x_test, y_test = digits
    results = grid_search(
        x_train,
        y_train,
        x_test,
        y_test,
        [1e-5, 0.5],
        [1e-4],
        epochs=10,
        progress=False,
        validation=0.2,
    )
    assert list(results.columns) == [
        "eta",
        "lmbd",
        "seed",
        "train_accuracy",
        "validation_accuracy",
        "test_accuracy",
        "final_loss",
        "diverged",
    ]
    cell = results.set_index("eta")
    assert cell.loc[0.5, "validation_accuracy"] > 0.85 > 0.3 > cell.loc[1e-5, "validation_accuracy"]
    # the same split given as validation_data gives the same models and accuracies
    (x_fit, y_fit), (x_val, y_val) = validation_split(x_train, y_train, 0.2)
    again = grid_search(
        x_fit,
        y_fit,
        x_test,
        y_test,
        [1e-5, 0.5],
        [1e-4],
        epochs=10,
        progress=False,
        validation_data=(x_val, y_val),
    )
    pd.testing.assert_frame_equal(results, again)
    fig = plot_accuracy_heatmaps(results)
    assert fig.axes[1].get_title() == "validation accuracy"
    fig = plot_accuracy_heatmaps(results, chosen_by="test_accuracy")
    assert fig.axes[1].get_title() == "test accuracy"


def test_grid_search_rejects_bad_validation_arguments(digits):
    x, y, _, _ = digits
    with pytest.raises(ValueError, match="not both"):
        grid_search(
            x,
            y,
            x,
            y,
            [0.1],
            [0.0],
            epochs=1,
            progress=False,
            validation=0.1,
            validation_data=(x, y),
        )
    with pytest.raises(ValueError, match="validation_data must be a pair"):
        grid_search(x, y, x, y, [0.1], [0.0], epochs=1, progress=False, validation_data=x)
    with pytest.raises(ValueError, match="differ in length"):
        grid_search(x, y, x, y, [0.1], [0.0], epochs=1, progress=False, validation_data=(x, y[:5]))
    with pytest.raises(ValueError, match="columns"):
        plot_accuracy_heatmaps(pd.DataFrame({"eta": [0.1], "lmbd": [0.0], "train_accuracy": [0.5]}))
