"""Open course pages in headless Chromium and report what a reader would see go wrong.

For each page: console errors, failed requests, requests that leave the machine (the
site and the slides must work offline), images that did not load, and a screenshot.
For a reveal.js deck it also visits every slide and measures whether its content fits
the slide (``make slides`` promises that no slide overflows).

Used by ``tests/test_course_build.py``; run it by hand to look at the screenshots::

    .venv/bin/python -m tools.browser_check build/site/index.html build/slides/04_*.html --out build/screenshots
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")

# a slide's content may exceed its box by this many logical pixels (borders, rounding)
OVERFLOW_TOLERANCE = 2
# pages up to this height (CSS pixels) are screenshot whole
FULL_PAGE_LIMIT = 6000
# the deck shrinks a slide that is still too tall (course_slides template); below this
# factor the type gets too small to read from the back of a lecture hall
MIN_ZOOM = 0.75


@dataclass
class PageReport:
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    overflowing_slides: list[dict] = field(default_factory=list)
    slides: int = 0
    zooms: list[float] = field(default_factory=list)  # 1 where a slide fits unshrunk
    screenshots: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        found = [f"console error: {m}" for m in self.console_errors]
        found += [f"request failed: {r}" for r in self.failed_requests]
        found += [f"request left the machine: {r}" for r in self.external_requests]
        found += [f"image did not load: {s}" for s in self.broken_images]
        found += [
            f"slide {s['index']} overflows or is shrunk below {MIN_ZOOM}: {s}"
            for s in self.overflowing_slides
        ]
        return found


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


_IMAGES_JS = """
() => Array.from(document.images).map(img => ({
  src: img.currentSrc.slice(0, 120), complete: img.complete, width: img.naturalWidth
}))
"""

_SLIDES_JS = """
() => {
  const leaves = Reveal.getSlides();
  return leaves.length;
}
"""

# content height of the current slide, in the deck's logical pixels, against the slide box;
# measured here independently of the deck's own courseContentHeight, which it checks
_FIT_JS = """
() => {
  const slide = Reveal.getCurrentSlide();
  const config = Reveal.getConfig();
  const scale = Reveal.getScale();
  const box = slide.getBoundingClientRect();
  let bottom = box.top, right = box.left;
  for (const el of slide.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    bottom = Math.max(bottom, r.bottom);
    right = Math.max(right, r.right);
  }
  const wide = Array.from(slide.querySelectorAll("pre, .jp-OutputArea-output, table"))
    .filter(el => el.scrollWidth > el.clientWidth + 1).length;
  const indices = Reveal.getIndices();
  const heading = slide.querySelector("h1, h2, h3, p");
  return {
    h: indices.h, v: indices.v,
    height: Math.round((bottom - box.top) / scale),
    width: Math.round((right - box.left) / scale),
    limit_height: config.height, limit_width: config.width,
    scrolling_blocks: wide,
    text: heading ? heading.textContent.trim().slice(0, 60) : "",
    zoom: parseFloat(slide.style.zoom || "1")
  };
}
"""

# show slide ``index`` (its last fragment too), then measure it as _FIT_JS does
_GO_TO_AND_FIT_JS = f"""
(index) => {{
  const indices = Reveal.getIndices(Reveal.getSlides()[index]);
  Reveal.slide(indices.h, indices.v, Number.MAX_SAFE_INTEGER);
  return ({_FIT_JS.strip()})();
}}"""


def check_pages(
    paths,
    out: Path,
    *,
    chromium: str | None = None,
    slides_screenshots: int = 3,
    viewport=(1280, 800),
) -> list[PageReport]:
    """Open each page (a file path) in headless Chromium and report on it."""
    from playwright.sync_api import sync_playwright

    executable = chromium or find_chromium()
    if executable is None:
        raise FileNotFoundError(
            "no Chromium found: install Debian's `chromium` package (.ci/run does)"
        )
    out.mkdir(parents=True, exist_ok=True)
    reports = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for path in paths:
                reports.append(
                    _check_one(browser, Path(path).resolve(), out, slides_screenshots, viewport)
                )
        finally:
            browser.close()
    return reports


def _check_one(browser, path: Path, out: Path, slides_screenshots: int, viewport) -> PageReport:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    report = PageReport(path.as_uri())
    page.on(
        "console",
        lambda msg: report.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: report.console_errors.append(f"uncaught: {exc}"))
    page.on(
        "requestfailed",
        lambda req: report.failed_requests.append(f"{req.url[:120]} ({req.failure})"),
    )

    def on_request(request):
        if not request.url.startswith(("file:", "data:", "blob:", "about:")):
            report.external_requests.append(request.url[:120])

    page.on("request", on_request)
    page.goto(report.url, wait_until="load")
    # MathJax marks the page when it has typeset everything (see course_mathjax.html.j2)
    try:
        page.wait_for_function(
            "() => !window.MathJax || document.documentElement.dataset.mathjax === 'done'",
            timeout=60_000,
        )
    except PlaywrightTimeout:
        report.console_errors.append("MathJax did not finish typesetting within 60 s")
    images = page.evaluate(_IMAGES_JS)
    report.images = len(images)
    report.broken_images = [
        img["src"] for img in images if not img["complete"] or img["width"] == 0
    ]
    stem = path.name.split(".")[0]
    is_deck = page.evaluate("() => typeof Reveal !== 'undefined'")
    if not is_deck:
        shot = out / f"{stem}.png"
        # the whole page where it is not too long to look at, else the first screen
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.screenshot(path=str(shot), full_page=height <= FULL_PAGE_LIMIT)
        report.screenshots.append(str(shot))
    else:
        page.wait_for_function("Reveal.isReady()", timeout=30_000)
        report.slides = page.evaluate(_SLIDES_JS)
        for index in range(report.slides):
            # one round trip per slide: the deck fits a slide on "slidechanged", which
            # Reveal dispatches before slide() returns, and reading the boxes lays it out
            fit = page.evaluate(_GO_TO_AND_FIT_JS, index)
            fit["index"] = index
            report.zooms.append(fit["zoom"])
            if (
                fit["height"] > fit["limit_height"] + OVERFLOW_TOLERANCE
                or fit["width"] > fit["limit_width"] + OVERFLOW_TOLERANCE
                or fit["scrolling_blocks"]
                or fit["zoom"] < MIN_ZOOM
            ):
                report.overflowing_slides.append(fit)
            if index < slides_screenshots:
                shot = out / f"{stem}.slide{index:02d}.png"
                page.screenshot(path=str(shot))
                report.screenshots.append(str(shot))
    page.close()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build/screenshots"))
    parser.add_argument(
        "--slides-screenshots",
        type=int,
        default=3,
        help="screenshots of the first N slides of a deck",
    )
    args = parser.parse_args(argv)
    reports = check_pages(args.pages, args.out, slides_screenshots=args.slides_screenshots)
    failed = False
    for report in reports:
        shrunk = sum(z < 1 for z in report.zooms)
        print(
            f"{report.url}: {report.images} images, {report.slides} slides ({shrunk} shrunk to fit), "
            f"{len(report.problems)} problems"
        )
        for problem in report.problems:
            print("   ", problem)
        failed = failed or bool(report.problems)
    (args.out / "report.json").write_text(
        json.dumps([r.__dict__ for r in reports], indent=2, default=str)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
