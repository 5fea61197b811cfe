"""Repository hygiene: notebooks committed clean, no deprecated or fragile API anywhere."""

from __future__ import annotations

import ast
import io
import json
import re
import tokenize
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PY_FILES = sorted(
    p for folder in ("src", "tests", "tools", "benchmarks") for p in (ROOT / folder).rglob("*.py")
)
KERAS_LAYERS = re.compile(
    r"(Conv[123]D\w*|Dense|Flatten|\w*Pooling[123]D|Dropout|InputLayer|"
    r"Reshape|BatchNormalization|Activation|Rescaling|Normalization)$"
)


def code_cells(path: Path) -> list[tuple[int, str]]:
    cells = json.loads(path.read_text())["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "code"]


def strip_magics(source: str) -> str:
    """IPython lines (%magic, !shell) become blank lines, so the rest parses as Python."""
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        return ""
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)


def sources() -> list[tuple[str, str]]:
    found = [(str(p.relative_to(ROOT)), p.read_text()) for p in PY_FILES]
    for nb in NOTEBOOKS:
        found += [(f"{nb.relative_to(ROOT)} cell {i}", strip_magics(s)) for i, s in code_cells(nb)]
    return found


def fragile_api(source: str) -> list[str]:
    """Deprecated or fragile Keras/TensorFlow usage and LaTeX in non-raw strings."""
    problems = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            tree = ast.parse(source)
        except (SyntaxWarning, SyntaxError) as warning:  # "invalid escape sequence '\e'"
            return [f"{type(warning).__name__}: {warning}"]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            keywords = {k.arg for k in node.keywords}
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if "lr" in keywords:
                problems.append(f"line {node.lineno}: lr= (Keras 3 takes learning_rate=)")
            if "input_shape" in keywords and KERAS_LAYERS.match(name or ""):
                problems.append(f"line {node.lineno}: {name}(input_shape=...) (use keras.Input)")
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("tensorflow.keras") or (
                node.module == "tensorflow" and any(a.name == "keras" for a in node.names)
            ):
                problems.append(f"line {node.lineno}: Keras imported through TensorFlow")
        if isinstance(node, ast.Import):
            if any(a.name.startswith("tensorflow.keras") for a in node.names):
                problems.append(f"line {node.lineno}: Keras imported through TensorFlow")
        if isinstance(node, ast.Attribute) and node.attr == "keras":
            if getattr(node.value, "id", "") in {"tf", "tensorflow"}:
                problems.append(f"line {node.lineno}: tf.keras (use import keras)")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            prefix = re.match(r"[a-zA-Z]*", token.string).group().lower()
            if (
                "r" not in prefix
                and "$" in token.string
                and re.search(r"(?<!\\)\\[a-zA-Z]", token.string)
            ):
                problems.append(f"line {token.start[0]}: LaTeX in a non-raw string {token.string}")
    return problems


@pytest.mark.parametrize(
    "bad",
    [
        "opt = keras.optimizers.SGD(lr=0.1)",
        "layer = layers.Conv2D(8, 3,\n    input_shape=(8, 8, 1))",
        "from tensorflow.keras import layers",
        "import tensorflow.keras",
        "from tensorflow import keras",
        "model = tf.keras.Sequential()",
        'ax.set_xlabel("$\\lambda$")',
        'ax.set_ylabel("$\\theta$")',
    ],
)
def test_the_checker_catches_fragile_api(bad):
    assert fragile_api(bad)


@pytest.mark.parametrize(
    "good",
    [
        "opt = keras.optimizers.SGD(learning_rate=0.1)",
        "model = digits_cnn(input_shape=(8, 8, 1))",
        "import keras",
        'ax.set_xlabel(r"$\\lambda$")',
        'print("tab\\tseparated")',
    ],
)
def test_the_checker_accepts_current_api(good):
    assert fragile_api(good) == []


@pytest.mark.parametrize("where, source", sources(), ids=[w for w, _ in sources()])
def test_no_fragile_api(where, source):
    assert fragile_api(source) == [], where


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_are_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    assert nb["nbformat"] == 4
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {index} has outputs: run nbstripout"
            assert cell["execution_count"] is None, f"cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_open_with_the_mode(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "cnncourse", (
        "the course kernel (make install registers it)"
    )
    first_code = code_cells(path)[0][1]
    assert "print_mode()" in first_code, "the first code cell prints the mode it runs in"
    assert "set_seed(" in first_code, "the first code cell seeds the random generators"


def test_notebooks_are_numbered_in_teaching_order():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", p.name) for p in NOTEBOOKS)
    assert numbers == list(range(len(NOTEBOOKS))), "notebooks are 00_, 01_, ... without gaps"


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=[p.name for p in NOTEBOOKS[1:]])
def test_lectures_have_goals_exercises_and_tagged_solutions(path):
    cells = json.loads(path.read_text())["cells"]
    markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert re.search(r"learning goals", markdown, re.I), "state the learning goals"
    assert re.search(r"^#+ .*exercises", markdown, re.I | re.M), "end with exercises"
    solutions = [c for c in cells if "solution" in c.get("metadata", {}).get("tags", [])]
    assert 2 <= len(solutions) <= 4, "2-4 exercises, each with a cell tagged `solution`"


def test_nbstripout_is_configured_for_contributors():
    assert "*.ipynb filter=nbstripout" in (ROOT / ".gitattributes").read_text()
    assert "nbstripout --install" in (ROOT / "Makefile").read_text()


def readme_ci_block() -> list[str]:
    """The commands README gives under "Without make", which .ci/run runs as written."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- ci: .*?-->\n```bash\n(.*?)```", readme, re.S)
    assert block, "README.md marks the commands CI runs with a '<!-- ci: ... -->' line"
    return block.group(1).strip().splitlines()


def test_ci_runs_the_readme_test_command_in_quick_mode():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    commands = readme_ci_block()
    assert "make test" in readme and ".venv/bin/python -m pytest" in commands
    assert ".venv/bin/python -m tools.run_notebooks" in commands
    assert "<!-- ci: " in ci and 'bash -c "$command"' in ci
    assert "CNNCOURSE_QUICK=1" in ci and "CNNCOURSE_DATA=" in ci


def test_make_runs_the_same_commands_as_the_readme_gives_without_make():
    makefile = (ROOT / "Makefile").read_text().replace(" --disable-pip-version-check -q", "")
    commands = readme_ci_block()
    assert re.search(r"^test: .*\n\t\$\(PY\) -m pytest$", makefile, re.M)
    assert re.search(
        r"^notebooks: .*\n\t\$\(PY\) -m tools.run_notebooks --out \$\(BUILD\)$", makefile, re.M
    )
    for command in commands[1:4]:  # the set-up after the venv: pins, kernel, web assets
        step = command.replace(".venv/bin/python", "$(PY)").replace("cnncourse", "$(KERNEL)")
        assert step in makefile, step


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_cnncourse_is_imported_before_tensorflow(path):
    """Importing cnncourse first keeps TensorFlow's C++ start-up log out of the notebook."""
    source = "\n".join(s for _, s in code_cells(path))
    tf_import = re.search(r"^\s*(import|from) (keras|tensorflow)\b", source, re.M)
    if tf_import:
        ours = re.search(r"^\s*(import|from) cnncourse\b", source, re.M)
        assert ours and ours.start() < tf_import.start(), "import cnncourse before keras/tensorflow"


def test_the_readme_starts_with_a_start_here_box_and_quick_mode_first():
    readme = (ROOT / "README.md").read_text()
    box = re.search(r"^> \*\*Start here\*\*\n((?:^>.*\n)+)", readme, re.M)
    assert box, "a quoted 'Start here' box"
    assert box.start() < readme.index("## Quick start"), "before the quick start"
    text = box.group(1)
    for topic in (
        "Before lecture 1",
        "Time:",
        "Disk and network",
        "2.4 GB",
        "quick mode",
        "Where to ask",
    ):
        assert topic in text, topic
    quick_start = readme.split("## Quick start", 1)[1]
    commands = re.search(r"```bash\n(.*?)```", quick_start, re.S).group(1).splitlines()
    assert commands[0].startswith("CNNCOURSE_QUICK=1 make notebooks"), "quick mode first"


def test_the_readme_gives_hosted_and_gpu_recipes_at_the_pinned_version():
    from cnncourse import environment

    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Colab, JupyterHub and a GPU", 1)[1].split("\n## ", 1)[0]
    pinned = environment.read_pins(ROOT / "requirements.txt")
    version = pinned.get("tensorflow-cpu") or pinned["tensorflow"]
    assert f'"tensorflow[and-cuda]=={version}"' in section, (
        "the GPU recipe names the pinned version"
    )
    assert "pip install --no-deps ." in section, "a route that keeps the platform's TensorFlow"
    assert "ipykernel install --user --name cnncourse" in section
    assert "Python 3 (ipykernel)" in section, "the documented python3 fallback"
