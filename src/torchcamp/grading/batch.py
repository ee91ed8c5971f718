"""Grade a class: many submissions, side by side, resumable, shardable.

Each finished submission is stored at once as OUT/results/<student>.json (written to a
temporary name, then renamed), so an interrupted run loses at most the submissions that
were still being graded, and never leaves half a record. A record carries the key of
everything its grade depends on — the lesson files, the lessons graded, the final task's
dataset and device, and a fingerprint of the engine, tests, graders and solutions —
and a run keeps exactly the records whose key is unchanged, unless forced.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import torchcamp
from torchcamp.course import layout
from torchcamp.course.manifest import Course
from torchcamp.grading.results import LessonResult, Record, Status, SubmissionResult, TaskResult, write_json
from torchcamp.grading.runner import (
    GradingOptions,
    GradingRunError,
    SubmissionError,
    calibrate_final_budget,
    default_jobs,
    grade,
    select_lessons,
    with_threads,
)
from torchcamp.grading.submissions import Submission, content_hash, safe_name

RESULTS = "results"
Item = TypeVar("Item")


class ShardError(ValueError):
    """--shard is not of the form i/N with 1 <= i <= N."""


class CourseChanged(RuntimeError):
    """A file that decides grades (course.toml, tests, graders, solutions) changed during the run."""


def course_fingerprint(course: Course) -> str:
    """Changes whenever anything that decides a grade changes: the engine's code, the manifest,
    the public tests, the hidden graders and their probes, the reference solutions."""
    digest = hashlib.sha256(torchcamp.__version__.encode())
    engine = Path(torchcamp.__file__).resolve().parent
    parts = [(engine, engine.parent)] + [
        (course.root / part, course.root)
        for part in ("course.toml", layout.EXERCISES, layout.GRADERS, layout.SOLUTIONS)
    ]
    for root, relative_to in parts:
        files = (
            [root]
            if root.is_file()
            else sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        )
        for file in files:
            if root.is_dir() and root.name == layout.EXERCISES and not file.name.startswith("test_"):
                continue  # the stubs do not decide grades
            digest.update(str(file.relative_to(relative_to)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def final_task_choice(course: Course, lesson_ids: list[str] | None, options: GradingOptions) -> dict[str, str] | None:
    """The final task's dataset and device as grading will resolve them, when it is graded."""
    final = course.final
    if final is None or final.lesson not in {lesson.id for lesson in select_lessons(course, lesson_ids)}:
        return None
    device = options.device or os.environ.get("TORCHCAMP_DEVICE") or ""
    if not device:
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    choice = {"dataset": options.dataset or final.default_dataset, "device": device}
    if options.open_track:  # a record graded without the open track is not current when it is asked for
        choice["open_track"] = True
    return choice


def record_key(course: Course, submission: Submission, lesson_ids: list[str] | None, options: GradingOptions,
               fingerprint: str) -> dict[str, Any]:  # fmt: skip
    return {
        "content": content_hash(submission, course),
        "lessons": [lesson.id for lesson in select_lessons(course, lesson_ids)],
        "final": final_task_choice(course, lesson_ids, options),
        "course": fingerprint,
    }


def record_path(out: Path, student_id: str) -> Path:
    return out / RESULTS / f"{safe_name(student_id)}.json"


def load_records(out: Path) -> list[Record]:
    folder = out / RESULTS
    if not folder.is_dir():
        return []
    return [Record.from_json(json.loads(path.read_text(encoding="utf-8"))) for path in sorted(folder.glob("*.json"))]


def save_record(out: Path, record: Record) -> None:
    write_json(record_path(out, record.student.id), record.to_json())


def current_record(out: Path, submission: Submission, key: dict) -> Record | None:
    """The stored record of SUBMISSION's student, if it was graded with exactly KEY."""
    path = record_path(out, submission.student.id)
    if not path.is_file():
        return None
    try:
        record = Record.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged record is graded again
    return record if record.key == key and record.student.id == submission.student.id else None


def zero_result(course: Course, submission: Submission, lesson_ids: list[str] | None, why: str) -> SubmissionResult:
    """A submission that could not be graded at all: every task 0 points, status error, the reason kept."""
    lessons = [
        LessonResult(lesson.id, lesson.title, 0.0, lesson.max_score,
                     [TaskResult(task.id, task.title, 0.0, task.points, Status.ERROR, why) for task in lesson.tasks])
        for lesson in select_lessons(course, lesson_ids)
    ]  # fmt: skip
    return SubmissionResult(submission.source, 0.0, sum(lesson.max_score for lesson in lessons), 0.0, lessons)


def grade_one(
    course: Course, submission: Submission, lesson_ids: list[str] | None, options: GradingOptions
) -> SubmissionResult:
    if submission.path is None:
        return zero_result(course, submission, lesson_ids, submission.problem)
    try:
        result = grade(course, submission.path, lesson_ids, options)
    except (SubmissionError, GradingRunError) as error:
        # Name the submission as the teacher gave it: its scratch copy is gone after the run.
        return zero_result(course, submission, lesson_ids, str(error).replace(str(submission.path), submission.source))
    result.submission = submission.source
    return result


def select_shard(items: list[Item], shard: str | None) -> list[Item]:
    """`i/N`: every N-th item of the (sorted) list, starting with the i-th."""
    if not shard:
        return items
    match = re.fullmatch(r"(\d+)/(\d+)", shard)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ShardError(f"--shard {shard!r}: expected i/N with 1 <= i <= N, e.g. 2/8")
    index, count = int(match[1]), int(match[2])
    return [item for number, item in enumerate(items) if number % count == index - 1]


def grade_class(
    course: Course,
    submissions: list[Submission],
    out: Path,
    lesson_ids: list[str] | None = None,
    options: GradingOptions | None = None,
    jobs: int = 1,
    force: bool = False,
    on_finished: Callable[[Record, bool], None] | None = None,
) -> list[Record]:
    """Grade every submission whose record is not current; returns the records of this run.

    on_finished(record, graded_now) is called for every submission, skipped ones included,
    as soon as its record is safe on disk.
    """
    fingerprint = course_fingerprint(course)
    base = options or GradingOptions()
    # Several submissions side by side: each gets one pytest process, so -j N means N workers.
    selected = select_lessons(course, lesson_ids)
    # Once per class run: every student gets the same threads and, for the final task, the
    # same budget, calibrated with those threads.
    side_by_side = jobs if jobs > 1 else max(1, min(base.jobs or default_jobs(), len(selected)))
    base = with_threads(base, side_by_side)
    if base.calibration is None and course.final is not None and course.final.lesson in {x.id for x in selected}:
        base = replace(base, calibration=calibrate_final_budget(course, base))
    per_submission = base if jobs == 1 else replace(base, jobs=1, side_by_side=jobs)
    records = []

    def work(submission: Submission, key: dict) -> Record:
        junit = out / "junit" / safe_name(submission.student.id)
        result = grade_one(course, submission, lesson_ids, replace(per_submission, junit_xml=junit))
        record = Record(submission.student, submission.source, key, result)
        save_record(out, record)
        return record

    pending = []
    for submission in submissions:
        key = record_key(course, submission, lesson_ids, base, fingerprint)
        kept = None if force else current_record(out, submission, key)
        if kept is not None:
            records.append(kept)
            if on_finished:
                on_finished(kept, False)
        else:
            pending.append((submission, key))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(work, submission, key) for submission, key in pending]
        for future in as_completed(futures):
            record = future.result()
            records.append(record)
            if on_finished:
                on_finished(record, True)
    if pending and course_fingerprint(course) != fingerprint:
        # Records carry the fingerprint from the start, so the next run grades them all again.
        raise CourseChanged(
            "course.toml, a test, a grader or a solution changed while the class was being graded; "
            "its records carry the old fingerprint, so running the same command again grades everyone anew"
        )
    return sorted(records, key=lambda record: record.student.id)


def merge_shards(out: Path, shard_dirs: list[Path]) -> list[Record]:
    """Copy every shard's records into OUT; a student graded in two shards is an error, not a guess."""
    owners: dict[str, Path] = {}
    for shard in shard_dirs:
        records = load_records(shard)
        if not records and not (shard / RESULTS).is_dir():
            raise ShardError(f"{shard}: no {RESULTS}/ folder — is this the --out of a shard?")
        for record in records:
            student = record.student.id
            if student in owners and owners[student] != shard:
                raise ShardError(f"student {student!r} was graded in both {owners[student]} and {shard}")
            owners[student] = shard
            save_record(out, record)
    return load_records(out)
