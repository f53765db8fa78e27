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

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"


def assignments() -> list[str]:
    """Assignment names: folders of ``solutions/`` holding a notebook of the same name."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").is_file())


def graded_assignments() -> list[str]:
    """Assignments with at least one autograded answer cell (``00_overview`` has none)."""
    return [a for a in assignments() if solution_ids(source_notebook(a))]


def load_mutants(assignment: str):
    """The module ``tests/mutants/<assignment>.py`` (its ``WRONG`` and ``RIGHT``), or None if there is none."""
    import importlib.util

    path = ROOT / "tests" / "mutants" / f"{assignment}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"mutants_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def solution_ids(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the autograded answer cells (code solution cells)."""
    return [
        nbgrader_meta(c)["grade_id"]
        for c in nb.cells
        if c.cell_type == "code" and nbgrader_meta(c).get("solution")
    ]


def grade_test_ids(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the autograded test cells."""
    return [
        nbgrader_meta(c)["grade_id"]
        for c in nb.cells
        if c.cell_type == "code" and nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")
    ]


@dataclass
class Outcome:
    """Points per test cell and the first line of each failure."""

    points: dict[str, float] = field(default_factory=dict)
    max_points: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

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


def run_tests(assignment: str, replacements: dict[str, str] | None = None) -> Outcome:
    """Run ``assignment``'s source notebook with answer cells replaced; return the test outcome.

    ``replacements`` maps an answer cell's grade_id to the code that stands in its place.
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
    outcome = Outcome()
    namespace: dict = {"__name__": "__main__"}
    sink = io.StringIO()
    with _grading_environment(SOLUTIONS / assignment):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            meta = nbgrader_meta(cell)
            grade_id = meta.get("grade_id", f"cell{index}")
            source = replacements.get(grade_id, cell.source)
            error = None
            try:
                with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                    exec(compile(source, f"<{assignment}:{grade_id}>", "exec"), namespace)  # noqa: S102
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a student's cell may raise anything, SystemExit too
                error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
                outcome.max_points[grade_id] = float(meta.get("points", 0))
                outcome.points[grade_id] = 0.0 if error else float(meta.get("points", 0))
                if error:
                    outcome.failures[grade_id] = error
        plt.close("all")
        torch.set_num_threads(threads)
    return outcome
