"""The whole course, built the way an instructor builds it, and opened in a real browser.

A session fixture executes every notebook (in the mode CNNCOURSE_QUICK selects) with
the kernel kept alive, so that after the last cell it can run each exercise's stub
again and then its check: the check must fail on the stub. The executed notebooks then
feed the same builders as ``make site``, ``make slides`` and ``make student``, and
headless Chromium opens the site and the decks.

Screenshots land in ``build/test-screenshots/``: look at them.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
from pathlib import Path

import browser_check as browser
import build_site as site_builder
import build_slides as slides_builder
import make_student as student
import nbformat
import pytest
import run_notebooks as runner
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from cnncourse import config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SCREENSHOTS = ROOT / "build" / "test-screenshots"


def execute_and_probe(path: Path) -> tuple[nbformat.NotebookNode, float, list[str]]:
    """Run the notebook; then, in the same kernel, each exercise's stub and check again.

    Returns the executed notebook, its run time, and the error name each probed check
    raised (``""`` where a check passed on the stub, which is a defect).
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    probes = []
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        for stub, _, check in student.exercises(nb):
            client.execute_cell(copy.deepcopy(nb.cells[stub]), stub)
            try:
                client.execute_cell(copy.deepcopy(nb.cells[check]), check)
                probes.append("")
            except CellExecutionError as error:
                probes.append(error.ename)
    return nb, seconds, probes


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """Every notebook executed and probed; a build folder like the one make notebooks writes."""
    os.environ["MPLBACKEND"] = runner.INLINE_BACKEND     # figures, as in make notebooks
    build = tmp_path_factory.mktemp("build")
    (build / "notebooks").mkdir()
    executed, probes, results = {}, {}, []
    for path in NOTEBOOKS:
        nb, seconds, probed = execute_and_probe(path)
        nbformat.write(nb, build / "notebooks" / path.name)
        executed[path.name], probes[path.name] = nb, probed
        results.append({"notebook": path.name, "mode": config.settings().mode, "seconds": round(seconds, 1),
                        "status": "ok", "detail": "", "headlines": runner.headlines_of(nb)})
    (build / "status.json").write_text(json.dumps(runner.status_document(config.settings().mode, results)))
    return {"build": build, "executed": executed, "probes": probes}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_passes_with_the_solution_and_fails_on_the_stub(course, path):
    nb = course["executed"][path.name]
    found = student.exercises(nb)
    for _, _, check in found:
        printed = "".join(o.get("text", "") for o in nb.cells[check].outputs if o.output_type == "stream")
        assert "passed" in printed, f"check cell {check} ran after the solution without saying it passed"
    assert course["probes"][path.name] == ["ExerciseNotDone"] * len(found), \
        "each check, run again after its stub, must fail with ExerciseNotDone"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executed_student_copy_differs_only_by_the_removed_solutions(course, path):
    full = course["executed"][path.name]
    copy_ = student.student_copy(full)
    solutions = [c for c in full.cells if "solution" in c.metadata.get("tags", [])]
    assert [c for c in full.cells if c not in solutions] == copy_.cells
    assert len(copy_.cells) + len(solutions) == len(full.cells)
    # and the student copy of the source is the source minus the same cells
    source = nbformat.read(path, as_version=4)
    assert [c.id for c in student.student_copy(source).cells] == [c.id for c in copy_.cells]


def test_site_has_index_status_and_a_page_per_lecture(course):
    index = site_builder.build_site(course["build"])
    site = index.parent
    html = index.read_text()
    for path in NOTEBOOKS:
        assert (site / "lectures" / f"{path.stem}.html").is_file()
        assert f'href="lectures/{path.stem}.html"' in html
    assert html.count("Learning goals") >= len(NOTEBOOKS) - 1      # the setup notebook lists checks instead
    status = (site / "status.html").read_text()
    assert "keras" in status and "Run time (s)" in status
    for entry in json.loads((course["build"] / "status.json").read_text())["notebooks"]:
        assert entry["notebook"][:2] in status
    assert "cdn" not in html.lower() and "https://" not in html


def test_slides_build_offline(course):
    decks = slides_builder.build_slides(course["build"] / "notebooks", course["build"] / "slides")
    assert len(decks) == len(NOTEBOOKS)
    for deck in decks:
        text = deck.read_text()
        assert "assets/reveal.js/dist/reveal.js" in text
        assert "unpkg.com" not in text and "cdnjs" not in text and "bootstrapcdn" not in text


@pytest.fixture(scope="session")
def chromium():
    path = browser.find_chromium()
    if path is None:
        if os.environ.get("CNNCOURSE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (CNNCOURSE_REQUIRE_BROWSER) but not installed")
        pytest.skip("no Chromium: install Debian's `chromium` package to run the browser test")
    return path


def test_site_and_slides_in_chromium(course, chromium):
    """Index, status and every lecture page, and every deck: no console error, every image
    loaded, nothing fetched from the network, no slide overflowing."""
    build = course["build"]
    if not (build / "site" / "index.html").is_file():
        site_builder.build_site(build)
    if not (build / "slides").is_dir():
        slides_builder.build_slides(build / "notebooks", build / "slides")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    pages = [build / "site" / "index.html", build / "site" / "status.html"]
    pages += sorted((build / "site" / "lectures").glob("*.html"))
    pages += sorted((build / "slides").glob("*.slides.html"))
    reports = browser.check_pages(pages, SCREENSHOTS, chromium=chromium, slides_screenshots=2)
    problems = {report.url.rsplit("/", 1)[-1]: report.problems for report in reports if report.problems}
    assert not problems, json.dumps(problems, indent=1)
    by_name = {report.url.rsplit("/", 1)[-1]: report for report in reports}
    assert by_name["index.html"].images >= len(NOTEBOOKS) - 1, "a figure per lecture on the index"
    deck = by_name["04_convolution_in_2d.slides.html"]
    assert deck.slides >= 10 and deck.images >= 3
    assert all(Path(shot).stat().st_size > 10_000 for report in reports for shot in report.screenshots)
