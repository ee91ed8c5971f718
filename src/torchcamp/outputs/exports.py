"""Every output of a class grading run, rebuilt from the stored records.

- grades.csv: one row per student, one column per lesson and per task;
- canvas.csv: Canvas's gradebook import (Student, ID, SIS User ID, SIS Login ID, Section,
  one column per lesson, a 'Points Possible' row);
- moodle.csv: Moodle's grade import (an identifier column, then one column per lesson);
- gradescope/<student>/results.json: Gradescope's autograder results format;
- classroom/<student>.json: what GitHub Classroom's grader steps would emit, per task (outputs.classroom).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from torchcamp.course.manifest import Course
from torchcamp.grading.results import UNPROTECTED, Record, Status, SubmissionResult, write_atomically, write_json
from torchcamp.grading.submissions import safe_name
from torchcamp.outputs.classroom import classroom_results


def lesson_column(lesson) -> str:
    return f"torchcamp {lesson.id} {lesson.title}"


def canvas_column(course: Course, lesson) -> str:
    """Canvas reads a header ending in "(digits)" as its assignment id: with the id (course.toml
    `[lms] canvas_assignment_ids`) a second import updates that assignment even after a rename;
    without one it matches by name, and a column whose name it does not know becomes a new one."""
    known = course.lms.canvas_assignment_ids.get(lesson.id)
    return f"{lesson_column(lesson)} ({known})" if known else lesson_column(lesson)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula (`=1+2`, `@SUM(...)`) gets a leading
    apostrophe, which spreadsheets show as text; numbers stay numbers."""
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def write_csv(path: Path, header: list[str], rows: Iterable[list]) -> None:
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    write_atomically(path, text.getvalue())


def scores(record: Record) -> tuple[dict[str, float], dict[str, float]]:
    """(lesson id -> score, task id -> score) of one record."""
    lessons = record.result.lessons
    return {lesson.id: lesson.score for lesson in lessons}, {task.id: task.score for task in record.result.tasks()}


def write_wide_csv(course: Course, records: list[Record], path: Path) -> None:
    header = ["student", "name", "section", "score", "max_score", "protected"]
    header += [f"lesson {lesson.id}" for lesson in course.lessons] + list(course.tasks)
    rows = []
    for record in records:
        lesson_scores, task_scores = scores(record)
        student, result = record.student, record.result
        protected = "yes" if result.protected else "NO (graded without a sandbox)"
        rows.append(
            [
                student.id,
                student.name,
                student.section,
                result.score,
                result.max_score,
                protected,
                *(lesson_scores.get(lesson.id, "") for lesson in course.lessons),
                *(task_scores.get(task, "") for task in course.tasks),
            ]
        )
    write_csv(path, header, rows)


class ExportRefused(ValueError):
    """An LMS file would put grades on the wrong students (or abort their import): not written.
    PARTIAL: some students have the identifier and others not (a roster mistake, not a class
    graded without a roster)."""

    def __init__(self, message: str, partial: bool) -> None:
        super().__init__(message)
        self.partial = partial


def refuse_unidentified(path: Path, lms: str, needed: str, students: list[str], everyone: int) -> None:
    if not students:
        return
    path.unlink(missing_ok=True)  # an older file must not be uploaded in its place
    if len(students) == everyone:
        raise ExportRefused(
            f"{path.name} not written: {lms} matches students by {needed}; give the class a roster with that "
            "column (docs/lms.md)",
            partial=False,
        )
    raise ExportRefused(
        f"{path.name} not written: {lms} matches students by {needed}, and the roster gives none for "
        f"{', '.join(students)}. Add it to the roster (docs/lms.md) and run the same `class grade` again: "
        "the grades are kept.",
        partial=True,
    )


def write_canvas_csv(course: Course, records: list[Record], path: Path) -> None:
    """Canvas reads the first five columns as identity and every further column as an
    assignment; the 'Points Possible' row, right under the header, sets each maximum. Its
    importer takes ID as Canvas's own user id, so ID holds only a roster's canvas_user_id
    (our student ids could be some other student's Canvas id); SIS User ID and SIS Login ID
    come from the roster. A student with none of the three is refused, not guessed."""
    refuse_unidentified(
        path,
        "Canvas",
        "canvas_user_id, sis_user_id or sis_login_id",
        [
            record.student.id
            for record in records
            if not (record.student.canvas_user_id or record.student.sis_user_id or record.student.sis_login_id)
        ],
        len(records),
    )
    header = [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        *(canvas_column(course, lesson) for lesson in course.lessons),
    ]
    rows = [["Points Possible", "", "", "", "", *(lesson.max_score for lesson in course.lessons)]]
    for record in records:
        lesson_scores, _ = scores(record)
        student = record.student
        rows.append(
            [
                student.name or student.id,
                student.canvas_user_id,
                student.sis_user_id,
                student.sis_login_id,
                student.section,
                *(lesson_scores.get(lesson.id, "") for lesson in course.lessons),
            ]
        )
    write_csv(path, header, rows)


MOODLE_IDENTITY = {"idnumber": ("ID number", "sis_user_id"), "email": ("Email address", "email")}


def write_moodle_csv(course: Course, records: list[Record], path: Path) -> None:
    """Moodle maps one identifier column on import (course.toml `[lms] moodle_identity`:
    the user's ID number, from the roster's sis_user_id, or email) and one column per grade
    item. Its importer aborts on an identifier it does not know and reuses the previous row's
    identifier for a blank one, so every row must carry the real one: never our own id."""
    column, field_name = MOODLE_IDENTITY[course.lms.moodle_identity]
    refuse_unidentified(
        path,
        f"Moodle (mapping by {column})",
        field_name,
        [record.student.id for record in records if not getattr(record.student, field_name)],
        len(records),
    )
    header = [column, *(lesson_column(lesson) for lesson in course.lessons)]
    rows = []
    for record in records:
        lesson_scores, _ = scores(record)
        rows.append(
            [
                getattr(record.student, field_name),
                *(lesson_scores.get(lesson.id, "") for lesson in course.lessons),
            ]
        )
    write_csv(path, header, rows)


def gradescope_results(result: SubmissionResult, table: str = "") -> dict:
    """Gradescope's results.json: a test per task, the final task's accuracy on the leaderboard."""
    tests = [{
        "name": f"{task.id} {task.title}",
        "number": task.id,
        "score": task.score,
        "max_score": task.max_score,
        "status": "passed" if task.status == Status.PASSED else "failed",
        "output": task.message or ("not started yet (TODO)" if task.status == Status.NOT_STARTED else ""),
        "visibility": "visible",
    } for task in result.tasks()]  # fmt: skip
    results = {
        "score": result.score,
        "execution_time": round(result.execution_time),
        "output": f"{result.score:g} / {result.max_score} points"
        + ("" if result.protected else f"\n{UNPROTECTED}")
        + (f"\n\n{table}" if table else ""),
        "tests": tests,
    }
    if result.final:
        results["leaderboard"] = [
            {"name": "Accuracy", "value": round(result.final["accuracy"], 2)},
            {"name": "Training time (s)", "value": round(result.final["seconds"], 1), "order": "asc"},
        ]
    return results


def write_platform_results(course: Course, record: Record, out: Path) -> list[Path]:
    """One student's Gradescope results.json and Classroom payloads."""
    name = safe_name(record.student.id)
    gradescope = out / "gradescope" / name / "results.json"
    classroom = out / "classroom" / f"{name}.json"
    write_json(gradescope, gradescope_results(record.result))
    write_json(classroom, classroom_results(course, record.result))
    return [gradescope, classroom]


def write_class_tables(course: Course, records: list[Record], out: Path) -> list[Path]:
    """The class-wide tables: grades.csv, canvas.csv, moodle.csv. An LMS file that would
    misplace grades is refused (ExportRefused, after the others are written)."""
    records = sorted(records, key=lambda record: record.student.id)
    write_wide_csv(course, records, out / "grades.csv")
    written, refused = [out / "grades.csv"], []
    for writer, name in ((write_canvas_csv, "canvas.csv"), (write_moodle_csv, "moodle.csv")):
        try:
            writer(course, records, out / name)
            written.append(out / name)
        except ExportRefused as refusal:
            refused.append(refusal)
    if refused:
        raise ExportRefused("\n".join(map(str, refused)), partial=any(refusal.partial for refusal in refused))
    return written
