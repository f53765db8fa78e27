"""Lets nbgrader (and the formgrader in JupyterLab) find the course's configuration from the root."""

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821
