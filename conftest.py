"""How a test run is ordered and shared between two processes (loaded for every test path).

``make test`` runs pytest in two worker processes (pytest-xdist: ``-n 2 --dist loadscope`` in
pyproject.toml). The course-build tests use the notebooks that nbval executed in this run,
so they share a process, the scope "course", with the longest lectures, and run after
them. The other process executes the short lectures first, each its own scope, and then
takes the unit tests one module at a time; the course-build tests read the short lectures'
records from ``build/test-records/`` (:func:`tools.execution.wait_for_record`). Package
fixtures live in ``tests/conftest.py``, the nbval settings in ``notebooks/conftest.py``.
"""

from __future__ import annotations

import shutil

import pytest

COURSE_SCOPE = "course"  # the long lectures under nbval, then the course built from them
# the longest lectures in quick mode (26-71 s each): with the course build they take about as
# long as everything else, which the other process runs (a new lecture goes there until it
# is listed here)
LONG_LECTURES = {"06", "07", "10", "11"}


def _kind(path: str) -> int:
    """0: a long lecture, 1: a short lecture, 2: a unit test, 3: a course-build test."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".ipynb"):
        return 0 if name[:2] in LONG_LECTURES else 1
    return 3 if name == "test_course_build.py" else 2


def pytest_collection_modifyitems(config, items):
    """Long lectures, short lectures, unit tests, course-build tests: in one process too."""
    items.sort(key=lambda item: _kind(str(item.path)))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    # the records of an earlier run must not stand in for this one's (once, not per worker)
    if not hasattr(session.config, "workerinput"):
        from tools.execution import RECORDS

        shutil.rmtree(RECORDS, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: ignored when xdist is not loaded
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's ``loadscope`` scheduling, with the course as one scope, started first.

    (pytest-xdist's ``xdist_group`` mark would say the same, but pytest-xdist 3.8 does not
    apply it under pytest 9.2: the group is written into a node id that pytest no longer
    reads.)
    """
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False  # scopes in collection order: the course first

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope(nodeid, self.numnodes)

    return CourseScheduling(config, log)


def scope(nodeid: str, workers: int) -> str:
    """The scope of a test: "course" or its file. With one worker the short lectures join
    the course: the course-build tests would otherwise wait for them in the same process."""
    path = nodeid.split("::", 1)[0]
    kind = _kind(path)
    if kind in (0, 3) or (kind == 1 and workers < 2):
        return COURSE_SCOPE
    return path
