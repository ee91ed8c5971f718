"""Every output of a class grading run, rebuilt from the stored records.

- grades.csv: one row per student, one column per lesson and per task;
- canvas.csv: Canvas's gradebook import (Student, ID, SIS User ID, SIS Login ID, Section,
  one column per lesson, a 'Points Possible' row);
- moodle.csv: Moodle's grade import (an identifier column, then one column per lesson);
- gradescope/<student>/results.json: Gradescope's autograder results format;
- classroom/<student>.json: what GitHub Classroom's grader steps would emit, per lesson.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from torchcamp.course.manifest import Course
from torchcamp.grading.results import UNPROTECTED, Record, Status, SubmissionResult, write_atomically, write_json
from torchcamp.grading.submissions import safe_name


def lesson_column(lesson) -> str:
    return f"torchcamp {lesson.id} {lesson.title}"


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


def write_canvas_csv(course: Course, records: list[Record], path: Path) -> None:
    """Canvas reads the first five columns as identity (matching on ID, SIS User ID or SIS
    Login ID) and every further column as an assignment; the 'Points Possible' row, right
    under the header, sets each assignment's maximum."""
    header = [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        *(lesson_column(lesson) for lesson in course.lessons),
    ]
    rows = [["Points Possible", "", "", "", "", *(lesson.max_score for lesson in course.lessons)]]
    for record in records:
        lesson_scores, _ = scores(record)
        student = record.student
        rows.append(
            [
                student.name or student.id,
                student.id,
                student.sis_user_id,
                student.sis_login_id,
                student.section,
                *(lesson_scores.get(lesson.id, "") for lesson in course.lessons),
            ]
        )
    write_csv(path, header, rows)


def write_moodle_csv(course: Course, records: list[Record], path: Path) -> None:
    """Moodle maps columns on import: an identifier (ID number or email) and one column per grade item."""
    header = ["ID number", "Email address", *(lesson_column(lesson) for lesson in course.lessons)]
    rows = []
    for record in records:
        lesson_scores, _ = scores(record)
        student = record.student
        rows.append(
            [
                student.sis_user_id or student.id,
                student.email,
                *(lesson_scores.get(lesson.id, "") for lesson in course.lessons),
            ]
        )
    write_csv(path, header, rows)


def gradescope_results(result: SubmissionResult) -> dict:
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
        "output": f"{result.score:g} / {result.max_score} points" + ("" if result.protected else f"\n{UNPROTECTED}"),
        "tests": tests,
    }
    if result.final:
        results["leaderboard"] = [
            {"name": "Accuracy", "value": round(result.final["accuracy"], 2)},
            {"name": "Training time (s)", "value": round(result.final["seconds"], 1), "order": "asc"},
        ]
    return results


CLASSROOM_STATUS = {Status.PASSED: "pass", Status.ERROR: "error", Status.TIMEOUT: "error"}  # anything else: "fail"


def classroom_results(result: SubmissionResult) -> dict[str, str]:
    """Per lesson, the base64 `result` a GitHub Classroom grader step sets: the reporter sums
    each runner's test scores against its max_score."""
    outputs = {}
    for lesson in result.lessons:
        tests = [{
            "name": f"{task.id} {task.title}",
            "status": CLASSROOM_STATUS.get(task.status, "fail"),
            "score": round(task.score, 2),  # the reporter sums these: no 2.0100000000000002
            "message": task.message,
            # A command that exists in the student's own repository (it has no graders/).
            "test_code": f"torchcamp grade . --lesson {lesson.id}",
            "filename": "",
            "line_no": 0,
            "duration": 0,
        } for task in lesson.tasks]  # fmt: skip
        statuses = {test["status"] for test in tests}
        payload = {
            "version": 1,
            "status": "pass" if statuses == {"pass"} else ("error" if "error" in statuses else "fail"),
            "max_score": lesson.max_score,
            "tests": tests,
        }
        outputs[lesson.id] = base64.b64encode(json.dumps(payload).encode()).decode()
    return outputs


def write_platform_results(course: Course, record: Record, out: Path) -> list[Path]:
    """One student's Gradescope results.json and Classroom payloads."""
    name = safe_name(record.student.id)
    gradescope = out / "gradescope" / name / "results.json"
    classroom = out / "classroom" / f"{name}.json"
    write_json(gradescope, gradescope_results(record.result))
    write_json(classroom, classroom_results(record.result))
    return [gradescope, classroom]


def write_class_tables(course: Course, records: list[Record], out: Path) -> list[Path]:
    """The class-wide tables: grades.csv, canvas.csv, moodle.csv."""
    records = sorted(records, key=lambda record: record.student.id)
    written = [out / "grades.csv", out / "canvas.csv", out / "moodle.csv"]
    write_wide_csv(course, records, written[0])
    write_canvas_csv(course, records, written[1])
    write_moodle_csv(course, records, written[2])
    return written
