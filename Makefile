# The course's commands. Each one sets up what it needs first (idempotently, in .venv).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Where grading keeps its state (hand-ins, nbgrader's folders, the gradebook, grades, report): git-ignored.
STATE ?= grading
WITH_STATE := COURSE_STATE="$(abspath $(STATE))"
PORT ?= 8888
# Extra arguments for `jupyter lab`, e.g. LAB_ARGS="--no-browser --IdentityProvider.token=secret".
LAB_ARGS ?=
LAB_NOTEBOOK ?= notebooks/00_overview/00_overview.ipynb
ASSIGNMENT ?=
# make grade: JOBS grading jobs at once (default: one more than the cores; with SCHEDULER, the workers'
# threads); SANDBOX=off grades without bubblewrap (at your own risk); SCHEDULER=tcp://host:8786 grades on Dask.
JOBS ?=
SANDBOX ?=
SCHEDULER ?=
PYTEST_ARGS ?=
STAMP := $(VENV)/.installed

.PHONY: setup lab release collect grade feedback export bench test test-full lint student-dist clean-grades help

help:
	@echo "make lab       start JupyterLab on the course (PORT=$(PORT), LAB_ARGS=extra jupyter lab arguments)"
	@echo "make test      the test suite, within 6 minutes (the graded notebooks at their quick budgets, graded)"
	@echo "make test-full every notebook in a Colab stand-in, quick and full length, and the other RIGHT mutants (CI)"
	@echo "make setup     create .venv with CPU torch, the helpers and the instructor tools"
	@echo "make release   regenerate notebooks/ from solutions/ (ASSIGNMENT=name for one)"
	@echo "make collect   ASSIGNMENT=name FROM=zip-or-folder: an LMS download into $(STATE)/submitted/"
	@echo "make feedback  the feedback again from the gradebook (written answers' grades and comments; ASSIGNMENT=name)"
	@echo "make export    LMS=canvas|moodle ROSTER=gradebook-export.csv: grades into the LMS's import files"
	@echo "               (POINTS=name=100 the LMS's points, ASSIGNMENT=name, FORCE=1 with ungraded written answers)"
	@echo "make bench     the benchmark: times, grading cost, model quality -> bench/report.md"
	@echo "make grade     autograde $(STATE)/submitted/ in sandboxes (ASSIGNMENT=name, JOBS=n, STATE=folder,"
	@echo "               SANDBOX=off at your own risk, SCHEDULER=tcp://host:8786 on a Dask cluster)"
	@echo "make student-dist  build/student-dist/ and .zip: only what students receive"

# A .venv that is a link to another copy's environment: that environment's install of the course (its editable install,
# its kernel) points at the other copy, so the tools here would run that copy's code, and `make setup` here would rewire
# it to this copy behind the other's back. Refused unless SHARED_VENV=1 (then only a warning).
VENV_LINK = $(shell test -L $(VENV) && readlink -f $(VENV) | grep -v "^$(CURDIR)/")
define venv_check
	@if [ -n "$(VENV_LINK)" ] && [ "$(VENV_LINK)" != "$(abspath $(VENV))" ]; then \
		echo "$(VENV) is a link to $(VENV_LINK), another copy's environment: its install of the course points at that"; \
		echo "copy, so the tools here would run that copy's code, and setting it up here would rewire it to this copy."; \
		if [ "$(SHARED_VENV)" != 1 ]; then echo "Refused: remove the link (rm $(VENV)) and run make setup for an environment"; \
			echo "of this copy's own, or run make here with SHARED_VENV=1 to go on anyway."; exit 2; \
		else echo "WARNING: going on (SHARED_VENV=1)."; fi; fi
endef

setup: $(STAMP)
	$(venv_check)

# One short line per setup step; what a step prints goes to build/setup.log, whose end is shown if it fails.
SETUP_LOG := build/setup.log
step = @printf '  %-44s' '$(1)'; if { echo "== $(1)"; $(2); } >>$(SETUP_LOG) 2>&1; then echo ok; \
	else echo FAILED; echo "--- the end of $(SETUP_LOG) (the whole log is there):"; tail -n 40 $(SETUP_LOG); exit 1; fi

# torch==2.13.0 installs as a CPU build here; an open range would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(venv_check)
	@mkdir -p build && : > $(SETUP_LOG) && echo "setting up $(VENV) (log: $(SETUP_LOG))"
	$(call step,virtual environment $(VENV),test -x $(PY) || $(PYTHON) -m venv $(VENV))
	$(call step,pip,$(PY) -m pip install --upgrade pip)
	$(call step,torch 2.13.0 (CPU),$(PY) -m pip install "torch==2.13.0")
	$(call step,the course and its tools (.[dev]),$(PY) -m pip install -e ".[dev]")
	$(call step,Jupyter kernel python3,$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)")
	@touch $(STAMP)

# As root (a container, a cloud VM) JupyterLab needs --allow-root; without a display (a server) it opens no
# browser and the URL with its token below is what to open (through an SSH tunnel to PORT, for instance).
LAB_AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_HEADLESS := $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)
lab: setup
	@if [ -n "$(LAB_AS_ROOT)" ]; then echo "make lab: running as root, so JupyterLab gets --allow-root."; fi
	@if [ -n "$(LAB_HEADLESS)" ]; then echo "make lab: no display, so no browser (--no-browser): open the URL with the token JupyterLab prints below."; fi
	$(WITH_STATE) $(VENV)/bin/jupyter lab --port=$(PORT) --ServerApp.root_dir="$(CURDIR)" $(LAB_AS_ROOT) $(LAB_HEADLESS) $(LAB_ARGS) $(LAB_NOTEBOOK)

release: setup
	$(WITH_STATE) $(PY) -m autograder.release.notebooks $(ASSIGNMENT)

collect: setup
	@test -n "$(ASSIGNMENT)" -a -n "$(FROM)" || { echo "usage: make collect ASSIGNMENT=01_statistics FROM=path/to/download.zip-or-folder"; exit 2; }
	$(WITH_STATE) $(PY) -m autograder.grading.collect $(ASSIGNMENT) "$(FROM)"

grade: setup
	$(WITH_STATE) $(PY) -m autograder.grading.grade $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(SANDBOX),--sandbox $(SANDBOX)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

# The feedback again from the gradebook, after grading written answers in the formgrader (autograder/results/feedback.py).
feedback: setup
	$(WITH_STATE) $(PY) -m autograder.results.feedback $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT))

# Grades into the LMS: ROSTER is the gradebook export of Canvas or Moodle; see autograder/results/export.py. POINTS= the LMS's
# points of each assignment (default: Canvas's Points Possible), FORCE=1 exports although written answers are ungraded.
POINTS ?=
FORCE ?=
export: setup
	@case "$(LMS)" in canvas|moodle) test -n "$(ROSTER)";; *) false;; esac || { echo "usage: make export LMS=canvas|moodle ROSTER=gradebook-export.csv [POINTS=02_entropy=100] [ASSIGNMENT=name] [FORCE=1]"; exit 2; }
	$(WITH_STATE) $(PY) -m autograder.results.export --lms $(LMS) --roster "$(ROSTER)" $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) \
		$(if $(POINTS),--points "$(POINTS)") $(if $(filter 1 yes true,$(FORCE)),--force)

bench: setup
	$(PY) -m bench.run

lint: setup
	$(VENV)/bin/ruff check .

# Two pytest workers on two cores: one torch thread each (tiny models run faster single-threaded).
test: setup lint
	rm -f build/mutants.tsv
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder --durations=20 $(PYTEST_ARGS)

# What make test leaves out to stay within 6 minutes, all marked full: every notebook in the Colab stand-in, at its
# quick budgets and at its full length, as a student runs it (tests/test_colab.py; make test runs the graded notebooks
# at their quick budgets in its grading run), the RIGHT mutants after the first of each answer cell and the harness's
# whole-run checks in the other assignments (tests/test_mutants.py), an instructor's term end to end (tests/test_term.py)
# and make grade on Dask with a worker killed (tests/test_dask.py). CI runs it after make test.
test-full: setup
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n 2 --dist loadscope --no-loadscope-reorder -m full \
		--durations=10 tests/test_colab.py tests/test_mutants.py tests/test_term.py tests/test_dask.py $(PYTEST_ARGS)

# Only what students receive: notebooks/, helpers/, data/, a README for students, environment.yml, pyproject.toml.
student-dist: setup
	$(PY) -m autograder.release.student_dist

# Everything grading made, but not the hand-ins (submitted/, downloaded/).
clean-grades:
	cd "$(STATE)" 2>/dev/null && rm -rf autograded feedback staged registered solution gradebook.db grades.csv report.csv || true
