"""Grading jobs on Dask (issue 17): the executor interface, a real cluster on loopback, a worker killed mid-job.

The cluster is real: a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, on free ports, started
by the test and ended by their pids (:class:`autograder.grading.executor.LoopbackCluster`); every wait is bounded.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.grading.executor import JobFailure, LoopbackCluster, make_executor, run_jobs

pytest.importorskip("distributed")

from dask_jobs import sleepy_job  # noqa: E402 - the stand-in job, importable by the workers from tests/

TESTS = Path(__file__).resolve().parent
KEYS = ["a", "b", "c", "broken", "d", "e"]
CLUSTER_ENV = {"PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH", "")])),
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def payloads(log: Path, seconds: float) -> dict:
    return {k: {"key": k, "n": i, "seconds": seconds, "log": str(log)} for i, k in enumerate(KEYS)}


def attempts(log: Path) -> list[tuple[str, str, int]]:
    """``(what, key, pid)`` for every line the jobs wrote: start, end, raise."""
    return [(w[0], w[1], int(w[2])) for w in (line.split() for line in log.read_text().splitlines())]


def check_outcomes(results: dict) -> None:
    assert sorted(results) == sorted(KEYS)
    for i, k in enumerate(KEYS):
        if k == "broken":
            assert isinstance(results[k], JobFailure) and results[k].kind == "raised", results[k]
            assert "ValueError: hand-in broken is broken" in str(results[k])
        else:
            assert results[k] == {"key": k, "square": i * i}


def test_local_executor_gives_every_result_once_and_reports_a_failing_job(tmp_path):
    log = tmp_path / "log.txt"
    with make_executor(None, 2) as pool:
        assert pool.describe() == "2 local processes"
        results = dict(run_jobs(pool, sleepy_job, payloads(log, 0.1), progress=False))
    check_outcomes(results)
    started = [k for what, k, _ in attempts(log) if what == "start"]
    assert sorted(started) == sorted(KEYS), "every job ran once, the failing one was not retried"


def test_an_unreachable_scheduler_is_a_clear_error():
    import socket

    with socket.socket() as sock:  # a free port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SystemExit, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"):
        make_executor(f"tcp://127.0.0.1:{port}", 2, timeout_s=2).shutdown()


def test_dask_reruns_the_job_of_a_killed_worker_and_not_a_failing_one(tmp_path):
    log = tmp_path / "log.txt"
    with LoopbackCluster(tmp_path / "cluster", workers=2, env=CLUSTER_ENV) as cluster, \
            make_executor(cluster.address, 2) as pool:
        where = pool.describe()
        assert "2 workers, 2 threads" in where and "Dashboard: http://127.0.0.1:" in where, where
        victim = cluster.worker_pids()[0]
        results = {}
        for key, outcome in run_jobs(pool, sleepy_job, payloads(log, 1.5), progress=False):
            results[key] = outcome
            if len(results) == 1:
                assert cluster.kill_when_busy(0, after_s=0.5), "worker 0 held no job when it was killed"
    check_outcomes(results)
    runs = attempts(log)
    cut_short = [k for what, k, pid in runs if what == "start" and pid == victim
                 and ("end", k, victim) not in runs and ("raise", k, victim) not in runs]
    assert cut_short, f"no job was cut short by killing worker {victim}: {runs}"
    finished_on_victim = {k for what, k, pid in runs if what == "end" and pid == victim}
    for k in KEYS:
        ends = [r for r in runs if r[:2] == ("end", k)]
        if k == "broken":
            assert not ends
        elif k in finished_on_victim:  # its result may have died with the worker before it arrived here
            assert 1 <= len(ends) <= 2, (k, runs)
        else:
            assert len(ends) == 1, (k, runs)
    assert sum(r[:2] == ("raise", "broken") for r in runs) == 1, f"a failing job ran again: {runs}"


# --- make grade on Dask: a small class graded on a real loopback cluster (a worker killed mid-job), as locally -----

CLASS_ASSIGNMENT = "01_statistics"


def small_class(course: Path) -> None:
    """Hand-ins of 01_statistics: the reference, every other answer wrong (failing tests and their tracebacks in the
    feedback), no notebook. (Each grading costs a kernel and its imports; the untouched notebook adds no case here.)"""
    import nbformat

    from autograder.core import nbgrader_meta
    from autograder.release.notebooks import reference_hand_in
    from harness import load_mutants

    def put(student: str, text: str) -> None:
        folder = course / "grading" / "submitted" / student / CLASS_ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{CLASS_ASSIGNMENT}.ipynb").write_text(text)

    reference = reference_hand_in(CLASS_ASSIGNMENT)
    put("reference", nbformat.writes(reference))
    wrong = {cell: next(iter(variants.values())) for cell, variants in load_mutants(CLASS_ASSIGNMENT).WRONG.items()}
    for cell in reference.cells:  # every other answer wrong
        if nbgrader_meta(cell).get("grade_id") in list(wrong)[::2]:
            cell.source = wrong[nbgrader_meta(cell)["grade_id"]]
    put("mixed", nbformat.writes(reference))
    put("broken", "this is not a notebook")


def grade_command(course: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "autograder.grading.grade", "--assignment", CLASS_ASSIGNMENT, *args]


def grade_env(course: Path) -> dict[str, str]:
    env = dict(os.environ, COURSE_ROOT=str(course), COURSE_STATE=str(course / "grading"), **CLUSTER_ENV)
    env.pop("SCHEDULER", None)
    return env


def finish(process: subprocess.Popen, timeout_s: float = 900) -> str:
    try:
        out, err = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()  # by its pid; its nbgrader children die with their kernels' bwrap (--die-with-parent)
        out, err = process.communicate()
        raise AssertionError(f"grading took over {timeout_s} s:\n{out[-3000:]}\n{err[-3000:]}") from None
    assert process.returncode == 0, f"grading failed:\n{out[-3000:]}\n{err[-3000:]}"
    return out


def outcome(course: Path) -> dict:
    """What two gradings of the same class must agree on: the gradebook's scores per cell, grades.csv,
    report.csv without times, and the feedback (its run-time dependent bits taken out)."""
    from nbgrader.api import Gradebook

    state = course / "grading"
    cells = {}
    with Gradebook(f"sqlite:///{state / 'gradebook.db'}") as gradebook:
        for submission in gradebook.assignment_submissions(CLASS_ASSIGNMENT):
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    cells[(submission.student.id, g.name)] = (g.auto_score, g.max_score, g.needs_manual_grade)
    with (state / "grades.csv").open(newline="") as handle:
        grades = sorted(tuple(sorted(row.items())) for row in csv.DictReader(handle))
    with (state / "report.csv").open(newline="") as handle:
        report = sorted(tuple(sorted((k, v) for k, v in row.items() if k != "seconds"))
                        for row in csv.DictReader(handle))
    feedback = {str(p.relative_to(state / "feedback")): normalised(p.read_text())
                for p in sorted((state / "feedback").rglob("*.html"))}
    return {"cells": cells, "grades": grades, "report": report, "feedback": feedback}


def normalised(html: str) -> str:
    """The text a student reads in a feedback file, without what differs between two runs of the same hand-in:
    object addresses (``Generator(PCG64) at 0x7F0F...``), timestamps, and how the kernel happened to split a cell's
    printed lines into output chunks (the HTML's markup; the text is the same)."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?", "TIME", text)
    text = re.sub(r"0x[0-9a-f]{6,}", "ADDRESS", text, flags=re.IGNORECASE)
    return " ".join(text.split())


@pytest.mark.full  # make test-full (CI): a class graded twice, a minute of a worker; make test keeps the executor's
# own rerun of a killed worker's job (above) and the shared grading run
def test_make_grade_on_dask_with_a_worker_killed_grades_as_a_local_run(tmp_path):
    """``grade --scheduler`` on a real scheduler and two workers on loopback, worker 0 SIGKILLed while it grades:
    every hand-in graded, and the gradebook, grades.csv, report.csv and feedback equal a local run's of the class."""
    from autograder.core import copy_course

    local, remote = copy_course(tmp_path / "local"), copy_course(tmp_path / "dask")
    small_class(local)
    done = subprocess.run(grade_command(local, "--register-only"), env=grade_env(local), capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    shutil.copytree(local / "grading", remote / "grading", dirs_exist_ok=True)  # the same class, gradebook, templates
    with LoopbackCluster(tmp_path / "cluster", workers=2, env=CLUSTER_ENV) as cluster:
        victim = cluster.worker_pids()[0]
        # two jobs of one hand-in on two workers: the killed worker's job runs again on the other one
        process = subprocess.Popen(grade_command(remote, "--scheduler", cluster.address, "--jobs", "2"),
                                   env=grade_env(remote), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            held = cluster.kill_when_busy(0, after_s=3.0, timeout_s=300)
        finally:
            out = finish(process)
    assert held, "worker 0 held no grading job when it was killed"
    assert not any(pid == victim for pid in cluster.worker_pids())
    assert "Dask scheduler tcp://127.0.0.1:" in out and "Dashboard: http://127.0.0.1:" in out, out
    out_local = finish(subprocess.Popen(grade_command(local, "--jobs", "1"), env=grade_env(local),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    assert "1 local process" in out_local
    on_dask, at_home = outcome(remote), outcome(local)
    students = {dict(row)["student"] for row in at_home["report"]}
    assert students == {"reference", "mixed", "broken"}, at_home["report"]
    assert {dict(row)["status"] for row in on_dask["report"]} == {"graded", "not graded"}, on_dask["report"]
    assert on_dask == at_home
    assert sorted(at_home["feedback"]) == [f"{s}/{CLASS_ASSIGNMENT}/{CLASS_ASSIGNMENT}.html"
                                           for s in ("mixed", "reference")]
