"""Execute the course's notebooks in order and report on them (``make notebooks``).

For each notebook in ``notebooks/`` (or those named on the command line) this writes
the executed notebook to ``<out>/notebooks/``, then prints a table: notebook, seconds,
status and the headline figures the notebook printed with
:func:`cnncourse.report.headline`. The same facts go to ``<out>/status.json`` (a run
of some notebooks updates their entries and keeps the others'). Finally it builds the
course site, ``<out>/site/`` (``tools/build_site.py``). A failing notebook does not
stop the others, but makes the command exit with status 1, and the table names the
failing cell.

Figures always use Jupyter's inline backend, whatever ``MPLBACKEND`` says outside, so
that the executed notebooks and the site have their figures.
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
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from cnncourse import config
from cnncourse.report import parse_headlines

sys.path.insert(0, str(Path(__file__).resolve().parent))   # the sibling tools
from build_site import build_site  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
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
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                message = " ".join(output.get("evalue", "").split())[:160]
                return index, first.strip()[:60], f"{output.get('ename', 'Error')}: {message}"
    return -1, "", ""


def headlines_of(nb) -> dict[str, str]:
    text = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                text.append(output.get("text", ""))
    return parse_headlines("".join(text))


def run_one(path: Path, out: Path, timeout: int) -> dict:
    nb = nbformat.read(path, as_version=4)
    os.environ["MPLBACKEND"] = INLINE_BACKEND      # the kernel inherits it
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # the kernel's own log (a notice about its loopback TCP ports) is not the lecture's
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    status, detail = "ok", ""
    start = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as error:
        index, first_line, reason = failing_cell(nb)
        status = "FAILED"
        kind = "timed out" if isinstance(error, CellTimeoutError) else "raised"
        detail = f"cell {index} ({first_line!r}) {kind}: {reason or type(error).__name__}"
    seconds = time.perf_counter() - start

    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / "notebooks" / path.name)
    return {
        "notebook": path.name,
        "mode": config.settings().mode,
        "seconds": round(seconds, 1),
        "status": status,
        "detail": detail,
        "headlines": headlines_of(nb),
    }


def status_document(mode: str, results: list[dict]) -> dict:
    """What ``status.json`` holds: the mode, when, the software, and each notebook's result."""
    return {
        "mode": mode,
        "finished": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {name: metadata.version(name) for name in VERSIONED}
        | {"tensorflow": tensorflow_distribution()},
        "notebooks": results,
    }


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
    parser.add_argument("--out", type=Path, default=ROOT / "build")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    args = parser.parse_args(argv)

    paths = sorted(args.notebooks or NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    active = config.settings()
    print(active.describe())
    results = []
    for path in paths:
        print(f"running {path.name} ...", flush=True)
        results.append(run_one(path.resolve(), args.out, args.timeout))
        print(f"  {results[-1]['status']} in {results[-1]['seconds']:.1f} s", flush=True)

    status_file = args.out / "status.json"
    if args.notebooks and status_file.is_file():      # a partial run keeps the other entries
        ran = {r["notebook"] for r in results}
        kept = [r for r in json.loads(status_file.read_text()).get("notebooks", []) if r["notebook"] not in ran]
        results = sorted(kept + results, key=lambda r: r["notebook"])
    status = status_document(active.mode, results)
    args.out.mkdir(parents=True, exist_ok=True)
    status_file.write_text(json.dumps(status, indent=2))
    print_table(results)
    print(f"\nExecuted notebooks: {args.out / 'notebooks'}")
    try:
        print(f"Course site: {build_site(args.out)}")
    except (FileNotFoundError, ValueError) as error:
        print(f"The course site was not built: {error}", file=sys.stderr)
        return 1
    return 0 if all(r["status"] == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
