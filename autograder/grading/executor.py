"""Where grading jobs run: local processes (the default), or the workers of a Dask cluster.

Both are :class:`concurrent.futures.Executor`\\ s, so ``make grade`` has one code path: it submits one job per
hand-in (a picklable function and its data), takes the results as they come with :func:`run_jobs` and merges
them on the instructor's side. ``make_executor(None, jobs)`` is a pool of ``jobs`` local processes;
``make_executor("tcp://host:8786", ...)`` connects to a running ``dask scheduler`` (``distributed.Client``);
``describe()`` says where the jobs go (for Dask: the workers and the dashboard's address).

Faults, as the cluster handles them: a worker that dies (killed, its machine lost) takes no result with it:
the scheduler runs its jobs again on other workers, and a job that has taken down more workers than
``distributed.scheduler.allowed-failures`` (3) is given up as ``KilledWorker``. A job that fails for its own
reasons (it raises) is not retried: :func:`run_jobs` reports it as a :class:`JobFailure`. Each job's result
arrives once, whatever happened on the way.

:class:`LoopbackCluster` starts a real cluster on this machine (``dask scheduler`` and ``dask worker``
processes on 127.0.0.1, ended by their pids) for the tests and ``make bench``; ``python -m autograder.grading.executor
--workers N`` starts one by hand and prints its address.

The scheduler and every worker run in the course's environment (its ``.venv``, or the same packages and the
course installed with ``pip install -e .``): the scheduler unpickles the jobs, so it must be able to import
:mod:`autograder` too.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

ENVIRONMENT_HINT = (
    "the scheduler and the workers must run in the course's environment (its .venv, with the course "
    "installed by `pip install -e .`), at the same commit as this checkout"
)


@dataclass(frozen=True)
class JobFailure:
    """A job that gave no result, and why in one line.

    Args:
        kind: ``raised`` (the job's own error), ``worker lost`` (it killed every worker it ran on, or a local
            grading process died) or ``environment`` (a worker could not unpickle it).
        message: why, in one line (at most 300 characters of the error's first line, and a hint).
    """

    kind: str  # "raised" (the job's own error) | "worker lost" (it killed every worker it ran on) | "environment"
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class DaskExecutor(cf.Executor):
    """A Dask cluster as a ``concurrent.futures`` executor: ``distributed.Client.get_executor``, and the client closed
    with it.

    Jobs are impure (``pure=False``: a hand-in graded twice is two jobs) and never retried for their own errors
    (``retries=0``); the scheduler still reruns the jobs of a worker that died. :func:`run_jobs` drops each job's
    future once its result has arrived, which releases the result on the cluster: a worker that dies later takes
    nothing with it that Dask would compute again.

    Args:
        address: the scheduler's address (``tcp://host:8786``).
        timeout_s: how long to wait for the scheduler's answer.
    """

    def __init__(self, address: str, timeout_s: float = 30.0) -> None:
        from distributed import Client

        self.client = Client(address, timeout=timeout_s, set_as_default=False)
        self.address = address
        self._executor = self.client.get_executor(pure=False, retries=0)

    def _info(self) -> dict:
        return self.client.scheduler_info(n_workers=-1)

    def describe(self) -> str:
        """Where the jobs go.

        Returns:
            The scheduler, its workers and threads, and its dashboard's address, in one line.
        """
        workers = self._info()["workers"].values()
        threads = sum(w.get("nthreads", 0) for w in workers)
        note = "" if workers else "; no worker yet: the jobs wait for one"
        return (f"Dask scheduler {self.address}: {len(workers)} workers, {threads} threads{note}. "
                f"Dashboard: {self.client.dashboard_link}")

    def slots(self) -> int:
        """Jobs the cluster runs at once now.

        Returns:
            Its workers' threads (at least 1).
        """
        return max(1, sum(w.get("nthreads", 0) for w in self._info()["workers"].values()))

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> cf.Future:
        """Run ``fn(*args, **kwargs)`` on a worker.

        Args:
            fn: a function the workers can import (it is pickled by reference).
            *args: its arguments (pickled).
            **kwargs: its keyword arguments (pickled).

        Returns:
            A ``concurrent.futures.Future`` of its result.
        """
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Wait for the jobs still running (or cancel them), then close the client.

        Args:
            wait: wait for the jobs submitted and not yet finished.
            cancel_futures: cancel them instead.
        """
        try:
            self._executor.shutdown(wait=wait and not cancel_futures)
        finally:
            self.client.close()


class LocalExecutor(cf.ProcessPoolExecutor):
    """``jobs`` local processes (``forkserver``: a child starts from a clean interpreter, not a fork of this one).

    Args:
        jobs: how many processes (at least 1 is used).
    """

    def __init__(self, jobs: int) -> None:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        super().__init__(max_workers=max(1, jobs), mp_context=multiprocessing.get_context(method))
        self.jobs = max(1, jobs)

    def describe(self) -> str:
        """Where the jobs go.

        Returns:
            ``"N local processes"`` (``"1 local process"``).
        """
        return f"{self.jobs} local process{'es' if self.jobs > 1 else ''}"

    def slots(self) -> int:
        """Jobs it runs at once.

        Returns:
            Its processes (at least 1).
        """
        return self.jobs


def make_executor(scheduler: str | None = None, jobs: int = 1, timeout_s: float = 30.0) -> LocalExecutor | DaskExecutor:
    """An executor for grading jobs: ``jobs`` local processes, or the Dask cluster at ``scheduler``.

    ``scheduler`` is a Dask scheduler's address (``tcp://host:8786``); empty or None grades locally, and
    ``timeout_s`` bounds the wait for the scheduler's answer. Use it as a context manager
    (``with make_executor(...) as pool``); its ``describe()`` says where the jobs run.

    Args:
        scheduler: the Dask scheduler's address; empty or None: local processes.
        jobs: how many local processes (unused with a scheduler).
        timeout_s: how long to wait for the scheduler's answer (s).

    Returns:
        A :class:`LocalExecutor`, or a :class:`DaskExecutor` connected to the scheduler.

    Raises:
        SystemExit: Dask's ``distributed`` is not installed, or the scheduler cannot be reached.
    """
    if not scheduler:
        return LocalExecutor(jobs)
    try:
        return DaskExecutor(scheduler, timeout_s=timeout_s)
    except ImportError as error:
        raise SystemExit(f"--scheduler {scheduler} needs Dask's `distributed` package: pip install -e '.[cluster]'"
                         f" ({error})") from error
    except OSError as error:
        raise SystemExit(f"cannot reach the Dask scheduler at {scheduler}: {error}") from error


def _failure(error: BaseException) -> JobFailure:
    name = type(error).__name__
    text = str(error).strip().splitlines()[0][:300] if str(error).strip() else name
    if name == "KilledWorker":
        return JobFailure("worker lost", f"every worker that ran it died ({text})")
    if name == "BrokenProcessPool":
        return JobFailure("worker lost", f"a local grading process died ({text})")
    if isinstance(error, RuntimeError) and "deserializ" in text.lower():
        return JobFailure("environment", f"{text} ({ENVIRONMENT_HINT})")
    return JobFailure("raised", f"{name}: {text}")


def run_jobs(
    executor: cf.Executor,
    fn: Callable[[Any], Any],
    payloads: Mapping[Hashable, Any],
    *,
    desc: str = "grading",
    progress: bool = True,
) -> Iterator[tuple[Hashable, Any]]:
    """Submit ``fn(payload)`` for each key; yield ``(key, result)`` as jobs finish, each key exactly once.

    A job that raised yields ``(key, JobFailure)`` instead of its result; it is not submitted again. A tqdm
    bar (on stderr) shows the progress unless ``progress`` is False.

    Args:
        executor: where the jobs run (:func:`make_executor`).
        fn: the job's function, of one payload (picklable, importable by the workers:
            :func:`autograder.grading.jobs.grade_job`).
        payloads: each job's payload by its key (any hashable; ``make grade`` uses the job's index).
        desc: the progress bar's label.
        progress: show the progress bar.

    Returns:
        An iterator of ``(key, result or JobFailure)``, in the order the jobs finish; all are submitted when
        iteration starts.
    """
    futures = {executor.submit(fn, payload): key for key, payload in payloads.items()}
    with tqdm(total=len(futures), desc=desc, unit="job", disable=not progress, file=sys.stderr) as bar:
        for future in cf.as_completed(futures):
            key = futures.pop(future)  # the last reference here: a Dask result is released once it has arrived
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - a job's own error is data to report, not a crash
                outcome = _failure(error)
            bar.update()
            yield key, outcome


class LoopbackCluster:
    """``with LoopbackCluster(tmp, workers=2, env=...) as cluster``: ``cluster.address``, ``cluster.kill_worker(i)``.

    Entering starts the scheduler and the workers (one thread each) and waits for them; leaving ends them.

    Args:
        folder: the processes' working folder: logs (``scheduler.log``, ``workerN.log``), the scheduler file and
            the workers' scratch folders (made if missing).
        workers: how many worker processes.
        env: more environment variables for the processes.
        start_timeout_s: how long the cluster may take to start (s); past it, entering raises TimeoutError.
    """

    def __init__(self, folder: Path, workers: int = 2, env: dict[str, str] | None = None,
                 start_timeout_s: float = 90.0) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, **(env or {}))
        self.n_workers = workers
        self.start_timeout_s = start_timeout_s
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.address = ""
        self.logs: list = []
        self.client = None

    def _start(self, args: list[str], name: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        self.logs.append(log)
        return subprocess.Popen([sys.executable, "-m", *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                cwd=self.folder, start_new_session=True)

    def __enter__(self) -> LoopbackCluster:
        scheduler_file = self.folder / "scheduler.json"
        scheduler_file.unlink(missing_ok=True)
        try:
            self.scheduler = self._start(
                ["dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                 "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)], "scheduler")
            deadline = time.monotonic() + self.start_timeout_s
            while not scheduler_file.is_file():
                self._check_alive(deadline)
            self.address = json.loads(scheduler_file.read_text())["address"]
            for i in range(self.n_workers):
                self.workers.append(self._start(
                    ["dask", "worker", self.address, "--name", f"worker{i}", "--nthreads", "1",
                     "--nworkers", "1", "--no-nanny", "--host", "127.0.0.1", "--memory-limit", "0",
                     "--death-timeout", "60", "--local-directory", str(self.folder / f"worker{i}")], f"worker{i}"))
            self.wait_for_workers(self.n_workers, deadline)
        except BaseException:
            self.close()
            raise
        return self

    def _check_alive(self, deadline: float) -> None:
        for process in [self.scheduler, *self.workers]:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"a Dask process exited with {process.returncode}: {self.log_tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the Dask cluster did not start in {self.start_timeout_s:.0f} s: {self.log_tail()}")
        time.sleep(0.2)

    def wait_for_workers(self, n: int, deadline: float) -> None:
        """Until the scheduler reports ``n`` workers (bounded by ``deadline``, a ``time.monotonic()``).

        Args:
            n: how many workers to wait for.
            deadline: when to give up, as a ``time.monotonic()`` value.

        Raises:
            TimeoutError: past ``deadline``.
            RuntimeError: a process of the cluster exited.
        """
        while len(self._client().scheduler_info(n_workers=-1)["workers"]) < n:
            self._check_alive(deadline)

    def busy(self) -> dict[int, list[str]]:
        """The jobs each worker (by index) has been given and not finished: ``{index: [key, ...]}``.

        Returns:
            The jobs' keys by worker index; a worker with none is left out.
        """
        client = self._client()
        names = {address: w["name"] for address, w in client.scheduler_info(n_workers=-1)["workers"].items()}
        return {int(str(names[a]).removeprefix("worker")): [str(k) for k in keys]
                for a, keys in client.processing().items() if keys and a in names}

    def kill_when_busy(self, index: int, after_s: float = 1.0, timeout_s: float = 120.0) -> list[str]:
        """Wait until worker ``index`` is running a job, let it run ``after_s`` more, SIGKILL the worker; return
        the jobs it held. Raises TimeoutError if it got none within ``timeout_s``.

        Args:
            index: the worker's index (``worker<index>``).
            after_s: how long to let it run once it holds a job (s).
            timeout_s: how long to wait for it to get one (s).

        Returns:
            The keys of the jobs it held just before it was killed.

        Raises:
            TimeoutError: it got no job within ``timeout_s``.
            RuntimeError: a process of the cluster exited meanwhile.
        """
        deadline = time.monotonic() + timeout_s
        while not self.busy().get(index):
            self._check_alive(deadline)
        time.sleep(after_s)
        held = self.busy().get(index, [])
        self.kill_worker(index)
        return held

    def _client(self):  # noqa: ANN202 - distributed.Client, imported lazily
        if self.client is None:
            from distributed import Client

            self.client = Client(self.address, timeout=30, set_as_default=False)
        return self.client

    def worker_pids(self) -> list[int]:
        """The process ids of the workers still running.

        Returns:
            Their pids, in worker order.
        """
        return [w.pid for w in self.workers if w.poll() is None]

    def kill_worker(self, index: int) -> int:
        """SIGKILL worker ``index`` (no goodbye to the scheduler, as a machine lost); return its pid.

        Args:
            index: the worker's index (``worker<index>``).

        Returns:
            The worker's pid (its process group, which is killed with it).
        """
        worker = self.workers[index]
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and what it started (its own session)
        worker.wait(timeout=30)
        return worker.pid

    def log_tail(self, chars: int = 3000) -> str:
        """The end of each process's log, for an error message.

        Args:
            chars: how many characters of each log.

        Returns:
            Each log's name and its last ``chars`` characters, by log name.
        """
        texts = []
        for path in sorted(self.folder.glob("*.log")):
            texts.append(f"--- {path.name}\n{path.read_text(errors='replace')[-chars:]}")
        return "\n".join(texts)

    def close(self) -> None:
        """End every process of the cluster by its pid (its process group), workers first."""
        if self.client is not None:
            self.client.close()
            self.client = None
        for process in [*self.workers, self.scheduler]:
            if process is None or process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)
            except ProcessLookupError:
                pass
        for log in self.logs:
            log.close()

    def __exit__(self, *exc: object) -> None:
        self.close()


def main(argv: list[str] | None = None) -> int:
    """Start a loopback Dask cluster and keep it until Ctrl-C: ``python -m autograder.grading.executor --workers 4``.

    Args:
        argv: the command line (default: ``sys.argv``): ``--workers N``, ``--folder PATH``.

    Returns:
        The exit status, once Ctrl-C ended the cluster.
    """
    parser = argparse.ArgumentParser(description=(main.__doc__ or "").split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes, one job each")
    parser.add_argument("--folder", type=Path, default=Path("build/dask"), help="logs and the scheduler file")
    args = parser.parse_args(argv)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, also when started in the background (where SIGINT is ignored), and SIGTERM end the cluster cleanly
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, stop)
    with LoopbackCluster(args.folder, workers=args.workers) as cluster:
        print(f"Dask scheduler at {cluster.address} with {args.workers} workers (logs in {args.folder}).\n"
              f"Grade with: make grade SCHEDULER={cluster.address}    (Ctrl-C stops the cluster)", flush=True)
        try:
            while all(p.poll() is None for p in [cluster.scheduler, *cluster.workers] if p is not None):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
