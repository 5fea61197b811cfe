"""nbval settings for the lecture notebooks.

The notebooks run in nbval's lax mode: every cell must execute without error, and only
cells marked ``# NBVAL_CHECK_OUTPUT`` have their output compared. On top of that, a cell
fails if it writes anything to standard error: a warning, a deprecation notice or a
library's log line is something a student would have to ignore, so it must not appear.
"""

import pytest


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    outcome = yield
    outputs = getattr(item, "test_outputs", None) or []
    if outcome.excinfo is None:
        stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
        if stderr:
            raise AssertionError(f"the cell wrote to standard error:\n{stderr[:2000]}")
