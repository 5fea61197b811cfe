"""The site and slide builders on small made-up notebooks: fast, no kernel, no browser."""

import base64
import json
import re
from pathlib import Path

import build_site as site
import build_slides as slides
import nbformat
import pytest
import web_assets as assets
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
# a 1x1 PNG
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)).decode()


needs_npm = pytest.mark.skipif(not (assets.NODE_MODULES / "mathjax").is_dir(), reason="run make install (npm ci)")


def lecture(number, title, *, figure=True):
    cells = [
        new_markdown_cell(f"# {number} · {title}\n\n" "What it is about, with $x^2$." "\n\n"
                          "**Learning goals.** After this lecture you can\n\n1. do one thing;\n2. check it."),
        new_code_cell("import numpy", metadata={"slideshow": {"slide_type": "skip"}}),
        new_markdown_cell("## 1. A section"),
        new_code_cell("print('hello')", outputs=[new_output("stream", name="stdout", text="hello\n")]),
    ]
    if figure:
        cells.append(new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": PIXEL})]))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture
def build(tmp_path):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(lecture("00", "Setup", figure=False), tmp_path / "notebooks" / "00_setup.ipynb")
    nbformat.write(lecture("01", "Convolution"), tmp_path / "notebooks" / "01_convolution.ipynb")
    status = {"mode": "quick", "finished": "today", "python": "3.11", "platform": "test",
              "packages": {"numpy": "2", "keras": "3"},
              "notebooks": [{"notebook": "00_setup.ipynb", "mode": "quick", "seconds": 1.5, "status": "ok",
                             "detail": "", "headlines": {"problems found": "0"}},
                            {"notebook": "01_convolution.ipynb", "mode": "quick", "seconds": 2.0, "status": "FAILED",
                             "detail": "cell 3 raised: ValueError: bad", "headlines": {}}]}
    (tmp_path / "status.json").write_text(json.dumps(status))
    return tmp_path


def test_describe_reads_title_summary_and_goals():
    found = site.describe(lecture("04", "Two dimensions"), "04_two")
    assert (found.number, found.title, found.page) == ("04", "Two dimensions", "lectures/04_two.html")
    assert "What it is about" in found.summary_html and "Learning goals" not in found.summary_html
    assert "<li>do one thing;</li>" in found.goals_html


def test_first_figure_is_the_first_png():
    assert site.first_figure(lecture("01", "x")) == base64.b64decode(PIXEL)
    assert site.first_figure(lecture("00", "x", figure=False)) is None


@needs_npm
def test_site_has_index_lecture_pages_status_and_local_assets(build):
    index = site.build_site(build)
    html = index.read_text()
    assert 'href="lectures/01_convolution.html"' in html and "Learning goals" in html
    assert 'src="figures/01_convolution.png"' in html and 'no-figure' in html     # 00 has no figure
    assert (build / "site" / "figures" / "01_convolution.png").read_bytes() == base64.b64decode(PIXEL)
    page = (build / "site" / "lectures" / "01_convolution.html").read_text()
    assert "../assets/mathjax/tex-svg-full.js" in page and 'href="00_setup.html"' in page
    assert not re.search(r"""(src|href)=["']https?://""", html + page), "nothing loaded from the network"
    assert 'alt="Figure drawn by the code above' in page
    status = (build / "site" / "status.html").read_text()
    assert "problems found:</span> 0" in status and "ValueError: bad" in status and "FAILED" in status
    assert (build / "site" / "assets" / "mathjax" / "tex-svg-full.js").stat().st_size > 100_000


@needs_npm
def test_slides_skip_what_is_marked_skip_and_load_nothing_remote(build):
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


def test_missing_npm_packages_name_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(assets.AssetsMissing, match="make install"):
        assets.copy_mathjax(tmp_path / "assets")
