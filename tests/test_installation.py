"""The course installs with Python alone: declared dependencies, pins that agree, one kernel.

The slow test builds the wheel, installs it into a fresh virtual environment that cannot see
``src/``, imports every module there and executes a Keras lecture in quick mode with that
environment's kernel. CI also installs the package with its declared dependencies into an
empty environment (``.ci/run``).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from packaging.requirements import Requirement

from tools import execution
from tools.paths import NOTEBOOKS, ROOT, lectures

PACKAGE = ROOT / "src" / "cnncourse"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# the module a package is imported as -> the distributions that provide it
DISTRIBUTIONS = {
    "sklearn": {"scikit-learn"},
    "tensorflow": {"tensorflow", "tensorflow-cpu"},
    "IPython": {"ipython"},
    "yaml": {"pyyaml"},
}
KERNEL = {"name": "cnncourse", "display_name": "Python (CNN course)", "language": "python"}


def third_party_imports() -> dict[str, str]:
    """Top-level modules imported anywhere in the package (also inside functions), not stdlib."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "cnncourse":
                    found.setdefault(top, path.name)
    return found


def declared(requirements: list[str]) -> set[str]:
    return {Requirement(r).name.lower() for r in requirements}


def test_every_imported_package_is_a_declared_dependency():
    dependencies = declared(PYPROJECT["project"]["dependencies"])
    missing = {
        module: where
        for module, where in third_party_imports().items()
        if not DISTRIBUTIONS.get(module, {module.lower().replace("_", "-")}) & dependencies
    }
    assert not missing, f"imported by src/cnncourse but not in pyproject's dependencies: {missing}"


def test_extras_cover_the_tools_and_tests():
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"lab", "test", "site", "lint"} <= set(extras)
    assert {"jupyterlab", "jupyterlab-rise"} <= declared(extras["lab"])
    assert {"pytest", "nbval", "hypothesis"} <= declared(extras["test"])
    assert {"nbconvert", "playwright"} <= declared(extras["site"])


def pins(lines: list[str]) -> dict[str, str]:
    """name -> exact version, for the ``name==version`` lines (markers kept apart by name)."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip().lstrip("- ").strip()
        if "==" in line:
            requirement = Requirement(line)
            marker = f"; {requirement.marker}" if requirement.marker else ""
            found[requirement.name.lower() + marker] = str(requirement.specifier).removeprefix("==")
        elif re.fullmatch(r"[A-Za-z0-9_.-]+=[0-9][^=\s]*", line):  # conda: name=version
            name, version = line.split("=")
            found[name.lower()] = version
    return found


def test_environment_yml_pins_the_same_versions_as_requirements_txt():
    required = pins((ROOT / "requirements.txt").read_text().splitlines())
    conda = pins((ROOT / "environment.yml").read_text().splitlines())
    conda.pop("python", None)
    assert conda == required, {
        "only in requirements.txt": {k: v for k, v in required.items() if conda.get(k) != v},
        "only in environment.yml": {k: v for k, v in conda.items() if required.get(k) != v},
    }


def test_the_pin_checker_notices_a_disagreement():
    assert pins(["numpy==2.4.6"]) != pins(["  - numpy=2.4.5"])
    assert pins(["numpy==2.4.6"]) == pins(["  - numpy=2.4.6"])


@pytest.mark.parametrize("path", lectures(), ids=lambda p: p.stem)
def test_notebooks_name_the_course_kernel(path):
    assert json.loads(path.read_text())["metadata"]["kernelspec"] == KERNEL


def test_makefile_and_readme_register_and_name_that_kernel():
    makefile, readme = (ROOT / "Makefile").read_text(), (ROOT / "README.md").read_text()
    assert (
        f"KERNEL := {KERNEL['name']}" in makefile
        and f'--display-name "{KERNEL["display_name"]}"' in makefile
    )
    assert f"**{KERNEL['display_name']}**" in readme
    assert f'--name {KERNEL["name"]} --display-name "{KERNEL["display_name"]}"' in readme


@pytest.mark.slow
def test_a_notebook_saved_from_the_course_kernel_passes_the_repository_checks(tmp_path):
    """Save a lecture as JupyterLab does with the installed kernel, commit it through nbstripout."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL["name"])  # registered by make install
    source = lectures()[1]
    nb = nbformat.read(source, as_version=4)
    nb.metadata["kernelspec"] = {
        "name": KERNEL["name"],
        "display_name": spec.display_name,
        "language": spec.language,
    }
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="quick mode\n")]
    nb.cells[1].execution_count = 1
    saved = tmp_path / source.name
    nbformat.write(nb, saved)
    subprocess.run([sys.executable, "-m", "nbstripout", str(saved)], check=True)  # the git filter
    committed = json.loads(saved.read_text())
    assert committed["metadata"]["kernelspec"] == KERNEL
    assert all(
        not cell.get("outputs") for cell in committed["cells"] if cell["cell_type"] == "code"
    )


@pytest.mark.slow
def test_the_live_slideshow_extension_is_installed_and_enabled():
    jupyter = Path(sys.executable).with_name("jupyter")
    listing = subprocess.run(
        [str(jupyter), "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    line = next((ln for ln in text.splitlines() if "jupyterlab-rise" in ln), "")
    assert "enabled" in line and "OK" in line, text


@pytest.mark.slow
def test_the_built_wheel_runs_a_keras_lecture_outside_the_source_tree(tmp_path):
    """The wheel, built from the repository and installed into a fresh virtual environment,
    imports every module and runs a Keras lecture on that environment's own kernel.

    The fresh environment reaches the dependencies through a ``.pth`` line naming this
    environment's site-packages; Python does not run the ``.pth`` files of a folder added
    that way, so the editable install (which points at ``src/``) stays out of it and the
    course can only come from the wheel. Installing the dependencies themselves (a gigabyte
    of TensorFlow, a minute here) is left to CI, which installs the package with ``pip install
    .`` into an empty environment (``.ci/run``); that every imported package is declared is
    checked above, without installing anything.
    """
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("cnncourse-*.whl")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site_packages = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    ours = sysconfig.get_path("purelib")
    (site_packages / "course_dependencies.pth").write_text(ours + "\n")
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-compile", "--target", str(site_packages), wheel],
        check=True,
        timeout=300,
    )
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    imported = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib, cnncourse, sys\n"
            f"for m in {modules!r}: importlib.import_module('cnncourse.' + m)\n"
            "print(cnncourse.__file__)\n"
            "print(*sys.path, sep='\\n')",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert imported.returncode == 0, imported.stderr
    # 00_setup's pin check works from the installed package alone (no requirements.txt
    # beside it), and reports no development tool as a problem
    setup_check = subprocess.run(
        [
            str(python),
            "-c",
            "from cnncourse import environment as e\n"
            "pins = e.read_pins()\n"
            "assert 'keras' in pins, pins\n"
            "table = e.version_table(pins)\n"
            "print(e.REQUIREMENTS)\n"
            "print(bool(table.set_index('package').loc['pytest', 'optional']))",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert setup_check.returncode == 0, setup_check.stderr
    pins_file, pytest_optional = setup_check.stdout.splitlines()
    assert pins_file.startswith(str(site_packages)) and pytest_optional == "True"
    package_file, *path = imported.stdout.splitlines()
    assert package_file.startswith(str(site_packages)), "imported from the wheel, not from src/"
    assert str(PACKAGE.parent) not in path, "the editable install leaked into the environment"
    # the lecture runs on that environment's own kernel
    subprocess.run(
        [str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "fresh"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {
        "JUPYTER_PATH": str(fresh / "share" / "jupyter"),
        "PYTHONPATH": "",
        "CNNCOURSE_QUICK": "1",
    }
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        nb = nbformat.read(NOTEBOOKS / "09_cnn_from_scratch.ipynb", as_version=4)
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "import sys, cnncourse\nprint('ran on', sys.executable, cnncourse.__file__)"
            )
        )
        client = execution.client(nb, NOTEBOOKS)
        client.kernel_name = "fresh"
        client.execute()
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert last.count(str(fresh)) == 2, last  # that python, and the package installed in it
    assert not execution.first_stderr_cell(nb)[1]
