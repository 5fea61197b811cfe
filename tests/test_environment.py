import pytest

from cnncourse import config, environment


def test_read_pins_keeps_the_lines_for_this_platform(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# comment\n"
        "numpy==2.0.0  # trailing comment\n"
        'onlyhere==1.0; python_version >= "3"\n'
        'nothere==1.0; python_version < "3"\n'
    )
    assert environment.read_pins(requirements) == {"numpy": "2.0.0", "onlyhere": "1.0"}


def test_read_pins_demands_exact_versions(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("numpy>=2\n")
    with pytest.raises(ValueError, match="should pin one exact version"):
        environment.read_pins(requirements)


def test_the_course_pins_cover_tensorflow_and_keras():
    pins = environment.read_pins()
    assert "keras" in pins and pins["keras"].startswith("3.")
    assert {"tensorflow", "tensorflow-cpu"} & set(pins)


def test_version_table_flags_differences_and_missing_packages():
    import numpy

    table = environment.version_table(
        {"numpy": numpy.__version__, "pytest": "0.0.1", "no-such-package-xyz": "1.0"},
        required={"numpy", "pytest", "no-such-package-xyz"},
    )
    assert table["ok"].tolist() == [True, False, False]
    assert table["installed"].iloc[2] == "missing"
    problems = environment.version_problems(table)
    assert len(problems) == 2
    assert "make install" in problems[0].fix
    assert str(problems[0]).startswith("PROBLEM: pytest is")


def test_python_problems():
    assert environment.python_problems((3, 11, 0)) == []
    (problem,) = environment.python_problems((3, 9, 7))
    assert "3.9.7 is older than 3.11" in problem.what


def test_dataset_table_reports_local_files_and_downloads(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path))
    monkeypatch.setenv("CNNCOURSE_CACHE", str(tmp_path / "cache"))
    (tmp_path / "mnist.npz").write_bytes(b"x" * 2_000_000)
    table = environment.dataset_table().set_index("dataset")
    assert table.loc["MNIST", "found_in"] == config.DATA_ENV
    assert table.loc["MNIST", "size_mb"] == 2.0
    assert table.loc["CIFAR-10", "found_in"] == "download"
    (problem,) = environment.dataset_problems(table.reset_index())
    assert "cifar10.npz is not on this machine" in problem.what


def test_development_tools_are_optional_never_a_problem():
    import numpy

    table = environment.version_table(
        {"numpy": "0.0.1", "pytest": "0.0.1", "ruff": "0.0.1", "no-such-tool-xyz": "1.0"}
    ).set_index("package")
    assert table["optional"].to_dict() == {
        "numpy": False,
        "pytest": True,
        "ruff": True,
        "no-such-tool-xyz": True,
    }
    problems = environment.version_problems(table.reset_index())
    assert [p.what.split()[0] for p in problems] == ["numpy"], problems
    assert numpy.__version__ != "0.0.1"


def test_the_pins_ship_inside_the_package_equal_to_requirements_txt():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    assert environment.REQUIREMENTS.parent == Path(environment.__file__).parent
    assert environment.REQUIREMENTS.read_text() == (root / "requirements.txt").read_text(), (
        "run `make install` (or `cp requirements.txt src/cnncourse/requirements.txt`)"
    )
    assert "requirements.txt" in (root / "pyproject.toml").read_text().split("package-data")[1]


def test_every_lecture_dependency_is_required_and_every_dev_tool_optional():
    required = environment.required_packages()
    assert required is not None
    optional = set(environment.version_table(environment.read_pins()).query("optional")["package"])
    assert {"pytest", "ruff", "playwright", "nbval", "nbstripout", "hypothesis"} <= optional
    assert not {"numpy", "keras", "scipy", "matplotlib", "ipykernel"} & optional


def test_the_gpu_build_of_tensorflow_stands_in_for_the_cpu_pin(monkeypatch):
    from importlib import metadata

    installed = {"tensorflow": "2.21.0"}

    def version(name):
        if name in installed:
            return installed[name]
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(environment.metadata, "version", version)
    table = environment.version_table({"tensorflow-cpu": "2.21.0"}, required={"tensorflow-cpu"})
    assert table["ok"].tolist() == [True]
    assert table["installed"].iloc[0] == "2.21.0 (tensorflow)"
    installed["tensorflow"] = "2.19.0"  # a hosted platform's own build: a real difference
    table = environment.version_table({"tensorflow-cpu": "2.21.0"}, required={"tensorflow-cpu"})
    assert environment.version_problems(table), "a different version is still reported"
