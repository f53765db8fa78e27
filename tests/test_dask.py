"""Grading jobs on Dask (issue 17): the executor interface, a real cluster on loopback, a worker killed mid-job.

The cluster is real: a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, on free ports, started
by the test and ended by their pids (:class:`autograder.executor.LoopbackCluster`); every wait is bounded.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.executor import JobFailure, LoopbackCluster, make_executor, run_jobs

pytest.importorskip("distributed")

from dask_jobs import sleepy_job  # noqa: E402 - the stand-in job, importable by the workers from tests/

TESTS = Path(__file__).resolve().parent
KEYS = ["a", "b", "c", "broken", "d", "e"]
CLUSTER_ENV = {"PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH", "")])),
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
pytestmark = pytest.mark.xdist_group(name="dask")


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
