"""Importing a lesson, a solution or a probe file by path, and pointing at a student's own lines.

Shared by the worker (which imports the student's module), student mode, and the grader
(which imports the reference solutions and the graders' probes).
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType


def import_module_from(path: Path, name: str) -> ModuleType:
    """Import PATH as module NAME, without touching sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def student_traceback(error: BaseException, student_file: str) -> str:
    """The traceback lines that point into the student's file: where to look, nothing else."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == student_file]
    lines = [f"  {Path(frame.filename).name}, line {frame.lineno}, in {frame.name}: {frame.line}" for frame in frames]
    return "\n".join(lines[-5:])


def import_failure(error: BaseException, student_file: str) -> str:
    """Why a lesson file did not import, pointing at the student's line (a syntax error's
    caret included), in a few lines."""
    if isinstance(error, SyntaxError) and error.lineno:
        where = f"  {Path(error.filename or student_file).name}, line {error.lineno}"
        text = (error.text or "").rstrip("\n")
        caret = ""
        if text and error.offset:
            stripped = text.lstrip()
            caret = "\n    " + " " * max(0, error.offset - 1 - (len(text) - len(stripped))) + "^"
            text = stripped
        return (
            f"{type(error).__name__}: {error.msg}\n{where}:\n    {text}{caret}"
            if text
            else f"{type(error).__name__}: {error.msg}\n{where}"
        )
    frames = student_traceback(error, student_file)
    return f"{type(error).__name__}: {error}" + (f"\n{frames}" if frames else "")
