"""Grades out of the gradebook: nbgrader's long CSV, and the files a learning management system imports.

- ``python -m autograder.results.export`` writes ``grading/grades.csv`` (``make grade`` does too).
- ``python -m autograder.results.export --lms canvas --roster ROSTER.csv`` (``make export LMS=canvas ROSTER=...``) reads
  the gradebook file the LMS itself exports and writes, into ``grading/export/``, one file **per assignment** that
  the LMS imports, with autograded and written points together (nbgrader's total of each hand-in, less a late
  penalty):

  - **Canvas** (*Grades → Import*): ``canvas-<assignment>.csv``, UTF-8 with a byte order mark as Canvas's own
    exports have: ``Student, ID, SIS User ID, SIS Login ID, Section``, the assignment's column (the roster's own
    ``name (id)`` header, so Canvas updates that assignment; otherwise the assignment's name, which Canvas offers to
    create) and a ``Points Possible`` row;
  - **Moodle** (*Grades → Import → CSV file*): ``moodle-<assignment>.csv``, UTF-8: the identifier column (``Email
    address``, else ``ID number``, else ``Username``) and the grade item's column; map that column to the same user
    field (``Email address`` → ``useremail``) and the grade column to the grade item.

  **Nothing in the LMS is overwritten with nothing.** A student without a graded hand-in of an assignment has no
  row in its file (an empty cell would be an import of "no grade": Moodle's import treats ``''`` and ``-`` so, and
  Canvas overwrites a score on import). **Points are on the LMS's scale**: Canvas's ``Points Possible`` of the
  assignment's column, or ``--points`` (``POINTS=02_entropy=100``, or ``POINTS=100`` for all); the scale is printed;
  without one (Moodle's gradebook export carries no maximum grade; a Canvas column without points possible) the
  export stops and says what to give. **Ungraded written answers stop the export** (their points would go in as 0)
  unless ``--force`` (``FORCE=1``): then the file is written with a warning, and ``unmatched.csv`` lists them.
  Before packing, the feedback is regenerated from the gradebook (:mod:`autograder.results.feedback`).

  Students graded here but not found in the roster, ambiguous matches, roster students without a graded hand-in and
  answers not graded yet are listed on the screen and in ``grading/export/unmatched.csv``: nobody is dropped silently.
- Feedback for upload: ``grading/export/feedback-<assignment>.zip`` in Moodle's *Upload multiple feedback files in
  a zip* layout (``<Full name>_<participant id>_<file>``, the prefix taken from the names of the download that
  ``make collect`` read), and otherwise (Canvas, or a hand-in that did not come through ``make collect``) a zip
  per student, ``grading/export/feedback/<student>.zip``, with that student's feedback HTML.

**How nbgrader's student ids meet the roster.** ``make collect`` takes the id from a downloaded file's name, the
part before the first ``_`` (:data:`autograder.core.HAND_IN_NAME`), and keeps what else the name says
(:mod:`autograder.grading.collect`, ``collected.csv``). Canvas names a download
``doejane_LATE_20431_67890_02_entropy.ipynb``: the sortable name "Doe, Jane" in lower case without spaces or
punctuation, ``_LATE`` when late, then the student's **numeric Canvas user id** (the roster's ``ID``), which is
matched first. Moodle names it ``Jane Doe_318_assignsubmission_file_02_entropy.ipynb`` (the full name, then the
participant id). Otherwise a student id matches a roster row when it equals the row's Canvas ``ID``, ``SIS User ID``,
``SIS Login ID`` or file-name key; or, for Moodle, the full name ``First name Last name``, the ``ID number``, the
``Email address`` (or the part before ``@``) or the ``Username``. Names are compared after Unicode normalisation
(NFKC), case folding and collapsing spaces, so "García, Lucía" and a Cyrillic name match in whatever form the
download spelt them; a Canvas file-name key is also compared with its accents taken off (``garcialucia``) and with
its non-ASCII letters dropped (``garcaluca``). Two roster rows matching one id is reported as ambiguous, not guessed.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core import DOWNLOADED, FEEDBACK, GRADES_CSV, HAND_IN_PATTERN, STATE, write_zip

EXPORT = STATE / "export"
"""Where ``make export`` writes the import files, the unmatched list and the feedback zips."""
CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
"""The columns that identify a student in Canvas's gradebook export and import."""
MOODLE_IDENTIFIERS = ["Email address", "ID number", "Username"]
"""Moodle's columns that its grade import can map a user by, in the order preferred here."""
ENCODING = {"canvas": "utf-8-sig", "moodle": "utf-8"}
"""Canvas's gradebook exports start with a byte order mark (Excel reads accented names right) and its import reads
them back; Moodle's import form asks for the encoding (UTF-8), so no mark that could end up in a column name."""

Scores = dict[str, dict[str, tuple[float, float]]]
"""``{student id: {assignment: (points, max points)}}``, autograded and manual points together."""


class ExportRefused(SystemExit):
    """The export stops: writing the file would put wrong points into the LMS."""


# --- rosters -------------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A name or id as compared: Unicode NFKC, case folded, spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _without_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def canvas_file_key(sortable_name: str) -> str:
    """The student part of a Canvas download's file names: "Doe, Jane" -> ``doejane``, "García, Lucía" ->
    ``garcialucia`` (accents taken off).

    Args:
        sortable_name: Canvas's sortable name of the student (``"Doe, Jane"``).

    Returns:
        Its ASCII letters and digits in lower case, accents taken off (other letters dropped).
    """
    return re.sub(r"[^0-9a-z]", "", _without_accents(sortable_name).casefold())


def canvas_file_keys(sortable_name: str) -> set[str]:
    """Every form the student part of a Canvas file name may take for ``sortable_name``: accents taken off
    (``garcialucia``), non-ASCII letters dropped (``garcaluca``), and letters and digits of any script kept
    (``ивановамария``).

    Args:
        sortable_name: Canvas's sortable name of the student (``"Doe, Jane"``).

    Returns:
        The keys that are not empty (one to three).
    """
    folded = unicodedata.normalize("NFKC", sortable_name).casefold()
    keys = {canvas_file_key(sortable_name), re.sub(r"[^0-9a-z]", "", folded),
            "".join(ch for ch in folded if ch.isalnum())}
    return {k for k in keys if k}


@dataclass
class Roster:
    """The students of an LMS gradebook export, and its columns.

    Args:
        lms: ``canvas`` or ``moodle``.
        header: the export's columns, in order.
        rows: a row per student (Canvas's ``Points Possible`` row and test student left out), values stripped.
        points_possible: Canvas's ``Points Possible`` row by column (empty for Moodle).
    """

    lms: str
    header: list[str]
    rows: list[dict[str, str]]
    points_possible: dict[str, str] = field(default_factory=dict)

    def keys(self, row: dict[str, str]) -> set[str]:
        """Every form of a student's identity that a student id (from a file name) may take.

        Args:
            row: one of :attr:`rows`.

        Returns:
            Canvas: its ``ID``, ``SIS User ID``, ``SIS Login ID`` and file-name keys; Moodle: its full name,
            ``ID number``, ``Email address`` (and the part before ``@``) and ``Username``; each as compared
            (NFKC, case folded, spaces collapsed), empty ones left out.
        """
        if self.lms == "canvas":
            values = [row.get(c, "") for c in ("ID", "SIS User ID", "SIS Login ID")]
            values += sorted(canvas_file_keys(row.get("Student", "")))
        else:
            email = row.get("Email address", "")
            values = [f"{row.get('First name', '')} {row.get('Last name', '')}", row.get("ID number", ""),
                      email, email.split("@")[0] if "@" in email else "", row.get("Username", "")]
        return {_key(v) for v in values if v and v.strip()}

    def label(self, row: dict[str, str]) -> str:
        """How a roster student is named on the screen and in ``unmatched.csv``.

        Args:
            row: one of :attr:`rows`.

        Returns:
            Canvas: ``Student (ID id)``; Moodle: ``First Last <email>``.
        """
        if self.lms == "canvas":
            return f"{row.get('Student', '')} (ID {row.get('ID', '')})"
        return f"{row.get('First name', '')} {row.get('Last name', '')} <{row.get('Email address', '')}>"


def read_roster(path: Path, lms: str) -> Roster:
    """A gradebook export of Canvas (CSV) or Moodle (*Export → Plain text file*, comma-separated).

    Args:
        path: the export's file (UTF-8, with or without a byte order mark).
        lms: ``canvas`` or ``moodle``.

    Returns:
        The roster.

    Raises:
        SystemExit: the file lacks the LMS's identifying columns (Canvas: ``Student`` and ``ID``; Moodle: one of
            :data:`MOODLE_IDENTIFIERS`).
    """
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
                points = {k: (v or "").strip() for k, v in row.items() if k}
            continue
        if lms == "canvas" and student == "Student, Test":  # Canvas's test student
            continue
        rows.append({k: (v or "").strip() for k, v in row.items() if k})
    return Roster(lms, header, rows, points)


@dataclass
class Matching:
    """Which roster row each student id is, and who is missing on either side.

    Args:
        rows: the roster row (index) of each matched student id.
        not_in_roster: the student ids no row matches.
        ambiguous: the student ids several rows match, with those rows.
        without_grades: the roster rows no student id matched.
        by_user_id: the student ids matched by Canvas's user id.
    """

    rows: dict[str, int] = field(default_factory=dict)
    not_in_roster: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[int]] = field(default_factory=dict)
    without_grades: list[int] = field(default_factory=list)
    by_user_id: list[str] = field(default_factory=list)


def match_students(students: list[str], roster: Roster, user_ids: dict[str, str] | None = None) -> Matching:
    """Match nbgrader's student ids to roster rows (see the module's docstring): Canvas's user id from the download's
    file names first (``user_ids``: student id -> user id), then the names and ids, normalised.

    Args:
        students: nbgrader's student ids.
        roster: the LMS's gradebook export (:func:`read_roster`).
        user_ids: Canvas's user id of each student id, from ``collected.csv`` (empty where unknown).

    Returns:
        The matching.
    """
    index: dict[str, set[int]] = {}
    by_id: dict[str, set[int]] = {}
    for i, row in enumerate(roster.rows):
        for key in roster.keys(row):
            index.setdefault(key, set()).add(i)
        if roster.lms == "canvas" and row.get("ID"):
            by_id.setdefault(row["ID"].strip(), set()).add(i)
    matching = Matching()
    for student in sorted(students):
        user_id = (user_ids or {}).get(student, "")
        if user_id and len(by_id.get(user_id, set())) == 1:
            matching.rows[student] = next(iter(by_id[user_id]))
            matching.by_user_id.append(student)
            continue
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
    assignment's name for a new one.

    Args:
        roster: the LMS's gradebook export (:func:`read_roster`).
        assignment: the assignment's name.

    Returns:
        The column whose name, without its ``(id)`` (Canvas) or its ``Kind:`` and ``(...)`` (Moodle), is the
        assignment's; else the assignment's name.
    """
    for column in roster.header:
        name = re.sub(r"\s*\(\d+\)$", "", column) if roster.lms == "canvas" else \
            re.sub(r"^[^:]*:\s*|\s*\([^)]*\)$", "", column)
        if name.strip() == assignment:
            return column
    return assignment


def parse_points(spec: str | None, assignments: list[str]) -> dict[str, float]:
    """``POINTS=``: ``100`` (every assignment) or ``02_entropy=100,01_statistics=50``.

    Args:
        spec: the setting, or None.
        assignments: the assignments a bare number applies to.

    Returns:
        The points by assignment (empty without ``spec``).

    Raises:
        SystemExit: a value is not a number, or not above 0.
    """
    if not spec:
        return {}
    found: dict[str, float] = {}
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        name, _, value = part.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            raise SystemExit(f"POINTS={spec!r}: {value!r} is not a number") from None
        if number <= 0:
            raise SystemExit(f"POINTS={spec!r}: points must be above 0")
        for a in ([name] if name else assignments):
            found[a] = number
    return found


def lms_points(roster: Roster, assignment: str, course_max: float, given: dict[str, float]) -> tuple[float, str]:
    """The points the LMS grades ``assignment`` out of, and the line that says so; stops (:class:`ExportRefused`) when
    no one says it (see the module's docstring).

    Args:
        roster: the LMS's gradebook export (:func:`read_roster`).
        assignment: the assignment's name.
        course_max: the points a hand-in can have here.
        given: ``POINTS=`` by assignment (:func:`parse_points`), which comes first.

    Returns:
        ``(points, source)``: the LMS's points, and where they came from, for the printed scale.

    Raises:
        ExportRefused: neither ``given`` nor the roster says the points (Moodle, or a Canvas column without points
            possible).
    """
    column = assignment_column(roster, assignment)
    if assignment in given:
        return given[assignment], f"POINTS={_points(given[assignment])}"
    if roster.lms == "canvas":
        if column not in roster.header:
            return course_max, "a new Canvas assignment, created with these points possible"
        text = roster.points_possible.get(column, "")
        try:
            points = float(text)
        except ValueError:
            points = 0.0
        if points > 0:
            return points, f"Canvas's Points Possible of {column!r}"
        raise ExportRefused(
            f"make export: Canvas's gradebook export gives no points possible for {column!r} ({text or 'empty'}),"
            f" so the course's {_points(course_max)} points cannot be put on its scale. Set the assignment's points in"
            f" Canvas and export the gradebook again, or give them: POINTS={assignment}=<points in Canvas>"
            f" (POINTS={assignment}={_points(course_max)} writes the course's points as they are).")
    raise ExportRefused(
        f"make export: Moodle's gradebook export does not say the maximum grade of {column!r}, so the course's"
        f" {_points(course_max)} points cannot be put on its scale (an import above the maximum is refused or cut"
        f" by Moodle). Give it: POINTS={assignment}=<maximum grade in Moodle>"
        f" (POINTS={assignment}={_points(course_max)} writes the course's points as they are).")


@dataclass
class Export:
    """One assignment's import file: header, rows, the scale, and what did not go into it.

    Args:
        assignment: the assignment's name.
        header: the file's columns.
        rows: its rows, as text (Canvas's first is ``Points Possible``).
        scale: the line that says how points here become the LMS's.
        problems: ``[problem, student id, roster student]`` rows for ``unmatched.csv``.
        ungraded: the grade ids of answers not graded yet, by student id of a row in the file.
    """

    assignment: str
    header: list[str]
    rows: list[list[str]]
    scale: str
    problems: list[list[str]]
    ungraded: dict[str, list[str]]


def import_table(scores: dict[str, tuple[float, float]], roster: Roster, assignment: str,
                 user_ids: dict[str, str] | None = None, points: dict[str, float] | None = None,
                 ungraded: dict[str, list[str]] | None = None) -> Export:
    """The import file of ``assignment`` from ``scores`` (``{student id: (points, max points)}``): one row per roster
    student who has a graded hand-in, none for anyone else.

    Args:
        scores: ``{student id: (points, max points)}`` of the assignment's hand-ins.
        roster: the LMS's gradebook export (:func:`read_roster`).
        assignment: the assignment's name.
        user_ids: Canvas's user id of each student id, where known.
        points: ``POINTS=`` by assignment (:func:`parse_points`).
        ungraded: the grade ids of answers not graded yet, by student id.

    Returns:
        The export: each score times the LMS's points over the course's, and the problems for ``unmatched.csv``.

    Raises:
        ExportRefused: the LMS's points are not known (:func:`lms_points`).
    """
    matching = match_students(list(scores), roster, user_ids)
    column = assignment_column(roster, assignment)
    course_max = max((m for _, m in scores.values()), default=0.0)
    target, source = lms_points(roster, assignment, course_max, points or {})
    factor = target / course_max if course_max else 1.0
    scale = (f"{assignment}: {_points(course_max)} points here = {_points(target)} in {roster.lms} ({source}): "
             + ("the points as they are" if abs(factor - 1) < 1e-12 else f"every score times {factor:.6g}"))
    if roster.lms == "canvas":
        header = CANVAS_FIXED + [column]
        rows = [["Points Possible", "", "", "", "", _points(target)]]
        fixed = CANVAS_FIXED
    else:
        identifier = next(c for c in MOODLE_IDENTIFIERS if c in roster.header)
        header, rows, fixed = [identifier, column], [], [identifier]
    problems: list[list[str]] = []
    mine: dict[str, list[str]] = {}
    for student, i in sorted(matching.rows.items(), key=lambda item: item[1]):
        row = roster.rows[i]
        if any(not row.get(c) for c in fixed[:1]):
            problems.append([f"{assignment}: the roster row has no {fixed[0]}", student, roster.label(row)])
            continue
        rows.append([row.get(c, "") for c in fixed] + [_points(scores[student][0] * factor)])
        if (ungraded or {}).get(student):
            mine[student] = ungraded[student]
            problems.append([f"{assignment}: written answers not graded yet (counted as 0): "
                             + ", ".join(ungraded[student]), student, roster.label(row)])
    problems += [[f"{assignment}: graded here, not in the roster", s, ""] for s in matching.not_in_roster]
    problems += [[f"{assignment}: graded here, several roster students match", s,
                  "; ".join(roster.label(roster.rows[i]) for i in rows_)] for s, rows_ in matching.ambiguous.items()]
    problems += [[f"{assignment}: in the roster, no graded hand-in here (no row: the LMS keeps what it has)", "",
                  roster.label(roster.rows[i])] for i in matching.without_grades]
    return Export(assignment, header, rows, scale, problems, mine)


def write_imports(exports: list[Export], lms: str, out: Path) -> tuple[list[Path], list[list[str]]]:
    """Write each export's file and ``unmatched.csv`` into ``out``; return the files and the problems.

    Args:
        exports: the assignments' exports.
        lms: ``canvas`` or ``moodle`` (the files' names and encoding); its old ``<lms>-*.csv`` files are removed.
        out: the folder (made if missing).

    Returns:
        ``(files, problems)``: ``<lms>-<assignment>.csv`` in the order of ``exports``, and every export's problems.
    """
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob(f"{lms}-*.csv"):
        old.unlink()
    written, problems = [], []
    for export in exports:
        target = out / f"{lms}-{export.assignment}.csv"
        with target.open("w", newline="", encoding=ENCODING[lms]) as handle:
            writer = csv.writer(handle)
            writer.writerow(export.header)
            writer.writerows(export.rows)
        written.append(target)
        problems += export.problems
    with (out / "unmatched.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["problem", "student id", "roster student"])
        writer.writerows(problems)
    return written, problems


# --- feedback ------------------------------------------------------------------------------------------------


def moodle_prefixes(assignment: str, downloaded: Path = DOWNLOADED) -> dict[str, str]:
    """``{student id: "<Full name>_<participant id>_"}`` from the file names of a Moodle download.

    Args:
        assignment: the assignment's name.
        downloaded: the folder of the downloads (``<assignment>/`` in it; zips there are looked into).

    Returns:
        The prefixes; empty when there is no download, or its names have no participant id.
    """
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
    """:func:`autograder.core.write_zip` of ``{name in the zip: file}``."""
    write_zip(target, ((name, path.read_bytes()) for name, path in files.items()))


def pack_feedback(lms: str, feedback: Path = FEEDBACK, out: Path = EXPORT, downloaded: Path = DOWNLOADED) -> list[Path]:
    """Zip the feedback HTML for upload (see the module's docstring); return the zips written.

    Args:
        lms: with ``moodle``, a zip per assignment in Moodle's layout of the hand-ins whose download gives the
            prefix; every other hand-in (every one with ``canvas``) goes into a zip per student.
        feedback: the feedback folder (``<student>/<assignment>/*.html``).
        out: the export folder.
        downloaded: the folder of the downloads (for Moodle's prefixes).

    Returns:
        The zips: ``feedback-<assignment>.zip``, then ``feedback/<student>.zip``.
    """
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


def export(lms: str, roster_path: Path, *, assignment: str | None = None, points: str | None = None,
           force: bool = False, out: Path = EXPORT) -> list[Path]:
    """``make export``: the import files of every graded assignment (or ``assignment``), the feedback regenerated and
    packed; see the module's docstring. Returns the files written.

    Args:
        lms: ``canvas`` or ``moodle``.
        roster_path: the LMS's gradebook export.
        assignment: only this assignment (default every graded one).
        points: ``POINTS=`` (:func:`parse_points`).
        force: write the files although answers are not graded yet (they count as 0).
        out: the export folder.

    Returns:
        The import files written.

    Raises:
        SystemExit: the roster or ``POINTS=`` cannot be read, or nothing is graded (for ``assignment``).
        ExportRefused: answers are not graded yet (without ``force``), or the LMS's points are not known.
    """
    from autograder.gradebook import submissions
    from autograder.grading.collect import collected
    from autograder.results.feedback import regenerate

    roster = read_roster(roster_path, lms)
    found = submissions()
    names = sorted({a for _, a in found if not assignment or a == assignment})
    if not names:
        raise SystemExit("make export: nothing graded here yet" + (f" for {assignment}" if assignment else ""))
    lms_ids = collected()
    given = parse_points(points, names)
    exports = []
    for name in names:
        scores = {s: (v["score"], v["max_score"]) for (s, a), v in found.items() if a == name}
        user_ids = {s: row.get("lms_user_id", "") for (s, a), row in lms_ids.items() if a == name}
        ungraded = {s: v["ungraded"] for (s, a), v in found.items() if a == name and v["ungraded"]}
        exports.append(import_table(scores, roster, name, user_ids, given, ungraded))
    waiting = {(e.assignment, s): cells for e in exports for s, cells in e.ungraded.items()}
    if waiting and not force:
        lines = "\n".join(f"  {a}  {s}: {', '.join(c)}" for (a, s), c in sorted(waiting.items()))
        raise ExportRefused(
            f"make export: {len(waiting)} hand-in(s) have answers nobody has graded yet (written answers: the"
            f" formgrader); their points would go into {lms} as 0 (and {lms} overwrites the grades it has):\n{lines}\n"
            "Grade them in the formgrader"
            " (`make lab`, Nbgrader -> Formgrader), then `make export` again; or export anyway: FORCE=1"
            " (--force).")
    written, problems = write_imports(exports, lms, out)
    for e, path in zip(exports, written, strict=True):
        print(f"{lms} import file: {path} ({len(e.rows) - (lms == 'canvas')} students)")
        print(f"  scale: {e.scale}")
    if waiting:
        print(f"WARNING: {len(waiting)} hand-in(s) exported with written answers NOT GRADED YET (counted as 0);"
              f" listed in {out / 'unmatched.csv'}.")
    for problem, student, row in problems:
        print(f"NOT MATCHED  {problem}: {student or row}" + (f" ({row})" if student and row else ""))
    print(f"{len(problems)} line(s) in {out / 'unmatched.csv'}." if problems else "Every student matched.")
    count = regenerate(names, quiet=True)
    print(f"feedback regenerated from the gradebook: {count} file(s)")
    for path in pack_feedback(lms, out=out):
        print(f"feedback: {path}")
    return written


def main(argv: list[str] | None = None) -> int:
    """``make export``: write ``grades.csv``, or with ``--lms`` the LMS's import files and the feedback zips.

    Args:
        argv: ``[--lms canvas|moodle --roster FILE] [--assignment A] [--points P] [--force]`` (default: the
            process's arguments).

    Returns:
        The exit status: 0.

    Raises:
        SystemExit: ``--lms`` without a ``--roster`` file, or the export stops (see :func:`export`).
    """
    parser = argparse.ArgumentParser(description="Grades out of the gradebook: grades.csv, or an LMS import file.")
    parser.add_argument("--lms", choices=["canvas", "moodle"], help="write the import files of this LMS")
    parser.add_argument("--roster", type=Path, help="the gradebook export of the LMS (needed with --lms)")
    parser.add_argument("--assignment", help="only this assignment")
    parser.add_argument("--points", help="the LMS's points of each assignment: 100, or 02_entropy=100,01_statistics=50"
                                         " (default: Canvas's Points Possible)")
    parser.add_argument("--force", action="store_true", help="export although written answers are not graded yet")
    args = parser.parse_args(argv)
    if not args.lms:
        from autograder.gradebook import export_grades

        export_grades()
        print(f"grades: {GRADES_CSV}")
        return 0
    if not args.roster or not args.roster.is_file():
        raise SystemExit("--lms needs --roster FILE: the gradebook export (CSV) of the LMS")
    export(args.lms, args.roster, assignment=args.assignment, points=args.points, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
