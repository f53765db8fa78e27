"""The pages a person opens and the files an LMS reads, from the shared grading run of ``tests/test_grading.py``
(its module of slower tests: its own scope, so that a second worker runs them while the first runs the rest): the
Canvas export, the feedback of an attacking hand-in and the formgrader's page of it in Debian's headless Chromium."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_grading import FIRST, handed_in

from harness import ROOT, graded_assignments

pytestmark = [pytest.mark.slow]


def test_export_to_canvas_from_the_gradebook(graded, tmp_path):
    """``make export LMS=canvas``: the gradebook's totals per student land in the roster's rows, one file per
    assignment, a row only for a student with a graded hand-in (the written answers are not graded here: --force)."""
    shared, expected, _, _ = graded
    course = tmp_path / "course"  # a copy: the export writes files and regenerates the feedback the other tests read
    shutil.copytree(shared, course, ignore=shutil.ignore_patterns("submitted", "staged"))  # not read by the export
    roster = tmp_path / "roster.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"
                      '"Reference, Rita",1,S1,reference,A\n"Blank, Bo",2,S2,blank,A\n"Absent, Al",3,S3,absent,A\n')
    env = dict(os.environ, COURSE_ROOT=str(course))
    env.pop("COURSE_STATE", None)
    args = [sys.executable, "-m", "autograder.results.export", "--lms", "canvas", "--roster", str(roster)]
    refused = subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=600)
    assert refused.returncode != 0 and "nobody has graded yet" in refused.stdout + refused.stderr
    done = subprocess.run([*args, "--force"], env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NOT GRADED YET" in done.stdout
    for assignment in graded_assignments():
        with (course / "grading" / "export" / f"canvas-{assignment}.csv").open(newline="", encoding="utf-8-sig") as f:
            by_login = {r["SIS Login ID"]: r for r in csv.DictReader(f)}
        assert set(by_login) == {"", "reference"} | ({"blank"} if handed_in("blank", assignment) else set())
        # autograded and manual points together: nothing is graded by hand here, so the autograded points
        assert float(by_login["reference"][assignment]) == pytest.approx(expected[("reference", assignment)])
        if handed_in("blank", assignment):
            assert float(by_login["blank"][assignment]) == 0
    assert "in the roster, no graded hand-in here (no row: the LMS keeps what it has): Absent, Al" in done.stdout
    assert "graded here, not in the roster: " in done.stdout and "colab-save" in done.stdout




def test_the_feedback_of_an_attacking_hand_in_runs_no_script_in_chromium(graded):
    """Issue 25, category 5: the feedback of the hand-ins with active content (a script, an event handler, JavaScript
    in outputs and in Markdown), opened in Debian's headless Chromium, offline: none of it runs."""
    import shutil as _shutil

    chromium = _shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    course, _, _, _ = graded
    pages = [course / "grading" / "feedback" / "active-content" / FIRST / f"{FIRST}.html"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())  # offline: nothing leaves this machine
            for path in pages:
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(300)
                assert page.evaluate("typeof window.pwned") == "undefined", path
                assert "PWNED" not in page.title(), path
                assert "PWNED-HTML" in page.content()  # the hand-in's output is there, as text
        finally:
            browser.close()


def test_the_formgrader_runs_no_script_of_a_hand_in_in_chromium(graded, tmp_path):
    """Issue 25, category 5: the formgrader's page of an attacking hand-in (logged in as the instructor, the Jupyter
    server's API within reach of any script on it), in Debian's headless Chromium: no script of the hand-in runs."""
    import secrets
    import shutil as _shutil
    import signal
    import urllib.request

    chromium = _shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from nbgrader.api import Gradebook
    from playwright.sync_api import sync_playwright

    course, _, _, _ = graded
    a = FIRST
    with Gradebook(f"sqlite:///{course / 'grading' / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(a, a, "active-content").id
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    env = dict(os.environ, COURSE_ROOT=str(course), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_DATA_DIR=str(tmp_path / "data"))
    env.pop("COURSE_STATE", None)
    command = [str(ROOT / ".venv" / "bin" / "jupyter"), "server", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=course, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)  # noqa: S310 - ours
                break
            except OSError:
                assert server.poll() is None, log.read_text()[-3000:]
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                           else route.abort())  # nothing leaves this machine
                page.goto(f"{base}/formgrader/submissions/{submission}/?token={token}", wait_until="load")
                page.wait_for_timeout(1000)
                assert "PWNED-HTML" in page.content() and "PWNED-MD" in page.content(), log.read_text()[-2000:]
                assert page.evaluate("typeof window.pwned") == "undefined"
                assert "PWNED" not in page.title()
            finally:
                browser.close()
    finally:
        if server.poll() is None:  # the server we started, by its process group
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)
