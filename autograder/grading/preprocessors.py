"""nbgrader preprocessors that make autograding hold up against what students really hand in.

Configured in ``nbgrader_config.py``:

- :class:`ResilientExecute` runs the hand-in's cells in its sandboxed kernel and its test cells in the judge
  (:mod:`autograder.grading.judge`), keeps only data in the kernel's outputs, and, when the kernel dies, keeps the cells
  that finished and marks the rest as not run, instead of losing the whole hand-in.
- :class:`SaveJudgedGrades` writes the judge's points into the gradebook (nbgrader's reading of outputs decides
  nothing).
- :class:`HideHiddenTests` (feedback step) removes the hidden tests' code and the traceback lines that would quote
  it, and the outputs of cells that ran after the kernel received hidden tests' inputs.
"""

from __future__ import annotations

import ast
import json
import os
import re
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import DeadKernelError
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor, SaveAutoGrades
from traitlets import Integer

from autograder.core import STATE, is_test, nbgrader_meta, source_path
from autograder.kernel.serve import EXIT_MARK, SYS_EXIT_MARK, TIMEOUT_MARK  # noqa: F401 - the kernel's marks

VERDICT_MARK = "[autograder] no points:"
REQUEST_TIMEOUT_S = 30
"""Seconds a silent request to the kernel may take (a kernel busy longer than that is reported)."""


def _stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


SAFE_MIME = ("text/plain", "image/png", "image/jpeg")
"""What a kernel's output may show: text and raster images, never HTML, JavaScript, SVG or widgets."""


def sanitized(output: NotebookNode) -> NotebookNode | None:
    """``output`` as data: a stream or an error as it is, a rich output with only :data:`SAFE_MIME`; None if empty.

    Args:
        output: one output of a code cell, as the kernel sent it.

    Returns:
        A new output with only nbformat's fields, each as text (a stream's, an error's, or the text and image data
        of a display or result); None for a rich output with nothing safe left, or an output of another kind.
    """
    kind = output.get("output_type")
    if kind == "stream":
        return NotebookNode(output_type="stream", name=output.get("name", "stdout"), text=str(output.get("text", "")))
    if kind == "error":
        return NotebookNode(output_type="error", ename=str(output.get("ename", "")),
                            evalue=str(output.get("evalue", "")),
                            traceback=[str(line) for line in output.get("traceback", [])])
    if kind in ("display_data", "execute_result"):
        data = {k: v for k, v in (output.get("data") or {}).items() if k in SAFE_MIME and isinstance(v, str)}
        if not data:
            return None
        clean = NotebookNode(output_type=kind, data=NotebookNode(data), metadata=NotebookNode())
        if kind == "execute_result":
            clean["execution_count"] = output.get("execution_count")
        return clean
    return None


def course_markdown(nb: NotebookNode) -> list[str]:
    """The course's own Markdown cells of a source notebook (not the written answers): a hand-in's Markdown cell that
    equals one of them is the course's text and is left as it is; any other is sanitised
    (:func:`sanitized_markdown`).

    Args:
        nb: the instructor's source notebook.

    Returns:
        The sources of its Markdown cells that are not solution cells, in order.
    """
    return [c.source for c in nb.cells if c.cell_type == "markdown" and not nbgrader_meta(c).get("solution")]


def sanitized_markdown(source: str) -> str:
    """A Markdown cell's source with its HTML made harmless: nbgrader's feedback and formgrader templates render
    Markdown without nbconvert's sanitiser, so tags outside bleach's allowlist (``script``, ``iframe``, ``img`` with
    its event handlers) and every ``on*`` attribute are escaped here, with nbconvert's ``clean_html``, and link
    schemes that run code (``javascript:``, ``vbscript:``, ``data:text/html``) are broken; other Markdown is left as
    it is.

    Args:
        source: a Markdown cell's source, from a hand-in.

    Returns:
        The source, with each such scheme's ``:`` made ``-blocked:`` and, where it holds a tag, cleaned by
        ``clean_html``.
    """
    source = UNSAFE_SCHEME.sub(lambda m: m.group(0).replace(":", "-blocked:"), source)
    if not re.search(r"<[A-Za-z!/?]", source):
        return source
    from nbconvert.filters.strings import clean_html

    return clean_html(source)


UNSAFE_SCHEME = re.compile(r"(?i)\b(?:java|vb)\s*script\s*:|\bdata\s*:\s*text/html")
"""URL schemes that run code when a link is followed: in Markdown links (``[x](javascript:...)``), which the
Markdown renderer passes through, they become harmless text."""


class SaveJudgedGrades(SaveAutoGrades):
    """nbgrader's ``SaveAutoGrades`` with the judge's points (``resources["course_verdicts"]``) for test cells: a
    test cell without a verdict (not run: the kernel died first) scores 0; outputs decide nothing."""

    def _add_score(self, cell: NotebookNode, resources: ResourcesDict) -> None:
        if not is_test(cell):  # a written answer: nbgrader's own rule (no automatic score)
            return super()._add_score(cell, resources)
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        verdict = resources.get("course_verdicts", {}).get(cell.metadata["nbgrader"]["grade_id"])
        grade.auto_score = float(verdict["points"]) if verdict else 0.0
        grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        self.gradebook.db.commit()


class ResilientExecute(Execute):
    """nbgrader's ``Execute`` with the judge, a sandbox, and dead kernels survived.

    - The kernel runs under bubblewrap (:class:`autograder.kernel.sandbox.SandboxedKernelManager`) unless
      ``COURSE_SANDBOX=off``; before the first cell :mod:`autograder.kernel.serve` is installed in it by a silent
      request (cell time limits, ``os._exit``, and the answering of the judge's calls).
    - The kernel runs every cell but the test cells. A test cell's source is taken from the gradebook (hidden tests
      included) and run by a :class:`autograder.grading.judge.Judge` in this process, whose calls into the kernel are
      silent requests; its verdict goes into ``resources["course_verdicts"]`` (the points :class:`SaveJudgedGrades`
      writes) and the notebook's metadata, its messages into the cell's outputs.
    - Outputs of the kernel are data: only text, PNG and JPEG are kept (no HTML, JavaScript or SVG). A cell run
      after the kernel received hidden tests' inputs is marked, so that the feedback leaves its outputs out.
    - When the kernel dies, the cells that finished keep their outputs and the rest are marked as not run
      (nbclient's ``on_cell_start`` hook records which cell was running).

    Args:
        *args: nbgrader's ``Execute``'s arguments.
        **kwargs: its keyword arguments (its configuration: ``cell_limit``, ``cell_limit_after_timeout``, ...);
            ``kernel_manager_class`` is the sandbox's unless given, or unless ``COURSE_SANDBOX=off``.
    """

    cell_limit = Integer(60, help="seconds a cell may run before the kernel stops it").tag(config=True)
    cell_limit_after_timeout = Integer(
        15, help="seconds a cell may run once a cell of this hand-in has been stopped (at most a quarter of cell_limit)"
    ).tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if os.environ.get("COURSE_SANDBOX", "on") != "off":
            from autograder.kernel.sandbox import SandboxedKernelManager

            kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def _evaluate(self, expression: str, timeout: float = REQUEST_TIMEOUT_S) -> tuple[bool, str]:
        """Evaluate ``expression`` in the kernel silently: (ok, its repr or the error)."""
        assert self.kc is not None
        msg_id = self.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"value": expression})
        saved, self.timeout = self.timeout, timeout
        try:
            reply = self.wait_for_reply(msg_id)
        except DeadKernelError:
            raise
        except Exception as error:  # noqa: BLE001 - a kernel that does not answer is reported, not fatal
            return False, f"no reply: {type(error).__name__}"
        finally:
            self.timeout = saved
        value = (reply or {}).get("content", {}).get("user_expressions", {}).get("value", {})
        if value.get("status") != "ok":
            return False, f"{value.get('ename', 'no reply')}: {value.get('evalue', '')}"
        return True, value.get("data", {}).get("text/plain", "")

    def _limits(self) -> tuple[int, int]:
        """The cell time limits the kernel enforces: (seconds a cell may run, seconds once one was stopped)."""
        return self.cell_limit, max(1, min(self.cell_limit_after_timeout, self.cell_limit // 4))

    def _install(self) -> None:
        from autograder.kernel import serve as in_kernel

        self._installed = True
        limit, after = self._limits()
        source = Path(in_kernel.__file__).read_text() + f"\ninstall({limit}, {after})\n"
        expression = (f"exec(compile({source!r}, '<autograder in_kernel>', 'exec'), "
                      "{'__name__': '_autograder_in_kernel'})")
        ok, what = self._evaluate(expression)
        if not ok:
            self.log.warning("The kernel's side of grading could not be installed: %s", what)

    def _send(self, request: str) -> str:
        """One request of the judge to the kernel; its reply (JSON text), or :class:`KernelError`."""
        from autograder.grading.judge import KernelError

        if self._stuck:
            raise KernelError("the kernel did not answer an earlier call in time")
        ok, text = self._evaluate(f"_course_serve({request!r})", timeout=self._limits()[0] + 15)
        if not ok:
            if text.startswith("no reply"):  # its own time limit did not stop the call: stop it, ask no more
                self._stuck = True
                from nbclient.util import ensure_async, run_sync

                run_sync(lambda: ensure_async(self.km.interrupt_kernel()))()
            raise KernelError(f"the kernel did not answer ({text})")
        try:
            reply = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            reply = None
        if type(reply) is not str:
            raise KernelError("the kernel's answer is no reply")
        return reply

    def _prepare(self, nb: NotebookNode, resources: ResourcesDict) -> None:
        """The test cells' sources (from the gradebook) and the graded names; a judge for this hand-in."""
        from autograder.grading.judge import Judge

        info = resources.get("nbgrader", {})
        if info.get("db_url"):
            from autograder.gradebook import test_sources

            self._sources, graded = test_sources(info["db_url"], info["notebook"], info["assignment"])
        else:  # run outside nbgrader (no gradebook, e.g. tests of this executor): the notebook's own cells
            from autograder.grading.repair import defined_names

            self._sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if is_test(c)}
            graded = {n for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
                      for n in defined_names(c.source)}
        setup_source, self._course_markdown = self._from_the_course(nb, info)
        self._judge = Judge(self._send, graded, prelude=setup_source)
        self._verdicts = resources.setdefault("course_verdicts", {})
        self._judge_seconds = 0.0
        self._stuck = False

    @staticmethod
    def _from_the_course(nb: NotebookNode, info: dict) -> tuple[str, set[str]]:
        """The judge's prelude (the setup cells) and the course's own Markdown cells, trusted: as the grading job wrote
        them; for nbgrader run by hand (the formgrader's button), from the instructor's source notebook; without a
        gradebook (tests of this executor), the prelude of ``nb`` itself and no trusted Markdown."""
        from autograder.grading.judge import prelude

        assignment = str(info.get("assignment"))
        setup, written = STATE / "judge" / f"{assignment}.py", STATE / "judge" / f"{assignment}.markdown.json"
        if setup.is_file():
            return setup.read_text(), set(json.loads(written.read_text())) if written.is_file() else set()
        if info.get("db_url"):
            source = source_path(assignment)
            if not source.is_file():
                return "", set()
            course = nbformat.read(source, as_version=4)
            return prelude(course), set(course_markdown(course))
        return prelude(nb), set()

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):  # noqa: ANN201
        """Run one cell of the hand-in: a code cell in the kernel (its outputs sanitised), a test cell in the judge.

        The hand-in's own Markdown (not the course's) is sanitised; the kernel's side of grading is installed before
        the first code cell; a code cell run after hidden tests' inputs is marked ``course.after_hidden_tests``.

        Args:
            cell: the cell, changed in place.
            resources: nbgrader's resources; a test cell's verdict goes into ``resources["course_verdicts"]``.
            index: the cell's index in the notebook.

        Returns:
            ``(cell, resources)``.
        """
        if cell.cell_type == "markdown" and cell.source not in self._course_markdown:  # the hand-in's own Markdown
            cell.source = sanitized_markdown(cell.source)
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if not self._installed:
            self._install()
        if is_test(cell):
            return self._judge_cell(cell, resources)
        cell, resources = super().preprocess_cell(cell, resources, index)
        cell.outputs = [o for o in (sanitized(o) for o in cell.outputs) if o is not None]
        if self._judge.tainted:
            cell.metadata.setdefault("course", {})["after_hidden_tests"] = True
        return cell, resources

    def _judge_cell(self, cell: NotebookNode, resources: ResourcesDict):  # noqa: ANN202
        meta = cell.metadata.get("nbgrader", {})
        grade_id, points = meta.get("grade_id", "?"), float(meta.get("points", 0) or 0)
        source = self._sources.get(grade_id)
        if source is None:
            from autograder.grading.judge import CellVerdict

            verdict = CellVerdict(grade_id, 0.0, points, True, False, "AutograderVerdict",
                                  f"{VERDICT_MARK} {grade_id}: not a test cell of this assignment")
        else:
            started = time.perf_counter()
            verdict = self._judge.run_cell(source, grade_id, points)
            self._judge_seconds += time.perf_counter() - started
        cell.outputs = verdict.outputs()
        cell.execution_count = None
        self._verdicts[grade_id] = {"points": verdict.points, "max_points": verdict.max_points,
                                    "failed": verdict.failed, "hidden": verdict.hidden, "kind": verdict.kind,
                                    "judge_calls": self._judge.calls}
        return cell, resources

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict, km=None):  # noqa: ANN001
        """Run the hand-in: start its kernel, run its cells (:meth:`preprocess_cell`), survive the kernel's death.

        When the kernel dies (or, once a cell has started, a hand-in breaks its messages), the cells from the one
        running on get an error output ``DeadKernelError`` (why, or "not run") and the notebook is returned. The
        verdicts and the judge's time (s) go into the notebook's metadata (``course_verdicts``,
        ``course_judge_seconds``).

        Args:
            nb: the hand-in, as nbgrader's autograde step has it (changed in place).
            resources: nbgrader's resources (``resources["nbgrader"]``: its gradebook's address, the notebook and
                the assignment).
            km: a kernel manager to use, as nbclient's (default: a new one).

        Returns:
            ``(nb, resources)``.

        Raises:
            KeyError: the kernel's messages broke before any cell started (the kernel did not start: the hand-in
                fails); ``ValueError`` and ``TypeError`` too.
        """
        started = {"index": -1}
        chained = self.on_cell_start

        def on_cell_start(cell: NotebookNode, cell_index: int) -> None:
            started["index"] = cell_index
            if chained is not None:
                chained(cell=cell, cell_index=cell_index)

        self.on_cell_start = on_cell_start
        self._installed = False
        self._prepare(nb, resources)
        try:
            return super().preprocess(nb, resources, km=km)
        except (DeadKernelError, KeyError, ValueError, TypeError) as error:  # dead, or its messages broken by a hand-in
            dead = isinstance(error, DeadKernelError)
            if not dead and started["index"] < 0:  # no cell ran: the kernel did not start (the hand-in fails)
                raise
            why = "the kernel died" if dead else f"the kernel's messages broke ({type(error).__name__}: {error})"
            self.log.warning("%s; grading the cells that finished before", why)
            died_at = max(started["index"], 0)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index < died_at:
                    continue
                what = f"{why} while running this cell" if index == died_at else f"not run: {why}"
                cell.outputs.append(
                    NotebookNode(output_type="error", ename="DeadKernelError", evalue=what, traceback=[what])
                )
            return nb, resources
        finally:
            self.on_cell_start = chained
            nb.metadata["course_verdicts"] = dict(self._verdicts)
            nb.metadata["course_judge_seconds"] = round(self._judge_seconds, 3)


AFTER_HIDDEN_NOTE = ("(This cell ran after hidden tests sent their inputs to your kernel, so its outputs are not "
                     "shown here: your notebook has them.)\n")


class HideHiddenTests(NbGraderPreprocessor):
    """For students' feedback: drop hidden tests' code and the traceback lines that would quote it, and the outputs of
    cells that ran after the kernel received hidden tests' inputs."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        """Prepare one cell of the autograded hand-in for the student's feedback.

        A code cell's outputs are sanitised (replaced by a note when it ran after hidden tests' inputs); a test
        cell loses its hidden tests (nbgrader's ``ClearHiddenTests``, with a comment saying so), and each of its
        errors' tracebacks becomes one line, ``ename: evalue``.

        Args:
            cell: the cell, changed in place.
            resources: nbgrader's resources.
            index: the cell's index in the notebook.

        Returns:
            ``(cell, resources)``.
        """
        if cell.cell_type == "code" and cell.metadata.get("course", {}).get("after_hidden_tests"):
            cell.outputs = [_stream(AFTER_HIDDEN_NOTE)] if cell.get("outputs") else []
        if cell.cell_type == "code":
            cell.outputs = [o for o in (sanitized(o) for o in cell.get("outputs", [])) if o is not None]
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
