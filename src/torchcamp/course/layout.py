"""Where each part of a course lives: every exercises/, solutions/ and graders/ path, in one place.

A lesson's folder has the same name in all three (`NN_slug`), and its module the same file
name in exercises/ (the stub) and solutions/ (the reference).
"""

from __future__ import annotations

from pathlib import Path

from torchcamp.course.manifest import Course, Lesson

EXERCISES = "exercises"  # what students edit: stubs, public tests, lesson texts
SOLUTIONS = "solutions"  # reference solutions (teacher only)
GRADERS = "graders"  # hidden graders, their probes and mutants (teacher only)
LESSON_TEXTS = ("README.md", "README.zh-CN.md")


def exercises(course: Course) -> Path:
    return course.root / EXERCISES


def solutions(course: Course) -> Path:
    return course.root / SOLUTIONS


def graders(course: Course) -> Path:
    return course.root / GRADERS


def lesson_file(folder: Path, lesson: Lesson) -> Path:
    """LESSON's module in FOLDER, a folder laid out like exercises/ (a submission, a staged copy)."""
    return folder / lesson.directory / lesson.filename


def stub(course: Course, lesson: Lesson) -> Path:
    return lesson_file(exercises(course), lesson)


def solution(course: Course, lesson: Lesson) -> Path:
    return lesson_file(solutions(course), lesson)


def public_tests(course: Course, lesson: Lesson) -> list[Path]:
    return sorted((exercises(course) / lesson.directory).glob("test_*.py"))


def hidden_tests(course: Course, lesson: Lesson) -> list[Path]:
    return sorted((graders(course) / lesson.directory).glob("test_*.py"))


def mutants(course: Course, lesson: Lesson) -> Path:
    return graders(course) / lesson.directory / "mutants.py"


def has_hidden_material(course: Course) -> bool:
    """The teacher's edition; the student edition has no graders/."""
    return graders(course).is_dir()
