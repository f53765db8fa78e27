"""The course's first cell and its "Open in Colab" links, written from one place: ``[tool.course]``.

``pyproject.toml`` says where the course lives and at which release::

    [tool.course]
    repository = "https://github.com/OWNER/NAME"   # a fork changes it here, once
    ref = "v0.1.0"                                  # the tag (or commit) of this release

``make release`` (:mod:`autograder.release.notebooks`) writes only generated files, never ``solutions/``:

- in each student notebook that ``nbgrader generate_assignment`` wrote (:func:`bootstrap_notebook`), the first code cell
  (the cell that starts with ``# Setup, part 1``) from :data:`SETUP_TEMPLATE`: on Google Colab it fetches the
  repository at ``ref``, installs ``helpers`` with ``pip --no-deps`` (Colab's torch and numpy stay) and sets
  ``COURSE_DATA_DIR``; elsewhere it only imports (``importlib``, ``os``, ``site``, ``subprocess``, ``sys``,
  ``sysconfig``); and an "Open in Colab" badge cell (id ``colab-badge``) first;
- (:func:`prepare`) the Colab column of the notebooks table in ``README.md`` and the copy of the address and ref in
  ``helpers/course.py`` (what :mod:`helpers.colab` reports).

A solution notebook's own setup cell and badge are whatever its author left there; the student copy gets the current
ones. Everything is a function of the configuration and the files, so a second run changes nothing.
``python -m autograder.release.colab_cell --check`` lists what is out of date without writing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat

from autograder.core import ROOT, assignments, between_markers, course_config, release_path
from helpers.colab import CourseSource, badge_markdown

SETUP_MARKER = "# Setup, part 1"
"""The first code cell of every notebook starts with this line; it is the cell :func:`bootstrap_notebook` rewrites."""

BADGE_ID = "colab-badge"
"""Cell id of the badge cell at the top of every notebook."""

SETUP_TEMPLATE = '''\
# Setup, part 1: on Google Colab, fetch the course's helpers and data (elsewhere this does nothing).
# Written by `make release` from [tool.course] in pyproject.toml: the course at release {ref}.
# COURSE_REPO, COURSE_REF and COURSE_DIR override the address, the release and the folder.
import importlib
import os
import site
import subprocess
import sys
import sysconfig

if "google.colab" in sys.modules:
    course_repo = os.environ.get("COURSE_REPO", "{repository}")
    course_ref = os.environ.get("COURSE_REF", "{ref}")
    course_dir = os.environ.get("COURSE_DIR", "/content/genmodels-course")
    if not os.path.isfile(os.path.join(course_dir, "helpers", "__init__.py")):
        git = ["git", "-C", course_dir, "-c", "advice.detachedHead=false"]
        subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "--quiet", course_dir], check=True)
        subprocess.run([*git, "fetch", "--quiet", "--depth=1", course_repo, course_ref], check=True)
        subprocess.run([*git, "checkout", "--quiet", "FETCH_HEAD"], check=True)
        # --no-deps: Colab's own torch and numpy stay as they are.
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
        subprocess.run([*pip, "--disable-pip-version-check", "--root-user-action=ignore", "-e", course_dir], check=True)
    # The kernel started before the install: read site-packages' .pth files again, as Python does at start-up,
    # so that the editable install is importable without a restart.
    site.addsitedir(sysconfig.get_path("purelib"))
    importlib.invalidate_caches()
    os.environ["COURSE_DATA_DIR"] = os.path.join(course_dir, "data")
    print(f"The course at {{course_ref}} from {{course_repo}} is in {{course_dir}}.")'''
"""The first code cell; ``{repository}`` and ``{ref}`` come from ``[tool.course]``."""

BADGE_TEMPLATE = """\
{badge}

*On Colab, run the first code cell: it fetches the course's helpers and data at release `{ref}`.*"""

README_BEGIN = "<!-- notebooks table: `make release` writes the first and last columns; edit the topics -->"
README_END = "<!-- end of notebooks table -->"
README_HEADER = "| notebook | topics | open |\n| --- | --- | --- |"
_ASSIGNMENT = re.compile(r"\b(\d\d_[a-z0-9_]+)\b")


def read_config(root: Path) -> CourseSource:
    """``[tool.course]`` of ``root/pyproject.toml``.

    Args:
        root: the course's root.

    Returns:
        The course's address (``repository``) and release (``ref``).

    Raises:
        SystemExit: ``repository`` or ``ref`` is missing.
        ValueError: ``repository`` is not a GitHub address (Colab opens GitHub only).
    """
    table = course_config(root)
    missing = {"repository", "ref"} - set(table)
    if missing:
        raise SystemExit(f"pyproject.toml: [tool.course] needs {sorted(missing)} (the course's address and release)")
    source = CourseSource(str(table["repository"]), str(table["ref"]))
    source.github  # noqa: B018 - raises a clear error for an address Colab cannot open
    return source


def notebook_path(assignment: str) -> str:
    """The student notebook's path in the repository.

    Args:
        assignment: the assignment's name (``01_statistics``).

    Returns:
        ``notebooks/<assignment>/<assignment>.ipynb``, with ``/`` separators.
    """
    return release_path(assignment, Path(".")).as_posix()


def setup_cell(source: CourseSource) -> str:
    """The first code cell of every notebook.

    Args:
        source: the course's address and release (:func:`read_config`).

    Returns:
        :data:`SETUP_TEMPLATE` with the address and release filled in.

    Raises:
        SystemExit: the address or release holds a quote, a backslash or a newline.
    """
    for value in (source.repository, source.ref):
        if '"' in value or "\\" in value or "\n" in value:
            raise SystemExit(f"[tool.course]: {value!r} cannot go into a Python string as it is")
    return SETUP_TEMPLATE.format(repository=source.repository, ref=source.ref)


def badge_cell(assignment: str, source: CourseSource) -> str:
    """The markdown of the badge cell at the top of ``assignment``'s notebook.

    Args:
        assignment: the assignment's name (``01_statistics``).
        source: the course's address and release (:func:`read_config`).

    Returns:
        :data:`BADGE_TEMPLATE` with the "Open in Colab" badge and the release filled in.
    """
    return BADGE_TEMPLATE.format(badge=badge_markdown(notebook_path(assignment), source), ref=source.ref)


def bootstrap_notebook(nb: nbformat.NotebookNode, assignment: str, source: CourseSource) -> None:
    """Put the current setup cell and badge cell into ``nb`` (in place).

    The setup cell's source is replaced; every cell with id :data:`BADGE_ID` is removed and a new one goes first.

    Args:
        nb: a student notebook.
        assignment: its assignment's name (the badge links to its path in the repository).
        source: the course's address and release (:func:`read_config`).

    Raises:
        SystemExit: no code cell starts with :data:`SETUP_MARKER`, or that cell is not the first code cell.
    """
    setup = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(SETUP_MARKER)]
    if not setup:
        raise SystemExit(f"{assignment}: no code cell starts with {SETUP_MARKER!r} (see the notebook conventions)")
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    if first_code is not setup[0]:
        raise SystemExit(f"{assignment}: the cell {SETUP_MARKER!r} must be the first code cell")
    setup[0].source = setup_cell(source)
    badges = [i for i, c in enumerate(nb.cells) if c.get("id") == BADGE_ID]
    for index in reversed(badges):
        del nb.cells[index]
    badge = nbformat.v4.new_markdown_cell(badge_cell(assignment, source))
    badge.id = BADGE_ID
    nb.cells.insert(0, badge)


def _write_if_changed(path: Path, text: str, write: bool) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    if write:
        path.write_text(text, encoding="utf-8")
    return True


def course_module(source: CourseSource) -> str:
    """The text of ``helpers/course.py``.

    Args:
        source: the course's address and release (:func:`read_config`).

    Returns:
        The module's text: a docstring, ``REPOSITORY`` and ``REF``.
    """
    return (
        '"""Where the course lives. Written by ``make release`` from ``[tool.course]`` in pyproject.toml: '
        'do not edit."""\n\n'
        f"REPOSITORY = {json.dumps(source.repository)}\nREF = {json.dumps(source.ref)}\n"
    )


def readme_table(text: str, assignments: Iterable[str], source: CourseSource) -> str:
    """``text`` (README.md) with its notebooks table rewritten: a row for each assignment, the topics kept.

    Args:
        text: README.md's text, with the table between :data:`README_BEGIN` and :data:`README_END`.
        assignments: the course's assignments; a row already in the table stays too, sorted in with them.
        source: the course's address and release (:func:`read_config`).

    Returns:
        The new text; only the part between the markers changes.

    Raises:
        SystemExit: a marker is missing, or they are out of order.
    """
    start, stop = between_markers(text, README_BEGIN, README_END, "README.md: the notebooks table")
    topics: dict[str, str] = {}
    for line in text[start:stop].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = _ASSIGNMENT.search(cells[0]) if len(cells) >= 2 else None
        if match:
            topics[match.group(1)] = cells[1]
    rows = [README_HEADER]
    for name in sorted(set(topics) | set(assignments)):
        path = notebook_path(name)
        rows.append(f"| [`{name}`]({path}) | {topics.get(name, '')} | {badge_markdown(path, source)} |")
    return text[:start] + "\n" + "\n".join(rows) + "\n" + text[stop:]


def prepare(root: Path, write: bool = True) -> list[str]:
    """Bring README.md's notebooks table and helpers/course.py up to date with ``[tool.course]``.

    Args:
        root: the course's root (its ``pyproject.toml``, ``README.md`` and ``helpers/``).
        write: False to only report what is out of date.

    Returns:
        The files that changed (or, with ``write=False``, that would change), relative to ``root``.
    """
    source = read_config(root)
    changed = []
    if _write_if_changed(root / "helpers" / "course.py", course_module(source), write):
        changed.append("helpers/course.py")
    readme = root / "README.md"
    if _write_if_changed(readme, readme_table(readme.read_text(encoding="utf-8"), assignments(root), source), write):
        changed.append("README.md")
    return changed


def main(argv: list[str] | None = None) -> int:
    """Write README's notebooks table and ``helpers/course.py`` from ``[tool.course]``, or with ``--check`` list
    what is out of date.

    Args:
        argv: ``[--check]`` (default: the process's arguments).

    Returns:
        The exit status: 1 when ``--check`` found something out of date, else 0.
    """
    parser = argparse.ArgumentParser(description="Write README's notebooks table and helpers/course.py.")
    parser.add_argument("--check", action="store_true", help="list what is out of date; write nothing")
    args = parser.parse_args(argv)
    changed = prepare(ROOT, write=not args.check)
    for path in changed:
        print(f"{'out of date' if args.check else 'updated'}: {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
