"""The autograder separates right from wrong answers, for every graded function.

For each assignment, ``tests/mutants/<assignment>.py`` defines ``WRONG`` and ``RIGHT``:
``{answer_cell_grade_id: {label: source}}``. Each source replaces the answer cell and the notebook's
own tests (visible and hidden, exactly as nbgrader runs them) are run in-process:

- every WRONG implementation (a realistic mistake) must score below full marks;
- every RIGHT implementation (correct, written differently from the solution) must score full marks;
- every answer cell has at least three WRONG and one RIGHT implementation.

Each result is appended to ``build/mutants.tsv`` for the report.
"""

from __future__ import annotations

import pytest

from harness import ROOT, graded_assignments, load_mutants, run_tests, solution_ids, source_notebook

REPORT = ROOT / "build" / "mutants.tsv"


def cases():
    for assignment in graded_assignments():
        module = load_mutants(assignment)
        if module is None:
            continue
        for kind in ("WRONG", "RIGHT"):
            for cell_id, variants in getattr(module, kind).items():
                for label, source in variants.items():
                    yield pytest.param(assignment, kind, cell_id, source, id=f"{assignment}-{kind}-{cell_id}-{label}")


def record(*fields: object) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as handle:
        handle.write("\t".join(str(f) for f in fields) + "\n")


@pytest.mark.parametrize("assignment", graded_assignments())
def test_every_answer_cell_has_mutants(assignment):
    module = load_mutants(assignment)
    assert module is not None, f"tests/mutants/{assignment}.py is missing"
    for cell_id in solution_ids(source_notebook(assignment)):
        assert len(module.WRONG.get(cell_id, {})) >= 3, f"{assignment}: {cell_id} needs >= 3 WRONG implementations"
        assert len(module.RIGHT.get(cell_id, {})) >= 1, f"{assignment}: {cell_id} needs >= 1 RIGHT implementation"


@pytest.mark.parametrize("assignment", graded_assignments())
def test_reference_scores_full_marks_in_process(assignment):
    outcome = run_tests(assignment)
    assert outcome.max_score > 0
    assert outcome.score == outcome.max_score, outcome.failures


@pytest.mark.parametrize(("assignment", "kind", "cell_id", "source"), list(cases()))
def test_mutant(assignment, kind, cell_id, source, request):
    outcome = run_tests(assignment, {cell_id: source})
    label = request.node.callspec.id.split("-", 3)[-1]
    first_failure = next(iter(outcome.failures.values()), "")
    record(assignment, kind, cell_id, label, f"{outcome.score:g}/{outcome.max_score:g}", first_failure)
    if kind == "WRONG":
        assert outcome.score < outcome.max_score, f"a wrong {cell_id} ({label}) got full marks"
    else:
        assert outcome.score == outcome.max_score, f"a right {cell_id} ({label}) lost points: {outcome.failures}"
