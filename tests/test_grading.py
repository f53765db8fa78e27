"""Grading through the same path as ``make grade``, for every assignment, with the hand-ins that really arrive,
each for one cause and named for it: the reference answers and answers that lie in every assignment; in one
assignment each a Colab save, answers that write to stderr, differently written right answers, edited tests,
replaced comparison functions, hidden failures, answers that cheat when called, each category of attack on the
judge, a dead kernel, an escape from the sandbox, a runaway cell, exits; files that are not notebooks in every
assignment. A hand-in that fails its test names its cause. One grading run (all hand-ins, two at once) serves every
test in this module."""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
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
from threats import (
    JUDGE_ATTACK_MARKDOWN,
    attempts,
    cheat_on_call,
    escape_cells,
    hide_cell,
    judge_attack,
    liar,
    processes_with,
)

from autograder.core import copy_course, is_test
from autograder.grading.repair import defined_names
from autograder.kernel.sandbox import readable_roots, sandbox_problem
from autograder.release.notebooks import blank_hand_in, reference_hand_in
from autograder.results import class_report
from harness import ROOT, graded_assignments, load_mutants, nbgrader_meta, run_tests

SANDBOX = sandbox_problem() is None
"""Threat hand-ins are built and graded only where the kernels can be sandboxed (else: SANDBOX=off, skipped)."""
needs_sandbox = pytest.mark.skipif(not SANDBOX, reason=f"no sandbox: {sandbox_problem()}")

FIRST = graded_assignments()[0]
"""The assignment (the cheapest to grade: NumPy, seconds) that gets the hand-ins whose cause does not depend on the
notebook: its code is inserted, the same in every notebook, and is caught by the same mechanism (the repair, the
screen, the judge, the kernel, the sandbox, the executor), so one assignment tries it; each grading costs a kernel,
its imports and the notebook's cells."""
TORCH = graded_assignments()[2]
"""A torch assignment (modules, tensors) that also gets the hand-ins whose answers return what the judge decodes:
answers that lie, and differently written right ones."""

EVERYWHERE = ("reference", "garbage", "empty", "wrongnb")
"""The hand-ins of every assignment: its reference answers (full marks through the real grading path), and three
files that cannot be graded (no kernel)."""
CASES = {
    "liar": (FIRST, TORCH), "blank": (FIRST,), "right-rewritten": (FIRST, TORCH), "colab-save": (FIRST,),
    "stderr": (FIRST,),
    "edited-tests": (FIRST,), "replaced-checks": (FIRST,), "hidden-failures": (FIRST,), "cheats-on-call": (FIRST,),
    "fake-grades": (FIRST,), "hooks": (FIRST,), "memory": (FIRST,), "active-content": (FIRST,),
    "dead-kernel": (FIRST,), "escape": (FIRST,), "runaway": (FIRST,), "exits": (FIRST,),
}
"""The other hand-ins, each with one cause, and the assignments that get it. ``liar``: the released stubs whose
answers return objects that claim to equal anything (issue 25's category 3); ``blank``: the untouched notebook (its
stubs score 0 in every assignment in-process, tests/test_mutants.py)."""
ATTACKS = {"fake-grades": "outputs read as a grade", "hooks": "hooks", "memory": "memory",
           "active-content": "active content"}
"""The hand-ins of issue 25's categories 1, 2, 4 and 5 (tests/threats.py), each one category."""


def handed_in(student: str, assignment: str) -> bool:
    """Whether :func:`build_hand_ins` writes ``student``'s hand-in of ``assignment``."""
    return student in EVERYWHERE or assignment in CASES.get(student, ())


GOLDEN = Path(__file__).resolve().parent / "golden"
GOLDEN_ASSIGNMENT = "golden_01_statistics"
GOLDEN_COLUMNS = ["student", "assignment", "autograded", "max_autograded", "status", "repaired", "flags", "detail"]

# One grading run serves the whole module (the `graded` fixture; --dist loadscope keeps its tests on one worker).
pytestmark = [pytest.mark.slow]

TAMPER = '''import math
import numpy as np
import torch
import numpy.testing
import torch.testing
from helpers import checks
np.allclose = lambda *a, **k: True
np.isclose = lambda a, b, *x, **k: np.ones(np.broadcast(np.asarray(a), np.asarray(b)).shape, dtype=bool)
math.isclose = lambda *a, **k: True
torch.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
torch.testing.assert_close = lambda *a, **k: None
for _name in dir(checks):
    if _name.startswith("check"):
        setattr(checks, _name, lambda *a, **k: None)
'''
NOISY = '''

import functools as _functools
import warnings as _warnings

from tqdm import tqdm as _tqdm


def _noisy(function):
    last_cell = [None]

    @_functools.wraps(function)
    def wrapper(*args, **kwargs):  # a library that warns and shows a progress bar (stderr) in each cell that calls it
        if last_cell[0] != len(In):  # IPython's input history: one more entry for every cell run
            last_cell[0] = len(In)
            _warnings.warn("a deprecation warning from a library", UserWarning, stacklevel=1)
            for _ in _tqdm(range(1)):
                pass
        return function(*args, **kwargs)
    return wrapper


{name} = _noisy({name})
'''
KILL = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"


def graded_tests(nb):
    return [(i, nbgrader_meta(c)) for i, c in enumerate(nb.cells) if is_test(c)]


def code_cell(source):
    return nbformat.v4.new_code_cell(source)


def first_wrong(assignment):
    module = load_mutants(assignment)
    return {cell_id: next(iter(variants.values())) for cell_id, variants in module.WRONG.items()}


def colab_save(nb):
    """What Colab hands back: nbformat 4.0, no cell ids, no nbgrader metadata, Colab's own metadata."""
    raw = json.loads(nbformat.writes(nb))
    raw["nbformat_minor"] = 0
    raw["metadata"] = {"colab": {"provenance": [], "toc_visible": True},
                       "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for index, cell in enumerate(raw["cells"]):
        cell.pop("id", None)
        cell["metadata"] = {"id": f"colab{index:04d}x"}
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(raw)


def build_hand_ins(course: Path, port: int = 0, marker: str = "") -> dict:
    """Write every hand-in (:data:`EVERYWHERE`, :data:`CASES`); return what each should score (None: see its test).

    ``port`` is a loopback port the test listens on and ``marker`` the word in the command line of every
    process the escaping hand-in tries to leave behind.
    """
    expected = {}

    def put(student, assignment, content, name=None):
        folder = course / "grading" / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else nbformat.writes(content)
        (folder / (name or f"{assignment}.ipynb")).write_text(text)

    names = graded_assignments()
    for position, a in enumerate(names):
        ref = reference_hand_in(a)
        tests = graded_tests(ref)
        full = sum(m["points"] for _, m in tests)
        first_answer = next(i for i, c in enumerate(ref.cells) if nbgrader_meta(c).get("solution"))

        def with_cells(base, sources, at=first_answer):
            """``base`` with code cells of ``sources`` inserted before its first answer (or at ``at``)."""
            nb = copy.deepcopy(base)
            for source in reversed(sources):
                nb.cells.insert(at, code_cell(source))
            return nb

        def answers(base, sources):
            """``base`` with its answer cells replaced by ``sources`` (grade_id -> code)."""
            nb = copy.deepcopy(base)
            for cell in nb.cells:
                if nbgrader_meta(cell).get("grade_id") in sources:
                    cell.source = sources[nbgrader_meta(cell)["grade_id"]]
            return nb

        expected[("reference", a)] = full
        put("reference", a, ref)
        put("garbage", a, "this is not a notebook")
        put("empty", a, "")
        other = names[(position + 1) % len(names)]
        if other != a:
            put("wrongnb", a, blank_hand_in(other))

        # the released stubs whose answers return objects that claim to equal anything (issue 25, category 3)
        if handed_in("liar", a):
            liars = blank_hand_in(a)
            for cell in liars.cells:
                if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
                    defined = [n for n in defined_names(cell.source) if not n.startswith("_")]
                    cell.source = "".join(liar(n) for n in defined) if defined else cell.source
            expected[("liar", a)] = 0
            put("liar", a, liars)
        # the untouched notebook
        if handed_in("blank", a):
            expected[("blank", a)] = 0
            put("blank", a, blank_hand_in(a))
        # RIGHT mutants (answers written differently from the solution, tests/mutants/): full marks
        if handed_in("right-rewritten", a):
            expected[("right-rewritten", a)] = full
            put("right-rewritten", a, answers(ref, {k: next(iter(v.values()))
                                                    for k, v in load_mutants(a).RIGHT.items()}))
        if a != FIRST:
            continue

        # what Colab hands back, renamed: repaired, full marks
        expected[("colab-save", a)] = full
        put("colab-save", a, colab_save(ref), name=f"Copy of {a}.ipynb")
        # right answers every function of which warns and shows a progress bar (on stderr) in each cell that calls it
        noisy = copy.deepcopy(ref)
        for cell in noisy.cells:
            if nbgrader_meta(cell).get("solution") and cell.cell_type == "code":
                functions = [n for n in defined_names(cell.source) if f"def {n}(" in cell.source]
                cell.source += "".join(NOISY.format(name=n) for n in functions)
        expected[("stderr", a)] = full
        put("stderr", a, noisy)
        # the tests edited: replaced by `pass`, metadata cleared and changed, the last one deleted: the released tests
        # run, the deleted one fails
        edited = copy.deepcopy(ref)
        deleted_index, deleted_meta = tests[-1]
        for index, _ in tests[:-1]:
            edited.cells[index].source = "pass  # the student's version of the test"
        edited.cells[tests[0][0]].metadata.pop("nbgrader")
        if len(tests) > 2:
            edited.cells[tests[1][0]].metadata["nbgrader"]["points"] = 100
        del edited.cells[deleted_index]
        expected[("edited-tests", a)] = full - deleted_meta["points"]
        put("edited-tests", a, edited)

        # wrong answers (every other one), three ways to make them pass: what they score without them
        wrong = dict(list(first_wrong(a).items())[::2])
        honest = run_tests(a, wrong)
        assert 0 < honest.score < honest.max_score, "the wrong answers must lose some points and keep others"
        wrongs = answers(ref, wrong)
        expected[("replaced-checks", a)] = honest.score  # comparison functions replaced in the kernel
        put("replaced-checks", a, with_cells(wrongs, [TAMPER]))
        # issue 16's threat 2: every way to hide failures in the kernel; it also rebinds np and checks in its own
        # kernel, which may break its own right answers: it must gain nothing (see its test)
        expected[("hidden-failures", a)] = honest.score
        put("hidden-failures", a, with_cells(wrongs, [hide_cell()]))
        cheats = {}
        for grade_id, source in wrong.items():
            functions = [n for n in defined_names(source) if f"def {n}(" in source]
            cheats[grade_id] = cheat_on_call(source, functions[0]) if functions else source
        expected[("cheats-on-call", a)] = honest.score
        put("cheats-on-call", a, answers(ref, cheats))

        # issue 25: each category of attack on the judge in a hand-in of its own. On the stubs (which fail every
        # visible check) it would gain points if anything of the kernel decided them; on the reference's answers a
        # hidden test calls into the kernel, which the memory attack records and the active content tries to show
        for student, category in ATTACKS.items():
            cell, last = judge_attack(category)
            base = blank_hand_in(a) if student in ("fake-grades", "hooks") else ref
            attacked = with_cells(base, [cell])
            if student == "active-content":
                attacked.cells.insert(first_answer, nbformat.v4.new_markdown_cell(JUDGE_ATTACK_MARKDOWN))
            if last:
                attacked.cells.append(code_cell(last))
            expected[(student, a)] = 0 if base is not ref else full
            put(student, a, attacked)

        # a dead kernel after the second test cell: the tests before it keep their points
        expected[("dead-kernel", a)] = sum(m["points"] for _, m in tests[:2])
        put("dead-kernel", a, with_cells(ref, [KILL], at=tests[1][0] + 1))
        # issue 16's threats 1 and 3 before the reference's answers: reaching outside the hand-in, leaving processes
        # behind (that must not outlive even a killed kernel), exhausting memory, processes and disk. Only where
        # there is a sandbox: the threats must not run unconfined
        if SANDBOX:
            state = course / "grading"
            other_hand_in = state / "submitted" / "reference" / a / f"{a}.ipynb"
            expected[("escape", a)] = full
            put("escape", a, with_cells(ref, escape_cells(state, ROOT, other_hand_in, port, marker)))
        # runaway cells: an endless sleeping loop (a hang) in a cell of its own after the first test, a busy one after
        # the second: the cell limit (wall time, SIGALRM) stops both, the second sooner (a cell was stopped already:
        # a few seconds of a core, not the whole limit); the answers keep their points
        expected[("runaway", a)] = full
        put("runaway", a, with_cells(with_cells(ref, ["while True:\n    pass"], at=tests[1][0] + 1),
                                     ["import time\nwhile True:\n    time.sleep(0.05)"], at=tests[0][0] + 1))
        # sys.exit() and os._exit() in cells of their own: the kernel goes on, the answers keep their points
        expected[("exits", a)] = full
        put("exits", a, with_cells(ref, ["import sys\nsys.exit(3)", "import os\nos._exit(1)"], at=tests[0][0] + 1))

    # the golden hand-ins (tests/test_golden.py), of their own frozen assignment
    frozen = course / "solutions" / GOLDEN_ASSIGNMENT
    frozen.mkdir()
    shutil.copyfile(GOLDEN / GOLDEN_ASSIGNMENT / "source.ipynb", frozen / f"{GOLDEN_ASSIGNMENT}.ipynb")
    shutil.copytree(GOLDEN / "submitted", course / "grading" / "submitted", dirs_exist_ok=True)
    (course / "grading" / "canary.txt").write_text("a file beside the grading state")
    return expected


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by path relative to it."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class Listener:
    """A loopback port that counts the connections it receives, until :meth:`close` (bounded by its own loop)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.received = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        deadline = time.monotonic() + 3600
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.received += 1
            connection.close()

    def close(self) -> int:
        self._stop.set()
        self._thread.join(5)
        self.socket.close()
        return self.received


JOBS = 3
"""The shared run's grading jobs at once: one more than the two cores, as ``make grade``'s default (a job waits on its
kernel, and the kernel on its job); the run and the tests that read it are the longest chain of ``make test``."""
RUN = ROOT / "build" / "grading-run"
"""The shared grading run's folder: its scratch course, its log, its pid and its outcome (``done.json``)."""


def run_id() -> str:
    """This test session's id: the same in every xdist worker of one ``pytest -n``."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"


def start_shared_run() -> None:
    """Start the shared grading run in the background, once per test session (the first worker to get here): it
    grades while the other test files run. ``tests/conftest.py`` calls this when the session collects a test that
    uses :func:`graded`, and ends the run by its pid when the session ends."""
    RUN.mkdir(parents=True, exist_ok=True)
    rid = run_id()
    try:
        os.close(os.open(RUN / f"started-{rid}", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    for old in RUN.glob("started-*"):
        if old.name != f"started-{rid}":
            old.unlink(missing_ok=True)
    (RUN / "done.json").unlink(missing_ok=True)
    with (RUN / "run.log").open("w") as log:
        process = subprocess.Popen([sys.executable, __file__, rid], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    (RUN / "pid").write_text(f"{process.pid} {rid}")


def stop_shared_run() -> None:
    """End the shared grading run of this session if it still runs (by its pid, checked against its command line)."""
    pid_file = RUN / "pid"
    if not pid_file.is_file():
        return
    pid, rid = pid_file.read_text().split()
    if rid != run_id():
        return
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return
    if rid.encode() in command and Path(__file__).name.encode() in command:
        os.killpg(int(pid), 9)


def shared_run(rid: str) -> None:
    """The shared grading run (``python tests/test_grading.py RUN_ID``): every hand-in written into a scratch copy of
    the course, graded by ``autograder.grading.grade`` (two jobs), the outcome written to ``done.json``."""
    shutil.rmtree(RUN / "course", ignore_errors=True)
    course = copy_course(RUN / "course")
    listener = Listener()
    marker = f"left-behind-{uuid.uuid4().hex}"
    outcome: dict = {"run": rid}
    try:
        expected = build_hand_ins(course, listener.port, marker)
        before = digests(course / "grading" / "submitted")
        # a cell limit of 30 s (after a stopped cell 7 s): the longest cell of a right hand-in took 12 s here in
        # autograde mode with both pytest workers busy (05's shapes: training and the entropy estimate)
        env = dict(os.environ, COURSE_ROOT=str(course), COURSE_CELL_LIMIT="30",
                   SANDBOX="on" if SANDBOX else "off")  # no sandbox here: graded unsandboxed, no threats built
        for name in ("COURSE_STATE", "SCHEDULER"):  # the scratch course's own grading/, local processes
            env.pop(name, None)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "autograder.grading.grade", "--jobs", str(JOBS)],
                              env=env, capture_output=True, text=True, check=False, timeout=3600)
        outcome.update(seconds=time.monotonic() - started, stdout=done.stdout, stderr=done.stderr[-6000:],
                       returncode=done.returncode, submitted_before=before,
                       submitted_after=digests(course / "grading" / "submitted"),
                       expected=[[student, assignment, value] for (student, assignment), value in expected.items()])
    except Exception:  # noqa: BLE001 - the tests report it
        import traceback

        outcome.update(returncode=-1, stdout="", stderr=traceback.format_exc())
    finally:
        outcome["connections"] = listener.close()
        outcome["left"] = processes_with(marker)
        for pid in outcome["left"]:  # a failed test must not leave them running: ended by their pids
            os.kill(pid, 9)
        (RUN / "done.json.tmp").write_text(json.dumps(outcome))
        (RUN / "done.json.tmp").replace(RUN / "done.json")


def shared_outcome() -> tuple:
    """The shared grading run's outcome (started by :func:`start_shared_run`; waited for here, up to an hour): the
    scratch course, what each hand-in should score, report.csv's rows by (student, assignment), make grade's output.
    The fixture ``graded`` (tests/conftest.py) gives it to the tests of this module and of test_grading_pages.py."""
    start_shared_run()  # a no-op when the session has started it already
    done_file = RUN / "done.json"
    deadline = time.monotonic() + 3600
    while not (done_file.is_file() and json.loads(done_file.read_text())["run"] == run_id()):
        assert time.monotonic() < deadline, "the shared grading run took over an hour"
        time.sleep(1)
    result = json.loads(done_file.read_text())
    print(f"the shared grading run took {result.get('seconds', 0):.0f} s", result["stdout"][-6000:],
          result["stderr"][-3000:])
    assert result["returncode"] == 0, result["stdout"][-6000:] + result["stderr"]
    course = RUN / "course"
    expected = {(student, assignment): value for student, assignment, value in result["expected"]}
    with (course / "grading" / "report.csv").open(newline="") as handle:
        report = {(r["student"], r["assignment"]): r for r in csv.DictReader(handle)}
    return course, expected, report, result["stdout"]


def score(report, student, assignment):
    row = report[(student, assignment)]
    return float(row["autograded"]) if row["autograded"] else None


SCORED = [(s, a) for s in ("reference", *CASES) for a in graded_assignments()
          if handed_in(s, a) and s != "escape"]
"""The hand-ins whose score is known (the escape's is checked with its threats, where there is a sandbox)."""


@pytest.mark.parametrize(("student", "assignment"), SCORED)
def test_hand_in_scores_what_it_deserves(graded, assignment, student):
    _, expected, report, _ = graded
    got = score(report, student, assignment)
    if student == "hidden-failures":  # what it rebinds in its own kernel (np, checks) can break its own right answers
        assert got <= expected[(student, assignment)], report[(student, assignment)]
    else:
        assert got == pytest.approx(expected[(student, assignment)]), report[(student, assignment)]


def test_a_dead_kernel_keeps_the_points_of_the_tests_before_it(graded):
    _, expected, report, _ = graded
    row = report[("dead-kernel", FIRST)]
    assert score(report, "dead-kernel", FIRST) == pytest.approx(expected[("dead-kernel", FIRST)]), row
    assert "kernel died" in row["flags"]


def test_repairs_and_flags_are_reported(graded):
    _, _, report, _ = graded
    for assignment in graded_assignments():
        assert report[("reference", assignment)]["flags"] == ""
    repaired = report[("colab-save", FIRST)]["repaired"]
    assert "Colab" in repaired and "renamed" in repaired
    assert report[("stderr", FIRST)]["flags"] == "", "warnings and progress bars are no cause for a look"
    edited = report[("edited-tests", FIRST)]["flags"]
    assert "test cells edited" in edited and "missing" in edited and "cleared" in edited
    for student in ("replaced-checks", "cheats-on-call"):  # what they replace changes nothing: the judge compares
        assert "screen:" in report[(student, FIRST)]["flags"], student


def test_a_runaway_cell_is_stopped_and_named(graded):
    _, expected, report, _ = graded
    row = report[("runaway", FIRST)]
    assert row["status"] == "timed out" and "too long" in row["flags"], row
    assert float(row["autograded"]) == expected[("runaway", FIRST)], row


def test_exits_are_named_and_cost_nothing(graded):
    _, expected, report, _ = graded
    row = report[("exits", FIRST)]
    assert "os._exit" in row["flags"] and "sys.exit" in row["flags"], row
    assert float(row["autograded"]) == expected[("exits", FIRST)], row


@pytest.mark.parametrize("assignment", graded_assignments())
def test_the_reference_runs_every_cell_without_an_error(graded, assignment):
    """Every cell of the reference hand-in ran without an error in its sandboxed kernel, at the budgets of grading (the
    quick ones, as tests/test_colab.py's quick runs: the demonstrations and their claims too)."""
    course, _, report, _ = graded
    assert report[("reference", assignment)]["status"] == "graded"
    nb = nbformat.read(course / "grading" / "autograded" / "reference" / assignment / f"{assignment}.ipynb",
                       as_version=4)
    errors = [(index, o.get("ename"), str(o.get("evalue", ""))[:300]) for index, c in enumerate(nb.cells)
              if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == [], errors


@pytest.mark.parametrize("assignment", graded_assignments())
def test_files_that_cannot_be_graded_get_a_clear_row(graded, assignment):
    _, _, report, _ = graded
    assert report[("garbage", assignment)]["detail"] == "not a notebook (not JSON)"
    assert report[("empty", assignment)]["detail"] == "empty file"
    if len(graded_assignments()) > 1:
        assert report[("wrongnb", assignment)]["detail"].startswith("wrong notebook")
    for student in ("garbage", "empty"):
        assert report[(student, assignment)]["status"] == "not graded"


FAILING = ("blank", "liar", "replaced-checks", "hidden-failures", "cheats-on-call")
"""Hand-ins with failing tests, whose feedback shows the failures."""


def test_grades_csv_and_feedback_without_hidden_tests(graded):
    course, _, _, stdout = graded
    grades = (course / "grading" / "grades.csv").read_text()
    assert "reference" in grades and "colab-save" in grades
    assert "need a look" in stdout
    for student, assignment in [(s, a) for a in graded_assignments() for s in FAILING if handed_in(s, a)]:
        feedback = course / "grading" / "feedback" / student / assignment / f"{assignment}.html"
        html = feedback.read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "hidden tests: their code is not shown" in html
        for line in hidden_lines(assignment):
            assert line not in html, f"feedback shows hidden test code: {line}"


def test_collect_from_an_lms_download(tmp_path):
    course = copy_course(tmp_path / "course")
    a = graded_assignments()[0]
    download = tmp_path / "download"
    download.mkdir()
    nbformat.write(blank_hand_in(a), download / f"alice_{a}.ipynb")
    nbformat.write(blank_hand_in(a), download / "bob_my attempt.ipynb")
    (download / "carol.ipynb").write_text("{}")
    (download / "dave_notes.txt").write_text("notes")
    env = dict(os.environ, COURSE_ROOT=str(course))
    env.pop("COURSE_STATE", None)
    done = subprocess.run([sys.executable, "-m", "autograder.grading.collect", a, str(download)],
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    submitted = course / "grading" / "submitted"
    assert (submitted / "alice" / a / f"{a}.ipynb").is_file()
    assert (submitted / "bob" / a / "my attempt.ipynb").is_file()
    assert "NOT COLLECTED  carol.ipynb" in done.stdout and "NOT COLLECTED  dave_notes.txt" in done.stdout


def test_golden_hand_ins_are_graded_as_expected(graded):
    """The committed golden hand-ins get the committed report rows (``UPDATE_GOLDEN=1`` rewrites them)."""
    _, _, report, _ = graded
    got = [{k: report[(case, GOLDEN_ASSIGNMENT)][k] for k in GOLDEN_COLUMNS} for case in ("colab", "tampered")]
    path = GOLDEN / "expected" / "report.csv"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, GOLDEN_COLUMNS)
            writer.writeheader()
            writer.writerows(got)
    with path.open(newline="") as handle:
        assert got == list(csv.DictReader(handle))
    colab, tampered = got
    # why the expected rows are right: a right answer (one written differently) earns every point; the wrong
    # gaussian_mle loses exactly the points of its own test, whatever the replaced comparison functions say
    source = nbformat.read(GOLDEN / GOLDEN_ASSIGNMENT / "source.ipynb", as_version=4)
    points = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"] for c in source.cells if is_test(c)}
    assert float(colab["autograded"]) == float(colab["max_autograded"]) == sum(points.values())
    assert float(tampered["autograded"]) == sum(points.values()) - points["test_gaussian_mle"]
    assert "screen:" in tampered["flags"] and "Colab" in colab["repaired"]


# --- issue 16: the threats ----------------------------------------------------------------------------------


@needs_sandbox
def test_nothing_outside_the_sandboxes_was_read_or_changed(graded):
    """No connection reached the test's loopback port, no process outlived its kernel, every hand-in as it came,
    the file beside the grading state and the gradebook untouched by the escaping hand-ins."""
    course, _, _, _ = graded
    outside = json.loads((RUN / "done.json").read_text())
    assert outside["connections"] == 0
    assert outside["left"] == []
    assert outside["submitted_before"] == outside["submitted_after"]
    state = course / "grading"
    assert (state / "canary.txt").read_text() == "a file beside the grading state"
    data = (state / "gradebook.db").read_bytes()
    assert b"CHEAT" not in data and b"LATER" not in data


BLOCKED = ("read the gradebook", "write the gradebook", "write another student's hand-in", "list the hand-ins",
           "write a file beside the grading state", "read solutions/", "read tests/", "read .git",
           "connect to a loopback port", "allocate 8 GiB", "write 2 GiB to big.bin", "write 2 GiB to /tmp/big.bin",
           "start 2000 threads", "fork one more process")


@needs_sandbox
def test_escaping_hand_in_is_contained_and_flagged(graded):
    course, expected, report, _ = graded
    assignment = FIRST
    row = report[("escape", assignment)]  # the escape attempts, then the reference's answers
    assert float(row["autograded"]) == expected[("escape", assignment)], row
    assert "screen:" in row["flags"] and "subprocess" in row["flags"], row["flags"]
    nb = nbformat.read(course / "grading" / "autograded" / "escape" / assignment / f"{assignment}.ipynb",
                       as_version=4)
    tried = attempts(nb)
    assert set(BLOCKED) <= set(tried), tried
    assert {k: v for k, v in tried.items() if k in BLOCKED and not v.startswith("blocked")} == {}
    # the home folder: at most the folders that lead to the Python interpreter bound into the sandbox
    home = Path.home()
    allowed = {Path(r).relative_to(home).parts[0] for r in readable_roots() if Path(r).is_relative_to(home)}
    seen = tried["list the home folder"]
    assert seen.startswith("blocked") or set(eval(seen.removeprefix("DONE "))) <= allowed, seen  # noqa: S307


def test_hiding_hand_in_gains_nothing_and_is_flagged(graded):
    _, expected, report, _ = graded
    row = report[("hidden-failures", FIRST)]  # the hiding techniques, then wrong answers
    assert float(row["autograded"]) <= expected[("hidden-failures", FIRST)], row  # it gains nothing
    flags = row["flags"]
    assert "screen:" in flags and "get_ipython" in flags  # for the instructor to see; the judge needs no flag


@pytest.mark.parametrize("assignment", graded_assignments())
def test_right_mutants_and_reference_keep_full_marks_unflagged(graded, assignment):
    _, expected, report, _ = graded
    for student in (s for s in ("reference", "right-rewritten") if handed_in(s, assignment)):
        row = report[(student, assignment)]
        assert float(row["autograded"]) == expected[(student, assignment)], row
        assert row["flags"] == "", row


def test_the_kernels_side_is_no_cell_of_the_autograded_notebook_nor_of_the_feedback(graded):
    course, _, _, _ = graded
    for assignment in graded_assignments():
        nb = nbformat.read(course / "grading" / "autograded" / "reference" / assignment / f"{assignment}.ipynb",
                           as_version=4)
        assert not any("_course_serve" in c.source or "def install(" in c.source for c in nb.cells)
        html = (course / "grading" / "feedback" / "reference" / assignment / f"{assignment}.html").read_text()
        assert "_course_serve" not in html and "MAX_REPLY" not in html


def hidden_lines(assignment: str) -> list[str]:
    """The distinctive lines of ``assignment``'s hidden tests: over 30 characters, and found nowhere else in the
    notebook (a line such as ``with np.errstate(divide="ignore"):`` is also in answers, which may show it)."""
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    hidden_parts, other = [], []
    for cell in source.cells:
        if "### BEGIN HIDDEN TESTS" in cell.source:
            head, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            hidden, _, tail = rest.partition("### END HIDDEN TESTS")
            hidden_parts.append(hidden)
            other += [head, tail]
        else:
            other.append(cell.source)
    elsewhere = "\n".join(other)  # a hidden line inside a longer line elsewhere is no evidence either
    return [line.strip() for hidden in hidden_parts for line in hidden.strip().splitlines()
            if len(line.strip()) > 30 and line.strip() not in elsewhere]


ATTACKING = [(s, a) for s in ("liar", *ATTACKS) for a in graded_assignments() if handed_in(s, a)]


@pytest.mark.parametrize(("student", "assignment"), ATTACKING)
def test_attacks_on_the_judge_gain_nothing_and_learn_nothing(graded, student, assignment):
    """Issue 25: each category of attack (tests/threats.py) in a hand-in of its own scores what its answers deserve
    (test_hand_in_scores_what_it_deserves); the hidden tests' source never reached the kernel (not in what it
    printed), nothing the kernel learned reaches the feedback, whose HTML holds no active content from the hand-in."""
    course, _, report, _ = graded
    state = course / "grading"
    nb = nbformat.read(state / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
    printed = "\n".join(str(o.get("text", "")) + str(o.get("data", "")) for c in nb.cells if c.cell_type == "code"
                        for o in c.get("outputs", []))
    if student in ("hooks", "memory"):
        assert "LEAK" in printed, "the attack's last cell ran"
    for line in hidden_lines(assignment):
        assert line not in printed, f"the kernel saw hidden test code: {line}"
    assert "BEGIN HIDDEN" not in printed
    for output in (o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])):
        assert set(output.get("data", {})) <= {"text/plain", "image/png", "image/jpeg"}, output
    html = (state / "feedback" / student / assignment / f"{assignment}.html").read_text()
    verdicts = nb.metadata["course_verdicts"]
    if any(not v["failed"] or v["hidden"] for v in verdicts.values()):  # a hidden test called into the kernel:
        # its source is in the feedback, the output of every later kernel cell is not
        assert any(c.metadata.get("course", {}).get("after_hidden_tests") for c in nb.cells)
        assert "LEAK requests: [" not in html and "LEAK memory: [" not in html
    else:  # stubs fail every visible check first: no hidden test ever called into their kernel
        assert student in ("liar", "fake-grades", "hooks")
        assert not any(c.metadata.get("course", {}).get("after_hidden_tests") for c in nb.cells)
    if student == "memory":
        assert "LEAK requests: [" in printed, "the kernel recorded the hidden tests' calls (the instructor sees them)"
    for line in hidden_lines(assignment):
        assert line not in html, f"feedback shows hidden test code: {line}"
    assert "<script>document.title" not in html and "javascript:window" not in html
    assert not re.search(r"<script[^>]*>[^<]*window\.pwned", html)  # the JavaScript output is gone (its source
    # stays, highlighted as code)


def test_the_class_report_of_the_shared_grading_run(graded):
    """``make grade``'s own class report (autograder/results/class_report.py, tested on made-up classes in
    tests/test_class_report.py), from the shared run: real nbgrader output, no grading of its own."""
    course, expected, rows, stdout = graded
    state = course / "grading"
    assert "Class report: " in stdout and (state / class_report.HTML_NAME).is_file()
    markdown = (state / class_report.MARKDOWN_NAME).read_text()
    report = class_report.read_class(state, course)
    lines = {(r.student, r.assignment): r.line for r in report.rows}
    assert {"golden_01_statistics"} < {a.name for a in report.assignments}
    for a in report.assignments:
        if ("reference", a.name) not in expected:  # the golden hand-ins' frozen assignment: no made-up class
            continue
        full = expected[("reference", a.name)]
        whole = {s for (s, name), points in expected.items() if name == a.name and points == full}
        assert whole >= {"reference"} | ({"colab-save", "stderr"} if a.name == FIRST else set())
        for function in a.functions:
            assert whole <= set(function.passed), function.name  # full marks: passed every function
            if handed_in("blank", a.name):
                blank = next(m for m in function.mistakes if "blank" in m.students)
                assert blank.key.startswith("not attempted"), (function.name, blank.key)
        flagged = {r.student for r in a.rows if r.needs_a_look}
        assert {"garbage", "empty"} | ({"colab-save", "edited-tests", "replaced-checks", "dead-kernel", "runaway",
                                        "exits"} if a.name == FIRST else set()) <= flagged
        assert not flagged & {"reference", "blank"}
        for student in ("garbage", *(("replaced-checks",) if a.name == FIRST else ())):
            assert f"`{student}` (report.csv line {lines[(student, a.name)]})" in markdown
        assert len(a.graded) == sum(r.status in class_report.GRADED for r in a.rows)


if __name__ == "__main__":
    shared_run(sys.argv[1])
