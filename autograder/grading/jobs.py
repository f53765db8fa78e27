"""Grading jobs: a group of hand-ins of one assignment graded in a scratch course of its own.

A job is data in, data out, so that it can run in a thread, another process or on another machine
(issue 17 hands it to ``concurrent.futures`` or Dask): :class:`GradingJob` carries the assignment's
gradebook template (a gradebook that knows only this assignment, no student) and the repaired hand-ins;
:func:`grade_job` writes them into a fresh scratch folder, runs ``nbgrader autograde`` and
``nbgrader generate_feedback`` there against the scratch gradebook, and returns one :class:`JobResult`
per hand-in: the scores per cell, the autograded notebook, the feedback HTML and what the report says.
No kernel ever sees the course's gradebook, and only the instructor-side process writes it:
:func:`merge_result` puts a result into the course's gradebook (:mod:`autograder.gradebook`) and files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import gradebook
from autograder.core import AUTOGRADED, is_test, nbgrader, nbgrader_api
from autograder.kernel.serve import EXIT_MARK, SYS_EXIT_MARK, TIMEOUT_MARK

HAND_IN_TIMEOUT_S = 1200
"""Seconds one hand-in may take in a job (a job of n hand-ins: n times this)."""


@dataclass
class GradingJob:
    """What a job needs, as data: no shared folder with the instructor.

    ``gradebook`` is the bytes of a SQLite gradebook that knows ``assignment`` (its cells and checksums)
    and no student; ``hand_ins`` maps a student id to the repaired notebook (nbformat JSON text);
    ``timestamps`` maps a student id to the hand-in's ``timestamp.txt`` text, where there is one.

    Args:
        assignment: the assignment's name (``01_statistics``).
        gradebook: the gradebook template's bytes (:func:`autograder.gradebook.template`).
        hand_ins: the repaired hand-ins (nbformat JSON text) by student id.
        timestamps: the hand-ins' ``timestamp.txt`` texts by student id, where there is one.
        cell_limit: seconds a cell may run; 0: ResilientExecute's default.
        threads: OMP/MKL threads of each kernel.
        sandbox: run each kernel under bubblewrap (see :mod:`autograder.kernel.sandbox`).
        prelude: the notebook's setup cells, which the judge runs first
            (:func:`autograder.grading.judge.prelude`).
        course_markdown: the course's own Markdown cells (left unsanitised).
    """

    assignment: str
    gradebook: bytes
    hand_ins: dict[str, str]
    timestamps: dict[str, str] = field(default_factory=dict)
    cell_limit: int = 0  # seconds a cell may run; 0: ResilientExecute's default
    threads: int = 1  # OMP/MKL threads of each kernel
    sandbox: bool = True  # run each kernel under bubblewrap (see autograder.kernel.sandbox)
    prelude: str = ""  # the notebook's setup cells, which the judge runs first (autograder.grading.judge.prelude)
    course_markdown: list[str] = field(default_factory=list)  # the course's own Markdown cells (left unsanitised)


@dataclass
class JobResult:
    """One hand-in's outcome: status, flags, the gradebook entries, the autograded notebook and feedback.

    Args:
        student: the student id.
        assignment: the assignment's name.
        status: ``pending`` until graded, then ``graded``, ``failed`` or ``timed out``.
        flags: what a human should look at (from the judge's verdicts and the kernel's marks).
        detail: why a hand-in failed (the cause from nbgrader's log, at most 300 characters).
        seconds: how long grading it took (s).
        grades: ``{grade_id: {"auto_score", "needs_manual_grade"}}``, from the job's gradebook.
        comments: ``{grade_id: auto_comment}``, from the job's gradebook.
        late_penalty: nbgrader's late penalty (points), or None.
        timestamp: the submission's timestamp (ISO 8601), or None.
        autograded: the autograded notebook (nbformat JSON), or None.
        feedback: the feedback HTML, or None.
        log: nbgrader's log of a hand-in that failed (``make grade`` keeps it in ``logs/``).
    """

    student: str
    assignment: str
    status: str = "pending"  # graded | failed | timed out
    flags: list[str] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0
    grades: dict[str, dict] = field(default_factory=dict)  # grade_id -> auto_score, needs_manual_grade
    comments: dict[str, str | None] = field(default_factory=dict)  # grade_id -> auto_comment
    late_penalty: float | None = None
    timestamp: str | None = None
    autograded: str | None = None  # the autograded notebook, nbformat JSON
    feedback: str | None = None  # the feedback HTML
    log: str = ""  # nbgrader's log of a hand-in that failed (make grade keeps it in logs/)


def _run_nbgrader(args: list[str], root: Path, timeout: float, job: GradingJob, program: str = "nbgrader") -> str:
    """``nbgrader ARGS`` (or ``python -m PROGRAM ARGS``) in the job's scratch course, with its threads, sandbox and
    cell limit; its log (or why it stopped)."""
    env = {"OMP_NUM_THREADS": str(job.threads), "MKL_NUM_THREADS": str(job.threads),
           "COURSE_SANDBOX": "on" if job.sandbox else "off"}
    if job.cell_limit:
        args = [*args, f"--ResilientExecute.cell_limit={job.cell_limit}"]
    try:
        done = nbgrader(*args, program=program, root=root, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return f"grading took over {timeout:.0f} s"
    return done.stdout + done.stderr


GENERIC = re.compile(r"Please see the( the)? above traceback|NbGraderException\s*:?\s*$|^\[\w+\] (ERROR|WARNING)"
                     r"|^\s*(raise|File \")")
"""Lines of nbgrader's log that name no cause: its closing "NbGraderException: Please see the above traceback"."""


def _errors_in(log: str) -> str:
    """The cause of a failed hand-in from nbgrader's log: the last exception line that is not nbgrader's generic
    closing one (a kernel that cannot start: ``FileNotFoundError: ... '/old/env/bin/python'``)."""
    lines = [ln.strip() for ln in log.splitlines()]
    causes = [ln for ln in lines if re.match(r"^([\w.]+(Error|Exception|Exit|Interrupt)|[\w.]*Error)\b:?", ln)
              and not GENERIC.search(ln)]
    if not causes:
        causes = [ln for ln in lines if re.search(r"Error|error|Exception", ln) and not GENERIC.search(ln)]
    return (causes[-1] if causes else "nbgrader autograde failed (no cause in its log)")[:300]


def inspect_outputs(nb: nbformat.NotebookNode, result: JobResult) -> None:
    """Flags from the judge's verdicts (the notebook's metadata) and the kernel's marks in the outputs.

    Args:
        nb: the autograded notebook (its metadata ``course_verdicts``, its cells' outputs).
        result: the hand-in's result: flags are appended to it, and its status becomes ``timed out`` when a cell
            ran too long.
    """
    verdicts = nb.metadata.get("course_verdicts", {}) or {}
    not_data = sorted(g for g, v in verdicts.items() if isinstance(v, dict) and v.get("kind") == "NotPlainData")
    if not_data:
        result.flags.append("objects that are not plain data where the tests ask for data: " + ", ".join(not_data))
    unknown = sorted(g for g, v in verdicts.items() if isinstance(v, dict) and v.get("kind") == "AutograderVerdict")
    if unknown:
        result.flags.append("test cells that are not the assignment's (no points): " + ", ".join(unknown))
    outputs = [o for cell in nb.cells if cell.cell_type == "code" and not is_test(cell)
               for o in cell.get("outputs", [])]
    text = "\n".join("\n".join([str(o.get("text", "")), str(o.get("evalue", ""))]) for o in outputs)
    if TIMEOUT_MARK in text:
        result.flags.append(f"{text.count(TIMEOUT_MARK)} cell(s) stopped after running too long")
        result.status = "timed out"
    if EXIT_MARK in text:
        result.flags.append("os._exit() called (the kernel was kept alive)")
    if any(o.get("ename") == "DeadKernelError" for cell in nb.cells if cell.cell_type == "code"
           for o in cell.get("outputs", [])):
        result.flags.append("the kernel died; only the cells that finished were graded")
    if SYS_EXIT_MARK in text:
        result.flags.append("sys.exit() called (the cell failed, the kernel went on)")


def grade_job(job: GradingJob) -> list[JobResult]:
    """Grade ``job``'s hand-ins in a scratch course of their own; one :class:`JobResult` per hand-in.

    One process (:func:`main`: nbgrader's autograde, then its feedback) serves the whole group, so nbgrader starts
    once; hand-ins it did not grade (it crashed or hung) are graded again, each in a job of its own. A top-level
    function of picklable data, so an executor may run it in another process or on another machine; it needs the
    course's environment (this package, nbgrader, the kernel's packages), not the course's folder.

    Args:
        job: the assignment, its gradebook template and the hand-ins.

    Returns:
        The results, sorted by student id; a hand-in nbgrader did not grade has the status ``failed`` and the cause
        in ``detail``.
    """
    a = job.assignment
    results = {student: JobResult(student, a) for student in job.hand_ins}
    with tempfile.TemporaryDirectory(prefix="grading-job-") as scratch:
        root = Path(scratch) / "course"
        state = root / "grading"
        (root / "solutions" / a).mkdir(parents=True)
        state.mkdir()
        (state / "gradebook.db").write_bytes(job.gradebook)
        (state / "judge").mkdir()
        (state / "judge" / f"{a}.py").write_text(job.prelude)
        (state / "judge" / f"{a}.markdown.json").write_text(json.dumps(job.course_markdown))
        for student, text in job.hand_ins.items():
            folder = state / "staged" / student / a
            folder.mkdir(parents=True)
            (folder / f"{a}.ipynb").write_text(text)
            if student in job.timestamps:
                (folder / "timestamp.txt").write_text(job.timestamps[student])
        start = time.time()
        students = sorted(job.hand_ins)
        # autograde, then feedback, in one process (see main)
        log = _run_nbgrader([a, *students], root, HAND_IN_TIMEOUT_S * len(students) + 600, job,
                            "autograder.grading.jobs")
        autograded = {s: state / "autograded" / s / a / f"{a}.ipynb" for s in students}
        finished = sorted((p.stat().st_mtime, s) for s, p in autograded.items() if p.is_file())
        previous = start
        for mtime, student in finished:  # nbgrader grades one after another: time between finished notebooks
            result = results[student]
            result.status, result.seconds, previous = "graded", mtime - previous, mtime
            result.autograded = autograded[student].read_text()
            inspect_outputs(nbformat.reads(result.autograded, as_version=4), result)
        missing = [s for s in students if results[s].status == "pending"]
        if missing and len(students) > 1:
            for student in missing:
                alone = GradingJob(a, job.gradebook, {student: job.hand_ins[student]},
                                   {k: v for k, v in job.timestamps.items() if k == student},
                                   job.cell_limit, job.threads, job.sandbox, job.prelude, job.course_markdown)
                results[student] = grade_job(alone)[0]
        elif missing:
            results[missing[0]].status, results[missing[0]].detail = "failed", _errors_in(log)
            results[missing[0]].seconds, results[missing[0]].log = time.time() - start, log
        graded = [s for s in students if results[s].status != "failed" and s not in missing]
        if graded:
            unfed = [s for s in graded if not (state / "feedback" / s / a / f"{a}.html").is_file()]
            if unfed:  # the process ended before it made their feedback
                selection = ["--student", unfed[0]] if len(unfed) == 1 else []
                _run_nbgrader(["generate_feedback", a, "--force", *selection], root, 600, job)
            for student in graded:
                html = state / "feedback" / student / a / f"{a}.html"
                if html.is_file():
                    results[student].feedback = html.read_text()
                else:
                    results[student].flags.append("no feedback generated")
            gradebook.read_results(f"sqlite:///{state / 'gradebook.db'}", a, [results[s] for s in graded])
    return [results[s] for s in students]


def merge_result(result: JobResult, gradebook_url: str, state: Path) -> None:
    """Put one job result into the course's gradebook (:func:`autograder.gradebook.merge`) and its files under
    ``state`` (the autograded notebook, the feedback).

    Args:
        result: the hand-in's result; one not ``graded`` or ``timed out`` is left out.
        gradebook_url: the course gradebook's SQLAlchemy address.
        state: the grading state (``autograded/`` and ``feedback/`` under it; the hand-in's folders are replaced).
    """
    if result.status not in ("graded", "timed out"):
        return
    a = result.assignment
    gradebook.merge(result, gradebook_url)
    folder = state / "autograded" / result.student / a
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if result.autograded is not None:
        (folder / f"{a}.ipynb").write_text(result.autograded)
    feedback = state / "feedback" / result.student / a
    shutil.rmtree(feedback, ignore_errors=True)
    if result.feedback is not None:
        feedback.mkdir(parents=True)
        (feedback / f"{a}.html").write_text(result.feedback)


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.grading.jobs ASSIGNMENT STUDENT... [--ResilientExecute.cell_limit=N ...]``, in a job's
    scratch course (``COURSE_ROOT``, ``COURSE_STATE``): ``nbgrader autograde`` of each student's staged hand-in, then
    ``nbgrader generate_feedback`` of those it graded, through nbgrader's Python API in this one process (one start
    of nbgrader, about 2.5 s, instead of two). nbgrader's log goes to stdout.

    Args:
        argv: the command line, without the program's name (default ``sys.argv[1:]``): the assignment, the students,
            and ``--Class.option=N`` settings (integers).

    Returns:
        The exit status: 0, also when a hand-in failed (the log says so).

    Raises:
        ValueError: no assignment is named, or an option's value is not an integer.
    """
    args = sys.argv[1:] if argv is None else argv
    options: dict[str, dict[str, int]] = {}
    for option in (a for a in args if a.startswith("--")):
        section, _, rest = option[2:].partition(".")
        name, _, value = rest.partition("=")
        options.setdefault(section, {})[name] = int(value)
    assignment, *students = [a for a in args if not a.startswith("--")]
    warnings.simplefilter("ignore")  # as PYTHONWARNINGS=ignore does for the nbgrader command
    api = nbgrader_api(config=options)
    for student in students:
        outcome = api.autograde(assignment, student, force=True, create=True)
        print(outcome.get("log", ""), outcome.get("error", ""), sep="\n", flush=True)
    for student in students:
        if (AUTOGRADED / student / assignment / f"{assignment}.ipynb").is_file():
            outcome = api.generate_feedback(assignment, student, force=True)
            print(outcome.get("log", ""), outcome.get("error", ""), sep="\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
