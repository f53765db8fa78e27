"""Grading through the same path as ``make grade``: reference hand-ins get every autograded point,
untouched student notebooks get none, and a broken hand-in does not stop the others."""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest

from conftest import blank_hand_in, reference_hand_in
from harness import assignments


def grade(course, *args):
    env = dict(os.environ, COURSE_ROOT=str(course))
    env.pop("COURSE_GRADEBOOK", None)
    done = subprocess.run(
        [sys.executable, str(course / "autograder" / "grade.py"), *args],
        env=env, capture_output=True, text=True, check=False, timeout=1800,
    )
    print(done.stdout[-4000:])
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def hand_in(course, student, assignment, nb_or_text):
    folder = course / "autograder" / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    if isinstance(nb_or_text, str):
        path.write_text(nb_or_text)
    else:
        nbformat.write(nb_or_text, path)


def scores(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'autograder' / 'gradebook.db'}") as gradebook:
        return {
            (s.student.id, a.name): (s.code_score, s.max_code_score)
            for a in gradebook.assignments
            for s in a.submissions
        }


@pytest.mark.slow
def test_reference_full_marks_blank_zero_broken_reported(scratch_course):
    for assignment in assignments():
        hand_in(scratch_course, "reference", assignment, reference_hand_in(assignment))
        hand_in(scratch_course, "blank", assignment, blank_hand_in(assignment))
    hand_in(scratch_course, "broken", assignments()[0], "this is not a notebook")
    output = grade(scratch_course, "--jobs", "2")
    got = scores(scratch_course)
    for assignment in assignments():
        score, max_score = got[("reference", assignment)]
        assert max_score > 0 and score == max_score, f"reference {assignment}: {score}/{max_score}"
        score, _ = got[("blank", assignment)]
        assert score == 0, f"untouched {assignment} scored {score}"
    assert "broken" in output and "failed" in output
    csv_text = (scratch_course / "autograder" / "grades.csv").read_text()
    assert "reference" in csv_text and "blank" in csv_text
    for assignment in assignments():
        assert (scratch_course / "autograder" / "feedback" / "reference" / assignment / f"{assignment}.html").is_file()
