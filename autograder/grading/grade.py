"""The instructor's grading pipeline behind ``make grade``.

For every hand-in at ``grading/submitted/<student>/<assignment>/`` (nbgrader's layout; ``grading/`` is the
state folder, :data:`autograder.core.STATE`, ``COURSE_STATE`` to put it elsewhere):

1. the gradebook learns every assignment from ``solutions/`` (``nbgrader generate_assignment`` into a
   scratch folder, so the committed ``notebooks/`` are not touched);
2. the hand-in is checked and repaired (:mod:`autograder.grading.repair`) into ``grading/staged/``: a renamed notebook
   gets its expected name, a notebook saved by Colab gets its nbgrader metadata back, edited or
   deleted test cells and changed metadata are flagged; a file that is not a notebook, or the wrong
   assignment's notebook, is reported and not graded. ``submitted/`` is never changed;
   The static screen (:mod:`autograder.grading.screen`) flags answer code that reaches for the grader or the
   outside;
3. the hand-ins are graded as grading jobs (:mod:`autograder.grading.jobs`: each group of hand-ins of one assignment
   in a scratch course of its own, with its own gradebook, data in and data out), several at once, on an executor
   (:mod:`autograder.grading.executor`): local processes (``--jobs``, the default) or the workers of a Dask cluster
   (``--scheduler``). Each kernel runs under bubblewrap (:mod:`autograder.kernel.sandbox`; ``--sandbox off`` grades
   unsandboxed) and only answers the calls of the judge (:mod:`autograder.kernel.serve`), which runs the test cells
   outside it and decides their points (:mod:`autograder.grading.judge`, :mod:`autograder.grading.preprocessors`).
   Only this process writes the course's gradebook: it merges the jobs' results one after another;
4. feedback HTML without the hidden tests' code is made for each hand-in (again from the gradebook, with the written
   answers' grades and comments, when the formgrader has graded any: :mod:`autograder.results.feedback`),
   ``nbgrader export`` writes ``grading/grades.csv`` (:mod:`autograder.gradebook`), ``grading/report.csv`` says per
   hand-in what was repaired, flagged, late (the LMS's marker), timed out or failed (a failed hand-in's log is kept in
   ``grading/logs/``), and a table is printed.

Ctrl-C stops grading: what was graded is kept in the gradebook and printed, and the next ``make grade`` continues
where it stopped (the hand-ins graded before the interrupt, unchanged since, are not graded again).

Usage: ``python -m autograder.grading.grade [--assignment A] [--jobs N] [--sandbox on|off] [--scheduler tcp://host:port]``
(the environment variables ``SANDBOX`` and ``SCHEDULER`` give the defaults). ``COURSE_ROOT`` points the pipeline
at another copy of the course (the tests use a scratch copy).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import gradebook
from autograder.core import (
    AUTOGRADED,
    FEEDBACK,
    GRADES_CSV,
    REGISTERED,
    REPORT_CSV,
    ROOT,
    STAGED,
    STATE,
    SUBMITTED,
    assignments,
    db_url,
    source_path,
)
from autograder.grading.executor import JobFailure, make_executor, run_jobs
from autograder.grading.jobs import GradingJob, JobResult, grade_job, merge_result
from autograder.grading.judge import prelude as judge_prelude
from autograder.grading.preprocessors import course_markdown
from autograder.grading.repair import repair
from autograder.grading.screen import screen_notebook
from autograder.kernel.sandbox import sandbox_problem

# Seconds a cell may run (and a quarter of it once a cell was stopped); 0: the configuration's 60 s and 15 s.
CELL_LIMIT = int(os.environ.get("COURSE_CELL_LIMIT", "0"))
SCREEN_SHOWN = 8
"""Findings of the static screen (:mod:`autograder.grading.screen`) named in a report row; the rest are counted."""
NO_SANDBOX = """Grading refused: hand-ins are untrusted code, and no sandbox can be had on this machine:
  {problem}.
Install bubblewrap (Debian/Ubuntu: `sudo apt install bubblewrap`) on Linux with user namespaces on
(`sysctl kernel.unprivileged_userns_clone=1` where it is off), or grade inside a container (README, "Grading
safely"). To grade without a sandbox, at your own risk (a hand-in then runs with your rights, next to the
gradebook): `make grade SANDBOX=off` (or `python -m autograder.grading.grade --sandbox off`)."""


@dataclass
class HandIn:
    """One student's hand-in of one assignment, and what happened to it.

    Args:
        student: the student id.
        assignment: the assignment's name.
        status: ``pending`` until it is graded or not, then ``graded``, ``not graded``, ``failed`` or ``timed out``.
        repairs: what was repaired (a rename, metadata restored, ...).
        flags: what a human should look at (the repair's, the screen's, the job's).
        detail: why it was not graded or failed (and where its log is).
        seconds: how long grading it took (s).
        late: the LMS's late marker (Canvas's ``LATE``), from ``make collect``: ``late`` or empty.
    """

    student: str
    assignment: str
    status: str = "pending"  # graded | not graded | failed | timed out
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0
    late: str = ""  # the LMS's late marker (Canvas's LATE), from make collect


def find_hand_ins(only: str | None) -> list[HandIn]:
    """Every ``submitted/<student>/<assignment>/`` folder (for ``only`` if given).

    Args:
        only: an assignment's name, or None for every assignment.

    Returns:
        A pending hand-in per folder, sorted by student, then assignment.
    """
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
    graded.

    Args:
        hand_in: the hand-in; its repairs and flags (the screen's too) are added, and its status and detail set when
            it cannot be graded.
        releases: every assignment's released notebook, by name (:func:`autograder.gradebook.register`).
        submitted: the hand-ins as they came.
        staged: where the repaired notebook (and ``timestamp.txt``) go; the hand-in's old folder is removed first.

    Returns:
        True when it was staged.
    """
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
    findings = screen_notebook(outcome.notebook, releases[hand_in.assignment])
    if findings:
        shown = ", ".join(str(f) for f in findings[:SCREEN_SHOWN])  # "; " separates the report's flags
        more = f", and {len(findings) - SCREEN_SHOWN} more" if len(findings) > SCREEN_SHOWN else ""
        hand_in.flags.append(f"screen: {shown}{more}")
    target.mkdir(parents=True)
    nbformat.write(outcome.notebook, target / expected)
    if (source / "timestamp.txt").is_file():
        shutil.copy2(source / "timestamp.txt", target / "timestamp.txt")
    return True


def _templates(names: list[str]) -> dict[str, bytes]:
    """Each assignment's gradebook template (see :func:`autograder.gradebook.template`), cached in
    ``registered/`` beside the release, with the source's sha256."""
    templates: dict[str, bytes] = {}
    stale = []
    for name in names:
        digest = hashlib.sha256(source_path(name).read_bytes()).hexdigest()
        cached, marker = REGISTERED / f"{name}.gradebook.db", REGISTERED / f"{name}.gradebook.sha256"
        if cached.is_file() and marker.is_file() and marker.read_text() == digest:
            templates[name] = cached.read_bytes()
        else:
            stale.append((name, digest))
    made = [gradebook.template(name, source_path(name))[0] for name, _ in stale]  # in this process, one by one
    REGISTERED.mkdir(parents=True, exist_ok=True)
    for (name, digest), data in zip(stale, made, strict=True):
        (REGISTERED / f"{name}.gradebook.db").write_bytes(data)
        (REGISTERED / f"{name}.gradebook.sha256").write_text(digest)
        templates[name] = data
    return templates


def make_jobs(ready: list[HandIn], groups: int, templates: dict[str, bytes], *,
              sandbox: bool = True, threads: int = 1) -> list[tuple[GradingJob, list[HandIn]]]:
    """The grading jobs for the staged hand-ins, each with its hand-ins: each assignment's hand-ins split
    round-robin into ``groups`` groups; ``threads`` OMP/MKL threads per kernel.

    Args:
        ready: the staged hand-ins.
        groups: how many groups each assignment's hand-ins are split into (empty groups make no job).
        templates: each assignment's gradebook template (bytes), by name.
        sandbox: run each kernel under bubblewrap.
        threads: OMP/MKL threads of each kernel.

    Returns:
        ``(job, its hand-ins)`` pairs, by assignment; each job carries :data:`CELL_LIMIT`, the prelude and the
        course's Markdown of the source notebook.
    """
    jobs = []
    for assignment in sorted({h.assignment for h in ready}):
        mine = [h for h in ready if h.assignment == assignment]
        source = nbformat.read(source_path(assignment), as_version=4)
        for group in (mine[i::groups] for i in range(groups)):
            if not group:
                continue
            folders = {h.student: STAGED / h.student / assignment for h in group}
            jobs.append((GradingJob(
                assignment, templates[assignment],
                {s: (f / f"{assignment}.ipynb").read_text() for s, f in folders.items()},
                {s: (f / "timestamp.txt").read_text() for s, f in folders.items() if (f / "timestamp.txt").is_file()},
                cell_limit=CELL_LIMIT, threads=threads, sandbox=sandbox,
                prelude=judge_prelude(source), course_markdown=course_markdown(source),
            ), group))
    return jobs


def groups_per_assignment(slots: int, assignments: int) -> int:
    """Into how many jobs each assignment's hand-ins are split: enough for every slot to have a job, no more.

    Each job costs a start of nbgrader (its autograde, then its feedback) besides its hand-ins, so one assignment
    on 3 slots makes 3 jobs, but 7 assignments on 2 slots make 7 jobs (one each), not 14.

    Args:
        slots: jobs the executor runs at once.
        assignments: how many assignments have hand-ins to grade.

    Returns:
        ``ceil(slots / assignments)``, at least 1.
    """
    return max(1, -(-slots // max(1, assignments)))


LOGS = STATE / "logs"
"""nbgrader's log of each hand-in whose grading failed, ``logs/<assignment>/<student>.log``."""


def keep_log(h: HandIn, log: str) -> None:
    """Keep a failed hand-in's log, and name it in the report's detail.

    Args:
        h: the hand-in; its detail gets the log's path.
        log: nbgrader's log (or the job's failure), written to ``logs/<assignment>/<student>.log``.
    """
    path = LOGS / h.assignment / f"{h.student}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(log)
    h.detail = f"{h.detail} (log: {_shown(path)})" if h.detail else f"see {_shown(path)}"


def absorb(result: JobResult, by_key: dict[tuple[str, str], HandIn]) -> None:
    """Merge one job result into the course's gradebook and files, and into its hand-in's report row.

    Args:
        result: the job's result for one hand-in.
        by_key: the hand-ins by (student, assignment); the result's one gets its status, detail, time and flags.
    """
    merge_result(result, db_url(), STATE)
    h = by_key[(result.student, result.assignment)]
    h.status, h.detail, h.seconds = result.status, result.detail or h.detail, result.seconds
    h.flags += result.flags
    if result.status == "failed" and result.log:
        keep_log(h, result.log)


INTERRUPTED = STATE / "interrupted.json"
"""The hand-ins graded before a Ctrl-C (and their staged notebook's sha256): the next run does not grade them again."""


def staged_digest(h: HandIn) -> str:
    """sha256 of what grading reads of a staged hand-in (its notebook, its timestamp) and of the assignment's source.

    Args:
        h: a staged hand-in.

    Returns:
        The digest, in hex.
    """
    digest = hashlib.sha256(source_path(h.assignment).read_bytes())
    folder = STAGED / h.student / h.assignment
    for name in (f"{h.assignment}.ipynb", "timestamp.txt"):
        if (folder / name).is_file():
            digest.update(name.encode() + (folder / name).read_bytes())
    return digest.hexdigest()


def carried_over(ready: list[HandIn]) -> list[HandIn]:
    """The hand-ins of ``ready`` that a run interrupted before graded, unchanged since: their rows as that run left
    them (the gradebook, the autograded notebook and the feedback are still there).

    Args:
        ready: the staged hand-ins; those carried over get their status, flags, detail and time back.

    Returns:
        Those carried over, in the order of ``ready``; none without :data:`INTERRUPTED`.
    """
    if not INTERRUPTED.is_file():
        return []
    saved = json.loads(INTERRUPTED.read_text())
    kept = []
    for h in ready:
        row = saved.get(f"{h.assignment}/{h.student}")
        if row and row["digest"] == staged_digest(h) and (AUTOGRADED / h.student / h.assignment).is_dir():
            h.status, h.flags, h.detail, h.seconds = row["status"], row["flags"], row["detail"], row["seconds"]
            kept.append(h)
    return kept


def save_interrupted(done: list[HandIn]) -> None:
    """Write :data:`INTERRUPTED`: the hand-ins graded before a Ctrl-C, with their staged digests and report rows.

    Args:
        done: the hand-ins graded (or timed out) before the interrupt.
    """
    INTERRUPTED.write_text(json.dumps({f"{h.assignment}/{h.student}": {
        "digest": staged_digest(h), "status": h.status, "flags": h.flags, "detail": h.detail, "seconds": h.seconds,
    } for h in done}, indent=1))


def grade_all(ready: list[HandIn], jobs: int | None = None, *, sandbox: bool = True,
              scheduler: str | None = None) -> None:
    """Grade the staged hand-ins as grading jobs on an executor, and merge their results here.

    Locally (no ``scheduler``) ``jobs`` processes (default: one more than the cores) each grade one group of
    hand-ins at a time; with ``scheduler`` (a Dask scheduler's address) the jobs go to its workers, ``jobs`` or,
    by default, as many at once as the workers have threads. Each assignment's hand-ins are split into just
    enough groups for every slot to get one (:func:`groups_per_assignment`). Each job runs in a scratch
    course of its own (:func:`autograder.grading.jobs.grade_job`); this process alone merges the results into the
    gradebook, one after another, as they arrive. A job that fails (its process or worker died every time it
    was tried, or it raised) marks its hand-ins ``failed`` with the reason; it is not retried.

    Args:
        ready: the staged hand-ins to grade; their statuses, details, times and flags are set.
        jobs: jobs at once (default: see above).
        sandbox: run each kernel under bubblewrap.
        scheduler: a Dask scheduler's address; None: local processes.

    Raises:
        SystemExit: the Dask scheduler cannot be used (:func:`autograder.grading.executor.make_executor`).
    """
    if not ready:
        return
    templates = _templates(sorted({h.assignment for h in ready}))
    by_key = {(h.student, h.assignment): h for h in ready}
    for h in ready:  # last run's autograded notebooks and feedback of these hand-ins
        shutil.rmtree(AUTOGRADED / h.student / h.assignment, ignore_errors=True)
        shutil.rmtree(FEEDBACK / h.student / h.assignment, ignore_errors=True)
    local_jobs = jobs or (os.cpu_count() or 1) + 1
    with make_executor(scheduler, local_jobs) as pool:
        slots = jobs or (pool.slots() if scheduler else local_jobs)
        groups = groups_per_assignment(slots, len({h.assignment for h in ready}))
        # a kernel alone on this machine may use every core; on a cluster's worker or beside others, one
        threads = 1 if scheduler or slots > 1 else max(1, os.cpu_count() or 1)
        planned = make_jobs(ready, groups, templates, sandbox=sandbox, threads=threads)
        print(f"Grading {len(ready)} hand-ins in {len(planned)} jobs on {pool.describe()}", flush=True)
        payloads = {index: job for index, (job, _) in enumerate(planned)}
        for index, outcome in run_jobs(pool, grade_job, payloads, desc="grading"):
            if isinstance(outcome, JobFailure):
                for h in planned[index][1]:
                    h.status, h.detail = "failed", f"grading job {outcome}"
                    keep_log(h, str(outcome))
                continue
            for result in outcome:
                absorb(result, by_key)


REPORT_COLUMNS = ["student", "assignment", "autograded", "max_autograded", "status", "late", "repaired", "flags",
                  "detail", "seconds"]
"""The columns of ``grading/report.csv``."""


def report_row(h: HandIn, scores: dict[tuple[str, str], dict[str, float]]) -> dict[str, str]:
    """One row of ``grading/report.csv``: score, status, repairs, flags and time of a hand-in.

    Args:
        h: the hand-in.
        scores: autograded and written points per (student, assignment) (:func:`autograder.gradebook.totals`).

    Returns:
        The row by :data:`REPORT_COLUMNS`, as text; no score for a hand-in not graded or not in ``scores``.
    """
    row = scores.get((h.student, h.assignment)) if h.status != "not graded" else None
    return {
        "student": h.student, "assignment": h.assignment,
        "autograded": f"{row['code']}" if row else "", "max_autograded": f"{row['max_code']}" if row else "",
        "status": h.status, "late": h.late, "repaired": "; ".join(h.repairs), "flags": "; ".join(h.flags),
        "detail": h.detail,
        "seconds": f"{h.seconds:.1f}",
    }


def write_report(hand_ins: list[HandIn], scores: dict[tuple[str, str], dict[str, float]]) -> None:
    """``grading/report.csv``: per hand-in, score, status, repairs, flags and time.

    Args:
        hand_ins: the hand-ins, a row each in this order.
        scores: autograded and written points per (student, assignment) (:func:`autograder.gradebook.totals`).
    """
    with REPORT_CSV.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(report_row(h, scores) for h in hand_ins)


def print_table(hand_ins: list[HandIn], scores: dict[tuple[str, str], dict[str, float]]) -> None:
    """One row per hand-in: autograded points, status, what was repaired and flagged.

    Args:
        hand_ins: the hand-ins, a row each in this order.
        scores: autograded and written points per (student, assignment) (:func:`autograder.gradebook.totals`).
    """
    print(f"{'student':<20} {'assignment':<24} {'autograded':>11} {'status':<11} {'time':>6}  notes")
    for h in hand_ins:
        row = scores.get((h.student, h.assignment)) if h.status != "not graded" else None
        auto = f"{row['code']:g} / {row['max_code']:g}" if row else "-"
        notes = "; ".join(filter(None, [h.detail, "LATE" if h.late else "", *(f"repaired: {r}" for r in h.repairs),
                                        *(f"FLAG: {f}" for f in h.flags)]))
        print(f"{h.student:<20} {h.assignment:<24} {auto:>11} {h.status:<11} {h.seconds:5.1f}s  {notes}")


def _shown(path: Path) -> str:
    """``path`` relative to the course's root where it is under it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    """``make grade``: :func:`grade`, then the class report (:mod:`autograder.results.class_report`), also after a
    failed or an empty run.

    Args:
        argv: as for :func:`grade` (default: the process's arguments).

    Returns:
        The exit status of :func:`grade`.
    """
    from autograder.results.class_report import after

    return after(grade, argv)


def grade(argv: list[str] | None = None) -> int:
    """The grading run (the module's steps 1 to 4): register, stage and screen, grade, then feedback, export,
    report and table.

    Args:
        argv: ``[--assignment A] [--register-only] [--jobs N] [--sandbox on|off] [--scheduler ADDRESS]``
            (default: the process's arguments).

    Returns:
        The exit status: 0 (also with no hand-ins), 2 when the sandbox is on and none can be had, 130 after Ctrl-C
        (:func:`interrupted`).

    Raises:
        SystemExit: the command line is wrong (also ``SANDBOX=`` neither ``on`` nor ``off``), or a step failed
            (nbgrader, the Dask scheduler).
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", help="grade only this assignment")
    parser.add_argument("--register-only", action="store_true",
                        help="only bring the gradebook (and the jobs' gradebook templates) up to date with"
                             " solutions/ (no grading)")
    # One more group than cores: while one kernel starts or waits, the others compute (measured: about 7% faster
    # than one group a core for 20 hand-ins on 2 cores).
    parser.add_argument("--jobs", type=int, default=None,
                        help="grading jobs at once (default: one more than the cores; with --scheduler, the workers'"
                             " threads)")
    parser.add_argument("--sandbox", choices=["on", "off"], default=os.environ.get("SANDBOX") or "on",
                        help="run each hand-in's kernel under bubblewrap (default on; also SANDBOX=on|off)")
    parser.add_argument("--scheduler", default=os.environ.get("SCHEDULER") or None,
                        help="a Dask scheduler's address (tcp://host:8786): grade on its workers (also SCHEDULER=);"
                             " default: local processes")
    args = parser.parse_args(argv)
    if args.sandbox not in ("on", "off"):  # SANDBOX= from the environment: anything else is a typo, not "off"
        parser.error(f"SANDBOX={args.sandbox!r}: on or off")

    if args.register_only:  # the gradebook and the grading jobs' gradebook templates
        names = [args.assignment] if args.assignment else assignments()
        gradebook.register(names)
        _templates(names)
        return 0
    hand_ins = find_hand_ins(args.assignment)
    if not hand_ins:
        print(f"No hand-ins under {SUBMITTED} (expected <student>/<assignment>/<notebook>.ipynb).")
        return 0
    if args.sandbox == "on" and (problem := sandbox_problem()):
        print(NO_SANDBOX.format(problem=problem), file=sys.stderr)
        return 2
    start = time.perf_counter()
    wanted = sorted({h.assignment for h in hand_ins} & set(assignments()))
    releases = gradebook.register(wanted) if wanted else {}
    for old in STAGED.glob("*/*") if STAGED.is_dir() else []:  # last run's copies of these assignments
        if old.name in {h.assignment for h in hand_ins}:
            shutil.rmtree(old)
    from autograder.grading.collect import collected
    from autograder.results.class_report import needs_a_look

    lms = collected()
    for h in hand_ins:
        h.late = lms.get((h.student, h.assignment), {}).get("late", "")
    ready = [h for h in hand_ins if stage(h, releases)]
    kept = carried_over(ready)
    if kept:
        print(f"{len(kept)} hand-in(s) graded before the last run was interrupted, unchanged since: kept, not graded"
              " again.")
    try:
        grade_all([h for h in ready if h not in kept], args.jobs, sandbox=args.sandbox == "on",
                  scheduler=args.scheduler)
    except KeyboardInterrupt:
        return interrupted(hand_ins, ready)
    INTERRUPTED.unlink(missing_ok=True)
    if wanted and gradebook.manual_grades(wanted):  # the formgrader graded written answers: their feedback again
        from autograder.results.feedback import regenerate

        print(f"Written answers have grades in the gradebook: feedback regenerated ({regenerate(wanted)} files).")
    gradebook.export_grades()
    scores = gradebook.totals()
    write_report(hand_ins, scores)
    print_table(hand_ins, scores)
    graded = sum(h.status in ("graded", "timed out") for h in hand_ins)
    flagged = sum(needs_a_look(h.status, "; ".join(h.repairs), "; ".join(h.flags)) for h in hand_ins)
    how = ("sandboxed" if args.sandbox == "on" else "NOT sandboxed")
    how += f", on {args.scheduler}" if args.scheduler else ""
    print(
        f"\n{graded} of {len(hand_ins)} hand-ins graded, {flagged} need a look, in {time.perf_counter() - start:.1f} s"
        f" ({how}). Grades: {_shown(GRADES_CSV)}; report: {_shown(REPORT_CSV)};"
        f" feedback: {_shown(FEEDBACK)}/. Written answers: grade them in the formgrader (`make lab`)."
    )
    return 0


def interrupted(hand_ins: list[HandIn], ready: list[HandIn]) -> int:
    """After Ctrl-C: keep and print what was graded, say how to go on; exit status 130.

    The hand-ins still pending become ``not graded``; :data:`INTERRUPTED`, ``grades.csv`` and ``report.csv`` are
    written.

    Args:
        hand_ins: every hand-in of the run (the report's rows).
        ready: the staged ones.

    Returns:
        130.
    """
    done = [h for h in ready if h.status in ("graded", "timed out")]
    for h in ready:
        if h.status == "pending":
            h.status, h.detail = "not graded", "make grade was interrupted before grading it"
    save_interrupted(done)
    gradebook.export_grades()
    scores = gradebook.totals()
    write_report(hand_ins, scores)
    print("\n\nInterrupted (Ctrl-C). Graded before the interrupt, kept in the gradebook:")
    if done:
        print_table(done, scores)
    else:
        print("  none")
    print(f"\n{len(done)} of {len(ready)} hand-ins graded; {len(ready) - len(done)} not yet. `make grade` continues"
          f" where it stopped: it grades only those {len(ready) - len(done)} (the graded ones are kept while they are"
          f" unchanged). Report so far: {_shown(REPORT_CSV)}.")
    return 130


if __name__ == "__main__":
    sys.exit(main())
