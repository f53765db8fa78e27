"""The autograder separates right from wrong answers, and the visible checks teach, for every graded function.

For each assignment, ``tests/mutants/<assignment>.py`` defines ``WRONG`` and ``RIGHT``:
``{answer_cell_grade_id: {label: source}}``. Each source replaces the answer cell and the notebook's
own tests (visible and hidden, exactly as nbgrader runs them) are run in-process:

- every WRONG implementation (a realistic mistake) must score below full marks, and a VISIBLE check
  (the code of a test cell before ``### BEGIN HIDDEN TESTS``, what the student runs before handing in)
  must catch it, unless the module marks it hidden-only with a reason:
  ``HIDDEN_ONLY = {answer_cell_grade_id: {label: "why no visible check can catch it without giving away
  a hidden test"}}``, at most one in ten of the assignment's WRONG implementations;
- every RIGHT implementation (correct, written differently from the solution) must score full marks;
- every answer cell has at least three WRONG and one RIGHT implementation;
- the reference answers score full marks, and the released stubs (the untouched notebook) nothing.

Each result is appended to ``build/mutants.tsv`` (assignment, kind, answer cell, label, score, the test
cell whose visible check caught it or ``-``, that check's message); :func:`summary_lines` turns it into
the summary that ``tests/conftest.py`` prints at the end of the run.
"""

from __future__ import annotations

import functools
import os

import pytest

from autograder.core import is_answer
from autograder.release.notebooks import blank_hand_in
from harness import (
    ROOT,
    Prefix,
    graded_assignments,
    load_mutants,
    nbgrader_meta,
    run_tests,
    solution_ids,
    source_notebook,
)

REPORT = ROOT / "build" / "mutants.tsv"

COLUMNS = ("assignment", "kind", "cell", "label", "score", "caught_by_visible", "message")


def hidden_only(module) -> dict[str, dict[str, str]]:
    return getattr(module, "HIDDEN_ONLY", {}) or {}


def cases(assignment: str) -> list:
    """Every mutant of ``assignment``, answer cell by answer cell in the notebook's order (WRONG, then RIGHT): the
    order in which one :class:`harness.Prefix` serves them all, moving forward.

    ``make test`` runs every WRONG mutant (a grader that passes a wrong answer is the worst bug) and the first RIGHT one
    of each answer cell; the other RIGHT ones run to the notebook's end, seconds each, and are marked ``full``:
    ``make test-full`` (CI, after ``make test``) runs them."""
    module = load_mutants(assignment)
    if module is None:
        return []
    order = solution_ids(source_notebook(assignment))
    cells = sorted({*module.WRONG, *module.RIGHT}, key=lambda c: order.index(c) if c in order else len(order))
    return [pytest.param(kind, cell_id, label, source, id=f"{kind}-{cell_id}-{label}",
                         marks=[pytest.mark.full] if kind == "RIGHT" and position > 0 else [])
            for cell_id in cells for kind in ("WRONG", "RIGHT")
            for position, (label, source) in enumerate(getattr(module, kind).get(cell_id, {}).items())]


HARNESS_CHECKED = (graded_assignments()[0], graded_assignments()[-1])
"""The assignments (a NumPy one and a torch one) whose Prefix runs ``make test`` compares with whole runs; the others'
run in ``make test-full``. (That the reference answers score full marks in-process is shown in every assignment by
its RIGHT mutants, each of which leaves every other answer cell the reference's.)"""


def _clean(text: str) -> str:
    return " | ".join(line.strip() for line in str(text).splitlines() if line.strip()).replace("\t", " ")[:600]


def record(*fields: object) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    if not REPORT.exists():
        REPORT.write_text("\t".join(COLUMNS) + "\n")
    with REPORT.open("a") as handle:
        handle.write("\t".join(_clean(f) for f in fields) + "\n")


def summary_lines() -> list[str]:
    """Per assignment: WRONG mutants, how many a visible check catches, which are hidden-only, which escape."""
    if not REPORT.is_file():
        return []
    rows = {}
    for line in REPORT.read_text().splitlines():
        fields = line.split("\t")
        if len(fields) != len(COLUMNS) or fields[0] == "assignment":
            continue
        row = dict(zip(COLUMNS, fields, strict=True))
        rows[(row["assignment"], row["kind"], row["cell"], row["label"])] = row  # the last run of a mutant wins
    lines = []
    for assignment in sorted({key[0] for key in rows}):
        module = load_mutants(assignment)
        marked = hidden_only(module) if module is not None else {}
        wrong = [r for (a, kind, _, _), r in rows.items() if a == assignment and kind == "WRONG"]
        caught = [r for r in wrong if r["caught_by_visible"] != "-"]
        hidden = [r for r in wrong if r["caught_by_visible"] == "-" and r["label"] in marked.get(r["cell"], {})]
        escaped = [r for r in wrong if r["caught_by_visible"] == "-" and r not in hidden]
        lines.append(f"{assignment}: {len(wrong)} WRONG mutants run, {len(caught)} caught by a visible check, "
                     f"{len(hidden)} hidden-only, {len(escaped)} pass every visible check"
                     + (": " + ", ".join(f"{r['cell']}/{r['label']}" for r in escaped) if escaped else ""))
    return lines


def run_mutant(prefixes, assignment, cell_id, source, stop):  # noqa: ANN001, ANN201
    """What ``run_tests(assignment, {cell_id: source}, stop_at_visible_failure=stop)`` gives, from a Prefix."""
    if not hasattr(os, "fork"):
        return run_tests(assignment, {cell_id: source}, stop_at_visible_failure=stop)
    for other in [a for a in prefixes if a != assignment]:
        prefixes.pop(other).close()
    if assignment in prefixes and not prefixes[assignment].can_advance(cell_id):  # run out of order (-k, a rerun)
        prefixes.pop(assignment).close()
    if assignment not in prefixes:
        prefixes[assignment] = Prefix(assignment, cell_id)
    prefixes[assignment].advance(cell_id)
    return prefixes[assignment].run(source, stop_at_visible_failure=stop)


class Mutants:
    """The tests of one assignment (a subclass per assignment below): ``make test`` hands each class to one pytest
    worker (``--dist loadscope``), so the assignments' mutants run on both workers and each class's Prefix serves
    all of its assignment's mutants."""

    assignment: str

    def test_every_answer_cell_has_mutants(self):
        """Every graded answer cell (one a test cell checks; an ungraded answer cell, such as 04-06's ``coder_from_02``
        where the student pastes 02's coder for a demonstration, earns nothing and has no mutants)."""
        assignment = self.assignment
        from autograder.results.class_report import tests_by_function

        module = load_mutants(assignment)
        assert module is not None, f"tests/mutants/{assignment}.py is missing"
        graded = set(tests_by_function(source_notebook(assignment)).values())
        for cell_id in [c for c in solution_ids(source_notebook(assignment)) if c in graded]:
            assert len(module.WRONG.get(cell_id, {})) >= 3, f"{assignment}: {cell_id} needs >= 3 WRONG implementations"
            assert len(module.RIGHT.get(cell_id, {})) >= 1, f"{assignment}: {cell_id} needs >= 1 RIGHT implementation"

    def test_hidden_only_marks_are_few_and_explained(self):
        assignment = self.assignment
        module = load_mutants(assignment)
        assert module is not None, f"tests/mutants/{assignment}.py is missing"
        marked = hidden_only(module)
        n_wrong = sum(len(v) for v in module.WRONG.values())
        n_marked = 0
        for cell_id, labels in marked.items():
            for label, reason in labels.items():
                assert label in module.WRONG.get(cell_id, {}), (
                    f"HIDDEN_ONLY names {cell_id}/{label}, not a WRONG mutant")
                assert isinstance(reason, str) and len(reason.split()) >= 4, (
                    f"HIDDEN_ONLY {cell_id}/{label}: say why no visible check can catch it")
                n_marked += 1
        assert 10 * n_marked <= n_wrong, (
            f"{assignment}: {n_marked} of {n_wrong} WRONG mutants are hidden-only; at most one in ten may be")

    def test_the_released_stubs_score_nothing_in_process(self):
        """The untouched notebook (every answer cell as released: ``raise NotImplementedError()``) fails every test
        cell, visibly. (tests/test_grading.py grades it through nbgrader in two assignments.)"""
        assignment = self.assignment
        stubs = {nbgrader_meta(c)["grade_id"]: c.source for c in blank_hand_in(assignment).cells if is_answer(c)}
        assert stubs and all("NotImplementedError" in source for source in stubs.values())
        outcome = run_tests(assignment, stubs)
        assert outcome.max_score > 0 and outcome.score == 0, outcome.points
        assert set(outcome.visible_failures) == set(outcome.max_points), "a test cell passes on the stubs"

    def test_reference_scores_full_marks_and_a_prefix_run_equals_a_whole_run(self):
        """The reference answers score full marks in-process, and the mutants below, which run from a forked
        :class:`harness.Prefix` moved forward from answer cell to answer cell, get what whole runs get: a Prefix of the
        first answer cell gives a WRONG mutant of it, stopped at its first visible failure, what a whole run gives;
        moved to the last answer cell (the longest prefix), it gives the reference's own code there what the whole run
        of the reference gives."""
        assignment = self.assignment
        whole = run_tests(assignment)
        assert whole.max_score > 0
        assert whole.score == whole.max_score, whole.failures
        assert not whole.visible_failures, whole.visible_failures
        module = load_mutants(assignment)
        nb = source_notebook(assignment)
        answers = [c for c in solution_ids(nb) if c in module.WRONG]
        first, last = answers[0], answers[-1]
        wrong = next(v for label, v in module.WRONG[first].items() if label not in hidden_only(module).get(first, {}))
        stopped = run_tests(assignment, {first: wrong}, stop_at_visible_failure=True)
        assert stopped.stopped_at is not None and stopped.score < stopped.max_score
        prefix = Prefix(assignment, first)
        try:
            assert prefix.run(wrong, stop_at_visible_failure=True) == stopped
            prefix.advance(last)
            with pytest.raises(ValueError, match="forward only"):
                prefix.advance(first)
            reference = next(c.source for c in nb.cells if nbgrader_meta(c).get("grade_id") == last)
            assert prefix.run(reference) == whole
        finally:
            prefix.close()

    @pytest.fixture(scope="class")
    def prefixes(self):
        """The :class:`harness.Prefix` of the assignment whose mutants run now: the mutants come assignment by
        assignment and answer cell by answer cell (:func:`cases`), so one Prefix per assignment, moved forward from
        answer cell to
        answer cell, runs each cell of the notebook once for all of them."""
        running: dict[str, Prefix] = {}
        yield running
        for prefix in running.values():
            prefix.close()

    def test_mutant(self, prefixes, kind, cell_id, label, source):
        assignment = self.assignment
        marked = kind == "WRONG" and label in hidden_only(load_mutants(assignment)).get(cell_id, {})
        # A WRONG answer's verdict is settled at the first visible failure (its cell scores 0, a visible check caught
        # it): the rest of the notebook need not run. RIGHT and hidden-only ones run to the end.
        outcome = run_mutant(prefixes, assignment, cell_id, source, kind == "WRONG" and not marked)
        caught_by = next(iter(outcome.visible_failures), "-")
        message = outcome.visible_failures.get(caught_by) or next(iter(outcome.failures.values()), "")
        points = f"{outcome.score:g}/{outcome.max_score:g}"
        if outcome.stopped_at:
            points += f" (stopped at {outcome.stopped_at})"
        record(assignment, kind, cell_id, label, points, caught_by, message)
        if kind == "RIGHT":
            assert outcome.score == outcome.max_score, f"a right {cell_id} ({label}) lost points: {outcome.failures}"
            return
        assert outcome.score < outcome.max_score, f"a wrong {cell_id} ({label}) got full marks"
        if marked:
            assert caught_by == "-", (
                f"{cell_id} ({label}) is marked HIDDEN_ONLY but the visible check of {caught_by} catches it: "
                "drop the mark")
        else:
            assert caught_by != "-", (
                f"a wrong {cell_id} ({label}) passes every visible check (a hidden test catches it: "
                f"{next(iter(outcome.failures.values()), '')}); add a visible check that names the mistake, "
                "or mark it HIDDEN_ONLY with a reason in tests/mutants/")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each class's ``test_mutant`` runs over its own assignment's mutants."""
    if metafunc.function.__name__ == "test_mutant":
        metafunc.parametrize(("kind", "cell_id", "label", "source"), cases(metafunc.cls.assignment))


def _full(method):  # noqa: ANN001, ANN202
    """``method`` marked ``full`` for one class only (a wrapper: the mark goes on it, not on the shared method)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        return method(self, *args, **kwargs)
    return pytest.mark.full(wrapper)


for _assignment in graded_assignments():
    _namespace: dict = {"assignment": _assignment}
    if _assignment not in HARNESS_CHECKED:
        _whole = Mutants.test_reference_scores_full_marks_and_a_prefix_run_equals_a_whole_run
        _namespace[_whole.__name__] = _full(_whole)
    globals()[f"Test_{_assignment}"] = type(f"Test_{_assignment}", (Mutants,), _namespace)
