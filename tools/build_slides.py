"""Turn the executed notebooks into reveal.js slide decks (``make slides``).

Reads ``<build>/notebooks/*.ipynb`` (written by ``make notebooks``) and writes
``<build>/slides/NN_name.slides.html`` with reveal.js and MathJax copied into
``<build>/slides/assets/``: the folder works offline, opened from disk.

Each cell's ``slideshow.slide_type`` (set in the notebook: View > Property Inspector in
JupyterLab) decides where it goes: ``slide`` starts a new slide, ``subslide`` a new one
below it (press the down arrow), ``fragment`` appears on the next key press, ``skip``
stays out of the deck (imports, solutions), ``-`` continues the current slide. Code
cells tagged ``shrink`` are set in a smaller font.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nbconvert import SlidesExporter

from .build_site import read_executed
from .paths import BUILD, lectures
from .web_assets import COMMON, TEMPLATES, copy_mathjax, copy_reveal, copy_stylesheet

WIDTH, HEIGHT = 1280, 720  # the deck's logical size; reveal.js scales it to the screen


def exporter() -> SlidesExporter:
    return SlidesExporter(
        template_name="course_slides",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(COMMON)],
        reveal_url_prefix="assets/reveal.js",
        reveal_theme="white",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def build_slides(executed: Path, out: Path) -> list[Path]:
    """Write one deck per executed notebook in ``executed``; return the decks' paths."""
    notebooks = lectures(executed)
    if not notebooks:
        raise FileNotFoundError(f"no executed notebooks in {executed}: run `make notebooks` first")
    executed_nbs = [read_executed(path) for path in notebooks]  # all read before writing
    out.mkdir(parents=True, exist_ok=True)
    assets = out / "assets"
    resources = {
        "course": {
            "mathjax_url": copy_mathjax(assets),
            "css_url": copy_stylesheet("slides.css", assets),
            "width": WIDTH,
            "height": HEIGHT,
        }
    }
    copy_reveal(assets)
    decks = []
    export = exporter()
    for path, nb in zip(notebooks, executed_nbs, strict=True):
        html, _ = export.from_notebook_node(
            nb, resources={**resources, "metadata": {"name": path.stem}}
        )
        deck = out / f"{path.stem}.slides.html"
        deck.write_text(html, encoding="utf-8")
        decks.append(deck)
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=BUILD, help="the folder make notebooks wrote")
    args = parser.parse_args(argv)
    try:
        decks = build_slides(args.build / "notebooks", args.build / "slides")
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"{len(decks)} slide decks in {args.build / 'slides'}; open one in a browser, press ? for keys"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
