"""Every read and write of nbgrader's gradebook, in one place (nbgrader's Python API, ``nbgrader.api.Gradebook``).

- :func:`register`: the course's gradebook knows each assignment's current source (``make grade``, first);
- :func:`template`: a gradebook that knows one assignment and no student, what a grading job carries;
- :func:`test_sources`: the test cells' sources (hidden tests included) and the graded names, for the judge;
- :func:`read_results`: what a job's own gradebook says of its hand-ins (scores per cell, timestamps);
- :func:`merge`: a job's result into the course's gradebook;
- :func:`totals`, :func:`cells`, :func:`export_grades`: the scores per hand-in (``make export``, the printed table),
  per cell (the class report), and ``grades.csv`` (nbgrader's CSV exporter).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import nbformat

from autograder.core import GRADES_CSV, REGISTERED, db_url, generate_assignment, nbgrader_api, source_path


def register(names: list[str]) -> dict[str, nbformat.NotebookNode]:
    """Make sure the gradebook knows each assignment's current source; return the released notebooks.

    ``nbgrader generate_assignment`` (into a scratch folder, so ``notebooks/`` is not touched) records the
    cells and checksums. Its release is cached in ``grading/registered/`` with the source's sha256, so
    a later run skips it while the source is unchanged and the gradebook still holds the assignment.
    """
    from nbgrader.api import Gradebook, MissingEntry

    releases: dict[str, nbformat.NotebookNode] = {}
    stale = []
    with Gradebook(db_url()) as gradebook:
        for name in names:
            digest = hashlib.sha256(source_path(name).read_bytes()).hexdigest()
            cached = REGISTERED / f"{name}.ipynb"
            marker = REGISTERED / f"{name}.sha256"
            try:
                gradebook.find_assignment(name)
                known = marker.is_file() and marker.read_text() == digest and cached.is_file()
            except MissingEntry:
                known = False
            if known:
                releases[name] = nbformat.read(cached, as_version=4)
            else:
                stale.append((name, digest))
    if stale:
        REGISTERED.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            generate_assignment([name for name, _ in stale], to=scratch)
            for name, digest in stale:
                shutil.copy2(Path(scratch) / name / f"{name}.ipynb", REGISTERED / f"{name}.ipynb")
                (REGISTERED / f"{name}.sha256").write_text(digest)
                releases[name] = nbformat.read(REGISTERED / f"{name}.ipynb", as_version=4)
    return releases


def template(assignment: str, source: Path) -> tuple[bytes, str]:
    """A gradebook that knows only ``assignment`` (its cells and checksums) and no student, and the release.

    ``nbgrader generate_assignment`` of the source notebook ``source`` in a scratch course; returns the
    gradebook's bytes (what a :class:`GradingJob` carries) and the released notebook (nbformat JSON).
    """
    with tempfile.TemporaryDirectory(prefix="gradebook-template-") as scratch:
        root = Path(scratch) / "course"
        (root / "solutions" / assignment).mkdir(parents=True)
        shutil.copy2(source, root / "solutions" / assignment / f"{assignment}.ipynb")
        (root / "grading").mkdir()
        api = nbgrader_api(root, release=root / "release", db=f"sqlite:///{root / 'grading' / 'gradebook.db'}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            done = api.generate_assignment(assignment, force=True)
        released = root / "release" / assignment / f"{assignment}.ipynb"
        if not done.get("success") or not released.is_file():
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{done.get('log', '')}\n"
                               f"{done.get('error', '')}")
        return (root / "grading" / "gradebook.db").read_bytes(), released.read_text()


def test_sources(url: str, notebook: str, assignment: str) -> tuple[dict[str, str], set[str]]:
    """The sources of ``notebook``'s grade cells by grade_id (the instructor's: hidden tests included) and the names
    of its answer cells (the graded names), from the gradebook at ``url``."""
    from nbgrader.api import Gradebook

    with Gradebook(url) as gradebook:
        found = gradebook.find_notebook(notebook, assignment)
        return {c.name: c.source for c in found.source_cells}, {c.name for c in found.solution_cells}


def read_results(url: str, assignment: str, results: list[Any]) -> None:
    """Fill each job result (:class:`autograder.jobs.JobResult`) with what the job's gradebook holds for its student:
    the submission's timestamp, the late penalty, the scores and comments per cell."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(url) as gradebook:
        for result in results:
            try:
                submission = gradebook.find_submission(assignment, result.student)
            except MissingEntry:
                continue
            result.timestamp = submission.timestamp.isoformat() if submission.timestamp else None
            for notebook in submission.notebooks:
                result.late_penalty = notebook.late_submission_penalty
                for grade in notebook.grades:
                    result.grades[grade.name] = {
                        "auto_score": grade.auto_score, "needs_manual_grade": grade.needs_manual_grade,
                    }
                for comment in notebook.comments:
                    result.comments[comment.name] = comment.auto_comment


def merge(result: Any, url: str) -> None:
    """Put one job result (:class:`autograder.jobs.JobResult`) into the course's gradebook at ``url``.

    Manual scores already in the gradebook stay; a cell needs manual grading as nbgrader decides it (a manual score
    exists, or there is no automatic one).
    """
    from nbgrader.api import Gradebook

    a = result.assignment
    with warnings.catch_warnings(), Gradebook(url) as gradebook:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush warnings from inside nbgrader's API
        gradebook.update_or_create_student(result.student)
        extra = {"timestamp": result.timestamp} if result.timestamp else {}
        submission = gradebook.update_or_create_submission(a, result.student, **extra)
        for notebook in submission.notebooks:
            if result.late_penalty is not None:
                notebook.late_submission_penalty = result.late_penalty
            for grade in notebook.grades:
                if grade.name in result.grades:
                    grade.auto_score = result.grades[grade.name]["auto_score"]
                    grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            for comment in notebook.comments:
                if comment.name in result.comments:
                    comment.auto_comment = result.comments[comment.name]
        gradebook.db.commit()


def export_grades() -> None:
    """Write ``grading/grades.csv`` as ``nbgrader export`` does (its CSV exporter, every assignment and student, the
    course's configuration), in this process: not one more start of nbgrader for each ``make grade``."""
    import warnings

    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    api = nbgrader_api()
    exporter = CsvExportPlugin(parent=api)
    exporter.to = str(GRADES_CSV)
    with warnings.catch_warnings(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        warnings.simplefilter("ignore")  # SQLAlchemy's warnings from inside nbgrader's API
        exporter.export(gradebook)


def totals() -> dict[tuple[str, str], dict[str, float]]:
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


def cells(path: Path) -> dict:
    """Per assignment: grade cells and, per student, the scores of each (read-only use of nbgrader's API)."""
    from nbgrader.api import Gradebook

    found: dict = {}
    with Gradebook(f"sqlite:///{path}?timeout=120") as gradebook:
        for assignment in gradebook.assignments:
            cells = {}
            for notebook in assignment.notebooks:
                for cell in notebook.grade_cells:
                    cells[cell.name] = (cell.cell_type, float(cell.max_score or 0))
            students = {}
            for submission in assignment.submissions:
                grades = {}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        grades[grade.name] = (grade.auto_score, grade.manual_score, grade.max_score)
                students[submission.student.id] = grades
            found[assignment.name] = {"cells": cells, "students": students}
    return found
