"""The graders reject wrong-but-plausible solutions (see tests/mutants.py)."""

import pytest

from helpers import solution_source
from mutants import MUTANTS, Mutant
from torchcamp.grading import grade


def test_every_lesson_has_at_least_three_mutants(course):
    for lesson in course.lessons:
        assert sum(mutant.lesson == lesson.id for mutant in MUTANTS) >= 3, lesson.id


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.task}:{m.why.replace(' ', '-')}")
def test_graders_reject_the_mutant(course, make_submission, mutant: Mutant):
    source = solution_source(course, mutant.lesson)
    assert source.count(mutant.old) == 1, "the mutant's edit must match the solution exactly once"
    submission = make_submission({mutant.lesson: source.replace(mutant.old, mutant.new)}, lessons=[mutant.lesson])
    result = grade(course, submission, [mutant.lesson])
    task = next(task for task in result.lessons[0].tasks if task.id == mutant.task)
    assert task.score < task.max_score, f"the graders accepted a solution that {mutant.why}"
    assert task.status in {"failed", "error"}, task.status
    assert task.message, "a rejected task must say why"
