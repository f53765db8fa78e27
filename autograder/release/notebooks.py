"""``make release``: regenerate the student notebooks in ``notebooks/`` from ``solutions/``.

Runs ``nbgrader generate_assignment`` for every assignment (or the ones named on the command line),
which also records the assignments in the gradebook, then writes the Colab setup cell and badge into each student
notebook; ``make release`` (this module without ``--to``) also writes the notebooks table of README.md and
``helpers/course.py`` from ``[tool.course]`` in pyproject.toml (see :mod:`autograder.release.colab_cell`).
``solutions/`` is only read. Every student notebook says in its metadata (``course.generated``) that it is generated
and from where. Deterministic: a second run changes nothing.

Usage: ``python -m autograder.release.notebooks [ASSIGNMENT ...] [--to FOLDER]``.
"""

from __future__ import annotations

import argparse
import sys

import nbformat

from autograder.core import ROOT, assignments, generate_assignment, nbgrader_meta, release_path, source_path
from autograder.release import colab_cell as colab


def release(names: list[str], to: str | None = None, quiet: bool = False) -> None:
    """Generate the student version of each assignment, with its Colab setup cell and badge.

    Args:
        names: the assignments to release.
        to: the folder to release into (default ``notebooks/``).
        quiet: print nothing.
    """
    source = colab.read_config(ROOT)
    generate_assignment(names, to, finish=lambda nb, name: colab.bootstrap_notebook(nb, name, source))
    if not quiet:
        for name in names:
            print(f"released {name} -> {to or 'notebooks'}/{name}/")


def blank_hand_in(assignment: str) -> nbformat.NotebookNode:
    """The released notebook as a student receives it.

    Args:
        assignment: the assignment's name (``01_statistics``).

    Returns:
        Its student notebook in ``notebooks/``, as ``make release`` wrote it.
    """
    return nbformat.read(release_path(assignment), as_version=4)


def reference_hand_in(assignment: str) -> nbformat.NotebookNode:
    """The released notebook with the instructor's answers typed into its answer cells.

    Args:
        assignment: the assignment's name (``01_statistics``).

    Returns:
        The student notebook in ``notebooks/``, each solution cell's source replaced by the instructor's (matched by
        grade_id); nothing is written.
    """
    source = nbformat.read(source_path(assignment), as_version=4)
    answers = {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells if nbgrader_meta(c).get("solution")}
    released = blank_hand_in(assignment)
    for cell in released.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return released


def main(argv: list[str] | None = None) -> int:
    """``make release``: regenerate the student notebooks; without ``--to``, also README's table and
    ``helpers/course.py``.

    Args:
        argv: ``[ASSIGNMENT ...] [--to FOLDER]`` (default: the process's arguments).

    Returns:
        The exit status: 0.

    Raises:
        SystemExit: an assignment named is not in ``solutions/``, the command line is wrong, or a step failed
            (``[tool.course]``, nbgrader).
    """
    parser = argparse.ArgumentParser(description="Regenerate notebooks/ from solutions/.")
    parser.add_argument("names", nargs="*", help="assignments (default: all)")
    parser.add_argument("--to", help="release into this folder instead of notebooks/")
    args = parser.parse_args(argv)
    known = assignments()
    unknown = sorted(set(args.names) - set(known))
    if unknown:
        raise SystemExit(f"unknown assignments {unknown}; known: {known} (in {ROOT / 'solutions'})")
    names = args.names or known
    if not args.to:
        for path in colab.prepare(ROOT):
            print(f"updated {path} from [tool.course] in pyproject.toml")
    release(names, args.to)
    return 0


if __name__ == "__main__":
    sys.exit(main())
