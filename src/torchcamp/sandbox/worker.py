"""The worker: the only process that imports a student's code.

It starts inside the sandbox (confinement.py) as `python -m torchcamp.sandbox.worker FD`, imports
torch once, says it is ready, receives its lesson and limits, imports the lesson module,
then answers requests from the grader over the socket FD. Requests arrive pickled (the
grader is trusted); answers leave as torch.save bytes or a JSON error, which the grader
decodes without ever unpickling. Probes arrive as source text, so the sandbox never needs
to show the grader's files.
"""

from __future__ import annotations

import json
import pickle
import resource
import signal
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import ModuleType
from typing import Any

from torchcamp.sandbox import codec
from torchcamp.sandbox.errors import NotPlainData
from torchcamp.sandbox.modules import import_module_from, student_traceback

RESULT = b"R"
ERROR = b"E"
MAX_MESSAGE_CHARS = 2000


READY = b"Y"
MAX_OPEN_FILES = 1024


@dataclass(frozen=True)
class WorkerLimits:
    memory_mb: int | None  # address-space cap; None where CUDA needs far more address space
    output_mb: int  # stdout/stderr go to a file the grader opened; past this, writes fail
    cpu_s: int  # CPU seconds for the worker's whole life: a runaway loop cannot run on forever
    max_processes: int | None  # RLIMIT_NPROC where no cgroup bounds the sandbox's processes


def describe_error(error: BaseException, student_file: str, kind: str = "raised") -> bytes:
    if isinstance(error, SyntaxError) and error.filename == student_file:
        message = f"{error.msg} (line {error.lineno}): {(error.text or '').strip()}"
    elif isinstance(error, SystemExit):
        message = f"the code called sys.exit({error.code!r}); a lesson function must return instead"
    else:
        message = str(error)
    payload = {
        "kind": kind,
        "type": type(error).__name__,
        "message": message[:MAX_MESSAGE_CHARS],
        "traceback": student_traceback(error, student_file)[:MAX_MESSAGE_CHARS],
    }
    return ERROR + json.dumps(payload).encode()


def apply_limits(limits: WorkerLimits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (MAX_OPEN_FILES, MAX_OPEN_FILES))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 5))
    if limits.max_processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
    output_bytes = limits.output_mb << 20
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    # Past the output cap a write fails with an OSError instead of killing the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if limits.memory_mb is not None:
        cap = limits.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


class Worker:
    def __init__(self, module_path: str, module_name: str) -> None:
        self.module_path = module_path
        self.module_name = module_name
        self.module: ModuleType | None = None
        self.import_failure: bytes | None = None
        self.probe_modules: dict[str, ModuleType] = {}

    def load_student_module(self) -> None:
        try:
            self.module = import_module_from(Path(self.module_path), self.module_name)
        except BaseException as error:  # noqa: BLE001 — anything at import time is the lesson's failure
            self.import_failure = describe_error(error, self.module_path, kind="import")

    def probe(self, probe_file: str, source: str, qualname: str) -> Any:
        module = self.probe_modules.get(probe_file)
        if module is None:
            module = module_from_source(source, probe_file, f"torchcamp_probe_{len(self.probe_modules)}")
            self.probe_modules[probe_file] = module
        target: Any = module
        for part in qualname.split("."):
            target = getattr(target, part)
        return target

    def answer(self, request: tuple) -> bytes:
        if self.import_failure is not None:
            return self.import_failure
        operation = request[0]
        try:
            if operation == "call":
                _, function_name, args, kwargs = request
                function = getattr(self.module, function_name, None)
                if function is None:
                    raise AttributeError(
                        f"{Path(self.module_path).name} has no {function_name!r}; was it renamed or deleted?"
                    )
                result = function(*args, **kwargs)
            elif operation == "probe":
                _, probe_file, source, qualname, args, kwargs = request
                result = self.probe(probe_file, source, qualname)(self.module, *args, **kwargs)
            else:
                raise ValueError(f"unknown request {operation!r}")
        except BaseException as error:  # noqa: BLE001 — SystemExit too: a lesson function must not end the worker
            return describe_error(error, self.module_path)
        try:
            return RESULT + codec.encode(result)
        except NotPlainData as error:
            return describe_error(error, self.module_path, kind="not_data")
        except BaseException as error:  # noqa: BLE001
            return describe_error(error, self.module_path, kind="not_data")


def module_from_source(source: str, filename: str, name: str) -> ModuleType:
    """A probe module from the text the grader sent; FILENAME only labels tracebacks."""
    module = ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 — the grader's own probe code
    return module


def serve(connection: Connection) -> None:
    """Entry point of the worker process, once torch is imported."""
    connection.send_bytes(READY)
    module_path, module_name, limits = pickle.loads(connection.recv_bytes())
    apply_limits(limits)
    worker = Worker(module_path, module_name)
    worker.load_student_module()
    connection.send_bytes(worker.import_failure or RESULT + codec.encode(None))
    while True:
        try:
            request = pickle.loads(connection.recv_bytes())
        except EOFError:
            return
        connection.send_bytes(worker.answer(request))


def main() -> None:
    # Paid once per worker, before the lesson's first call and outside its deadline: torch,
    # and torch._dynamo, which the first optimizer a lesson builds would import (~1 s).
    import torch
    import torch._dynamo  # noqa: F401

    from torchcamp.grading import threads

    threads.apply_from_environment()  # cores ÷ grading processes, before any student code runs
    from torchcamp.grading.parent_watch import exit_when_orphaned

    exit_when_orphaned()  # outside a sandbox nothing else ends a worker whose grader is gone
    serve(Connection(int(sys.argv[1])))


if __name__ == "__main__":
    main()
