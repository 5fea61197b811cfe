"""The plot helpers: the animation player works offline, figures have what they promise."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import animation  # noqa: E402

from cnncourse import plots  # noqa: E402


@pytest.fixture
def tiny_animation():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 0])
    anim = animation.FuncAnimation(fig, lambda k: line.set_ydata([k, k]), frames=3, interval=50)
    yield anim
    plt.close(fig)


def test_offline_player_requests_nothing_from_the_network(tiny_animation):
    html = plots.offline_jshtml(tiny_animation)
    assert "font-awesome" not in html
    assert not re.search(r"""(href|src)=["']https?://""", html), (
        "the player must not load anything remote"
    )


def test_offline_player_keeps_every_button_and_draws_its_icon(tiny_animation):
    plain = tiny_animation.to_jshtml()
    html = plots.offline_jshtml(tiny_animation)
    icons = set(re.findall(r"fa-[a-z-]+", plain)) - {"fa-flip-horizontal"}
    assert icons, "matplotlib's player should use Font Awesome icons"
    for icon in icons:
        assert f".{icon}:before" in html, f"no glyph for {icon}"
    # the buttons and frames are untouched: only the style sheet link changed
    assert html.count("<button") == plain.count("<button") > 0
    assert html.count("data:image/png;base64") == plain.count("data:image/png;base64") == 3


def test_convolution_animation_has_one_frame_per_output():
    anim = plots.convolution_animation(5, 3, stride=2, padding=1)
    try:
        html = plots.offline_jshtml(anim)
    finally:
        plt.close("all")
    assert (
        html.count("data:image/png;base64") == 3 * 3
    )  # floor((5 + 2 - 3) / 2) + 1 = 3 outputs per side


def test_image_grid_labels_each_image():
    images = np.random.default_rng(0).random((4, 8, 8))
    fig = plots.image_grid(images, [f"img {k}" for k in range(4)], ncols=2)
    try:
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    finally:
        plt.close(fig)
    assert titles == [f"img {k}" for k in range(4)]


def test_overlay_draws_each_map_over_its_image():
    images = np.random.default_rng(0).uniform(size=(3, 28, 28, 1))
    maps = np.random.default_rng(1).normal(size=(3, 7, 7))
    fig = plots.overlay(images, maps, titles=["a", "b", "c"], ncols=2)
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 3 and len(fig.axes) == 4
    for ax, image, heat in zip(drawn, images, maps, strict=True):
        bottom, top = ax.images
        np.testing.assert_array_equal(bottom.get_array(), image[..., 0])
        np.testing.assert_array_equal(top.get_array(), heat)
        assert top.get_extent() == [-0.5, 27.5, 27.5, -0.5]  # the coarse map covers the image
    assert [ax.get_title().split("\n")[0] for ax in drawn] == ["a", "b", "c"]
    plt.close(fig)


def test_overlay_centres_a_signed_map_on_zero_and_writes_its_range():
    maps = np.stack([np.linspace(-1, 3, 49).reshape(7, 7), np.linspace(-2, 0.5, 49).reshape(7, 7)])
    fig = plots.overlay(np.zeros((2, 28, 28)), maps, titles=["cam", "other"])
    try:
        for ax, heat, title, largest in zip(
            fig.axes, maps, ["cam", "other"], [3.0, 2.0], strict=True
        ):
            top = ax.images[1]
            assert top.get_clim() == (-largest, largest)  # symmetric: max |map| on both sides
            assert top.get_cmap().name == "RdBu_r"
            assert top.norm(0.0) == 0.5  # 0 is the middle colour
            assert ax.get_title() == f"{title}\n[{heat.min():.3g}, {heat.max():.3g}]"
    finally:
        plt.close(fig)


def test_overlay_draws_a_non_negative_map_from_zero_with_the_course_map():
    maps = np.random.default_rng(2).uniform(0.2, 0.9, size=(2, 7, 7))
    fig = plots.overlay(np.zeros((2, 28, 28)), maps)
    try:
        for ax, heat in zip(fig.axes, maps, strict=True):
            assert ax.images[1].get_clim() == (0.0, heat.max())
            assert ax.images[1].get_cmap().name == plots.CMAP
    finally:
        plt.close(fig)
    fig = plots.overlay(np.zeros((2, 28, 28)), maps, signed=True)  # asked for: centred anyway
    try:
        assert fig.axes[0].images[1].get_clim() == (-maps[0].max(), maps[0].max())
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    "images, maps, kwargs, message",
    [
        (np.zeros((2, 4)), np.zeros((2, 2, 2)), {}, "images must be"),
        (np.zeros((2, 4, 4)), np.zeros((3, 2, 2)), {}, "maps must be"),
        (np.zeros((2, 4, 4)), np.zeros((2, 2)), {}, "maps must be"),
        (np.zeros((2, 4, 4)), np.zeros((2, 2, 2)), {"titles": ["a"]}, "titles"),
        (np.zeros((2, 4, 4)), np.zeros((2, 2, 2)), {"alpha": 0}, "alpha"),
    ],
)
def test_overlay_rejects_bad_input(images, maps, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plots.overlay(images, maps, **kwargs)


def test_learning_curves_names_a_missing_metric():
    fig = plots.learning_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, metrics=("loss",))
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 2
    plt.close(fig)
    with pytest.raises(ValueError, match=r"history lacks \['accuracy'\]"):
        plots.learning_curves({"loss": [1.0]})


def test_confusion_matrix_figure_counts_and_refuses_unequal_lengths():
    fig = plots.confusion_matrix_figure([0, 1, 1, 2], [0, 1, 2, 2])
    counts = [float(t.get_text()) for t in fig.axes[0].texts]
    assert counts == [1, 0, 0, 0, 1, 1, 0, 0, 1]  # row = true class, column = predicted
    plt.close(fig)
    with pytest.raises(ValueError, match="y_true and y_pred differ in length: 3 and 2"):
        plots.confusion_matrix_figure([0, 1, 1], [0, 1])


def test_probability_grid_refuses_mismatched_inputs():
    images, probabilities = np.zeros((2, 4, 4)), np.full((2, 3), 1 / 3)
    fig = plots.probability_grid(images, probabilities, [0, 2], ["a", "b", "c"], ncols=2)
    plt.close(fig)
    with pytest.raises(ValueError, match="differ in length: 2, 2, 1"):
        plots.probability_grid(images, probabilities, [0], ["a", "b", "c"])
    with pytest.raises(ValueError, match=r"probabilities must be \(N, 2\)"):
        plots.probability_grid(images, probabilities, [0, 1], ["a", "b"])
