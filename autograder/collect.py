"""``make collect``: bring a learning management system's download into nbgrader's layout.

``python -m autograder.collect ASSIGNMENT PATH`` where PATH is one zip file, or a folder of
``<student>_<anything>.ipynb`` files (zips inside are unpacked too). The files are copied to
``grading/downloaded/<assignment>/archive/`` and nbgrader's ``zip_collect`` puts each student's
notebook at ``grading/submitted/<student>/<assignment>/`` (``grading/`` is :data:`autograder.core.STATE`).
Every file that was not collected is
named, with the reason: nothing is refused silently. Nothing in PATH is changed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

from autograder.core import DOWNLOADED, HAND_IN_PATTERN, SUBMITTED, assignments, nbgrader, relative_to_root


def incoming_files(path: Path) -> list[str]:
    """Names of the submission files in a zip or folder (archives looked into, folders walked)."""
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
    """Collect ``path`` for ``assignment``; return the number of files not collected."""
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
                note = "" if rest == f"{assignment}.ipynb" else f" (as {rest}; grading renames it)"
                print(f"collected      {name} -> submitted/{student}/{assignment}/{note}")
            else:
                print(f"NOT COLLECTED  {name}: nbgrader did not copy it; its log said:")
                print("\n".join(line for line in log.splitlines() if "WARNING" in line or "ERROR" in line))
                skipped += 1
    print(f"{skipped} file(s) not collected." if skipped else "Every file was collected.")
    return skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Collect an LMS download into grading/submitted/.")
    parser.add_argument("assignment")
    parser.add_argument("path", type=Path, help="a zip file or a folder of <student>_<anything>.ipynb files")
    args = parser.parse_args(argv)
    collect(args.assignment, args.path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
