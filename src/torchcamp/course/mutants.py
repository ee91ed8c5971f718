"""Wrong-but-plausible solutions, kept beside each lesson's graders (graders/NN_slug/mutants.py),
and grading them the way a class is graded.

Mutants of different lessons cannot affect each other, so they are graded in rounds:
round k is one submission carrying the k-th mutant of every lesson, graded once.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from torchcamp.course import layout
from torchcamp.course.manifest import Course
from torchcamp.grading.results import Status, TaskResult
from torchcamp.grading.runner import GradingOptions, grade
from torchcamp.grading.scoring import task_status
from torchcamp.sandbox.modules import import_module_from
from torchcamp.student.checks import run_public_tests


@dataclass(frozen=True)
class Mutant:
    task: str  # the task whose points it must lose
    why: str  # what it gets wrong, in a student's words
    old: str  # the reference's text it replaces (exactly once)
    new: str
    # Why the public tests cannot catch it (e.g. it hard-codes the visible examples' answers);
    # empty: `pytest exercises/NN` must show this task failing (tests/test_mutants.py).
    public_exception: str = ""
    # The recognised mistake (exercises/NN_slug/mistakes.toml) the public tests name for it.
    mistake: str = ""

    @property
    def lesson(self) -> str:
        return self.task.split(".", 1)[0]


def load_mutants(course: Course) -> list[Mutant]:
    mutants = []
    for lesson in course.lessons:
        path = layout.mutants(course, lesson)
        if path.is_file():
            mutants += import_module_from(path, f"torchcamp_mutants_{lesson.id}").MUTANTS
    return mutants


def mutated_source(course: Course, mutant: Mutant) -> str:
    lesson = course.lesson(mutant.lesson)
    source = layout.solution(course, lesson).read_text(encoding="utf-8")
    if source.count(mutant.old) != 1:
        raise ValueError(f"mutant of {mutant.task} ({mutant.why}): its text must match the solution exactly once")
    return source.replace(mutant.old, mutant.new)


def rounds(mutants: list[Mutant]) -> list[list[Mutant]]:
    per_lesson: dict[str, list[Mutant]] = defaultdict(list)
    for mutant in mutants:
        per_lesson[mutant.lesson].append(mutant)
    count = max((len(members) for members in per_lesson.values()), default=0)
    return [[members[k] for members in per_lesson.values() if k < len(members)] for k in range(count)]


def write_round(course: Course, members: list[Mutant], scratch: Path) -> None:
    """One submission folder holding each member's mutated lesson file."""
    for mutant in members:
        lesson = course.lesson(mutant.lesson)
        target = scratch / lesson.directory / lesson.filename
        target.parent.mkdir(parents=True)
        target.write_text(mutated_source(course, mutant), encoding="utf-8")


def public_verdicts(
    course: Course, mutants: list[Mutant], data_root: Path | None = None
) -> dict[Mutant, tuple[Status, set[str]]]:
    """What `pytest exercises/NN` (the student's own check) says of each mutant's task: its
    status and the recognised mistakes its failures named.

    One pytest process per round, in student mode (student.checks). DATA_ROOT: where the
    final task's local estimate finds its data.
    """

    def one_round(members: list[Mutant]) -> list[tuple[Mutant, tuple[Status, set[str]]]]:
        with tempfile.TemporaryDirectory(prefix="torchcamp-mutants-") as scratch:
            write_round(course, members, Path(scratch))
            lessons = sorted({mutant.lesson for mutant in members})
            outcomes = run_public_tests(course, lessons, submission=Path(scratch), data_root=data_root).tests
        verdicts = []
        for mutant in members:
            mine = [outcome for outcome in outcomes if outcome.task == mutant.task]
            status = task_status(outcome.status for outcome in mine) if mine else Status.ERROR
            verdicts.append((mutant, (status, {outcome.mistake for outcome in mine if outcome.mistake})))
        return verdicts

    # Rounds are independent student-mode runs: two side by side on two cores (most of a
    # round is one process importing torch and pytest).
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        return dict(verdict for verdicts in pool.map(one_round, rounds(mutants)) for verdict in verdicts)


def grade_mutants(
    course: Course, mutants: list[Mutant], final_options: GradingOptions
) -> list[tuple[Mutant, TaskResult]]:
    """Each mutant with its task's result. FINAL_OPTIONS grade a round holding the final task."""

    def one_round(members: list[Mutant]) -> list[tuple[Mutant, TaskResult]]:
        with tempfile.TemporaryDirectory(prefix="torchcamp-mutants-") as scratch:
            write_round(course, members, Path(scratch))
            final = course.final is not None and any(mutant.lesson == course.final.lesson for mutant in members)
            result = grade(
                course, scratch, [mutant.lesson for mutant in members], final_options if final else GradingOptions()
            )
        tasks = {task.id: task for task in result.tasks()}
        return [(mutant, tasks[mutant.task]) for mutant in members]

    # Two rounds side by side: the later rounds hold few lessons and leave a core idle alone.
    with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
        return [outcome for outcomes in pool.map(one_round, rounds(mutants)) for outcome in outcomes]
