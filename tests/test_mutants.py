"""The graders reject wrong-but-plausible solutions (graders/NN_slug/mutants.py).

Graded in rounds (torchcamp.course.mutants): round k is one submission carrying the k-th mutant
of every lesson. Each mutant is still its own test, reading its task from the results.
"""

from collections import Counter

import pytest

from torchcamp.course.manifest import load_course
from torchcamp.course.mutants import Mutant, grade_mutants, load_mutants
from torchcamp.course.validate import MIN_MUTANTS
from torchcamp.grading.runner import GradingOptions

from helpers import ROOT, require_dataset

MUTANTS = load_mutants(load_course(ROOT))


@pytest.fixture(scope="module")
def rejected(course):
    final = GradingOptions(dataset="digits-sample", data_root=require_dataset("digits-sample"), device="cpu")
    return {mutant: task for mutant, task in grade_mutants(course, MUTANTS, final)}


def test_every_lesson_has_enough_mutants(course):
    per_lesson = Counter(mutant.lesson for mutant in MUTANTS)
    assert all(per_lesson[lesson.id] >= MIN_MUTANTS for lesson in course.lessons), dict(per_lesson)


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.task}:{m.why.replace(' ', '-')}")
def test_graders_reject_the_mutant(course, rejected, mutant: Mutant):
    task = rejected[mutant]
    assert task.score < task.max_score, f"the graders accepted a solution that {mutant.why}"
    if not course.tasks[mutant.task].partial_credit:
        # docs/scoring.md: all or nothing, so passing the public examples earns no share.
        assert task.score == 0, f"a solution that {mutant.why} earned {task.score}/{task.max_score}"
    assert task.status in {"failed", "error", "timeout"}, task.status
    assert task.message, "a rejected task must say why"


def test_partial_credit_pays_the_property_that_holds(rejected):
    # 00.choose_device allows partial credit: right choices (core) but any override accepted.
    accepts_any = next(mutant for mutant in MUTANTS if mutant.why == "accepts any override")
    assert rejected[accepts_any].score == 1.5
    wrong_order = next(mutant for mutant in MUTANTS if mutant.why == "prefers MPS over CUDA")
    assert rejected[wrong_order].score == 0
