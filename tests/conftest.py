"""Shared fixtures: a scratch copy of the course in which grading can write freely."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.core import copy_course


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")
