"""Shared helpers for the course's own tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from torchcamp.course.manifest import Course, load_course

from helpers import ROOT


def pytest_configure(config: pytest.Config) -> None:
    # Without bubblewrap (a developer's laptop) the grading tests still run, unprotected and
    # marked so; CI (TORCHCAMP_STRICT) installs it, and the adversarial tests demand it.
    from torchcamp.sandbox import confinement

    if confinement.mode() != "bubblewrap" and not os.environ.get("TORCHCAMP_STRICT"):
        os.environ.setdefault("TORCHCAMP_UNPROTECTED", "1")


def pytest_report_header(config: pytest.Config) -> str:
    from torchcamp.sandbox import confinement

    problem = confinement.bubblewrap_problem()
    return "sandbox: bubblewrap" if problem is None else f"sandbox: NONE ({problem}); grading tests run unprotected"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The plugin's per-test timeout is sized for one lesson test; a course test may grade
    # a whole submission. Tests here get a generous limit unless they set their own.
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.path)).is_relative_to(here) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(600))


@pytest.fixture(scope="session")
def course() -> Course:
    return load_course(ROOT)


@pytest.fixture
def make_submission(tmp_path: Path, course: Course) -> Callable[..., Path]:
    """A copy of the reference solutions in which some lesson files are replaced or removed.

    make_submission({"03": "source text", "04": None}) -> a directory laid out like exercises/.
    """

    def build(changes: dict[str, str | bytes | None] | None = None, lessons: list[str] | None = None) -> Path:
        submission = tmp_path / "submission"
        for lesson in course.lessons:
            if lessons is not None and lesson.id not in lessons:
                continue
            target = submission / lesson.directory / lesson.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "solutions" / lesson.directory / lesson.filename, target)
        for lesson_id, source in (changes or {}).items():
            lesson = course.lesson(lesson_id)
            target = submission / lesson.directory / lesson.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            if source is None:
                target.unlink(missing_ok=True)
            elif isinstance(source, bytes):
                target.write_bytes(source)
            else:
                target.write_text(source, encoding="utf-8")
        return submission

    return build
