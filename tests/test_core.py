"""What the instructor's tools share (:mod:`autograder.core`)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from nbgrader.dbutil import _temp_alembic_ini

from autograder import core


def test_a_new_gradebook_gets_the_revision_alembic_itself_names(tmp_path):
    """core replaces nbgrader's ``get_alembic_version`` (an ``alembic heads`` subprocess for every new gradebook) by
    reading the same migration scripts in-process: the revision must be alembic's own answer, and the one a new
    gradebook is stamped with."""
    import nbgrader.api

    assert nbgrader.api.get_alembic_version is core.alembic_head
    alembic = Path(sys.executable).parent / "alembic"
    with _temp_alembic_ini(f"sqlite:///{tmp_path / 'unused.db'}") as ini:
        heads = subprocess.run([str(alembic), "-c", ini, "heads"], capture_output=True, text=True, check=True,
                               timeout=120).stdout
    assert heads.split()[0] == core.alembic_head(), heads
    assert "(head)" in heads and len(heads.strip().splitlines()) == 1, heads  # one head, no branches

    with nbgrader.api.Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}"):
        pass
    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(core.alembic_head(),)]
