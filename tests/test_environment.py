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
        {"numpy": numpy.__version__, "pytest": "0.0.1", "no-such-package-xyz": "1.0"}
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
