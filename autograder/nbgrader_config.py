"""nbgrader configuration of the course.

Every path comes from :mod:`autograder.core`: the course's root (``COURSE_ROOT``) and the grading state
(``COURSE_STATE``, default ``grading/``). :func:`autograder.core.nbgrader` runs nbgrader with this folder
as the working directory; the formgrader in JupyterLab finds it through the root's ``nbgrader_config.py``.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
)

from autograder.core import (
    AUTOGRADED,
    DOWNLOADED,
    FEEDBACK,
    HAND_IN_NAME,
    ROOT,
    STAGED,
    STATE,
    db_url,
    relative_to_root,
)
from autograder.gradebook import GetGradesForFeedback
from autograder.grading.preprocessors import HideHiddenTests, ResilientExecute, SaveJudgedGrades
from autograder.results.feedback import TEMPLATE_NAME, TEMPLATES, FeedbackExporter

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file


c.CourseDirectory.course_id = "genmodels"
c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# Hand-ins arrive in grading/submitted/ and are never changed there; `autograder.grading.grade` copies each one,
# repaired, into grading/staged/, and each grading job carries its staged hand-ins into a scratch course of its own,
# whose staged/ folder is what nbgrader's autograde reads.
c.CourseDirectory.submitted_directory = relative_to_root(STAGED)
c.CourseDirectory.autograded_directory = relative_to_root(AUTOGRADED)
c.CourseDirectory.feedback_directory = relative_to_root(FEEDBACK)
c.CourseDirectory.solution_directory = relative_to_root(STATE / "solution")
# A long SQLite timeout lets several autograde processes share the gradebook (writes are short).
c.CourseDirectory.db_url = db_url()
# Only the notebooks travel: no helper files in the assignment folders are copied or overwritten.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# Training cells need more than nbgrader's 30 s default; a whole notebook fits in 2 minutes,
# so one cell that takes 5 minutes is a runaway loop, not a slow answer.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True
# Once the last cell ran, the kernel is killed (its sandbox and every process in it with it) instead of being asked to
# shut down and waited for: nothing it would do at exit is graded (about 0.6 s a hand-in).
c.Execute.shutdown_kernel = "immediate"
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
# A cell's last outputs may arrive seconds after its reply on a busy machine (nbclient's default wait is 4 s,
# after which nbgrader fails the hand-in).
c.Execute.iopub_timeout = 30

# nbgrader zeroes a test cell that writes anything to stderr. A torch warning or a progress bar
# from a right answer must not cost points: drop every stderr stream before grades are taken.
# Errors are 'error' outputs, not stderr streams, and still fail the cell.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]*"

# The executor that runs each kernel in a sandbox and its test cells in the judge, and survives dead kernels
# (grading/preprocessors.py, kernel/sandbox.py, kernel/serve.py, grading/judge.py; its cell time limits are
# ResilientExecute.cell_limit and cell_limit_after_timeout, 60 s and 15 s unless a grading job sets them); the judge's
# points saved (SaveJudgedGrades); feedback that shows which tests failed and why, but not the hidden tests' code.
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    ResilientExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveJudgedGrades, AssignLatePenalties,
    CheckCellMetadata,
]
# The feedback (also `make feedback`, autograder/results/feedback.py): a written answer nobody graded yet says so; the
# course's template (nbgrader's, with KaTeX inlined: formulas typeset offline, no CDN; long lines wrap).
c.GenerateFeedback.preprocessors = [GetGradesForFeedback, CSSHTMLHeaderPreprocessor, HideHiddenTests]
c.GenerateFeedback.exporter_class = FeedbackExporter
c.FeedbackExporter.template_name = TEMPLATE_NAME
c.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES)]
# A hand-in's outputs and Markdown are data, never active content: the feedback and the formgrader's pages
# sanitise the HTML they render (nbconvert's allowlist sanitiser; the executor already keeps only text and images).
c.HTMLExporter.sanitize_html = True

# `make collect`: a learning management system's download (one zip, or a folder of
# <student>_<anything>.ipynb files) is unpacked under grading/downloaded/ and collected into
# grading/submitted/ by nbgrader's zip_collect. A notebook under another name is kept
# (not strict); grading gives it the expected name when it is the only notebook of the hand-in.
c.ZipCollectApp.downloaded_directory = relative_to_root(DOWNLOADED)
c.ZipCollectApp.strict = False
c.FileNameCollectorPlugin.named_regexp = r".*[/\\]" + HAND_IN_NAME + "$"

# The course hands out and collects through Colab and an LMS, not nbgrader's exchange; its folder lives in the grading
# state (the formgrader warns when the exchange folder does not exist: /usr/local/share/nbgrader/exchange by default).
c.Exchange.root = str(STATE / "exchange")
(STATE / "exchange").mkdir(mode=0o700, parents=True, exist_ok=True)

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
