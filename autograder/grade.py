"""The instructor's grading pipeline behind ``make grade``.

For every hand-in at ``grading/submitted/<student>/<assignment>/`` (nbgrader's layout; ``grading/`` is the
state folder, :data:`autograder.core.STATE`, ``COURSE_STATE`` to put it elsewhere):

1. the gradebook learns every assignment from ``solutions/`` (``nbgrader generate_assignment`` into a
   scratch folder, so the committed ``notebooks/`` are not touched);
2. the hand-in is checked and repaired (:mod:`autograder.repair`) into ``grading/staged/``: a renamed notebook
   gets its expected name, a notebook saved by Colab gets its nbgrader metadata back, edited or
   deleted test cells and changed metadata are flagged; a file that is not a notebook, or the wrong
   assignment's notebook, is reported and not graded. ``submitted/`` is never changed;
3. each hand-in is autograded in its own ``nbgrader autograde`` process, several at once (``--jobs``),
   so a broken hand-in (a crash, a dead kernel, an endless loop) cannot stop the others; the guard
   cell (:mod:`autograder.safeguards`) restores replaced comparison functions and stops runaway cells;
4. feedback HTML without the hidden tests' code is made for each hand-in, ``nbgrader export`` writes
   ``grading/grades.csv`` (:mod:`autograder.export`), ``grading/report.csv`` says per hand-in what was
   repaired, flagged, timed out or failed, and a table is printed.

Usage: ``python -m autograder.grade [--assignment A] [--jobs N]``. ``COURSE_ROOT`` points the pipeline
at another copy of the course (the tests use a scratch copy).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.core import (
    AUTOGRADED,
    FEEDBACK,
    GRADES_CSV,
    REGISTERED,
    REPORT_CSV,
    ROOT,
    STAGED,
    SUBMITTED,
    assignments,
    db_url,
    generate_assignment,
    nbgrader,
    source_path,
)
from autograder.export import export_grades, gradebook_scores
from autograder.repair import repair
from autograder.safeguards import EXIT_MARK, RESTORED_MARK, SYS_EXIT_MARK, TIMEOUT_MARK

HAND_IN_TIMEOUT_S = 1200
# Seconds a cell may run (and a quarter of it once a cell was stopped); 0: the configuration's 60 s and 15 s.
CELL_LIMIT = int(os.environ.get("COURSE_CELL_LIMIT", "0"))


@dataclass
class HandIn:
    """One student's hand-in of one assignment, and what happened to it."""

    student: str
    assignment: str
    status: str = "pending"  # graded | not graded | failed | timed out
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0


def register_assignments(names: list[str]) -> dict[str, nbformat.NotebookNode]:
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


def find_hand_ins(only: str | None) -> list[HandIn]:
    """Every ``submitted/<student>/<assignment>/`` folder (for ``only`` if given)."""
    found = []
    if SUBMITTED.is_dir():
        for student_dir in sorted(p for p in SUBMITTED.iterdir() if p.is_dir()):
            for assignment_dir in sorted(p for p in student_dir.iterdir() if p.is_dir()):
                if not only or assignment_dir.name == only:
                    found.append(HandIn(student_dir.name, assignment_dir.name))
    return found


def stage(
    hand_in: HandIn, releases: dict[str, nbformat.NotebookNode], submitted: Path = SUBMITTED, staged: Path = STAGED
) -> bool:
    """Check and repair a hand-in from ``submitted/`` into ``staged/``; False (with the reason) if it cannot be
    graded."""
    source = submitted / hand_in.student / hand_in.assignment
    target = staged / hand_in.student / hand_in.assignment
    shutil.rmtree(target, ignore_errors=True)
    if hand_in.assignment not in releases:
        hand_in.status, hand_in.detail = "not graded", f"unknown assignment {hand_in.assignment!r}"
        return False
    expected = f"{hand_in.assignment}.ipynb"
    notebooks = sorted(p for p in source.iterdir() if p.is_file() and p.suffix == ".ipynb")
    others = sorted(
        p.name for p in source.iterdir() if p.is_file() and p.suffix != ".ipynb" and p.name != "timestamp.txt"
    )
    if others:
        hand_in.flags.append("other files ignored: " + ", ".join(others))
    if (source / expected).is_file():
        chosen = source / expected
    elif len(notebooks) == 1:
        chosen = notebooks[0]
        hand_in.repairs.append(f"renamed {chosen.name} to {expected}")
    elif not notebooks:
        hand_in.status, hand_in.detail = "not graded", "no notebook in the hand-in"
        return False
    else:
        hand_in.status = "not graded"
        hand_in.detail = f"several notebooks and none named {expected}: " + ", ".join(p.name for p in notebooks)
        return False
    others_releases = {k: v for k, v in releases.items() if k != hand_in.assignment}
    outcome = repair(chosen.read_text(errors="replace"), releases[hand_in.assignment], others_releases)
    hand_in.repairs += outcome.repairs
    hand_in.flags += outcome.flags
    if outcome.notebook is None:
        hand_in.status, hand_in.detail = "not graded", outcome.problem or "cannot be graded"
        return False
    target.mkdir(parents=True)
    nbformat.write(outcome.notebook, target / expected)
    if (source / "timestamp.txt").is_file():
        shutil.copy2(source / "timestamp.txt", target / "timestamp.txt")
    return True


def _errors_in(log: str) -> str:
    lines = [ln.strip() for ln in log.splitlines() if re.search(r"Error|error|Exception", ln)]
    return (lines[-1] if lines else "nbgrader autograde failed")[:200]


def inspect_graded(hand_in: HandIn) -> None:
    """Read the autograded notebook for the guard's marks: replaced functions, runaway cells, exits."""
    path = AUTOGRADED / hand_in.student / hand_in.assignment / f"{hand_in.assignment}.ipynb"
    if not path.is_file():
        return
    graded = nbformat.read(path, as_version=4)
    text = "\n".join(  # the outputs only: the guard cell's own source holds the marks too
        str(output.get("text", "")) + str(output.get("evalue", "")) + str(output.get("ename", ""))
        for cell in graded.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
    )
    restored = sorted(set(re.findall(re.escape(RESTORED_MARK) + r" ([^\n]+)", text)))
    if restored:
        hand_in.flags.append("replaced comparison functions (restored before the tests): " + "; ".join(restored))
    if TIMEOUT_MARK in text:
        hand_in.flags.append(f"{text.count(TIMEOUT_MARK)} cell(s) stopped after running too long")
        hand_in.status = "timed out"
    if EXIT_MARK in text:
        hand_in.flags.append("os._exit() called (the kernel was kept alive)")
    if "DeadKernelError" in text:
        hand_in.flags.append("the kernel died; only the cells that finished were graded")
    if SYS_EXIT_MARK in text:
        hand_in.flags.append("sys.exit() called (the cell failed, the kernel went on)")


def _autograded_path(hand_in: HandIn) -> Path:
    return AUTOGRADED / hand_in.student / hand_in.assignment / f"{hand_in.assignment}.ipynb"


def _student_options(group: list[HandIn], everyone: list[str]) -> list[str]:
    """nbgrader options that select exactly the students of ``group``."""
    if len(group) == 1:
        return ["--student", group[0].student]
    others = sorted(set(everyone) - {h.student for h in group})
    return [f"--CourseDirectory.student_id_exclude={','.join(others)}"] if others else []


def grade_group(group: list[HandIn], everyone: list[str], threads: int) -> list[HandIn]:
    """Autograde and make feedback for hand-ins of one assignment in one ``nbgrader`` process each.

    One process serves the whole group, so nbgrader starts once; a hand-in that breaks is still
    contained by the guard cell and the dead-kernel-proof executor. Hand-ins that the group's
    process did not grade (it crashed or hung) are graded again one by one.
    """
    assignment = group[0].assignment
    options = _student_options(group, everyone)
    limits = [f"--InsertGuard.cell_limit={CELL_LIMIT}",
              f"--InsertGuard.cell_limit_after_timeout={max(1, min(15, CELL_LIMIT // 4))}"] if CELL_LIMIT else []
    env = {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    start = time.time()
    for h in group:
        _autograded_path(h).unlink(missing_ok=True)
    try:
        done = nbgrader("autograde", assignment, "--force", *options, *limits,
                        timeout=HAND_IN_TIMEOUT_S * len(group), env=env)
        log = done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        log = f"grading took over {HAND_IN_TIMEOUT_S * len(group)} s"
    finished = sorted((p.stat().st_mtime, h) for h in group if (p := _autograded_path(h)).is_file())
    previous = start
    for mtime, h in finished:  # nbgrader grades one after another: time between finished notebooks
        h.status, h.seconds, previous = "graded", mtime - previous, mtime
        inspect_graded(h)
    missing = [h for h in group if h.status == "pending"]
    if missing and len(group) > 1:
        for h in missing:
            grade_group([h], everyone, threads)
    elif missing:
        missing[0].status, missing[0].detail = "failed", _errors_in(log)
        missing[0].seconds = time.time() - start
    graded = [h for h in group if h.status != "failed"]
    if graded:
        feedback = nbgrader("generate_feedback", assignment, "--force", *_student_options(graded, everyone), env=env)
        if feedback.returncode != 0:
            for h in graded:
                if not (FEEDBACK / h.student / assignment).is_dir():
                    h.flags.append("no feedback generated")
    return group


def grade_all(ready: list[HandIn], jobs: int) -> None:
    """Grade the staged hand-ins in ``jobs`` groups at once (each assignment split round-robin)."""
    groups: list[list[HandIn]] = []
    for assignment in sorted({h.assignment for h in ready}):
        mine = [h for h in ready if h.assignment == assignment]
        groups += [g for g in (mine[i::jobs] for i in range(jobs)) if g]
    threads = 1 if jobs > 1 else max(1, os.cpu_count() or 1)
    staged_students = {
        a: sorted(p.name for p in STAGED.iterdir() if (p / a).is_dir()) for a in {h.assignment for h in ready}
    }
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(lambda g: grade_group(g, staged_students[g[0].assignment], threads), groups))


REPORT_COLUMNS = ["student", "assignment", "autograded", "max_autograded", "status", "repaired", "flags", "detail",
                  "seconds"]
"""The columns of ``grading/report.csv``."""


def report_row(h: HandIn, scores: dict[tuple[str, str], dict[str, float]]) -> dict[str, str]:
    """One row of ``grading/report.csv``: score, status, repairs, flags and time of a hand-in."""
    row = scores.get((h.student, h.assignment)) if h.status != "not graded" else None
    return {
        "student": h.student, "assignment": h.assignment,
        "autograded": f"{row['code']}" if row else "", "max_autograded": f"{row['max_code']}" if row else "",
        "status": h.status, "repaired": "; ".join(h.repairs), "flags": "; ".join(h.flags), "detail": h.detail,
        "seconds": f"{h.seconds:.1f}",
    }


def write_report(hand_ins: list[HandIn], scores: dict[tuple[str, str], dict[str, float]]) -> None:
    """``grading/report.csv``: per hand-in, score, status, repairs, flags and time."""
    with REPORT_CSV.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(report_row(h, scores) for h in hand_ins)


def print_table(hand_ins: list[HandIn], scores: dict[tuple[str, str], dict[str, float]]) -> None:
    """One row per hand-in: autograded points, status, what was repaired and flagged."""
    print(f"{'student':<20} {'assignment':<24} {'autograded':>11} {'status':<11} {'time':>6}  notes")
    for h in hand_ins:
        row = scores.get((h.student, h.assignment)) if h.status != "not graded" else None
        auto = f"{row['code']:g} / {row['max_code']:g}" if row else "-"
        notes = "; ".join(filter(None, [h.detail, *(f"repaired: {r}" for r in h.repairs),
                                        *(f"FLAG: {f}" for f in h.flags)]))
        print(f"{h.student:<20} {h.assignment:<24} {auto:>11} {h.status:<11} {h.seconds:5.1f}s  {notes}")


def _shown(path: Path) -> str:
    """``path`` relative to the course's root where it is under it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    """``make grade``: :func:`grade`, then the class report (:mod:`autograder.class_report`), also after a failed
    or an empty run."""
    from autograder.class_report import after

    return after(grade, argv)


def grade(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", help="grade only this assignment")
    parser.add_argument("--register-only", action="store_true",
                        help="only bring the gradebook up to date with solutions/ (no grading)")
    # One more group than cores: while one kernel starts or waits, the others compute (measured: about 7% faster
    # than one group a core for 20 hand-ins on 2 cores).
    parser.add_argument("--jobs", type=int, default=(os.cpu_count() or 1) + 1, help="groups of hand-ins graded at once")
    args = parser.parse_args(argv)

    if args.register_only:
        register_assignments([args.assignment] if args.assignment else assignments())
        return 0
    hand_ins = find_hand_ins(args.assignment)
    if not hand_ins:
        print(f"No hand-ins under {SUBMITTED} (expected <student>/<assignment>/<notebook>.ipynb).")
        return 0
    start = time.perf_counter()
    wanted = sorted({h.assignment for h in hand_ins} & set(assignments()))
    releases = register_assignments(wanted) if wanted else {}
    for old in STAGED.glob("*/*") if STAGED.is_dir() else []:  # last run's copies of these assignments
        if old.name in {h.assignment for h in hand_ins}:
            shutil.rmtree(old)
    ready = [h for h in hand_ins if stage(h, releases)]
    grade_all(ready, args.jobs)
    export_grades()
    scores = gradebook_scores()
    write_report(hand_ins, scores)
    print_table(hand_ins, scores)
    graded = sum(h.status in ("graded", "timed out") for h in hand_ins)
    flagged = sum(bool(h.flags) or h.status != "graded" for h in hand_ins)
    print(
        f"\n{graded} of {len(hand_ins)} hand-ins graded, {flagged} need a look, in {time.perf_counter() - start:.1f} s"
        f" ({args.jobs} at once). Grades: {_shown(GRADES_CSV)}; report: {_shown(REPORT_CSV)};"
        f" feedback: {_shown(FEEDBACK)}/. Written answers: grade them in the formgrader (`make lab`)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
