"""nbgrader preprocessors that make autograding hold up against what students really hand in.

Configured in ``nbgrader_config.py``:

- :class:`InsertGuard` (sanitising step, after nbgrader restored the instructor's test cells) puts one
  cell at the top of the hand-in. It runs before any student code and, before every later cell,
  puts back the comparison functions (``np.allclose``, ``math.isclose``, ``torch.allclose``,
  ``np.testing.*``, ``torch.testing.*``, ``helpers.checks.*``) if a student's cell replaced them
  (printing ``[autograder] restored ...``), stops a cell that runs too long (``TimeoutError``), and turns
  ``os._exit()`` in the kernel into an exception, so a hand-in keeps the points its tests earn.
- :class:`ResilientExecute` executes like nbgrader's ``Execute``, but when the kernel dies it keeps the
  outputs of the cells that finished and marks the rest as not run, instead of losing the whole hand-in.
- :class:`HideHiddenTests` (feedback step) removes the hidden tests' code and the traceback lines that
  would quote it, leaving which tests passed or failed and their messages.
"""

from __future__ import annotations

import re

from nbclient.exceptions import DeadKernelError
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Integer

from autograder.core import is_test

GUARD_MARK = "# Inserted by the course's autograder"
RESTORED_MARK = "[autograder] restored"
TIMEOUT_MARK = "[autograder] this cell ran over"
EXIT_MARK = "[autograder] os._exit"
SYS_EXIT_MARK = "[autograder] sys.exit"

GUARD_SOURCE = '''{mark} (not part of your notebook): before every cell it puts back the
# comparison functions if a cell replaced them, it stops a cell after {limit} s, os._exit() raises,
# and sys.exit() says so on stdout.
def _course_autograder_guard(limit={limit}, limit_after_timeout={short}):
    import math
    import os
    import signal
    import sys

    import numpy
    import numpy.testing
    targets = [(math, "isclose"), (numpy, "allclose"), (numpy, "isclose"), (numpy, "array_equal")]
    targets += [(numpy.testing, n) for n in dir(numpy.testing) if n.startswith("assert")]
    try:
        import torch
        import torch.testing
        targets += [(torch, "allclose"), (torch, "isclose"), (torch, "equal"), (torch.testing, "assert_close")]
    except ImportError:
        pass
    try:
        import helpers.checks as checks
        targets += [(checks, n) for n in dir(checks) if n.startswith("check") or n == "ok"]
    except ImportError:
        pass
    originals = {{(module, name): getattr(module, name) for module, name in targets}}
    state = {{"limit": limit}}
    kernel_pid = os.getpid()
    real_exit = os._exit

    def guarded_exit(*args, **kwargs):
        if os.getpid() != kernel_pid:  # a forked worker process exits as usual
            real_exit(*args, **kwargs)
        raise SystemExit("{exit_mark}() was called; the autograder keeps the kernel alive")

    real_sys_exit = sys.exit

    def guarded_sys_exit(*args):
        print("{sys_exit_mark}() was called")
        real_sys_exit(*args)

    def on_alarm(signum, frame):
        state["limit"] = limit_after_timeout
        raise TimeoutError(f"{timeout_mark} {{state['current']}} s and was stopped")

    def before_cell(info=None):
        changed = []
        for (module, name), function in originals.items():
            if getattr(module, name, None) is not function:
                changed.append(f"{{module.__name__}}.{{name}}")
                setattr(module, name, function)
        if changed:
            print("{restored_mark} " + ", ".join(sorted(changed)))
        os._exit = guarded_exit
        sys.exit = guarded_sys_exit
        state["current"] = state["limit"]
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(state["limit"])

    def after_cell(result=None):
        signal.alarm(0)

    shell = get_ipython()  # noqa: F821
    shell.events.register("pre_run_cell", before_cell)
    shell.events.register("post_run_cell", after_cell)
    os._exit = guarded_exit


_course_autograder_guard()
del _course_autograder_guard
'''


class InsertGuard(NbGraderPreprocessor):
    """Insert the guard cell (see the module's docstring) at the top of the notebook."""

    cell_limit = Integer(60, help="seconds a cell may run before it is stopped").tag(config=True)
    cell_limit_after_timeout = Integer(
        15, help="seconds a cell may run once a cell of this hand-in has been stopped"
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.startswith(GUARD_MARK))]
        source = GUARD_SOURCE.format(
            mark=GUARD_MARK,
            limit=self.cell_limit,
            short=self.cell_limit_after_timeout,
            exit_mark=EXIT_MARK,
            timeout_mark=TIMEOUT_MARK,
            restored_mark=RESTORED_MARK,
            sys_exit_mark=SYS_EXIT_MARK,
        )
        cell = new_code_cell(source)
        cell.id = "autograder-guard"
        nb.cells.insert(0, cell)
        return nb, resources


class ResilientExecute(Execute):
    """nbgrader's ``Execute`` that survives a dead kernel: finished cells keep their outputs.

    nbclient's ``on_cell_start`` hook records which cell is running, so the cell the kernel died in is known.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict, km=None):  # noqa: ANN001
        started = {"index": -1}
        chained = self.on_cell_start

        def on_cell_start(cell: NotebookNode, cell_index: int) -> None:
            started["index"] = cell_index
            if chained is not None:
                chained(cell=cell, cell_index=cell_index)

        self.on_cell_start = on_cell_start
        try:
            return super().preprocess(nb, resources, km=km)
        except DeadKernelError:
            self.log.warning("The kernel died; grading the cells that finished before it died")
            died_at = max(started["index"], 0)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index < died_at:
                    continue
                what = "the kernel died while running this cell" if index == died_at else "not run: the kernel died"
                cell.outputs.append(
                    NotebookNode(output_type="error", ename="DeadKernelError", evalue=what, traceback=[what])
                )
            return nb, resources
        finally:
            self.on_cell_start = chained


class HideHiddenTests(NbGraderPreprocessor):
    """For students' feedback: drop hidden tests' code and the traceback lines that would quote it."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if not is_test(cell):
            return cell, resources
        before = cell.source
        cell, resources = ClearHiddenTests().preprocess_cell(cell, resources, index)
        if cell.source != before:
            cell.source = cell.source.rstrip() + "\n# (hidden tests: their code is not shown)"
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                output["traceback"] = [_strip_ansi(message)]
        return cell, resources


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
