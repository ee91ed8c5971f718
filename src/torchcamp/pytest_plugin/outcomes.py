"""From a test's exception to a status and a message a student can read; and what a task
marker must look like."""

from __future__ import annotations

import ast
import re

import pytest
import torch

from torchcamp.compat import BaseExceptionGroup
from torchcamp.course.manifest import Course
from torchcamp.course.texts import tr
from torchcamp.grading.results import SEVERITY, Status
from torchcamp.sandbox.errors import StudentCodeProblem
from torchcamp.testing.mistakes import KnownMistake

MAX_MESSAGE_CHARS = 3000


def marker_problem(marker: pytest.Mark | None, course: Course) -> str:
    """What is wrong with a test's task marker, or '' (a typo such as weigth=2 must not pass silently)."""
    if marker is None or not marker.args:
        return "no @pytest.mark.task('NN.name') marker"
    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        return f"@pytest.mark.task takes one task id, got {marker.args!r}"
    if marker.args[0] not in course.tasks:
        return f"task {marker.args[0]!r} is not in course.toml"
    unknown = sorted(set(marker.kwargs) - {"weight", "core"})
    if unknown:
        return f"@pytest.mark.task got an unknown argument {unknown[0]!r} (it takes a task id, weight= and core=)"
    weight = marker.kwargs.get("weight", 1)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
        return f"@pytest.mark.task(weight={weight!r}): the weight must be a number of at least 0"
    if not isinstance(marker.kwargs.get("core", False), bool):
        return f"@pytest.mark.task(core={marker.kwargs['core']!r}): core is True or False"
    return ""


def known_mistake(error: BaseException) -> KnownMistake | None:
    return next((leaf for leaf in _leaves(error) if isinstance(leaf, KnownMistake)), None)


def _leaves(error: BaseException) -> list[BaseException]:
    """The exceptions inside ERROR's groups (hypothesis reports several failures as one group)."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def classify(error: BaseException) -> Status:
    """Map an exception from a test to a task status; the most telling cause wins."""
    statuses = []
    for leaf in _leaves(error):
        if isinstance(leaf, StudentCodeProblem):
            statuses.append(leaf.status)
        elif isinstance(leaf, NotImplementedError):
            statuses.append(Status.NOT_STARTED)
        elif "Timeout" in str(leaf).split("\n", 1)[0] and type(leaf).__name__ == "Failed":
            statuses.append(Status.TIMEOUT)  # pytest-timeout's failure
        else:
            statuses.append(Status.FAILED)
    return next((status for status in SEVERITY if status in statuses), Status.FAILED)


def describe(error: BaseException) -> str:
    """The failure as a student reads it: the message, then hypothesis's smallest example."""
    parts = []
    for leaf in _leaves(error):
        text = str(leaf).strip() or type(leaf).__name__
        if isinstance(leaf, AssertionError) and "\nassert " in text:
            text = text.split("\nassert ", 1)[0]  # pytest's introspection of the test's own expression
        elif isinstance(leaf, AssertionError):
            # A bare `assert theirs == expected`: keep that line, drop pytest's "+ where …" lines,
            # which show the test's internals (`<LocalStudent object at 0x…>.run`, torch's builtins).
            text = "\n".join(line for line in text.splitlines() if not INTROSPECTION.match(line))
        if not isinstance(leaf, (AssertionError, StudentCodeProblem)):
            text = f"{type(leaf).__name__}: {text}"
        parts.append(text)
        parts.extend(counterexample(note) for note in getattr(leaf, "__notes__", []) if "(" in note and "=" in note)
    return "\n".join(part for part in parts if part)[:MAX_MESSAGE_CHARS]


INTROSPECTION = re.compile(r"\s*\+\s+(where|and)\b")


def counterexample(note: str) -> str:
    """Hypothesis's 'Falsifying example: test_x(student=..., x=...)' minus the fixtures."""
    lines = [line for line in note.strip().splitlines() if not line.strip().startswith(("student=", "reference="))]
    return (
        tr("smallest failing input: ", "最小的失败输入：")
        + shorten_tensors(" ".join(line.strip() for line in lines[1:-1]).rstrip(","))
        if len(lines) > 2
        else ""
    )


LONG_TENSOR_CHARS = 120


def shorten_tensors(text: str) -> str:
    """Each long `tensor(...)` in TEXT as its shape, dtype and first values: a 1×1×28×28 input
    is read in one line, never as 3,000 characters of numbers."""
    out, start = [], 0
    while (begin := text.find("tensor(", start)) != -1:
        depth, end = 0, begin + len("tensor")
        for end in range(begin + len("tensor"), len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        out.append(text[start:begin])
        segment = text[begin : end + 1]
        out.append(summarize_tensor_text(segment) if len(segment) > LONG_TENSOR_CHARS else segment)
        start = end + 1
    out.append(text[start:])
    return "".join(out)


def summarize_tensor_text(segment: str) -> str:
    body = segment[len("tensor(") : -1]
    dtype = re.search(r"dtype=torch\.(\w+)", body)
    values = body.split("dtype=")[0]
    numbers = re.findall(r"-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", values)
    shape = ""
    if "..." not in values:
        try:
            shape = (
                tr("shape ", "形状 ") + f"{tuple(torch.tensor(ast.literal_eval(values.strip().rstrip(','))).shape)}, "
            )
        except (ValueError, SyntaxError, TypeError, RuntimeError):
            shape = ""
    if not shape:
        shape = f"{len(values) - len(values.lstrip().lstrip('['))}-d, "
    kind = dtype.group(1) if dtype else ("float32" if any("." in n for n in numbers[:8]) else "int64")
    first = ", ".join(numbers[:4])
    return tr(f"tensor({shape}{kind}, starting {first}, …)", f"tensor({shape}{kind}，开头是 {first}, …)")
