"""The grader's side of the trust boundary: start, talk to, and restart worker processes.

Each lesson gets its own worker, started in a sandbox (confinement.py) that imports torch
once; a worker that hangs or dies is killed with everything it started, and the next
test gets a fresh one. Every call has a deadline measured here, in the grader's process.
Answers are decoded with torchcamp.sandbox.codec (never plain pickle).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from torchcamp.sandbox import codec, confinement, worker
from torchcamp.sandbox.errors import (
    LessonImportError,
    NotPlainData,
    StudentCodeProblem,
    StudentRaised,
    TaskNotStarted,
    WorkerCrashed,
    WorkerTimeout,
)

# A target that hangs this many times is not called again in the same grading run:
# one infinite loop should cost its own tests, not ten seconds per test of the lesson.
HANGS_BEFORE_GIVING_UP = 2
TAIL_CHARS = 600
# Starting a sandbox and importing torch is the grader's cost, not the student's: it has
# its own, generous deadline, so a busy machine cannot turn it into a student's timeout.
STARTUP_TIMEOUT_S = 180


@dataclass(frozen=True)
class SandboxSettings:
    call_timeout_s: float
    memory_mb: int | None  # address-space cap per process; None on a GPU (CUDA maps far more)
    output_mb: int
    readable: tuple[Path, ...] = ()  # shown read-only in the sandbox, at the same paths
    sandboxed: bool = True  # False: no sandbox could be built and the teacher accepted that
    resident_mb: int = 3072  # the whole sandbox's memory, where a cgroup can bound it
    max_processes: int = 256  # processes and threads of the whole sandbox
    cpu_s: int = 3600  # CPU seconds of one worker's life
    cuda: bool = False  # show the GPU's device files
    secret_roots: tuple[Path, ...] = ()  # folders whose test files never reach a worker (hidden graders)


class ProbeLocationError(RuntimeError):
    """A probe lives in a hidden grader's test file, which must never be shown to a worker."""


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker stopped answering"
    if exitcode >= 0:
        return f"the worker process exited with status {exitcode} — does your code call os._exit() or exit()?"
    signal_number = -exitcode
    name = (
        signal.Signals(signal_number).name if signal_number in signal.Signals._value2member_map_ else str(signal_number)
    )
    if signal_number == signal.SIGKILL:
        return f"the worker process was killed ({name}) — did it use too much memory?"
    if signal_number == signal.SIGSEGV:
        return f"the worker process crashed ({name}, a segmentation fault)"
    return f"the worker process died from signal {name}"


def problem_from_error(payload: dict) -> StudentCodeProblem:
    """Rebuild the exception a worker described in JSON; the text is shown, never executed."""
    type_name = str(payload.get("type", "Exception"))
    message = str(payload.get("message", ""))
    where = str(payload.get("traceback", ""))
    kind = payload.get("kind")
    if kind == "import":
        if type_name == "NotImplementedError":
            return TaskNotStarted(f"importing the lesson file raised NotImplementedError: {message}")
        return LessonImportError(
            f"the lesson file failed to import: {type_name}: {message}" + (f"\n{where}" if where else "")
        )
    if kind == "not_data":
        return NotPlainData(message)
    if type_name == "NotImplementedError":
        return TaskNotStarted(message or "not implemented yet")
    return StudentRaised(type_name, message, where)


class RemoteStudent:
    """A lesson module living in a sandboxed worker; `student.fn(*args)` calls into it."""

    def __repr__(self) -> str:
        # Whatever prints it (an assertion's introspection, a note) names the student's file,
        # never an address in this process.
        return f"<your {self._module_path.name}>"

    def __init__(self, module_path: Path, settings: SandboxSettings) -> None:
        self._module_path = module_path
        self._settings = settings
        self._confined: confinement.ConfinedProcess | None = None
        self._connection: Connection | None = None
        self._output_path = ""
        self._import_problem: StudentCodeProblem | None = None
        self._current_test: str | None = None
        self._test_problem: StudentCodeProblem | None = None
        self._hangs: dict[str, int] = {}
        self.last_call_seconds = 0.0  # wall-clock time of the last call, measured here
        self._remaining_s = 0.0  # what the last answer left of its call's deadline: its decoding time
        self.survivors: set[int] = set()  # processes that outlived a kill (should stay empty)

    # -- the interface tests use ---------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._request(("call", name, args, kwargs), target=name, during=f"running {name}()")

        call.__name__ = name
        return call

    def run(self, probe: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a grader's probe(module, *args) in the worker; only its data comes back."""
        return self.run_with_deadline(self._settings.call_timeout_s, probe, *args, **kwargs)

    def run_with_deadline(self, timeout_s: float, probe: Any, *args: Any, **kwargs: Any) -> Any:
        """run(), with its own deadline: for a probe that trains for minutes."""
        probe_file = Path(probe.__code__.co_filename).resolve()
        if probe_file.name.startswith("test_") and any(
            probe_file.is_relative_to(root) for root in self._settings.secret_roots
        ):
            raise ProbeLocationError(
                f"probe {probe.__qualname__} is defined in {probe_file}, a hidden grader: move it to probes.py beside it"
            )
        target = f"{probe_file}:{probe.__qualname__}"
        source = probe_file.read_text(encoding="utf-8")
        request = ("probe", str(probe_file), source, probe.__qualname__, args, kwargs)
        return self._request(request, target=target, during=f"running {probe.__name__}", timeout_s=timeout_s)

    def begin_test(self, test_id: str) -> None:
        """A failure that poisoned the previous test must not leak into the next one."""
        if test_id != self._current_test:
            self._current_test = test_id
            self._test_problem = None

    def close(self) -> None:
        self._stop()
        if self._output_path:
            Path(self._output_path).unlink(missing_ok=True)
            self._output_path = ""

    # -- process management --------------------------------------------------------

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        if not self._output_path:
            handle, self._output_path = tempfile.mkstemp(prefix="torchcamp-worker-", suffix=".log")
            os.close(handle)
        settings = self._settings
        with open(self._output_path, "ab") as output:
            self._confined = confinement.start_worker(
                theirs.fileno(), output.fileno(), [self._module_path, *settings.readable], settings.resident_mb,
                settings.max_processes, settings.cuda, settings.sandboxed,
            )  # fmt: skip
        theirs.close()
        self._connection = Connection(ours.detach())
        try:
            ready = self._receive_raw("starting the sandbox", STARTUP_TIMEOUT_S)
            if ready != worker.READY:
                raise WorkerCrashed("the worker sent something else than its greeting")
        except (WorkerCrashed, WorkerTimeout) as problem:
            # No student code has run yet: this machine cannot start a worker. Say so once
            # for the lesson instead of waiting again in every test.
            self._stop()
            self._import_problem = WorkerCrashed(
                f"the grader could not start a worker here ({problem}); "
                "this is the grading machine's problem, not your code's"
            )
            raise self._import_problem from None
        # Without a cgroup the process count falls back to RLIMIT_NPROC, which counts every
        # process of the uid outside: only sensible when that uid is not root's.
        fallback = self._confined.cgroup is None and os.getuid() != 0
        limits = worker.WorkerLimits(
            settings.memory_mb, settings.output_mb, settings.cpu_s, settings.max_processes if fallback else None
        )
        module_name = f"torchcamp_student_{self._module_path.stem}"
        try:
            self._connection.send_bytes(pickle.dumps((str(self._module_path), module_name, limits)))
            self._receive(during="importing your lesson file")
        except StudentCodeProblem as problem:
            # A file that fails, hangs or exits while importing fails every test of the lesson
            # the same way: remember it rather than pay for it again in each test.
            self._import_problem = problem
            self._stop()
            raise
        except (BrokenPipeError, ConnectionResetError):
            self._import_problem = WorkerCrashed(
                f"the worker died while importing your lesson file{self._output_tail()}"
            )
            self._stop()
            raise self._import_problem from None

    def _stop(self) -> None:
        if self._confined is None:
            return
        self.survivors |= self._confined.stop()
        if self._connection is not None:
            self._connection.close()
        self._confined = None
        self._connection = None

    def _alive(self) -> bool:
        return self._confined is not None and self._confined.process.poll() is None

    def _exit_description(self) -> str:
        assert self._confined is not None
        try:
            exitcode = self._confined.process.wait(2)
        except Exception:  # noqa: BLE001 — still running, or already reaped
            exitcode = None
        if self._confined.cgroup is not None and self._confined.cgroup.oom_killed():
            return f"the worker was killed for using more than {self._settings.resident_mb} MB of memory"
        if exitcode is not None and self._confined.sandboxed and exitcode > 128:
            exitcode = -(exitcode - 128)  # bubblewrap reports a signal as 128 + its number
        return describe_exit(exitcode)

    def _output_tail(self) -> str:
        try:
            with open(self._output_path, "rb") as output:
                output.seek(max(0, os.path.getsize(self._output_path) - TAIL_CHARS))
                tail = output.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""
        return f"\nlast output of your code:\n{tail}" if tail else ""

    def _receive_raw(self, during: str, timeout: float) -> bytes:
        assert self._connection is not None
        deadline = time.monotonic() + timeout
        try:
            ready = self._connection.poll(timeout)
        except (EOFError, OSError):
            ready = True
        if not ready:
            self._stop()
            raise WorkerTimeout(f"timed out after {timeout:g} s while {during} — an infinite loop?")
        try:
            return self._connection.recv_bytes(codec.MAX_RESULT_BYTES + 1)
        except (EOFError, OSError):
            description = self._exit_description()
            self._stop()
            raise WorkerCrashed(f"{description} (while {during}){self._output_tail()}") from None
        finally:
            self._remaining_s = max(0.0, deadline - time.monotonic())

    def _receive(self, during: str, timeout_s: float | None = None) -> Any:
        payload = self._receive_raw(during, timeout_s or self._settings.call_timeout_s)
        if payload[:1] == worker.ERROR:
            try:
                details = json.loads(payload[1:].decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                details = {"type": "Exception", "message": "an unreadable error report"}
            if not isinstance(details, dict):
                details = {"type": "Exception", "message": "an unreadable error report"}
            raise problem_from_error(details)
        if payload[:1] != worker.RESULT:
            raise NotPlainData("the worker sent an answer in an unknown format")
        # Decoding gets what is left of the call's deadline (at least a few seconds).
        return codec.decode(payload[1:], time_limit_s=max(5.0, self._remaining_s))

    def _request(self, request: tuple, target: str, during: str, timeout_s: float | None = None) -> Any:
        if self._import_problem is not None:
            raise self._import_problem
        if self._test_problem is not None:
            raise self._test_problem
        if self._hangs.get(target, 0) >= HANGS_BEFORE_GIVING_UP:
            raise WorkerTimeout(
                f"not run: {during} timed out {HANGS_BEFORE_GIVING_UP} times already — an infinite loop?"
            )
        if not self._alive():
            self._stop()
            self._start()
        assert self._connection is not None
        started = time.monotonic()
        try:
            self._connection.send_bytes(pickle.dumps(request))
            return self._receive(during, timeout_s)
        except WorkerTimeout as problem:
            self._hangs[target] = self._hangs.get(target, 0) + 1
            self._test_problem = problem
            raise
        except WorkerCrashed as problem:
            self._test_problem = problem
            raise
        except (BrokenPipeError, ConnectionResetError):
            self._stop()
            problem = WorkerCrashed(f"the worker process died before {during}{self._output_tail()}")
            self._test_problem = problem
            raise problem from None
        finally:
            self.last_call_seconds = time.monotonic() - started
