"""Lets nbgrader (and the formgrader in JupyterLab) find the course's configuration from the root."""

import os

# The course is the folder of this file (unless COURSE_ROOT says otherwise); autograder.core reads it.
os.environ.setdefault("COURSE_ROOT", os.path.dirname(os.path.abspath(__file__)))
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
