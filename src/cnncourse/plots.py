"""The course's figure style, set once for every lecture.

Plotting helpers take results and return the matplotlib ``Figure``; computing
functions never plot.
"""

from __future__ import annotations

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
        Show it inline with ``IPython.display.HTML(animation.to_jshtml())`` (no ffmpeg
        needed); the figure is closed so that it is not shown a second time.
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
