"""Lets nbgrader (and the formgrader in JupyterLab) find the course's configuration from the root."""

import os

import autograder

# The course is the folder of this file (unless COURSE_ROOT says otherwise); autograder.core reads it.
os.environ.setdefault("COURSE_ROOT", os.path.dirname(os.path.abspath(__file__)))
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
# The configuration lives in the autograder package (wherever it is installed: a copy of the course made for grading
# has no autograder/ folder of its own).
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(autograder.__file__)), "nbgrader_config.py"))  # noqa: F821
