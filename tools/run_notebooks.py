"""Execute the course's notebooks in order and report on them (``make notebooks``).

For each notebook in ``notebooks/`` (or those named on the command line) this writes
the executed notebook to ``<out>/notebooks/``, then prints a table: notebook, seconds,
status and the headline figures the notebook printed with
:func:`cnncourse.report.headline`. The same facts go to ``<out>/status.json`` (a run
of some notebooks updates their entries and keeps the others'). Finally it builds the
course site, ``<out>/site/`` (:mod:`tools.build_site`). A failing notebook does not
stop the others (a cell that raises, times out or writes to standard error, a kernel
that dies, a file that is not a notebook), but makes the command exit with status 1,
and the table names the failing cell or the reason.

Kernel, time limits, figure backend and the standard-error rule are those of
:mod:`tools.execution`, which the tests use too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from cnncourse import config
from cnncourse.report import parse_headlines

from . import execution
from .build_site import build_site
from .paths import BUILD, NOTEBOOKS, lectures, refuse_overwriting_sources, write_atomically

VERSIONED = ["numpy", "scipy", "matplotlib", "seaborn", "scikit-learn", "pandas", "keras"]


def tensorflow_distribution() -> str:
    for name in ("tensorflow-cpu", "tensorflow"):
        try:
            return f"{name} {metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return "tensorflow missing"


def failing_cell(nb) -> tuple[int, str, str]:
    """Index, first source line and ``ename: evalue`` of the first cell with an error."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return (
                    index,
                    _first_line(cell),
                    f"{output.get('ename', 'Error')}: "
                    + " ".join(output.get("evalue", "").split())[:160],
                )
    return -1, "", ""


def _first_line(cell) -> str:
    return next((ln for ln in cell.source.splitlines() if ln.strip()), "").strip()[:60]


def headlines_of(nb) -> dict[str, str]:
    text = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text.append(output.get("text", ""))
    return parse_headlines("".join(text))


def result(path: Path, seconds: float, status: str, detail: str, nb=None) -> dict:
    """One notebook's entry of ``status.json``."""
    return {
        "notebook": path.name,
        "mode": config.settings().mode,
        "seconds": round(seconds, 1),
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),  # a partial run keeps older entries
        "status": status,
        "detail": detail,
        "headlines": headlines_of(nb) if nb is not None else {},
    }


def run_one(path: Path, out: Path, timeout: int = execution.CELL_TIMEOUT) -> dict:
    """Execute one notebook into ``out/notebooks``; never raises for the notebook's own faults."""
    start = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook: record it and go on
        reason = " ".join(str(error).split())[:160]
        return result(
            path, 0.0, "FAILED", f"not a readable notebook: {type(error).__name__}: {reason}"
        )
    status, detail = "ok", ""
    try:
        execution.client(nb, path.parent, timeout).execute()
    except (CellExecutionError, CellTimeoutError) as error:
        index, first_line, reason = failing_cell(nb)
        kind = "timed out" if isinstance(error, CellTimeoutError) else "raised"
        status, detail = (
            "FAILED",
            f"cell {index} ({first_line!r}) {kind}: {reason or type(error).__name__}",
        )
    except DeadKernelError as error:
        status, detail = (
            "FAILED",
            f"the kernel died (out of memory, or the process exited): {error}",
        )
    except Exception as error:  # a kernel that does not start, a broken client
        status, detail = "FAILED", f"could not be executed: {type(error).__name__}: {error}"
    if status == "ok":
        index, text = execution.first_stderr_cell(nb)
        if index >= 0:
            first = " ".join(text.split())[:160]
            status, detail = (
                "FAILED",
                f"cell {index} ({_first_line(nb.cells[index])!r}) wrote to stderr: {first}",
            )
    seconds = time.perf_counter() - start
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / "notebooks" / path.name)
    return result(path, seconds, status, detail, nb)


def status_document(mode: str, results: list[dict]) -> dict:
    """What ``status.json`` holds: the mode, when, the software, and each notebook's result."""
    return {
        "mode": mode,
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "packages": {name: metadata.version(name) for name in VERSIONED}
        | {"tensorflow": tensorflow_distribution()},
        "notebooks": results,
    }


def write_status(out: Path, mode: str, results: list[dict], partial: bool) -> list[dict]:
    """Write ``out/status.json``; a partial run keeps the other notebooks' entries. Returns all entries."""
    status_file = out / "status.json"
    if partial and status_file.is_file():
        ran = {r["notebook"] for r in results}
        try:
            kept = json.loads(status_file.read_text()).get("notebooks", [])
        except (OSError, ValueError):
            kept = []
        results = sorted(
            [r for r in kept if r["notebook"] not in ran] + results, key=lambda r: r["notebook"]
        )
    out.mkdir(parents=True, exist_ok=True)
    write_atomically(status_file, json.dumps(status_document(mode, results), indent=2))
    return results


def check_targets(paths: list[Path], out: Path) -> None:
    """Raise ValueError, before anything runs, if an executed copy could replace an input.

    The copies go to ``out/notebooks/<name>``: that path may not be one of the inputs, two
    inputs may not share a file name (the second copy would replace the first), and
    ``out`` and ``out/notebooks`` must be folders (or not exist yet).
    """
    for folder in (out, out / "notebooks"):
        if folder.exists() and not folder.is_dir():
            raise ValueError(
                f"--out {out}: {folder} is a file; the executed notebooks go to a folder "
                "(the default is build/)"
            )
    inputs = {path.resolve() for path in paths}
    seen: dict[str, Path] = {}
    for path in paths:
        if path.name in seen:
            raise ValueError(
                f"{seen[path.name]} and {path} have the same file name: their executed copies "
                f"would overwrite each other in {out / 'notebooks'}; run them with different --out"
            )
        seen[path.name] = path
        target = out / "notebooks" / path.name
        if target.resolve() in inputs:
            raise ValueError(
                f"--out {out} would overwrite {target}, "
                "an input notebook, with its executed copy: choose another --out (the default is build/)"
            )
        if target.is_dir():
            raise ValueError(f"{target} is a folder, where the executed {path.name} would go")


def print_table(results: list[dict]) -> None:
    rows = [
        (
            r["notebook"],
            f"{r['seconds']:.1f}",
            r["status"],
            "; ".join(f"{k}: {v}" for k, v in r["headlines"].items()) or "-",
        )
        for r in results
    ]
    header = ("notebook", "seconds", "status", "headline")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    line = "  ".join(f"{{:<{w}}}" for w in widths) + "  {}"
    print()
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths), "-" * 8))
    for row in rows:
        print(line.format(*row))
    for r in results:
        if r["status"] != "ok":
            print(f"\n{r['notebook']} FAILED in {r['detail']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=BUILD)
    parser.add_argument(
        "--timeout", type=int, default=execution.CELL_TIMEOUT, help="seconds per cell"
    )
    args = parser.parse_args(argv)
    try:  # the executed notebooks go to <out>/notebooks: never the sources
        refuse_overwriting_sources(args.out / "notebooks", "--out")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    paths = sorted(args.notebooks) if args.notebooks else lectures(NOTEBOOKS)
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    try:
        check_targets(paths, args.out)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    active = config.settings()
    print(active.describe())
    results = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        results.append(run_one(path.resolve(), args.out, args.timeout))
        print(f"  {results[-1]['status']} in {results[-1]['seconds']:.1f} s", flush=True)

    ran_ok = all(r["status"] == "ok" for r in results)
    results = write_status(args.out, active.mode, results, partial=bool(args.notebooks))
    print_table(results)
    print(f"\nExecuted notebooks: {args.out / 'notebooks'}")
    try:
        print(f"Course site: {build_site(args.out)}")
    except (FileNotFoundError, ValueError) as error:
        print(f"The course site was not built: {error}", file=sys.stderr)
        return 1
    return 0 if ran_ok else 1


if __name__ == "__main__":
    sys.exit(main())
