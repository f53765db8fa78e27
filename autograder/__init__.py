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
