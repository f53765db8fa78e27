"""helpers.colab and the first cell that ``make release`` writes (autograder/release/colab_cell.py), without a notebook.

The whole Colab path, in a clean environment with a kernel, is tests/test_colab.py.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig
import types

import nbformat
import pytest

import helpers
from autograder.release import colab_cell as bootstrap
from harness import ROOT, assignments
from helpers import colab
from helpers import course as _course

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["course"]


# --- one source of truth -------------------------------------------------------------------------------


def test_the_copy_in_helpers_matches_tool_course():
    assert (_course.REPOSITORY, _course.REF) == (CONFIG["repository"], CONFIG["ref"]), "run `make release`"
    source = bootstrap.read_config(ROOT)
    assert (ROOT / "helpers" / "course.py").read_text() == bootstrap.course_module(source), "run `make release`"
    assert colab.configured_source() == source


def test_the_ref_is_the_tag_of_this_version():
    ref = CONFIG["ref"]
    if re.fullmatch(r"v\d+(\.\d+)*", ref):
        assert ref == f"v{helpers.__version__}", "[tool.course] ref should be the tag of helpers.__version__"
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        assert project["version"] == helpers.__version__


def test_the_released_notebooks_carry_the_current_setup_cell_and_badge():
    source = bootstrap.read_config(ROOT)
    released = [a for a in assignments() if (ROOT / bootstrap.notebook_path(a)).is_file()]
    assert released
    for assignment in released:
        nb = nbformat.read(ROOT / bootstrap.notebook_path(assignment), as_version=4)
        assert nb.cells[0].id == bootstrap.BADGE_ID, f"{assignment}: no badge cell first: run `make release`"
        assert nb.cells[0].source == bootstrap.badge_cell(assignment, source), f"{assignment}: run `make release`"
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert first_code.source == bootstrap.setup_cell(source), f"{assignment}: old setup cell: run `make release`"


def test_the_readme_table_is_up_to_date():
    text = (ROOT / "README.md").read_text()
    assert bootstrap.readme_table(text, assignments(), bootstrap.read_config(ROOT)) == text, "run `make release`"
    for assignment in assignments():
        assert colab.colab_url(bootstrap.notebook_path(assignment)) in text


# --- helpers.colab -------------------------------------------------------------------------------------


def test_in_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert colab.in_colab() is False
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert colab.in_colab() is True


def test_the_environment_overrides_the_configured_source(monkeypatch):
    monkeypatch.delenv("COURSE_REPO", raising=False)
    monkeypatch.delenv("COURSE_REF", raising=False)
    monkeypatch.delenv("COURSE_DIR", raising=False)
    assert colab.course_source() == colab.configured_source()
    assert str(colab.course_dir()) == "/content/genmodels-course"
    monkeypatch.setenv("COURSE_REPO", "https://github.com/someone/fork")
    monkeypatch.setenv("COURSE_REF", "v9.9.9")
    monkeypatch.setenv("COURSE_DIR", "/tmp/somewhere")
    assert colab.course_source() == colab.CourseSource("https://github.com/someone/fork", "v9.9.9")
    assert str(colab.course_dir()) == "/tmp/somewhere"


@pytest.mark.parametrize(
    "address", ["https://github.com/owner/name", "https://github.com/owner/name.git", "git@github.com:owner/name.git"]
)
def test_colab_urls(address):
    source = colab.CourseSource(address, "v1.2.3")
    url = colab.colab_url("notebooks/01_statistics/01_statistics.ipynb", source)
    assert url == "https://colab.research.google.com/github/owner/name/blob/v1.2.3/notebooks/01_statistics/01_statistics.ipynb"
    assert colab.badge_markdown("notebooks/x/x.ipynb", source).startswith(f"[![Open In Colab]({colab.BADGE_IMAGE})](")


def test_colab_needs_a_github_address():
    with pytest.raises(ValueError, match="GitHub"):
        _ = colab.CourseSource("https://gitlab.com/owner/name", "v1").github


# --- the setup cell ------------------------------------------------------------------------------------


def run_setup_cell(monkeypatch, tmp_path, in_colab: bool, existing: bool = False) -> tuple[list[list[str]], dict]:
    """Execute the setup cell with subprocess.run recorded instead of run; return (commands, namespace)."""
    calls: list[list[str]] = []
    monkeypatch.setattr("subprocess.run", lambda cmd, **kw: calls.append(list(cmd)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    course = tmp_path / "content" / "genmodels-course"
    if existing:
        (course / "helpers").mkdir(parents=True)
        (course / "helpers" / "__init__.py").write_text("")
    monkeypatch.setenv("COURSE_DIR", str(course))
    namespace: dict = {}
    exec(compile(bootstrap.setup_cell(bootstrap.read_config(ROOT)), "<setup>", "exec"), namespace)  # noqa: S102
    return calls, namespace


def test_outside_colab_the_setup_cell_does_nothing(monkeypatch, tmp_path):
    before = list(sys.path)
    calls, _ = run_setup_cell(monkeypatch, tmp_path, in_colab=False)
    assert calls == [] and sys.path == before and "COURSE_DATA_DIR" not in os.environ


def test_on_colab_the_setup_cell_fetches_the_release_and_installs_without_dependencies(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_REPO", "/srv/mirror.git")
    monkeypatch.delenv("COURSE_REF", raising=False)
    site_dirs: list[str] = []
    monkeypatch.setattr("site.addsitedir", site_dirs.append)
    calls, _ = run_setup_cell(monkeypatch, tmp_path, in_colab=True)
    course = str(tmp_path / "content" / "genmodels-course")
    assert calls[0][-3:] == ["init", "--quiet", course]
    assert calls[1][-2:] == ["/srv/mirror.git", CONFIG["ref"]] and "fetch" in calls[1]
    assert calls[2][-2:] == ["--quiet", "FETCH_HEAD"] and "checkout" in calls[2]
    pip = calls[3]
    assert pip[:4] == [sys.executable, "-m", "pip", "install"] and "--no-deps" in pip and pip[-2:] == ["-e", course]
    assert len(calls) == 4
    # the kernel re-reads the .pth files where pip put the editable install (tests/test_colab.py imports from it)
    assert site_dirs == [sysconfig.get_path("purelib")]
    assert os.environ["COURSE_DATA_DIR"] == os.path.join(course, "data")


def test_on_colab_a_second_run_fetches_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_REF", "abc1234")
    calls, namespace = run_setup_cell(monkeypatch, tmp_path, in_colab=True, existing=True)
    assert calls == [] and namespace["course_ref"] == "abc1234"
    assert os.environ["COURSE_DATA_DIR"].endswith(os.path.join("genmodels-course", "data"))


# --- the release step ----------------------------------------------------------------------------------


def notebook_with_old_setup() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("# Setup, part 1: the old text\nimport os"),
        nbformat.v4.new_code_cell("# Setup, part 2: imports"),
    ]
    return nb


def test_bootstrapping_a_notebook_is_idempotent():
    source = colab.CourseSource("https://github.com/owner/name", "v2.0.0")
    nb = notebook_with_old_setup()
    bootstrap.bootstrap_notebook(nb, "01_x", source)
    once = nbformat.writes(nb)
    bootstrap.bootstrap_notebook(nb, "01_x", source)
    assert nbformat.writes(nb) == once
    assert [c.id for c in nb.cells].count(bootstrap.BADGE_ID) == 1 and nb.cells[0].id == bootstrap.BADGE_ID
    assert "owner/name/blob/v2.0.0/notebooks/01_x/01_x.ipynb" in nb.cells[0].source
    assert nb.cells[2].source == bootstrap.setup_cell(source) and '"v2.0.0"' in nb.cells[2].source
    assert nb.cells[1].source == "# Title"


def test_a_notebook_without_a_setup_cell_is_refused():
    nb = notebook_with_old_setup()
    nb.cells[1].source = "import os"
    with pytest.raises(SystemExit, match="Setup, part 1"):
        bootstrap.bootstrap_notebook(nb, "01_x", colab.configured_source())


def test_the_readme_table_keeps_topics_and_adds_new_notebooks():
    source = colab.CourseSource("https://github.com/owner/name", "v3")
    text = (
        f"intro\n{bootstrap.README_BEGIN}\n| notebook | topics | open |\n| --- | --- | --- |\n"
        f"| `01_a` | the topics of a | old badge |\n{bootstrap.README_END}\noutro\n"
    )
    table = bootstrap.readme_table(text, ["01_a", "02_b"], source)
    assert "| [`01_a`](notebooks/01_a/01_a.ipynb) | the topics of a | [![Open In Colab]" in table
    assert "owner/name/blob/v3/notebooks/02_b/02_b.ipynb" in table and "old badge" not in table
    assert table.startswith("intro\n") and table.endswith("outro\n")
    assert bootstrap.readme_table(table, ["01_a", "02_b"], source) == table
