"""``make student-dist`` hands out only what students receive, and no answer or hidden test with it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from autograder.core import ANSWER_MARKERS
from harness import ROOT, assignments, nbgrader_meta, source_notebook

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

EXPECTED_TOP = {"notebooks", "helpers", "data", "README.md", "environment.yml", "pyproject.toml"}
FORBIDDEN_PARTS = {"solutions", "autograder", "tests", ".git", ".venv", "build"}
MIN_SECRET = 25
"""Answer lines shorter than this (``return x``, ``)``) are too common to tell an answer from anything else."""


def build(out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "autograder.release.student_dist", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("dist") / "student-dist")


def _split(source: str, begin: str | None, end: str | None) -> tuple[list[str], list[str]]:
    """(lines between the ``begin`` and ``end`` marker lines, the other lines); all hidden if ``begin`` is None."""
    if begin is None:
        return source.splitlines(), []
    inside, hidden, shown = False, [], []
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (hidden if inside else shown).append(line)
    return hidden, shown


def secret_lines() -> dict[str, str]:
    """Lines that only answers and hidden tests hold, by line, with where they come from.

    An answer is the body of a code answer cell (between the solution markers), a model answer of a written
    question (a markdown answer cell) or a hidden test. Lines that also appear outside those regions in any
    solution notebook (a visible test, a demo, the prose) are public, and so are short ones.
    """
    secret: dict[str, str] = {}
    public: set[str] = set()
    for assignment in assignments():
        for cell in source_notebook(assignment).cells:
            meta = nbgrader_meta(cell)
            if meta.get("solution") and cell.cell_type == "markdown":
                hidden, shown = _split(cell.source, None, None)
            elif meta.get("solution"):
                hidden, shown = _split(cell.source, "BEGIN SOLUTION", "END SOLUTION")
            elif meta.get("grade"):
                hidden, shown = _split(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            else:
                hidden, shown = [], cell.source.splitlines()
            public.update(line.strip() for line in shown)
            for line in hidden:
                secret.setdefault(line.strip(), f"{assignment}:{meta.get('grade_id')}")
    return {line: where for line, where in secret.items() if len(line) >= MIN_SECRET and line not in public}


def text_lines(path: Path) -> set[str]:
    """The stripped lines of a file; for a notebook, of its cells' sources and outputs."""
    text = path.read_text(errors="ignore")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        text = "\n".join(
            "".join(cell.get("source", [])) + "\n" + json.dumps(cell.get("outputs", []))
            for cell in nb["cells"]
        )
    return {line.strip() for line in text.splitlines()}


def test_only_what_students_receive(dist):
    top = {p.name for p in dist.iterdir()}
    assert top == EXPECTED_TOP, f"the student copy's top level is {sorted(top)}"
    for path in dist.rglob("*"):
        parts = set(path.relative_to(dist).parts)
        assert not parts & FORBIDDEN_PARTS, f"{path} should not be handed out"
        assert "__pycache__" not in parts and ".ipynb_checkpoints" not in parts and not path.name.endswith(".pyc")
    released = sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir())
    assert sorted(p.name for p in (dist / "notebooks").iterdir()) == released
    modules = sorted(p.name for p in (ROOT / "helpers").glob("*.py"))
    assert sorted(p.name for p in (dist / "helpers").glob("*.py")) == modules


def test_no_marker_and_no_line_of_an_answer_or_hidden_test(dist):
    secrets = secret_lines()
    assert secrets, "found no answer lines to look for: is solutions/ empty?"
    leaks = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        text = path.read_text(errors="ignore")
        if ANSWER_MARKERS.search(text):
            leaks.append(f"{path.relative_to(dist)}: nbgrader marker")
        if path.suffix in {".ipynb", ".md"}:
            # what students read: not one line of an answer
            for line in sorted(text_lines(path) & set(secrets)):
                leaks.append(f"{path.relative_to(dist)}: {line!r} (from {secrets[line]})")
        else:
            # code and data: one common line may coincide with an answer; three in a row are a copied answer
            lines = [line.strip() for line in text.splitlines() if len(line.strip()) >= MIN_SECRET]
            for i in range(len(lines) - 2):
                if all(line in secrets for line in lines[i : i + 3]):
                    leaks.append(f"{path.relative_to(dist)}: {lines[i]!r}... (from {secrets[lines[i]]})")
    assert not leaks, "answers or hidden tests would reach students:\n" + "\n".join(leaks[:20])


def test_the_notebooks_hold_stubs(dist):
    for path in sorted((dist / "notebooks").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if meta.get("solution") and cell.cell_type == "code":
                assert "raise NotImplementedError()" in cell.source, f"{path.name}:{meta['grade_id']} is not a stub"
            if meta.get("solution") and cell.cell_type == "markdown":
                assert cell.source.strip() == "YOUR ANSWER HERE", f"{path.name}:{meta['grade_id']} holds an answer"


def test_the_zip_holds_the_same_files_and_is_reproducible(dist, tmp_path):
    archive = dist.with_suffix(".zip")
    with zipfile.ZipFile(archive) as zf:
        names = sorted(zf.namelist())
        files = [p for p in dist.rglob("*") if p.is_file()]
        assert names == sorted(f"genmodels-course/{p.relative_to(dist).as_posix()}" for p in files)
        for name in names:
            assert zf.read(name) == (dist / name.split("/", 1)[1]).read_bytes()
    again = build(tmp_path / "student-dist")
    assert again.with_suffix(".zip").read_bytes() == archive.read_bytes(), "the zip differs between two builds"


def test_the_students_environment_and_package_install(dist):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((dist / "environment.yml").read_text())
    specs = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str):
            name, constraint = re.fullmatch(r"([A-Za-z0-9_.-]+)(.*)", entry.replace(" ", "")).groups()
            specs[name] = constraint
    for text in project["dependencies"]:
        requirement = Requirement(text)
        name = {"torch": "pytorch-cpu"}.get(requirement.name, requirement.name)
        assert name in specs and SpecifierSet(specs[name]) == requirement.specifier, f"{name}: {specs.get(name)}"
    assert "jupyterlab" in specs and "ipykernel" in specs
    assert not {"nbgrader", "pytest", "ruff", "playwright-python"} & set(specs), "instructor tools are not for students"
    # `pip install -e .` needs the readme that pyproject.toml names
    assert (dist / project["readme"]).is_file()


def test_the_readme_opens_every_notebook_in_colab(dist):
    readme = (dist / "README.md").read_text()
    course = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]
    github = course["repository"].removeprefix("https://github.com/").removesuffix(".git")
    for path in sorted((dist / "notebooks").rglob("*.ipynb")):
        relative = path.relative_to(dist).as_posix()
        url = f"https://colab.research.google.com/github/{github}/blob/{course['ref']}/{relative}"
        assert url in readme, f"README.md has no Colab badge for {relative}"
        assert f"]({relative})" in readme
    assert "make " not in readme, "students get no Makefile"
