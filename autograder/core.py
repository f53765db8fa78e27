"""What the instructor's tools share: where the course and its grading state are, its assignments and
configuration, nbgrader's cell predicates, and running nbgrader.

``COURSE_ROOT`` points the tools at another copy of the course (the tests grade in a scratch copy);
``COURSE_STATE`` puts the grading state (hand-ins, nbgrader's step folders, the gradebook, grades and report)
somewhere else than ``grading/`` under the root.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbgrader.api as _nbgrader_api
from nbformat import NotebookNode
from nbgrader.utils import is_grade, is_locked, is_solution, is_task

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

# nbgrader runs `alembic` from PATH, also in-process (the gradebook API): put this Python's scripts first.
SCRIPTS = str(Path(sys.executable).parent)
if SCRIPTS not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([SCRIPTS, os.environ.get("PATH", "")])


@functools.cache
def alembic_head() -> str:
    """The revision nbgrader stamps a new gradebook with, read in-process from nbgrader's migration scripts.

    nbgrader's own ``nbgrader.api.get_alembic_version`` runs ``alembic heads`` as a subprocess each time a gradebook
    is created (2 s on a quiet machine, 10 s on a busy one; every grading job's template and every scratch course
    creates one). The answer is the same (``tests/test_core.py`` compares them), so this replaces it below,
    in every process that imports this module: ours, and nbgrader's, through ``nbgrader_config.py``.
    """
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    if not head:
        raise RuntimeError(f"no alembic head revision in {ALEMBIC_DIR}")
    return head


_nbgrader_api.get_alembic_version = alembic_head

PACKAGE = Path(__file__).resolve().parent
"""This package's folder: it holds ``nbgrader_config.py``, so nbgrader runs here."""

ROOT = Path(os.environ.get("COURSE_ROOT", PACKAGE.parent)).resolve()
"""The course's root folder (``COURSE_ROOT`` overrides it, e.g. for a scratch copy in the tests)."""

STATE = Path(os.environ.get("COURSE_STATE", ROOT / "grading")).resolve()
"""The grading state, apart from the code (``COURSE_STATE`` overrides it; git-ignored under the root)."""

SUBMITTED = STATE / "submitted"
"""Hand-ins as they came, ``<student>/<assignment>/<notebook>.ipynb``; never changed."""
DOWNLOADED = STATE / "downloaded"
"""An LMS download, unpacked by ``make collect``."""
STAGED = STATE / "staged"
"""Repaired copies of the hand-ins: what nbgrader grades."""
AUTOGRADED = STATE / "autograded"
FEEDBACK = STATE / "feedback"
REGISTERED = STATE / "registered"
"""The release each assignment was registered in the gradebook with, and its source's sha256."""
GRADEBOOK = STATE / "gradebook.db"
GRADES_CSV = STATE / "grades.csv"
REPORT_CSV = STATE / "report.csv"

HAND_IN_NAME = r"(?P<student_id>[^_/\\]+)_(?P<file_id>[^/\\]+)"
"""A file of an LMS download: ``<student>_<anything>`` (what ``make collect`` and nbgrader's collector read)."""
HAND_IN_PATTERN = re.compile(f"^{HAND_IN_NAME}$")


def assignments(root: Path | None = None) -> list[str]:
    """The assignments: folders of ``solutions/`` that hold a notebook of the same name."""
    solutions = (root or ROOT) / "solutions"
    return sorted(p.name for p in solutions.iterdir() if (p / f"{p.name}.ipynb").is_file())


def graded_assignments(root: Path | None = None) -> list[str]:
    """Assignments with at least one autograded answer cell (``00_overview`` has none)."""
    import nbformat

    return [a for a in assignments(root) if solution_ids(nbformat.read(source_path(a, root), as_version=4))]


def source_path(assignment: str, root: Path | None = None) -> Path:
    """The instructor's (nbgrader source) notebook of ``assignment``."""
    return (root or ROOT) / "solutions" / assignment / f"{assignment}.ipynb"


def release_path(assignment: str, root: Path | None = None) -> Path:
    """The student notebook of ``assignment`` (made by ``make release``)."""
    return (root or ROOT) / "notebooks" / assignment / f"{assignment}.ipynb"


@functools.cache
def _pyproject(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def pyproject(root: Path | None = None) -> dict[str, Any]:
    """``pyproject.toml`` of the course, parsed (read once)."""
    return _pyproject((root or ROOT) / "pyproject.toml")


def course_config(root: Path | None = None) -> dict[str, Any]:
    """``[tool.course]`` of ``pyproject.toml``: the course's address and release."""
    return dict(pyproject(root).get("tool", {}).get("course", {}))


# --- nbgrader's cells ------------------------------------------------------------------------------------


def nbgrader_meta(cell: NotebookNode) -> dict:
    """The cell's ``nbgrader`` metadata (empty when there is none, or when it is not a mapping)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    return dict(meta) if isinstance(meta, dict) else {}


def is_nbgrader_cell(cell: NotebookNode) -> bool:
    """A cell nbgrader tracks: an answer, a test, a locked or a task cell."""
    return bool(is_grade(cell) or is_solution(cell) or is_locked(cell) or is_task(cell))


def is_answer(cell: NotebookNode) -> bool:
    """An autograded answer cell: a code cell the student writes."""
    return cell.cell_type == "code" and bool(is_solution(cell))


def is_test(cell: NotebookNode) -> bool:
    """An autograded test cell: a graded code cell that is not an answer."""
    return cell.cell_type == "code" and bool(is_grade(cell)) and not is_solution(cell)


def solution_ids(nb: NotebookNode) -> list[str]:
    """grade_ids of the autograded answer cells (code solution cells)."""
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if is_answer(c)]


def grade_test_ids(nb: NotebookNode) -> list[str]:
    """grade_ids of the autograded test cells."""
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if is_test(c)]


# --- running nbgrader ------------------------------------------------------------------------------------


def relative_to_root(path: Path) -> str:
    """``path`` as nbgrader's CourseDirectory wants it: relative to the root (it joins the two)."""
    return os.path.relpath(path, ROOT)


def db_url() -> str:
    """The gradebook's SQLAlchemy address; ``nbgrader_config.py`` uses it.

    A long SQLite timeout lets several autograde processes share the gradebook (their writes are short).
    """
    return f"sqlite:///{GRADEBOOK}?timeout=120"


def nbgrader(
    *args: str, timeout: float | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` with the course's configuration (``autograder/nbgrader_config.py``)."""
    STATE.mkdir(parents=True, exist_ok=True)
    full_env = dict(os.environ, COURSE_ROOT=str(ROOT), COURSE_STATE=str(STATE), PYTHONWARNINGS="ignore",
                    **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=PACKAGE,  # nbgrader reads nbgrader_config.py from its working directory
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def nbgrader_api(root: Path | None = None, *, release: Path | str | None = None, db: str | None = None,
                 config: dict[str, dict[str, Any]] | None = None) -> Any:
    """nbgrader's Python API (``nbgrader.apps.NbGraderAPI``) in this process, with the course's configuration
    (``nbgrader_config.py``), for steps that run only the instructor's notebooks (no hand-in's code runs here).

    ``root`` is another course's root (default the course's), ``release`` where ``generate_assignment`` writes
    (default ``notebooks/``), ``db`` the gradebook's address (default the course's) and ``config`` more settings
    (``{"InsertGuard": {"cell_limit": 20}}``). One process instead of ``nbgrader`` once per step: each start imports
    nbgrader (about 2.5 s).
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    settings = PyFileConfigLoader("nbgrader_config.py", path=str(PACKAGE)).load_config()
    overrides: dict[str, Any] = {"root": str(root or ROOT)}
    if release is not None:
        overrides["release_directory"] = str(release)
    if db is not None:
        overrides["db_url"] = db
    settings.merge(Config({"CourseDirectory": overrides, **(config or {})}))
    return NbGraderAPI(coursedir=CourseDirectory(config=settings), config=settings)


def generate_assignment(names: list[str], to: Path | str | None = None) -> None:
    """``nbgrader generate_assignment`` of each of ``names`` into ``notebooks/`` (or ``to``), then mark each
    student notebook as generated (its metadata ``course.generated`` says from where and how)."""
    import warnings

    import nbformat

    STATE.mkdir(parents=True, exist_ok=True)
    api = nbgrader_api(release=to)
    for name in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as PYTHONWARNINGS=ignore did for the nbgrader command
            result = api.generate_assignment(name, force=True)
        if not result.get("success"):
            raise SystemExit(f"nbgrader generate_assignment {name} failed:\n{result.get('log', '')}\n"
                             f"{result.get('error', '')}")
        target = (Path(to) if to else ROOT / "notebooks") / name / f"{name}.ipynb"
        nb = nbformat.read(target, as_version=4)
        nb.metadata["course"] = {
            "generated": f"from solutions/{name}/{name}.ipynb by `make release`: edit there, not here",
        }
        nbformat.write(nb, target)


def copy_course(target: Path) -> Path:
    """A copy of what grading reads (``solutions/``, ``notebooks/``, ``pyproject.toml``, README.md, the root's
    ``nbgrader_config.py``) in ``target``.

    Point the tools at it with ``COURSE_ROOT=target``; its grading state goes to ``target/grading``.
    """
    shutil.copytree(ROOT / "solutions", target / "solutions")
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    for name in ("pyproject.toml", "README.md", "nbgrader_config.py"):  # the last: the formgrader finds the config
        shutil.copy2(ROOT / name, target / name)
    return target
