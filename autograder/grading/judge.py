"""The judge: runs a notebook's test cells where no student code runs, and decides their points.

When a hand-in is graded, its code runs in a sandboxed kernel; its test cells do not. The executor hands each test
cell's source, taken from the gradebook (the instructor's, hidden tests included), to a :class:`Judge`, which runs
it in this process in a namespace of its own, after the notebook's setup cells (taken from the release). A graded name
the test uses (an answer cell's function or class) is looked up in the kernel:

- only the graded names (the answer cells' functions and classes) are looked up there; ``np``, ``checks`` and the
  rest of the setup cells are the judge's own (it runs the notebook's setup cells, taken from the release, first);
- plain data comes back decoded, with exact types (:func:`decode`): ``None``, bool, int, float, str, lists,
  tuples and dicts of these, numeric or bool NumPy arrays and scalars, and tensors, rebuilt here from their values
  (without autograd history);
- anything else (a function, a class, a model a class built) is a :class:`Handle`: calling it sends the arguments
  to the kernel and brings the result back the same way; reading an attribute does too. A handle is never data:
  comparing it, converting it or iterating it raises :class:`NotPlainData`, so an object whose methods would lie
  about its value decides nothing. Where a test needs a student's object to compute something in the kernel
  (gradients, parameters, an optimiser step), it calls a course probe (:mod:`helpers.probes`) through
  :func:`helpers.probes.run`, which here runs the probe in the kernel and brings back plain data.

Arguments go to the kernel pickled (it is the kernel that must trust them, not the judge); NumPy arrays, tensors,
lists, dicts and generators passed to a call come back after it and are updated here, so that a test sees what the
call did to them. Expected values, the hidden tests' source and the comparisons never leave this process.

The judge writes a test cell's points (:class:`CellVerdict`); nbgrader's reading of outputs decides nothing. Once a
hidden test has sent its inputs to the kernel, the kernel may know them, so a failure's message is shortened to what
the course wrote (what was checked, the likely mistake, the hint), and the values the kernel returned are left out:
the student sees them when running the visible checks in the notebook.
"""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import importlib
import io
import json
import math
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
MODULES = ("numpy", "torch", "math", "cmath", "helpers", "scipy", "itertools", "functools", "collections", "heapq",
           "time", "lzma", "zlib", "bz2", "string", "random", "statistics", "operator", "fractions", "decimal")
"""Top-level packages whose modules the judge imports itself when a test names them."""
NUMPY_DTYPES = {"|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16"}
TORCH_DTYPES = {"bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "complex64",
                "complex128"}
REDACTED = "(the values are left out here, after hidden tests ran; run this check in your notebook to see them)"


class NotPlainData(TypeError):
    """A value from the kernel that is no plain data was used as data."""


class KernelError(RuntimeError):
    """The kernel did not answer (it died, timed out or sent something that is no reply)."""


class Handle:
    """An object in the hand-in's kernel: it can be called and its attributes read (both in the kernel), and passed
    back to the kernel as an argument; it is never data here.

    Args:
        judge: the judge whose kernel holds the object.
        number: the object's id in the kernel's table of handed-out objects.
        kind: what the kernel says it is: ``callable``, ``class``, ``module`` or ``object``.
        type_name: its type's name, for messages.
        label: what messages call it (the graded name, or ``a <type> object``).
    """

    __slots__ = ("_judge", "_id", "_kind", "_type", "_label")

    def __init__(self, judge: Judge, number: int, kind: str, type_name: str, label: str) -> None:
        object.__setattr__(self, "_judge", judge)
        object.__setattr__(self, "_id", number)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_label", label)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._judge.call(self, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._judge.getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise NotPlainData(f"{self._label} lives in the notebook's kernel: its attributes cannot be set by a test")

    @property
    def __name__(self) -> str:  # noqa: A003 - what check messages call a function
        return self._label

    def __repr__(self) -> str:
        return f"<{self._label}: a {self._type} object>"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise NotPlainData(
            f"{self._label} is a {self._type} object, not plain data (a number, a string, a list, a NumPy array or a "
            "tensor): return one of those")

    __bool__ = __float__ = __int__ = __index__ = __complex__ = __len__ = __iter__ = __contains__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __getitem__ = _refuse  # type: ignore[assignment]
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __neg__ = __abs__ = __array__ = __round__ = __format__ = _refuse
    __hash__ = object.__hash__


def _dtype(name: str) -> np.dtype:
    if name not in NUMPY_DTYPES:
        raise NotPlainData(f"an array of dtype {name!r} is no plain data")
    return np.dtype(name)


def _array(data: dict, dtype: np.dtype, shape: list) -> np.ndarray:
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape) or len(shape) > 32:
        raise NotPlainData("an array with a malformed shape")
    raw = base64.b64decode(data["b64"], validate=True)
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise NotPlainData("an array whose data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


class Judge:
    """Runs test cells against one hand-in's kernel, reached through ``send`` (a request in, JSON text out).

    Args:
        send: sends one request (a pickled request, base64 text) to the kernel and returns its reply (JSON text);
            it raises :class:`KernelError` when the kernel does not answer.
        graded_names: the names looked up in the kernel (the answer cells' functions and classes).
        prelude: the notebook's setup cells (:func:`prelude`), run first in the judge's namespace, their output
            discarded.
        redacting: shorten failure messages once hidden tests' inputs reached the kernel.
    """

    def __init__(self, send: Callable[[str], str], graded_names: set[str] | None = None, *, prelude: str = "",
                 redacting: bool = True) -> None:
        self._send = send
        self.redacting = redacting  # shorten messages once hidden tests' inputs reached the kernel
        self.graded_names = set(graded_names or ())
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.tainted = False  # a hidden test's inputs went to the kernel
        self.calls = 0
        if prelude:  # the notebook's setup cells, from the release: np, checks, torch, ... are the judge's own
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(prelude, "<setup>", "exec"), self.namespace)  # noqa: S102 - course code

    # --- requests ------------------------------------------------------------------------------------------

    def _request(self, request: dict) -> Any:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=4)
        pickler.persistent_id = lambda obj: ("ref", obj._id) if type(obj) is Handle else None  # type: ignore
        pickler.dump(request)
        self.calls += 1
        text = self._send(base64.b64encode(buffer.getvalue()).decode("ascii"))
        try:
            reply = json.loads(text)
        except (TypeError, ValueError) as error:
            raise KernelError(f"the kernel's reply is no JSON ({error})") from None
        if not isinstance(reply, dict):
            raise KernelError("the kernel's reply is no JSON object")
        if "raised" in reply:
            raise self._exception(reply["raised"])
        return reply

    def _exception(self, raised: Any) -> BaseException:
        if not isinstance(raised, dict):
            return KernelError("the kernel's reply is malformed")
        message = str(raised.get("message", ""))[:2000]
        where = str(raised.get("where", ""))[:300]
        names = [str(n) for n in raised.get("mro", []) if isinstance(n, str)]
        kind: type[BaseException] = RuntimeError
        for name in names:
            module, _, qualname = name.rpartition(".")
            candidate = getattr(builtins, qualname, None) if module == "builtins" else None
            if isinstance(candidate, type) and issubclass(candidate, Exception):
                kind = candidate
                break
        if kind is NotImplementedError:
            return NotImplementedError(message)
        shown = f"{message} (in the notebook, {where})" if where else message
        try:
            return kind(shown)
        except Exception:  # noqa: BLE001 - an exception class that wants other arguments
            return RuntimeError(f"{names[0] if names else 'an exception'}: {shown}")

    def decode(self, value: Any, depth: int = 0) -> Any:
        """A reply's value with exact types, or a :class:`Handle`; :class:`NotPlainData` for anything else.

        Args:
            value: a value of the kernel's JSON reply (tagged ``{"$": ...}`` where JSON has no type of its own).
            depth: how deep in the reply it sits (at most 22).

        Returns:
            ``None``, bool, int, float, str, or lists, tuples and dicts of these; a NumPy array or scalar, a tensor
            (a copy of the data), a module of :data:`MODULES`, or a :class:`Handle`.

        Raises:
            NotPlainData: the value is malformed, nested too deep, or of a type or dtype that is not plain data.
        """
        if depth > 22:
            raise NotPlainData("a value nested too deep")
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if kind is list:
            return [self.decode(v, depth + 1) for v in value]
        if kind is not dict:
            raise NotPlainData(f"a {kind.__name__} in the kernel's reply")
        tag = value.get("$")
        if tag == "float":
            text = value.get("v")
            if text not in ("nan", "inf", "-inf"):
                raise NotPlainData("a malformed float")
            return float(text)
        if tag == "tuple":
            return tuple(self.decode(v, depth + 1) for v in self._list(value.get("v")))
        if tag == "dict":
            out = {}
            for pair in self._list(value.get("v")):
                key, item = self._list(pair)
                key = self.decode(key, depth + 1)
                if type(key) not in (str, int, float, bool, tuple) and key is not None:
                    raise NotPlainData("a dict key that is no plain data")
                out[key] = self.decode(item, depth + 1)
            return out
        if tag == "nd":
            return _array(value, _dtype(value.get("dtype")), value.get("shape"))
        if tag == "np":
            return _array(value, _dtype(value.get("dtype")), [])[()]
        if tag == "pt":
            import torch

            name = value.get("dtype")
            if name not in TORCH_DTYPES:
                raise NotPlainData(f"a tensor of dtype {name!r}")
            array = _array(value, _dtype(value.get("np")), value.get("shape"))
            tensor = torch.from_numpy(array)
            if tensor.dtype != getattr(torch, name):
                raise NotPlainData("a tensor whose dtype does not match its data")
            return tensor
        if tag == "module":
            return self._module(str(value.get("name")))
        if tag == "ref":
            number = value.get("id")
            if type(number) is not int:
                raise NotPlainData("a malformed handle")
            name = value.get("name") if isinstance(value.get("name"), str) else None
            return Handle(self, number, str(value.get("kind")), str(value.get("type"))[:200],
                          (name or f"a {value.get('type')} object")[:200])
        raise NotPlainData(f"an unknown value tag {tag!r}")

    @staticmethod
    def _list(value: Any) -> list:
        if type(value) is not list:
            raise NotPlainData("a malformed value")
        return value

    def _module(self, name: str) -> Any:
        if name.split(".")[0] not in MODULES or not re.fullmatch(r"[A-Za-z_][\w.]*", name):
            raise NotPlainData(f"the module {name!r} is not one the tests may use")
        return importlib.import_module(name)

    def _write_back(self, args: tuple, kwargs: dict, back: Any) -> None:
        import torch

        for key, state in self._list(back):
            target = args[key] if type(key) is int and 0 <= key < len(args) else kwargs.get(key) if type(key) is str \
                else None
            if target is None:
                continue
            if isinstance(target, np.random.Generator):
                target.bit_generator.state = self.decode(state["state"])
            elif isinstance(target, torch.Generator):
                raw = base64.b64decode(state["b64"], validate=True)
                target.set_state(torch.frombuffer(bytearray(raw), dtype=torch.uint8))
            else:
                new = self.decode(state)
                if type(target) is list and type(new) is list:
                    target[:] = new
                elif type(target) is dict and type(new) is dict:
                    target.clear()
                    target.update(new)
                elif isinstance(target, np.ndarray) and isinstance(new, np.ndarray):
                    same = new.shape == target.shape and np.array_equal(new, target, equal_nan=new.dtype.kind in "fc")
                    if new.shape == target.shape and not same and target.flags.writeable:
                        np.copyto(target, new, casting="unsafe")
                elif isinstance(target, torch.Tensor) and isinstance(new, torch.Tensor):
                    if new.shape == target.shape and not torch.equal(new, target.detach().cpu()):
                        with torch.no_grad():
                            target.copy_(new)

    def call(self, handle: Handle | None, args: tuple, kwargs: dict, probe: str | None = None) -> Any:
        """Call ``handle`` (or the course probe ``probe``) in the kernel; the result as plain data or a handle.

        Arguments the call changed (arrays, tensors, lists, dicts, random generators) are updated here.

        Args:
            handle: the object to call; None with ``probe``.
            args: the positional arguments (pickled; handles go as references).
            kwargs: the keyword arguments.
            probe: the name of a course probe (:mod:`helpers.probes`) to run in the kernel instead.

        Returns:
            The result, decoded (:meth:`decode`).

        Raises:
            KernelError: the kernel did not answer, or its reply is malformed.
            NotPlainData: the reply holds something that is not plain data.
            Exception: what the call raised in the kernel, as the nearest builtin exception class in its MRO
                (RuntimeError when there is none), its message with where in the notebook.
        """
        reply = self._request({"op": "call", "target": handle._id if handle is not None else None, "probe": probe,
                               "args": args, "kwargs": kwargs})
        value = self.decode(reply.get("value"))
        self._write_back(args, kwargs, reply.get("back", []))
        return value

    def getattr(self, handle: Handle, name: str) -> Any:
        """Read an attribute of ``handle``'s object in the kernel.

        Args:
            handle: the object.
            name: the attribute's name.

        Returns:
            Its value, decoded (:meth:`decode`).

        Raises:
            KernelError: the kernel did not answer, or its reply is malformed.
            Exception: what reading it raised in the kernel (as in :meth:`call`).
        """
        return self.decode(self._request({"op": "getattr", "target": handle._id, "name": name}).get("value"))

    def lookup(self, name: str) -> tuple[bool, Any]:
        """The kernel's value of the graded name ``name`` (a handle, or plain data): (found, value).

        Only the graded names (the answer cells' functions and classes) come from the kernel; every other name a
        test uses is the setup cells' (the prelude) or its own, so that a hand-in that rebinds ``checks`` or ``np``,
        or the notebook's data, changes nothing here.

        Args:
            name: a name a test cell reads.

        Returns:
            ``(True, value)``; ``(False, None)`` when it is not a graded name or the kernel does not define it.
        """
        if name not in self.graded_names:
            return False, None
        reply = self._request({"op": "get", "name": name})
        if reply.get("missing"):
            return False, None
        return True, self.decode(reply.get("value"))

    # --- test cells -----------------------------------------------------------------------------------------

    def _graded_names_used(self, source: str) -> list[str]:
        """The graded names ``source`` reads and does not bind itself (only those come from the kernel), in order."""
        bound: set[str] = set()
        loaded: list[str] = []
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name):
                (loaded.append if isinstance(node.ctx, ast.Load) else bound.add)(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound.add(node.name)
        return list(dict.fromkeys(n for n in loaded if n in self.graded_names and n not in bound))

    def _bring(self, source: str) -> None:
        for name in self._graded_names_used(source):  # looked up again in every cell: its value when the cell runs
            found, value = self.lookup(name)
            if found:
                self.namespace[name] = value

    def run_cell(self, source: str, grade_id: str, points: float) -> CellVerdict:
        """Run one test cell's source (visible part, then hidden tests); its verdict and what it printed.

        Args:
            source: the test cell's source, from the gradebook (hidden tests included).
            grade_id: the cell's grade_id.
            points: its points.

        Returns:
            The verdict: all ``points`` when every part passed, else 0 and the first failure's message; once hidden
            tests' inputs reached the kernel, the message and what the cell printed are redacted (:func:`redact`,
            :func:`redact_printed`).
        """
        from helpers import probes

        verdict = CellVerdict(grade_id, 0.0, float(points))
        printed = []
        for part, hidden in test_parts(source):
            if hidden:
                self.tainted = True
            tainted = self.tainted and self.redacting
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), probes.judging(self):
                    self._bring(part)
                    exec(compile(part, f"<test {grade_id}>", "exec"), self.namespace)  # noqa: S102 - course code
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # noqa: BLE001 - a failed test, whatever it raised
                text = str(error)
                if tainted:
                    text = redact(text)
                verdict.failed, verdict.hidden, verdict.kind = True, hidden, type(error).__name__
                verdict.message = f"{type(error).__name__}: {text}" if text else type(error).__name__
            finally:
                printed.append(redact_printed(out.getvalue()) if tainted else out.getvalue())
            if verdict.failed:
                break
        if not verdict.failed:
            verdict.points = float(points)
        verdict.printed = "".join(printed)
        return verdict


@dataclass
class CellVerdict:
    """The judge's verdict on one test cell: its points, what it printed, and the failure's message.

    Args:
        grade_id: the test cell's grade_id.
        points: the points it earned.
        max_points: the points it is worth.
        failed: whether it failed.
        hidden: whether the failure came from the hidden tests.
        kind: the failure's exception name (``AssertionError``; ``AutograderVerdict`` for a cell that is not a test
            of the assignment).
        message: the failure's message, ``Kind: text``.
        printed: what the cell printed.
    """

    grade_id: str
    points: float
    max_points: float
    failed: bool = False
    hidden: bool = False  # the failure came from the hidden tests
    kind: str = ""
    message: str = ""
    printed: str = ""

    def outputs(self) -> list[Any]:
        """The test cell's outputs in the graded notebook, as nbgrader's feedback and the class report read them.

        Returns:
            nbformat outputs: a stdout stream with what the cell printed (if anything), then, if it failed, an
            ``error`` whose ``ename`` is the exception's name, ``evalue`` the message without it, and ``traceback``
            the whole message.
        """
        from nbformat import NotebookNode

        outputs = [NotebookNode(output_type="stream", name="stdout", text=self.printed)] if self.printed else []
        if self.failed:
            lines = self.message.splitlines() or [self.kind]
            name, _, first = lines[0].partition(": ")
            evalue = "\n".join([first, *lines[1:]]) if first else self.message
            outputs.append(NotebookNode(output_type="error", ename=name or self.kind, evalue=evalue,
                                        traceback=[self.message]))
        return outputs


def prelude(nb: Any) -> str:
    """The judge's prelude of a notebook (nbformat): its setup cells, those whose first line starts with ``# Setup``
    (but not the Colab bootstrap, ``# Setup, part 1``).

    Args:
        nb: the notebook (the instructor's source, or the release).

    Returns:
        Their sources, in order, joined by blank lines.
    """
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("# Setup")
                       and not c.source.startswith("# Setup, part 1"))


def test_parts(source: str) -> list[tuple[str, bool]]:
    """A test cell's code as (visible part, False), (hidden tests, True); the whole cell once (hidden if it holds
    the marker) when the marker sits inside a block. Line numbers are kept as in the whole cell.

    Args:
        source: a test cell's source.

    Returns:
        ``[(source, False)]`` without :data:`HIDDEN_BEGIN`; ``[(visible, False), (hidden, True)]`` (the hidden part
        after as many newlines as the visible part has); or ``[(source, True)]`` when either part does not compile.
    """
    head, marker, tail = source.partition(HIDDEN_BEGIN)
    if not marker:
        return [(source, False)]
    try:
        compile(head, "<visible>", "exec")
        compile(marker + tail, "<hidden>", "exec")
    except SyntaxError:
        return [(source, True)]
    return [(head, False), ("\n" * head.count("\n") + marker + tail, True)]


_CUTS = (": expected ", " raised ", ", but it returned", ": does not hold", " entries differ", ": ")


def redact(message: str) -> str:
    """A failure's message without what the kernel sent back: the check's own words, its likely mistake and hint.

    Args:
        message: the failure's message (its first line, then any others).

    Returns:
        The first line cut before the values (``...: failed`` and a note), or kept when it ends ``: does not hold.``,
        then only its ``Likely mistake:`` and ``Hint:`` lines.
    """
    lines = message.splitlines() or [""]
    head = lines[0]
    if head.rstrip().endswith(": does not hold."):
        kept = head
    else:
        cut = min((i for i in (head.find(c) for c in _CUTS) if i > 0), default=-1)
        kept = (head[:cut] if cut > 0 else "a check") + f": failed {REDACTED}."
    rest = [ln for ln in lines[1:] if ln.startswith(("Likely mistake: ", "Hint: "))]
    return "\n".join([kept, *rest])


def redact_printed(printed: str) -> str:
    """What passing checks printed, kept as the course wrote it (``✓`` lines); anything else is left out.

    Args:
        printed: what a test cell printed.

    Returns:
        Its lines that start with ``✓ ``, with their line ends.
    """
    return "".join(line for line in printed.splitlines(keepends=True) if line.startswith("✓ "))


__all__ = ["HIDDEN_BEGIN", "CellVerdict", "Handle", "Judge", "KernelError", "NotPlainData", "redact", "test_parts"]
