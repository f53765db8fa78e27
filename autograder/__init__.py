"""The instructor's tools of the course: one package, installed with the course (``pip install -e .``).

- :mod:`autograder.core`: where the course is (``COURSE_ROOT``), where grading state goes (``COURSE_STATE``),
  the assignments, ``[tool.course]`` and the rest of ``pyproject.toml``, nbgrader's cell predicates, running nbgrader.
- release: :mod:`autograder.release` (``make release``: the student notebooks), :mod:`autograder.colab` (the
  Colab setup cell, the badges, README's notebooks table, ``helpers/course.py``), :mod:`autograder.student_dist`
  (``make student-dist``).
- grading: :mod:`autograder.collect` (``make collect``), :mod:`autograder.repair` (hand-ins made gradable),
  :mod:`autograder.safeguards` (nbgrader preprocessors), :mod:`autograder.grade` (``make grade``),
  :mod:`autograder.export` (grades out of the gradebook).
- ``nbgrader_config.py``: nbgrader's configuration, computed from :mod:`autograder.core`.

Each command is ``python -m autograder.<module>``.
"""

import sys

# jsonschema (which nbformat and nbgrader import) imports rfc3987_syntax where it is installed, for its "iri" format
# checkers, and rfc3987_syntax compiles a Lark grammar as it is imported: 0.75 s of every process of these tools
# that reads a notebook (make grade starts one per job). No schema they validate (nbformat's, nbgrader's cell
# metadata) has a "format", so jsonschema is told the module is absent, as where it is not installed: it then has no
# "iri" checker, and nothing else changes. (tests/test_core.py checks both facts.)
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
