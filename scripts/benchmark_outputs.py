"""Output-stage benchmark: writing a class's outputs for 20 and 60 students.

    python scripts/benchmark_outputs.py [--append BENCHMARKS.md]

Grading is not measured here (see benchmark_class.py): the records are made up, one per
student, with every task of the course and a final-task run (so feedback pages carry the
loss curve and confusion matrix). What is timed is what `class grade` writes: each
student's outputs once, after their record, then the class-wide outputs once; against
the old way, every class-wide output rewritten after every student.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from torchcamp.course.manifest import load_course
from torchcamp.grading.results import LessonResult, Record, Status, Student, SubmissionResult, TaskResult
from torchcamp.outputs.exports import write_platform_results
from torchcamp.outputs.pipeline import write_class_outputs, write_student_outputs

ROOT = Path(__file__).resolve().parent.parent


def made_up_records(course, count: int) -> list[Record]:
    chance = random.Random(0)
    records = []
    for number in range(count):
        lessons = []
        for lesson in course.lessons:
            tasks = []
            for task in lesson.tasks:
                status = chance.choice(list(Status))
                score = float(task.points) if status == Status.PASSED else 0.0
                tasks.append(
                    TaskResult(
                        task.id,
                        task.title,
                        score,
                        task.points,
                        status,
                        "" if status == Status.PASSED else "smallest failing input: x=tensor([1.])",
                    )
                )
            lessons.append(LessonResult(lesson.id, lesson.title, sum(t.score for t in tasks), lesson.max_score, tasks))
        final = {
            "accuracy": 90.0 + chance.random() * 5,
            "seconds": 3.0,
            "losses": [0.9, 0.5, 0.3],
            "dataset": "digits-sample",
            "device": "cpu",
            "budget_s": 120.0,
            "confusion": [[10 if i == j else 0 for j in range(10)] for i in range(10)],
        }
        result = SubmissionResult(
            f"student{number:03d}", sum(lesson.score for lesson in lessons), course.max_score, 1.0, lessons, final
        )
        records.append(Record(Student(f"s{number:03d}", f"Student {number}"), f"student{number:03d}", {}, result))
    return records


def seconds_for(course, records: list[Record], every_time: bool) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        for done, record in enumerate(records, 1):
            write_student_outputs(course, record, Path(out))
            if every_time:  # the old way: every record's platform results and every table, again
                for earlier in records[:done]:
                    write_platform_results(course, earlier, Path(out))
                write_class_outputs(course, records[:done], Path(out))
        if not every_time:
            write_class_outputs(course, records, Path(out))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--append", type=Path, help="append the report to this file")
    options = parser.parse_args()
    course = load_course(ROOT)
    rows, timings = [], {}
    for count in (20, 60):
        records = made_up_records(course, count)
        timings[count] = (seconds_for(course, records, False), seconds_for(course, records, True))
        once, every = timings[count]
        rows.append(f"| {count} | {once:.1f} s | {once / count * 1000:.0f} ms | {every:.1f} s |")
    growth_once = timings[60][0] / timings[20][0]
    growth_every = timings[60][1] / timings[20][1]
    report = "\n".join(
        [
            "",
            "## Writing a class's outputs (made-up records; `scripts/benchmark_outputs.py`)",
            "",
            "Each student's feedback page (with the final task's two pictures) and platform results after their",
            "record, the CSVs and summary once at the end — against rewriting every class-wide output (tables,",
            "summary, every student's Gradescope and Classroom results) after every student, as `class grade`",
            "did before.",
            "",
            "| students | once at the end | per student | rewritten after every student |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
            f"From 20 to 60 students (3×), writing once grows {growth_once:.1f}×; rewriting after every student "
            f"grows {growth_every:.1f}×.",
            "",
        ]
    )
    if options.append:
        with options.append.open("a", encoding="utf-8") as handle:
            handle.write(report)
    print(report)


if __name__ == "__main__":
    main()
