"""``make release``: regenerate the student notebooks in ``notebooks/`` from ``solutions/``.

Runs ``nbgrader generate_assignment`` for every assignment (or the ones named on the command line),
which also records the assignments in the gradebook. Deterministic: a second run changes nothing.

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
    release(args.names or known, args.to)
    return 0


if __name__ == "__main__":
    sys.exit(main())
