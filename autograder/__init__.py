"""The instructor's tools of the course: one package, installed with the course (``pip install -e .``).

Four subpackages, named for what they do and where they run, around three shared modules:

- :mod:`autograder.core`: where the course is (``COURSE_ROOT``), where grading state goes (``COURSE_STATE``), the
  assignments, ``[tool.course]`` and the rest of ``pyproject.toml``, nbgrader's cell predicates, running nbgrader.
- :mod:`autograder.gradebook`: every read and write of nbgrader's gradebook.
- ``nbgrader_config.py``: nbgrader's configuration, computed from :mod:`autograder.core`.
- :mod:`autograder.release` (``make release``, ``make student-dist``): what students receive, generated from
  ``solutions/`` (which it only reads): ``notebooks`` (the student notebooks), ``colab_cell`` (the Colab setup cell
  and badge, README's notebooks table, ``helpers/course.py``), ``student_dist``.
- :mod:`autograder.grading` (``make collect``, ``make grade``): runs outside the student's kernel: ``collect``,
  ``repair`` and ``screen`` (hand-ins made gradable, risky code flagged), ``grade`` (the command), ``jobs`` and
  ``executor`` (grading jobs, local or on Dask), ``preprocessors`` (nbgrader's steps around execution) and ``judge``
  (runs the test cells, decides the points).
- :mod:`autograder.kernel`: the student's kernel: ``sandbox`` starts it under bubblewrap, ``serve`` runs inside it.
- :mod:`autograder.results` (``make feedback``, ``make export``, the class report): read from the gradebook.

Each command is ``python -m autograder.<subpackage>.<module>``, which the Makefile runs (README lists them).
"""

import sys

# jsonschema (which nbformat and nbgrader import) imports rfc3987_syntax where it is installed, for its "iri" format
# checkers, and rfc3987_syntax compiles a Lark grammar as it is imported: 0.75 s of every process of these tools
# that reads a notebook (make grade starts one per job). No schema they validate (nbformat's, nbgrader's cell
# metadata) has a "format", so jsonschema is told the module is absent, as where it is not installed: it then has no
# "iri" checker, and nothing else changes. (tests/test_core.py checks both facts.)
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
