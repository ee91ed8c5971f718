"""What a class run writes, as ordered lists of writers (each one output, one job).

Per student, right after their record is stored: the feedback pages and the platform
results (Gradescope, Classroom). Class-wide, once at the end of a run and by `merge`:
the CSV tables, the summary page and (with an open track) the leaderboard. The nbgrader gradebook only when the teacher asks
(`--gradebook` or `--db-url`): building it imports nbgrader, which takes seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from torchcamp.course.manifest import Course
from torchcamp.grading.results import Record
from torchcamp.outputs.exports import ExportRefused, write_class_tables, write_platform_results
from torchcamp.outputs.feedback import write_student_feedback, write_summary
from torchcamp.outputs.leaderboard import write_leaderboard

StudentWriter = Callable[[Course, Record, Path], list[Path]]
ClassWriter = Callable[[Course, list[Record], Path], list[Path]]

STUDENT_WRITERS: list[StudentWriter] = [write_student_feedback, write_platform_results]
CLASS_WRITERS: list[ClassWriter] = [write_class_tables, write_summary, write_leaderboard]


def write_student_outputs(course: Course, record: Record, out: Path) -> list[Path]:
    return [path for writer in STUDENT_WRITERS for path in writer(course, record, out)]


def write_class_outputs(
    course: Course, records: list[Record], out: Path, gradebook_url: str | None = None
) -> list[Path]:
    """The class-wide outputs from RECORDS (every record in OUT, so shards and resumed runs agree)."""
    records = sorted(records, key=lambda record: record.student.id)
    written, refused = [], []
    for writer in CLASS_WRITERS:
        try:
            written += writer(course, records, out)
        except ExportRefused as refusal:  # the other outputs are still written; the teacher is told
            refused.append(refusal)
    if gradebook_url:
        from torchcamp.outputs.gradebook import write_gradebook  # the teacher extra

        write_gradebook(course, records, gradebook_url)
    if refused:
        raise ExportRefused("\n".join(map(str, refused)), partial=any(refusal.partial for refusal in refused))
    return written
