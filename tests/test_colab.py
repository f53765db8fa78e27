"""The student notebooks work in Google Colab from their first cell, tested in a stand-in for Colab.

The stand-in: a clean virtual environment with only what Colab already has (numpy, scipy, matplotlib, seaborn,
tqdm, torch, ipykernel, and setuptools, which the first cell's ``pip install --no-build-isolation`` uses): no
nbgrader, no course. Its kernel imports a stand-in ``google.colab`` before any cell runs, as Colab's does.
``COURSE_REPO`` points at a local git repository made from the working tree (helpers/, data/, pyproject.toml,
README.md), tagged with the release of ``[tool.course]`` and with one more commit after the tag that breaks
``helpers``, so the test sees that the release is fetched and not the branch. pip may not reach an index.

For each notebook the reference answers (from solutions/) go into the released notebook's answer cells, and the
notebook runs top to bottom as a student runs it (no ``NBGRADER_EXECUTION``), on the CPU, in two lengths:

- ``quick``: ``COURSE_QUICK=1``, every demonstration at its quick budget (``helpers.training.budget``): the same
  cells and code as a full run, shorter loops;
- ``full``: the full budgets, what a student waits for (its times are the benchmark's budgets, ``make bench``); the
  time each took is appended to ``build/exec_times.tsv``.

The whole module is marked ``full``: ``make test-full``, which ``.ci/run`` runs after ``make test`` (building the
stand-in's environment alone takes a minute and a half on a fresh machine). ``make test`` runs every graded
notebook's reference answers at the quick budgets in its shared grading run, in the sandbox, and checks that no cell
failed (tests/test_grading.py).

Both check that every cell ran without error and that no test cell writes to stderr (nbgrader would give it 0
points); the test cells use only the setup cells and the graded functions, so their outputs do not depend on the
length. Then: the setup cell fetched the release into ``COURSE_DIR``, installed it with pip without touching any
other package, and ``helpers`` and the data come from there (not from this checkout). (The solutions' hidden tests
run where they ever run, in autograde mode: tests/test_grading.py and tests/test_mutants.py.)

The environment is built once into ``build/colab-venv/<hash of the requirements>/`` and reused; each notebook
gets a thin virtual environment on top of it (a ``.pth`` file), so the pip install of the course never changes
the cached one and notebooks may run in parallel.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.util import run_sync

from autograder.release.notebooks import blank_hand_in, reference_hand_in
from harness import ROOT, assignments, graded_assignments, nbgrader_meta

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

pytestmark = [pytest.mark.slow, pytest.mark.full]  # make test-full (see the module's docstring)

COLAB_PACKAGES = ["numpy", "scipy", "matplotlib", "seaborn", "tqdm", "torch==2.13.0", "ipykernel", "setuptools"]
"""What Colab has that the course uses (torch pinned: a CPU wheel here), and nothing of the course."""

VENVS = ROOT / "build" / "colab-venv"
EXEC_TIMES = ROOT / "build" / "exec_times.tsv"
COURSE = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]
SHIPPED = ("helpers", "data", "pyproject.toml", "README.md")
"""What the local stand-in for the course's repository holds."""

STAND_IN = '''"""A stand-in for Google Colab's module: in sys.modules, it tells a notebook that it runs in Colab."""
'''

PROBE = """\
import importlib.metadata, json, os, subprocess, sys
import helpers, numpy, torch
from helpers import colab, data

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib
digits = data.load_digits()
dist = importlib.metadata.distribution("genmodels-course-helpers")
print("PROBE " + json.dumps({
    "in_colab": colab.in_colab(),
    "helpers": helpers.__file__,
    "data_dir": str(data.data_dir()),
    "course_data_dir": os.environ.get("COURSE_DATA_DIR"),
    "digits": [list(digits.x_train.shape), list(digits.x_test.shape)],
    "direct_url": json.loads(dist.read_text("direct_url.json") or "{}"),
    "torch": torch.__version__,
    "numpy": numpy.__version__,
    "prefix": sys.prefix,
}))
"""


def _run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def site_packages(venv: Path) -> Path:
    return venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


@pytest.fixture(scope="session")
def colab_base() -> Path:
    """The cached virtual environment with Colab's packages (built once, under a lock for parallel workers)."""
    key = hashlib.sha256("\n".join([sys.version, *COLAB_PACKAGES]).encode()).hexdigest()[:12]
    venv = VENVS / key
    with _locked(VENVS / ".lock"):
        if not (venv / ".complete").is_file():
            start = time.perf_counter()
            shutil.rmtree(venv, ignore_errors=True)
            base_python = getattr(sys, "_base_executable", sys.executable)
            _run([base_python, "-m", "venv", venv])
            _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  *COLAB_PACKAGES], timeout=3600)
            (venv / ".complete").write_text("\n".join(COLAB_PACKAGES) + "\n")
            print(f"\nbuilt the Colab stand-in environment {venv} in {time.perf_counter() - start:.0f} s")
    python = venv / "bin" / "python"
    for absent in ("nbgrader", "helpers", "nbclient"):
        found = _run([python, "-c", f"import importlib.util as u; print(u.find_spec({absent!r}) is not None)"],
                     cwd=VENVS, env={"PATH": os.defpath})
        assert found.stdout.strip() == "False", f"{absent} should not be in the Colab stand-in ({venv})"
    return venv


def thin_venv(base: Path, target: Path) -> Path:
    """A fresh virtual environment that sees ``base``'s packages and installs into itself."""
    base_python = getattr(sys, "_base_executable", sys.executable)
    _run([base_python, "-m", "venv", "--without-pip", target])
    base_site = str(site_packages(base))
    (site_packages(target) / "_colab_base.pth").write_text(f"import site; site.addsitedir({base_site!r})\n")
    return target


def course_repository(target: Path) -> tuple[Path, str]:
    """A git repository made from the working tree, tagged with the release; HEAD is one commit past it."""
    target.mkdir()
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        else:
            shutil.copy2(source, target / name)
    git = ["git", "-C", target, "-c", "user.name=Course", "-c", "user.email=course@example.org"]
    _run(["git", "-c", "init.defaultBranch=main", "init", "--quiet", target])
    _run([*git, "add", "--all"])
    _run([*git, "commit", "--quiet", "-m", "the release"])
    _run([*git, "tag", "-a", COURSE["ref"], "-m", f"release {COURSE['ref']}"])
    released = _run([*git, "rev-parse", "HEAD"]).stdout.strip()
    with (target / "helpers" / "__init__.py").open("a") as handle:
        handle.write('\nraise ImportError("this commit is past the release: the first cell fetched the branch")\n')
    _run([*git, "commit", "--quiet", "--all", "-m", "work after the release"])
    return target, released


INSTALLED = ("import importlib.metadata as m, json; "
             "print(json.dumps(sorted((d.metadata['Name'].lower(), d.version) for d in m.distributions())))")


def pip_freeze(python: Path) -> dict[str, str]:
    """``{name: version}`` of what ``python`` sees installed (what ``pip list`` shows, without starting pip)."""
    listed = _run([python, "-c", INSTALLED], env={"PATH": os.defpath}, cwd=VENVS)
    pairs = json.loads(listed.stdout)
    assert len({name for name, _ in pairs}) == len(pairs), f"a package installed twice: {pairs}"
    return dict(pairs)


def notebooks() -> list[str]:
    """The released notebooks: the graded ones with reference answers, and the ungraded overview as it is."""
    released = [a for a in assignments() if (ROOT / "notebooks" / a / f"{a}.ipynb").is_file()]
    return released


@pytest.mark.parametrize("assignment", notebooks())
@pytest.mark.parametrize("length", ["quick", "full"])
def test_notebook_runs_in_colab(length, assignment, colab_base, tmp_path):
    start = time.perf_counter()
    origin, released = course_repository(tmp_path / "origin")
    venv = thin_venv(colab_base, tmp_path / "colab-venv")
    python = venv / "bin" / "python"
    before = pip_freeze(python)
    assert "genmodels-course-helpers" not in before

    stand_in = tmp_path / "stand-in"
    (stand_in / "google" / "colab").mkdir(parents=True)
    (stand_in / "google" / "colab" / "__init__.py").write_text(STAND_IN)
    kernels = tmp_path / "kernels"
    (kernels / "colab").mkdir(parents=True)
    (kernels / "colab" / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.exec_lines=import google.colab"],
        "display_name": "Colab stand-in",
        "language": "python",
    }))
    content = tmp_path / "content"
    content.mkdir()
    course_dir = content / "genmodels-course"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.defpath}{os.pathsep}/usr/local/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(stand_in),
        "MPLBACKEND": "Agg",
        "COURSE_REPO": str(origin),
        "COURSE_DIR": str(course_dir),
        "PIP_NO_INDEX": "1",  # no network: the course installs from the clone or not at all
        "PIP_CONFIG_FILE": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        # make test's thread settings (one thread a worker: two torch threads on a busy core only slow it down)
        **{name: os.environ[name] for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS") if name in os.environ},
        **({"COURSE_QUICK": "1"} if length == "quick" else {}),
    }

    graded = assignment in graded_assignments()
    nb = reference_hand_in(assignment) if graded else blank_hand_in(assignment)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    km = AsyncKernelManager(kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(nb, km=km, timeout=600, allow_errors=True, resources={"metadata": {"path": str(content)}})
    setup_time = time.perf_counter() - start
    try:
        client.execute(env=env)
    finally:  # nbclient shuts down only the kernels it started itself, not one of a kernel manager given to it
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    seconds = time.perf_counter() - start
    print(f"\n{assignment} in the Colab stand-in, {length}: {seconds:.1f} s (of which {setup_time:.1f} s preparing)")
    if length == "full":
        EXEC_TIMES.parent.mkdir(exist_ok=True)
        with EXEC_TIMES.open("a") as handle:
            handle.write(f"{assignment}\t{seconds - setup_time:.1f}\n")

    code = [c for c in nb.cells if c.cell_type == "code"]
    setup_out = "".join(o.get("text", "") for o in code[0].outputs if o.get("output_type") == "stream")
    assert f"The course at {COURSE['ref']} from {origin} is in {course_dir}." in setup_out, code[0].outputs

    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert visible == cell.source, "a released notebook holds hidden tests"
        for output in cell.outputs:
            if output.get("output_type") == "error":
                errors.append(f"cell {index} ({meta.get('grade_id', 'no id')}): {output['ename']}: {output['evalue']}")
        if meta.get("grade") and not meta.get("solution"):
            assert cell.execution_count is not None, f"test cell {meta['grade_id']} did not run"
            stderr = [o for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"]
            assert not stderr, f"test cell {meta['grade_id']} writes to stderr: {stderr[0].get('text', '')[:300]}"
    assert not errors, f"{assignment} in Colab:\n" + "\n".join(errors)

    probe = next(o["text"] for o in code[-1].outputs if o.get("output_type") == "stream" and "PROBE " in o["text"])
    facts = json.loads(probe.split("PROBE ", 1)[1])
    assert facts["in_colab"] is True
    assert Path(facts["helpers"]).resolve().is_relative_to(course_dir.resolve()), facts["helpers"]
    assert not Path(facts["helpers"]).resolve().is_relative_to(ROOT.resolve())
    data_dir = (course_dir / "data").resolve()
    assert Path(facts["data_dir"]).resolve() == data_dir == Path(facts["course_data_dir"]).resolve()
    assert facts["digits"] == [[1500, 8, 8], [297, 8, 8]]
    assert facts["direct_url"].get("dir_info", {}).get("editable") is True
    assert Path(facts["direct_url"]["url"].removeprefix("file://")).resolve() == course_dir.resolve()
    assert Path(facts["prefix"]).resolve() == venv.resolve()

    head = _run(["git", "-C", course_dir, "rev-parse", "HEAD"]).stdout.strip()
    assert head == released, "the first cell must fetch the pinned release, not the branch"

    after = pip_freeze(python)
    added = {name: after[name] for name in set(after) - set(before)}
    changed = {name: (before[name], after[name]) for name in set(before) & set(after) if before[name] != after[name]}
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert added == {"genmodels-course-helpers": version}
    assert not changed and set(before) <= set(after), f"the first cell changed Colab's packages: {changed}"
    assert after["torch"] == before["torch"] and after["numpy"] == before["numpy"]


def test_the_cached_environment_is_keyed_by_its_requirements(colab_base):
    assert colab_base.parent == VENVS and (colab_base / ".complete").read_text().split() == COLAB_PACKAGES
    assert sysconfig.get_python_version() in str(site_packages(colab_base))
