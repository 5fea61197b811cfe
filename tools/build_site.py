"""Build the static course site from the executed notebooks (``make site``).

Reads ``<build>/notebooks/*.ipynb`` and ``<build>/status.json`` (both written by
``make notebooks``, which also calls this) and writes ``<build>/site/``:

* ``index.html``: the course sequence, each lecture with its summary and learning goals,
  and the first figure it draws;
* ``lectures/NN_name.html``: each executed notebook as a page, figures included;
* ``status.html``: each notebook's run time, status, mode and headline figures, and the
  versions of Python and the packages the notebooks ran with;
* ``assets/``: the style sheet and a local MathJax, so the site works offline.
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters import markdown2html

from . import records
from .make_student import student_copy
from .paths import BUILD, scrub_paths
from .paths import lectures as lecture_paths
from .web_assets import COMMON, TEMPLATES, copy_mathjax, copy_stylesheet

TITLE = "Convolutional neural networks: the mathematics and the practice"
NUMBER_WORDS = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen".split()
)
# what a notebook's entry shows when status.json has none for it (a run of other notebooks only)
NOT_RUN = {"status": "not run", "seconds": None, "headlines": {}, "detail": ""}


def count_in_words(n: int) -> str:
    """``12`` -> ``"Twelve"``: counts on the site are generated from the lecture list."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def scrub_outputs(nb):
    """``nb`` with the build machine's folders taken out of every text output, in place.

    Paths read relative to the repository, as ``~/...`` or ``$TMPDIR/...``
    (:func:`tools.paths.scrub_paths`): a page never shows where it was built.
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"] = scrub_paths(output["text"])
            for key in ("evalue", "ename"):
                if key in output:
                    output[key] = scrub_paths(output[key])
            if "traceback" in output:
                output["traceback"] = [scrub_paths(line) for line in output["traceback"]]
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") or mime in ("application/javascript", "image/svg+xml"):
                    output["data"][mime] = scrub_paths(value) if isinstance(value, str) else value
    return nb


def read_executed(path: Path):
    """Read an executed notebook, its outputs scrubbed of machine paths (:func:`scrub_outputs`).

    ValueError naming the file and what to do if it is damaged.
    """
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # NotJSONError, a validation error, an unreadable file
        reason = " ".join(str(error).split())[:120] or type(error).__name__
        raise ValueError(
            f"{path} is not a readable notebook ({type(error).__name__}: {reason}): "
            f"run `python -m tools.run_notebooks notebooks/{path.name}` (or `make notebooks`) again"
        ) from None
    return scrub_outputs(nb)


def read_status(status_file: Path) -> dict:
    """``status.json`` as written by ``make notebooks``, checked; the course's error otherwise.

    FileNotFoundError if it is missing, ValueError if it is not JSON (a run that was cut
    off), lacks ``"mode"`` or its ``"notebooks"`` list. Fields the pages show but a
    record lacks are filled in (``"unknown"``, no headlines).
    """
    again = "run `make notebooks` again to rewrite it"
    if not status_file.is_file():
        raise FileNotFoundError(f"{status_file} is missing: run `make notebooks` first")
    try:
        status = json.loads(status_file.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(
            f"{status_file} is not valid JSON ({error}; a run cut off?): {again}"
        ) from None
    if not isinstance(status, dict) or not isinstance(status.get("mode"), str):
        raise ValueError(f'{status_file} has no "mode" (quick or full): {again}')
    entries = status.get("notebooks")
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("notebook"), str) for e in entries
    ):
        raise ValueError(
            f'{status_file} has no "notebooks" list of {{"notebook": name, ...}} entries: {again}'
        )
    for key, default in (("finished", "unknown"), ("python", "unknown"), ("platform", "unknown")):
        status.setdefault(key, default)
    status.setdefault("packages", {})
    status["notebooks"] = [{**NOT_RUN, "mode": status["mode"], **entry} for entry in entries]
    for entry in status["notebooks"]:  # a failing cell's message may name a machine path
        if isinstance(entry["detail"], str):
            entry["detail"] = scrub_paths(entry["detail"])
    return status


@dataclass
class Lecture:
    """What the index shows of one notebook."""

    stem: str
    number: str
    title: str
    summary_html: str
    goals_html: str
    figure: str | None = None  # file name under site/figures/
    status: dict = field(default_factory=dict)
    full: dict | None = None  # the recorded full-mode run, shown beside a quick-mode one

    @property
    def page(self) -> str:
        return f"lectures/{self.stem}.html"


def _first_markdown(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            return cell.source
    raise ValueError("a lecture notebook starts with a markdown cell holding its title")


def describe(nb, stem: str) -> Lecture:
    """Title, first paragraph and learning goals, read from the notebook's first cell."""
    try:
        text = _first_markdown(nb)
    except ValueError as error:
        raise ValueError(f"{stem}.ipynb: {error}; it has none") from None
    heading = re.match(r"#\s+(\d\d)\s*·\s*(.+)", text)
    if heading:
        number, title = heading.groups()
    else:  # not a course lecture's "# NN · Title": fall back on the file name
        heading = re.match(r"#*\s*(.*)", text)
        number, title = stem[:2], heading.group(1) or stem
    paragraphs = [p.strip() for p in text[heading.end() :].split("\n\n") if p.strip()]
    summary = paragraphs[0] if paragraphs else ""
    goals = ""
    for k, paragraph in enumerate(paragraphs):
        if paragraph.startswith("**Learning goals.**"):
            goals = "\n\n".join(paragraphs[k:])
            break
    if not goals and len(paragraphs) > 1:  # the setup notebook lists what it checks instead
        goals = "\n\n".join(paragraphs[1:])
    return Lecture(stem, number, title.strip(), markdown2html(summary), markdown2html(goals))


# a figure flatter than this (a row of digits, 1211 x 150) is an unreadable strip at thumbnail size
STRIP_RATIO = 0.3


def _png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk, which every PNG starts with."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        return (0, 0)
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def first_figure(nb) -> bytes | None:
    """The figure the index shows as the lecture's thumbnail, or None if it draws none.

    The first PNG of a cell tagged ``thumbnail`` if there is one; else the first PNG
    that is not a strip (height at least ``STRIP_RATIO`` of the width); else the first PNG.
    """
    tagged, figures = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                figures.append(base64.b64decode(png))
                if "thumbnail" in (cell.get("metadata", {}).get("tags") or []):
                    tagged.append(figures[-1])
    if tagged:
        return tagged[0]
    for png in figures:
        width, height = _png_size(png)
        if width and height >= STRIP_RATIO * width:
            return png
    return figures[0] if figures else None


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(COMMON)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )


def build_site(build: Path, *, student: bool = False, record: Path = records.RECORD) -> Path:
    """Write ``build/site/`` from ``build/notebooks/`` and ``build/status.json``; return the index.

    The worked solutions are on the pages, each collapsed behind "Show the worked
    solution". With ``student=True`` the site goes to ``build/student-site/`` with no
    solution cells at all (the student copies of :mod:`tools.make_student`), for hosting
    while a course runs. A quick-mode page shows, beside its own headlines, those of the
    full-mode run in ``record`` (:mod:`tools.records`), with its date.
    """
    executed = build / "notebooks"
    paths = lecture_paths(executed)
    if not paths:
        raise FileNotFoundError(f"no executed notebooks in {executed}: run `make notebooks` first")
    status = read_status(build / "status.json")
    recorded = records.load(record)["notebooks"]
    by_name = {entry["notebook"]: entry for entry in status["notebooks"]}

    notebooks = [read_executed(path) for path in paths]  # every input read before writing
    if student:
        try:
            notebooks = [student_copy(nb) for nb in notebooks]
        except ValueError as error:
            raise ValueError(f"the student site cannot be built: {error}") from None
    lectures = [describe(nb, path.stem) for path, nb in zip(paths, notebooks, strict=True)]
    site = build / ("student-site" if student else "site")
    for folder in ("lectures", "figures", "assets"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    mathjax = copy_mathjax(site / "assets")
    css = copy_stylesheet("site.css", site / "assets")

    for path, nb, lecture in zip(paths, notebooks, lectures, strict=True):
        lecture.status = by_name.get(path.name, {**NOT_RUN, "mode": status["mode"]})
        if lecture.status["mode"] != "full":
            lecture.full = recorded.get(path.name, {}).get("full")
        png = first_figure(nb)
        if png:
            lecture.figure = f"{path.stem}.png"
            (site / "figures" / lecture.figure).write_bytes(png)

    exporter = HTMLExporter(
        template_name="course_page",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(COMMON)],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    for k, (lecture, nb) in enumerate(zip(lectures, notebooks, strict=True)):
        neighbours = {
            "previous": {"url": lectures[k - 1].stem + ".html", "title": lectures[k - 1].title}
            if k
            else None,
            "next": {"url": lectures[k + 1].stem + ".html", "title": lectures[k + 1].title}
            if k + 1 < len(lectures)
            else None,
        }
        resources = {
            "metadata": {"name": f"{lecture.number} · {lecture.title}"},
            "course": {
                "mathjax_url": "../" + mathjax if mathjax else "",
                "css_url": "../" + css,
                "index_url": "../index.html",
                "status_url": "../status.html",
                "mode": status["mode"],
                "headlines": lecture.status["headlines"],
                "full": lecture.full,
                **neighbours,
            },
        }
        html, _ = exporter.from_notebook_node(nb, resources=resources)
        (site / lecture.page).write_text(html, encoding="utf-8")

    env = _environment()
    common = {
        "title": TITLE,
        "css_url": css,
        "mathjax_url": mathjax,
        "status": status,
        "lectures": lectures,
        "lecture_count": count_in_words(len(lectures)),
    }
    (site / "index.html").write_text(
        env.get_template("site_index.html.j2").render(**common), encoding="utf-8"
    )
    (site / "status.html").write_text(
        env.get_template("site_status.html.j2").render(**common), encoding="utf-8"
    )
    return site / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=BUILD, help="the folder make notebooks wrote")
    parser.add_argument(
        "--student",
        action="store_true",
        help="build the student site, <build>/student-site/, with no worked solutions",
    )
    args = parser.parse_args(argv)
    try:
        index = build_site(args.build, student=args.student)
    except (FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Course site: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
