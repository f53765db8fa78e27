"""What the instructor's scripts share: where the course is, its assignments, and running nbgrader."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# nbgrader runs `alembic` from PATH, also in-process (the gradebook API): put this Python's scripts first.
SCRIPTS = str(Path(sys.executable).parent)
if SCRIPTS not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([SCRIPTS, os.environ.get("PATH", "")])

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("COURSE_ROOT", HERE.parent)).resolve()
"""The course's root folder (``COURSE_ROOT`` overrides it, e.g. for a scratch copy in the tests)."""


def assignments() -> list[str]:
    """The assignments: folders of ``solutions/`` that hold a notebook of the same name."""
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())


def nbgrader(
    *args: str, timeout: float | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` with the course's configuration (``autograder/nbgrader_config.py``)."""
    full_env = dict(os.environ, COURSE_ROOT=str(ROOT), PYTHONWARNINGS="ignore", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=HERE,  # nbgrader reads nbgrader_config.py from its working directory
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def db_url() -> str:
    """The gradebook's SQLAlchemy address (``COURSE_GRADEBOOK`` overrides the file); nbgrader_config.py uses it.

    A long SQLite timeout lets several autograde processes share the gradebook (their writes are short).
    """
    gradebook = os.environ.get("COURSE_GRADEBOOK", str(ROOT / "autograder" / "gradebook.db"))
    return f"sqlite:///{gradebook}?timeout=120"
