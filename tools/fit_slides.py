"""Place the slide breaks of the lectures so that every slide fits (maintainers' tool).

This tool EDITS THE LECTURE SOURCES in ``notebooks/``: it rewrites each cell's slide
metadata. It refuses to run while ``notebooks/`` has uncommitted changes (so that its
edits can be reviewed with ``git diff`` and undone), unless ``--force`` is given.
Run after ``make notebooks`` whenever a lecture's cells change::

    .venv/bin/python -m tools.fit_slides            # every lecture
    .venv/bin/python -m tools.fit_slides 04         # one

It renders each executed notebook (``build/notebooks/``) as a deck with one cell per
slide, measures every cell's height in headless Chromium, and then writes each cell's
``slideshow.slide_type`` into ``notebooks/NN_*.ipynb``:

* a ``#`` or ``##`` heading starts a new slide (a new column of the deck);
* the following cells share that slide while they fit, then continue on a ``subslide``
  below it;
* a check cell (tagged ``check``) is a ``fragment`` where it fits under its exercise;
* cells marked ``skip`` stay skipped (imports, seeds, solutions);
* a cell too tall for a slide on its own is tagged ``shrink`` (smaller type, smaller
  figures).

The result can be adjusted by hand in JupyterLab (Property Inspector, "Slide Type");
``tests/test_course_build.py`` checks in Chromium that no slide overflows.
"""

from __future__ import annotations

import argparse
import copy
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .browser_check import find_chromium
from .build_slides import HEIGHT, WIDTH, exporter
from .paths import BUILD, NOTEBOOKS, ROOT, lectures
from .web_assets import copy_mathjax, copy_reveal, copy_stylesheet

BUDGET = 0.9 * HEIGHT  # room for a slide's content, leaving a margin at the bottom
HARD_LIMIT = 0.97 * HEIGHT  # what still fits, without that margin

# courseContentHeight is the deck's own measure (course_slides template)
_HEIGHTS_JS = """
() => Reveal.getSlides().map(slide => {
  const where = Reveal.getIndices(slide);
  Reveal.slide(where.h, where.v);
  slide.style.zoom = "";
  return courseContentHeight(slide);
})
"""


def _tags(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def starts_section(cell) -> bool:
    return cell.cell_type == "markdown" and bool(re.match(r"\s*#{1,2} ", cell.source))


def measure(nb, browser) -> list[float]:
    """Height in deck pixels of every shown cell, each on a slide of its own."""
    single = copy.deepcopy(nb)
    for cell in single.cells:
        if _slide_type(cell) != "skip":
            cell.metadata["slideshow"] = {"slide_type": "slide"}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        resources = {
            "course": {
                "mathjax_url": copy_mathjax(out / "assets"),
                "css_url": copy_stylesheet("slides.css", out / "assets"),
                "width": WIDTH,
                "height": HEIGHT,
            }
        }
        copy_reveal(out / "assets")
        html, _ = exporter().from_notebook_node(
            single, resources={**resources, "metadata": {"name": "measure"}}
        )
        deck = out / "measure.html"
        deck.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.goto(deck.as_uri(), wait_until="load")
        page.wait_for_function(
            "() => document.documentElement.dataset.mathjax === 'done' && Reveal.isReady()",
            timeout=60_000,
        )
        heights = page.evaluate(_HEIGHTS_JS)
        page.close()
    shown = [c for c in nb.cells if _slide_type(c) != "skip"]
    if len(heights) != len(shown):
        raise RuntimeError(f"{len(heights)} slides for {len(shown)} shown cells")
    return heights


def place_breaks(nb, heights: list[float]) -> dict[str, tuple[str, bool]]:
    """Slide type and shrink flag for each shown cell's id, packing cells greedily.

    ``heights`` are the cells' heights as the notebook's ``shrink`` tags make them.
    """
    plan = {}
    shown = [c for c in nb.cells if _slide_type(c) != "skip"]
    used, alone = 0.0, None  # alone: the slide so far is one markdown cell
    for k, (cell, height) in enumerate(zip(shown, heights, strict=True)):
        shrink = "shrink" in _tags(cell)
        if k == 0 or starts_section(cell):
            kind, used = "slide", height
        elif used + height <= BUDGET or (alone and used + height <= HARD_LIMIT):
            # a lone sentence stays with what it introduces if the two fit at all
            kind = "fragment" if "check" in _tags(cell) else "-"
            used += height
        else:
            kind, used = "subslide", height
        alone = kind in ("slide", "subslide") and cell.cell_type == "markdown"
        plan[cell.id] = (kind, shrink)
    return plan


def apply(source: Path, plan: dict[str, tuple[str, bool]]) -> int:
    """Write the plan into the source notebook; return how many cells changed."""
    nb = nbformat.read(source, as_version=4)
    changed = 0
    for cell in nb.cells:
        if cell.id not in plan:
            continue
        kind, shrink = plan[cell.id]
        tags = [t for t in _tags(cell) if t != "shrink"] + (["shrink"] if shrink else [])
        before = (_slide_type(cell), _tags(cell))
        cell.metadata["slideshow"] = {"slide_type": kind}
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
        changed += before != (kind, tags)
    nbformat.write(nb, source)
    return changed


def uncommitted_sources() -> list[str]:
    """Lecture sources with changes git has not committed (``[]`` outside a git checkout)."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--", str(NOTEBOOKS)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return []
    return [line[3:] for line in done.stdout.splitlines() if line.endswith(".ipynb")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0]
        + " It edits the slide metadata of notebooks/*.ipynb in place."
    )
    parser.add_argument("lectures", nargs="*", help="lecture numbers, e.g. 04 (default: all)")
    parser.add_argument("--build", type=Path, default=BUILD)
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even though notebooks/ has uncommitted changes (they get mixed with this tool's)",
    )
    args = parser.parse_args(argv)
    dirty = uncommitted_sources()
    if dirty and not args.force:
        print(
            f"notebooks/ has uncommitted changes ({', '.join(dirty)}): commit them first, so that this "
            "tool's edits of the slide metadata can be reviewed, or pass --force",
            file=sys.stderr,
        )
        return 2
    from playwright.sync_api import sync_playwright

    executed = lectures(args.build / "notebooks")
    if args.lectures:
        executed = [p for p in executed if p.name[:2] in args.lectures]
    if not executed:
        print("no executed notebooks: run `make notebooks` first", file=sys.stderr)
        return 1
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=find_chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        for path in executed:
            nb = nbformat.read(path, as_version=4)
            # first pass, unshrunk: which cells are too tall alone; second: heights once shrunk
            for cell in nb.cells:
                cell.metadata["tags"] = [t for t in _tags(cell) if t != "shrink"]
            for cell, height in zip(
                [c for c in nb.cells if _slide_type(c) != "skip"], measure(nb, browser), strict=True
            ):
                tags = [t for t in _tags(cell) if t != "shrink"]
                cell.metadata["tags"] = tags + (
                    ["shrink"] if height > BUDGET and cell.cell_type == "code" else []
                )
            plan = place_breaks(nb, measure(nb, browser))
            changed = apply(NOTEBOOKS / path.name, plan)
            slides = sum(kind in ("slide", "subslide") for kind, _ in plan.values())
            shrunk = sum(shrink for _, shrink in plan.values())
            print(f"{path.stem}: {slides} slides, {shrunk} cells shrunk, {changed} cells changed")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
