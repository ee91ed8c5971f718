"""What a student reads when a public test fails: one short block per failure instead of
pytest's traceback through torchcamp, pytest and torch (`-v` or `--tb=long` bring it back).

The block names the task, what was checked, the message (theirs vs expected, the smallest
failing input), and the student's own lines; the likely cause and the next step come in
the task table below it (a recognised mistake or a hint).
"""

from __future__ import annotations

import re

import pytest

from torchcamp.course.texts import say
from torchcamp.sandbox.errors import LessonImportError, StudentRaised
from torchcamp.sandbox.modules import student_traceback


def wants_detail(config: pytest.Config) -> bool:
    return config.option.verbose > 0 or getattr(config.option, "tbstyle", "auto") == "long"


def what_was_checked(item: pytest.Item) -> str:
    """The test's docstring's first line, else its name in words."""
    function = getattr(item, "function", None)
    doc = (function.__doc__ or "").strip().splitlines() if function else []
    if doc:
        return doc[0].rstrip(".")
    name = getattr(item, "originalname", item.name)
    return re.sub(r"^test_", "", name).replace("_", " ")


def students_lines(error: BaseException | None, lesson_file: str) -> str:
    """The traceback lines in the student's own file, wherever the error was raised."""
    while error is not None:
        if isinstance(error, StudentRaised) and error.traceback_text:
            return error.traceback_text
        lines = student_traceback(error, lesson_file)
        if lines:
            return lines
        error = error.__cause__ or error.__context__
    return ""


def failure_block(
    task_id: str, title: str, item: pytest.Item, message: str, error: BaseException | None, lesson_file: str, lang: str
) -> str:
    lines = [f"{task_id} · {title}", f"  {say('checked', lang)}: {what_was_checked(item)}"]
    lines += [f"  {line}" for line in message.splitlines() if line.strip()]
    own = students_lines(error, lesson_file)
    if own:
        lines += [f"  {say('your_code', lang)}:", *(f"  {line}" for line in own.splitlines())]
    return "\n".join(lines)


def is_import_problem(error: BaseException | None) -> bool:
    return isinstance(error, LessonImportError)
