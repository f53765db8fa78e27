"""Shared fixtures (a scratch copy of the course in which grading can write freely), the order of the tests,
and the summary that ``make test`` ends with (which visible checks caught the mutants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.core import copy_course

LONGEST_FIRST = ("test_grading.py", "test_mutants.py", "test_colab.py", "test_dask.py")
"""``make test`` hands whole files to its two workers (``--dist loadfile``): the longest go first, so that one worker
starts the shared grading run at once while the other works through the rest. (``--dist loadgroup`` would group by
``xdist_group`` mark, but with pytest 9 and xdist 3.8 it does not: the shared run's tests landed on both workers
and one of them waited on the run's lock for 400 s doing nothing.)"""


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Files in :data:`LONGEST_FIRST` order, then the rest as collected (a stable sort)."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller (or a run without xdist)
        from test_mutants import REPORT

        REPORT.unlink(missing_ok=True)  # this run's mutants only


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    from test_mutants import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("mutants: WRONG answers caught by a visible check")
        for line in lines:
            terminalreporter.write_line(line)
