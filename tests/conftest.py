"""Shared fixtures (a scratch copy of the course in which grading can write freely), the order of the tests,
and the summary that ``make test`` ends with (which visible checks caught the mutants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.core import copy_course

GRADING_GROUP = "grading"
"""The xdist group of the tests that read the shared grading run (tests/test_grading.py): the longest chain."""


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")


def _in_grading_group(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("xdist_group")
    return marker is not None and (marker.kwargs.get("name") or (marker.args or [None])[0]) == GRADING_GROUP


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The shared grading run's tests first: one worker starts the longest chain at once while the other
    takes everything else (longest first), instead of meeting it halfway through the run."""
    items.sort(key=lambda item: not _in_grading_group(item))  # stable: the rest keep their order


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
