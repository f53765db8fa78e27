"""environment.yml (for conda users) and pyproject.toml (for pip) ask for the same packages.

Every run-time, instructor and maintainer requirement of pyproject.toml appears in environment.yml under its
conda-forge name (torch as ``pytorch-cpu``, the CPU build) with the same version constraint, nothing else is
there but Python and pip, and the course itself is installed from the folder without pip re-resolving it.
"""

from __future__ import annotations

import re

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from harness import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

CONDA_NAMES = {"torch": "pytorch-cpu", "playwright": "playwright-python"}
"""conda-forge's names where they differ from PyPI's."""

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())


def pyproject_requirements() -> dict[str, Requirement]:
    """Every requirement of the package and its extras, by conda name (the self-reference left out)."""
    texts = list(PROJECT["dependencies"])
    for extra in PROJECT.get("optional-dependencies", {}).values():
        texts += extra
    requirements = {}
    for text in texts:
        requirement = Requirement(text)
        if requirement.name == PROJECT["name"]:
            continue  # "genmodels-course-helpers[instructor]": the dev extra includes the instructor one
        name = CONDA_NAMES.get(requirement.name.lower(), requirement.name.lower())
        assert name not in requirements, f"pyproject.toml asks for {name} twice"
        requirements[name] = requirement
    return requirements


def conda_specs(dependencies: list) -> dict[str, str]:
    """``{name: constraint}`` of the conda entries of an environment.yml (pip's section left out)."""
    specs = {}
    for entry in dependencies:
        if isinstance(entry, str):
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", entry.strip())
            assert match, f"environment.yml: cannot read {entry!r}"
            specs[match.group(1).lower()] = match.group(2).replace(" ", "")
    return specs


def pip_section(dependencies: list) -> list[str]:
    sections = [e["pip"] for e in dependencies if isinstance(e, dict) and "pip" in e]
    return sections[0] if sections else []


def test_every_requirement_is_in_environment_yml_with_the_same_constraint():
    specs = conda_specs(ENV["dependencies"])
    problems = []
    for name, requirement in pyproject_requirements().items():
        if name not in specs:
            problems.append(f"{name}{requirement.specifier} is missing")
        elif SpecifierSet(specs[name]) != requirement.specifier:
            problems.append(f"{name}: environment.yml says {specs[name]!r}, pyproject.toml {requirement.specifier}")
    assert not problems, "environment.yml has drifted from pyproject.toml:\n" + "\n".join(problems)


def test_environment_yml_holds_nothing_else():
    extra = set(conda_specs(ENV["dependencies"])) - set(pyproject_requirements()) - {"python", "pip"}
    assert not extra, f"environment.yml asks for {sorted(extra)}, which pyproject.toml does not"


def test_torch_is_the_cpu_build():
    specs = conda_specs(ENV["dependencies"])
    assert "pytorch-cpu" in specs and "pytorch" not in specs, "torch must come as conda-forge's pytorch-cpu"
    assert "conda-forge" in ENV["channels"]


def test_python_version_satisfies_requires_python():
    version = conda_specs(ENV["dependencies"])["python"]
    assert version.startswith("="), f"pin python to one minor version, got {version!r}"
    assert Version(version.lstrip("=")) in SpecifierSet(PROJECT["requires-python"])


def test_the_course_is_installed_from_the_folder_without_dependencies():
    pip = pip_section(ENV["dependencies"])
    assert pip[-1] == "-e .", "environment.yml should end with pip installing the course: `-e .`"
    assert "--no-deps" in pip, "pip must not re-resolve what conda installed (`--no-deps`)"
    assert [e for e in pip if not e.startswith("-")] == [], "packages belong in the conda list, not under pip"


@pytest.mark.parametrize("text", ["torch>=2.0", "nbgrader>=0.9.3,<0.10", "playwright>=1.40", "tqdm"])
def test_the_students_environment_uses_the_same_names_and_constraints(text):
    """``make student-dist`` writes the students' environment.yml with
    :func:`autograder.release.student_dist.conda_spec`."""
    from autograder.release.student_dist import conda_spec

    requirement = Requirement(text)
    (name, constraint), = conda_specs([conda_spec(text)]).items()
    assert name == CONDA_NAMES.get(requirement.name, requirement.name)
    assert SpecifierSet(constraint) == requirement.specifier
