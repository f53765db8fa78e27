"""Run a solution notebook's own tests in-process against other implementations of its functions.

This is what grading does, without the kernel start and the database: every code cell of the *source* notebook
but the test cells runs in order in one namespace, the "kernel" (``NBGRADER_EXECUTION=autograde`` so long
demonstrations shrink), the student's answer cells replaced by the implementation under test; the test cells run in
a :class:`autograder.grading.judge.Judge` that reaches that namespace through :mod:`autograder.kernel.serve`'s codec,
the same requests and replies as in grading, and earn the points the judge gives. Errors in other cells do not stop the
run,
as in nbgrader (``allow_errors``). Used by ``tests/test_mutants.py``.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import signal
import time
import traceback
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import nbformat

from autograder.core import (
    ROOT,
    assignments,
    graded_assignments,
    is_answer,
    is_test,
    nbgrader_meta,
    solution_ids,
    source_path,
)

__all__ = ["ROOT", "SOLUTIONS", "Outcome", "Prefix", "assignments", "graded_assignments",
           "load_mutants", "nbgrader_meta", "run_tests", "solution_ids", "source_notebook"]

SOLUTIONS = ROOT / "solutions"


def load_mutants(assignment: str):
    """The module ``tests/mutants/<assignment>.py`` (its ``WRONG`` and ``RIGHT``), or None if there is none."""
    import importlib.util

    path = Path(__file__).resolve().parent / "mutants" / f"{assignment}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"mutants_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(source_path(assignment), as_version=4)


@dataclass
class Outcome:
    """Points per test cell and the first line of each failure."""

    points: dict[str, float] = field(default_factory=dict)
    max_points: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    #: test cells whose visible part (the code before ``### BEGIN HIDDEN TESTS``) failed: the whole
    #: message, what a student sees before handing in
    visible_failures: dict[str, str] = field(default_factory=dict)
    #: the test cell at which a run with ``stop_at_visible_failure`` ended (``None``: it ran to the end)
    stopped_at: str | None = None
    #: (:func:`run_tests` only) the source notebook up to its last test cell, as grading leaves it: each code cell
    #: with what it printed and its error, each test cell with the judge's outputs (``CellVerdict.outputs``)
    notebook: nbformat.NotebookNode | None = field(default=None, compare=False)

    @property
    def score(self) -> float:
        return sum(self.points.values())

    @property
    def max_score(self) -> float:
        return sum(self.max_points.values())


@contextlib.contextmanager
def _grading_environment(folder: Path):
    old_cwd, old_env = Path.cwd(), dict(os.environ)
    os.environ.update(NBGRADER_EXECUTION="autograde", MPLBACKEND="Agg")
    os.chdir(folder)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


JUDGE_KEY = "__course_judge__"


class _Generators:
    """The global random generators (Python's, NumPy's, torch's) of the kernel and of the judge, in a process that
    plays both: grading runs them in two processes, so a test that seeds torch in the judge does not seed the kernel,
    and the harness must not let it either. Outside a test cell the process's generators are the kernel's."""

    def __init__(self) -> None:
        self.judge = self.read()  # the judge's, as its setup cells left them
        self.kernel = self.judge

    @staticmethod
    def read() -> tuple:
        import random

        import numpy as np
        import torch

        return random.getstate(), np.random.get_state(), torch.get_rng_state()

    @staticmethod
    def write(state: tuple) -> None:
        import random

        import numpy as np
        import torch

        random.setstate(state[0])
        np.random.set_state(state[1])
        torch.set_rng_state(state[2])

    @contextlib.contextmanager
    def judging(self):  # noqa: ANN201 - a context manager
        """A test cell: the judge's generators while it runs, the kernel's again after it."""
        self.kernel = self.read()
        self.write(self.judge)
        try:
            yield
        finally:
            self.judge = self.read()
            self.write(self.kernel)

    def in_kernel(self, function, *args):  # noqa: ANN001, ANN201
        """``function(*args)`` with the kernel's generators (a call of the judge into the kernel)."""
        judge = self.read()
        self.write(self.kernel)
        try:
            return function(*args)
        finally:
            self.kernel = self.read()
            self.write(judge)


def _judge_for(assignment: str, namespace: dict):
    """The judge of a run: the test cells run in it, against ``namespace`` through the same codec as in grading, each
    side with its own global random generators."""
    from autograder.grading.judge import Judge, prelude
    from autograder.kernel import serve as in_kernel

    judge = namespace.get(JUDGE_KEY)
    if judge is None:
        in_kernel.bind(namespace)
        nb = source_notebook(assignment)
        kernel_state = _Generators.read()
        generators: list[_Generators] = []
        judge = Judge(lambda request: generators[0].in_kernel(in_kernel.serve, request), set(solution_ids(nb)),
                      prelude=prelude(nb), redacting=False)
        generators.append(_Generators())  # the judge's own, seeded by its setup cells above
        _Generators.write(kernel_state)
        judge.generators = generators[0]
        namespace[JUDGE_KEY] = judge
    return judge


def _run_cells(assignment: str, cells: list, first: int, namespace: dict, outcome: Outcome,
               replacements: dict[str, str], stop_at_visible_failure: bool) -> None:
    """Run ``cells[first:]`` of ``assignment``'s source notebook in ``namespace``, recording into ``outcome``: the
    test cells in the judge (:mod:`autograder.grading.judge`), as grading runs them, the other cells in
    ``namespace``."""
    sink = io.StringIO()
    judge = _judge_for(assignment, namespace)
    for index, cell in enumerate(cells[first:], start=first):
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id", f"cell{index}")
        source = replacements.get(grade_id, cell.source)
        cell.source, cell.outputs = source, []
        if is_test(cell):
            with judge.generators.judging():
                verdict = judge.run_cell(source, grade_id, float(meta.get("points", 0)))
            cell.outputs = verdict.outputs()
            outcome.max_points[grade_id] = verdict.max_points
            outcome.points[grade_id] = verdict.points
            if verdict.failed:
                outcome.failures[grade_id] = verdict.message.splitlines()[0][:300]
                if not verdict.hidden:
                    outcome.visible_failures[grade_id] = verdict.message[:1000]
            if stop_at_visible_failure and grade_id in outcome.visible_failures:
                outcome.stopped_at = grade_id
                return
            continue
        error = None
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                exec(compile(source, f"<{assignment}:{grade_id}>", "exec"), namespace)  # noqa: S102
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - a student's cell may raise anything, SystemExit too
            error = nbformat.v4.new_output("error", ename=type(exc).__name__, evalue=str(exc),
                                           traceback=traceback.format_exception_only(type(exc), exc))
        if sink.getvalue():
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=sink.getvalue()))
        if error is not None:
            cell.outputs.append(error)
        sink.seek(0)
        sink.truncate()


def _cells_to_run(assignment: str, replacements: dict[str, str]) -> nbformat.NotebookNode:
    """``assignment``'s source notebook up to its last test cell (the cells after it earn no points and cannot
    change any: they need not run)."""
    nb = source_notebook(assignment)
    unknown = set(replacements) - set(solution_ids(nb))
    if unknown:
        raise KeyError(f"{assignment} has no answer cells {sorted(unknown)}")
    last_test = max(i for i, c in enumerate(nb.cells) if is_test(c))
    nb.cells = nb.cells[: last_test + 1]
    return nb


def run_tests(assignment: str, replacements: dict[str, str] | None = None, *,
              stop_at_visible_failure: bool = False) -> Outcome:
    """Run ``assignment``'s source notebook with answer cells replaced; return the test outcome.

    ``replacements`` maps an answer cell's grade_id to the code that stands in its place. With
    ``stop_at_visible_failure`` the run ends at the first test cell whose visible part fails (``stopped_at``
    names it): what a WRONG answer must do is then settled (points lost, a visible check caught it), and the
    cells after it, often the notebook's most expensive ones, need not run.
    """
    import matplotlib
    import torch

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    threads = torch.get_num_threads()  # a notebook may change it; the next run must start alike
    replacements = dict(replacements or {})
    nb = _cells_to_run(assignment, replacements)
    outcome = Outcome(notebook=nb)
    with _grading_environment(SOLUTIONS / assignment):
        _run_cells(assignment, nb.cells, 0, {"__name__": "__main__"}, outcome, replacements, stop_at_visible_failure)
        plt.close("all")
        torch.set_num_threads(threads)
    return outcome


# --- the same, from a process that already ran the cells before the answer --------------------------------


class Prefix:
    """A process (forked from this one) that ran ``assignment``'s source notebook up to, not including, the answer
    cell ``cell_id``, as :func:`run_tests` does, and then waits. :meth:`run` forks it again for each replacement
    of that cell, and the copy runs the notebook from that cell on: the same cells on the same state as
    :func:`run_tests` (a fork copies the whole process), without running the cells before it again.
    :meth:`advance` moves it on to a later answer cell: it runs the (reference) cells in between, which is what a
    new Prefix of that cell would have run after the same cells. Linux (fork). :meth:`close` ends it (by its pid)."""

    def __init__(self, assignment: str, cell_id: str) -> None:
        self.assignment = assignment
        self._cells = _cells_to_run(assignment, {cell_id: ""}).cells  # a KeyError for a cell_id that is no answer
        self._answers = {nbgrader_meta(c)["grade_id"]: i for i, c in enumerate(self._cells) if is_answer(c)}
        self.cell_id, self._first = cell_id, self._position(cell_id)
        # pickled messages over two one-way pipes, kept across the fork (multiprocessing's framing)
        requests_r, self._requests = multiprocessing.Pipe(duplex=False)
        self._replies, replies_w = multiprocessing.Pipe(duplex=False)
        self.pid = os.fork()
        if self.pid == 0:  # the prefix process: it never returns to pytest
            code = 1
            try:
                self._requests.close()
                self._replies.close()
                self._serve(requests_r, replies_w)
                code = 0
            finally:
                os._exit(code)
        requests_r.close()
        replies_w.close()

    def _position(self, cell_id: str) -> int:
        if cell_id not in self._answers:  # the same KeyError as run_tests
            raise KeyError(f"{self.assignment} has no answer cells {[cell_id]}")
        return self._answers[cell_id]

    def _serve(self, requests: Connection, replies: Connection) -> None:
        import matplotlib

        matplotlib.use("Agg")
        outcome = Outcome()
        namespace: dict = {"__name__": "__main__"}
        with _grading_environment(SOLUTIONS / self.assignment):
            _run_cells(self.assignment, self._cells[: self._first], 0, namespace, outcome, {}, False)
            while (request := requests.recv()) is not None:
                if request[0] == "advance":  # run the cells up to the later answer cell, here, and wait there
                    cell_id = request[1]
                    first = self._position(cell_id)
                    _run_cells(self.assignment, self._cells[:first], self._first, namespace, outcome, {}, False)
                    self.cell_id, self._first = cell_id, first
                    replies.send(first)
                    continue
                _, source, stop = request
                child = os.fork()
                if child == 0:  # runs one replacement from the answer cell on, sends its outcome, exits
                    code = 1
                    try:
                        _run_cells(self.assignment, self._cells, self._first, namespace, outcome,
                                   {self.cell_id: source}, stop)
                        replies.send(outcome)
                        code = 0
                    finally:
                        os._exit(code)
                _, status = os.waitpid(child, 0)
                if status != 0:
                    replies.send(RuntimeError(f"the run of {self.cell_id} ended with status {status}"))

    def run(self, source: str, *, stop_at_visible_failure: bool = False) -> Outcome:
        """The outcome of the notebook with the answer cell replaced by ``source`` (see :func:`run_tests`)."""
        self._requests.send(("run", source, stop_at_visible_failure))
        reply = self._replies.recv()
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def can_advance(self, cell_id: str) -> bool:
        """Whether ``cell_id`` is this answer cell or one after it (a Prefix runs forward only)."""
        return self._position(cell_id) >= self._first

    def advance(self, cell_id: str) -> None:
        """Stand before the answer cell ``cell_id`` from now on: this one or a later one (:meth:`can_advance`)."""
        first = self._position(cell_id)
        if first < self._first:
            raise ValueError(f"{cell_id} comes before {self.cell_id}: a Prefix runs forward only")
        if first > self._first:
            self._requests.send(("advance", cell_id))
            reply = self._replies.recv()
            assert reply == first, reply
        self.cell_id, self._first = cell_id, first

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._requests.send(None)
        self._requests.close()
        self._replies.close()
        for _ in range(100):  # 10 s, then killed by its pid
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                return
            time.sleep(0.1)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
