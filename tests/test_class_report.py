"""The class report (``autograder/results/class_report.py``) on a made-up class, and on a class with nothing to report.

No grading run of its own: the class's hand-ins are the reference answers of ``02_entropy`` and its WRONG
mutants (``tests/mutants/02_entropy.py``), several students to a mutant. Each distinct hand-in runs once,
in-process, through ``tests/harness.run_tests`` (the in-process grader that ``tests/test_mutants.py`` uses: its test
cells in the judge), and what nbgrader would have left is written from it: the autograded notebook with each cell's
outputs (a failed test's error with its whole message, as the judge writes it), the gradebook (through nbgrader's
own API) and ``report.csv``. So the counts the report must show come from the mutants given, not from the report's
own reading. One more test reads the report that the shared grading run of ``tests/test_grading.py``
wrote (real nbgrader output) when that run is part of the session.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from autograder.core import copy_course, is_answer
from autograder.grading.grade import REPORT_COLUMNS
from autograder.release.notebooks import blank_hand_in
from autograder.results import class_report
from harness import ROOT, load_mutants, nbgrader_meta, run_tests, source_notebook

# nbgrader's gradebook warns (SQLAlchemy) when a submission is added; it does so in `nbgrader autograde` too
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

ASSIGNMENT = "02_entropy"
"""The made-up class's assignment: its notebook runs in well under a second in-process."""
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def register(gradebook, assignment: str) -> dict[str, tuple[str, float]]:
    """Tell the gradebook about ``assignment``'s graded cells (as ``nbgrader generate_assignment`` does)."""
    gradebook.update_or_create_assignment(assignment)
    gradebook.update_or_create_notebook(assignment, assignment)
    cells = {}
    for cell in source_notebook(assignment).cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            cells[meta["grade_id"]] = (cell.cell_type, float(meta.get("points", 0)))
            gradebook.update_or_create_grade_cell(meta["grade_id"], assignment, assignment,
                                                  max_score=float(meta.get("points", 0)), cell_type=cell.cell_type)
    return cells


def make_class(state: Path, profiles: list[tuple[str, dict[str, str], int]], changes=None, extra_rows=()) -> dict:
    """Grade-like state for a made-up class: ``profiles`` is [(label, replacements, how many students)].

    ``changes`` alters students' rows of ``report.csv`` ({student: {column: value}}), ``extra_rows`` are
    rows ({column: value}, every column of ``REPORT_COLUMNS``) of hand-ins that were not graded.

    Returns, per student, the points per test cell from ``harness.run_tests`` and the error message of
    each failed test cell of the executed notebook.
    """
    from nbgrader.api import Gradebook

    state.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict] = {}
    rows = []
    with Gradebook(f"sqlite:///{state / 'gradebook.db'}") as gradebook:
        cells = register(gradebook, ASSIGNMENT)
        number = 0
        for label, replacements, count in profiles:
            outcome = run_tests(ASSIGNMENT, replacements)
            executed = outcome.notebook  # with each cell's outputs, the test cells' from the judge, as grading writes
            messages = {}
            for cell in executed.cells:
                test = nbgrader_meta(cell).get("grade_id")
                errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
                if test in outcome.points and errors:
                    messages[test] = (errors[0].ename, errors[0].evalue)
            # the failed test cells are those that lost points
            assert set(messages) == {t for t, p in outcome.points.items() if p < outcome.max_points[t]}, label
            for _ in range(count):
                number += 1
                student = f"s{number:02d}"
                truth[student] = {"label": label, "points": dict(outcome.points), "messages": messages}
                folder = state / "autograded" / student / ASSIGNMENT
                folder.mkdir(parents=True)
                nbformat.write(executed, folder / f"{ASSIGNMENT}.ipynb")
                gradebook.update_or_create_student(student)
                gradebook.add_submission(ASSIGNMENT, student)
                for name, (kind, _points) in cells.items():
                    grade = gradebook.find_grade(name, ASSIGNMENT, ASSIGNMENT, student)
                    if kind == "code":
                        grade.auto_score = outcome.points[name]
                    elif number % 2:  # half the class has its written answers graded: full marks
                        grade.manual_score = grade.max_score
                gradebook.db.commit()
                row = {"student": student, "assignment": ASSIGNMENT, "autograded": outcome.score,
                       "max_autograded": outcome.max_score, "status": "graded", "repaired": "", "flags": "",
                       "late": "", "detail": "", "seconds": f"{number * 1.5:.1f}"}
                row.update((changes or {}).get(student, {}))
                rows.append(row)
    with (state / "report.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        writer.writerows(extra_rows)
    return truth


def wrong(function: str, index: int) -> tuple[str, dict[str, str]]:
    variants = load_mutants(ASSIGNMENT).WRONG[function]
    label = list(variants)[index]
    return f"{function}:{label}", {function: variants[label]}


def class_of_20() -> list[tuple[str, dict[str, str], int]]:
    """20 students: the reference answers, the blank notebook (its stubs), a WRONG mutant each (1 to 3 a mutant)."""
    functions = list(load_mutants(ASSIGNMENT).WRONG)[:6]  # the class stays 20 however many functions 02 grades
    stubs = {nbgrader_meta(c)["grade_id"]: c.source for c in blank_hand_in(ASSIGNMENT).cells if is_answer(c)}
    profiles = [("reference", {}, 4), ("blank", stubs, 1)]
    for position, function in enumerate(functions):
        profiles.append((*wrong(function, 0), 1 + position % 3))
    profiles.append((*wrong(functions[0], 1), 3))
    profiles.append((*wrong(functions[1], 1), 1))
    size = sum(count for *_, count in profiles)
    profiles[0] = ("reference", {}, 4 + 20 - size)
    assert profiles[0][2] >= 2
    return profiles


CHANGES = {
    "s05": {"repaired": "renamed Copy of 02_entropy.ipynb to 02_entropy.ipynb; saved by Colab"},
    "s06": {"status": "timed out", "flags": "1 cell(s) stopped after running too long"},
}
NOT_GRADED = [dict.fromkeys(REPORT_COLUMNS, "") | {"student": "garbage", "assignment": ASSIGNMENT,
                                                    "status": "not graded", "detail": "not a notebook (not JSON)",
                                                    "seconds": "0.0"}]


def expected_mistakes(truth: dict, function_tests: dict[str, list[str]]) -> tuple[dict[str, Counter], set]:
    """Per function: how many students failed it with each mistake, from the messages of their runs; and
    the (function, phrase) pairs that a check named.

    A named mistake is the phrase ``helpers.checks.likely_mistake`` reads from the first failing test's message.
    """
    from helpers.checks import likely_mistake

    found: dict[str, Counter] = {f: Counter() for f in function_tests}
    named = set()
    for facts in truth.values():
        for function, tests in function_tests.items():
            failed = [t for t in tests if t in facts["messages"]]
            if failed:
                ename, evalue = facts["messages"][failed[0]]
                if facts["label"] == "blank":  # every function of the blank notebook is a stub
                    found[function][class_report.NOT_ATTEMPTED] += 1
                    continue
                phrase = likely_mistake(evalue)
                found[function][phrase or class_report.mistake_key(ename, evalue)[0]] += 1
                if phrase:
                    named.add((function, phrase))
    return found, named


@pytest.fixture(scope="module")
def made_up_class(tmp_path_factory):
    state = tmp_path_factory.mktemp("class") / "grading"
    truth = make_class(state, class_of_20(), CHANGES, NOT_GRADED)
    html_path, md_path = class_report.write(state, ROOT)
    return state, truth, html_path, md_path


def test_counts_equal_the_mutants_given(made_up_class):
    state, truth, _, md_path = made_up_class
    report = class_report.read_class(state, ROOT)
    (a,) = report.assignments
    assert len(a.graded) == len(truth) == 20  # s06 timed out: graded, with the points its tests earned
    function_tests = {f.name: f.tests for f in a.functions}
    owners = class_report.tests_by_function(source_notebook(ASSIGNMENT))
    assert function_tests == {f: [t for t in owners if owners[t] == f] for f in dict.fromkeys(owners.values())}
    mistakes, named = expected_mistakes(truth, function_tests)
    markdown = md_path.read_text()
    for function in a.functions:
        passed = sorted(s for s, facts in truth.items() if all(facts["points"][t] > 0 for t in function.tests))
        assert sorted(function.passed) == passed, function.name
        got = Counter({m.key: len(m.students) for m in function.mistakes})
        assert got == mistakes[function.name], function.name
        counts = [len(m.students) for m in function.mistakes]
        assert counts == sorted(counts, reverse=True), f"{function.name}: not ranked by count"
        assert f"| `{function.name}` | {function.points:g} | {len(passed)} of 20 (" in markdown
        for m in function.mistakes:
            assert f"{len(m.students)} of 20: {class_report._md_cell(m.key)}" in markdown
    for student, facts in truth.items():  # every wrong student lost points in the function it got wrong
        if facts["label"] not in ("reference", "blank"):
            function = facts["label"].split(":")[0]
            assert student not in next(f for f in a.functions if f.name == function).passed, facts["label"]
    # re-teach first: the named mistakes, most made first
    teach = re.findall(r"^\d+\. (\d+) of 20 in `(\w+)`: (.+)$", markdown.split("### Re-teach first")[1].split("###")[0],
                       re.MULTILINE)
    assert len(teach) == min(5, len(named)) > 0, "no check named a mistake of this class"
    assert all((f, phrase) in named and mistakes[f][phrase] == int(k) for k, f, phrase in teach), teach
    assert [int(k) for k, *_ in teach] == sorted((mistakes[f][p] for f, p in named), reverse=True)[:len(teach)]
    assert sorted(a.auto.values()) == sorted(sum(f["points"].values()) for f in truth.values())
    assert len(a.written) == 10 and set(a.written.values()) == {a.max_written}
    assert "10 of 20 not graded yet" in markdown


def test_flagged_and_slowest_are_linked_to_report_csv(made_up_class):
    state, truth, html_path, md_path = made_up_class
    markdown, page = md_path.read_text(), html_path.read_text()
    lines = (state / "report.csv").read_text().splitlines()
    for student in ("s05", "s06", "garbage"):
        line = next(i for i, text in enumerate(lines, start=1) if text.startswith(student + ","))
        assert f"`{student}` (report.csv line {line})" in markdown
        assert f"<a href='#report-line-{line}'>report.csv line {line}</a>" in page
        assert f"<tr id='report-line-{line}'>" in page
    flagged = markdown.split("### Flagged for a look")[1].split("###")[0]
    assert re.findall(r"`(\w+)`", flagged) == ["s05", "s06", "garbage"]  # and no one else
    assert "not a notebook (not JSON)" in flagged and "saved by Colab" in flagged and "timed out" in flagged
    slowest = sorted(truth, key=lambda s: int(s[1:]))[-5:]  # report.csv's seconds grow with the number
    section = markdown.split("### Slowest hand-ins")[1]
    assert [re.findall(r"`(s\d+)`", section)] == [slowest[::-1]]
    assert class_report.PRIVACY in markdown


def test_a_named_mistake_groups_messages_that_differ():
    named = class_report.mistake_key(
        "AssertionError", "entropy([0.5, 0.5]): expected 1, got 0.693147.\nLikely mistake: natural log instead of "
        "log base 2.\nHint: use the base given.")
    other = class_report.mistake_key(
        "AssertionError", "entropy([0.25, 0.75]): expected 0.811278, got 0.562335 (relative error 31%).\n"
        "Likely mistake: natural log instead of log base 2.")
    assert named == other == ("natural log instead of log base 2", True)
    unnamed = class_report.mistake_key("AssertionError", "f(3): expected 1.5, got -2e-3. Hint: look at the sign")
    assert unnamed == ("AssertionError: f(#): expected #, got #.", False)
    assert class_report.mistake_key("NotImplementedError", "")[0] == class_report.NOT_ATTEMPTED
    stub = ("calling entropy([0.5, 0.5]) raised NotImplementedError.\nLikely mistake: entropy is not written yet.")
    assert class_report.mistake_key("AssertionError", stub) == (class_report.NOT_ATTEMPTED, False)


def test_one_hand_in(tmp_path):
    state = tmp_path / "grading"
    make_class(state, [(*wrong("entropy", 0), 1)])
    _, md_path = class_report.write(state, ROOT)
    markdown = md_path.read_text()
    assert "1 of 1 hand-in graded in this run" in markdown
    assert "One hand-in graded" in markdown
    assert "| `entropy` | 3 | 0 of 1 (0%) |" in markdown


def test_none_graded_and_a_failed_run_say_so(tmp_path):
    state = tmp_path / "grading"
    state.mkdir()
    _, md_path = class_report.write(state, ROOT)  # an empty run: no hand-ins, nothing written
    markdown = md_path.read_text()
    assert "No hand-in was graded" in markdown and "There is no report.csv" in markdown
    with (state / "report.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, REPORT_COLUMNS)
        writer.writeheader()
        writer.writerow(NOT_GRADED[0])
    _, md_path = class_report.write(state, ROOT)
    markdown = md_path.read_text()
    assert "0 of 1 hand-in graded in this run" in markdown and "No hand-in was graded" in markdown
    assert "`garbage` (report.csv line 2): not graded; not a notebook (not JSON)" in markdown
    html_path, md_path = class_report.write(state, ROOT, run_error="nbgrader export failed: disk full")
    for text in (md_path.read_text(), html_path.read_text()):
        assert "The grading run failed" in text and "nbgrader export failed: disk full" in text


def test_make_grade_writes_a_report_when_it_grades_nothing_and_when_it_fails(tmp_path):
    """Through ``python -m autograder.grading.grade`` itself: a run without hand-ins, then a run that fails early."""
    course = copy_course(tmp_path / "course")
    env = dict(os.environ, COURSE_ROOT=str(course))
    env.pop("COURSE_STATE", None)  # the scratch course's own grading/
    state = course / "grading"
    done = subprocess.run([sys.executable, "-m", "autograder.grading.grade"], env=env, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Class report: grading/class-report.html" in done.stdout
    assert "No hand-in was graded" in (state / class_report.MARKDOWN_NAME).read_text()

    hand_in = state / "submitted" / "s01" / ASSIGNMENT
    hand_in.mkdir(parents=True)
    shutil.copy2(ROOT / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", hand_in)
    (state / "gradebook.db").write_text("not a database")  # the run fails as it opens the gradebook
    done = subprocess.run([sys.executable, "-m", "autograder.grading.grade"], env=env, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode != 0, done.stdout
    markdown = (state / class_report.MARKDOWN_NAME).read_text()
    assert "The grading run failed" in markdown and "DatabaseError" in markdown, markdown
    assert "The gradebook could not be read" in markdown


def test_the_report_opens_in_headless_chromium_without_errors(made_up_class):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM}): `apt-get install chromium` (.ci/run does)")
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM_ARGS, SCREENSHOTS

    _, _, html_path, _ = made_up_class
    problems, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html_path.as_uri())
            page.wait_for_load_state("load")
            images = page.eval_on_selector_all("img", "els => els.map(e => [e.complete, e.naturalWidth])")
            heading = page.locator("h1").inner_text()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "class-report.png"), full_page=True)
        finally:
            browser.close()
    assert not problems, problems
    assert all(url.startswith(("file:", "data:")) for url in requests), requests  # nothing from the network
    assert len(images) == 2 and all(done and width > 0 for done, width in images), images  # autograded, written
    assert "what the class got wrong" in heading
