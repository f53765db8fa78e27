"""Hand-ins that attack the grader (issue 16's threats), graded in tests/test_grading.py's shared run.

- :func:`escape_cells` (threats 1 and 3): cells that try to read and write outside its hand-in (the
  gradebook, another student's hand-in, ``solutions/``, ``tests/``, ``.git``, the home folder), to connect
  to a loopback port the test listens on, to leave processes behind (one that would write into the
  gradebook later), and to exhaust memory, processes and disk. It prints what happened to each attempt
  as JSON lines after :data:`REPORT_MARK`; the answers after them are the reference's.
- :data:`HIDE` (threat 2): a cell that tries every way Python and IPython allow to make failing tests
  look passed, before wrong answers; :func:`cheat_on_call` wraps a wrong answer so that calling it, inside
  a test, replaces the comparison functions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

REPORT_MARK = "THREAT-REPORT "

ESCAPE = ['''import json, os, socket, subprocess, sys
_attempts = {{}}


def _attempt(label, action):
    try:
        _attempts[label] = "DONE " + repr(action())[:200]
    except BaseException as error:  # the sandbox answers with an error: that is the point
        _attempts[label] = "blocked: " + type(error).__name__


def _append(path, data):
    with open(path, "ab") as handle:
        return handle.write(data)


_attempt("read the gradebook", lambda: open({gradebook!r}, "rb").read(16))
_attempt("write the gradebook", lambda: _append({gradebook!r}, b"CHEAT"))
_attempt("write another student's hand-in", lambda: _append({other!r}, b"CHEAT"))
_attempt("list the hand-ins", lambda: os.listdir({submitted!r}))
_attempt("write a file beside the grading state", lambda: _append({canary!r}, b"CHEAT"))
_attempt("read solutions/", lambda: open({solution!r}).read(40))
_attempt("read tests/", lambda: os.listdir({tests!r}))
_attempt("read .git", lambda: os.listdir({git!r}))
_attempt("list the home folder", lambda: sorted(os.listdir({home!r})))
_attempt("connect to a loopback port", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=3).close())
_later = "import time; time.sleep(15); open({gradebook!r}, 'ab').write(b'LATER')"
_attempt("leave a process behind", lambda: subprocess.Popen([sys.executable, "-c", _later, {marker!r}]).pid)
_attempt("leave a daemon behind", lambda: subprocess.Popen(
    ["setsid", "sh", "-c", "sleep 600; : " + {marker!r}], start_new_session=True).pid)
print({mark!r} + json.dumps(_attempts))
''', '''import json, os
_attempts = {{}}
try:
    _big = bytearray(8 << 30)
    _attempts["allocate 8 GiB"] = "DONE"
    del _big
except MemoryError:
    _attempts["allocate 8 GiB"] = "blocked: MemoryError"
for _place in ("big.bin", "/tmp/big.bin"):
    try:
        with open(_place, "wb") as _handle:
            for _ in range(64):  # 2 GiB in 32 MiB pieces
                _handle.write(bytes(32 << 20))
        _attempts["write 2 GiB to " + _place] = "DONE"
    except OSError as error:
        _attempts["write 2 GiB to " + _place] = "blocked: " + type(error).__name__
    finally:
        if os.path.exists(_place):
            os.remove(_place)
print({mark!r} + json.dumps(_attempts))
''', '''import json, os, threading, time
_attempts = {{}}
_stop = threading.Event()
_threads = []
try:
    for _ in range(2000):  # threads count as processes of the kernel's user; cheaper to start than forks
        _thread = threading.Thread(target=_stop.wait, args=(30,), daemon=True)
        _thread.start()
        _threads.append(_thread)
    _attempts["start 2000 threads"] = "DONE"
except RuntimeError as error:
    _attempts["start 2000 threads"] = f"blocked after {{len(_threads)}}: {{type(error).__name__}}"
try:
    _pid = os.fork()
    if _pid == 0:
        os._exit(0)
    os.waitpid(_pid, 0)
    _attempts["fork one more process"] = "DONE"
except OSError as error:
    _attempts["fork one more process"] = "blocked: " + type(error).__name__
_stop.set()
for _thread in _threads:
    _thread.join()
print({mark!r} + json.dumps(_attempts))
''']
"""The escape attempts, three cells: reaching outside, memory and disk, processes."""

HIDE = '''import ast, builtins, io, sys, types
import numpy as np
import helpers.checks
_shell = get_ipython()
_shell.set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
_shell.showtraceback = lambda *args, **kwargs: None
_shell._showtraceback = lambda *args, **kwargs: None


class _NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()

    def visit_Raise(self, node):
        return ast.Pass()


_shell.ast_transformers.append(_NoAsserts())
_shell.input_transformers_cleanup.append(lambda lines: [line.replace("check_", "print_") for line in lines])
for _callbacks in _shell.events.callbacks.values():
    _callbacks.clear()
for _name in dir(helpers.checks):
    if _name.startswith("_") and callable(getattr(helpers.checks, _name)) and not _name.startswith("__"):
        setattr(helpers.checks, _name, lambda *args, **kwargs: None)
_fake = types.ModuleType("helpers.checks")
_fake.__getattr__ = lambda name: (lambda *args, **kwargs: None)
sys.modules["helpers.checks"] = _fake
builtins.AssertionError = type("AssertionError", (Exception,), {{}})
sys.excepthook = lambda *args: None
_shell.events.register("pre_run_cell", lambda info=None: setattr(np, "allclose", lambda *a, **k: True))
class _Yes:
    def __getattr__(self, name):
        return lambda *args, **kwargs: True


np = _Yes()  # the names the tests judge with, rebound
checks = _Yes()
'''

CHEAT_ON_CALL = '''

def _cheat_on_call(function):
    def wrapper(*args, **kwargs):
        import math
        import numpy
        numpy.allclose = lambda *a, **k: True
        numpy.isclose = lambda a, b, *x, **k: numpy.ones(numpy.broadcast(numpy.asarray(a), numpy.asarray(b)).shape,
                                                          dtype=bool)
        math.isclose = lambda *a, **k: True
        return function(*args, **kwargs)
    return wrapper


{name} = _cheat_on_call({name})
'''


# --- issue 25: what a hand-in may try against the judge (the categories of the issue) -------------------------

JUDGE_ATTACKS = {
    # 1. outputs nbgrader would read as a grade: an execute_result of points after every cell, published by hooks
    "outputs read as a grade": '''import sys
from IPython import get_ipython
_shell = get_ipython()


def _points(*args, **kwargs):
    sys.displayhook(1000.0)  # an execute_result "1000.0" in every cell, test cells included
    _shell.display_pub.publish(data={"text/plain": "1000.0"})


_shell.events.register("post_run_cell", _points)
_shell.events.register("pre_run_cell", _points)
''',
    # 2. Python's hooks: audit hooks (the "compile" event sees every source compiled), trace and profile functions that
    # rewrite a check's locals, comparison functions and a library function's code swapped
    "hooks": '''import sys
import numpy as np
from helpers import checks as _checks
_compiled = []


def _audit(event, args):
    if event == "compile" and args and isinstance(args[0], (str, bytes)):
        _compiled.append(args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace"))


sys.addaudithook(_audit)


def _tracer(frame, event, arg):
    if frame.f_code.co_name.startswith("check"):
        frame.f_locals["expected"] = frame.f_locals.get("got")
        frame.f_locals["condition"] = True
    return None


_inner_serve = globals().get("_course_serve")
if _inner_serve is not None:
    def _course_serve(request, _inner_serve=_inner_serve):  # traced while it answers the judge (and only then:
        sys.settrace(_tracer)                              # tracing every cell would only slow the notebook down)
        try:
            return _inner_serve(request)
        finally:
            sys.settrace(None)
np.allclose = lambda *args, **kwargs: True


def _nothing(*args, **kwargs):
    return None


for _name in ("check_close", "check_equal", "check_true", "check_shape", "check_raises", "check_type"):
    getattr(_checks, _name).__code__ = _nothing.__code__
''',
    # 4. reading the kernel's memory: the input history, every string in the heap that looks like a test or a secret
    "memory": '''import gc
_secrets = [o for o in gc.get_objects() if isinstance(o, str) and ("HIDDEN" in o or "token" in o or "secret" in o)]
_history = list(globals().get("In", []))
_requests = []
_serve = globals().get("_course_serve")
if _serve is not None:
    def _course_serve(request, _serve=_serve):  # every call of the judge recorded, to be shown later
        _requests.append(request)
        return _serve(request)
''',
    # 5. active content in outputs: a script, an event handler, JavaScript
    "active content": '''from IPython.display import HTML, Javascript, display
display(HTML("<script>document.title = 'PWNED-HTML'; window.pwned = 1;</script>"
             "<img src=x onerror=\\"document.title = 'PWNED-IMG'; window.pwned = 2;\\">"))
display(Javascript("document.title = 'PWNED-JS'; window.pwned = 3;"))
''',
}
"""The attacks on the judge, by category: each is one cell, inserted before the first answer of a hand-in of its own."""

JUDGE_ATTACK_MARKDOWN = ("<script>document.title = 'PWNED-MD'; window.pwned = 4;</script>\n\n"
                         "<img src=x onerror=\"document.title = 'PWNED-MD-IMG'; window.pwned = 5;\">\n\n"
                         "[a link](javascript:window.pwned=6)")
"""A Markdown cell of the hand-in with active content (category 5)."""

JUDGE_ATTACK_LAST = {
    "hooks": 'print("LEAK compiled:", [s for s in _compiled if "check" in s][:20])\n',
    "memory": 'print("LEAK memory:", _secrets[:20], _history[-5:])\nprint("LEAK requests:", _requests[:50])\n',
}
"""The last cell of a hand-in with that attack: shows what it gathered (hidden tests' inputs among it), to try to
reach the feedback."""

LIAR = '''

class _Liar(float):
    """Equal to anything, of any shape and type a check asks for."""

    shape = property(lambda self: __import__("inspect").currentframe().f_back.f_locals.get("shape", ()))

    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False
    __lt__ = __le__ = __gt__ = __ge__ = lambda self, other: True

    def __array__(self, dtype=None, copy=None):
        import gc, inspect
        for frame in inspect.stack():  # the expected value, from a comparing caller
            if "expected" in frame.frame.f_locals:
                return __import__("numpy").asarray(frame.frame.f_locals["expected"], dtype=dtype)
        return __import__("numpy").zeros(0)


def {name}(*args, **kwargs):
    return _Liar(0.0)
'''
"""3. return values that lie: the stub of ``name`` replaced by one whose result claims to be whatever is asked."""


def judge_attack(category: str) -> tuple[str, str | None]:
    """The attack cell of one of issue 25's categories 1, 2, 4 and 5 (:data:`JUDGE_ATTACKS`) and the last cell that
    shows what it gathered (None if it gathers nothing)."""
    return JUDGE_ATTACKS[category], JUDGE_ATTACK_LAST.get(category)


def liar(name: str) -> str:
    """An answer cell defining ``name`` as a function that returns a lying object (category 3)."""
    return LIAR.format(name=name)


def escape_cells(state: Path, root: Path, other: Path, port: int, marker: str) -> list[str]:
    """The escape attempts (see the module), aimed at this course's real paths: the sources of three cells."""
    return [cell.format(
        gradebook=str(state / "gradebook.db"), other=str(other), submitted=str(state / "submitted"),
        canary=str(state / "canary.txt"), solution=str(next((root / "solutions").glob("*/*.ipynb"))),
        tests=str(root / "tests"), git=str(root / ".git"), home=str(Path.home()), port=port, marker=marker,
        mark=REPORT_MARK,
    ) for cell in ESCAPE]


def hide_cell() -> str:
    """The threat-2 attempts (see the module)."""
    return HIDE.format()


def cheat_on_call(source: str, name: str) -> str:
    """``source`` (an answer cell defining the function ``name``) with ``name`` wrapped to cheat when called."""
    return source + CHEAT_ON_CALL.format(name=name)


def attempts(nb) -> dict[str, str]:  # noqa: ANN001 - an nbformat notebook
    """What the escape cells reported, from an autograded notebook's outputs."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if REPORT_MARK in text:
                found.update(json.loads(text.split(REPORT_MARK, 1)[1].splitlines()[0]))
    return found


def processes_with(marker: str) -> list[int]:
    """Pids of the processes whose command line holds ``marker`` (read from /proc; this process excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found
