"""The grader's side of the trust boundary: start, talk to, and restart worker processes.

Workers are forked by multiprocessing's fork server with torch preloaded, so restarting
one after a crash or a timeout is cheap. Every call has a deadline. Answers are decoded
with torchcamp.codec (never plain pickle).
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import signal
import sys
import tempfile
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from torchcamp import codec, worker
from torchcamp.errors import (
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


@dataclass(frozen=True)
class SandboxSettings:
    call_timeout_s: float
    memory_mb: int | None
    output_mb: int


@contextmanager
def main_module_hidden() -> Iterator[None]:
    """Start workers without multiprocessing re-running the grader's __main__ in them.

    multiprocessing re-imports the parent's main script in every child (for pickled
    functions defined there). Workers need nothing from it, and re-running pytest's or
    the CLI's main costs time and runs grader code where student code lives.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@cache
def forkserver_context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    # torch._dynamo is imported by the first optimizer a lesson builds (~1 s): pay it once here.
    context.set_forkserver_preload(["torch", "torch._dynamo", "torchcamp.worker"])
    return context


def warm_up() -> None:
    """Start the fork server now, so its `import torch` overlaps with test collection."""
    forkserver_context()
    multiprocessing.forkserver.ensure_running()


def describe_exit(exitcode: int | None) -> str:
    if exitcode is None:
        return "the worker stopped answering"
    if exitcode >= 0:
        return f"the worker process exited with status {exitcode} — does your code call os._exit() or exit()?"
    signal_number = -exitcode
    name = signal.Signals(signal_number).name if signal_number in signal.Signals._value2member_map_ else str(signal_number)
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
        return LessonImportError(f"the lesson file failed to import: {type_name}: {message}" + (f"\n{where}" if where else ""))
    if kind == "not_data":
        return NotPlainData(message)
    if type_name == "NotImplementedError":
        return TaskNotStarted(message or "not implemented yet")
    return StudentRaised(type_name, message, where)


class RemoteStudent:
    """A lesson module living in a worker process; `student.fn(*args)` calls into it."""

    def __init__(self, module_path: Path, settings: SandboxSettings) -> None:
        self._module_path = module_path
        self._settings = settings
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Any = None
        self._output_path = ""
        self._import_problem: StudentCodeProblem | None = None
        self._current_test: str | None = None
        self._test_problem: StudentCodeProblem | None = None
        self._hangs: dict[str, int] = {}

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
        probe_file = str(Path(probe.__code__.co_filename).resolve())
        target = f"{probe_file}:{probe.__qualname__}"
        request = ("probe", probe_file, probe.__qualname__, args, kwargs)
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
        context = forkserver_context()
        ours, theirs = context.Pipe(duplex=True)
        if not self._output_path:
            handle, self._output_path = tempfile.mkstemp(prefix="torchcamp-worker-", suffix=".log")
            os.close(handle)
        limits = worker.WorkerLimits(self._settings.memory_mb, self._settings.output_mb, self._output_path)
        module_name = f"torchcamp_student_{self._module_path.stem}"
        process = context.Process(
            target=worker.serve, args=(theirs, str(self._module_path), module_name, limits), daemon=True
        )
        with main_module_hidden():
            process.start()
        theirs.close()
        self._process, self._connection = process, ours
        try:
            self._receive(during="importing your lesson file")
        except StudentCodeProblem as problem:
            # A file that fails, hangs or exits while importing fails every test of the lesson
            # the same way: remember it rather than pay for it again in each test.
            self._import_problem = problem
            self._stop()
            raise

    def _stop(self) -> None:
        if self._process is None:
            return
        if self._process.is_alive():
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self._process.kill()
        self._process.join(5)
        self._connection.close()
        self._process = None
        self._connection = None

    def _output_tail(self) -> str:
        try:
            with open(self._output_path, "rb") as output:
                output.seek(max(0, os.path.getsize(self._output_path) - TAIL_CHARS))
                tail = output.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""
        return f"\nlast output of your code:\n{tail}" if tail else ""

    def _receive(self, during: str, timeout_s: float | None = None) -> Any:
        timeout = timeout_s or self._settings.call_timeout_s
        try:
            ready = self._connection.poll(timeout)
        except (EOFError, OSError):
            ready = True
        if not ready:
            self._stop()
            raise WorkerTimeout(f"timed out after {timeout:g} s while {during} — an infinite loop?")
        try:
            payload = self._connection.recv_bytes(codec.MAX_RESULT_BYTES + 1)
        except (EOFError, OSError):
            process = self._process
            assert process is not None
            process.join(2)
            exitcode = process.exitcode
            self._stop()
            raise WorkerCrashed(f"{describe_exit(exitcode)} (while {during}){self._output_tail()}") from None
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
        return codec.decode(payload[1:])

    def _request(self, request: tuple, target: str, during: str, timeout_s: float | None = None) -> Any:
        if self._import_problem is not None:
            raise self._import_problem
        if self._test_problem is not None:
            raise self._test_problem
        if self._hangs.get(target, 0) >= HANGS_BEFORE_GIVING_UP:
            raise WorkerTimeout(f"not run: {during} timed out {HANGS_BEFORE_GIVING_UP} times already — an infinite loop?")
        if self._process is None or not self._process.is_alive():
            self._stop()
            self._start()
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
