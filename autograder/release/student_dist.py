"""``make student-dist``: only what students receive, in ``build/student-dist/`` and ``build/student-dist.zip``.

The copy holds the released notebooks (``notebooks/``), the ``helpers`` package, ``data/``, ``pyproject.toml``
(so that ``pip install -e .`` works), a README for students and an ``environment.yml`` for them (the run-time
packages and JupyterLab, with the constraints of ``pyproject.toml``). No ``solutions/``, no ``autograder/``, no
``tests/``. The build refuses to finish if a file holds nbgrader's solution or hidden-test markers
(``tests/test_student_dist.py`` checks more: no line of any answer or hidden test).

Usage: ``python -m autograder.release.student_dist [--out FOLDER]`` (default ``build/student-dist``; the zip goes
beside it).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from autograder.core import ANSWER_MARKERS, ROOT, between_markers, pyproject, release_path, write_zip
from autograder.release.colab_cell import README_BEGIN, README_END

SKIP = re.compile(r"(^|/)(\.[^/]*|__pycache__|[^/]*\.pyc|[^/]*\.egg-info)(/|$)")
"""Hidden files and folders (``.ipynb_checkpoints``), caches, build metadata."""

STUDENTS_BEGIN = "<!-- for students: also the README of `make student-dist` -->"
STUDENTS_END = "<!-- end for students -->"
"""The course README's section for students, between these lines: the one text of how to work and hand in."""

STUDENT_README = """\
# Generative Models: the notebooks

Jupyter notebooks that follow the lecture *Генеративные модели*, with exercises that check themselves as you go.
Start with `00_overview`. Every notebook runs on a plain CPU in minutes.

{table}

## Set up JupyterLab

**With conda**, in this folder:

```bash
conda env create -f environment.yml
conda activate genmodels-student
jupyter lab
```

**With pip**, in this folder (Python ≥ 3.10; on Linux the first line keeps PyTorch CPU-only and small):

```bash
python3 -m venv .venv
.venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
.venv/bin/pip install -e . jupyterlab
.venv/bin/jupyter lab
```

{students}

## What is here

| path | what |
| --- | --- |
| `notebooks/` | the notebooks, one folder each |
| `helpers/` | the small package every notebook imports (data, plots, training, checks, units, Colab) |
| `data/` | the data sets, with their provenance and licences (`data/README.md`) |
| `environment.yml`, `pyproject.toml` | the packages, for conda and for pip |
"""


def students_section(root: Path) -> str:
    """The course README's section for students (how to work, on Colab, how to hand in).

    Args:
        root: the course's root (its ``README.md``).

    Returns:
        The text between :data:`STUDENTS_BEGIN` and :data:`STUDENTS_END`, stripped.

    Raises:
        SystemExit: a marker is missing, or they are out of order.
    """
    text = (root / "README.md").read_text(encoding="utf-8")
    start, stop = between_markers(text, STUDENTS_BEGIN, STUDENTS_END, "README.md: the students' section")
    return text[start:stop].strip()


def _requirements(root: Path) -> tuple[list[str], list[str], str]:
    """(run-time requirements, instructor requirements, requires-python) from pyproject.toml."""
    project = pyproject(root)["project"]
    return (
        list(project["dependencies"]),
        list(project["optional-dependencies"]["instructor"]),
        project["requires-python"],
    )


CONDA_NAMES = {"torch": "pytorch-cpu", "playwright": "playwright-python"}
"""conda-forge's names where they differ from PyPI's (torch as conda-forge's CPU build)."""

LAB_PACKAGES = ("jupyterlab", "ipykernel")
"""What students need on top of the run-time packages to work in JupyterLab."""


def conda_spec(requirement: str) -> str:
    """A PyPI requirement (``torch>=2.0``) as a conda-forge spec (``pytorch-cpu>=2.0``).

    Args:
        requirement: a requirement of ``pyproject.toml``: a name, then any constraint.

    Returns:
        The name in lower case, renamed by :data:`CONDA_NAMES`, and the constraint without spaces.

    Raises:
        ValueError: ``requirement`` does not start with a package name.
    """
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", requirement)
    if not match:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    name, constraint = match.groups()
    return CONDA_NAMES.get(name.lower(), name.lower()) + constraint.replace(" ", "")


def student_environment(root: Path) -> str:
    """``environment.yml`` for students: the run-time packages and JupyterLab, constraints from pyproject.toml.

    Args:
        root: the course's root (its ``pyproject.toml``).

    Returns:
        The file's text: Python 3.11 and the packages from conda-forge, then the course itself with
        ``pip install --no-deps -e .``.
    """
    runtime, instructor, _ = _requirements(root)
    lab = [r for r in instructor if re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower() in LAB_PACKAGES]
    lines = [
        "# conda env create -f environment.yml && conda activate genmodels-student && jupyter lab",
        "# The course's run-time packages (from pyproject.toml) and JupyterLab; torch as conda-forge's CPU build.",
        "name: genmodels-student",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        *[f"  - {conda_spec(r)}" for r in runtime + lab],
        "  - pip",
        "  - pip:",
        "      - --no-deps",
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


def notebooks_table(root: Path) -> str:
    """The notebooks table of the course's README (written by ``make release``), for the released notebooks.

    Args:
        root: the course's root (its ``README.md`` and ``notebooks/``).

    Returns:
        The table's header and its rows that name a notebook released in ``notebooks/``.

    Raises:
        SystemExit: a marker of the table is missing, or they are out of order.
    """
    text = (root / "README.md").read_text(encoding="utf-8")
    start, stop = between_markers(text, README_BEGIN, README_END, "README.md: the notebooks table")
    body = text[start:stop].strip().splitlines()
    released = {p.name for p in (root / "notebooks").iterdir() if release_path(p.name, root).is_file()}
    rows = [line for line in body[2:] if any(f"`{name}`" in line for name in released)]
    return "\n".join(body[:2] + rows)


def _files(root: Path, folder: str) -> list[Path]:
    return sorted(
        p for p in (root / folder).rglob("*")
        if p.is_file() and not SKIP.search(p.relative_to(root).as_posix())
    )


def build(root: Path = ROOT, out: Path | None = None) -> tuple[Path, Path]:
    """Build the student copy of the course at ``root`` into ``out``; return (folder, zip).

    Args:
        root: the course's root.
        out: the folder to build (default ``root/build/student-dist``); emptied first. The zip goes beside it,
            ``out`` with the suffix ``.zip``.

    Returns:
        ``(out, zip)``; the zip holds the folder's files under ``genmodels-course/``.

    Raises:
        SystemExit: a file of the copy holds nbgrader's solution or hidden-test markers (the copy is removed).
    """
    out = out or root / "build" / "student-dist"
    archive = out.with_suffix(".zip")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for folder in ("notebooks", "helpers", "data"):
        for path in _files(root, folder):
            target = out / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.copyfile(root / "pyproject.toml", out / "pyproject.toml")
    (out / "environment.yml").write_text(student_environment(root), encoding="utf-8")
    readme = STUDENT_README.format(table=notebooks_table(root), students=students_section(root))
    (out / "README.md").write_text(readme, encoding="utf-8")

    leaks = [p for p in out.rglob("*") if p.is_file() and ANSWER_MARKERS.search(p.read_text(errors="ignore"))]
    if leaks:
        shutil.rmtree(out)
        found = "\n".join(map(str, leaks))
        raise SystemExit(f"refusing to hand out answers or hidden tests; found markers in:\n{found}")

    files = (p for p in out.rglob("*") if p.is_file())
    write_zip(archive, ((f"genmodels-course/{p.relative_to(out).as_posix()}", p.read_bytes()) for p in files))
    return out, archive


def main(argv: list[str] | None = None) -> int:
    """``make student-dist``: build the student copy and its zip, and say where they are.

    Args:
        argv: ``[--out FOLDER]`` (default: the process's arguments).

    Returns:
        0, once the copy and its zip are written.

    Raises:
        SystemExit: the copy would hold answers or hidden tests (see :func:`build`).
    """
    parser = argparse.ArgumentParser(description="Build the student copy of the course.")
    parser.add_argument("--out", type=Path, help="folder (default build/student-dist); the zip goes beside it")
    args = parser.parse_args(argv)
    out, archive = build(ROOT, args.out)
    count = sum(1 for p in out.rglob("*") if p.is_file())
    print(f"student copy: {out} ({count} files) and {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
