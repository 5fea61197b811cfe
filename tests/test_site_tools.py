"""The site and slide builders on small made-up notebooks: fast, no kernel, no browser."""

import base64
import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import build_site as site
from tools import build_slides as slides
from tools import web_assets as assets

ROOT = Path(__file__).resolve().parents[1]
# a 1x1 PNG
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
    )
).decode()


@pytest.fixture(scope="module")
def web_assets():
    """reveal.js and MathJax in the cache (downloaded by pip on first use; needs the package index once)."""
    return [assets.wheel_path(asset) for asset in assets.ASSETS]


def lecture(number, title, *, figure=True):
    cells = [
        new_markdown_cell(
            f"# {number} · {title}\n\n"
            "What it is about, with $x^2$."
            "\n\n"
            "**Learning goals.** After this lecture you can\n\n1. do one thing;\n2. check it."
        ),
        new_code_cell("import numpy", metadata={"slideshow": {"slide_type": "skip"}}),
        new_markdown_cell("## 1. A section"),
        new_code_cell(
            "print('hello')", outputs=[new_output("stream", name="stdout", text="hello\n")]
        ),
    ]
    if figure:
        cells.append(
            new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": PIXEL})])
        )
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


@pytest.fixture
def build(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(lecture("00", "Setup", figure=False), tmp_path / "notebooks" / "00_setup.ipynb")
    nbformat.write(lecture("01", "Convolution"), tmp_path / "notebooks" / "01_convolution.ipynb")
    status = {
        "mode": "quick",
        "finished": "today",
        "python": "3.11",
        "platform": "test",
        "packages": {"numpy": "2", "keras": "3"},
        "notebooks": [
            {
                "notebook": "00_setup.ipynb",
                "mode": "quick",
                "seconds": 1.5,
                "status": "ok",
                "detail": "",
                "headlines": {"problems found": "0"},
            },
            {
                "notebook": "01_convolution.ipynb",
                "mode": "quick",
                "seconds": 2.0,
                "status": "FAILED",
                "detail": "cell 3 raised: ValueError: bad",
                "headlines": {},
            },
        ],
    }
    (tmp_path / "status.json").write_text(json.dumps(status))
    return tmp_path


def test_describe_reads_title_summary_and_goals():
    found = site.describe(lecture("04", "Two dimensions"), "04_two")
    assert (found.number, found.title, found.page) == (
        "04",
        "Two dimensions",
        "lectures/04_two.html",
    )
    assert "What it is about" in found.summary_html and "Learning goals" not in found.summary_html
    assert "<li>do one thing;</li>" in found.goals_html


def test_first_figure_is_the_first_png():
    assert site.first_figure(lecture("01", "x")) == base64.b64decode(PIXEL)
    assert site.first_figure(lecture("00", "x", figure=False)) is None


def _png(width, height):
    """A PNG of the given size (matplotlib writes it), for the thumbnail choice."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def _with_figures(*pngs, tagged=None):
    nb = lecture("06", "x", figure=False)
    for k, png in enumerate(pngs):
        tags = ["thumbnail"] if k == tagged else []
        nb.cells.append(
            new_code_cell(
                "plot()",
                metadata={"tags": tags},
                outputs=[
                    new_output("display_data", data={"image/png": base64.b64encode(png).decode()})
                ],
            )
        )
    return nb


def test_thumbnail_is_the_tagged_figure_else_the_first_that_is_not_a_strip():
    strip, square, wide = _png(1200, 150), _png(400, 400), _png(1000, 370)
    assert site._png_size(strip) == (1200, 150)
    assert site.first_figure(_with_figures(strip, square, wide)) == square
    assert site.first_figure(_with_figures(strip, square, wide, tagged=2)) == wide
    assert site.first_figure(_with_figures(strip)) == strip  # nothing better: still a figure
    assert site._png_size(b"not a png at all, but long enough") == (0, 0)


def test_site_has_index_lecture_pages_status_and_local_assets(build, web_assets):
    index = site.build_site(build)
    html = index.read_text()
    assert 'href="lectures/01_convolution.html"' in html and "Learning goals" in html
    assert 'src="figures/01_convolution.png"' in html and "no-figure" in html  # 00 has no figure
    assert (build / "site" / "figures" / "01_convolution.png").read_bytes() == base64.b64decode(
        PIXEL
    )
    page = (build / "site" / "lectures" / "01_convolution.html").read_text()
    assert "../assets/mathjax/es5/tex-svg-full.js" in page and 'href="00_setup.html"' in page
    assert not re.search(r"""(src|href)=["']https?://""", html + page), (
        "nothing loaded from the network"
    )
    assert 'alt="Figure drawn by the code above' in page
    status = (build / "site" / "status.html").read_text()
    assert (
        "problems found:</span> 0" in status and "ValueError: bad" in status and "FAILED" in status
    )
    assert (
        build / "site" / "assets" / "mathjax" / "es5" / "tex-svg-full.js"
    ).stat().st_size > 100_000


def test_slides_skip_what_is_marked_skip_and_load_nothing_remote(build, web_assets):
    decks = slides.build_slides(build / "notebooks", build / "slides")
    deck = decks[1].read_text()
    assert "import numpy" not in deck and "hello" in deck
    assert 'src="assets/reveal.js/dist/reveal.js"' in deck
    assert (build / "slides" / "assets" / "reveal.js" / "dist" / "theme" / "white.css").is_file()
    for remote in ("unpkg.com", "cdnjs", "cdn.jsdelivr", "bootstrapcdn", "googleapis"):
        assert remote not in deck


def test_builders_say_what_to_run_when_nothing_was_executed(tmp_path):
    with pytest.raises(FileNotFoundError, match="make notebooks"):
        site.build_site(tmp_path)
    with pytest.raises(FileNotFoundError, match="make notebooks"):
        slides.build_slides(tmp_path / "notebooks", tmp_path / "slides")


def offline(monkeypatch, cache):
    """An empty asset cache, and a pip that can reach no package index."""
    monkeypatch.setenv(assets.CACHE_ENV, str(cache))
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", "")


def test_offline_without_cache_the_site_still_builds_and_says_so_in_one_line(
    build, monkeypatch, capsys
):
    offline(monkeypatch, build / "empty-cache")
    index = site.build_site(build)
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Math will show as TeX source" in err[0]
    assert assets.MATHJAX.wheel in err[0] and str(build / "empty-cache") in err[0]
    page = (index.parent / "lectures" / "01_convolution.html").read_text()
    assert "tex-svg-full.js" not in page and "$x^2$" in page  # TeX source, no broken script
    assert not list((build / "empty-cache").glob("*.whl"))


def test_offline_decks_still_build_and_say_so(build, monkeypatch, capsys):
    offline(monkeypatch, build / "empty-cache")
    decks = slides.build_slides(build / "notebooks", build / "slides")
    assert len(decks) == 2
    err = capsys.readouterr().err
    assert "The decks will not work as slides" in err and assets.REVEAL.wheel in err
    assert "Traceback" not in err


def test_a_damaged_cached_wheel_is_never_used(tmp_path, monkeypatch):
    offline(monkeypatch, tmp_path)
    (tmp_path / assets.MATHJAX.wheel).write_bytes(b"not a wheel")
    with pytest.raises(assets.AssetsMissing, match="is missing"):
        assets.wheel_path(assets.MATHJAX)
    assert not (tmp_path / assets.MATHJAX.wheel).exists()


def test_a_download_with_the_wrong_checksum_is_refused_and_removed(
    tmp_path, monkeypatch, web_assets
):
    """pip brings the wheel (from its cache), but the SHA-256 recorded here does not match."""
    monkeypatch.setenv(assets.CACHE_ENV, str(tmp_path))
    wrong = dataclasses.replace(assets.MATHJAX, sha256="0" * 64)
    with pytest.raises(assets.AssetsMissing, match="expected 0000"):
        assets.wheel_path(wrong)
    assert list(tmp_path.iterdir()) == []  # no wheel, no temporary folder left behind


@pytest.mark.slow
def test_assets_and_site_build_without_node_or_npm(build, tmp_path, web_assets):
    """The asset step and a site build, with `node` and `npm` commands that fail if called."""
    shadow = tmp_path / "bin"
    shadow.mkdir()
    for name in ("node", "npm", "npx"):
        (shadow / name).write_text(
            "#!/bin/sh\necho 'node or npm must not be called' >&2\nexit 97\n"
        )
        (shadow / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{shadow}{os.pathsep}{os.environ['PATH']}"}
    for command in (
        ["-m", "tools.web_assets"],
        ["-m", "tools.build_site", "--build", str(build)],
        ["-m", "tools.build_slides", "--build", str(build)],
    ):
        done = subprocess.run(
            [sys.executable, *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        assert "must not be called" not in done.stderr + done.stdout
    assert (build / "site" / "assets" / "mathjax" / "es5" / "tex-svg-full.js").is_file()
    assert (build / "slides" / "assets" / "reveal.js" / "dist" / "reveal.js").is_file()


# --- bad input gives the course's own error (issue 22, items 8 and 9) -------------------


def test_a_notebook_without_a_status_entry_is_shown_as_not_run(build, web_assets):
    nbformat.write(lecture("02", "Fourier"), build / "notebooks" / "02_fourier.ipynb")
    site.build_site(build)
    status = (build / "site" / "status.html").read_text()
    assert "not run" in status and "02" in status


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"mode": "quick", "notebooks": [{"notebook": "00_se', "is not valid JSON"),
        ('{"notebooks": []}', 'has no "mode"'),
        ('{"mode": "quick"}', 'has no "notebooks" list'),
        ('{"mode": "quick", "notebooks": [3]}', 'has no "notebooks" list'),
    ],
    ids=["truncated", "no-mode", "no-notebooks", "bad-entry"],
)
def test_a_damaged_status_file_gets_the_courses_error(build, text, message, capsys):
    (build / "status.json").write_text(text)
    with pytest.raises(ValueError, match=message) as caught:
        site.build_site(build)
    assert "status.json" in str(caught.value) and "make notebooks" in str(caught.value)
    assert site.main(["--build", str(build)]) == 1
    assert message in capsys.readouterr().err
    assert not (build / "site").exists(), "nothing written"


def test_a_notebook_without_a_markdown_cell_is_named(build, capsys):
    nb = new_notebook(cells=[new_code_cell("1 + 1")])
    nbformat.write(nb, build / "notebooks" / "02_bare.ipynb")
    with pytest.raises(
        ValueError, match="02_bare.ipynb: a lecture notebook starts with a markdown"
    ):
        site.build_site(build)
    assert site.main(["--build", str(build)]) == 1
    assert "02_bare.ipynb" in capsys.readouterr().err
    assert not (build / "site").exists(), "nothing written"


def test_a_damaged_executed_notebook_is_named_by_site_and_slides(build, capsys):
    (build / "notebooks" / "02_cut.ipynb").write_text('{"cells": [')
    for builder, folder in ((site.build_site, "site"), (slides.main, "slides")):
        if builder is site.build_site:
            with pytest.raises(ValueError, match="02_cut.ipynb is not a readable notebook"):
                builder(build)
        else:
            assert builder(["--build", str(build)]) == 1
            err = capsys.readouterr().err
            assert "02_cut.ipynb is not a readable notebook" in err and "run_notebooks" in err
        assert not (build / folder).exists(), "nothing written"


def test_the_front_page_counts_the_lectures_and_names_the_mode_of_each_time(build, web_assets):
    html = site.build_site(build).read_text()
    assert "Two lecture notebooks" in html and "Ten lecture" not in html
    assert "quick-mode run: 2 s" in html and "ran in" not in html
    assert site.count_in_words(12) == "Twelve" and site.count_in_words(20) == "20"


# --- no machine paths in pages (issue 26) -----------------------------------------------


def machine_paths(text):
    """The build machine's repository, home and temporary folders where ``text`` names them."""
    import tempfile

    folders = {str(ROOT), str(Path.home()), tempfile.gettempdir(), os.environ.get("TMPDIR", "")}
    folders |= {str(Path(f).resolve()) for f in folders if f}
    return sorted(
        {
            m.group(0)
            for f in folders
            if f and f != "/"
            for m in re.finditer(re.escape(f) + r"(?![\w.-])", text)
        }
    )


def test_pages_and_decks_show_no_machine_paths(build, web_assets):
    import sys as _sys
    import tempfile

    leaky = lecture("02", "Paths")
    leaky.cells.append(
        new_code_cell(
            "print(paths)",
            outputs=[
                new_output(
                    "stream",
                    name="stdout",
                    text=f"Python at {_sys.executable}\nData {Path.home() / 'data'}\n"
                    f"profile {ROOT / 'src' / 'cnncourse' / 'scratch.py'}:10\n",
                ),
                new_output(
                    "execute_result", data={"text/plain": f"'{tempfile.gettempdir()}/x.npz'"}
                ),
            ],
        )
    )
    nbformat.write(leaky, build / "notebooks" / "02_paths.ipynb")
    status = json.loads((build / "status.json").read_text())
    status["notebooks"][1]["detail"] = f"cell 3 raised: FileNotFoundError: {ROOT / 'data' / 'x'}"
    (build / "status.json").write_text(json.dumps(status))
    site.build_site(build)
    slides.build_slides(build / "notebooks", build / "slides")
    pages = [*(build / "site").rglob("*.html"), *(build / "slides").glob("*.html")]
    assert len(pages) >= 6
    found = {p.name: machine_paths(p.read_text()) for p in pages}
    assert not any(found.values()), found
    page = (build / "site" / "lectures" / "02_paths.html").read_text()
    assert "src/cnncourse/scratch.py:10" in page and "~/data" in page and "$TMPDIR/x.npz" in page


# --- worked solutions: collapsed on the site, absent from the student site (issue 26) ---


def page_text(html):
    """What a page says, without its markup (code is highlighted token by token)."""
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html))


def with_exercise(nb):
    nb.cells += [
        new_markdown_cell("**Exercise 1.** Give the answer."),
        new_code_cell("answer = ...", metadata={"tags": ["exercise"]}),
        new_code_cell("answer = 'SOLUTION-TEXT-42'", metadata={"tags": ["solution"]}),
        new_code_cell("require(answer=answer)\nassert answer", metadata={"tags": ["check"]}),
    ]
    return nb


@pytest.fixture
def exercised(build):
    nbformat.write(
        with_exercise(lecture("01", "Convolution")), build / "notebooks" / "01_convolution.ipynb"
    )
    return build


def test_the_site_collapses_each_solution_behind_a_labelled_control(exercised, web_assets):
    site.build_site(exercised)
    page = (exercised / "site" / "lectures" / "01_convolution.html").read_text()
    details = re.search(r'<details class="worked-solution">(.*?)</details>', page, re.S)
    assert details, "the solution sits in a <details> element"
    assert "<summary>Show the worked solution</summary>" in details.group(1)
    assert "SOLUTION-TEXT-42" in details.group(1)
    assert page.count("SOLUTION-TEXT-42") == 1, "nowhere else on the page"
    assert "answer = ..." in page_text(page) and "require(answer=answer)" in page_text(page)


def test_the_student_site_has_no_solutions(exercised, web_assets, capsys):
    assert site.main(["--build", str(exercised), "--student"]) == 0
    student_site = exercised / "student-site"
    pages = list(student_site.rglob("*.html"))
    assert len(pages) == 4  # index, status, two lectures
    text = "".join(p.read_text() for p in pages)
    assert "SOLUTION-TEXT-42" not in text and "worked-solution" not in text
    assert "answer = ..." in page_text(text) and "require(answer=answer)" in page_text(text)
    assert not (exercised / "site").exists(), "the full site is a separate build"


@pytest.mark.slow
def test_solutions_in_chromium_hidden_reachable_by_keyboard_and_absent_for_students(
    exercised, web_assets
):
    from tools import browser_check as browser

    chromium = browser.find_chromium()
    if chromium is None:
        if os.environ.get("CNNCOURSE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (CNNCOURSE_REQUIRE_BROWSER) but not installed")
        pytest.skip("no Chromium: install Debian's `chromium` package to run the browser test")
    from playwright.sync_api import sync_playwright

    site.build_site(exercised)
    site.build_site(exercised, student=True)
    full = exercised / "site" / "lectures" / "01_convolution.html"
    bare = exercised / "student-site" / "lectures" / "01_convolution.html"
    with sync_playwright() as p:
        browser_ = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser_.new_page()
            page.goto(full.as_uri())
            solution = page.get_by_text("SOLUTION-TEXT-42")
            assert not solution.is_visible(), "collapsed until asked for"
            control = page.get_by_role("group").filter(has_text="Show the worked solution")
            assert control.count() == 1
            for _ in range(60):  # Tab through the page until the control has the focus
                page.keyboard.press("Tab")
                if (
                    page.evaluate("document.activeElement.textContent")
                    == "Show the worked solution"
                ):
                    break
            else:
                pytest.fail("the control cannot be reached with the Tab key")
            page.keyboard.press("Enter")
            assert solution.is_visible(), "Enter opens the worked solution"
            page.goto(bare.as_uri())
            assert page.get_by_text("SOLUTION-TEXT-42").count() == 0
            assert page.get_by_text("Show the worked solution").count() == 0
            assert page.get_by_text("require(answer=answer)").count() >= 1
        finally:
            browser_.close()


def test_every_page_ends_with_the_way_on_and_the_licence_and_credit_line(build, web_assets):
    site.build_site(build)
    pages = sorted((build / "site").rglob("*.html"))
    assert len(pages) == 4
    for page in pages:
        text = page.read_text()
        footer = text[text.rindex('<footer class="site-footer">') :]
        for credit in ("MIT licence", "CC BY 4.0", "LeCun", "Krizhevsky", "scikit-learn"):
            assert credit in footer, (page.name, credit)
    first = (build / "site" / "lectures" / "00_setup.html").read_text()
    bottom = first[first.rindex('aria-label="previous and next lecture"') :]
    assert bottom.index('href="01_convolution.html"') < bottom.index("site-footer"), (
        "the next lecture is linked after the last cell"
    )
    last = (build / "site" / "lectures" / "01_convolution.html").read_text()
    assert "Previous: Setup" in last[last.rindex('aria-label="previous and next lecture"') :]


def test_a_quick_mode_page_shows_the_recorded_full_mode_headline_beside_its_own(build, web_assets):
    from tools import records

    record = build / "runs.json"
    full = {"mode": "full", "finished": "2026-12-01 10:00:00 UTC", "platform": "test"}
    full["notebooks"] = [
        {
            "notebook": "00_setup.ipynb",
            "seconds": 5.0,
            "status": "ok",
            "headlines": {"problems found": "0"},
        },
        {
            "notebook": "01_convolution.ipynb",
            "seconds": 9.0,
            "status": "ok",
            "headlines": {"speed-up": "16x"},
        },
    ]
    record.write_text(json.dumps(records.merge({"notebooks": {}}, full)))
    site.build_site(build, record=record)
    page = page_text((build / "site" / "lectures" / "00_setup.html").read_text())
    assert "This page ran in quick mode" in page and "problems found 0." in page
    assert "The full-mode run of 2026-12-01:\nproblems found 0." in page
    index = page_text((build / "site" / "index.html").read_text())
    assert "full-mode run of 2026-12-01: speed-up 16x" in index
    site.build_site(build, record=build / "absent.json")  # nothing recorded: no note
    assert "full-mode run" not in (build / "site" / "lectures" / "00_setup.html").read_text()
