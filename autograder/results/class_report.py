"""What the class got wrong: a class report after every grading run (``class-report.html`` and ``.md``).

``make grade`` writes both into the grading state folder (``grading/`` unless ``COURSE_STATE`` says
otherwise) at the end of every run, also a failed or an empty one; ``python -m autograder.results.class_report``
writes them again from what is there. Per assignment the report gives the score distribution (autograded
and written points apart), for each graded function the share of hand-ins that passed its tests and the
mistakes that its failed checks named, ranked by how many hand-ins made them (grouped by the check's
``Likely mistake: <phrase>.`` line, see :mod:`helpers.checks`, or else by the failure's first line with its
numbers masked), the hand-ins flagged for a look (linked to their rows of ``report.csv``) and the slowest
hand-ins.

It reads only what grading produced: the gradebook, the autograded notebooks' outputs and ``report.csv``
(and the registered release, for which test belongs to which function). No hand-in is run again, and
the report names hand-ins only by the student ids that the gradebook and ``report.csv`` already hold.
The HTML file stands alone (inline style, plots as data URIs, no scripts) and works offline.
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from autograder.core import ROOT, STATE, is_answer, is_test, nbgrader_meta
from autograder.gradebook import cells as gradebook_cells

HTML_NAME = "class-report.html"
MARKDOWN_NAME = "class-report.md"
SLOWEST = 5
"""How many of the slowest hand-ins each assignment lists."""
NOT_ATTEMPTED = "not attempted: the stub still raises NotImplementedError"
GRADED = ("graded", "timed out")
"""``report.csv`` statuses of hand-ins that the gradebook holds scores for."""
_NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
PRIVACY = (
    "Hand-ins are named only by the student ids that the gradebook and report.csv already hold; the report "
    "holds no names or e-mail addresses. It was built from what grading produced (the gradebook, the "
    "autograded notebooks' outputs, report.csv); no hand-in was run again."
)


# --- what grading produced -------------------------------------------------------------------------------


RENAMED = re.compile(r"^renamed .* to \S+\.ipynb$")
"""A repair that only gave the notebook its expected name (every LMS download renames): not a reason for a look."""


def needs_a_look(status: str, repaired: str, flags: str) -> bool:
    """A hand-in an instructor should look at: flagged, not graded as it is, or repaired beyond a rename (the console's
    count of ``make grade`` and the class report's list use this one rule).

    Args:
        status: the hand-in's status (``graded``, ``not graded``, ``failed``, ``timed out``).
        repaired: its repairs, joined by ``"; "`` (as in ``report.csv``).
        flags: its flags, joined by ``"; "``.

    Returns:
        Whether it needs a look.
    """
    repairs = [r.strip() for r in repaired.split("; ") if r.strip()]
    return bool(flags) or status != "graded" or any(not RENAMED.match(r) for r in repairs)


@dataclass
class Row:
    """One row of ``report.csv`` (``line``: its line in the file, the header being line 1).

    Args:
        line: its line in the file (the first row is line 2).
        student: the student id.
        assignment: the assignment's name.
        status: the hand-in's status.
        autograded: its autograded points (None where the column is empty).
        max_autograded: the autograded points it could have had (None where empty).
        repaired: its repairs, joined by ``"; "``.
        flags: its flags, joined by ``"; "``.
        detail: why it was not graded or failed.
        seconds: how long grading it took (s; None where empty).
    """

    line: int
    student: str
    assignment: str
    status: str
    autograded: float | None
    max_autograded: float | None
    repaired: str
    flags: str
    detail: str
    seconds: float | None

    @property
    def needs_a_look(self) -> bool:
        """Whether an instructor should look at this hand-in (:func:`needs_a_look`).

        Returns:
            True when it is flagged, not graded as it is, or repaired beyond a rename.
        """
        return needs_a_look(self.status, self.repaired, self.flags)


@dataclass
class Mistake:
    """Hand-ins whose failed tests of one function said the same thing.

    Args:
        key: the mistake: the named phrase, or the failure's first line with its numbers masked.
        named: True when a check named the mistake.
        students: the hand-ins (student ids) that made it.
        example: one of the messages, unmasked.
    """

    key: str
    named: bool
    """True when a check named the mistake (``Likely mistake:``); else ``key`` is the masked first line."""
    students: list[str] = field(default_factory=list)
    example: str = ""
    """One of the messages, unmasked (its first lines)."""


@dataclass
class Function:
    """A graded function (an answer cell) and what its test cells found.

    Args:
        name: the answer cell's grade_id (the function's name).
        tests: the grade_ids of its test cells, in the notebook's order.
        points: the points of its tests together.
        passed: the hand-ins (student ids) that passed every test of it.
        mistakes: what the others got wrong, most made first once collected.
    """

    name: str
    tests: list[str]
    points: float
    passed: list[str] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)


@dataclass
class Assignment:
    """One assignment's part of the report: its scores, graded functions, report rows and notes.

    Args:
        name: the assignment's name.
        graded: the hand-ins (student ids) with scores in the gradebook (this run's, when ``report.csv`` has rows).
        auto: autograded points by student id.
        max_auto: the autograded points a hand-in can have.
        written: written points of the hand-ins whose written answers are all graded, by student id.
        max_written: the written points a hand-in can have.
        functions: the graded functions, in the notebook's order.
        rows: its rows of ``report.csv``.
        notes: what the report says of it besides (nothing in the gradebook, ...).
    """

    name: str
    graded: list[str] = field(default_factory=list)
    auto: dict[str, float] = field(default_factory=dict)
    max_auto: float = 0.0
    written: dict[str, float] = field(default_factory=dict)
    """Written points of the hand-ins whose written answers are all graded."""
    max_written: float = 0.0
    functions: list[Function] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ClassReport:
    """What the class report says: read by :func:`read_class`, written by :func:`render_markdown`, :func:`render_html`.

    Args:
        generated: when it was made (``YYYY-MM-DD HH:MM UTC``).
        state: the grading state folder it was read from.
        run_error: why the grading run failed, or None.
        rows: every row of ``report.csv``.
        assignments: each assignment's part, sorted by name.
        notes: what the report says besides (no ``report.csv``, a gradebook that cannot be read, ...).
    """

    generated: str
    state: Path
    run_error: str | None
    rows: list[Row]
    assignments: list[Assignment]
    notes: list[str] = field(default_factory=list)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def read_report_csv(path: Path) -> list[Row]:
    """The rows of ``report.csv`` (none if there is no such file).

    Args:
        path: the file.

    Returns:
        Its rows, in order; a number that does not parse is None.
    """
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        return [
            Row(line, r.get("student", ""), r.get("assignment", ""), r.get("status", ""), _float(r.get("autograded")),
                _float(r.get("max_autograded")), r.get("repaired", ""), r.get("flags", ""), r.get("detail", ""),
                _float(r.get("seconds")))
            for line, r in enumerate(csv.DictReader(handle), start=2)
        ]


def tests_by_function(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Test cell grade_id -> the graded function it tests: the answer cell above it.

    Args:
        nb: the release (or the source notebook) of an assignment.

    Returns:
        The grade_id of the answer cell above each test cell (without one, the test's grade_id less ``test_``), in
        the notebook's order.
    """
    owner, found = None, {}
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if not grade_id:
            continue
        if is_answer(cell):
            owner = grade_id
        elif is_test(cell):
            found[grade_id] = owner or grade_id.removeprefix("test_")
    return found


def mistake_key(ename: str, evalue: str) -> tuple[str, bool]:
    """How a failed test's error is grouped: (the named mistake, True), or (its first line masked, False).

    A stub still in place (``NotImplementedError``, raised, reported by ``check_call`` or by ``check_prerequisite``) is
    :data:`NOT_ATTEMPTED`, not a mistake to re-teach. The phrase of a ``Likely mistake: <phrase>.`` line
    (:func:`helpers.checks.likely_mistake`) names the mistake; without one the first line of
    the message stands for it, each number in it replaced by ``#`` (so the same check failing with other
    values groups together), a trailing ``Hint:`` cut off.

    Args:
        ename: the error's exception name.
        evalue: its message.

    Returns:
        ``(key, named)``: the phrase and True, :data:`NOT_ATTEMPTED` and False, or ``"ename: masked first line"``
        (at most 160 characters of the line) and False.
    """
    from helpers.checks import likely_mistake  # here: helpers.checks imports torch (a second), wanted only now

    first = next((ln.strip() for ln in str(evalue).splitlines() if ln.strip()), "")
    # check_call: "calling f(...) raised NotImplementedError"; check_prerequisite: "... needs g (above), which fails:
    # NotImplementedError" (the earlier stub, not a mistake in this function).
    if ename == "NotImplementedError" or any(
        f"{word} NotImplementedError" in first for word in ("raised", "which fails:")
    ):
        return NOT_ATTEMPTED, False
    phrase = likely_mistake(evalue)
    if phrase is not None:
        return phrase, True
    first = first.split(" Hint:")[0].strip()
    masked = _NUMBER.sub("#", first)
    masked = masked if len(masked) <= 160 else masked[:157] + "..."
    return (f"{ename}: {masked}" if masked else ename or "an error without a message"), False


def _failure(nb: nbformat.NotebookNode | None, test: str) -> tuple[str, bool, str]:
    """(key, named, example) for a test cell of an autograded notebook that lost points."""
    if nb is None:
        return "no autograded notebook to read the failure from", False, ""
    cell = next((c for c in nb.cells if is_test(c) and nbgrader_meta(c).get("grade_id") == test), None)
    if cell is None:
        return "the test cell is missing from the autograded notebook", False, ""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = str(output.get("ename", "")), str(output.get("evalue", ""))
            key, named = mistake_key(ename, evalue)
            example = "\n".join(evalue.splitlines()[:4])
            return key, named, f"{ename}: {example}" if example else ename
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return "the test did not run (the kernel died or the run stopped before it)", False, ""
    return "lost its points without an error (e.g. output on stderr)", False, ""


def read_class(state: Path = STATE, root: Path = ROOT, run_error: str | None = None) -> ClassReport:
    """Read what grading produced under ``state`` (the course at ``root``) into a :class:`ClassReport`.

    ``state`` is laid out as :mod:`autograder.core` says (``report.csv``, ``gradebook.db``,
    ``autograded/<student>/<assignment>/``, ``registered/``); ``run_error`` says why the run failed, if it did.

    Args:
        state: the grading state folder.
        root: the course's root (its source notebooks, where ``registered/`` has no release).
        run_error: why the grading run failed, or None.

    Returns:
        The report; what could not be read is in its notes.
    """
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows = read_report_csv(state / "report.csv")
    report = ClassReport(generated, state, run_error, rows, [])
    if not (state / "report.csv").is_file():
        report.notes.append("There is no report.csv: the grading run did not get as far as writing it.")
    gradebook = {}
    if (state / "gradebook.db").is_file():
        try:
            gradebook = gradebook_cells(state / "gradebook.db")
        except Exception as error:  # noqa: BLE001 - the report must still say what it could not read
            report.notes.append(f"The gradebook could not be read: {type(error).__name__}: {error}")
    else:
        report.notes.append("There is no gradebook (gradebook.db): nothing was graded.")
    names = sorted({r.assignment for r in rows} | (set(gradebook) if not rows else set()))
    for name in names:
        report.assignments.append(_assignment(name, rows, gradebook.get(name), state, root))
    return report


def _order(name: str, state: Path, root: Path) -> nbformat.NotebookNode | None:
    for path in (state / "registered" / f"{name}.ipynb", root / "solutions" / name / f"{name}.ipynb"):
        if path.is_file():
            return nbformat.read(path, as_version=4)
    return None


def _assignment(name: str, rows: list[Row], book: dict | None, state: Path, root: Path) -> Assignment:
    result = Assignment(name, rows=[r for r in rows if r.assignment == name])
    if book is None:
        result.notes.append("The gradebook holds no scores for this assignment.")
        return result
    cells, students = book["cells"], book["students"]
    if result.rows:  # this run's hand-ins; the gradebook may also hold earlier ones
        graded = [r.student for r in result.rows if r.status in GRADED and r.student in students]
        missing = [r.student for r in result.rows if r.status in GRADED and r.student not in students]
        if missing:
            result.notes.append(f"{len(missing)} hand-in(s) graded in report.csv but not in the gradebook: "
                                + ", ".join(missing))
    else:
        graded = sorted(students)
    result.graded = graded
    code = {c: m for c, (kind, m) in cells.items() if kind == "code"}
    written = {c: m for c, (kind, m) in cells.items() if kind != "code"}
    result.max_auto, result.max_written = sum(code.values()), sum(written.values())
    for student in graded:
        grades = students[student]
        result.auto[student] = sum(float(grades.get(c, (0, None, 0))[0] or 0) for c in code)
        manual = [grades.get(c, (None, None, 0))[1] for c in written]
        if written and all(m is not None for m in manual):
            result.written[student] = float(sum(manual))
    source = _order(name, state, root)
    owners = tests_by_function(source) if source is not None else {}
    order = list(dict.fromkeys(owners.get(t, t.removeprefix("test_")) for t in [*owners, *sorted(code)]
                               if t in code))
    for function in order:
        tests = [t for t in code if owners.get(t, t.removeprefix("test_")) == function]
        tests.sort(key=lambda t: list(owners).index(t) if t in owners else len(owners))
        result.functions.append(Function(function, tests, sum(code[t] for t in tests)))
    for student in graded:
        path = state / "autograded" / student / name / f"{name}.ipynb"
        try:
            nb = nbformat.read(path, as_version=4) if path.is_file() else None
        except Exception:  # noqa: BLE001 - an unreadable notebook is reported as one
            nb = None
        grades = students[student]
        for function in result.functions:
            failed = [t for t in function.tests
                      if float(grades.get(t, (0, None, 0))[0] or 0) < code[t]]
            if not failed:
                function.passed.append(student)
                continue
            key, named, example = _failure(nb, failed[0])  # the first failing test points at the cause
            mistake = next((m for m in function.mistakes if m.key == key), None)
            if mistake is None:
                mistake = Mistake(key, named, example=example)
                function.mistakes.append(mistake)
            mistake.students.append(student)
    for function in result.functions:
        function.mistakes.sort(key=lambda m: (-len(m.students), not m.named, m.key))
    return result


# --- plots ------------------------------------------------------------------------------------------------


def histogram_png(scores: list[float], maximum: float, title: str, xlabel: str) -> bytes:
    """A histogram of points per hand-in (one bar per point), in the course's seaborn style, as PNG bytes.

    Args:
        scores: the points of each hand-in.
        maximum: the points a hand-in can have (the x axis runs from 0 to it).
        title: the plot's title.
        xlabel: the x axis's label.

    Returns:
        The PNG (5.2 x 3.0 inches at 100 dpi).
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context():
        try:
            from helpers.plots import use_style

            use_style()
        except ImportError:  # the helpers are installed with the course; the report works without them
            pass
        figure = Figure(figsize=(5.2, 3.0), dpi=100)
        ax = figure.subplots()
        top = max(1, int(round(maximum)))
        ax.hist(scores, bins=[b - 0.5 for b in range(top + 2)], color="C0", edgecolor="white")
        ax.set(title=title, xlabel=xlabel, ylabel="hand-ins", xlim=(-0.6, top + 0.6))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.yaxis.get_major_locator().set_params(integer=True)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


# --- rendering --------------------------------------------------------------------------------------------


def _pct(k: int, n: int) -> str:
    return f"{100 * k / n:.0f}%" if n else "-"


def _pts(x: float) -> str:
    return f"{x:g}"


def _stats(scores: dict[str, float], maximum: float) -> str:
    values = sorted(scores.values())
    if not values:
        return "none"
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return (f"{n} hand-in{'s' * (n != 1)}: mean {sum(values) / n:.1f}, median {_pts(median)}, "
            f"min {_pts(values[0])}, max {_pts(values[-1])} (of {_pts(maximum)} points)")


def _text_histogram(scores: dict[str, float], maximum: float) -> list[str]:
    counts = defaultdict(int)
    for value in scores.values():
        counts[int(round(value))] += 1
    top = max(1, int(round(maximum)))
    width = len(str(top))
    low = min(counts, default=0)  # no rows below the lowest score
    return [f"    {p:>{width}} pts | {'#' * counts[p]} {counts[p] or ''}".rstrip() for p in range(low, top + 1)]


def _flag_text(row: Row) -> str:
    parts = [] if row.status == "graded" else [row.status]
    parts += [row.detail] if row.detail else []
    parts += [f"repaired: {row.repaired}"] if row.repaired else []
    parts += [f"flagged: {row.flags}"] if row.flags else []
    return "; ".join(parts)


def _headline(report: ClassReport) -> list[str]:
    lines = []
    if report.run_error:
        lines.append(f"**The grading run failed**: {report.run_error}. What follows is what it wrote before it "
                     "stopped.")
    graded = sum(r.status in GRADED for r in report.rows)
    if report.rows:
        lines.append(f"{graded} of {len(report.rows)} hand-in{'s' * (len(report.rows) != 1)} graded in this run "
                     f"({', '.join(a.name for a in report.assignments)}).")
    if not report.assignments or not any(a.graded for a in report.assignments):
        lines.append("**No hand-in was graded**: there is nothing to report per function.")
    lines += report.notes
    return lines


def render_markdown(report: ClassReport) -> str:
    """The report as Markdown (for the terminal and for a repository).

    Args:
        report: the report (:func:`read_class`).

    Returns:
        The Markdown text.
    """
    out = ["# Class report: what the class got wrong", "",
           f"Written {report.generated} from `{report.state}`.", ""]
    out += [*(f"- {line}" for line in _headline(report)), ""]
    for a in report.assignments:
        n = len(a.graded)
        out += [f"## {a.name}", ""]
        out += [*(f"- {note}" for note in a.notes)]
        if n == 1:
            out.append("- One hand-in graded: each share below is that one hand-in.")
        if n:
            out += ["", f"**Autograded points**: {_stats(a.auto, a.max_auto)}.", "", "```",
                    *_text_histogram(a.auto, a.max_auto), "```", ""]
            if a.max_written:
                out.append(f"**Written points**: {_stats(a.written, a.max_written)}"
                           + (f"; {n - len(a.written)} of {n} not graded yet (formgrader)." if len(a.written) < n
                              else "."))
                out.append("")
            teach = _reteach(a)
            if teach:
                out += ["### Re-teach first", ""]
                out += [f"{i}. {len(m.students)} of {n} in `{f.name}`: {m.key}" for i, (f, m) in enumerate(teach, 1)]
                out.append("")
            out += ["### Per graded function", "", "| function | points | passed | mistakes, most made first |",
                    "| --- | ---: | ---: | --- |"]
            for f in a.functions:
                mistakes = "<br>".join(
                    f"{len(m.students)} of {n}: {_md_cell(m.key)}"
                    + ("" if m.named or m.key == NOT_ATTEMPTED else " *(unnamed)*") for m in f.mistakes) or "-"
                out.append(f"| `{f.name}` | {_pts(f.points)} | {len(f.passed)} of {n} ({_pct(len(f.passed), n)}) | "
                           f"{mistakes} |")
            out.append("")
        flagged = [r for r in a.rows if r.needs_a_look]
        out += ["### Flagged for a look", ""]
        out += [f"- `{r.student}` (report.csv line {r.line}): {_md_cell(_flag_text(r))}" for r in flagged] or ["- none"]
        out.append("")
        timed = sorted((r for r in a.rows if r.seconds is not None and r.status in GRADED),
                       key=lambda r: -(r.seconds or 0))[:SLOWEST]
        if timed:
            out += ["### Slowest hand-ins", ""]
            out += [f"- `{r.student}`: {r.seconds:.1f} s (report.csv line {r.line})" for r in timed]
            out.append("")
    out += ["---", "", PRIVACY, ""]
    return "\n".join(out)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _reteach(a: Assignment, k: int = 5) -> list[tuple[Function, Mistake]]:
    """The mistakes that checks named, most made first, across the assignment's functions."""
    named = [(f, m) for f in a.functions for m in f.mistakes if m.named]
    return sorted(named, key=lambda fm: -len(fm[1].students))[:k]


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;
color:#222;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}
.bar{display:inline-block;height:.7rem;background:#0173b2;vertical-align:middle;margin-right:.3rem}
.alert{background:#fde2e1;border:1px solid #d55e00;padding:.5rem .8rem}
.note{color:#555}.unnamed{color:#777;font-style:italic}
code{background:#f5f5f5;padding:0 .2rem}pre{background:#f8f8f8;padding:.4rem;white-space:pre-wrap;font-size:.85rem}
img{max-width:100%}tr:target{background:#fff3bf}
"""


def render_html(report: ClassReport) -> str:
    """The report as one stand-alone HTML page (inline style, plots as data URIs, no scripts).

    Args:
        report: the report (:func:`read_class`).

    Returns:
        The HTML document.
    """
    e = html.escape
    body = ["<h1>Class report: what the class got wrong</h1>",
            f"<p class='note'>Written {e(report.generated)} from <code>{e(str(report.state))}</code>.</p>"]
    for line in _headline(report):
        text = e(line).replace("**", "")
        cls = "alert" if ("failed" in line or "No hand-in" in line) else "note"
        body.append(f"<p class='{cls}'>{text}</p>")
    for a in report.assignments:
        n = len(a.graded)
        body.append(f"<h2 id='{e(a.name)}'>{e(a.name)}</h2>")
        body += [f"<p class='note'>{e(note)}</p>" for note in a.notes]
        if n == 1:
            body.append("<p class='note'>One hand-in graded: each share below is that one hand-in.</p>")
        if n:
            body.append(f"<p><b>Autograded points</b>: {e(_stats(a.auto, a.max_auto))}.</p>")
            png = histogram_png(list(a.auto.values()), a.max_auto, f"{a.name}: autograded points",
                                "autograded points per hand-in")
            body.append(_img(png, f"histogram of autograded points of {a.name}"))
            if a.max_written:
                body.append(f"<p><b>Written points</b>: {e(_stats(a.written, a.max_written))}"
                            + (f"; {n - len(a.written)} of {n} not graded yet (formgrader)."
                               if len(a.written) < n else ".") + "</p>")
                if a.written:
                    png = histogram_png(list(a.written.values()), a.max_written, f"{a.name}: written points",
                                        "written points per hand-in (graded by hand)")
                    body.append(_img(png, f"histogram of written points of {a.name}"))
            teach = _reteach(a)
            if teach:
                body.append("<h3>Re-teach first</h3><ol>")
                body += [f"<li><b>{len(m.students)} of {n}</b> in <code>{e(f.name)}</code>: {e(m.key)}</li>"
                         for f, m in teach]
                body.append("</ol>")
            body.append("<h3>Per graded function</h3><table><tr><th>function</th><th>points</th><th>passed</th>"
                        "<th>mistakes, most made first</th></tr>")
            for f in a.functions:
                share = len(f.passed) / n
                mistakes = "".join(
                    f"<li><b>{len(m.students)} of {n}</b>: "
                    + (e(m.key) if m.named or m.key == NOT_ATTEMPTED else f"<span class='unnamed'>{e(m.key)}</span>")
                    + f"<details><summary>hand-ins</summary>{e(', '.join(m.students))}"
                    + (f"<pre>{e(m.example)}</pre>" if m.example else "") + "</details></li>"
                    for m in f.mistakes)
                body.append(
                    f"<tr><td><code>{e(f.name)}</code></td><td class='num'>{_pts(f.points)}</td>"
                    f"<td class='num'><span class='bar' style='width:{4 * share:.2f}rem'></span>"
                    f"{len(f.passed)} of {n} ({_pct(len(f.passed), n)})</td>"
                    f"<td>{'<ul>' + mistakes + '</ul>' if mistakes else '-'}</td></tr>")
            body.append("</table><p class='note'>A mistake in italics was not named by a check: its failure's first "
                        "line stands for it, numbers masked as #.</p>")
        flagged = [r for r in a.rows if r.needs_a_look]
        body.append("<h3>Flagged for a look</h3>")
        if flagged:
            body.append("<ul>" + "".join(
                f"<li><code>{e(r.student)}</code> (<a href='#report-line-{r.line}'>report.csv line {r.line}</a>): "
                f"{e(_flag_text(r))}</li>" for r in flagged) + "</ul>")
        else:
            body.append("<p>none</p>")
        timed = sorted((r for r in a.rows if r.seconds is not None and r.status in GRADED),
                       key=lambda r: -(r.seconds or 0))[:SLOWEST]
        if timed:
            body.append("<h3>Slowest hand-ins</h3><table><tr><th>student</th><th>grading time</th></tr>")
            body += [f"<tr><td><a href='#report-line-{r.line}'>{e(r.student)}</a></td>"
                     f"<td class='num'>{r.seconds:.1f} s</td></tr>" for r in timed]
            body.append("</table>")
    if report.rows:
        body.append("<h2 id='report-csv'>report.csv</h2>"
                    "<p class='note'>The rows of <a href='report.csv'>report.csv</a> (line 1 is its header).</p>"
                    "<table><tr><th>line</th><th>student</th><th>assignment</th><th>autograded</th><th>status</th>"
                    "<th>repaired</th><th>flags</th><th>detail</th><th>seconds</th></tr>")
        for r in report.rows:
            score = f"{_pts(r.autograded)} / {_pts(r.max_autograded)}" if r.autograded is not None else "-"
            seconds = f"{r.seconds:.1f}" if r.seconds is not None else ""
            body.append(f"<tr id='report-line-{r.line}'><td class='num'>{r.line}</td><td>{e(r.student)}</td>"
                        f"<td>{e(r.assignment)}</td><td class='num'>{score}</td><td>{e(r.status)}</td>"
                        f"<td>{e(r.repaired)}</td><td>{e(r.flags)}</td><td>{e(r.detail)}</td>"
                        f"<td class='num'>{seconds}</td></tr>")
        body.append("</table>")
    body.append(f"<hr><p class='note'>{e(PRIVACY)}</p>")
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Class report</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _img(png: bytes, alt: str) -> str:
    return f"<p><img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'></p>"


def write(state: Path = STATE, root: Path = ROOT, run_error: str | None = None) -> tuple[Path, Path]:
    """Write ``class-report.html`` and ``class-report.md`` into ``state``; return their paths.

    Args:
        state: the grading state folder (made if missing).
        root: the course's root.
        run_error: why the grading run failed, or None.

    Returns:
        ``(html, markdown)``: the paths written.
    """
    report = read_class(state, root, run_error)
    state.mkdir(parents=True, exist_ok=True)
    html_path, md_path = state / HTML_NAME, state / MARKDOWN_NAME
    html_path.write_text(render_html(report), encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    return html_path, md_path


def after(run: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """``run(argv)`` (a grading run), then write the class report, also when the run fails or grades nothing.

    A failed run (an exception, ``SystemExit`` with a message or a non-zero status, an interrupt) is named in
    the report and then goes on failing as it would have; ``--help`` and ``--register-only`` write no report.
    A report that cannot be written says so on stderr and does not change the run's outcome.

    Args:
        run: the grading run, of the command line (:func:`autograder.grading.grade.grade`).
        argv: ``run``'s command line (default: the process's arguments).

    Returns:
        ``run``'s exit status.

    Raises:
        BaseException: whatever ``run`` raised (``SystemExit``, ``KeyboardInterrupt``, an error), after the report.
    """
    given = sys.argv[1:] if argv is None else argv
    failure: str | None = "the run was interrupted"
    try:
        code = run(argv)
        failure = None if not code else f"it exited with status {code}"
        return code
    except SystemExit as exc:
        failure = None if exc.code in (0, None) else str(exc.code).strip().splitlines()[0][:300]
        raise
    except Exception as exc:
        failure = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ''}"
        raise
    finally:
        if not {"-h", "--help", "--register-only"} & set(given):
            try:
                html_path, md_path = write(run_error=failure)
                shown = html_path.relative_to(ROOT) if html_path.is_relative_to(ROOT) else html_path
                print(f"Class report: {shown} (and {md_path.name})")
            except Exception as exc:  # noqa: BLE001 - the report must not hide the run's own outcome
                print(f"The class report could not be written: {type(exc).__name__}: {exc}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Write the class report again from what grading left in the state folder, and say where it is.

    Args:
        argv: ``[--print]`` (default: the process's arguments).

    Returns:
        The exit status: 0.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--print", action="store_true", help="print the Markdown report")
    args = parser.parse_args(argv)
    html_path, md_path = write()
    if args.print:
        print(md_path.read_text())
    print(f"Class report: {html_path} (and {md_path.name}); from {STATE} (COURSE_STATE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
