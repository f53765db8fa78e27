"""Grades out of the gradebook: nbgrader's long CSV, and the files a learning management system imports.

- ``python -m autograder.export`` writes ``grading/grades.csv`` with ``nbgrader export`` (``make grade`` does too).
- ``python -m autograder.export --lms canvas --roster ROSTER.csv`` (``make export LMS=canvas ROSTER=...``) reads
  the gradebook file the LMS itself exports and writes the file it imports, with autograded and manually graded
  points together (nbgrader's total score of each hand-in), into ``grading/export/``:

  - **Canvas**: ``canvas-import.csv``: ``Student, ID, SIS User ID, SIS Login ID, Section``, one column per
    assignment (the roster's own column, ``name (id)``, when it has one, so Canvas updates that assignment;
    otherwise the assignment's name, which Canvas offers to create) and a ``Points Possible`` row;
  - **Moodle**: ``moodle-import.csv``: the identifier column (``Email address``, else ``ID number``, else
    ``Username``) and one column per assignment, for *Grades → Import → CSV file*, mapping that column to the
    same user field.

  Every roster student gets a row (an empty cell: no hand-in graded, so the LMS keeps what it has); students
  graded here but not found in the roster, ambiguous matches and roster students without any grade are listed on
  the screen and in ``grading/export/unmatched.csv``: nobody is dropped silently.
- Feedback for upload: ``grading/export/feedback-<assignment>.zip`` in Moodle's *Upload multiple feedback files in
  a zip* layout (``<Full name>_<participant id>_<file>``, the prefix taken from the names of the download that
  ``make collect`` read), and otherwise (Canvas, or a hand-in that did not come through ``make collect``) a zip
  per student, ``grading/export/feedback/<student>.zip``, with that student's feedback HTML.

**How nbgrader's student ids meet the roster.** ``make collect`` takes the id from a downloaded file's name, the
part before the first ``_`` (:data:`autograder.core.HAND_IN_NAME`). Canvas names a download
``doejane_12345_67890_01_statistics.ipynb`` (``doejane``: the student's sortable name, "Doe, Jane", in lower case
without spaces or punctuation; ``_LATE`` may follow it); Moodle names it
``Jane Doe_123456_assignsubmission_file_01_statistics.ipynb`` (the full name, then the participant id). A student id
matches a roster row when it equals (ignoring case and spaces) the row's Canvas ``ID``, ``SIS User ID`` or
``SIS Login ID``, or its Canvas file-name key; or, for Moodle, the full name ``First name Last name``, the
``ID number``, the ``Email address`` (or the part before ``@``) or the ``Username``. Two roster rows matching one id
is reported as ambiguous, not guessed.

nbgrader's ``ExportPlugin`` API is used (``nbgrader export --exporter=autograder.export.LmsExport``), so the
scores come from nbgrader's own gradebook query.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.plugins import ExportPlugin
from traitlets import Unicode

from autograder.core import DOWNLOADED, FEEDBACK, GRADES_CSV, HAND_IN_PATTERN, STATE, nbgrader

EXPORT = STATE / "export"
"""Where ``make export`` writes the import files, the unmatched list and the feedback zips."""
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
"""The columns that identify a student in Canvas's gradebook export and import."""
MOODLE_IDENTIFIERS = ["Email address", "ID number", "Username"]
"""Moodle's columns that its grade import can map a user by, in the order preferred here."""
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

Scores = dict[str, dict[str, tuple[float, float]]]
"""``{student id: {assignment: (points, max points)}}``, autograded and manual points together."""


# --- rosters -------------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def canvas_file_key(sortable_name: str) -> str:
    """The student part of a Canvas download's file names: "Doe, Jane" -> ``doejane``."""
    return re.sub(r"[^0-9a-z]", "", sortable_name.casefold())


@dataclass
class Roster:
    """The students of an LMS gradebook export, and its columns."""

    lms: str
    header: list[str]
    rows: list[dict[str, str]]
    points_possible: dict[str, str] = field(default_factory=dict)

    def keys(self, row: dict[str, str]) -> set[str]:
        """Every form of a student's identity that a student id (from a file name) may take."""
        if self.lms == "canvas":
            values = [row.get(c, "") for c in ("ID", "SIS User ID", "SIS Login ID")]
            values.append(canvas_file_key(row.get("Student", "")))
        else:
            email = row.get("Email address", "")
            values = [f"{row.get('First name', '')} {row.get('Last name', '')}", row.get("ID number", ""),
                      email, email.split("@")[0] if "@" in email else "", row.get("Username", "")]
        return {_key(v) for v in values if v and v.strip()}

    def label(self, row: dict[str, str]) -> str:
        if self.lms == "canvas":
            return f"{row.get('Student', '')} (ID {row.get('ID', '')})"
        return f"{row.get('First name', '')} {row.get('Last name', '')} <{row.get('Email address', '')}>"


def read_roster(path: Path, lms: str) -> Roster:
    """A gradebook export of Canvas (CSV) or Moodle (*Export → Plain text file*, comma-separated)."""
    text = path.read_text(encoding="utf-8-sig")  # both may start with a byte order mark
    reader = csv.DictReader(text.splitlines())
    header = list(reader.fieldnames or [])
    needed = ["Student", "ID"] if lms == "canvas" else []
    if lms == "moodle" and not any(c in header for c in MOODLE_IDENTIFIERS):
        needed = MOODLE_IDENTIFIERS[:1]
    missing = [c for c in needed if c not in header]
    if missing:
        raise SystemExit(f"{path}: not a {lms} gradebook export (no column {', '.join(missing)}; found {header})")
    rows, points = [], {}
    for row in reader:
        student = (row.get("Student") or "").strip()
        if lms == "canvas" and student in ("Points Possible", ""):
            if student == "Points Possible":
                points = {k: v for k, v in row.items() if k}
            continue
        if lms == "canvas" and student == "Student, Test":  # Canvas's test student
            continue
        rows.append({k: (v or "").strip() for k, v in row.items() if k})
    return Roster(lms, header, rows, points)


@dataclass
class Matching:
    """Which roster row each student id is, and who is missing on either side."""

    rows: dict[str, int] = field(default_factory=dict)
    not_in_roster: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[int]] = field(default_factory=dict)
    without_grades: list[int] = field(default_factory=list)


def match_students(students: list[str], roster: Roster) -> Matching:
    """Match nbgrader's student ids to roster rows (see the module's docstring)."""
    index: dict[str, set[int]] = {}
    for i, row in enumerate(roster.rows):
        for key in roster.keys(row):
            index.setdefault(key, set()).add(i)
    matching = Matching()
    for student in sorted(students):
        hits = sorted(index.get(_key(student), set()))
        if len(hits) == 1:
            matching.rows[student] = hits[0]
        elif hits:
            matching.ambiguous[student] = hits
        else:
            matching.not_in_roster.append(student)
    matched = set(matching.rows.values())
    matching.without_grades = [i for i in range(len(roster.rows)) if i not in matched]
    return matching


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def assignment_column(roster: Roster, assignment: str) -> str:
    """The roster's column of ``assignment`` (Canvas: ``name (id)``; Moodle: ``Assignment: name (Real)``), or the
    assignment's name for a new one."""
    for column in roster.header:
        name = re.sub(r"\s*\(\d+\)$", "", column) if roster.lms == "canvas" else \
            re.sub(r"^[^:]*:\s*|\s*\([^)]*\)$", "", column)
        if name.strip() == assignment:
            return column
    return assignment


def import_table(scores: Scores, roster: Roster, assignments: list[str]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the LMS's import file (one row per roster student)."""
    matching = match_students(list(scores), roster)
    by_row = {i: student for student, i in matching.rows.items()}
    columns = [assignment_column(roster, a) for a in assignments]
    if roster.lms == "canvas":
        header = CANVAS_FIXED + columns
        maxima = {a: max((s[a][1] for s in scores.values() if a in s), default=0.0) for a in assignments}
        rows = [["Points Possible", "", "", "", ""] + [_points(maxima[a]) for a in assignments]]
        fixed = CANVAS_FIXED
    else:
        identifier = next(c for c in MOODLE_IDENTIFIERS if c in roster.header)
        header, rows, fixed = [identifier] + columns, [], [identifier]
    for i, row in enumerate(roster.rows):
        mine = scores.get(by_row.get(i, ""), {})
        rows.append([row.get(c, "") for c in fixed] +
                    [_points(mine[a][0]) if a in mine else "" for a in assignments])
    return header, rows


def unmatched_rows(scores: Scores, roster: Roster) -> list[list[str]]:
    """``[problem, student id, roster student]`` for everyone who is not in both the gradebook and the roster."""
    matching = match_students(list(scores), roster)
    found = [["graded here, not in the roster", s, ""] for s in matching.not_in_roster]
    found += [["graded here, several roster students match", s, "; ".join(roster.label(roster.rows[i]) for i in rows)]
              for s, rows in matching.ambiguous.items()]
    found += [["in the roster, nothing graded here", "", roster.label(roster.rows[i])] for i in matching.without_grades]
    return found


def write_import(scores: Scores, roster: Roster, assignments: list[str], out: Path) -> tuple[Path, list[list[str]]]:
    """Write the import file and ``unmatched.csv`` into ``out``; return the import file and the unmatched rows."""
    out.mkdir(parents=True, exist_ok=True)
    header, rows = import_table(scores, roster, assignments)
    target = out / f"{roster.lms}-import.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    unmatched = unmatched_rows(scores, roster)
    with (out / "unmatched.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["problem", "student id", "roster student"])
        writer.writerows(unmatched)
    return target, unmatched


# --- feedback ------------------------------------------------------------------------------------------------


def moodle_prefixes(assignment: str, downloaded: Path = DOWNLOADED) -> dict[str, str]:
    """``{student id: "<Full name>_<participant id>_"}`` from the file names of a Moodle download."""
    prefixes = {}
    archive = downloaded / assignment
    names = [p.name for p in archive.rglob("*") if p.is_file()] if archive.is_dir() else []
    for path in archive.rglob("*.zip") if archive.is_dir() else []:
        names += [Path(m).name for m in zipfile.ZipFile(path).namelist()]
    for name in names:
        match = HAND_IN_PATTERN.match(name)
        participant = re.match(r"^(\d+)_", match["file_id"]) if match else None
        if participant:
            prefixes[match["student_id"]] = f"{match['student_id']}_{participant.group(1)}_"
    return prefixes


def _zip(target: Path, files: dict[str, Path]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in sorted(files.items()):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())


def pack_feedback(lms: str, feedback: Path = FEEDBACK, out: Path = EXPORT, downloaded: Path = DOWNLOADED) -> list[Path]:
    """Zip the feedback HTML for upload (see the module's docstring); return the zips written."""
    written = []
    per_student: dict[str, dict[str, Path]] = {}
    htmls = sorted(feedback.glob("*/*/*.html")) if feedback.is_dir() else []
    for assignment in sorted({p.parent.name for p in htmls}):
        prefixes = moodle_prefixes(assignment, downloaded) if lms == "moodle" else {}
        moodle = {}
        for html in (p for p in htmls if p.parent.name == assignment):
            student = html.parent.parent.name
            if student in prefixes:
                moodle[f"{prefixes[student]}feedback_{assignment}.html"] = html
            else:
                per_student.setdefault(student, {})[f"{assignment}/{html.name}"] = html
        if moodle:
            _zip(out / f"feedback-{assignment}.zip", moodle)
            written.append(out / f"feedback-{assignment}.zip")
    for student, files in sorted(per_student.items()):
        _zip(out / "feedback" / f"{student}.zip", files)
        written.append(out / "feedback" / f"{student}.zip")
    return written


# --- nbgrader's export plugin ----------------------------------------------------------------------------------


class LmsExport(ExportPlugin):
    """``nbgrader export --exporter=autograder.export.LmsExport --LmsExport.lms=canvas --LmsExport.roster=FILE``."""

    lms = Unicode("canvas", help="canvas or moodle").tag(config=True)
    roster = Unicode("", help="the gradebook export of the LMS (CSV)").tag(config=True)

    def export(self, gradebook) -> None:  # noqa: ANN001 - nbgrader's Gradebook
        scores: Scores = {}
        names = [a.name for a in gradebook.assignments]
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                scores.setdefault(submission.student.id, {})[assignment.name] = (
                    float(submission.score), float(submission.max_score))
        roster = read_roster(Path(self.roster), self.lms)
        out = Path(self.to) if self.to else EXPORT
        target, unmatched = write_import(scores, roster, names, out)
        print(f"{self.lms} import file: {target} ({len(roster.rows)} students, {len(names)} assignments)")
        for problem, student, row in unmatched:
            print(f"NOT MATCHED  {problem}: {student or row}" + (f" ({row})" if student and row else ""))
        print(f"{len(unmatched)} not matched (listed in {out / 'unmatched.csv'})." if unmatched
              else "Every student matched.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grades out of the gradebook: grades.csv, or an LMS import file.")
    parser.add_argument("--lms", choices=["canvas", "moodle"], help="write the import file of this LMS")
    parser.add_argument("--roster", type=Path, help="the gradebook export of the LMS (needed with --lms)")
    args = parser.parse_args(argv)
    if not args.lms:
        from autograder.gradebook import export_grades

        export_grades()
        print(f"grades: {GRADES_CSV}")
        return 0
    if not args.roster or not args.roster.is_file():
        raise SystemExit("--lms needs --roster FILE: the gradebook export (CSV) of the LMS")
    read_roster(args.roster, args.lms)  # a clear error before nbgrader starts
    done = nbgrader("export", "--exporter=autograder.export.LmsExport", f"--LmsExport.lms={args.lms}",
                    f"--LmsExport.roster={args.roster.resolve()}", f"--to={EXPORT}")
    print(done.stdout, end="")
    if done.returncode != 0:
        raise SystemExit(f"nbgrader export failed:\n{done.stderr[-3000:]}")
    for path in pack_feedback(args.lms):
        print(f"feedback: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
