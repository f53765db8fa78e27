"""``make release``: regenerate the student notebooks in ``notebooks/`` from ``solutions/``.

Runs ``nbgrader generate_assignment`` for every assignment (or the ones named on the command line),
which also records the assignments in the gradebook. Before that, ``make release`` (this script without
``--to``) writes the Colab setup cell and badge of those notebooks in ``solutions/``, the notebooks table of
README.md and ``helpers/_course.py`` from ``[tool.course]`` in pyproject.toml (see ``bootstrap.py``).
Deterministic: a second run changes nothing.

Usage: ``python autograder/release.py [ASSIGNMENT ...] [--to FOLDER]``.
"""

from __future__ import annotations

import argparse
import sys

from course import ROOT, assignments, nbgrader


def release(names: list[str], to: str | None = None, quiet: bool = False) -> None:
    """Generate the student version of each assignment into ``notebooks/`` (or ``to``)."""
    extra = [f"--CourseDirectory.release_directory={to}"] if to else []
    for name in names:
        done = nbgrader("generate_assignment", name, "--force", *extra)
        if done.returncode != 0:
            raise SystemExit(f"nbgrader generate_assignment {name} failed:\n{done.stdout}\n{done.stderr}")
        if not quiet:
            print(f"released {name} -> {to or 'notebooks'}/{name}/")


def main(argv: list[str] | None = None) -> int:
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
        from bootstrap import prepare  # only `make release` writes the sources; grade.py imports release()

        for path in prepare(ROOT, names):
            print(f"updated {path} from [tool.course] in pyproject.toml")
    release(names, args.to)
    return 0


if __name__ == "__main__":
    sys.exit(main())
