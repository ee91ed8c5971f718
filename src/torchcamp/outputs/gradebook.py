"""nbgrader's gradebook: lessons as assignments, tasks as grade cells, one submission per
student and lesson with `auto_score` filled in — so `nbgrader export` and nbgrader's own
tools read torchcamp's grades like any other.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from torchcamp.course.manifest import Course
from torchcamp.grading.results import Record


def assignment_name(lesson_id: str) -> str:
    return f"lesson-{lesson_id}"


def split_name(full_name: str) -> tuple[str | None, str | None]:
    """(first, last) of a full name: "Wang, Bo Zoë" is last name first; otherwise the last word."""
    if "," in full_name:
        last, first = (part.strip() for part in full_name.split(",", 1))
        return first or None, last or None
    parts = full_name.split()
    if not parts:
        return None, None
    return " ".join(parts[:-1]) or None, parts[-1]


def gradebook_names(student) -> tuple[str | None, str | None]:
    """(first, last) for nbgrader: the roster's first_name/last_name where given, else split from
    the name. nbgrader's CSV export writes them unquoted, so a comma would shift every column:
    none is kept."""
    first, last = (student.first_name, student.last_name) if student.last_name else split_name(student.name)
    return tuple(" ".join(part.replace(",", " ").split()) or None if part else None for part in (first, last))


def write_gradebook(course: Course, records: list[Record], db_url: str) -> None:
    from nbgrader.api import Gradebook

    # A new SQLite gradebook is created by running the `alembic` executable, found on PATH:
    # make sure this environment's bin directory is there.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    with Gradebook(db_url) as gradebook:
        for lesson in course.lessons:
            name = assignment_name(lesson.id)
            gradebook.update_or_create_assignment(name)
            gradebook.update_or_create_notebook(lesson.module, name)
            for task in lesson.tasks:
                gradebook.update_or_create_grade_cell(
                    task.id, lesson.module, name, max_score=task.points, cell_type="code"
                )
        for record in records:
            student = record.student
            first, last = gradebook_names(student)
            gradebook.update_or_create_student(
                student.id, first_name=first, last_name=last, email=student.email or None
            )
            for lesson in record.result.lessons:
                if lesson.id not in course.lessons_by_id:
                    continue  # graded before the lesson was removed from course.toml
                name = assignment_name(lesson.id)
                module = course.lesson(lesson.id).module
                gradebook.update_or_create_submission(name, student.id)
                for task in lesson.tasks:
                    grade = gradebook.find_grade(task.id, module, name, student.id)
                    grade.auto_score = task.score
                    grade.needs_manual_grade = False
            gradebook.db.commit()
