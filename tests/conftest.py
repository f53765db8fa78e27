"""Shared fixtures: a scratch copy of the course in which grading can write freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from harness import ROOT, nbgrader_meta


def make_scratch_course(target: Path) -> Path:
    """Copy what grading needs (solutions, notebooks, autograder scripts, configuration) into ``target``."""
    shutil.copytree(ROOT / "solutions", target / "solutions")
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    (target / "autograder").mkdir()
    for script in (ROOT / "autograder").glob("*.py"):
        shutil.copy2(script, target / "autograder" / script.name)
    for name in ("nbgrader_config.py", "pyproject.toml"):
        shutil.copy2(ROOT / name, target / name)
    return target


def reference_hand_in(assignment: str) -> nbformat.NotebookNode:
    """The released notebook with the instructor's answers typed into its answer cells."""
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {
        nbgrader_meta(c)["grade_id"]: c.source for c in source.cells if nbgrader_meta(c).get("solution")
    }
    released = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in released.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return released


def blank_hand_in(assignment: str) -> nbformat.NotebookNode:
    """The released notebook as a student receives it."""
    return nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.fixture
def scratch_course(tmp_path: Path) -> Path:
    return make_scratch_course(tmp_path / "course")
