"""The graders reject wrong-but-plausible solutions (see tests/mutants.py).

Mutants of different lessons cannot affect each other, so they are graded in rounds:
round k is one submission carrying the k-th mutant of every lesson, graded once. Each
mutant is still its own test, reading its lesson from its round's result.
"""

from collections import defaultdict

import pytest

from torchcamp.grading import GradingOptions, grade

from helpers import require_dataset, solution_source
from mutants import MUTANTS, Mutant


def round_of(mutant: Mutant) -> int:
    return [other for other in MUTANTS if other.lesson == mutant.lesson].index(mutant)


@pytest.fixture(scope="module")
def graded_round(course, tmp_path_factory):
    results = {}

    def graded(number: int):
        if number not in results:
            members = [mutant for mutant in MUTANTS if round_of(mutant) == number]
            submission = tmp_path_factory.mktemp(f"round{number}")
            for mutant in members:
                lesson = course.lesson(mutant.lesson)
                source = solution_source(course, mutant.lesson)
                assert source.count(mutant.old) == 1, f"{mutant}: the edit must match the solution exactly once"
                target = submission / lesson.directory / lesson.filename
                target.parent.mkdir(parents=True)
                target.write_text(source.replace(mutant.old, mutant.new), encoding="utf-8")
            options = GradingOptions()
            if any(course.final and mutant.lesson == course.final.lesson for mutant in members):
                options = GradingOptions(
                    dataset="digits-sample", data_root=require_dataset("digits-sample"), device="cpu"
                )
            results[number] = grade(course, submission, [mutant.lesson for mutant in members], options)
        return results[number]

    return graded


def test_every_lesson_has_at_least_three_mutants(course):
    per_lesson = defaultdict(int)
    for mutant in MUTANTS:
        per_lesson[mutant.lesson] += 1
    assert all(per_lesson[lesson.id] >= 3 for lesson in course.lessons), dict(per_lesson)


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.task}:{m.why.replace(' ', '-')}")
def test_graders_reject_the_mutant(graded_round, mutant: Mutant):
    result = graded_round(round_of(mutant))
    lesson = next(lesson for lesson in result.lessons if lesson.id == mutant.lesson)
    task = next(task for task in lesson.tasks if task.id == mutant.task)
    assert task.score < task.max_score, f"the graders accepted a solution that {mutant.why}"
    assert task.status in {"failed", "error", "timeout"}, task.status
    assert task.message, "a rejected task must say why"
