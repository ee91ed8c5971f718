"""The scoring rule (docs/scoring.md): points are earned by the hidden graders' verdict,
never shared out for passing the visible examples."""

from torchcamp.grading.results import Status, TestOutcome
from torchcamp.grading.scoring import task_score, task_status


def outcome(status: Status, hidden: bool = True, core: bool = False, weight: float = 1) -> TestOutcome:
    return TestOutcome("t::x", "00.x", weight, hidden, status, core=core)


def test_all_tests_pass_earns_every_point():
    assert task_score(2, [outcome(Status.PASSED, hidden=False), outcome(Status.PASSED)]) == 2.0


def test_passing_the_public_examples_alone_earns_nothing():
    # What a function returning None, or a missing zero_, got before: 0.67/2.
    public_passes = [outcome(Status.PASSED, hidden=False), outcome(Status.PASSED, hidden=False)]
    assert task_score(2, [*public_passes, outcome(Status.FAILED)]) == 0.0
    assert task_score(2, [*public_passes, outcome(Status.FAILED)], partial_credit=True) == 0.0


def test_an_unreached_tier_scores_nothing():
    assert task_score(3, [outcome(Status.PASSED, hidden=False, weight=0), outcome(Status.FAILED)]) == 0.0


def test_todo_error_and_timeout_score_nothing_even_with_partial_credit():
    for status in (Status.NOT_STARTED, Status.ERROR, Status.TIMEOUT):
        assert task_score(3, [outcome(status, core=True), outcome(Status.PASSED)], partial_credit=True) == 0.0


def test_partial_credit_pays_distinct_hidden_properties_once_the_core_holds():
    right_values_wrong_dtype = [outcome(Status.PASSED, core=True), outcome(Status.FAILED)]
    assert task_score(3, right_values_wrong_dtype, partial_credit=True) == 1.5
    assert task_score(3, right_values_wrong_dtype) == 0.0  # without the course's consent: all or nothing


def test_partial_credit_ignores_public_tests():
    mixed = [outcome(Status.PASSED, hidden=False), outcome(Status.PASSED, core=True), outcome(Status.FAILED)]
    assert task_score(2, mixed, partial_credit=True) == 1.0


def test_no_tests_means_no_points_and_an_error():
    assert task_score(2, []) == 0.0
    assert task_status([]) == Status.ERROR


def test_status_names_the_most_telling_failure():
    assert task_status([Status.PASSED, Status.FAILED, Status.TIMEOUT]) == Status.TIMEOUT
    assert task_status([Status.NOT_STARTED, Status.NOT_STARTED]) == Status.NOT_STARTED
    assert task_status([Status.PASSED, Status.NOT_STARTED]) == Status.FAILED
