"""The kernel that runs a hand-in, under bubblewrap (``bwrap``, Debian's ``bubblewrap`` package).

:class:`SandboxedKernelManager` is a jupyter_client kernel manager whose kernel command runs under
``bwrap`` with

- no network: its own network namespace, with nothing in it but its own loopback;
- a read-only view of only what the kernel needs: the system (``/usr``, ``/etc``, ...), the course's
  Python environment and its base interpreter, the ``helpers`` package and ``data/``. Nothing else of
  the machine exists in it: no grading state (gradebook, hand-ins, feedback), no ``solutions/``, no
  ``tests/``, no ``.git``, no home folder, no other job's scratch folder;
- writable only a tmpfs of its own as its working directory and another as ``/tmp`` (512 MiB each, gone
  with the kernel), and the folder of its channels' Unix sockets (jupyter_client's IPC transport: TCP
  cannot cross the network namespace);
- its own PID namespace, so that nothing it starts outlives it (bwrap is its init; ``--die-with-parent``);
- limits (``prlimit``): address space (default 4 GiB), processes and threads, file size, no core files;
- an unprivileged user (``setpriv``, a uid of its own per grading process) where the grader runs as
  root; otherwise the instructor's own user in a user namespace.

:func:`sandbox_problem` says why no sandbox can be had here (``None`` when it can).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

GiB = 1 << 30
MiB = 1 << 20
SANDBOX_UID_BASE = 200000
"""Kernels of a grading process run as uid ``SANDBOX_UID_BASE + pid`` when the grader is root: an unprivileged
user that owns nothing on the machine and shares its process limit with no other grading process."""

ENV_KEEP = ("PATH", "LANG", "LC_ALL", "TZ", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NBGRADER_EXECUTION",
            "PYTHONWARNINGS", "MPLBACKEND", "COURSE_DATA_DIR")
"""Environment variables the kernel keeps; every other one is dropped (``--clearenv``)."""

SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt")


def sandbox_uid() -> int | None:
    """The uid of this process's kernels when it runs as root; ``None`` otherwise (the user's own).

    Returns:
        ``SANDBOX_UID_BASE + pid`` when the effective uid is 0, else None.
    """
    return SANDBOX_UID_BASE + os.getpid() if os.geteuid() == 0 else None


def readable_roots() -> list[str]:
    """What the kernel may read: the system, the Python environment and interpreter, ``helpers`` and ``data``.

    Returns:
        The folders that exist (as given and resolved), sorted, without those inside another one;
        ``COURSE_DATA_DIR`` too where it is set.
    """
    import helpers

    package = Path(helpers.__file__).resolve().parent
    interpreter = str(Path(os.path.realpath(sys.executable)).parents[1])
    roots = {*SYSTEM, sys.prefix, sys.base_prefix, sys.exec_prefix, interpreter, str(package),
             str(package.parent / "data")}
    if os.environ.get("COURSE_DATA_DIR"):
        roots.add(os.environ["COURSE_DATA_DIR"])
    real = sorted({os.path.realpath(r) for r in roots if os.path.exists(r)} | {r for r in roots if os.path.exists(r)})
    # a root inside another root is already there
    return [r for r in real if not any(r != o and r.startswith(o.rstrip("/") + "/") for o in real)]


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts
    return [str(Path(*parts[:i])) for i in range(2, len(parts))]


def bwrap_argv(cwd: str, socket_dir: str, *, memory: int = 4 * GiB, processes: int = 256,
               file_size: int = 256 * MiB, scratch_size: int = 512 * MiB) -> list[str]:
    """The command prefix that runs a program under bubblewrap as described in the module's docstring.

    Args:
        cwd: the kernel's working directory (a tmpfs of its own in the sandbox).
        socket_dir: the folder of the kernel's channels' Unix sockets (bound writable).
        memory: the address-space limit (bytes).
        processes: the processes and threads the kernel's user may have.
        file_size: the largest file it may write (bytes).
        scratch_size: the size of each tmpfs, ``/tmp`` and ``cwd`` (bytes).

    Returns:
        ``sh -c``, ``bwrap ...``, ``prlimit ... --`` and, when the grader is root, ``setpriv ... --``: the kernel's
        command goes after it.
    """
    roots = readable_roots()
    # bwrap dies of a SIGINT, and jupyter_client interrupts a kernel with a SIGINT to its process group:
    # bwrap ignores it (inherited over exec), the kernel installs its own handler.
    argv = ["/bin/sh", "-c", 'trap "" INT; exec "$@"', "sh",
            "bwrap", "--die-with-parent", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--clearenv"]
    made: set[str] = set()

    def parents(path: str) -> list[str]:  # intermediate folders, readable (bwrap makes them 0700)
        out: list[str] = []
        for folder in _ancestors(path):
            if folder in made or folder == "/tmp" or any(folder == r or folder.startswith(r + "/") for r in roots):
                continue
            made.add(folder)
            out += ["--perms", "0755", "--dir", folder]
        return out

    # /tmp first: a later mount goes over an earlier one, and a course (or its .venv) may live under /tmp
    argv += ["--perms", "01777", "--size", str(scratch_size), "--tmpfs", "/tmp"]
    for root in roots:
        argv += [*parents(root), "--ro-bind", root, root]
    argv += ["--dev", "/dev", "--proc", "/proc"]
    argv += [*parents(socket_dir), "--bind", socket_dir, socket_dir]
    argv += [*parents(cwd), "--perms", "01777", "--size", str(scratch_size), "--tmpfs", cwd, "--chdir", cwd]
    for name in ENV_KEEP:
        if name in os.environ:
            argv += ["--setenv", name, os.environ[name]]
    argv += ["--setenv", "HOME", "/tmp", "--setenv", "IPYTHONDIR", "/tmp/ipython",
             "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib", "--setenv", "TMPDIR", "/tmp"]
    argv += ["prlimit", f"--as={memory}", f"--nproc={processes}", f"--fsize={file_size}", "--core=0", "--"]
    uid = sandbox_uid()
    if uid is not None:
        argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all", "--no-new-privs", "--"]
    return argv


def sandbox_problem() -> str | None:
    """Why a kernel cannot be sandboxed on this machine, or ``None`` when it can (a real bwrap run is tried).

    Returns:
        One sentence with the fix where there is one (not Linux, a tool missing, user namespaces off, the course not
        importable in the sandbox), or None.
    """
    if sys.platform != "linux":
        return f"bubblewrap needs Linux (this is {sys.platform})"
    for tool in ("bwrap", "prlimit", "setpriv"):
        if shutil.which(tool) is None:
            package = "bubblewrap" if tool == "bwrap" else "util-linux"
            return f"`{tool}` is not installed (Debian/Ubuntu: apt install {package})"
    with tempfile.TemporaryDirectory(prefix="sandbox-check-") as scratch:
        sockets = os.path.join(scratch, "s")
        os.mkdir(sockets)
        argv = bwrap_argv(os.path.join(scratch, "w"), sockets) + [sys.executable, "-c", "import helpers"]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bwrap could not run: {error}"
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        if not why.startswith("bwrap:") and ("Error" in why or "error" in why):  # bwrap ran; the course's Python failed
            return course_import_problem(why)
        return f"bwrap cannot start a sandbox here ({why}); are user namespaces off (kernel.unprivileged_userns_clone)?"
    return None


def course_import_problem(why: str) -> str:
    """Why the sandbox's Python cannot import the course (``why``: its last error line), with the fix: most often this
    environment's install of the course points at another copy of it, which the sandbox does not show.

    Args:
        why: the last line of the sandboxed Python's error output.

    Returns:
        One message: ``why``, what this environment imports the course from, and what to run.
    """
    import helpers

    here = Path(helpers.__file__).resolve().parent.parent  # the copy whose helpers the sandbox shows
    try:  # where this environment imports the course from, away from this folder (not its current directory)
        done = subprocess.run([sys.executable, "-I", "-c", "import helpers; print(helpers.__file__)"], cwd="/",
                              capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the sandbox starts, but its Python cannot import the course ({why}); {sys.executable}: {error}"
    start = (f"the sandbox starts, but the course's Python environment ({sys.prefix}) cannot import the course in it"
             f" ({why})")
    if done.returncode != 0:
        error = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return (f"{start}: the course is not installed in that environment ({error}). Run `make setup` in {here}"
                f" (or `{sys.prefix}/bin/pip install -e {here}`)")
    installed = Path(done.stdout.strip()).resolve().parent.parent
    if installed != here:
        return (f"{start}: that environment's install of the course points at another copy, {installed}, not at this"
                f" one ({here}); the sandbox shows only this copy. Run `{sys.prefix}/bin/pip install -e {here}` (or"
                f" `make setup` here with a .venv of this copy's own), or grade from {installed}")
    return f"{start}; the course is installed from {installed}"


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs under bubblewrap, its channels on Unix sockets (see the module).

    Args:
        memory: address-space limit of each kernel process (bytes; configurable).
        processes: processes and threads the kernel's user may have (configurable).
        file_size: largest file the kernel may write (bytes; configurable).
        **kwargs: jupyter_client's ``AsyncKernelManager``'s (its kernel name, configuration, ...).
    """

    memory = Integer(4 * GiB, help="address-space limit of each kernel process, bytes").tag(config=True)
    processes = Integer(256, help="processes and threads the kernel's user may have").tag(config=True)
    file_size = Integer(256 * MiB, help="largest file the kernel may write, bytes").tag(config=True)

    _socket_dir: str = ""
    _cwd: str = ""

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        self._cwd = str(Path(kw.get("cwd") or os.getcwd()).resolve())
        self._socket_dir = tempfile.mkdtemp(prefix="kernel-")
        uid = sandbox_uid()
        if uid is not None:
            os.chown(self._socket_dir, uid, uid)
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "k")
        self.connection_file = os.path.join(self._socket_dir, "kernel.json")
        return await super()._async_pre_start_kernel(**kw)

    def write_connection_file(self, **kwargs: Any) -> None:
        """Write the kernel's connection file (in its socket folder), owned by the sandbox's uid when there is one.

        Args:
            **kwargs: jupyter_client's ``write_connection_file``'s.
        """
        super().write_connection_file(**kwargs)
        uid = sandbox_uid()
        if uid is not None:
            os.chown(self.connection_file, uid, uid)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel's command, under bubblewrap (:func:`bwrap_argv` with this manager's limits).

        Args:
            extra_arguments: more arguments for the kernel, as jupyter_client's.

        Returns:
            The sandbox's prefix, then jupyter_client's kernel command.
        """
        command = super().format_kernel_cmd(extra_arguments)
        prefix = bwrap_argv(self._cwd, self._socket_dir, memory=self.memory, processes=self.processes,
                            file_size=self.file_size)
        return prefix + command

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        """Shut the kernel down, as jupyter_client does; unless it restarts, remove its socket folder.

        Args:
            now: kill it at once, without asking it to shut down.
            restart: it is shut down to be restarted (its socket folder stays).
        """
        await super().shutdown_kernel(now=now, restart=restart)
        if self._socket_dir and not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
