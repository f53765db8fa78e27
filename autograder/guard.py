"""The autograder's guard: code that runs inside the kernel grading a hand-in, before any of its code.

The executor (:class:`autograder.safeguards.ResilientExecute`) sends this module's source to the kernel
as a silent request (it is never a cell of the notebook, so neither the feedback nor the formgrader show
it) and calls :func:`install`. ``install`` takes snapshots of everything a hand-in could use to hide its
failures (threat 2 of issue 16) and leaves a function ``_autograder_restore_<token>`` in the user's
namespace, ``token`` drawn afresh for each grading run. The executor calls it, silently, before every
cell and after every test cell, with a nonce: it puts back what changed and returns a JSON report signed
with a second secret of the run (HMAC-SHA256 of the nonce and the report), which the executor checks and
turns into ``[autograder] ...`` lines in the cell's output (a report that is not signed is a forgery:
the guard was replaced). Everything the restore function uses was bound when it was installed (the
builtins, ``json.dumps``, ``hmac``, ``signal``), so a hand-in that replaces them later cannot change it.

- ``restored``: comparison functions (``np.allclose``, ``math.isclose``, ``torch.allclose``,
  ``np.testing.*``, ``torch.testing.*``, the public ``helpers.checks`` functions) that were replaced;
- ``tampered``: anything else that was changed: the private helpers of ``helpers.checks``, builtins,
  ``sys.modules`` entries, ``sys`` hooks and streams, IPython's input and AST transformers, custom
  exception handlers, traceback and display machinery, event callbacks (the guard's own included),
  methods of IPython's, ipykernel's and jupyter_client's classes; names of the notebook's namespace that
  were bound to the modules and functions the tests judge with (``np``, ``math``, ``torch``, ``checks``,
  ``helpers``, a ``check_*`` function) and were rebound to something else; the restore function itself.

It also stops a cell that runs too long (``SIGALRM``: ``TimeoutError``), turns ``os._exit()`` in the
kernel into an exception and says so when ``sys.exit()`` is called. This module imports nothing from
the course at import time: it is run as source inside the kernel.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

RESTORED_MARK = "[autograder] restored"
TAMPER_MARK = "[autograder] tampered with"
TIMEOUT_MARK = "[autograder] this cell ran over"
EXIT_MARK = "[autograder] os._exit"
SYS_EXIT_MARK = "[autograder] sys.exit"

LIBRARY_PREFIXES = ("IPython", "ipykernel", "matplotlib", "matplotlib_inline", "jupyter_client", "traitlets",
                    "comm", "ipywidgets", "tqdm")
"""Modules whose event callbacks are the libraries' own (matplotlib's inline backend registers some)."""

SHELL_NAMES = (
    "showtraceback", "_showtraceback", "showsyntaxerror", "showindentationerror", "get_exception_only",
    "run_cell", "run_cell_async", "_run_cell", "run_code", "run_ast_nodes", "transform_cell", "transform_ast",
    "should_run_async", "user_expressions", "ev", "ex", "set_custom_exc", "excepthook", "CustomTB",
    "custom_exceptions", "InteractiveTB", "SyntaxTB", "display_pub", "displayhook", "display_formatter",
    "display_trap", "builtin_trap", "compile", "events", "input_transformers_cleanup", "input_transformers_post",
    "ast_transformers", "input_transformer_manager", "user_ns", "kernel",
)
"""Attributes of the IPython shell that decide what a cell runs and how its errors show."""

KERNEL_NAMES = ("do_execute", "execute_request", "shell_handlers", "control_handlers", "session",
                "send_response", "iopub_socket", "_publish_status", "shell")
STREAM_NAMES = ("write", "flush", "writelines", "_flush", "session", "pub_thread")
SYS_NAMES = ("excepthook", "displayhook", "stdout", "stderr", "stdin", "exit", "settrace", "setprofile",
             "modules", "meta_path", "path_hooks")

_MISSING = object()


def _callable_name(function: Any) -> str:
    return getattr(function, "__qualname__", None) or getattr(function, "__name__", None) or type(function).__name__


def _owner_module(function: Any) -> str:
    owner = getattr(function, "__self__", None)
    module = getattr(function, "__module__", None) or ""
    if owner is not None and not module:
        module = type(owner).__module__
    return module


class _Attributes:
    """Snapshot of named attributes of one object: its instance ``__dict__`` and its traitlets values."""

    def __init__(self, label: str, target: Any, names: tuple[str, ...]) -> None:
        self.label, self.target, self.names = label, target, names
        self.plain = {n: target.__dict__.get(n, _MISSING) for n in names} if hasattr(target, "__dict__") else {}
        traits = getattr(target, "_trait_values", None)
        self.traits = {n: traits[n] for n in names if n in traits} if isinstance(traits, dict) else {}

    def restore(self, changed: list[str]) -> None:
        if not hasattr(self.target, "__dict__"):
            return
        instance = self.target.__dict__
        for name, value in self.plain.items():
            now = instance.get(name, _MISSING)
            if now is value:
                continue
            changed.append(f"{self.label}.{name}")
            if value is _MISSING:
                del instance[name]
            else:
                instance[name] = value
        traits = getattr(self.target, "_trait_values", None)
        if isinstance(traits, dict):
            for name, value in self.traits.items():
                if traits.get(name, _MISSING) is not value:
                    changed.append(f"{self.label}.{name}")
                    traits[name] = value


class _Namespace:
    """Snapshot of a module's or class's whole namespace: changed and removed names are put back."""

    def __init__(self, label: str, owner: Any, skip: tuple[str, ...] = ()) -> None:
        self.label, self.owner, self.skip = label, owner, skip
        self.saved = dict(vars(owner))

    def restore(self, changed: list[str]) -> None:
        now = vars(self.owner)
        for name, value in self.saved.items():
            if name in self.skip or now.get(name, _MISSING) is value:
                continue
            changed.append(f"{self.label}.{name}")
            try:
                setattr(self.owner, name, value)
            except (AttributeError, TypeError):
                pass
        if isinstance(self.owner, type):  # a method added to a subclass shadows its base class's
            for name in set(now) - set(self.saved):
                if any(name in vars(base) for base in self.owner.__mro__[1:]):
                    changed.append(f"{self.label}.{name}")
                    delattr(self.owner, name)


def _classes(*objects: Any) -> list[type]:
    """The library classes (IPython, ipykernel, jupyter_client, traitlets) behind ``objects``."""
    found: list[type] = []
    for obj in objects:
        for klass in type(obj).__mro__:
            if klass not in found and klass.__module__.split(".")[0] in (
                "IPython", "ipykernel", "jupyter_client", "zmq", "traitlets"
            ) and klass.__module__ != "builtins":
                found.append(klass)
    return found


JUDGING_MODULES = ("numpy", "numpy.testing", "math", "torch", "torch.testing", "helpers", "helpers.checks")
"""A name of the notebook's namespace first seen bound to one of these modules, or to a comparison function, is
put back when a cell rebinds it: the tests look these names up there. (Not ``helpers.units`` and the like: a
student's own variable ``units`` is no attack on the tests.)"""


def sign(secret: str, nonce: str, body: str) -> str:
    """The HMAC-SHA256 (hex) of ``nonce`` and ``body`` with ``secret``: what the executor expects beside a report."""
    return hmac.new(secret.encode(), (nonce + "\n" + body).encode(), hashlib.sha256).hexdigest()


def install(token: str, limit: int = 60, limit_after_timeout: int = 15, secret: str = "") -> None:
    """Take the snapshots and leave ``_autograder_restore_<token>`` in the user's namespace (see the module)."""
    import builtins

    # this module's functions look builtins up here first: bound now, before any of the hand-in's code ran
    globals().update({name: value for name, value in vars(builtins).items() if not name.startswith("__")})
    dumps, hmac_new, sha256 = json.dumps, hmac.new, hashlib.sha256
    import math
    import os
    import signal
    import sys
    import traceback

    import numpy
    import numpy.testing
    from IPython import get_ipython

    shell = get_ipython()
    compare = [(math, "isclose"), (numpy, "allclose"), (numpy, "isclose"), (numpy, "array_equal")]
    compare += [(numpy.testing, n) for n in dir(numpy.testing) if n.startswith("assert")]
    modules: list[Any] = [traceback]
    try:
        import torch
        import torch.testing

        compare += [(torch, "allclose"), (torch, "isclose"), (torch, "equal"), (torch.testing, "assert_close")]
    except ImportError:
        pass
    try:
        import helpers
        import helpers.checks as checks

        compare += [(checks, n) for n in dir(checks) if n.startswith("check") or n == "ok"]
        modules += [checks, helpers]
    except ImportError:
        pass
    originals = {(module, name): getattr(module, name) for module, name in compare}
    judging = tuple(originals.values())
    module_type = type(math)
    user_ns = shell.user_ns
    bound: dict[str, Any] = {}  # names of the notebook's namespace the tests judge with, and their first value
    state: dict[str, Any] = {"limit": limit, "current": limit}
    kernel_pid = os.getpid()
    real_exit = os._exit
    real_sys_exit = sys.exit

    def guarded_exit(*args: Any, **kwargs: Any) -> None:
        if os.getpid() != kernel_pid:  # a forked worker process exits as usual
            real_exit(*args, **kwargs)
        raise SystemExit(f"{EXIT_MARK}() was called; the autograder keeps the kernel alive")

    def guarded_sys_exit(*args: Any) -> None:
        print(f"{SYS_EXIT_MARK}() was called")
        real_sys_exit(*args)

    def on_alarm(signum: int, frame: Any) -> None:
        state["limit"] = limit_after_timeout
        raise TimeoutError(f"{TIMEOUT_MARK} {state['current']} s and was stopped")

    alarm, set_handler, sigalrm = signal.alarm, signal.signal, signal.SIGALRM
    gettrace, getprofile, settrace, setprofile = sys.gettrace, sys.getprofile, sys.settrace, sys.setprofile

    def after_cell(result: Any = None) -> None:
        alarm(0)

    os._exit = guarded_exit
    sys.exit = guarded_sys_exit
    shell.events.register("post_run_cell", after_cell)
    kernel = getattr(shell, "kernel", None)

    snapshots: list[Any] = [_Namespace("builtins", builtins, skip=("_", "__", "___"))]
    snapshots += [_Namespace(m.__name__, m) for m in modules]
    snapshots += [_Attributes("sys", sys, SYS_NAMES), _Attributes("os", os, ("_exit", "kill", "fork")),
                  _Attributes("shell", shell, SHELL_NAMES)]
    if kernel is not None:
        snapshots += [_Attributes("kernel", kernel, KERNEL_NAMES), _Attributes("kernel.session", kernel.session,
                                                                               ("send", "serialize", "sign"))]
    for label, stream in (("sys.stdout", sys.stdout), ("sys.stderr", sys.stderr)):
        snapshots.append(_Attributes(label, stream, STREAM_NAMES))
    holders = [shell, shell.events, shell.displayhook, shell.display_pub, shell.InteractiveTB, shell.compile,
               shell.input_transformer_manager, sys.stdout]
    if kernel is not None:
        holders += [kernel, kernel.session]
    snapshots += [_Namespace(f"{k.__module__}.{k.__qualname__}", k) for k in _classes(*holders)]
    lists = {
        "shell.input_transformers_cleanup": shell.input_transformers_cleanup,
        "shell.input_transformers_post": shell.input_transformers_post,
        "shell.ast_transformers": shell.ast_transformers,
        "input_transformer_manager.cleanup_transforms": shell.input_transformer_manager.cleanup_transforms,
        "input_transformer_manager.line_transforms": shell.input_transformer_manager.line_transforms,
        "input_transformer_manager.token_transformers": shell.input_transformer_manager.token_transformers,
        "sys.meta_path": sys.meta_path, "sys.path_hooks": sys.path_hooks,
    }
    saved_lists = {label: list(items) for label, items in lists.items()}
    callbacks = shell.events.callbacks
    saved_callbacks = {event: list(functions) for event, functions in callbacks.items()}
    saved_modules = dict(sys.modules)
    saved_trace = (gettrace(), getprofile())
    own_name = f"_autograder_restore_{token}"

    def judges(value: Any) -> bool:
        if isinstance(value, module_type):
            return getattr(value, "__name__", None) in JUDGING_MODULES
        return any(value is function for function in judging)

    def restore(arm: bool = True, nonce: str = "") -> str:
        alarm(0)
        restored: list[str] = []
        for (module, name), function in originals.items():
            if getattr(module, name, None) is not function:
                restored.append(f"{module.__name__}.{name}")
                setattr(module, name, function)
        changed: list[str] = []
        for snapshot in snapshots:
            snapshot.restore(changed)
        for label, items in lists.items():
            if items != saved_lists[label]:
                changed.append(label)
                items[:] = saved_lists[label]
        for event, functions in callbacks.items():
            keep = list(saved_callbacks.get(event, []))
            for function in functions:
                if function not in keep and _owner_module(function).split(".")[0] in LIBRARY_PREFIXES:
                    keep.append(function)
            if functions != keep:
                changed.append(f"shell.events.{event}")
                functions[:] = keep
        for name, module in saved_modules.items():
            if sys.modules.get(name) is not module:
                changed.append(f"sys.modules[{name!r}]")
                sys.modules[name] = module
        if (gettrace(), getprofile()) != saved_trace:
            changed.append("sys.settrace/setprofile")
            settrace(saved_trace[0])
            setprofile(saved_trace[1])
        for name, value in list(dict.items(user_ns)):  # first sight of a judging name (the setup cells bind them)
            if name not in bound and not name.startswith("_") and judges(value):
                bound[name] = value
        for name, value in bound.items():
            if dict.get(user_ns, name, _MISSING) is not value:
                changed.append(f"the notebook's name {name}")
                user_ns[name] = value
        if dict.get(user_ns, own_name) is not restore:
            changed.append("the guard's restore function")
            user_ns[own_name] = restore
        os._exit = guarded_exit
        sys.exit = guarded_sys_exit
        set_handler(sigalrm, on_alarm)
        if arm:
            state["current"] = state["limit"]
            alarm(state["limit"])
        restored = sorted(set(restored))
        changed = sorted(set(changed) - set(restored))
        body = dumps({"restored": restored, "tampered": changed})
        mac = hmac_new(secret.encode(), (nonce + "\n" + body).encode(), sha256).hexdigest()
        return body + "|" + mac

    shell.user_ns[f"_autograder_restore_{token}"] = restore
    shell.user_ns_hidden[f"_autograder_restore_{token}"] = restore
