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

import ast
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from nbclient.exceptions import DeadKernelError
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor
from traitlets import Integer

from autograder.core import is_test
from autograder.guard import EXIT_MARK, RESTORED_MARK, SYS_EXIT_MARK, TAMPER_MARK, TIMEOUT_MARK, sign  # noqa: F401

GUARD_MARK = "# Inserted by the course's autograder"
"""The first line of the guard cell of earlier versions (removed from a hand-in that still holds one)."""
VERDICT_MARK = "[autograder] no points:"
GUARD_TIMEOUT_S = 30
"""Seconds the guard's silent requests may take (a kernel busy longer than that is reported)."""


class InsertGuard(NbGraderPreprocessor):
    """Holds the guard's time limits (the executor installs the guard); removes a guard cell of earlier versions.

    The guard is no cell of the notebook any more: :class:`ResilientExecute` runs it as a silent request,
    so neither the feedback nor the formgrader show it.
    """

    cell_limit = Integer(60, help="seconds a cell may run before it is stopped").tag(config=True)
    cell_limit_after_timeout = Integer(
        15, help="seconds a cell may run once a cell of this hand-in has been stopped"
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.startswith(GUARD_MARK))]
        return nb, resources


def _stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text)


def _verdict_error(grade_id: str, why: str) -> NotebookNode:
    message = f"{VERDICT_MARK} {grade_id}: {why}"
    return NotebookNode(output_type="error", ename="AutograderVerdict", evalue=message, traceback=[message])


class ResilientExecute(Execute):
    """nbgrader's ``Execute`` with the guard, verdicts the kernel cannot fake, a sandbox, and dead kernels survived.

    - The kernel runs under bubblewrap (:class:`autograder.sandbox.SandboxedKernelManager`) unless
      ``COURSE_SANDBOX=off``.
    - Before the first cell the guard (:mod:`autograder.guard`) is installed by a silent request;
      before every cell, and after every test cell, its restore function runs (silently, a name with a
      token drawn for this run): what it put back is written into the cell's output.
    - A test cell earns its points only if its execute reply says ``ok``, the token appended to it came
      back in its output (it ran to its end) and it changed none of the guarded state while it ran;
      otherwise an ``AutograderVerdict`` error is added, which nbgrader scores as failed.
    - When the kernel dies, the cells that finished keep their outputs and the rest are marked as not run
      (nbclient's ``on_cell_start`` hook records which cell was running).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if os.environ.get("COURSE_SANDBOX", "on") != "off":
            from autograder.sandbox import SandboxedKernelManager

            kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    # --- the guard, through silent requests that evaluate one expression -------------------------------

    def _evaluate(self, expression: str) -> tuple[bool, str]:
        """Evaluate ``expression`` in the kernel silently: (ok, its repr or the error)."""
        assert self.kc is not None
        msg_id = self.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"value": expression})
        timeout, self.timeout = self.timeout, GUARD_TIMEOUT_S
        try:
            reply = self.wait_for_reply(msg_id)
        except DeadKernelError:
            raise
        except Exception as error:  # noqa: BLE001 - a kernel that does not answer is reported, not fatal
            return False, f"no reply: {type(error).__name__}"
        finally:
            self.timeout = timeout
        value = (reply or {}).get("content", {}).get("user_expressions", {}).get("value", {})
        if value.get("status") != "ok":
            return False, f"{value.get('ename', 'no reply')}: {value.get('evalue', '')}"
        return True, value.get("data", {}).get("text/plain", "")

    def _install_guard(self) -> None:
        from autograder import guard

        self._token = secrets.token_hex(16)
        self._secret = secrets.token_hex(32)  # signs the guard's reports: a replaced guard cannot forge them
        self._guard_ok = True
        limits = self.config.get("InsertGuard", {})
        source = Path(guard.__file__).read_text()
        call = (f"install({self._token!r}, {int(limits.get('cell_limit', 60))}, "
                f"{int(limits.get('cell_limit_after_timeout', 15))}, {self._secret!r})")
        expression = (f"exec(compile({source + chr(10) + call + chr(10)!r}, '<autograder guard>', 'exec'), "
                      "{'__name__': '_autograder_guard'})")
        ok, what = self._evaluate(expression)
        if not ok:
            self._guard_ok = False
            self.log.warning("The guard could not be installed: %s", what)

    def _restore(self, arm: bool) -> tuple[list[str], list[str], str | None]:
        """Run the guard's restore: (restored comparison functions, other tampering, a failure or None)."""
        if not self._guard_ok:
            return [], [], "the guard is not installed"
        nonce = secrets.token_hex(16)
        ok, text = self._evaluate(f"_autograder_restore_{self._token}({arm!r}, {nonce!r})")
        if not ok:
            return [], [], f"the guard was removed ({text})"
        try:
            body, _, mac = str(ast.literal_eval(text)).rpartition("|")
            if not hmac.compare_digest(mac, sign(self._secret, nonce, body)):
                return [], [], "the guard's report was forged (the guard was replaced)"
            report = json.loads(body)
        except Exception:  # noqa: BLE001 - whatever came back instead of a report, it is not the guard's
            return [], [], "the guard's report was changed"
        return list(report.get("restored", [])), list(report.get("tampered", [])), None

    def _guard_lines(self, restored: list[str], tampered: list[str], problem: str | None) -> str:

        lines = []
        if restored:
            lines.append(f"{RESTORED_MARK} " + ", ".join(restored))
        if tampered:
            lines.append(f"{TAMPER_MARK} " + ", ".join(tampered))
        if problem:
            lines.append(f"{TAMPER_MARK} {problem}")
        return "".join(line + "\n" for line in lines)

    def on_cell_executed(self, **kwargs: Any) -> None:
        super().on_cell_executed(**kwargs)
        self._reply = kwargs.get("execute_reply")

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):  # noqa: ANN201
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if not getattr(self, "_token", None):
            self._install_guard()
        before = self._guard_lines(*self._restore(arm=True))
        test = is_test(cell)
        original = cell.source
        if test:
            cell.source = f"{original}\nprint({self._token!r})"
        self._reply = None
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        finally:
            cell.source = original
        if before:
            cell.outputs.insert(0, _stream(before))
        if test:
            self._judge(cell)
        return cell, resources

    def _judge(self, cell: NotebookNode) -> None:
        """Keep a test cell's points only if it ran to its end, untouched; strip the token from its output."""
        token_seen = False
        for output in cell.outputs:
            if output.get("output_type") == "stream" and self._token in output.get("text", ""):
                token_seen = True
                output["text"] = output["text"].replace(self._token + "\n", "").replace(self._token, "")
        cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and not o.get("text"))]
        restored, tampered, problem = self._restore(arm=False)
        status = ((self._reply or {}).get("content") or {}).get("status")
        failed = any(o.get("output_type") == "error" for o in cell.outputs)
        why = None
        if restored or tampered or problem:
            changes = ", ".join([*restored, *tampered, *([problem] if problem else [])])
            why = f"the guarded state changed while the test ran: {changes}"
        elif status != "ok" and not failed:
            why = f"the kernel's reply says {status or 'nothing'}"
        elif not token_seen and not failed:
            why = "the test did not run to its end (its end mark did not come back)"
        if why:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "?")
            cell.outputs.append(_verdict_error(grade_id, why))

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict, km=None):  # noqa: ANN001
        started = {"index": -1}
        chained = self.on_cell_start
        self._token = ""

        def on_cell_start(cell: NotebookNode, cell_index: int) -> None:
            started["index"] = cell_index
            if chained is not None:
                chained(cell=cell, cell_index=cell_index)

        self.on_cell_start = on_cell_start
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
