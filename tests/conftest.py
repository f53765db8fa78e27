"""The order of the tests, the shared grading run's start and end, and the summary that ``make test`` ends with
(which visible checks caught the mutants)."""

from __future__ import annotations

import pytest

FIRST = ("test_mutants.py", "test_colab.py", "test_dask.py", "test_term.py", "test_class_report.py")
HEAVY_MUTANTS = ("05_pixelcnn", "06_pixelcnn_plus", "02_entropy")
"""The assignments whose mutants take longest (their classes of ``test_mutants.py`` go first)."""
LAST = ("test_grading_pages.py", "test_grading.py")
"""``make test`` hands each test module (each class of ``test_mutants.py``: one per assignment) to one of its workers
(``--dist loadscope --no-loadscope-reorder``: xdist would otherwise order the modules by their number of tests), in
this order: the longest first, the tests of the shared grading run last, which grades in the
background meanwhile (:func:`test_grading.start_shared_run`). A module's tests stay on one worker, so a module's
expensive fixtures run once."""


@pytest.hookimpl(trylast=True)  # after -k and -m deselected what does not run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files in :data:`FIRST` order, then the rest as collected, :data:`LAST` at the end (a stable sort); the shared
    grading run started when a collected test needs it."""
    rank = {name: i for i, name in enumerate(FIRST)}
    rank.update({name: len(FIRST) + 2 + i for i, name in enumerate(LAST)})
    heavy = {f"Test_{a}": i for i, a in enumerate(HEAVY_MUTANTS)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(FIRST) + 1),
                                 heavy.get(getattr(item.cls, "__name__", ""), len(heavy))))
    if not config.option.collectonly and any("graded" in getattr(item, "fixturenames", ()) for item in items):
        from test_grading import start_shared_run

        start_shared_run()


@pytest.fixture(scope="module")
def graded() -> tuple:
    """The shared grading run's outcome (tests/test_grading.py: ``shared_outcome``), for the modules that read it."""
    from test_grading import shared_outcome

    return shared_outcome()


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller (or a run without xdist)
        from test_mutants import REPORT

        REPORT.unlink(missing_ok=True)  # this run's mutants only


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not hasattr(session.config, "workerinput"):  # every worker is done: the shared grading run is needed no more
        from test_grading import stop_shared_run

        stop_shared_run()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    from test_mutants import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("mutants: WRONG answers caught by a visible check")
        for line in lines:
            terminalreporter.write_line(line)
