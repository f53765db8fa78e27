"""The kernel sandbox (autograder.kernel.sandbox) on its own: a kernel started by nbclient under bubblewrap runs a
cell and imports torch, sees none of the grading state, the solutions, the tests, .git or the home folder,
cannot reach a loopback port outside, has its limits, and leaves no process behind."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from threats import processes_with

from autograder.core import ROOT
from autograder.grading.screen import screen_source
from autograder.kernel.sandbox import SandboxedKernelManager, readable_roots, sandbox_problem

PROBLEM = sandbox_problem()
needs_sandbox = pytest.mark.skipif(PROBLEM is not None, reason=f"no sandbox here: {PROBLEM}")


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed (.ci/run installs it)")
def test_the_sandbox_starts_where_bubblewrap_is_installed():
    """Where bwrap is there, a sandbox that cannot start is a bug, not a reason to skip the threat tests (a course
    under /tmp once hid its own .venv behind the sandbox's /tmp, and every sandbox test was skipped)."""
    assert PROBLEM is None, PROBLEM


@needs_sandbox
def test_a_sandboxed_kernel_sees_and_reaches_nothing_outside(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    connections = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            connections.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    secret = tmp_path / "secret.txt"
    secret.write_text("the hidden tests")
    marker = f"left-behind-{uuid.uuid4().hex}"
    hidden = [str(secret), str(ROOT / "solutions"), str(ROOT / "tests"), str(ROOT / ".git"), str(ROOT / "grading")]
    home = os.path.expanduser("~")
    probe = f'''import json, os, resource, socket, subprocess, sys
import torch
found = {{p: os.path.exists(p) for p in {hidden!r}}}
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    network = "connected"
except OSError as error:
    network = type(error).__name__
child = subprocess.Popen(["sh", "-c", "sleep 600; : " + {marker!r}])
home = sorted(os.listdir({home!r})) if os.path.isdir({home!r}) else []
print(json.dumps({{"found": found, "network": network, "uid": os.getuid(), "pid": os.getpid(),
                   "memory": resource.getrlimit(resource.RLIMIT_AS)[0], "torch": torch.__version__,
                   "cwd": os.listdir("."), "home": home}}))
'''
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    work = tmp_path / "work"
    work.mkdir()
    (work / "visible-outside.txt").write_text("x")
    start = time.perf_counter()
    client = NotebookClient(nb, kernel_manager_class=SandboxedKernelManager, kernel_name="python3", timeout=120,
                            allow_errors=True, resources={"metadata": {"path": str(work)}})
    client.execute()
    seconds = time.perf_counter() - start
    stop.set()
    thread.join(5)
    listener.close()
    outputs = nb.cells[0].outputs
    assert [o for o in outputs if o.output_type == "error"] == [], outputs
    report = json.loads(next(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout"))
    print(f"sandboxed kernel: started, ran the cell and imported torch in {seconds:.1f} s; {report}")
    assert not any(report["found"].values()), report["found"]
    # of the home folder, at most the folders that lead to the Python interpreter bound into the sandbox
    allowed = {Path(r).relative_to(home).parts[0] for r in readable_roots() if Path(r).is_relative_to(home)}
    assert set(report["home"]) <= allowed, report["home"]
    assert report["network"] != "connected" and connections == []
    assert report["pid"] < 10, "the kernel has its own PID namespace"
    assert report["memory"] == 4 << 30
    assert report["cwd"] == [], "the working directory is a tmpfs of its own"
    if os.geteuid() == 0:
        assert report["uid"] != 0, "the kernel does not run as root"
    deadline = time.time() + 10
    while processes_with(marker) and time.time() < deadline:
        time.sleep(0.2)
    assert processes_with(marker) == [], "a process started in the sandbox outlived its kernel"


def test_grading_refuses_without_a_sandbox(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path), COURSE_STATE=str(tmp_path / "state"))
    env.pop("SANDBOX", None)
    hand_in = tmp_path / "state" / "submitted" / "alice" / "01_statistics"
    hand_in.mkdir(parents=True)
    (hand_in / "01_statistics.ipynb").write_text("{}")
    done = subprocess.run([sys.executable, "-m", "autograder.grading.grade"], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SANDBOX=off" in done.stdout + done.stderr and "bwrap" in done.stdout + done.stderr


# --- the judge against a kernel that lies (issue 25): one kernel per case ------------------------------------

SETUP = "# Setup, part 2\nimport math\nimport numpy as np\nfrom helpers import checks"
ANSWERS = "def double(x):\n    return 2 * x\n\n\ndef wrong(x):\n    return x + 1"
HIDDEN = "\n### BEGIN HIDDEN TESTS\n"
FAILS = 'checks.check_close(wrong(2.0), 4.0, "wrong(2)")' + HIDDEN + 'checks.check_close(wrong(5.0), 10.0, "w")'
PASSES = 'checks.check_close(double(2.0), 4.0, "double(2)")' + HIDDEN + 'checks.check_close(double(5.0), 10.0, "d")'

REBIND = '''import builtins, json, numpy


class _Yes:
    def __getattr__(self, name):
        return lambda *args, **kwargs: True


np = _Yes()  # the names the tests judge with, rebound in the kernel
checks = _Yes()
builtins.sorted = lambda items, *args, **kwargs: []
numpy.allclose = lambda *a, **k: True
'''
FORGE = '''import json
_real_serve = _course_serve


def _course_serve(request):  # the judge's calls answered with what a right answer would give to the visible test
    reply = json.loads(_real_serve(request))
    if "value" in reply and isinstance(reply["value"], float):
        reply["value"] = 4.0
    return json.dumps(reply)
'''
LIE = '''class _Liar(float):
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        import inspect
        for frame in inspect.stack():
            if "expected" in frame.frame.f_locals:
                return numpy.asarray(frame.frame.f_locals["expected"])


import numpy
wrong = lambda x: _Liar(x + 1)  # noqa: E731
'''


def run_judged(tmp_path: Path, attack: str) -> list:
    """The setup, the answers (``double`` right, ``wrong`` wrong), ``attack``, then a test cell of each through
    :class:`ResilientExecute` (sandboxed; the test cells in the judge): the two test cells' outputs."""
    from autograder.grading.preprocessors import ResilientExecute

    def cell(source: str, grade_id: str, test: bool) -> nbformat.NotebookNode:
        made = nbformat.v4.new_code_cell(source)
        made.metadata["nbgrader"] = {"grade": test, "grade_id": grade_id, "locked": test, "points": 1 if test else 0,
                                     "schema_version": 3, "solution": not test, "task": False}
        return made

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP), cell(ANSWERS, "answers", False),
                                         nbformat.v4.new_code_cell(attack), cell(FAILS, "fails", True),
                                         cell(PASSES, "passes", True)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    work = tmp_path / "work"
    work.mkdir()
    executor = ResilientExecute(timeout=60, kernel_name="python3")
    resources = {"metadata": {"path": str(work)}}
    executor.preprocess(nb, resources)
    verdicts = resources["course_verdicts"]
    assert nb.metadata["course_verdicts"] == verdicts
    return [verdicts["fails"]["points"], verdicts["passes"]["points"], nb.cells[3].outputs, nb.cells[4].outputs]


@needs_sandbox
@pytest.mark.parametrize("attack", ["REBIND", "FORGE", "LIE"])
def test_a_kernel_that_lies_decides_nothing(tmp_path, attack):
    """Rebinding the names tests judge with and the library functions they call, forging the kernel's replies, or
    returning objects that claim to equal anything: the wrong answer's test still earns nothing and the right one's
    its point. (A forger that returns what the visible test expects passes it, as a hard-coded answer would; the
    hidden test, with inputs it has not seen, fails it.)"""
    failing, passing, failing_out, _ = run_judged(tmp_path, globals()[attack])
    assert failing == 0.0, failing_out
    assert passing == (0.0 if attack == "FORGE" else 1.0)  # FORGE answers 4.0 to double(5.0) too


def test_the_screen_flags_a_guard_that_is_swapped_back_and_forth():
    """An attack the guard cannot see from inside the kernel (a wrapper that puts the real guard back while it runs
    and undoes its own tampering first): the screen flags what it is made of."""
    swap = '''import numpy as _n
_real_close = _n.allclose
for _name in [k for k in globals() if k.startswith("_autograder_restore_")]:
    _real = globals()[_name]
    def _wrapper(arm=True, nonce="", _real=_real, _name=_name):
        setattr(_n, "allclose", _real_close)
        globals()[_name] = _real
        report = _real(arm, nonce)
        globals()[_name] = _wrapper
        if arm:
            vars(_n)["allclose"] = lambda *a, **k: True
        return report
    globals()[_name] = _wrapper
'''
    whats = " ".join(what for _, what in screen_source(swap))
    assert "globals" in whats and "vars" in whats and "setattr() on the module" in whats, whats
