"""Helpers shared by the course tests."""

from pathlib import Path

from torchcamp.course.manifest import Course

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"  # filled by `make data`


def require_dataset(name: str) -> Path:
    """DATA, when NAME is prepared there; otherwise skip (or fail in CI, which must have it)."""
    import os

    import pytest

    from torchcamp.data import is_ready

    if not is_ready(DATA, name):
        message = f"{name} is not prepared under {DATA}: run `make data`"
        if os.environ.get("TORCHCAMP_STRICT"):
            pytest.fail(message)
        pytest.skip(message)
    return DATA


def solution_source(course: Course, lesson_id: str) -> str:
    lesson = course.lesson(lesson_id)
    return (ROOT / "solutions" / lesson.directory / lesson.filename).read_text(encoding="utf-8")


def processes_with(text: str, part: str = "cmdline") -> list[int]:
    """Host pids whose /proc/PID/PART ('cmdline' or 'environ') holds TEXT (pids inside a sandbox
    mean nothing out here)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / part).read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
