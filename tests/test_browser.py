"""A student's JupyterLab, in a real browser: ``make lab``, a notebook, Run All, the self-checks, Validate.

JupyterLab is started by the command a student types (``make lab``, with ``PORT`` and ``LAB_ARGS`` for a
headless run) in a copy of the course (so that saving touches nothing here), and driven in Debian's headless
Chromium through Playwright (never ``playwright install``: ``.ci/run`` installs the ``chromium`` package). The
test opens the first graded student notebook, runs all cells, and expects what a student sees in a fresh
notebook: the setup cells run, and the first check cell fails with ``NotImplementedError`` because the exercise
above it is still a stub. A screenshot is kept in ``build/screenshots/jupyterlab-<notebook>.png``. If nbgrader's
JupyterLab extension is installed, its *Validate* button is pressed too, and its verdict must be that tests
fail (``build/screenshots/jupyterlab-<notebook>-validate.png``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from harness import ROOT, graded_assignments, nbgrader_meta

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
COURSE_FILES = (
    "Makefile", "pyproject.toml", "README.md", "nbgrader_config.py", "autograder", "helpers", "data", "notebooks",
)
"""What a student's checkout holds that JupyterLab and nbgrader's Validate use."""
NBGRADER_LABEXTENSION = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
QUIET_LAB = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}
"""JupyterLab settings for a clean screenshot: no news or update toasts (nothing may reach the network)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def course_copy(target: Path) -> Path:
    """A checkout-like copy of the course that shares this checkout's .venv (set up by `make`)."""
    target.mkdir()
    for name in COURSE_FILES:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)  # keeps the mtime: `make` sees .venv up to date as it is here
    (target / ".venv").symlink_to(ROOT / ".venv")
    return target


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a server on 127.0.0.1 we started
        return json.loads(response.read())


def wait_until(condition, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log else ""
            raise AssertionError(f"`make lab` exited ({proc.returncode}) while waiting for {what}:\n{tail}")
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    tail = f":\n{log.read_text()[-3000:]}" if log else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{tail}")


@pytest.fixture
def lab(tmp_path):
    """`make lab` in a copy of the course; yields (base URL, token, course folder); stops the server after."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM}): `apt-get install chromium` (.ci/run does)")
    course = course_copy(tmp_path / "course")
    jupyter = tmp_path / "jupyter"
    for relative, settings in QUIET_LAB.items():
        path = jupyter / "settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if k not in {"NBGRADER_EXECUTION", "JUPYTER_PATH", "PYTHONPATH"}}
    env.update(
        JUPYTER_CONFIG_DIR=str(jupyter / "config"),
        JUPYTER_DATA_DIR=str(jupyter / "data"),
        JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(jupyter / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(jupyter / "workspaces"),
        COURSE_QUICK="1",  # short demonstrations: the browser, not the training, is under test
        SHARED_VENV="1",  # the copy shares this checkout's .venv on purpose (course_copy): make accepts it
    )
    lab_args = f"--no-browser --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    if os.geteuid() == 0:
        lab_args += " --allow-root"  # CI and containers run as root; a student's laptop does not
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            # -o: the shared .venv's stamp counts as up to date, whatever its age: `make setup` in the copy would
            # reinstall the course from the copy into this checkout's .venv (and the copy is deleted after the test)
            ["make", "--no-print-directory", "-o", ".venv/.installed", "lab", f"PORT={port}", f"LAB_ARGS={lab_args}"],
            cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: get_json(f"{base}/api/status?token={token}"), 180, "JupyterLab to start", proc, log)
        yield base, token, course
    finally:
        with_group = proc.pid  # the `make lab` process group we started (start_new_session)
        if proc.poll() is None:
            os.killpg(with_group, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(with_group, signal.SIGKILL)
                proc.wait(timeout=30)


def kernel_state(base: str, token: str, path: str) -> str | None:
    for session in get_json(f"{base}/api/sessions?token={token}"):
        if session.get("path") == path and session.get("kernel"):
            return session["kernel"].get("execution_state")
    return None


def test_a_student_notebook_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    base, token, course = lab
    assignment = next(a for a in graded_assignments() if (course / "notebooks" / a / f"{a}.ipynb").is_file())
    path = f"notebooks/{assignment}/{assignment}.ipynb"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"jupyterlab-{assignment}.png"
    start = time.perf_counter()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
            page.goto(f"{base}/lab/tree/{path}?token={token}", timeout=120_000)
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
            wait_until(lambda: kernel_state(base, token, path) == "idle", 120, "the kernel to start")

            # Run → Run All Cells, as a student does; JupyterLab stops at the first error.
            page.locator(".lm-MenuBar-item", has_text="Run").first.click()
            page.locator(".lm-Menu-item", has=page.get_by_text("Run All Cells", exact=True)).first.click()
            failure = page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", has_text="NotImplementedError"
            ).first
            failure.wait_for(timeout=300_000)
            wait_until(lambda: kernel_state(base, token, path) == "idle", 300, "the cells to finish")
            failure.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(shot))
            print(f"\nscreenshot: {shot}")

            validate = page.locator(".validate-button").first
            if NBGRADER_LABEXTENSION.is_dir():
                validate.wait_for(timeout=30_000)
            validated = validate.count() > 0 and validate.is_visible()
            if validated:
                validate.click()  # saves the notebook (in the copy), then runs nbgrader validate on the server
                message = page.locator("#validation-message")
                message.wait_for(timeout=600_000)
                page.screenshot(path=str(SCREENSHOTS / f"jupyterlab-{assignment}-validate.png"))
                verdict, classes = message.inner_text(), message.get_attribute("class") or ""
                page.locator(".jp-Dialog .jp-mod-accept").first.click()
            else:
                page.keyboard.press("Control+s")
                page.wait_for_timeout(2000)
        finally:
            browser.close()
    print(f"{assignment} in JupyterLab (make lab + Chromium): {time.perf_counter() - start:.1f} s"
          + ("" if validated else "; no Validate button in this JupyterLab"))

    # What the browser ran, as saved: the setup cells without error, then the first check fails on a stub.
    nb = nbformat.read(course / path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].execution_count is not None and code[1].execution_count is not None, "the setup cells did not run"
    errors = [(c, o) for c in code for o in c.outputs if o.get("output_type") == "error"]
    assert errors, "Run All showed no failing check"
    cell, error = errors[0]
    # The check calls the stub through helpers.checks.check_call: "calling f(...) raised NotImplementedError".
    assert error["ename"] == "NotImplementedError" or (
        error["ename"] == "AssertionError" and "raised NotImplementedError" in error["evalue"]
    ), f"the first error is {error['ename']}: {error['evalue']}"
    meta = nbgrader_meta(cell)
    assert meta.get("grade") and not meta.get("solution"), (
        f"the first error is not in a check cell: {cell.source[:200]}"
    )
    assert not any(o.get("output_type") == "error" for c in code[:2] for o in c.outputs)
    if validated:
        assert "validation-failed" in classes, f"Validate should report failing tests, said: {verdict[:500]}"
        assert "The following cell failed" in verdict and "NotImplementedError" in verdict, verdict[:500]
