"""An instructor's term, end to end (issue 29): collect a Canvas zip and a Moodle folder (accented and Cyrillic names,
a late hand-in), grade, grade the written answers through nbgrader's API, ``make feedback``, ``make export`` for both
LMSs into files shaped as each LMS documents them; no file would erase a grade the LMS has, every student lands on
their own row; the feedback, opened offline in Debian's headless Chromium, shows typeset formulas.

What the LMSs document, and what the checks below hold the files to:

- Canvas, *How do I import grades in the Gradebook?* and its course guides: "The CSV file you import ... has four
  required components: Student Name (last name, first name) OR Student ID OR Student SIS User ID ... SIS Login ID
  ... Section ... Assignment Name" (an existing assignment is matched by its ``name (id)`` column, as Canvas's own
  export names it); "New assignment columns in the Gradebook generate new assignments"; "If a score already exists
  for a student in the Gradebook, the uploaded grade in the CSV will overwrite the grade in the Gradebook" (so a row
  with no grade of ours must not be there at all). The gradebook export starts with a byte order mark and a
  ``Points Possible`` row (tests/lms/README.md).
- Canvas's *Download Submissions* zip names each file ``<name key>[_LATE]_<user id>_<attachment id>_<file name>``:
  the user id is the gradebook's ``ID``.
- Moodle, *Grades → Import → CSV file* (``grade/import/csv``): the file is read with the encoding chosen on the form
  (UTF-8); "Identify user by": map from a column of the file to a user field (``Email address`` → ``useremail``);
  each grade column is mapped to a grade item. ``gradeimport_csv_load_data::map_user_data_with_value`` imports ``''``
  and ``-`` as "no grade" (it would clear a grade), and the grade item's maximum grade is respected (behat
  ``grade_import.feature``: "Max grade of grade item is respected"), so points must be on Moodle's scale.
- Moodle's *Download all submissions* names each file ``<Full name>_<participant id>_assignsubmission_file_<file>``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.core import copy_course, nbgrader_meta, source_path
from autograder.kernel.sandbox import sandbox_problem
from autograder.release.notebooks import blank_hand_in, reference_hand_in
from harness import ROOT, load_mutants

pytestmark = [pytest.mark.slow, pytest.mark.full]  # an end-to-end scenario: make test-full (CI), as the Colab stand-in

A = "02_entropy"
LMS = Path(__file__).resolve().parent / "lms"
WRITTEN = ("written_kl_not_a_distance", "written_no_universal_compression")  # 2 and 1 points
MAX = sum(nbgrader_meta(c).get("points", 0) for c in nbformat.read(source_path(A), as_version=4).cells
          if nbgrader_meta(c).get("grade"))
"""The assignment's points (18 when this test was written)."""
COMMENT = r"Right: $D_{KL}(p \| q) \ne D_{KL}(q \| p)$ in general, so it is no distance."
CANVAS_FILES = {  # file in Canvas's zip -> (hand-in, roster ID)
    f"garcialucia_LATE_20437_70001_{A}.ipynb": ("reference", "20437"),
    f"ивановамария_20438_70002_{A}.ipynb": ("blank", "20438"),
    f"leekim_20434_70003_{A}.ipynb": ("partial", "20434"),  # two "Lee, Kim" in Canvas: the user id decides
}
MOODLE_FILES = {  # file in Moodle's download -> (hand-in, email); García's name decomposed (NFD), as macOS writes it
    unicodedata.normalize("NFD", f"Lucía García_318_assignsubmission_file_{A}.ipynb"):
        ("reference", "lucia.garcia@example.edu"),
    f"Мария Иванова_319_assignsubmission_file_{A}.ipynb": ("partial", "maria.ivanova@example.edu"),
}


def hand_in(kind: str) -> nbformat.NotebookNode:
    if kind == "blank":
        return blank_hand_in(A)
    nb = reference_hand_in(A)
    if kind == "partial":  # one wrong function: it loses that test's points, keeps the others
        wrong_id, variants = next(iter(load_mutants(A).WRONG.items()))
        for cell in nb.cells:
            if nbgrader_meta(cell).get("grade_id") == wrong_id:
                cell.source = next(iter(variants.values()))
    return nb


def run(args: list[str], env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=1800, cwd=ROOT)
    if ok:
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    return done


def make(target: str, env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    """``make TARGET`` of this checkout, on the scratch course (COURSE_ROOT) and its state (STATE)."""
    return run(["make", "-s", "--no-print-directory", target, f"STATE={env['COURSE_STATE']}", *args], env, ok)


def grade_written(state: Path, student: str, points: dict[str, float], comment: str | None = None) -> None:
    """What the formgrader does when the instructor grades a written answer: nbgrader's API on the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{state / 'gradebook.db'}") as gradebook:
        for grade_id, value in points.items():
            gradebook.find_grade(grade_id, A, A, student).manual_score = value
        if comment:
            gradebook.find_comment(WRITTEN[0], A, A, student).manual_comment = comment
        gradebook.db.commit()


def read_csv(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """One course, two terms' states (a Canvas class and a Moodle class of 02_entropy), collected and graded."""
    base = tmp_path_factory.mktemp("term")
    course = copy_course(base / "course")
    envs = {}
    for lms, files in (("canvas", CANVAS_FILES), ("moodle", MOODLE_FILES)):
        env = dict(os.environ, COURSE_ROOT=str(course), COURSE_STATE=str(base / f"state-{lms}"),
                   COURSE_CELL_LIMIT="12", SANDBOX="on" if sandbox_problem() is None else "off")
        env.pop("SCHEDULER", None)
        download = base / f"download-{lms}"
        download.mkdir()
        for name, (kind, _) in files.items():
            nbformat.write(hand_in(kind), download / name)
        source = download
        if lms == "canvas":  # Canvas's "Download Submissions" is one zip
            source = base / "submissions.zip"
            with zipfile.ZipFile(source, "w") as zf:
                for name in files:
                    zf.write(download / name, name)
        collected = run([sys.executable, "-m", "autograder.grading.collect", A, str(source)], env)
        graded = run([sys.executable, "-m", "autograder.grading.grade", "--jobs", "2"], env)
        envs[lms] = (env, Path(env["COURSE_STATE"]), collected.stdout, graded.stdout)
    return course, envs


def test_collect_keeps_the_late_flag_and_the_lms_ids(term):
    _, envs = term
    env, state, collected, graded = envs["canvas"]
    assert "LATE (the LMS says so)" in collected and "Every file was collected." in collected
    rows = {r["student"]: r for r in read_csv(state / "downloaded" / A / "collected.csv")}
    assert rows["garcialucia"]["late"] == "late" and rows["garcialucia"]["lms_user_id"] == "20437"
    assert rows["leekim"]["late"] == "" and rows["leekim"]["lms_user_id"] == "20434"
    report = {r["student"]: r for r in read_csv(state / "report.csv")}
    assert report["garcialucia"]["late"] == "late" and report["leekim"]["late"] == ""
    grades = read_csv(state / "grades.csv")
    assert [r["student_id"] for r in grades] == sorted(r["student_id"] for r in grades), "grades.csv is sorted"
    assert {r["student_id"]: r["late"] for r in grades}["garcialucia"] == "late"
    # Canvas's names are renames, not reasons for a look
    assert all(r["repaired"].startswith("renamed ") for r in report.values())
    assert "0 need a look" in graded
    from autograder.results.class_report import needs_a_look

    assert not any(needs_a_look(r["status"], r["repaired"], r["flags"]) for r in report.values())


def test_a_term_on_canvas(term):
    """Grade the written answers, make feedback, make export LMS=canvas against Canvas's gradebook export."""
    _, envs = term
    env, state, _, _ = envs["canvas"]
    feedback = state / "feedback" / "garcialucia" / A / f"{A}.html"
    before = feedback.read_text()
    assert "not graded yet" in before and "Score so far" in before
    roster = LMS / "canvas-term-gradebook.csv"
    export = state / "export"

    # García's written answers graded, Lee's not yet (the blank hand-in's unchanged answers score 0 by nbgrader's
    # rule): the export refuses, and says who waits
    grade_written(state, "garcialucia", {WRITTEN[0]: 2, WRITTEN[1]: 1}, COMMENT)
    refused = make("export", env, "LMS=canvas", f"ROSTER={roster}", ok=False)
    assert refused.returncode != 0 and "nobody has graded yet" in refused.stdout + refused.stderr
    assert "leekim" in refused.stdout + refused.stderr and "FORCE=1" in refused.stdout + refused.stderr
    assert not list(export.glob("canvas-*.csv")), "nothing written while written answers wait"

    grade_written(state, "leekim", {WRITTEN[0]: 1, WRITTEN[1]: 0})
    made = make("feedback", env)
    assert "3 feedback file(s) written" in made.stdout
    after = feedback.read_text()
    assert "not graded yet" not in after and f"Score: {float(MAX)} / {float(MAX)}" in after
    assert "D_{KL}(p \\| q)" in after, "the written answer's comment is in the feedback"
    assert "BEGIN HIDDEN TESTS" not in after and "hidden tests: their code is not shown" in after
    assert "cdn.jsdelivr" not in after and "mathjax" not in after.lower()

    done = make("export", env, "LMS=canvas", f"ROSTER={roster}")
    out = done.stdout
    assert f"{A}: {MAX:g} points here = 100 in canvas (Canvas's Points Possible of '{A} (4102)'): every score" in out
    target = export / f"canvas-{A}.csv"
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte order mark, as in Canvas's own export"
    rows = read_csv(target, "utf-8-sig")
    print(target.name, raw.decode("utf-8-sig"), sep="\n")
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{A} (4102)"]
    assert rows[0]["Student"] == "Points Possible" and rows[0][f"{A} (4102)"] == "100"
    by_id = {r["ID"]: r for r in rows[1:]}
    assert set(by_id) == {"20437", "20438", "20434"}, "a row only for each student graded here"
    assert by_id["20437"]["Student"] == "García, Lucía" and by_id["20437"][f"{A} (4102)"] == "100"
    assert by_id["20438"]["Student"] == "Иванова, Мария" and by_id["20438"][f"{A} (4102)"] == "0"
    partial = float(by_id["20434"][f"{A} (4102)"])
    assert 0 < partial < 100 and by_id["20434"]["SIS Login ID"] == "klee", "the user id picks the right Lee, Kim"
    canvas = {r["ID"]: r for r in read_csv(roster, "utf-8-sig")}
    for row in rows[1:]:  # no cell that would put "nothing" over a grade
        assert row[f"{A} (4102)"].replace(".", "", 1).isdigit(), row
        assert row["Student"] == canvas[row["ID"]]["Student"] and row["SIS User ID"] == canvas[row["ID"]]["SIS User ID"]
    assert canvas["20431"][f"{A} (4102)"] == "85.00" and "20431" not in by_id, "Jane Doe keeps Canvas's 85"
    assert canvas["20435"][f"{A} (4102)"] == "70.00" and "20435" not in by_id, "the other Lee, Kim keeps 70"
    with zipfile.ZipFile(export / "feedback" / "garcialucia.zip") as zf:
        assert zf.read(f"{A}/{A}.html").decode() == after, "the packed feedback is the current one"


def test_a_term_on_moodle(term):
    _, envs = term
    env, state, collected, _ = envs["moodle"]
    roster = LMS / "moodle-term-grades.csv"
    students = sorted(p.name for p in (state / "submitted").iterdir())
    for student in students:
        grade_written(state, student, {WRITTEN[0]: 2, WRITTEN[1]: 1})
    refused = make("export", env, "LMS=moodle", f"ROSTER={roster}", ok=False)
    assert refused.returncode != 0
    assert "does not say the maximum grade" in refused.stdout + refused.stderr
    assert f"POINTS={A}=" in refused.stdout + refused.stderr
    done = make("export", env, "LMS=moodle", f"ROSTER={roster}", f"POINTS={A}=100")
    assert f"{A}: {MAX:g} points here = 100 in moodle (POINTS=100)" in done.stdout
    target = state / "export" / f"moodle-{A}.csv"
    raw = target.read_bytes()
    print(target.name, raw.decode("utf-8"), sep="\n")
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv(target)
    assert list(rows[0]) == ["Email address", f"Assignment: {A} (Real)"]
    by_email = {r["Email address"]: r[f"Assignment: {A} (Real)"] for r in rows}
    assert by_email["lucia.garcia@example.edu"] == "100", "García's NFD file name meets the roster's NFC name"
    assert 0 < float(by_email["maria.ivanova@example.edu"]) < 100, "the Cyrillic name is matched"
    assert set(by_email) == {"lucia.garcia@example.edu", "maria.ivanova@example.edu"}
    assert all(v not in ("", "-") for v in by_email.values()), "Moodle would read '' or '-' as no grade"
    moodle = {r["Email address"]: r for r in read_csv(roster, "utf-8-sig")}
    assert moodle["jane.doe@example.edu"][f"Assignment: {A} (Real)"] == "80.00"  # no row: Moodle keeps it
    with zipfile.ZipFile(state / "export" / f"feedback-{A}.zip") as zf:
        names = sorted(unicodedata.normalize("NFC", n) for n in zf.namelist())
    assert names == [f"Lucía García_318_feedback_{A}.html", f"Мария Иванова_319_feedback_{A}.html"]


def test_feedback_reads_offline_in_chromium(term):
    """The feedback, opened in Debian's headless Chromium with every request that is not a file refused: formulas are
    typeset by KaTeX (also in the instructor's comment), its fonts load, nothing it needs is fetched, long lines
    wrap."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    _, envs = term
    _, state, _, _ = envs["canvas"]
    path = state / "feedback" / "garcialucia" / A / f"{A}.html"
    if "D_{KL}" not in path.read_text():  # the Canvas term has not run first (run alone): comment and regenerate
        grade_written(state, "garcialucia", {WRITTEN[0]: 2, WRITTEN[1]: 1}, COMMENT)
        make("feedback", envs["canvas"][0])
    outside: list[tuple[str, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 900})

            def offline(route):  # noqa: ANN001
                if route.request.url.startswith(("file:", "data:")):
                    route.continue_()
                else:
                    outside.append((route.request.resource_type, route.request.url))
                    route.abort()

            page.route("**/*", offline)
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function("document.querySelectorAll('.katex').length > 0", timeout=15000)
            page.evaluate("document.fonts.ready")
            typeset = page.evaluate("document.querySelectorAll('.katex').length")
            errors = page.evaluate("document.querySelectorAll('.katex-error').length")
            in_comment = page.evaluate(
                "[...document.querySelectorAll('.panel-footer')].filter(e => e.querySelector('.katex')).length")
            raw_left = page.evaluate("document.body.innerText.includes('-\\\\log_2 p(x)$')")
            fonts = page.evaluate("[...document.fonts].filter(f => f.family.includes('KaTeX') && f.status == 'loaded')"
                                  ".length")
            too_wide = page.evaluate(
                "[...document.querySelectorAll('pre')].filter(p => p.scrollWidth > p.clientWidth + 2).length")
            page.screenshot(path=str(ROOT / "build" / "feedback-offline.png"), full_page=False)
            print(f"Chromium offline: {typeset} formulas typeset by KaTeX, {errors} KaTeX errors, {in_comment} in the"
                  f" comment, {fonts} KaTeX fonts loaded, {too_wide} <pre> wider than the page, requests outside:"
                  f" {outside}")
        finally:
            browser.close()
    assert typeset > 20 and errors == 0 and in_comment >= 1 and not raw_left
    assert fonts > 0 and too_wide == 0
    # nothing the page needs is fetched: no script, stylesheet or font (only the notebook's own "Open in Colab"
    # badge, an image in its Markdown, would be)
    assert [(kind, url) for kind, url in outside if kind != "image"] == [], outside
    assert all("colab-badge" in url for _, url in outside), outside
