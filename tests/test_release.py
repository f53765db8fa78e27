"""The committed student notebooks are exactly what ``make release`` makes, and hold no answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.core import ANSWER_MARKERS
from harness import ROOT, assignments


def release_into(folder: Path, state: Path) -> None:
    env = dict(os.environ, COURSE_STATE=str(state))  # the gradebook nbgrader writes goes there
    done = subprocess.run(
        [sys.executable, "-m", "autograder.release.notebooks", "--to", str(folder)],
        env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_release_is_in_sync_and_deterministic(tmp_path):
    """A fresh release equals the committed one, byte for byte. The committed files came from an earlier
    ``make release``, so equal files also show that two releases agree; only when they differ is a second
    release made, to tell a stale commit from a release that is not deterministic."""
    first = tmp_path / "first"
    release_into(first, tmp_path / "state")
    stale = []
    for assignment in assignments():
        name = f"{assignment}/{assignment}.ipynb"
        committed = ROOT / "notebooks" / name
        assert committed.is_file(), f"notebooks/{name} is missing: run `make release`"
        if committed.read_bytes() != (first / name).read_bytes():
            stale.append(name)
    if stale:
        second = tmp_path / "second"
        release_into(second, tmp_path / "state")
        for name in stale:
            assert (first / name).read_bytes() == (second / name).read_bytes(), f"releasing {name} twice differs"
        raise AssertionError(f"out of date: {stale}: run `make release`")
    released = sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir())
    assert released == [a for a in assignments() if a in released] and set(assignments()) <= set(released)


@pytest.mark.parametrize("folder", ["notebooks", "helpers", "data"])
def test_nothing_students_receive_holds_an_answer(folder):
    for path in (ROOT / folder).rglob("*"):
        if path.is_file() and path.suffix in {".ipynb", ".py", ".md", ".txt", ".csv", ".json"}:
            assert not ANSWER_MARKERS.search(path.read_text(errors="ignore")), f"{path} holds a solution or hidden test"


def test_solutions_are_committed_without_outputs():
    import nbformat

    for assignment in assignments():
        nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{assignment}: strip outputs"


def test_release_writes_only_generated_files(tmp_path):
    """``make release`` never edits ``solutions/``: in a copy of the course whose ``[tool.course]`` names another
    release, the student notebooks get that release in their setup cell and badge, the solutions stay as they were."""
    import hashlib

    from autograder.core import copy_course, course_config

    course = copy_course(tmp_path / "course")
    (course / "helpers").mkdir()
    pyproject = course / "pyproject.toml"
    ref = course_config(course)["ref"]
    pyproject.write_text(pyproject.read_text().replace(f'ref = "{ref}"', 'ref = "v9.9.9"'))

    def digests() -> dict[str, str]:
        return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((course / "solutions").rglob("*")) if p.is_file()}

    before = digests()
    env = dict(os.environ, COURSE_ROOT=str(course), COURSE_STATE=str(course / "grading"))
    done = subprocess.run([sys.executable, "-m", "autograder.release.notebooks"], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert digests() == before, "make release changed solutions/"
    assert "solutions/" not in done.stdout
    for assignment in assignments():
        text = (course / "notebooks" / assignment / f"{assignment}.ipynb").read_text()
        assert "v9.9.9" in text and f'"{ref}"' not in text, assignment
    assert "v9.9.9" in (course / "helpers" / "course.py").read_text()
