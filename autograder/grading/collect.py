"""``make collect``: bring a learning management system's download into nbgrader's layout.

``python -m autograder.grading.collect ASSIGNMENT PATH`` where PATH is one zip file, or a folder of
``<student>_<anything>.ipynb`` files (zips inside are unpacked too). The files are copied to
``grading/downloaded/<assignment>/archive/`` and nbgrader's ``zip_collect`` puts each student's
notebook at ``grading/submitted/<student>/<assignment>/`` (``grading/`` is :data:`autograder.core.STATE`).
Every file that was not collected is
named, with the reason: nothing is refused silently. Nothing in PATH is changed.

What the LMS put in the file names is kept in ``grading/downloaded/<assignment>/collected.csv`` (one row per
collected file: the student id, the file, the LMS, Canvas's numeric user id, Moodle's participant id, and Canvas's
``LATE`` marker): ``make export`` matches Canvas rows by that user id before any name, ``make grade`` carries the late
flag into ``report.csv`` and ``grades.csv``. Canvas names a download ``<name>[_LATE]_<user id>_<attachment id>_<file>``
(``garcialucia_LATE_20437_99120_02_entropy.ipynb``), Moodle
``<Full name>_<participant id>_assignsubmission_file_<file>``.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import zipfile
from pathlib import Path

from autograder.core import DOWNLOADED, HAND_IN_PATTERN, SUBMITTED, assignments, nbgrader, relative_to_root

CANVAS_NAME = re.compile(r"^(?P<key>[^_]+)(?P<late>_LATE)?_(?P<user_id>\d+)_(?P<attachment_id>\d+)_(?P<file>.+)$")
"""A file of Canvas's *Download Submissions*: ``<name key>[_LATE]_<user id>_<attachment id>_<file name>``."""
MOODLE_NAME = re.compile(r"^(?P<name>[^_]+)_(?P<participant_id>\d+)_assign(?:submission|feedback)_[a-z]+_(?P<file>.+)$")
"""A file of Moodle's *Download all submissions*: ``<Full name>_<participant id>_assignsubmission_file_<file name>``."""
COLLECTED_COLUMNS = ["student", "file", "lms", "lms_user_id", "participant_id", "late"]


def lms_fields(name: str) -> dict[str, str]:
    """What a downloaded file's name says: the LMS, Canvas's user id and late marker, Moodle's participant id.

    Args:
        name: the file's name in the download (``garcialucia_LATE_20437_99120_02_entropy.ipynb``).

    Returns:
        ``{"lms": "canvas" | "moodle" | "", "lms_user_id", "participant_id", "late": "late" | ""}``: empty strings
        where the name does not say.
    """
    if match := CANVAS_NAME.match(name):
        return {"lms": "canvas", "lms_user_id": match["user_id"], "participant_id": "",
                "late": "late" if match["late"] else ""}
    if match := MOODLE_NAME.match(name):
        return {"lms": "moodle", "lms_user_id": "", "participant_id": match["participant_id"], "late": ""}
    return {"lms": "", "lms_user_id": "", "participant_id": "", "late": ""}


def collected(assignment: str | None = None, downloaded: Path = DOWNLOADED) -> dict[tuple[str, str], dict[str, str]]:
    """``{(student id, assignment): row of collected.csv}`` of every collected download (or of ``assignment``'s).

    Args:
        assignment: only this assignment's download (default every one).
        downloaded: the folder of the downloads (default :data:`autograder.core.DOWNLOADED`).

    Returns:
        The rows (:data:`COLLECTED_COLUMNS`, as strings); empty when nothing was collected.
    """
    found: dict[tuple[str, str], dict[str, str]] = {}
    for path in sorted(downloaded.glob("*/collected.csv")) if downloaded.is_dir() else []:
        if assignment and path.parent.name != assignment:
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found[(row["student"], path.parent.name)] = row
    return found


def incoming_files(path: Path) -> list[str]:
    """Names of the submission files in a zip or folder (archives looked into, folders walked).

    Args:
        path: a zip file, or a folder (its zips are looked into too; zips inside a zip are not).

    Returns:
        The files' names, without their folders, in the zip's or the walk's order.
    """
    names: list[str] = []
    members = (
        zipfile.ZipFile(path).namelist() if path.is_file() else
        [str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()]
    )
    for member in members:
        if member.endswith("/"):
            continue
        inner = path / member if path.is_dir() else None
        if inner is not None and inner.suffix == ".zip":
            names += [Path(m).name for m in zipfile.ZipFile(inner).namelist() if not m.endswith("/")]
        else:
            names.append(Path(member).name)
    return names


def collect(assignment: str, path: Path) -> int:
    """Collect ``path`` for ``assignment``; return the number of files not collected.

    Each file is printed with what became of it; ``collected.csv`` is rewritten.

    Args:
        assignment: the assignment's name (``01_statistics``).
        path: the LMS's download: a zip file or a folder.

    Returns:
        The number of files not collected.

    Raises:
        SystemExit: the assignment is unknown, ``path`` does not exist or is a file but not a zip, or nbgrader's
            ``zip_collect`` failed.
    """
    if assignment not in assignments():
        raise SystemExit(f"unknown assignment {assignment!r}; known: {assignments()}")
    if not path.exists():
        raise SystemExit(f"{path} does not exist")
    if path.is_file() and not zipfile.is_zipfile(path):
        raise SystemExit(f"{path} is neither a zip file nor a folder")
    downloaded = DOWNLOADED / assignment
    shutil.rmtree(downloaded, ignore_errors=True)
    archive = downloaded / "archive"
    if path.is_dir():
        shutil.copytree(path, archive)
    else:
        archive.mkdir(parents=True)
        shutil.copy2(path, archive / path.name)

    into = f"--CourseDirectory.submitted_directory={relative_to_root(SUBMITTED)}"
    done = nbgrader("zip_collect", assignment, "--force", into)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        print(log)
        raise SystemExit("nbgrader zip_collect failed (see above)")

    skipped = 0
    submitted = SUBMITTED
    rows = []
    for name in sorted(incoming_files(path)):
        match = HAND_IN_PATTERN.match(name)
        if not name.endswith(".ipynb"):
            print(f"NOT COLLECTED  {name}: not a notebook (.ipynb)")
            skipped += 1
        elif not match:
            print(f"NOT COLLECTED  {name}: the name is not <student>_<anything>.ipynb")
            skipped += 1
        else:
            student, rest = match["student_id"], match["file_id"]
            target = submitted / student / assignment / rest
            if target.is_file():
                fields = lms_fields(name)
                rows.append({"student": student, "file": name, **fields})
                note = "" if rest == f"{assignment}.ipynb" else f" (as {rest}; grading renames it)"
                late = " LATE (the LMS says so)" if fields["late"] else ""
                print(f"collected      {name} -> submitted/{student}/{assignment}/{note}{late}")
            else:
                print(f"NOT COLLECTED  {name}: nbgrader did not copy it; its log said:")
                print("\n".join(line for line in log.splitlines() if "WARNING" in line or "ERROR" in line))
                skipped += 1
    with (downloaded / "collected.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLLECTED_COLUMNS)
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: (r["student"], r["file"])))
    print(f"{skipped} file(s) not collected." if skipped else "Every file was collected.")
    return skipped


def main(argv: list[str] | None = None) -> int:
    """``make collect``: collect an LMS download (``ASSIGNMENT PATH``) into ``grading/submitted/``.

    Args:
        argv: ``ASSIGNMENT PATH`` (a zip file or a folder; default: the process's arguments).

    Returns:
        The exit status: 0, also when files were not collected (they are listed).

    Raises:
        SystemExit: see :func:`collect`.
    """
    parser = argparse.ArgumentParser(description="Collect an LMS download into grading/submitted/.")
    parser.add_argument("assignment")
    parser.add_argument("path", type=Path, help="a zip file or a folder of <student>_<anything>.ipynb files")
    args = parser.parse_args(argv)
    collect(args.assignment, args.path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
