"""Grade a class: many submissions, side by side, resumable, shardable.

Each finished submission is stored at once as OUT/results/<student>.json (written to a
temporary name, then renamed), so an interrupted run loses at most the submissions that
were still being graded, and never leaves half a record. A record remembers the content
hash of the lesson files and the fingerprint of the graders: running again skips every
student whose record is current, unless forced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, replace
from pathlib import Path

from torchcamp.grading import GradingOptions, GradingRunError, LessonResult, SubmissionError, SubmissionResult, TaskResult, grade, select_lessons
from torchcamp.manifest import Course
from torchcamp.submissions import Submission, content_hash, graders_fingerprint, safe_name

RESULTS = "results"


class ShardError(ValueError):
    """--shard is not of the form i/N with 1 <= i <= N."""


class CourseChanged(RuntimeError):
    """A file that decides grades (course.toml, tests, graders, solutions) changed during the run."""


def record_path(out: Path, student_id: str) -> Path:
    return out / RESULTS / f"{safe_name(student_id)}.json"


def load_records(out: Path) -> list[dict]:
    folder = out / RESULTS
    if not folder.is_dir():
        return []
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.json"))]


def save_record(out: Path, record: dict) -> None:
    path = record_path(out, record["student"]["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def is_current(out: Path, submission: Submission, content: str, graders: str) -> bool:
    path = record_path(out, submission.student.id)
    if not path.is_file():
        return False
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False  # a damaged record is graded again
    return record.get("content_hash") == content and record.get("graders") == graders


def zero_result(course: Course, submission: Submission, lesson_ids: list[str] | None, why: str) -> SubmissionResult:
    """A submission that could not be graded at all: every task 0 points, status error, the reason kept."""
    lessons = [
        LessonResult(lesson.id, lesson.title, 0.0, lesson.max_score,
                     [TaskResult(task.id, task.title, 0.0, task.points, "error", why) for task in lesson.tasks])
        for lesson in select_lessons(course, lesson_ids)
    ]
    return SubmissionResult(submission.source, 0.0, sum(lesson.max_score for lesson in lessons), 0.0, lessons)


def grade_one(course: Course, submission: Submission, lesson_ids: list[str] | None, options: GradingOptions) -> SubmissionResult:
    if submission.path is None:
        return zero_result(course, submission, lesson_ids, submission.problem)
    try:
        return grade(course, submission.path, lesson_ids, options)
    except (SubmissionError, GradingRunError) as error:
        return zero_result(course, submission, lesson_ids, str(error))


def select_shard(submissions: list[Submission], shard: str | None) -> list[Submission]:
    """`i/N`: every N-th submission of the sorted list, starting with the i-th."""
    if not shard:
        return submissions
    match = re.fullmatch(r"(\d+)/(\d+)", shard)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ShardError(f"--shard {shard!r}: expected i/N with 1 <= i <= N, e.g. 2/8")
    index, count = int(match[1]), int(match[2])
    return [submission for number, submission in enumerate(submissions) if number % count == index - 1]


def grade_class(
    course: Course,
    submissions: list[Submission],
    out: Path,
    lesson_ids: list[str] | None = None,
    options: GradingOptions | None = None,
    jobs: int = 1,
    force: bool = False,
    on_finished: Callable[[dict, bool], None] | None = None,
) -> list[dict]:
    """Grade every submission whose record is not current; returns the records of this run.

    on_finished(record, graded_now) is called for every submission, skipped ones included,
    as soon as its record is safe on disk.
    """
    graders = graders_fingerprint(course)
    base = options or GradingOptions()
    # Several submissions side by side: each gets one pytest process, so -j N means N workers.
    per_submission = base if jobs == 1 else replace(base, jobs=1)
    records = []

    def work(submission: Submission, content: str) -> dict:
        junit = out / "junit" / safe_name(submission.student.id)
        result = grade_one(course, submission, lesson_ids, replace(per_submission, junit_xml=junit))
        record = {"student": asdict(submission.student), "source": submission.source, "content_hash": content,
                  "graders": graders, "result": result.to_json()}
        save_record(out, record)
        return record

    pending = []
    for submission in submissions:
        content = content_hash(submission, course)
        if not force and is_current(out, submission, content, graders):
            record = json.loads(record_path(out, submission.student.id).read_text(encoding="utf-8"))
            records.append(record)
            if on_finished:
                on_finished(record, False)
        else:
            pending.append((submission, content))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(work, submission, content) for submission, content in pending]
        for future in as_completed(futures):
            record = future.result()
            records.append(record)
            if on_finished:
                on_finished(record, True)
    if pending and graders_fingerprint(course) != graders:
        # Records carry the fingerprint from the start, so the next run grades them all again.
        raise CourseChanged(
            "course.toml, a test, a grader or a solution changed while the class was being graded; "
            "its records carry the old fingerprint, so running the same command again grades everyone anew"
        )
    return sorted(records, key=lambda record: record["student"]["id"])


def merge_shards(out: Path, shard_dirs: list[Path]) -> list[dict]:
    """Copy every shard's records into OUT; a student graded in two shards is an error, not a guess."""
    owners: dict[str, Path] = {}
    for shard in shard_dirs:
        records = load_records(shard)
        if not records and not (shard / RESULTS).is_dir():
            raise ShardError(f"{shard}: no {RESULTS}/ folder — is this the --out of a shard?")
        for record in records:
            student = record["student"]["id"]
            if student in owners and owners[student] != shard:
                raise ShardError(f"student {student!r} was graded in both {owners[student]} and {shard}")
            owners[student] = shard
            save_record(out, record)
    return load_records(out)
