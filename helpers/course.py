"""Where the course lives. Written by ``make release`` from ``[tool.course]`` in pyproject.toml: do not edit."""

REPOSITORY = "https://github.com/genmodels-course/genmodels-course"
REF = "v0.1.0"
