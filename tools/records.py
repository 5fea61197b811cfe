"""The course's record of its runs, and the README table generated from it (``make record``).

Every number the README gives about a lecture's run (its time in quick and in full mode,
its full-mode headline) comes from ``records/runs.json``, which this tool keeps:

* ``python -m tools.records save [--status build/status.json]`` adds the notebooks of one
  ``make notebooks`` run to the record: each notebook's latest headlines, status, date and
  machine, per mode, and the seconds of its last few runs (the README shows their range);
* ``python -m tools.records readme`` rewrites the table between the README's
  ``<!-- runs:start -->`` and ``<!-- runs:end -->`` markers from the record;
* ``python -m tools.records check`` exits 1 if the README's table is not the generated one
  (the tests call :func:`readme_problems`).

Only ``save`` changes the record, and only when asked: ``make notebooks`` never does, so a
student's run leaves the maintainers' file alone. A failed notebook's run is not recorded.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .paths import BUILD, ROOT, shown, write_atomically

RECORD = ROOT / "records" / "runs.json"
README = ROOT / "README.md"
START, END = "<!-- runs:start -->", "<!-- runs:end -->"
KEEP = 5  # runs per notebook and mode whose seconds the README's range spans
MODES = ("quick", "full")


def load(record: Path = RECORD) -> dict:
    """The record: ``{"notebooks": {name: {mode: entry}}}``; empty if there is none yet."""
    if not record.is_file():
        return {"notebooks": {}}
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{shown(record)} is not valid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("notebooks"), dict):
        raise ValueError(f'{shown(record)} has no "notebooks" mapping')
    return data


def merge(record: dict, status: dict) -> dict:
    """``record`` with the notebooks of one run (``status.json``) added; returns the record.

    For each notebook that ran ``ok``: its headlines, date and machine replace the mode's
    previous ones, and its seconds join the last ``KEEP`` runs'. An entry already recorded
    (the same finishing time: a partial run keeps the other notebooks' entries) is skipped.
    """
    mode = status.get("mode")
    if mode not in MODES:
        raise ValueError(f"a status.json of mode quick or full, got mode {mode!r}")
    for entry in status.get("notebooks", []):
        if entry.get("status") != "ok" or not isinstance(entry.get("seconds"), (int, float)):
            continue
        finished = entry.get("finished", status.get("finished", "unknown"))
        runs = record["notebooks"].setdefault(entry["notebook"], {})
        previous = runs.get(mode, {})
        if previous.get("finished") == finished:
            continue
        seconds = [*previous.get("seconds", []), round(float(entry["seconds"]), 1)][-KEEP:]
        runs[mode] = {
            "headlines": entry.get("headlines", {}),
            "finished": finished,
            "platform": status.get("platform", "unknown"),
            "cpus": status.get("cpus", "unknown"),
            "seconds": seconds,
        }
    return record


def _seconds(entry: dict | None) -> str:
    if not entry:
        return "not recorded"
    low, high = min(entry["seconds"]), max(entry["seconds"])
    return f"{low:.0f}" if round(low) == round(high) else f"{low:.0f}-{high:.0f}"


def _headlines(entry: dict | None) -> str:
    if not entry:
        return "not recorded"
    text = "; ".join(f"{label}: {value}" for label, value in entry["headlines"].items())
    return f"{text or 'no headline'} ({entry['finished'][:10]})"


def table(record: dict) -> str:
    """The README's table of runs, one row per recorded notebook, in course order."""
    rows = [
        "| notebook | quick (s) | full (s) | full-mode headline (date of the run) |",
        "| --- | ---: | ---: | --- |",
    ]
    for name in sorted(record["notebooks"]):
        runs = record["notebooks"][name]
        label = name.removesuffix(".ipynb").replace("_", " ")
        rows.append(
            f"| {label} | {_seconds(runs.get('quick'))} | {_seconds(runs.get('full'))} "
            f"| {_headlines(runs.get('full'))} |"
        )
    machines = sorted(
        {
            f"{entry['platform']}, "
            + (f"{entry['cpus']} CPUs" if entry["cpus"] != "unknown" else "CPU count not recorded")
            for runs in record["notebooks"].values()
            for entry in runs.values()
        }
    )
    if machines:
        rows += ["", "Recorded on: " + "; ".join(machines) + "."]
    return "\n".join(rows)


def _split(text: str) -> tuple[str, str, str]:
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"README.md needs one {START} line before one {END} line")
    head, rest = text.split(START)
    body, tail = rest.split(END)
    return head, body, tail


def render_readme(text: str, record: dict) -> str:
    """``text`` (the README) with the table between the markers generated from ``record``."""
    head, _, tail = _split(text)
    return f"{head}{START}\n{table(record)}\n{END}{tail}"


def readme_problems(readme: Path = README, record: Path = RECORD) -> list[str]:
    """What differs between the README's table and the one the record gives; [] if none."""
    text = readme.read_text(encoding="utf-8")
    wanted = render_readme(text, load(record))
    if wanted == text:
        return []
    _, have, _ = _split(text)
    _, want, _ = _split(wanted)
    have_rows, want_rows = set(have.strip().splitlines()), set(want.strip().splitlines())
    return [f"README has: {row}" for row in sorted(have_rows - want_rows)] + [
        f"the record gives: {row}" for row in sorted(want_rows - have_rows)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["save", "readme", "check"])
    parser.add_argument("--status", type=Path, default=BUILD / "status.json")
    args = parser.parse_args(argv)
    try:
        if args.action == "save":
            if not args.status.is_file():
                raise ValueError(f"{shown(args.status)} is missing: run `make notebooks` first")
            status = json.loads(args.status.read_text(encoding="utf-8"))
            record = merge(load(), status)
            RECORD.parent.mkdir(exist_ok=True)
            write_atomically(RECORD, json.dumps(record, indent=1, sort_keys=True) + "\n")
            print(f"{shown(RECORD)}: the {status['mode']}-mode run of {status.get('finished')}")
        elif args.action == "readme":
            write_atomically(README, render_readme(README.read_text(encoding="utf-8"), load()))
            print(f"{shown(README)}: the table of runs generated from {shown(RECORD)}")
        else:
            problems = readme_problems()
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print("run `python -m tools.records readme`", file=sys.stderr)
                return 1
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
