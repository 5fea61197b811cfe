"""The record of runs and the README table generated from it (tools.records)."""

import json

import pytest

from tools import records

README_TEXT = f"# Course\n\nBefore.\n\n{records.START}\nstale\n{records.END}\n\nAfter.\n"


def status(mode, finished, **seconds):
    """A status.json of one run: notebook stem -> seconds (None: the notebook failed)."""
    return {
        "mode": mode,
        "finished": finished,
        "platform": "Linux-test",
        "cpus": 2,
        "notebooks": [
            {
                "notebook": f"{stem}.ipynb",
                "seconds": s if s is not None else 1.0,
                "status": "ok" if s is not None else "FAILED",
                "headlines": {"accuracy": f"0.9{len(stem)}"},
                "finished": f"{finished} {stem}",
            }
            for stem, s in seconds.items()
        ],
    }


def test_merge_keeps_the_latest_headline_and_the_last_runs_seconds():
    record = {"notebooks": {}}
    for k in range(7):
        records.merge(record, status("quick", f"day {k}", n01_a=10 + k))
    entry = record["notebooks"]["n01_a.ipynb"]["quick"]
    assert entry["seconds"] == [12.0, 13.0, 14.0, 15.0, 16.0]  # the last KEEP = 5 runs
    assert entry["finished"] == "day 6 n01_a" and entry["platform"] == "Linux-test"
    records.merge(record, status("full", "day 9", n01_a=100))
    assert record["notebooks"]["n01_a.ipynb"]["full"]["seconds"] == [100.0]
    assert record["notebooks"]["n01_a.ipynb"]["quick"]["seconds"][-1] == 16.0  # untouched


def test_merge_skips_failed_notebooks_and_entries_already_recorded():
    record = records.merge({"notebooks": {}}, status("full", "day 1", n01_a=5, n02_b=None))
    assert list(record["notebooks"]) == ["n01_a.ipynb"]
    records.merge(record, status("full", "day 1", n01_a=5))  # the same entry, kept by a partial run
    assert record["notebooks"]["n01_a.ipynb"]["full"]["seconds"] == [5.0]


@pytest.mark.parametrize("mode", [None, "fast", 1])
def test_merge_refuses_a_status_of_no_known_mode(mode):
    with pytest.raises(ValueError, match="mode quick or full"):
        records.merge({"notebooks": {}}, {**status("quick", "d", n01_a=1), "mode": mode})


def test_table_shows_ranges_dates_and_what_is_not_recorded():
    record = {"notebooks": {}}
    for k, s in enumerate((4.2, 5.4, 4.9)):
        records.merge(record, status("quick", f"2026-12-0{k + 1} 10:00", n00_setup=s))
    records.merge(record, status("full", "2026-12-07 11:00", n00_setup=6))
    records.merge(record, status("quick", "2026-12-07 12:00", n01_convolution=7.6))
    rows = records.table(record).splitlines()
    assert rows[2] == "| n00 setup | 4-5 | 6 | accuracy: 0.99 (2026-12-07) |"
    assert rows[3] == "| n01 convolution | 8 | not recorded | not recorded |"
    assert rows[-1] == "Recorded on: Linux-test, 2 CPUs."


def test_render_replaces_only_the_marked_table_and_check_finds_a_changed_number(tmp_path):
    record = records.merge({"notebooks": {}}, status("full", "2026-12-07 11:00", n01_a=30))
    record_file, readme = tmp_path / "runs.json", tmp_path / "README.md"
    record_file.write_text(json.dumps(record))
    readme.write_text(README_TEXT)
    assert set(records.readme_problems(readme, record_file)) == {
        "README has: stale",
        "the record gives: ",
        "the record gives: | --- | ---: | ---: | --- |",
        "the record gives: | n01 a | not recorded | 30 | accuracy: 0.95 (2026-12-07) |",
        "the record gives: Recorded on: Linux-test, 2 CPUs.",
        "the record gives: | notebook | quick (s) | full (s) | full-mode headline (date of the run) |",
    }
    rendered = records.render_readme(README_TEXT, record)
    assert rendered.startswith("# Course\n\nBefore.\n\n") and rendered.endswith("\n\nAfter.\n")
    readme.write_text(rendered)
    assert records.readme_problems(readme, record_file) == []
    readme.write_text(rendered.replace("0.95", "0.97"))  # a number edited by hand
    assert any("0.97" in p for p in records.readme_problems(readme, record_file))


@pytest.mark.parametrize(
    "text", ["no markers", f"{records.END}\n{records.START}", f"{records.START}\n{records.START}"]
)
def test_a_readme_without_one_pair_of_markers_is_refused(text):
    with pytest.raises(ValueError, match="needs one"):
        records.render_readme(text, {"notebooks": {}})


def test_a_damaged_record_is_named(tmp_path):
    bad = tmp_path / "runs.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="is not valid JSON"):
        records.load(bad)
    bad.write_text("[]")
    with pytest.raises(ValueError, match='no "notebooks"'):
        records.load(bad)
    assert records.load(tmp_path / "absent.json") == {"notebooks": {}}


def test_the_readme_table_is_the_one_the_record_gives():
    """One source for every number: README's table of runs is generated from records/runs.json."""
    assert records.RECORD.is_file(), "records/runs.json is missing: `python -m tools.records save`"
    assert records.readme_problems() == [], "run `python -m tools.records readme`"


def test_every_lecture_has_a_recorded_quick_run():
    from tools.paths import lectures

    recorded = records.load()["notebooks"]
    missing = [p.name for p in lectures() if "quick" not in recorded.get(p.name, {})]
    assert not missing, f"no quick-mode run recorded for {missing}: `make record` after a run"


#: What a lecture's prose says about its full-mode result, and the headline that backs it:
#: (notebook, the sentence with the number in percent, headline label, points of rounding).
PROSE_CLAIMS = [
    (
        "06_keras_cnn_digits_and_mnist.ipynb",
        r"reach (\d+) % on MNIST in full",
        "MNIST test accuracy",
        1,
    ),
    (
        "08_keras_cnn_cifar10.ipynb",
        r"stops near (\d+) % in\s+full mode",
        "lecture model test accuracy",
        1,
    ),
]


@pytest.mark.parametrize("notebook, pattern, label, points", PROSE_CLAIMS)
def test_the_lectures_prose_agrees_with_the_recorded_full_mode_run(
    notebook, pattern, label, points
):
    import re

    import nbformat

    from tools.paths import NOTEBOOKS

    prose = "\n".join(
        cell.source
        for cell in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells
        if cell.cell_type == "markdown"
    )
    said = re.search(pattern, prose)
    assert said, f"{notebook} no longer says {pattern!r}: update PROSE_CLAIMS"
    recorded = float(records.load()["notebooks"][notebook]["full"]["headlines"][label])
    assert abs(100 * recorded - float(said.group(1))) <= points, (said.group(0), recorded)
