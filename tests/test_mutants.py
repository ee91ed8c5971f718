"""The graders reject wrong-but-plausible solutions (graders/NN_slug/mutants.py).

Graded in rounds (torchcamp.course.mutants): round k is one submission carrying the k-th mutant
of every lesson. Each mutant is still its own test, reading its task from the results.
"""

from collections import Counter

import pytest

from torchcamp.course import texts
from torchcamp.course.manifest import load_course
from torchcamp.course.mutants import Mutant, grade_mutants, load_mutants, public_verdicts
from torchcamp.course.validate import MIN_MUTANTS
from torchcamp.grading.results import Status
from torchcamp.grading.runner import GradingOptions

from helpers import ROOT, require_dataset

MUTANTS = load_mutants(load_course(ROOT))
# Each of the two module fixtures grades every mutant in rounds (minutes), inside the first
# test's time limit: a guard against a hang, sized for a busy 2-core machine, not a speed check.
pytestmark = pytest.mark.timeout(1800)


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


@pytest.fixture(scope="module")
def seen_locally(course):
    """What `pytest exercises/NN` says of each mutant's task (student mode, in rounds)."""
    return public_verdicts(course, MUTANTS, data_root=require_dataset("digits-sample"))


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: f"{m.task}:{m.why.replace(' ', '-')}")
def test_public_tests_catch_the_mutant(seen_locally, mutant: Mutant):
    """A student who makes this mistake sees the task fail locally, before any grade."""
    if mutant.public_exception:
        pytest.skip(f"not caught locally by design: {mutant.public_exception}")
    assert seen_locally[mutant][0] != Status.PASSED, (
        f"`pytest exercises/{mutant.lesson}` shows {mutant.task} done for a solution that {mutant.why}"
    )


def test_report_public_coverage_per_lesson(seen_locally, capsys):
    caught = Counter(mutant.lesson for mutant, (status, _) in seen_locally.items() if status != Status.PASSED)
    total = Counter(mutant.lesson for mutant in MUTANTS)
    with capsys.disabled():
        print(
            "\nmutants caught by the public tests, per lesson:", {k: f"{caught[k]}/{total[k]}" for k in sorted(total)}
        )
    exceptions = sum(bool(mutant.public_exception) for mutant in MUTANTS)
    assert sum(caught.values()) + exceptions >= len(MUTANTS)


RECOGNISED = [mutant for mutant in MUTANTS if mutant.mistake]


@pytest.mark.parametrize("mutant", RECOGNISED, ids=lambda m: f"{m.task}:{m.mistake}")
def test_public_tests_name_the_recognised_mistake(course, seen_locally, mutant: Mutant):
    """The mistaken code gets its own message, in both languages, instead of a generic hint."""
    _, named = seen_locally[mutant]
    assert f"{mutant.task}/{mutant.mistake}" in named, f"a solution that {mutant.why} was not recognised: {named}"
    for lang in texts.LANGUAGES:
        assert "no text for it" not in texts.mistake_text(course, mutant.task, mutant.mistake, lang)


def test_every_recognised_mistake_has_its_mistaken_code_and_two_per_lesson_from_03(course):
    known = set(texts.mistakes(course))
    tested = {(mutant.task, mutant.mistake) for mutant in RECOGNISED}
    assert known == tested, f"mistakes without a mutant that shows them: {sorted(known - tested)}"
    per_lesson = Counter(task.split(".")[0] for task, _ in known)
    assert all(per_lesson[lesson] >= 2 for lesson in ("03", "04", "05", "06", "07", "08")), per_lesson
