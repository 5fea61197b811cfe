"""Importing TensorFlow after cnncourse prints nothing on standard error."""

import os
import subprocess
import sys

import pytest


def run(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP")}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


@pytest.mark.slow
def test_tensorflow_import_is_silent_after_cnncourse():
    result = run(
        "import cnncourse, keras, tensorflow as tf; print(tf.reduce_sum(tf.ones(3)).numpy())"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3.0"
    assert result.stderr == ""


@pytest.mark.slow
def test_standard_error_works_again_after_the_import():
    result = run("import cnncourse, sys, tensorflow; print('after', file=sys.stderr)")
    assert result.returncode == 0
    assert result.stderr == "after\n"
