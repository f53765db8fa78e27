"""Run a solution notebook's own tests in-process against other implementations of its functions.

This is what nbgrader's autograde does, without the kernel start and the database: every code cell
of the *source* notebook runs in order in one namespace (``NBGRADER_EXECUTION=autograde`` so long
demonstrations shrink), the student's answer cells replaced by the implementation under test; a test
cell earns its points when it raises nothing. Errors in other cells do not stop the run, as in
nbgrader (``allow_errors``). Used by ``tests/test_mutants.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.core import (
    ROOT,
    assignments,
    grade_test_ids,
    graded_assignments,
    is_test,
    nbgrader_meta,
    solution_ids,
    source_path,
)

__all__ = ["ROOT", "SOLUTIONS", "Outcome", "assignments", "grade_test_ids", "graded_assignments", "load_mutants",
           "nbgrader_meta", "run_tests", "solution_ids", "source_notebook"]

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


HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"


def _test_parts(source: str) -> list[tuple[str, bool]]:
    """A test cell's code as (visible part, True), (the rest, False); the whole cell once if it cannot be split."""
    head, marker, tail = source.partition(HIDDEN_BEGIN)
    if not marker:
        return [(source, True)]
    try:
        compile(head, "<visible>", "exec")
        compile(marker + tail, "<hidden>", "exec")
    except SyntaxError:  # the marker sits inside a block: no visible part of its own
        return [(source, False)]
    # keep the line numbers of the hidden part as in the whole cell
    return [(head, True), ("\n" * head.count("\n") + marker + tail, False)]


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

    nb = source_notebook(assignment)
    replacements = dict(replacements or {})
    unknown = set(replacements) - set(solution_ids(nb))
    if unknown:
        raise KeyError(f"{assignment} has no answer cells {sorted(unknown)}")
    # The cells after the last test cell earn no points and cannot change any: they need not run.
    last_test = max(i for i, c in enumerate(nb.cells) if is_test(c))
    outcome = Outcome()
    namespace: dict = {"__name__": "__main__"}
    sink = io.StringIO()
    with _grading_environment(SOLUTIONS / assignment):
        for index, cell in enumerate(nb.cells[: last_test + 1]):
            if cell.cell_type != "code":
                continue
            meta = nbgrader_meta(cell)
            grade_id = meta.get("grade_id", f"cell{index}")
            source = replacements.get(grade_id, cell.source)
            test_cell = is_test(cell)
            error = None
            # A test cell runs as its visible part, then the rest: the same statements in the same order
            # as nbgrader runs them, so that a failure is known to be visible (or hidden).
            for part, visible in _test_parts(source) if test_cell else [(source, False)]:
                try:
                    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                        exec(compile(part, f"<{assignment}:{grade_id}>", "exec"), namespace)  # noqa: S102
                except KeyboardInterrupt:
                    raise
                except BaseException as exc:  # noqa: BLE001 - a student's cell may raise anything, SystemExit too
                    error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                    if visible:
                        outcome.visible_failures[grade_id] = f"{type(exc).__name__}: {exc}"[:1000]
                    break
            sink.seek(0)
            sink.truncate()
            if test_cell:
                outcome.max_points[grade_id] = float(meta.get("points", 0))
                outcome.points[grade_id] = 0.0 if error else float(meta.get("points", 0))
                if error:
                    outcome.failures[grade_id] = error
                if stop_at_visible_failure and grade_id in outcome.visible_failures:
                    outcome.stopped_at = grade_id
                    break
        plt.close("all")
        torch.set_num_threads(threads)
    return outcome
