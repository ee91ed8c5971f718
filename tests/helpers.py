"""Helpers shared by the course tests."""

from pathlib import Path

from torchcamp.manifest import Course

ROOT = Path(__file__).resolve().parent.parent


def solution_source(course: Course, lesson_id: str) -> str:
    lesson = course.lesson(lesson_id)
    return (ROOT / "solutions" / lesson.directory / lesson.filename).read_text(encoding="utf-8")
