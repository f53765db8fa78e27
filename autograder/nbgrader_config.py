"""nbgrader configuration of the course.

Every path is absolute, computed from this file, so a command works from any folder as long as
nbgrader finds this file (the Makefile and ``autograder/grade.py`` run nbgrader with this folder as
the working directory). ``COURSE_ROOT`` and ``COURSE_GRADEBOOK`` override the root and gradebook
(the tests use them to grade in a scratch copy).
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

ROOT = Path(os.environ.get("COURSE_ROOT", Path(__file__).resolve().parent.parent))
AUTOGRADER = ROOT / "autograder"

c.CourseDirectory.course_id = "genmodels"
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "autograder/submitted"
c.CourseDirectory.autograded_directory = "autograder/autograded"
c.CourseDirectory.feedback_directory = "autograder/feedback"
c.CourseDirectory.solution_directory = "autograder/solution"
# A long SQLite timeout lets several autograde processes share the gradebook (writes are short).
c.CourseDirectory.db_url = "sqlite:///{}?timeout=120".format(
    os.environ.get("COURSE_GRADEBOOK", str(AUTOGRADER / "gradebook.db"))
)
# Only the notebooks travel: no helper files in the assignment folders are copied or overwritten.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Training cells need more than nbgrader's 30 s default; a whole notebook fits in 2 minutes,
# so one cell that takes 5 minutes is a runaway loop, not a slow answer.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]

# nbgrader zeroes a test cell that writes anything to stderr. A torch warning or a progress bar
# from a right answer must not cost points: drop every stderr stream before grades are taken.
# Errors are 'error' outputs, not stderr streams, and still fail the cell.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# Students hand in notebooks that may miss cells (Colab, deleted tests): put the instructor's back.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
