"""What can go wrong with a student's code, as exceptions the plugin classifies.

Each class maps to one task status in a grade: not_started, error, timeout or failed.
"""

from __future__ import annotations

import re
from functools import cache

from torchcamp.grading.results import Status

CUDA_ERROR = re.compile(r"CUDA|NVIDIA driver|cuda", re.IGNORECASE)


@cache
def cuda_present() -> bool:
    import torch

    return torch.cuda.is_available()


def explain(message: str) -> str:
    """Say plainly what a CUDA error on a machine without CUDA means."""
    if CUDA_ERROR.search(message) and not cuda_present():
        return (
            "your code uses CUDA, but this machine has none: never type 'cuda' yourself, "
            f"move the model and every batch with .to(device) using the device you were given ({message})"
        )
    return message


class StudentCodeProblem(Exception):
    """Base of every problem raised on behalf of the student's code."""

    status = Status.FAILED


class TaskNotStarted(StudentCodeProblem):
    """The student's function still raises NotImplementedError (the stub's TODO)."""

    status = Status.NOT_STARTED


class StudentRaised(StudentCodeProblem):
    """The student's code raised an exception; carries its type, message and traceback text."""

    def __init__(self, type_name: str, message: str, traceback_text: str = "") -> None:
        message = explain(message)
        super().__init__(f"your code raised {type_name}: {message}" if message else f"your code raised {type_name}")
        self.type_name = type_name
        self.traceback_text = traceback_text


class LessonImportError(StudentCodeProblem):
    """The lesson's file is missing, not UTF-8, or fails to import."""

    status = Status.ERROR


class WorkerCrashed(StudentCodeProblem):
    """The worker process running the student's code died (os._exit, a segfault, a kill)."""

    status = Status.ERROR


class WorkerTimeout(StudentCodeProblem):
    """A call into the student's code ran past its deadline."""

    status = Status.TIMEOUT


class NotPlainData(StudentCodeProblem):
    """The student's code returned something that is not tensors, numbers, strings or containers of them."""
