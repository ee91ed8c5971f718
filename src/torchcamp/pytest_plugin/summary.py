"""The student's task table at the end of `pytest exercises/NN`, with the next hint for each
failing task (one more each time it fails again, remembered in pytest's cache)."""

from __future__ import annotations

from typing import Any

import pytest

from torchcamp.grading.results import Status, TestOutcome
from torchcamp.grading.scoring import task_status
from torchcamp.pytest_plugin.session import SESSION

HINTS_SEEN = "torchcamp/failed-runs"


def summarize_tasks(outcomes: list[TestOutcome]) -> dict[str, Status]:
    by_task: dict[str, list[Status]] = {}
    for outcome in outcomes:
        by_task.setdefault(outcome.task, []).append(outcome.status)
    return {task: task_status(statuses) for task, statuses in by_task.items()}


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = config.stash.get(SESSION, None)
    if session is None or not session.in_process or not session.outcomes:
        return
    summary = summarize_tasks(session.outcomes)
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    failed_runs: dict[str, int] = cache.get(HINTS_SEEN, {}) if cache else {}
    write = terminalreporter.write_line
    terminalreporter.section("torchcamp: your tasks")
    labels = {
        Status.PASSED: ("done   ", "green"),
        Status.NOT_STARTED: ("TODO   ", "yellow"),
        Status.FAILED: ("failing", "red"),
        Status.ERROR: ("error  ", "red"),
        Status.TIMEOUT: ("timeout", "red"),
    }
    for task_id, status in sorted(summary.items()):
        task = session.course.tasks[task_id]
        label, colour = labels[status]
        write(f"  {label}  {task_id:<28} {task.title}", **{colour: True})
        if status not in (Status.PASSED, Status.NOT_STARTED):
            # One more hint each time the same task fails again, up to the last one.
            seen = failed_runs.get(task_id, 0)
            hint = task.hints[min(seen, len(task.hints) - 1)]
            write(f"           hint {min(seen, len(task.hints) - 1) + 1}/{len(task.hints)}: {hint}", cyan=True)
            failed_runs[task_id] = seen + 1
        elif status == Status.PASSED:
            failed_runs.pop(task_id, None)
    done = sum(status == Status.PASSED for status in summary.values())
    write(f"  {done}/{len(summary)} tasks done", bold=True)
    if cache:
        cache.set(HINTS_SEEN, failed_runs)
