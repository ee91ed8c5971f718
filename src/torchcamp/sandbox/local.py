"""Student mode: the lesson module imported in the test process, for speed.

It behaves like the worker transport in everything a test can see: arguments are
copied in, results pass through the same data-only codec, and exceptions surface as
the same torchcamp.sandbox.errors classes, so one test file serves both transports.
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from torchcamp.sandbox import codec
from torchcamp.sandbox.errors import LessonImportError, StudentRaised, TaskNotStarted
from torchcamp.sandbox.modules import import_failure, import_module_from, student_traceback


def as_problem(error: Exception, module_path: Path) -> Exception:
    if isinstance(error, NotImplementedError):
        return TaskNotStarted(str(error) or "not implemented yet")
    return StudentRaised(type(error).__name__, str(error), student_traceback(error, str(module_path)))


class LocalStudent:
    survivors: frozenset[int] = frozenset()  # nothing runs outside this process

    def __repr__(self) -> str:
        # Whatever prints it (an assertion's introspection, a note) names the student's file,
        # never an address in this process.
        return f"<your {self._module_path.name}>"

    def __init__(self, module_path: Path) -> None:
        self._module_path = module_path
        self._module: ModuleType | None = None
        self._import_problem: Exception | None = None
        self.last_call_seconds = 0.0

    def _loaded(self) -> ModuleType:
        if self._import_problem is not None:
            raise self._import_problem
        if self._module is None:
            if not self._module_path.is_file():
                self._import_problem = LessonImportError(f"{self._module_path} is missing")
                raise self._import_problem
            try:
                self._module = import_module_from(self._module_path, f"torchcamp_student_{self._module_path.stem}")
            except NotImplementedError as error:
                self._import_problem = TaskNotStarted(str(error))
                raise self._import_problem from error
            except Exception as error:  # any import failure is the lesson file's
                self._import_problem = LessonImportError(
                    f"{self._module_path.name} does not import: {import_failure(error, str(self._module_path))}"
                )
                raise self._import_problem from error
        return self._module

    def _invoke(self, function: Any, args: tuple, kwargs: dict) -> Any:
        # Copied exactly as the worker transport copies them (pickle), so both modes agree.
        args, kwargs = pickle.loads(pickle.dumps((args, kwargs)))
        started = time.monotonic()
        try:
            result = function(*args, **kwargs)
        except Exception as error:  # reported as the student's exception, with their traceback chained
            raise as_problem(error, self._module_path) from error
        finally:
            self.last_call_seconds = time.monotonic() - started
        return codec.decode(codec.encode(result))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        module = self._loaded()

        def call(*args: Any, **kwargs: Any) -> Any:
            function = getattr(module, name, None)
            if function is None:
                raise StudentRaised(
                    "AttributeError", f"{self._module_path.name} has no {name!r}; was it renamed or deleted?"
                )
            return self._invoke(function, args, kwargs)

        call.__name__ = name
        return call

    def run(self, probe: Any, *args: Any, **kwargs: Any) -> Any:
        module = self._loaded()
        return self._invoke(lambda *a, **k: probe(module, *a, **k), args, kwargs)

    def run_with_deadline(self, timeout_s: float, probe: Any, *args: Any, **kwargs: Any) -> Any:
        """In-process there is no deadline but pytest-timeout's."""
        return self.run(probe, *args, **kwargs)

    def begin_test(self, test_id: str) -> None:
        """Nothing carries over between tests in-process."""

    def close(self) -> None:
        """Nothing to release in-process."""
