"""How a worker is confined: the command that starts it, and the cgroup that bounds it.

With bubblewrap (the sandbox Flatpak uses) the worker gets its own user, PID, network,
IPC, UTS and mount namespaces, uid 65534 (nobody) inside them, no capabilities, a new
session (so it cannot reach the grader's terminal), and a filesystem that holds only the
system's read-only directories, the Python installation, the torchcamp engine, the paths
the grader shares (read-only) and a private /tmp. When its parent dies, it dies; when its
PID namespace's first process dies, the kernel kills everything inside it.

Where the grader may create cgroups (root, cgroup v1 or v2), the whole sandbox — every
process and thread the student's code starts — shares one memory and one process limit.
Elsewhere the worker falls back to per-process rlimits (see worker.apply_limits).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import torchcamp

SANDBOX_UID = 65534  # nobody, inside the user namespace
SYSTEM_DIRECTORIES = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# What the dynamic loader, Python and torch read from /etc; nothing else of it is shown.
ETC_ENTRIES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives", "nsswitch.conf")
# The worker's whole environment: locale, thread counts, the GPU's libraries. Nothing of the
# teacher's shell (tokens, keys, paths) crosses.
ENVIRONMENT_ALLOWED = (
    "LANG", "LC_ALL", "LC_CTYPE", "TORCHCAMP_THREADS", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH",
)  # fmt: skip
PRIVATE_TMP_MB = 512
CGROUP_ROOT = Path("/sys/fs/cgroup")


class SandboxUnavailable(RuntimeError):
    """No sandbox can be built here (no bubblewrap, or no namespaces)."""


def mode() -> str:
    """'bubblewrap' or 'none'. TORCHCAMP_SANDBOX=none forces none (student machines, tests of that path)."""
    if os.environ.get("TORCHCAMP_SANDBOX", "").lower() == "none":
        return "none"
    return "bubblewrap" if bubblewrap_problem() is None else "none"


@cache
def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox a worker on this machine, or None when it can."""
    binary = shutil.which("bwrap")
    if binary is None:
        return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap, dnf install bubblewrap, ..."
    trial = [*bubblewrap_arguments(binary, [], cuda=False), "--", "/bin/true"]
    try:
        completed = subprocess.run(trial, capture_output=True, text=True, timeout=30, env={}, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap did not start: {error}"
    if completed.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {completed.stderr.strip()[-300:]}"
    return None


def python_directories() -> list[Path]:
    """What the worker's interpreter needs: the installation, the venv, the engine's package."""
    engine = Path(torchcamp.__file__).resolve().parent
    directories = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), engine}
    # A venv's python is a symlink into the installation; follow it too (pyenv, uv, conda).
    directories.add(Path(sys.executable).resolve().parent.parent)
    return sorted(directories)


def bubblewrap_arguments(binary: str, readable: list[Path], cuda: bool) -> list[str]:
    arguments = [
        binary, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "sandbox",
    ]  # fmt: skip
    for directory in SYSTEM_DIRECTORIES:
        if os.path.lexists(directory):
            # Merged-/usr systems make /bin and /lib symlinks: keep them symlinks.
            kind = "--symlink" if os.path.islink(directory) else "--ro-bind"
            source = os.readlink(directory) if kind == "--symlink" else directory
            arguments += [kind, source, directory]
    for entry in ETC_ENTRIES:
        if os.path.exists(f"/etc/{entry}"):
            arguments += ["--ro-bind", f"/etc/{entry}", f"/etc/{entry}"]
    arguments += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/dev/shm"]
    arguments += ["--size", str(PRIVATE_TMP_MB << 20), "--tmpfs", "/tmp"]
    for path in [*python_directories(), *readable]:
        arguments += ["--ro-bind", str(path), str(path)]
    if cuda:
        for device in sorted(Path("/dev").glob("nvidia*")):
            arguments += ["--dev-bind", str(device), str(device)]
        arguments += ["--ro-bind", "/sys", "/sys"]  # the driver reads the PCI topology
    arguments += ["--chdir", "/tmp"]
    return arguments


def sweep_orphans(parents: list[Path]) -> None:
    """Remove the empty cgroups of graders that are gone: a grader killed with SIGKILL cannot
    remove its own, and each left behind is a directory in the kernel's tree until reboot."""
    for parent in parents:
        for directory in parent.glob("torchcamp-*-*"):
            pid = directory.name.split("-")[1]
            if not pid.isdigit() or Path(f"/proc/{pid}").exists():
                continue  # its grader still runs (or the name is not ours)
            try:
                directory.rmdir()  # fails, and is left, while any process is still inside
            except OSError:
                pass


@dataclass
class Cgroup:
    """One cgroup per sandbox, in each controller (v1) or in the unified tree (v2)."""

    directories: list[Path] = field(default_factory=list)

    @classmethod
    def create(cls, memory_mb: int, max_processes: int) -> Cgroup | None:
        """A fresh cgroup with these limits, or None where this process may not make one."""
        name = f"torchcamp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        unified = (CGROUP_ROOT / "cgroup.controllers").is_file()
        sweep_orphans([CGROUP_ROOT] if unified else [CGROUP_ROOT / "memory", CGROUP_ROOT / "pids"])
        if unified:
            settings = {
                CGROUP_ROOT / name: {"memory.max": memory_mb << 20, "memory.swap.max": 0, "pids.max": max_processes}
            }
        else:
            settings = {
                CGROUP_ROOT / "memory" / name: {
                    "memory.limit_in_bytes": memory_mb << 20,
                    "memory.memsw.limit_in_bytes": memory_mb << 20,
                },
                CGROUP_ROOT / "pids" / name: {"pids.max": max_processes},
            }
        group = cls()
        try:
            for directory, limits in settings.items():
                directory.mkdir()
                group.directories.append(directory)
                for key, value in limits.items():
                    if (directory / key).exists():
                        (directory / key).write_text(str(value))
        except OSError:
            group.remove()
            return None
        return group

    def members(self) -> set[int]:
        pids: set[int] = set()
        for directory in self.directories:
            try:
                pids.update(int(line) for line in (directory / "cgroup.procs").read_text().split())
            except OSError:
                pass
        return pids

    def kill_all(self, patience_s: float = 5.0) -> set[int]:
        """SIGKILL every member until none is left; returns any that survived PATIENCE_S."""
        deadline = time.monotonic() + patience_s
        while (members := self.members()) and time.monotonic() < deadline:
            for pid in members:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        return self.members()

    def remove(self) -> None:
        for directory in self.directories:
            try:
                directory.rmdir()
            except OSError:
                pass
        self.directories = []

    def oom_killed(self) -> bool:
        for directory in self.directories:
            for name in ("memory.oom_control", "memory.events"):
                try:
                    text = (directory / name).read_text()
                except OSError:
                    continue
                counts = dict(line.split()[:2] for line in text.splitlines() if len(line.split()) >= 2)
                if int(counts.get("oom_kill", 0)) > 0:
                    return True
        return False

    def entry_commands(self) -> list[str]:
        """A shell prefix that moves itself into the cgroup before exec'ing the sandbox, so
        nothing runs outside it even for a moment."""
        moves = "; ".join(f"echo $$ > {directory / 'cgroup.procs'}" for directory in self.directories)
        return ["/bin/sh", "-c", f'{moves}; exec "$@"', "sh"]


def clean_environment() -> dict[str, str]:
    environment = {key: os.environ[key] for key in ENVIRONMENT_ALLOWED if key in os.environ}
    environment.update(PATH="/usr/local/bin:/usr/bin:/bin", HOME="/tmp", TMPDIR="/tmp", PYTHONDONTWRITEBYTECODE="1")
    environment.setdefault("LANG", "C.UTF-8")
    return environment


@dataclass
class ConfinedProcess:
    """A started worker: its process (bwrap, or python itself without a sandbox) and cgroup."""

    process: subprocess.Popen
    cgroup: Cgroup | None
    sandboxed: bool

    def stop(self) -> set[int]:
        """Kill the worker and everything it started; returns pids that survived (should be none)."""
        if self.process.poll() is None:
            try:
                # Its own session: the group holds bwrap (whose death takes the namespace) or,
                # without a sandbox, the worker and what it did not move elsewhere.
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        survivors: set[int] = set()
        if self.cgroup is not None:
            survivors = self.cgroup.kill_all()
            if not survivors:
                self.cgroup.remove()
        return survivors


def start_worker(
    channel_fd: int, output: int, readable: list[Path], memory_mb: int, max_processes: int, cuda: bool, sandboxed: bool
) -> ConfinedProcess:
    """Start `python -m torchcamp.sandbox.worker FD` in the sandbox (or bare where SANDBOXED is False)."""
    worker = [sys.executable, "-P", "-m", "torchcamp.sandbox.worker", str(channel_fd)]
    cgroup = None
    if sandboxed:
        binary = shutil.which("bwrap")
        if binary is None or bubblewrap_problem() is not None:
            raise SandboxUnavailable(bubblewrap_problem() or "bubblewrap is not installed")
        cgroup = Cgroup.create(memory_mb, max_processes)
        command = [*bubblewrap_arguments(binary, readable, cuda), "--", *worker]
        if cgroup is not None:
            command = [*cgroup.entry_commands(), *command]
        environment = clean_environment()
    else:
        command, environment = worker, {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=output, stderr=output, pass_fds=(channel_fd,),
        env=environment, start_new_session=True, close_fds=True,
    )  # fmt: skip
    return ConfinedProcess(process, cgroup, sandboxed)
