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
