"""Grades out of the gradebook: nbgrader's long CSV (``grading/grades.csv``) and the scores per hand-in.

Usage: ``python -m autograder.export`` writes ``grading/grades.csv`` (``make grade`` does it too).
"""

from __future__ import annotations

import argparse
import sys

from autograder.core import GRADES_CSV, db_url, nbgrader


def export_grades() -> None:
    """Write ``grading/grades.csv`` with ``nbgrader export``."""
    done = nbgrader("export", f"--to={GRADES_CSV}")
    if done.returncode != 0:
        raise SystemExit(f"nbgrader export failed:\n{done.stdout}\n{done.stderr}")


def gradebook_scores() -> dict[tuple[str, str], dict[str, float]]:
    """Autograded (code) and manual (written) scores per (student, assignment), from the gradebook."""
    from nbgrader.api import Gradebook

    scores: dict[tuple[str, str], dict[str, float]] = {}
    with Gradebook(db_url()) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                scores[(submission.student.id, assignment.name)] = {
                    "code": submission.code_score,
                    "max_code": submission.max_code_score,
                    "written": submission.written_score,
                    "max_written": submission.max_written_score,
                }
    return scores


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description="Write grading/grades.csv from the gradebook.").parse_args(argv)
    export_grades()
    print(f"grades: {GRADES_CSV}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
