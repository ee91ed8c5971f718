"""From test outcomes to task statuses and points (shared by the plugin and the grader)."""

from __future__ import annotations

from collections.abc import Iterable

STATUSES = ("passed", "failed", "not_started", "error", "timeout")


def task_status(statuses: Iterable[str]) -> str:
    """A task passes when all its tests pass; it is not started when none passed and only TODOs failed.

    Otherwise the most telling failure names it: a timeout, then an error, then a failure.
    """
    statuses = list(statuses)
    if not statuses:
        return "error"
    if all(status == "passed" for status in statuses):
        return "passed"
    if all(status == "not_started" for status in statuses):
        return "not_started"
    for status in ("timeout", "error", "failed"):
        if status in statuses:
            return status
    return "failed"  # some passed, some TODO: started but unfinished


def task_score(points: int, weighted_outcomes: Iterable[tuple[float, str]]) -> float:
    """Points times the weighted share of passing tests, rounded to 1/100 of a point."""
    weighted_outcomes = list(weighted_outcomes)
    total = sum(weight for weight, _ in weighted_outcomes)
    if total <= 0:
        return 0.0
    passed = sum(weight for weight, status in weighted_outcomes if status == "passed")
    return round(points * passed / total, 2)
