"""The whole course, built the way an instructor builds it, and opened in a real browser.

The notebooks are executed once per test run, by nbval (``notebooks/conftest.py`` keeps
what it executed and, in the same kernel, runs each exercise's stub and then its check
again: the check must fail on the stub) and written to ``build/test-records/``. The test
run has two processes: these tests run in the one that executed the long lectures, and the
other executed the short ones. These tests build the student copies, the site
and the decks from those executed notebooks, and headless Chromium opens the site and the
decks. Run on their own (``pytest tests/test_course_build.py``), they execute the course
first with the same settings (:mod:`tools.execution`).

What the run built stays in ``build/test-run/`` (executed notebooks, ``status.json`` with
each notebook's time under nbval, site, decks); screenshots land in
``build/test-screenshots/``: look at them.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from cnncourse import config
from tools import browser_check as browser
from tools import build_site as site_builder
from tools import build_slides as slides_builder
from tools import execution
from tools import make_student as student
from tools import run_notebooks as runner
from tools.paths import BUILD, lectures

pytestmark = pytest.mark.slow
NOTEBOOKS = lectures()
# seconds to wait for a notebook's record; the other test process runs the short lectures
# first (conftest.py at the root), so in a normal run there is nothing to wait for
RECORD_WAIT = 900
SCREENSHOTS = BUILD / "test-screenshots"
_WRONG_FILE = Path(__file__).with_name("wrong_answers.py")
WRONG_ANSWERS = runpy.run_path(str(_WRONG_FILE))["WRONG_ANSWERS"] if _WRONG_FILE.is_file() else {}


def execute_and_probe(path: Path) -> execution.Executed:
    """Run the notebook; then, in the same kernel, each exercise's stub and check again."""
    nb = nbformat.read(path, as_version=4)
    client = execution.client(nb, path.parent)
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        probes, wrong = execution.probe_exercises(
            client.kc, nb, student.exercises(nb), WRONG_ANSWERS.get(path.name)
        )
    return execution.Executed(
        nb=nb, seconds=seconds, complete=True, probes=probes, source=str(path), wrong_accepted=wrong
    )


@pytest.fixture(scope="session")
def course(request):
    """Every notebook executed and probed (by nbval in this run, or here); a build folder
    like the one make notebooks writes: ``build/test-run/`` (notebooks, status, site, decks)."""
    build = BUILD / "test-run"
    shutil.rmtree(build, ignore_errors=True)
    (build / "notebooks").mkdir(parents=True)
    # the notebooks nbval runs in this session, in this process or in the other one
    under_nbval = {item.path.name for item in request.session.items if item.path.suffix == ".ipynb"}
    executed, probes, wrong, results = {}, {}, {}, []
    for path in NOTEBOOKS:
        if path.name in under_nbval:  # in this process or in the other one
            run = execution.wait_for_record(path.name, timeout=RECORD_WAIT)
        else:  # nbval does not run it in this session
            run = execute_and_probe(path)
        assert run.complete, f"{path.name} failed under nbval: see its failing cell above"
        nbformat.write(run.nb, build / "notebooks" / path.name)
        executed[path.name], probes[path.name], wrong[path.name] = (
            run.nb,
            run.probes,
            run.wrong_accepted,
        )
        results.append(runner.result(path, run.seconds, "ok", "", run.nb))
    runner.write_status(build, config.settings().mode, results, partial=False)
    return {"build": build, "executed": executed, "probes": probes, "wrong": wrong}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_passes_with_the_solution_and_fails_on_the_stub(course, path):
    nb = course["executed"][path.name]
    found = student.exercises(nb)
    for _, _, check in found:
        printed = "".join(
            o.get("text", "") for o in nb.cells[check].outputs if o.output_type == "stream"
        )
        assert "passed" in printed, (
            f"check cell {check} ran after the solution without saying it passed"
        )
    assert course["probes"][path.name] == ["ExerciseNotDone"] * len(found), (
        "each check, run again after its stub, must fail with ExerciseNotDone"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_rejects_plausible_wrong_answers(course, path):
    """tests/wrong_answers.py: each answer replaces the solution, then the check must fail."""
    assert not course["wrong"][path.name], "\n\n".join(course["wrong"][path.name])


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
    assert (
        html.count("Learning goals") >= len(NOTEBOOKS) - 1
    )  # the setup notebook lists checks instead
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


def test_no_page_or_deck_shows_the_build_machines_folders(course):
    """Paths in outputs read relative to the repository or as ~/...: never this machine's."""
    from tests.test_site_tools import machine_paths

    build = course["build"]
    site_builder.build_site(build)
    slides_builder.build_slides(build / "notebooks", build / "slides")
    pages = [*(build / "site").rglob("*.html"), *(build / "slides").glob("*.slides.html")]
    assert len(pages) >= 2 * len(NOTEBOOKS)
    found = {page.name: machine_paths(page.read_text()) for page in pages}
    assert not any(found.values()), {name: hits for name, hits in found.items() if hits}


def test_the_notebooks_themselves_print_no_machine_folders(course):
    """What a student sees in JupyterLab (outputs not scrubbed): paths relative to the
    repository or as ~/..., printed so by the notebooks and config.shown_path."""
    from tests.test_site_tools import machine_paths

    found = {}
    for path in sorted((course["build"] / "notebooks").glob("*.ipynb")):
        for k, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                data = {mime: data[mime] for mime in data if not mime.startswith("image/")}
                text = json.dumps([output.get("text", ""), data, output.get("traceback", "")])
                hits = machine_paths(text)
                if hits:
                    found[f"{path.name} cell {k}"] = hits
    assert not found, found


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
    problems = {
        report.url.rsplit("/", 1)[-1]: report.problems for report in reports if report.problems
    }
    assert not problems, json.dumps(problems, indent=1)
    by_name = {report.url.rsplit("/", 1)[-1]: report for report in reports}
    assert by_name["index.html"].images >= len(NOTEBOOKS) - 1, "a figure per lecture on the index"
    deck = by_name["04_convolution_in_2d.slides.html"]
    assert deck.slides >= 10 and deck.images >= 3
    assert all(
        Path(shot).stat().st_size > 10_000 for report in reports for shot in report.screenshots
    )
