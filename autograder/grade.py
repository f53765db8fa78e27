"""The instructor's grading pipeline behind ``make grade``.

For every hand-in at ``autograder/submitted/<student>/<assignment>/<notebook>.ipynb``:

1. the gradebook learns every assignment from ``solutions/`` (``nbgrader generate_assignment`` into a
   scratch folder, so the committed ``notebooks/`` are not touched);
2. each hand-in is autograded by its own ``nbgrader autograde`` process, several at once (``--jobs``),
   so one broken hand-in (a crash, a dead kernel, a timeout) cannot stop the others;
3. feedback HTML is generated per hand-in, and ``nbgrader export`` writes ``autograder/grades.csv``;
4. a table of scores, one row per hand-in, is printed, with the hand-ins that failed to grade named.

Usage: ``python autograder/grade.py [--assignment A] [--jobs N]``. The environment variable
``COURSE_ROOT`` points the pipeline at another copy of the course (the tests use a scratch copy).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from course import ROOT, assignments, db_url, nbgrader
from release import release

AUTOGRADER = ROOT / "autograder"
SUBMITTED = AUTOGRADER / "submitted"
GRADES_CSV = AUTOGRADER / "grades.csv"
HAND_IN_TIMEOUT_S = 900


def register_assignments(names: list[str]) -> None:
    """Put every assignment's cells and checksums into the gradebook, leaving ``notebooks/`` alone."""
    with tempfile.TemporaryDirectory() as scratch:
        release(names, to=scratch)


@dataclass
class HandIn:
    student: str
    assignment: str
    status: str = "pending"
    detail: str = ""
    seconds: float = 0.0


def find_hand_ins(only: str | None) -> list[HandIn]:
    """Every ``submitted/<student>/<assignment>/`` folder, for known assignments."""
    known = set(assignments())
    found = []
    if SUBMITTED.is_dir():
        for student_dir in sorted(p for p in SUBMITTED.iterdir() if p.is_dir()):
            for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
                if only and assignment_dir.name != only:
                    continue
                hand_in = HandIn(student_dir.name, assignment_dir.name)
                if assignment_dir.name not in known:
                    hand_in.status, hand_in.detail = "skipped", "unknown assignment"
                found.append(hand_in)
    return found


def grade_one(hand_in: HandIn) -> HandIn:
    """Autograde and make feedback for one hand-in, in its own processes."""
    start = time.perf_counter()
    try:
        done = nbgrader(
            "autograde", hand_in.assignment, "--student", hand_in.student, "--force",
            timeout=HAND_IN_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        hand_in.status, hand_in.detail = "failed", f"grading took over {HAND_IN_TIMEOUT_S} s"
    else:
        if done.returncode != 0:
            last = [line for line in (done.stdout + done.stderr).splitlines() if "ERROR" in line]
            hand_in.status, hand_in.detail = "failed", (last[-1] if last else "nbgrader autograde failed")[:200]
        else:
            hand_in.status = "graded"
            feedback = nbgrader("generate_feedback", hand_in.assignment, "--student", hand_in.student, "--force")
            if feedback.returncode != 0:
                hand_in.detail = "no feedback generated"
    hand_in.seconds = time.perf_counter() - start
    return hand_in


def export_grades() -> list[dict[str, str]]:
    """Write ``autograder/grades.csv`` with ``nbgrader export`` and return its rows."""
    done = nbgrader("export", f"--to={GRADES_CSV}")
    if done.returncode != 0:
        raise SystemExit(f"nbgrader export failed:\n{done.stdout}\n{done.stderr}")
    with GRADES_CSV.open(newline="") as handle:
        return list(csv.DictReader(handle))


def autograded_scores() -> dict[tuple[str, str], dict[str, float]]:
    """Autograded (code) and manual (written) scores per (student, assignment), from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    scores: dict[tuple[str, str], dict[str, float]] = {}
    with Gradebook(db_url()) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                try:
                    scores[(submission.student.id, assignment.name)] = {
                        "code": submission.code_score,
                        "max_code": submission.max_code_score,
                        "written": submission.written_score,
                        "max_written": submission.max_written_score,
                    }
                except MissingEntry:  # pragma: no cover - the gradebook changed under us
                    continue
    return scores


def print_table(hand_ins: list[HandIn]) -> None:
    """One row per hand-in: autograded points, written points still to grade by hand, status."""
    scores = autograded_scores()
    print(f"{'student':<24} {'assignment':<26} {'autograded':>12} {'written':>8} {'status':<8} {'time':>7}  note")
    for h in hand_ins:
        row = scores.get((h.student, h.assignment))
        auto = f"{row['code']:g} / {row['max_code']:g}" if row else "-"
        written = f"{row['max_written']:g} pts" if row and row["max_written"] else "-"
        print(f"{h.student:<24} {h.assignment:<26} {auto:>12} {written:>8} {h.status:<8} {h.seconds:6.1f}s  {h.detail}")
    print("Written answers are graded by hand in nbgrader's formgrader (`make formgrader`).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", help="grade only this assignment")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="hand-ins graded at once")
    args = parser.parse_args(argv)

    hand_ins = find_hand_ins(args.assignment)
    if not hand_ins:
        print(f"No hand-ins under {SUBMITTED} (expected <student>/<assignment>/<notebook>.ipynb).")
        return 0
    register_assignments(sorted({h.assignment for h in hand_ins if h.status == "pending"}))
    start = time.perf_counter()
    pending = [h for h in hand_ins if h.status == "pending"]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(grade_one, pending))
    export_grades()
    print_table(hand_ins)
    failed = [h for h in hand_ins if h.status != "graded"]
    print(
        f"\n{len(hand_ins) - len(failed)} of {len(hand_ins)} hand-ins graded in "
        f"{time.perf_counter() - start:.1f} s; grades in {GRADES_CSV.relative_to(ROOT)}, "
        f"feedback in autograder/feedback/."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
