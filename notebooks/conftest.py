"""nbval settings for the lecture notebooks.

The notebooks run in nbval's lax mode: every cell must execute without error, and
only cells marked ``# NBVAL_CHECK_OUTPUT`` have their output compared. Standard error
(progress bars, library notices) is never compared.
"""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr", "text/html", "application/javascript")
