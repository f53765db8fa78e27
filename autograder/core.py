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
import zipfile
from collections.abc import Callable, Iterable
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

    Returns:
        The head revision's id (read once per process).

    Raises:
        RuntimeError: nbgrader's migration scripts have no head revision.
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

ANSWER_MARKERS = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")
"""nbgrader's solution and hidden-test markers: none may reach a student (``make student-dist`` refuses to)."""

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""The date of every entry :func:`write_zip` writes, so that the same files make the same zip."""


def assignments(root: Path | None = None) -> list[str]:
    """The assignments: folders of ``solutions/`` that hold a notebook of the same name.

    Args:
        root: the course's root (default ``ROOT``).

    Returns:
        The assignments' names (``01_statistics``), sorted.
    """
    solutions = (root or ROOT) / "solutions"
    return sorted(p.name for p in solutions.iterdir() if (p / f"{p.name}.ipynb").is_file())


def graded_assignments(root: Path | None = None) -> list[str]:
    """Assignments with at least one autograded answer cell (``00_overview`` has none).

    Args:
        root: the course's root (default ``ROOT``).

    Returns:
        Their names, sorted, read from their source notebooks.
    """
    import nbformat

    return [a for a in assignments(root) if solution_ids(nbformat.read(source_path(a, root), as_version=4))]


def source_path(assignment: str, root: Path | None = None) -> Path:
    """The instructor's (nbgrader source) notebook of ``assignment``.

    Args:
        assignment: the assignment's name (``01_statistics``).
        root: the course's root (default ``ROOT``).

    Returns:
        ``solutions/<assignment>/<assignment>.ipynb`` under the root (it need not exist).
    """
    return (root or ROOT) / "solutions" / assignment / f"{assignment}.ipynb"


def release_path(assignment: str, root: Path | None = None) -> Path:
    """The student notebook of ``assignment`` (made by ``make release``); arguments as :func:`source_path`'s.

    Args:
        assignment: as for :func:`source_path`.
        root: as for :func:`source_path`.

    Returns:
        ``notebooks/<assignment>/<assignment>.ipynb`` under the root (it need not exist).
    """
    return (root or ROOT) / "notebooks" / assignment / f"{assignment}.ipynb"


@functools.cache
def _pyproject(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def pyproject(root: Path | None = None) -> dict[str, Any]:
    """``pyproject.toml`` of the course, parsed (read once).

    Args:
        root: the course's root (default ``ROOT``).

    Returns:
        The parsed TOML; the same (cached) mapping on each call for the same root: do not change it.
    """
    return _pyproject((root or ROOT) / "pyproject.toml")


def course_config(root: Path | None = None) -> dict[str, Any]:
    """``[tool.course]`` of ``pyproject.toml``: the course's address and release.

    Args:
        root: the course's root (default ``ROOT``).

    Returns:
        A copy of the table (empty when there is none).
    """
    return dict(pyproject(root).get("tool", {}).get("course", {}))


# --- text and files shared by the tools ------------------------------------------------------------------


def between_markers(text: str, begin: str, end: str, what: str) -> tuple[int, int]:
    """Where the part of ``text`` between two marker lines lies (README.md's generated and shared sections).

    Args:
        text: the text that holds the markers (a README).
        begin: the marker before the part.
        end: the marker after the part.
        what: the part and its file, for the error (``"README.md: the notebooks table"``).

    Returns:
        ``(start, stop)``: ``text[start:stop]`` is the part, without the markers; ``text[:start]`` ends with ``begin``
        and ``text[stop:]`` starts with ``end``.

    Raises:
        SystemExit: a marker is missing, or ``end`` comes before ``begin``.
    """
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise SystemExit(f"{what} must sit between {begin!r} and {end!r}")
    return start + len(begin), stop


def write_zip(target: Path, members: Iterable[tuple[str, bytes]]) -> None:
    """Write a zip that depends only on its members: sorted by name, each dated :data:`ZIP_DATE`, mode 0644, deflated.

    Args:
        target: the zip to write (replaced if it exists; its folder is made).
        members: ``(name in the zip, content)`` pairs, in any order.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(members, key=lambda member: member[0]):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def normalized_source(source: str) -> str:
    """A cell's source as two cells are compared (a hand-in's cell with the release's): whitespace at the ends ignored.

    Args:
        source: a cell's source.

    Returns:
        ``source`` without its leading and trailing whitespace, each line without its trailing whitespace.
    """
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


# --- nbgrader's cells ------------------------------------------------------------------------------------


def nbgrader_meta(cell: NotebookNode) -> dict:
    """The cell's ``nbgrader`` metadata (empty when there is none, or when it is not a mapping).

    Args:
        cell: a notebook cell.

    Returns:
        A copy of the metadata (``grade_id``, ``solution``, ``grade``, ``points``, ...).
    """
    meta = cell.get("metadata", {}).get("nbgrader")
    return dict(meta) if isinstance(meta, dict) else {}


def is_nbgrader_cell(cell: NotebookNode) -> bool:
    """A cell nbgrader tracks: an answer, a test, a locked or a task cell.

    Args:
        cell: a notebook cell.

    Returns:
        Whether nbgrader tracks it.
    """
    return bool(is_grade(cell) or is_solution(cell) or is_locked(cell) or is_task(cell))


def is_answer(cell: NotebookNode) -> bool:
    """An autograded answer cell: a code cell the student writes.

    Args:
        cell: a notebook cell.

    Returns:
        Whether it is a code cell marked as a solution.
    """
    return cell.cell_type == "code" and bool(is_solution(cell))


def is_test(cell: NotebookNode) -> bool:
    """An autograded test cell: a graded code cell that is not an answer.

    Args:
        cell: a notebook cell.

    Returns:
        Whether it is a code cell marked as graded and not as a solution.
    """
    return cell.cell_type == "code" and bool(is_grade(cell)) and not is_solution(cell)


def solution_ids(nb: NotebookNode) -> list[str]:
    """grade_ids of the autograded answer cells (code solution cells).

    Args:
        nb: a notebook (the instructor's, a release or a hand-in).

    Returns:
        The grade_ids, in the notebook's order.
    """
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if is_answer(c)]


# --- running nbgrader ------------------------------------------------------------------------------------


def relative_to_root(path: Path) -> str:
    """``path`` as nbgrader's CourseDirectory wants it: relative to the root (it joins the two).

    Args:
        path: a file or folder, absolute or relative to the working directory.

    Returns:
        ``path`` relative to ``ROOT`` (with ``..`` where it lies outside the root).
    """
    return os.path.relpath(path, ROOT)


def db_url() -> str:
    """The gradebook's SQLAlchemy address; ``nbgrader_config.py`` uses it.

    A long SQLite timeout lets several autograde processes share the gradebook (their writes are short).

    Returns:
        ``sqlite:///<GRADEBOOK>?timeout=120``.
    """
    return f"sqlite:///{GRADEBOOK}?timeout=120"


def nbgrader(
    *args: str, program: str = "nbgrader", root: Path | None = None, timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` (or ``python -m PROGRAM ARGS``) in a process of its own, with the course's configuration.

    Args:
        *args: nbgrader's command line (``"zip_collect", "01_statistics", "--force"``).
        program: the module to run: ``nbgrader``, or one that runs nbgrader's apps itself (a grading job's).
        root: another course's root (a grading job's scratch course), whose grading state is ``root/grading``;
            default: the course's root and state (``COURSE_ROOT``, ``COURSE_STATE``).
        timeout: seconds it may take.
        env: more environment variables.

    Returns:
        The finished process, its output as text (``stdout``, ``stderr``).

    Raises:
        subprocess.TimeoutExpired: it took longer than ``timeout``.
    """
    root, state = (ROOT, STATE) if root is None else (root, root / "grading")
    state.mkdir(parents=True, exist_ok=True)
    full_env = dict(os.environ, COURSE_ROOT=str(root), COURSE_STATE=str(state), PYTHONWARNINGS="ignore",
                    **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", program, *args],
        cwd=PACKAGE,  # nbgrader reads nbgrader_config.py from its working directory
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def nbgrader_api(root: Path | None = None, *, release: Path | str | None = None, db: str | None = None,
                 config: dict[str, dict[str, Any]] | None = None) -> Any:
    """nbgrader's Python API (``nbgrader.apps.NbGraderAPI``) in this process, with the course's configuration
    (``nbgrader_config.py``), for steps that run only the instructor's notebooks (no hand-in's code runs here).

    ``root`` is another course's root (default the course's), ``release`` where ``generate_assignment`` writes
    (default ``notebooks/``), ``db`` the gradebook's address (default the course's) and ``config`` more settings
    (``{"ResilientExecute": {"cell_limit": 20}}``). One process instead of ``nbgrader`` once per step: each start
    imports nbgrader (about 2.5 s).

    Args:
        root: another course's root (default the course's).
        release: where ``generate_assignment`` writes (default ``notebooks/``).
        db: the gradebook's SQLAlchemy address (default the course's, :func:`db_url`).
        config: more settings, by configurable class.

    Returns:
        An ``nbgrader.apps.NbGraderAPI``, configured.
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


def generate_assignment(names: list[str], to: Path | str | None = None,
                        finish: Callable[[NotebookNode, str], None] | None = None) -> list[Path]:
    """``nbgrader generate_assignment`` of each of ``names``, each student notebook marked as generated.

    Args:
        names: the assignments (folders of ``solutions/``), which nbgrader also records in the gradebook.
        to: the folder to write into (default ``notebooks/``).
        finish: changes each student notebook (and its assignment's name) before it is written back, in place
            (the release's Colab setup cell and badge).

    Returns:
        The student notebooks written, in the order of ``names``; their metadata ``course.generated`` says from
        where and how.

    Raises:
        SystemExit: nbgrader failed to generate one (its log and error in the message).
    """
    import warnings

    import nbformat

    STATE.mkdir(parents=True, exist_ok=True)
    api = nbgrader_api(release=to)
    written = []
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
        if finish is not None:
            finish(nb, name)
        nbformat.write(nb, target)
        written.append(target)
    return written


def copy_course(target: Path) -> Path:
    """A copy of what grading reads (``solutions/``, ``notebooks/``, ``pyproject.toml``, README.md, the root's
    ``nbgrader_config.py``) in ``target``.

    Point the tools at it with ``COURSE_ROOT=target``; its grading state goes to ``target/grading``.

    Args:
        target: the copy's root; it must not hold ``solutions/`` or ``notebooks/`` yet.

    Returns:
        ``target``.
    """
    shutil.copytree(ROOT / "solutions", target / "solutions")
    shutil.copytree(ROOT / "notebooks", target / "notebooks")
    for name in ("pyproject.toml", "README.md", "nbgrader_config.py"):  # the last: the formgrader finds the config
        shutil.copy2(ROOT / name, target / name)
    return target
