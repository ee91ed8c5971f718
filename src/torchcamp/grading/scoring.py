"""From test outcomes to task statuses and points (shared by the plugin and the grader)."""

from __future__ import annotations

from collections.abc import Iterable

from torchcamp.grading.results import SEVERITY, Status


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


def task_score(points: int, weighted_outcomes: Iterable[tuple[float, Status]]) -> float:
    """Points times the weighted share of passing tests, rounded to 1/100 of a point."""
    weighted_outcomes = list(weighted_outcomes)
    total = sum(weight for weight, _ in weighted_outcomes)
    if total <= 0:
        return 0.0
    passed = sum(weight for weight, status in weighted_outcomes if status == Status.PASSED)
    return round(points * passed / total, 2)
