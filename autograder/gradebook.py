"""Every read and write of nbgrader's gradebook, in one place (nbgrader's Python API, ``nbgrader.api.Gradebook``).

- :func:`register`: the course's gradebook knows each assignment's current source (``make grade``, first);
- :func:`template`: a gradebook that knows one assignment and no student, what a grading job carries;
- :func:`test_sources`: the test cells' sources (hidden tests included) and the graded names, for the judge;
- :func:`read_results`: what a job's own gradebook says of its hand-ins (scores per cell, timestamps);
- :func:`merge`: a job's result into the course's gradebook;
- :func:`totals`, :func:`cells`, :func:`export_grades`: the scores per hand-in (``make export``, the printed table),
  per cell (the class report), and ``grades.csv`` (nbgrader's CSV exporter, sorted, with the LMS's late flag);
- :func:`submissions`: per hand-in the total (autograded and written), its maximum and the written answers not
  graded yet (``make export``); :func:`manual_grades`: whether any written answer has been graded (``make grade``
  then regenerates the feedback);
- :class:`GetGradesForFeedback`: nbgrader's ``GetGrades`` for the feedback, which also marks a written answer that
  is not graded yet (the feedback says so instead of "0 / 2").
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

    Args:
        names: the assignments (folders of ``solutions/``).

    Returns:
        Each assignment's released (student) notebook, by name.
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
    gradebook's bytes (what a :class:`autograder.grading.jobs.GradingJob` carries) and the released notebook
    (nbformat JSON).

    Args:
        assignment: the assignment's name (``01_statistics``).
        source: its instructor's (source) notebook.

    Returns:
        ``(gradebook, release)``: the SQLite gradebook's bytes and the released notebook's JSON text.

    Raises:
        RuntimeError: nbgrader failed to generate the assignment (its log and error in the message).
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
    of its answer cells (the graded names), from the gradebook at ``url``.

    Args:
        url: the gradebook's SQLAlchemy address.
        notebook: the notebook's name, without ``.ipynb``.
        assignment: the assignment's name.

    Returns:
        ``(sources, graded)``: source by grade_id of each source cell nbgrader recorded, and the answer cells'
        grade_ids.
    """
    from nbgrader.api import Gradebook

    with Gradebook(url) as gradebook:
        found = gradebook.find_notebook(notebook, assignment)
        return {c.name: c.source for c in found.source_cells}, {c.name for c in found.solution_cells}


def read_results(url: str, assignment: str, results: list[Any]) -> None:
    """Fill each job result (:class:`autograder.grading.jobs.JobResult`) with what the job's gradebook holds for its
    student: the submission's timestamp, the late penalty, the scores and comments per cell.

    Args:
        url: the job's gradebook's SQLAlchemy address.
        assignment: the assignment's name.
        results: the job's results, filled in place; one whose student has no submission stays as it is.
    """
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
    """Put one job result (:class:`autograder.grading.jobs.JobResult`) into the course's gradebook at ``url``.

    Manual scores already in the gradebook stay; a cell needs manual grading as nbgrader decides it (a manual score
    exists, or there is no automatic one).

    Args:
        result: the job result, filled by :func:`read_results`.
        url: the course gradebook's SQLAlchemy address.
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


def export_grades(late: dict[tuple[str, str], str] | None = None) -> None:
    """Write ``grading/grades.csv`` as ``nbgrader export`` does (its CSV exporter, every assignment and student, the
    course's configuration), in this process: not one more start of nbgrader for each ``make grade``; its rows sorted
    by assignment and student, and a last column ``late``: the LMS's late flag of each hand-in (``late``, keyed by
    (student, assignment); default: what ``make collect`` read, :func:`autograder.grading.collect.collected`).

    Args:
        late: the LMS's late flag by (student, assignment); a hand-in not in it gets an empty flag.
    """
    import csv
    import io

    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    if late is None:
        from autograder.grading.collect import collected

        late = {key: row.get("late", "") for key, row in collected().items()}
    api = nbgrader_api()
    exporter = CsvExportPlugin(parent=api)
    with tempfile.TemporaryDirectory(prefix="grades-") as scratch:
        exporter.to = str(Path(scratch) / "grades.csv")
        with warnings.catch_warnings(), Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
            warnings.simplefilter("ignore")  # SQLAlchemy's warnings from inside nbgrader's API
            exporter.export(gradebook)
        text = Path(exporter.to).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    header = [*(reader.fieldnames or []), "late"]
    rows = sorted(reader, key=lambda r: (r.get("assignment", ""), r.get("student_id", "")))
    GRADES_CSV.parent.mkdir(parents=True, exist_ok=True)
    with GRADES_CSV.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "late": late.get((row.get("student_id", ""), row.get("assignment", "")), "")})


def _ungraded(grade: Any) -> bool:
    """A grade no one has given yet: no manual score and no automatic one (a written answer before the formgrader)."""
    return grade.manual_score is None and grade.auto_score is None


def submissions(url: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (student, assignment): ``score`` (autograded and written points together, less a late penalty),
    ``max_score``, and ``ungraded``: the grade ids of the answers nobody has graded yet.

    Args:
        url: the gradebook's SQLAlchemy address (default the course's, :func:`autograder.core.db_url`).

    Returns:
        ``{(student, assignment): {"score": float, "max_score": float, "ungraded": sorted list of grade ids}}``.
    """
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str], dict[str, Any]] = {}
    with warnings.catch_warnings(), Gradebook(url or db_url()) as gradebook:
        warnings.simplefilter("ignore")
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                ungraded = sorted(g.name for n in submission.notebooks for g in n.grades if _ungraded(g))
                found[(submission.student.id, assignment.name)] = {
                    "score": float(submission.score), "max_score": float(submission.max_score), "ungraded": ungraded}
    return found


def manual_grades(assignments: list[str] | None = None, url: str | None = None) -> bool:
    """Whether any answer of ``assignments`` (default all) has a manual score or comment (the formgrader's).

    Args:
        assignments: the assignments to look at (default all in the gradebook).
        url: the gradebook's SQLAlchemy address (default the course's, :func:`autograder.core.db_url`).

    Returns:
        True when at least one has.
    """
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(url or db_url()) as gradebook:
        warnings.simplefilter("ignore")
        for assignment in gradebook.assignments:
            if assignments is not None and assignment.name not in assignments:
                continue
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    if any(g.manual_score is not None for g in notebook.grades) or \
                            any(c.manual_comment for c in notebook.comments):
                        return True
    return False


def _get_grades_class() -> type:
    from nbgrader.preprocessors import GetGrades

    class GetGradesForFeedback(GetGrades):
        """nbgrader's ``GetGrades``; a grade nobody gave yet (a written answer before the formgrader) is marked
        ``not_graded_yet`` in the cell's metadata, and counted in ``resources["nbgrader"]["not_graded_yet"]``."""

        def preprocess(self, nb: Any, resources: Any) -> Any:
            """Read the hand-in's grades into its cells, counting the grades nobody gave yet.

            Args:
                nb: the autograded hand-in, as ``generate_feedback`` reads it.
                resources: nbgrader's resources; ``resources["nbgrader"]["not_graded_yet"]`` is set to the count.

            Returns:
                ``(nb, resources)``, as nbgrader's ``GetGrades.preprocess``.
            """
            resources.setdefault("nbgrader", {})["not_graded_yet"] = 0
            return super().preprocess(nb, resources)

        def _get_score(self, cell: Any, resources: Any) -> None:
            super()._get_score(cell, resources)
            grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                              self.assignment_id, self.student_id)
            if _ungraded(grade):
                cell.metadata.nbgrader["not_graded_yet"] = True
                resources["nbgrader"]["not_graded_yet"] = resources["nbgrader"].get("not_graded_yet", 0) + 1

    return GetGradesForFeedback


GetGradesForFeedback = _get_grades_class()


def totals() -> dict[tuple[str, str], dict[str, float]]:
    """Autograded (code) and manual (written) scores per (student, assignment), from the gradebook.

    Returns:
        ``{(student, assignment): {"code", "max_code", "written", "max_written": points}}``.
    """
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
    """Per assignment: grade cells and, per student, the scores of each (read-only use of nbgrader's API).

    Args:
        path: the gradebook's SQLite file.

    Returns:
        ``{assignment: {"cells": {grade_id: (cell_type, max_score)}, "students": {student: {grade_id:
        (auto_score, manual_score, max_score)}}}}``; a score nobody gave is None.
    """
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
