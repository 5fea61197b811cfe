"""The course's figure style, set once for every lecture.

Plotting helpers take results and return the matplotlib ``Figure``; computing
functions never plot.
"""

from __future__ import annotations

import re

import matplotlib as mpl

#: Colour map for images and heatmaps: perceptually uniform and readable in grey.
CMAP = "viridis"

COURSE_STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": CMAP,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
}


def use_course_style() -> None:
    """Apply the course's matplotlib style (call once, in a notebook's set-up cell)."""
    mpl.rcParams.update(COURSE_STYLE)


def convolution_animation(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    interval: int = 700,
):
    """Animate a kernel sliding over a zero-padded square input, one output per frame.

    In the spirit of Dumoulin and Visin's *convolution arithmetic* figures: blue cells
    are the input, grey cells the zero padding, the red outline the kernel's taps at the
    current position; on the right the output, filled in as the kernel moves.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it inline with ``IPython.display.HTML(offline_jshtml(animation))`` (no
        ffmpeg needed); the figure is closed so that it is not shown a second time.
    """
    import matplotlib.pyplot as plt
    from matplotlib import animation, patches

    from cnncourse.convolution import conv_output_size

    out = conv_output_size(input_size, kernel_size, stride, padding, dilation)
    size = input_size + 2 * padding
    fig, (ax_in, ax_out) = plt.subplots(
        1,
        2,
        figsize=(6.4, 3.4),
        gridspec_kw={"width_ratios": [size, max(out, 2)]},
        layout="constrained",
    )

    def cell(ax, row, col, color, edge="white", lw=1.0):
        ax.add_patch(patches.Rectangle((col, row), 1, 1, facecolor=color, edgecolor=edge, lw=lw))

    def draw(frame):
        ax_in.clear()
        ax_out.clear()
        i, j = divmod(frame, out)
        for r in range(size):
            for c in range(size):
                inside = padding <= r < padding + input_size and padding <= c < padding + input_size
                cell(ax_in, r, c, "#9ecae1" if inside else "#e0e0e0")
        for p in range(kernel_size):
            for q in range(kernel_size):
                r, c = i * stride + p * dilation, j * stride + q * dilation
                ax_in.add_patch(
                    patches.Rectangle(
                        (c + 0.08, r + 0.08), 0.84, 0.84, fill=False, edgecolor="#d62728", lw=2
                    )
                )
        for r in range(out):
            for c in range(out):
                done = r * out + c <= frame
                cell(
                    ax_out,
                    r,
                    c,
                    "#31a354" if (r, c) == (i, j) else ("#a1d99b" if done else "#f0f0f0"),
                )
        for ax, n, title in (
            (ax_in, size, f"input {input_size}x{input_size}, padding {padding}"),
            (ax_out, out, f"output {out}x{out}"),
        ):
            ax.set(xlim=(0, max(n, 2)), ylim=(max(n, 2), 0), aspect="equal", xticks=[], yticks=[])
            ax.set_title(title, fontsize=10)
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
        fig.suptitle(
            f"kernel {kernel_size}x{kernel_size}, stride {stride}"
            + (f", dilation {dilation}" if dilation > 1 else ""),
            fontsize=11,
        )
        return []

    anim = animation.FuncAnimation(fig, draw, frames=out * out, interval=interval, blit=False)
    plt.close(fig)
    return anim


def image_grid(images, titles=None, ncols: int = 10, cmap: str = "gray_r", size: float = 1.2):
    """Show images in a grid, each with an optional title (a label, say).

    Parameters
    ----------
    images : array_like, shape (N, H, W) or (N, H, W, C)
        Grey images (drawn with ``cmap``) or colour images with C = 3 in [0, 1] or 0..255.
    titles : sequence of str, optional
    ncols : int
    size : float
        Inches per image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or len(images) == 0:
        raise ValueError(
            f"images must be a non-empty (N, H, W) or (N, H, W, C) array; got {images.shape}"
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image: {len(titles)} for {len(images)}")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, (size + 0.3) * nrows), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for index, (ax, image) in enumerate(zip(axes.ravel(), images, strict=False)):
        if image.ndim == 3 and image.dtype.kind in "iu":
            image = image / 255
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None, interpolation="nearest")
        if titles is not None:
            ax.set_title(titles[index], fontsize=9)
    return fig


def learning_curves(history, metrics=("loss", "accuracy")):
    """Training and validation curves of a Keras ``History`` (or its ``history`` dict).

    One panel per metric, with the validation curve where ``val_<metric>`` exists.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    logs = getattr(history, "history", history)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"history lacks {missing}; it has {sorted(logs)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], label="validation")
        ax.set(xlabel="epoch", ylabel=metric.replace("_", " "))
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        ax.legend()
    return fig


def confusion_matrix_figure(y_true, y_pred, class_names=None, normalize: bool = False):
    """A confusion matrix: row = true class, column = predicted class, with counts.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns
    from sklearn.metrics import confusion_matrix

    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.size} and {y_pred.size}")
    n = int(max(y_true.max(), y_pred.max()) + 1) if class_names is None else len(class_names)
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    matrix = confusion_matrix(y_true, y_pred, labels=range(n))
    shown = matrix / matrix.sum(axis=1, keepdims=True) if normalize else matrix
    fig, ax = plt.subplots(figsize=(0.55 * n + 2.5, 0.5 * n + 1.5))
    sns.heatmap(
        shown,
        annot=True,
        fmt=".2f" if normalize else "d",
        cmap="viridis",
        ax=ax,
        xticklabels=names,
        yticklabels=names,
        cbar_kws={"label": "share" if normalize else "images"},
        annot_kws={"fontsize": 8},
    )
    ax.set(xlabel="predicted class", ylabel="true class")
    ax.grid(False)
    ax.tick_params(axis="x", rotation=45 if max(map(len, names)) > 2 else 0)
    ax.tick_params(axis="y", rotation=0)
    return fig


def probability_grid(images, probabilities, labels, class_names, ncols: int = 4):
    """Each image beside a bar chart of its predicted class probabilities.

    The true class's bar is green when it is also the most probable class, and the
    most probable class's bar red when it is wrong.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np

    images, probabilities = np.asarray(images), np.asarray(probabilities)
    labels = np.asarray(labels).ravel()
    if not len(images) == len(probabilities) == len(labels):
        raise ValueError(
            f"images, probabilities and labels differ in length: "
            f"{len(images)}, {len(probabilities)}, {len(labels)}"
        )
    if probabilities.ndim != 2 or probabilities.shape[1] != len(class_names):
        raise ValueError(
            f"probabilities must be (N, {len(class_names)}); got {probabilities.shape}"
        )
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(
        nrows,
        2 * ncols,
        figsize=(3.6 * ncols, 1.9 * nrows),
        squeeze=False,
        gridspec_kw={"width_ratios": [1, 1.3] * ncols},
    )
    for ax in axes.ravel():
        ax.axis("off")
    for index, (image, p, label) in enumerate(zip(images, probabilities, labels, strict=True)):
        row, col = divmod(index, ncols)
        ax_image, ax_bar = axes[row, 2 * col], axes[row, 2 * col + 1]
        ax_image.imshow(image)
        ax_image.set_title(f"true: {class_names[label]}", fontsize=9)
        guess = int(np.argmax(p))
        colors = ["0.7"] * len(class_names)
        colors[guess] = "tab:green" if guess == label else "tab:red"
        if guess != label:
            colors[label] = "tab:green"
        ax_bar.axis("on")
        ax_bar.barh(range(len(class_names)), p, color=colors)
        ax_bar.set(xlim=(0, 1), yticks=range(len(class_names)))
        ax_bar.set_yticklabels(class_names, fontsize=7)
        ax_bar.invert_yaxis()
        ax_bar.tick_params(axis="x", labelsize=7)
        ax_bar.grid(False)
    return fig


# Matplotlib's HTML player draws its buttons with Font Awesome icons loaded from a CDN;
# offline (a lecture hall, the static site) the buttons would be blank and the browser
# would log a failed request. These glyphs replace the icons with plain text.
_PLAYER_GLYPHS = {
    "fa-minus": "\u2212",  # slower
    "fa-plus": "+",  # faster
    "fa-fast-backward": "\u21e4",  # first frame
    "fa-step-backward": "\u25c1",  # previous frame
    "fa-play": "\u25b6",  # play (flipped: play backwards)
    "fa-pause": "\u275a\u275a",  # pause
    "fa-step-forward": "\u25b7",  # next frame
    "fa-fast-forward": "\u21e5",  # last frame
}
_FONT_AWESOME_LINK = re.compile(r"<link[^>]*font-awesome[^>]*>", re.S)


def plot_accuracy_heatmaps(results, chosen_by: str | None = None):
    """Training accuracy and the accuracy a cell is chosen by, as two annotated heatmaps.

    ``results`` is the table of :func:`cnncourse.grid.grid_search`: a pandas DataFrame
    with the columns ``eta, lmbd, train_accuracy`` and ``chosen_by``, and optionally
    ``diverged``. Values are means over seeds. The right heatmap shows ``chosen_by``
    (default: ``validation_accuracy`` when ``results`` has it, else ``test_accuracy``),
    and its best cell is outlined in both.

    Rows are learning rates, columns L2 factors, tick labels powers of ten. Diverged
    configurations are annotated "div".

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np
    import seaborn as sns
    from matplotlib.patches import Rectangle

    if chosen_by is None:
        has_validation = hasattr(results, "columns") and "validation_accuracy" in results.columns
        chosen_by = "validation_accuracy" if has_validation else "test_accuracy"
    needed = {"eta", "lmbd", "train_accuracy", chosen_by}
    if not hasattr(results, "columns") or not needed <= set(results.columns):
        got = list(results.columns) if hasattr(results, "columns") else type(results).__name__
        raise ValueError(f"results must have the columns {sorted(needed)}; got {got}")
    mean = results.groupby(["eta", "lmbd"]).mean(numeric_only=True)
    diverged = (
        results.groupby(["eta", "lmbd"])["diverged"].any()
        if "diverged" in results
        else mean[chosen_by] * 0 > 0
    )
    etas = sorted(results["eta"].unique())
    lmbds = sorted(results["lmbd"].unique())

    def label(value):
        exponent = np.log10(value)
        return f"$10^{{{exponent:.0f}}}$" if np.isclose(exponent, round(exponent)) else f"{value:g}"

    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    best = mean[chosen_by].idxmax()
    for ax, column in zip(axes, ["train_accuracy", chosen_by], strict=True):
        title = column.replace("_", " ").replace("train ", "training ")
        table = mean[column].unstack("lmbd").reindex(index=etas, columns=lmbds)
        notes = table.map(lambda v: f"{v:.2f}")
        for (eta, lmbd), flag in diverged.items():
            if flag:
                notes.loc[eta, lmbd] = "div"
        sns.heatmap(
            table,
            annot=notes,
            fmt="",
            cmap="viridis",
            vmin=0,
            vmax=1,
            ax=ax,
            cbar_kws={"label": "accuracy"},
            annot_kws={"fontsize": 9},
        )
        ax.set_xticklabels([label(v) for v in lmbds], rotation=0)
        ax.set_yticklabels([label(v) for v in etas], rotation=0)
        ax.set_xlabel(r"L2 factor $\lambda$")
        ax.set_ylabel(r"learning rate $\eta$")
        ax.set_title(title)
        ax.grid(False)
        row, col = etas.index(best[0]), lmbds.index(best[1])
        ax.add_patch(Rectangle((col, row), 1, 1, fill=False, edgecolor="red", lw=3))
    return fig


def offline_jshtml(anim) -> str:
    """The animation as matplotlib's interactive HTML player, with no network request.

    Same as ``anim.to_jshtml()``, except that the player's Font Awesome style sheet
    (fetched from a CDN) is replaced by a few lines of CSS that draw the buttons as
    Unicode glyphs, so that the player works offline and in the course's static site.

    Parameters
    ----------
    anim : matplotlib.animation.Animation

    Returns
    -------
    str
        HTML for ``IPython.display.HTML``.
    """
    html = anim.to_jshtml()
    if not _FONT_AWESOME_LINK.search(html):
        raise ValueError("matplotlib's player no longer links Font Awesome; update offline_jshtml")
    rules = "".join(
        f".anim-buttons .{name}:before,.fa.{name}:before{{content:'{glyph}'}}"
        for name, glyph in _PLAYER_GLYPHS.items()
    )
    style = (
        "<style>.fa{font-style:normal;font-family:'DejaVu Sans',Arial,sans-serif;display:inline-block;"
        "min-width:1em;text-align:center}.fa-flip-horizontal{transform:scaleX(-1)}"
        + rules
        + "</style>"
    )
    return _FONT_AWESOME_LINK.sub(style, html, count=1)


def overlay(
    images,
    maps,
    titles=None,
    ncols: int = 5,
    alpha: float = 0.55,
    cmap: str | None = None,
    size: float = 1.6,
    extent=None,
    signed: bool | None = None,
):
    """Draw explanation maps (saliency, CAM, occlusion) over their images, one panel each.

    Each image is drawn in grey (ink dark), each map on top of it, half transparent,
    stretched over the image (or over ``extent``) with bilinear interpolation, so a
    coarse 7 x 7 map lines up with its 28 x 28 image. Every map gets its own colour
    scale, and its range is written under its title: compare *where* across panels, and
    read *how much* from the numbers.

    A **signed** map (CAM, occlusion: evidence for and against) is drawn with a diverging
    colour map centred on 0, from :math:`-m` to :math:`+m` with :math:`m = \\max|M|`, so
    white means 0, red for and blue against the class. An unsigned map (saliency, Grad-CAM)
    is drawn with the course's sequential map from 0 to its maximum.

    Parameters
    ----------
    images : array_like, shape (N, H, W) or (N, H, W, 1)
    maps : array_like, shape (N, h, w)
        Any resolution; ``h, w`` need not divide ``H, W``.
    titles : sequence of N str, optional
    ncols : int
    alpha : float
        Opacity of the map, in (0, 1].
    cmap : str, optional
        Default: ``"RdBu_r"`` for signed maps, the course's sequential map otherwise.
    size : float
        Inches per panel.
    extent : (left, right, bottom, top), optional
        Where the map lies in the image's pixel coordinates (pixel centres are 0, 1, ...);
        the default covers the whole image, ``(-0.5, W - 0.5, H - 0.5, -0.5)``.
    signed : bool, optional
        Default: True when any map has a negative value.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> fig = overlay(np.zeros((2, 4, 4)), np.ones((2, 2, 2)), titles=["a", "b"])
    >>> len(fig.axes), fig.axes[0].get_title()
    (2, 'a\\n[1, 1]')
    """
    import matplotlib.pyplot as plt
    import numpy as np

    images, maps = np.asarray(images), np.asarray(maps)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(
            f"images must be a non-empty (N, H, W) or (N, H, W, 1) array; got {images.shape}"
        )
    if maps.ndim != 3 or len(maps) != len(images):
        raise ValueError(
            f"maps must be (N, h, w) with N = {len(images)} (one per image); got {maps.shape}"
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image: {len(titles)} for {len(images)}")
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must lie in (0, 1]; got {alpha!r}")
    if signed is None:
        signed = bool(np.nanmin(maps) < 0)
    if cmap is None:
        cmap = "RdBu_r" if signed else CMAP
    height, width = images.shape[1:]
    where = extent if extent is not None else (-0.5, width - 0.5, height - 0.5, -0.5)
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, (size + 0.5) * nrows), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for index, (ax, image, heat) in enumerate(zip(axes.ravel(), images, maps, strict=False)):
        top = float(np.nanmax(np.abs(heat))) if signed else float(np.nanmax(heat))
        top = top if top > 0 else 1.0
        low = -top if signed else min(0.0, float(np.nanmin(heat)))
        ax.imshow(image, cmap="gray_r", interpolation="nearest")
        ax.imshow(
            heat, cmap=cmap, alpha=alpha, interpolation="bilinear", extent=where, vmin=low, vmax=top
        )
        ax.set(xlim=(-0.5, width - 0.5), ylim=(height - 0.5, -0.5))
        scale = f"[{np.nanmin(heat):.3g}, {np.nanmax(heat):.3g}]"
        ax.set_title(scale if titles is None else f"{titles[index]}\n{scale}", fontsize=8)
    return fig
