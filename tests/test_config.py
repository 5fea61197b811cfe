import os
import random
from pathlib import Path

import numpy as np
import pytest

from cnncourse import config


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_quick_mode_values(monkeypatch, value):
    monkeypatch.setenv(config.QUICK_ENV, value)
    assert config.settings().quick
    assert config.settings().mode == "quick"
    assert config.choose(full=100, quick=5) == 5


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_full_mode_values(monkeypatch, value):
    monkeypatch.setenv(config.QUICK_ENV, value)
    assert not config.is_quick()
    assert config.choose(full=100, quick=5) == 100


def test_full_mode_is_the_default(monkeypatch):
    monkeypatch.delenv(config.QUICK_ENV, raising=False)
    assert config.settings().mode == "full"
    assert "full" in config.settings().describe()


def test_unrecognised_quick_value_is_an_error(monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "maybe")
    with pytest.raises(ValueError, match="CNNCOURSE_QUICK must be 1"):
        config.settings()


def test_data_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path))
    assert config.settings().data_dir == tmp_path.resolve()
    monkeypatch.delenv(config.DATA_ENV)
    assert config.settings().data_dir is None


def test_print_mode_prints_the_description(monkeypatch, capsys):
    monkeypatch.setenv(config.QUICK_ENV, "1")
    config.print_mode()
    assert capsys.readouterr().out.startswith("Mode: quick")


def test_set_seed_repeats_python_and_numpy():
    config.set_seed(7, keras=False)
    first = (random.random(), np.random.rand(3))
    config.set_seed(7, keras=False)
    second = (random.random(), np.random.rand(3))
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_set_seed_repeats_keras_initial_weights():
    import keras

    def fresh_kernel():
        layer = keras.layers.Dense(3)
        layer.build((None, 4))
        return layer.kernel.numpy()

    config.set_seed(3, keras=True)
    first = fresh_kernel()
    config.set_seed(3, keras=True)
    np.testing.assert_array_equal(first, fresh_kernel())
    config.set_seed(4, keras=True)
    assert not np.array_equal(first, fresh_kernel())


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_set_seed_rejects_bad_seeds(seed):
    with pytest.raises((ValueError, TypeError), match="seed must be an int >= 0"):
        config.set_seed(seed)


@pytest.mark.parametrize("variable", [config.DATA_ENV, "CNNCOURSE_CACHE"])
def test_a_symlink_loop_names_the_variable(monkeypatch, tmp_path, variable):
    from cnncourse import data

    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    monkeypatch.setenv(variable, str(loop))
    with pytest.raises(data.DataLocationError, match=f"{variable}=.*cannot be resolved"):
        config.settings() if variable == config.DATA_ENV else data.cache_dir()


def test_shown_path_is_relative_to_the_repository_or_the_home_folder(tmp_path, monkeypatch):
    repository = Path(config.__file__).resolve().parents[2]
    if not (repository / "notebooks").is_dir():
        pytest.skip("a non-editable install: the repository is found from the working directory")
    assert config.shown_path(repository / "notebooks" / "01_x.ipynb") == "notebooks/01_x.ipynb"
    assert config.shown_path(repository) == "."
    assert config.shown_path(repository.parent / "shared" / "datasets") == "../shared/datasets"
    assert config.shown_path(str(repository / "src")) == "src"  # a str as well as a Path
    # a link's own name, not its target: .venv/bin/python, not the interpreter it points at
    link = repository / "build" / "test-shown-path-link"
    link.parent.mkdir(exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(tmp_path)
    try:
        assert config.shown_path(link) == "build/test-shown-path-link"
    finally:
        link.unlink()
    monkeypatch.setenv("HOME", str(tmp_path))
    beside = Path(os.path.relpath(tmp_path, repository)).parts.count("..") == 1
    if not beside:  # a clone in /tmp: the pytest folder is beside it, shown relative first
        assert config.shown_path(tmp_path / "data" / "mnist.npz") == "~/data/mnist.npz"
    far = Path("/") / "opt" / "elsewhere" / "data"
    assert config.shown_path(far) == str(far)  # two levels out of the repository: as given


def test_shown_path_refuses_what_is_not_a_path():
    with pytest.raises(TypeError, match="path must be a str or a path, got int"):
        config.shown_path(3)
