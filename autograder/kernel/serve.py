"""The hand-in's side of grading: code that runs inside the sandboxed kernel, and only answers.

The executor (:class:`autograder.grading.preprocessors.ResilientExecute`) sends this module's source to the kernel as a
silent request (no cell of the notebook) before the first cell and calls :func:`install`. Nothing in it is
secret and nothing it returns is trusted: the judge (:mod:`autograder.grading.judge`, another process, where no student
code runs) sends requests and decodes the replies as plain data, so a hand-in that replaces or wraps this code can
only make its own answers wrong. What it does:

- :func:`serve` (bound as ``_course_serve`` in the notebook's namespace) answers one request of the judge: look a
  name up, call a function or a class, read an attribute, or run a course probe (:mod:`helpers.probes`), and
  returns the result as JSON: plain data (``None``, bool, int, float, str, lists, tuples, dicts, numeric or bool
  NumPy arrays and scalars, tensors as their detached values) or, for anything else, a numbered handle the judge
  may pass back in later requests. Array, tensor, list and dict arguments, and generators, are sent back after the
  call, so that the judge sees what the call did to them.
- a cell that runs longer than the limit is stopped (``SIGALRM``: ``TimeoutError``); ``os._exit()`` raises instead
  of killing the kernel; ``sys.exit()`` says so. The executor's own timeout stops a cell whose alarm was disarmed.

It imports nothing from the course at import time: it is run as source inside the kernel.
"""

from __future__ import annotations

import base64
import json
import math
import os
import pickle
import signal
import sys
import traceback
from types import ModuleType
from typing import Any

TIMEOUT_MARK = "[autograder] this cell ran over"
EXIT_MARK = "[autograder] os._exit"
SYS_EXIT_MARK = "[autograder] sys.exit"
MAX_REPLY = 64 * 2**20
"""Bytes a reply may take (a larger result is an error the judge reports)."""

_handles: dict[int, Any] = {}
_state = {"limit": 60, "after_timeout": 15, "current": 60}
_user_ns: dict[str, Any] = {}
_MISSING = object()
NUMERIC_KINDS = "biufc"


def _label(value: Any) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _handle(value: Any) -> dict:
    number = len(_handles) + 1
    _handles[number] = value
    kind = ("module" if isinstance(value, ModuleType) else "class" if isinstance(value, type)
            else "callable" if callable(value) else "object")
    name = getattr(value, "__name__", None) if kind != "object" else None
    return {"$": "ref", "id": number, "kind": kind, "type": _label(value),
            "name": name if isinstance(name, str) else None,
            "module": getattr(value, "__module__", None) if kind in ("class", "callable") else None,
            "qualname": getattr(value, "__qualname__", None) if kind in ("class", "callable") else None}


def _bytes(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready plain data, or a handle for anything else.

    Args:
        value: a value of the notebook's (a result, a name's value, an argument after a call).
        depth: how deep in the result it sits.

    Returns:
        ``None``, bool, int, str and lists as they are; a tuple, dict, non-finite float, numeric or bool NumPy array
        or scalar, strided tensor (detached, on the CPU; bfloat16 as float32) or module as a ``{"$": tag, ...}``
        dict (data base64-encoded); anything else as a numbered handle (``{"$": "ref", ...}``).

    Raises:
        ValueError: the value is nested more than 20 levels deep.
    """
    if depth > 20:
        raise ValueError("the result is nested more than 20 levels deep")
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if kind is list:
        return [encode(v, depth + 1) for v in value]
    if kind is tuple:
        return {"$": "tuple", "v": [encode(v, depth + 1) for v in value]}
    if kind is dict:
        return {"$": "dict", "v": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.ndarray) and value.dtype.kind in NUMERIC_KINDS:
            array = np.ascontiguousarray(value)
            return {"$": "nd", "dtype": array.dtype.str, "shape": list(array.shape), "b64": _bytes(array.tobytes())}
        if isinstance(value, np.generic) and value.dtype.kind in NUMERIC_KINDS:
            return {"$": "np", "dtype": value.dtype.str, "b64": _bytes(value.tobytes())}
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor) and value.layout == torch.strided:
        tensor = value.detach().cpu()
        dtype = str(tensor.dtype).removeprefix("torch.")
        if dtype == "bfloat16":
            tensor, dtype = tensor.float(), "float32"
        array = tensor.contiguous().numpy()
        if array.dtype.kind in NUMERIC_KINDS:
            return {"$": "pt", "dtype": dtype, "np": array.dtype.str, "shape": list(array.shape),
                    "b64": _bytes(array.tobytes())}
    if isinstance(value, ModuleType):
        return {"$": "module", "name": getattr(value, "__name__", "?")}
    return _handle(value)


def _state_of(value: Any) -> Any:
    """What a call may have changed in an argument, as plain data (None: nothing the judge follows)."""
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    kind = type(value)
    if kind in (list, dict):
        return encode(value)
    if np is not None and isinstance(value, np.ndarray):
        return encode(value)
    if np is not None and isinstance(value, np.random.Generator):
        return {"$": "npgen", "state": encode(value.bit_generator.state)}
    if torch is not None and isinstance(value, torch.Generator):
        return {"$": "ptgen", "b64": _bytes(value.get_state().numpy().tobytes())}
    if torch is not None and isinstance(value, torch.Tensor):
        return encode(value)
    return None


class _Unpickler(pickle.Unpickler):
    """The judge's arguments, with handles turned back into the objects they stand for."""

    def persistent_load(self, pid: Any) -> Any:
        """The object a handle stands for.

        Args:
            pid: the judge's persistent id of a handle, ``("ref", number)``.

        Returns:
            The object handed out under that number.

        Raises:
            KeyError: no object was handed out under it (since the last :func:`bind`).
        """
        return _handles[int(pid[1])]


def _loads(data: str) -> Any:
    import io

    return _Unpickler(io.BytesIO(base64.b64decode(data))).load()


def _where(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<ipython-input")
              or "/ipykernel_" in f.filename or f.filename.startswith("/tmp/ipykernel")]
    if not frames:
        return ""
    frame = frames[-1]
    return f"line {frame.lineno}: {frame.line.strip()}" if frame.line else f"line {frame.lineno}"


def _answer(request: dict) -> dict:
    op = request["op"]
    if op == "get":
        value = dict.get(_user_ns, request["name"], _MISSING)
        return {"missing": True} if value is _MISSING else {"value": encode(value)}
    if op == "call":
        target = _handles[request["target"]] if request.get("target") else None
        if request.get("probe"):
            import importlib

            module = importlib.import_module("helpers.probes")
            target = getattr(module, request["probe"])
        args, kwargs = request["args"], request["kwargs"]
        result = target(*args, **kwargs)
        back = [[i, _state_of(a)] for i, a in enumerate(args)] + [[k, _state_of(v)] for k, v in kwargs.items()]
        return {"value": encode(result), "back": [[k, s] for k, s in back if s is not None]}
    if op == "getattr":
        return {"value": encode(getattr(_handles[request["target"]], request["name"]))}
    raise ValueError(f"unknown request {op!r}")


def serve(request: str) -> str:
    """Answer one request of the judge (a base64 pickle of a dict); return the reply as JSON text.

    The request runs under the cell time limit; whatever it raises is reported, never raised.

    Args:
        request: base64 text of a pickled ``{"op": "get" | "call" | "getattr", ...}``; handles in it are persistent
            ids.

    Returns:
        JSON text: ``{"value": ...}`` (:func:`encode`; with ``"back"``, the changed arguments, for a call),
        ``{"missing": true}`` for a name not defined, or ``{"raised": {"mro", "message", "where"}}``; a reply over
        :data:`MAX_REPLY` bytes is a ``MemoryError``.
    """
    alarm = signal.alarm
    try:
        payload = _loads(request)
        _state["current"] = _state["limit"]
        alarm(_state["limit"])
        try:
            reply = _answer(payload)
        finally:
            alarm(0)
    except BaseException as error:  # noqa: BLE001 - whatever the hand-in raised is reported to the judge
        reply = {"raised": {"mro": [f"{c.__module__}.{c.__qualname__}" for c in type(error).__mro__],
                            "message": str(error)[:2000], "where": _where(error)[:300]}}
    try:
        text = json.dumps(reply)
    except BaseException as error:  # noqa: BLE001
        text = json.dumps({"raised": {"mro": ["builtins.TypeError"], "message": f"unreadable result: {error}",
                                      "where": ""}})
    if len(text) > MAX_REPLY:
        text = json.dumps({"raised": {"mro": ["builtins.MemoryError"], "where": "",
                                      "message": f"the result takes {len(text):,} bytes, over {MAX_REPLY:,}"}})
    return text


def bind(namespace: dict[str, Any]) -> None:
    """Answer the judge's requests from ``namespace`` (the notebook's); forget earlier handles.

    Args:
        namespace: the namespace whose names ``get`` requests read (the notebook's ``user_ns``).
    """
    global _user_ns
    _user_ns = namespace
    _handles.clear()


def install(limit: int = 60, limit_after_timeout: int = 15) -> None:
    """Bind :func:`serve` as ``_course_serve``; stop cells that run too long; keep the kernel alive on ``os._exit``.

    Args:
        limit: seconds a cell (or a request of the judge) may run.
        limit_after_timeout: seconds each may run once one has been stopped.
    """
    from IPython import get_ipython

    shell = get_ipython()
    _state.update(limit=limit, after_timeout=limit_after_timeout, current=limit)
    user_ns = shell.user_ns
    bind(user_ns)
    kernel_pid = os.getpid()
    real_exit, real_sys_exit = os._exit, sys.exit

    def guarded_exit(*args: Any, **kwargs: Any) -> None:
        if os.getpid() != kernel_pid:  # a forked worker process exits as usual
            real_exit(*args, **kwargs)
        raise SystemExit(f"{EXIT_MARK}() was called; the autograder keeps the kernel alive")

    def guarded_sys_exit(*args: Any) -> None:
        print(f"{SYS_EXIT_MARK}() was called")
        real_sys_exit(*args)

    def on_alarm(signum: int, frame: Any) -> None:
        _state["limit"] = _state["after_timeout"]
        raise TimeoutError(f"{TIMEOUT_MARK} {_state['current']} s and was stopped")

    def before_cell(info: Any = None) -> None:
        _state["current"] = _state["limit"]
        signal.alarm(_state["limit"])

    def after_cell(result: Any = None) -> None:
        signal.alarm(0)

    os._exit = guarded_exit
    sys.exit = guarded_sys_exit
    signal.signal(signal.SIGALRM, on_alarm)
    shell.events.register("pre_run_cell", before_cell)
    shell.events.register("post_run_cell", after_cell)
    user_ns["_course_serve"] = serve
    shell.user_ns_hidden["_course_serve"] = serve
