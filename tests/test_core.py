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


def _formats(schema: object) -> list[str]:
    """The values of every "format" keyword in a JSON schema."""
    if isinstance(schema, dict):
        found = [schema["format"]] if isinstance(schema.get("format"), str) else []
        return found + [f for value in schema.values() for f in _formats(value)]
    if isinstance(schema, list):
        return [f for value in schema for f in _formats(value)]
    return []


def test_jsonschema_goes_without_rfc3987_syntax_and_notebooks_still_validate():
    """autograder keeps jsonschema from importing rfc3987_syntax (a Lark grammar compiled at import, 0.75 s a process):
    only jsonschema's "iri" format checkers need it, and no schema nbformat or nbgrader validates has a format. In a
    fresh process, as ``make grade``'s jobs start: the module stays out, a solution notebook validates, a broken
    one does not."""
    import json

    import nbformat
    import nbgrader

    schemas = sorted(Path(nbformat.__file__).parent.glob("v4/*.schema.json"))
    schemas += sorted(Path(nbgrader.__file__).parent.glob("nbgraderformat/v*.json"))
    assert len(schemas) >= 4
    for path in schemas:
        assert _formats(json.loads(path.read_text())) == [], path
    probe = """
import sys
import autograder.grading.jobs
import nbformat
assert sys.modules.get("rfc3987_syntax") is None, "rfc3987_syntax was imported"
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
nb.cells[0]["cell_type"] = "no such type"
try:
    nbformat.validate(nb)
except nbformat.ValidationError:
    print("rejected")
"""
    source = core.ROOT / "solutions" / "01_statistics" / "01_statistics.ipynb"
    done = subprocess.run([sys.executable, "-c", probe, str(source)], capture_output=True, text=True, check=False,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.split() == ["rejected"], done.stdout + done.stderr
