"""A static screen of a hand-in's own code (Python's ``ast``, nothing is run).

Code that reaches for the grader's machinery or for the outside is flagged, with its line, for the
instructor to look at (``report.csv`` and the printed table): IPython's and ipykernel's internals
(``get_ipython``), ``sys.modules`` and the interpreter's hooks, ``builtins``, ``gc``, ``ctypes``, frame
inspection, ``exec``/``eval``/``compile``/``__import__``, processes (``subprocess``, ``os.system``,
``os.fork``, ...), sockets and the network, ``signal``, ``sqlite3``, and files outside the notebook's
folder (an absolute path or ``..``). A flag is no verdict: the grade is what the tests say; the flag
says where a human should look. The screen reads the cells a student writes: the answer cells and any
cell they added (the released test, setup and demonstration cells are the course's own).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from nbformat import NotebookNode

from autograder.core import is_answer, is_nbgrader_cell, normalized_source

MODULES = {
    "IPython": "IPython's internals", "ipykernel": "the kernel's internals", "jupyter_client": "the kernel's channels",
    "builtins": "builtins", "__builtin__": "builtins", "gc": "the garbage collector (reaches every object)",
    "ctypes": "ctypes (raw memory)", "inspect": "frame inspection", "subprocess": "a subprocess",
    "multiprocessing": "other processes", "socket": "a socket", "ssl": "the network", "http": "the network",
    "urllib": "the network", "requests": "the network", "asyncio": "event loops and subprocesses",
    "signal": "signals", "sqlite3": "a database (the gradebook is one)", "sqlalchemy": "a database",
    "nbgrader": "the grader", "autograder": "the grader", "importlib": "the import machinery",
    "pty": "a terminal", "shutil": "files outside the notebook", "tempfile": None, "threading": None,
    "traceback": "traceback machinery", "types": None, "marshal": "code objects", "pickle": None,
    "resource": "resource limits", "sys": None, "os": None, "runpy": "running code", "code": "running code",
    "codeop": "running code", "pdb": "the debugger", "bdb": "the debugger", "operator": None,
}
"""Imports flagged, and why (``None``: allowed; only some of its attributes are flagged)."""

ATTRIBUTES = {
    ("sys", "modules"): "sys.modules", ("sys", "_getframe"): "frame inspection", ("sys", "settrace"): "a tracer",
    ("sys", "setprofile"): "a profiler", ("sys", "excepthook"): "the exception hook",
    ("sys", "displayhook"): "the display hook", ("sys", "stdout"): "the output streams",
    ("sys", "stderr"): "the output streams", ("sys", "meta_path"): "the import machinery",
    ("sys", "exc_info"): None, ("os", "system"): "a shell command", ("os", "popen"): "a shell command",
    ("os", "fork"): "a new process", ("os", "forkpty"): "a new process", ("os", "kill"): "signals",
    ("os", "killpg"): "signals", ("os", "_exit"): "exiting the kernel", ("os", "environ"): None,
    ("os", "chdir"): "changing folders", ("os", "remove"): "deleting files", ("os", "unlink"): "deleting files",
    ("os", "rmdir"): "deleting files", ("os", "listdir"): "listing folders", ("os", "walk"): "listing folders",
    ("os", "scandir"): "listing folders", ("os", "setpgid"): "process groups", ("os", "setsid"): "sessions",
    ("operator", "attrgetter"): "attributes by a computed name", ("operator", "methodcaller"): "a computed call",
}
"""``module.attribute`` flagged, and why (``os.exec*``, ``os.spawn*`` and ``os.posix_spawn*`` too)."""

NAMES = {
    "get_ipython": "IPython's internals", "exec": "exec()", "eval": "eval()", "compile": "compile()",
    "__import__": "__import__()", "__builtins__": "builtins", "breakpoint": "the debugger",
    "globals": "the notebook's namespace",
    "vars": "an object's namespace (a module's functions, the notebook's namespace)",
}
"""Bare names flagged when used (``compile`` as a method, ``torch.compile``, is not the builtin)."""

DUNDERS = {"__globals__": "a function's globals", "__code__": "code objects", "__subclasses__": "every class",
           "f_back": "frame inspection", "f_globals": "frame inspection", "f_locals": "frame inspection",
           "gi_frame": "frame inspection", "tb_frame": "frame inspection", "__closure__": "closures",
           "__builtins__": "builtins", "__dict__": "an object's namespace", "__class__": "classes by reflection",
           "__bases__": "classes by reflection", "__base__": "classes by reflection",
           "__mro__": "classes by reflection",
           "__self__": "a method's object", "__func__": "a method's function", "__wrapped__": "a wrapped function",
           "__getattribute__": "attribute machinery", "__setattr__": "attribute machinery",
           "__delattr__": "attribute machinery", "__kwdefaults__": "a function's defaults",
           "__defaults__": "a function's defaults", "cell_contents": "closures", "f_code": "frame inspection",
           "gi_code": "code objects", "__reduce__": "pickling machinery", "__reduce_ex__": "pickling machinery"}
"""Attribute names flagged on any object."""

KNOWN_MODULES = {"np": "numpy", "numpy": "numpy", "math": "math", "torch": "torch", "checks": "helpers.checks",
                 "helpers": "helpers", "plt": "matplotlib.pyplot", "sys": "sys", "os": "os", "F": "torch.nn.functional",
                 "nn": "torch.nn", "scipy": "scipy", "random": "random", "units": "helpers.units",
                 "training": "helpers.training", "plots": "helpers.plots"}
"""Names the notebooks' setup cells import: an answer cell uses them without importing them."""

REBOUND = {"np": "numpy", "math": "math", "torch": "torch", "checks": "helpers.checks", "helpers": "helpers"}
"""Names the tests judge with: a cell that binds them to something else is flagged (the judge has its own)."""
REFLECTION = {"getattr", "setattr", "delattr", "hasattr"}
"""Called with an attribute name that is computed (not on ``self``) or a dunder: flagged."""

FILE_CALLS = {"open", "Path", "PurePath", "loadtxt", "load", "save", "savetxt", "read_csv", "fromfile", "tofile"}


@dataclass(frozen=True)
class Finding:
    """One thing the screen flags: where and what.

    Args:
        cell: the cell's grade_id, or ``"cell N"`` (N from 1) for a cell the student added.
        line: the line in the cell, from 1 (0 where unknown).
        what: what it does, and why that is flagged (``"imports subprocess (a subprocess)"``).
    """

    cell: str  # the cell's grade_id, or "cell N" for a cell the student added
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.cell} line {self.line}: {self.what}"


def _outside(path: str) -> bool:
    return path.startswith(("/", "~", "\\")) or ".." in path.replace("\\", "/").split("/") or ":" in path[:3]


class _Screen(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.aliases: dict[str, str] = {}  # local name -> module it stands for

    def flag(self, node: ast.AST, what: str) -> None:
        """Record a finding at ``node``'s line.

        Args:
            node: the syntax node flagged (its ``lineno``; 0 when it has none).
            what: what it does, and why that is flagged.
        """
        self.found.append((getattr(node, "lineno", 0), what))

    def _module(self, name: str, node: ast.AST) -> None:
        top = name.split(".")[0]
        why = MODULES.get(top)
        if why:
            self.flag(node, f"imports {name} ({why})")

    def visit_Import(self, node: ast.Import) -> None:
        """Flag an ``import`` of a module in :data:`MODULES`, and remember the name it is bound to.

        Args:
            node: an ``import a.b as c`` statement.
        """
        for alias in node.names:
            self._module(alias.name, node)
            self.aliases[(alias.asname or alias.name).split(".")[0]] = alias.name.split(".")[0]
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """Flag ``from M import x`` of a module in :data:`MODULES`, of an attribute in :data:`ATTRIBUTES` (or
        ``os``'s process functions), or of a private name of ``helpers``.

        Args:
            node: a ``from M import x`` statement.
        """
        module = node.module or ""
        self._module(module, node)
        for alias in node.names:
            key = (module.split(".")[0], alias.name)
            why = ATTRIBUTES.get(key) or _os_process(key)
            if why:
                self.flag(node, f"imports {module}.{alias.name} ({why})")
            if module.split(".")[0] == "helpers" and alias.name.startswith("_"):
                self.flag(node, f"imports {module}.{alias.name} (a private helper of the course)")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Flag ``module.attribute`` in :data:`ATTRIBUTES` (or ``os``'s process functions), a private name of
        ``checks`` or ``helpers``, and any attribute in :data:`DUNDERS`.

        Args:
            node: an attribute access, read or written.
        """
        if isinstance(node.value, ast.Name):
            module = self.aliases.get(node.value.id, node.value.id)
            why = ATTRIBUTES.get((module, node.attr)) or _os_process((module, node.attr))
            if why:
                self.flag(node, f"uses {module}.{node.attr} ({why})")
            if module in ("checks", "helpers") and node.attr.startswith("_"):
                self.flag(node, f"uses {node.value.id}.{node.attr} (a private helper of the course)")
        if node.attr in DUNDERS:
            self.flag(node, f"uses .{node.attr} ({DUNDERS[node.attr]})")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        """Flag a bare name in :data:`NAMES` (``exec``, ``get_ipython``, ...).

        Args:
            node: a name, read or written.
        """
        why = NAMES.get(node.id)
        if why:
            self.flag(node, f"uses {node.id} ({why})")
        self.generic_visit(node)

    def _replaces(self, target: ast.AST) -> None:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            module = self.aliases.get(target.value.id, KNOWN_MODULES.get(target.value.id))
            if module:
                self.flag(target, f"replaces {module}.{target.attr} (a library's function or value)")

    def _rebinds(self, target: ast.AST) -> None:
        if isinstance(target, ast.Name) and target.id in REBOUND:
            self.flag(target, f"rebinds {target.id} ({REBOUND[target.id]}, which the tests use)")

    def visit_Assign(self, node: ast.Assign) -> None:
        """Flag an assignment that replaces a module's attribute (``np.mean = ...``) or rebinds a name in
        :data:`REBOUND`; tuple and list targets are looked into, one level.

        Args:
            node: an assignment statement.
        """
        for target in node.targets:
            for part in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                self._replaces(part)
                self._rebinds(part)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        """Flag ``global`` of a name in :data:`REBOUND` (a function that rebinds it).

        Args:
            node: a ``global`` statement.
        """
        for name in node.names:
            if name in REBOUND:
                self.flag(node, f"rebinds {name} ({REBOUND[name]}, which the tests use) from a function")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """Flag an augmented assignment (``+=``) to a module's attribute.

        Args:
            node: an augmented assignment statement.
        """
        self._replaces(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        """Flag ``del`` of a module's attribute.

        Args:
            node: a ``del`` statement.
        """
        for target in node.targets:
            self._replaces(target)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        """Flag ``setattr``/``delattr`` on a module, :data:`REFLECTION` with a computed (not on ``self``) or dunder
        attribute name, and a call in :data:`FILE_CALLS` whose first argument is a literal path outside the
        notebook's folder.

        Args:
            node: a call.
        """
        function = node.func
        if isinstance(function, ast.Name) and function.id in ("setattr", "delattr") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and (first.id in self.aliases or first.id in KNOWN_MODULES):
                module = self.aliases.get(first.id, KNOWN_MODULES.get(first.id))
                self.flag(node, f"{function.id}() on the module {module} (replaces a library's function)")
        if isinstance(function, ast.Name) and function.id in REFLECTION and len(node.args) >= 2:
            first, attribute = node.args[0], node.args[1]
            computed = not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str))
            on_self = isinstance(first, ast.Name) and first.id == "self"
            if (computed and not on_self) or (not computed and attribute.value.startswith("__")):
                self.flag(node, f"{function.id}() with {'a computed' if computed else 'a dunder'} attribute name")
        name = function.id if isinstance(function, ast.Name) else function.attr if isinstance(
            function, ast.Attribute) else ""
        if name in FILE_CALLS:
            for argument in node.args[:1]:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and _outside(argument.value):
                    self.flag(node, f"opens {argument.value!r} (a file outside the notebook's folder)")
        self.generic_visit(node)


def _os_process(key: tuple[str, str]) -> str | None:
    module, attr = key
    if module == "os" and attr.startswith(("exec", "spawn", "posix_spawn")):
        return "a new process"
    return None


def screen_source(source: str) -> list[tuple[int, str]]:
    """Findings ``(line, what)`` in one cell's code; IPython's ``%magic`` and ``!shell`` lines are flagged too.

    Args:
        source: a code cell's source.

    Returns:
        The findings, sorted by line, without duplicates; a cell that does not parse gets one finding at the line
        of its syntax error (after its magics).
    """
    lines = []
    found: list[tuple[int, str]] = []
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("!", "%")):
            found.append((number, f"IPython {'shell escape' if stripped[0] == '!' else 'magic'} {stripped.split()[0]}"))
            lines.append("")
        else:
            lines.append(line)
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError as error:
        return [*found, (error.lineno or 0, "does not parse (the screen cannot read it)")]
    visitor = _Screen()
    visitor.visit(tree)
    return sorted(set(found + visitor.found))


def screen_notebook(nb: NotebookNode, release: NotebookNode) -> list[Finding]:
    """Findings in the cells a student writes: answer cells, and code cells that are not the release's own
    (added, or edited); test cells are the instructor's (nbgrader puts them back).

    Args:
        nb: the hand-in, repaired (its answer cells carry their ``nbgrader`` metadata).
        release: the released notebook.

    Returns:
        The findings, cell by cell in the notebook's order.
    """
    released = {normalized_source(c.source) for c in release.cells if c.cell_type == "code" and not is_answer(c)}
    findings = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if is_answer(cell):
            label = cell.metadata["nbgrader"]["grade_id"]
        elif is_nbgrader_cell(cell) or normalized_source(cell.source) in released:
            continue
        else:
            label = f"cell {index + 1}"
        findings += [Finding(label, line, what) for line, what in screen_source(cell.source)]
    return findings
