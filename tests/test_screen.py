"""The static screen of hand-ins (autograder.grading.screen): no RIGHT mutant and no reference answer is flagged;
code that reaches for the grader or the outside is, with its line."""

from __future__ import annotations

import nbformat
import pytest
from threats import hide_cell

from autograder.core import graded_assignments, is_answer, source_path
from autograder.grading.screen import screen_notebook, screen_source
from harness import load_mutants


@pytest.mark.parametrize("assignment", graded_assignments())
def test_no_right_mutant_nor_reference_answer_is_flagged(assignment):
    module = load_mutants(assignment)
    sources = {f"RIGHT {cell}/{name}": code for cell, variants in (module.RIGHT if module else {}).items()
               for name, code in variants.items()}
    source = nbformat.read(source_path(assignment), as_version=4)
    sources.update({f"reference {c.metadata['nbgrader']['grade_id']}": c.source for c in source.cells if is_answer(c)})
    assert sources
    flagged = {label: found for label, code in sources.items() if (found := screen_source(code))}
    assert flagged == {}


def test_reaching_for_the_grader_or_the_outside_is_flagged_with_its_line():
    code = "\n".join([
        "import subprocess",  # 1
        "x = 1",  # 2
        "get_ipython().events.callbacks.clear()",  # 3
        "import sys",  # 4
        "sys.modules['helpers.checks'] = None",  # 5
        "data = open('/srv/course/grading/gradebook.db', 'rb').read()",  # 6
        "np.allclose = lambda *a, **k: True",  # 7
        "f = (lambda: 0).__globals__",  # 8
        "eval('1')",  # 9
        "import ctypes, gc, socket, signal, sqlite3",  # 10
        "!ls",  # 11
    ])
    lines = {line for line, _ in screen_source(code)}
    assert lines == {1, 3, 5, 6, 7, 8, 9, 10, 11}, screen_source(code)
    whats = " ".join(what for _, what in screen_source(code))
    for word in ("subprocess", "get_ipython", "sys.modules", "gradebook.db", "numpy.allclose", "__globals__",
                 "eval", "ctypes", "gc", "socket", "signal", "sqlite3", "shell escape"):
        assert word in whats


def test_the_screen_reads_what_the_student_wrote_not_the_course_s_cells():
    released = nbformat.read(source_path(graded_assignments()[0]).parents[2] / "notebooks" /
                             graded_assignments()[0] / f"{graded_assignments()[0]}.ipynb", as_version=4)
    assert screen_notebook(released, released) == []  # the Colab bootstrap imports subprocess: not flagged
    added = nbformat.from_dict(nbformat.reads(nbformat.writes(released), as_version=4))
    added.cells.insert(3, nbformat.v4.new_code_cell("import os\nos.system('id')"))
    found = screen_notebook(added, released)
    assert [(f.cell, f.line) for f in found] == [("cell 4", 2)], found


def test_the_threat_hand_ins_are_flagged():
    assert screen_source(hide_cell())
