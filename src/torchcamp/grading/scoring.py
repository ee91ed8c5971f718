"""From test outcomes to task statuses and points (shared by the plugin and the grader).

The scoring rule (docs/scoring.md): a task's points are earned, never shared out.
- By default a task is all or nothing: every one of its tests, public and hidden, must pass.
  A function that returns None, raises, or is still a TODO fails its tests and scores 0;
  an unreached tier scores 0.
- A task with `partial_credit = true` in course.toml scores the weighted share of its
  *hidden* tests that pass (each a distinct property: right values, right dtype, ...), and
  only once every test marked `core=True` passes. Public tests never add points: a wrong
  answer can be written to pass the visible examples.
"""

from __future__ import annotations

from collections.abc import Iterable

from torchcamp.grading.results import SEVERITY, Status, TestOutcome


def task_status(statuses: Iterable[Status]) -> Status:
    """A task passes when all its tests pass; it is not started when none passed and only TODOs failed.

    Otherwise the most telling failure names it: a timeout, then an error, then a failure.
    """
    statuses = list(statuses)
    if not statuses:
        return Status.ERROR
    if all(status == Status.PASSED for status in statuses):
        return Status.PASSED
    if all(status == Status.NOT_STARTED for status in statuses):
        return Status.NOT_STARTED
    for status in SEVERITY[:3]:
        if status in statuses:
            return status
    return Status.FAILED  # some passed, some TODO: started but unfinished


def task_score(points: int, outcomes: Iterable[TestOutcome], partial_credit: bool = False) -> float:
    """POINTS earned by a task whose tests ended as OUTCOMES, rounded to 1/100 of a point."""
    outcomes = list(outcomes)
    if not outcomes:
        return 0.0
    if all(outcome.status == Status.PASSED for outcome in outcomes):
        return float(points)
    if not partial_credit:
        return 0.0
    if any(outcome.core and outcome.status != Status.PASSED for outcome in outcomes):
        return 0.0  # the property the task is about does not hold: nothing else counts
    hidden = [outcome for outcome in outcomes if outcome.hidden]
    total = sum(outcome.weight for outcome in hidden)
    if total <= 0:
        return 0.0
    passed = sum(outcome.weight for outcome in hidden if outcome.status == Status.PASSED)
    return round(points * passed / total, 2)
