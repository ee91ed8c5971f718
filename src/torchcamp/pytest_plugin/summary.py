"""The student's task table at the end of `pytest exercises/NN`, in course order, with the
next step for each failing task: a hint that advances each time that task fails again on
its own code (remembered in pytest's cache), up to the one before last; the last hint is
only shown by `torchcamp hint TASK`."""

from __future__ import annotations

from typing import Any

import pytest

from torchcamp.course.manifest import Course
from torchcamp.course.texts import mistake_text, say, task_hints, task_title
from torchcamp.grading.results import Status, TestOutcome
from torchcamp.grading.scoring import task_status
from torchcamp.pytest_plugin.session import SESSION

HINTS_SEEN = "torchcamp/failed-runs"

LABELS = {
    Status.PASSED: ("done", "green"),
    Status.NOT_STARTED: ("todo", "yellow"),
    Status.FAILED: ("failing", "red"),
    Status.ERROR: ("error", "red"),
    Status.TIMEOUT: ("timeout", "red"),
}


def summarize_tasks(outcomes: list[TestOutcome]) -> dict[str, Status]:
    by_task: dict[str, list[Status]] = {}
    for outcome in outcomes:
        by_task.setdefault(outcome.task, []).append(outcome.status)
    return {task: task_status(statuses) for task, statuses in by_task.items()}


def failed_on_its_own_code(task_id: str, outcomes: list[TestOutcome]) -> bool:
    """A task that failed only because its lesson file does not import has not failed yet."""
    mine = [outcome for outcome in outcomes if outcome.task == task_id and outcome.status != Status.PASSED]
    return bool(mine) and not all(outcome.lesson_broken for outcome in mine)


def failing_foundations(course: Course, task_id: str, summary: dict[str, Status]) -> list[str]:
    """The tasks TASK_ID builds on (course.toml `builds_on`) that do not pass in this run."""
    return [other for other in course.tasks[task_id].builds_on if summary.get(other, Status.PASSED) != Status.PASSED]


def hint_number(hints: list[str], failures_before: int) -> int:
    """The hint (1-based) for a task that failed FAILURES_BEFORE times already: never the last
    one, which may give the answer away (`torchcamp hint TASK` shows it)."""
    return min(failures_before, len(hints) - 2) + 1


def recognised_mistake(task_id: str, outcomes: list[TestOutcome]) -> str:
    return next((o.mistake for o in outcomes if o.task == task_id and o.mistake and o.status != Status.PASSED), "")


def local_estimate_line(run: dict | None, lang: str) -> str:
    if not run or not run.get("estimate"):
        return ""
    return "  " + say("estimate", lang, accuracy=run["accuracy"], dataset=run["dataset"], epochs=len(run["losses"]))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    session = config.stash.get(SESSION, None)
    if session is None or not session.in_process or not session.outcomes:
        return
    summary = summarize_tasks(session.outcomes)
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    failed_runs: dict[str, int] = cache.get(HINTS_SEEN, {}) if cache else {}
    write, lang, course = terminalreporter.write_line, session.lang, session.course
    terminalreporter.section(say("section", lang))
    for task_id in (task for task in course.tasks if task in summary):  # course order
        status = summary[task_id]
        label, colour = LABELS[status]
        write(f"  {say(label, lang)}  {task_id:<28} {task_title(course, task_id, lang)}", **{colour: True})
        if status == Status.PASSED:
            failed_runs.pop(task_id, None)
        elif status != Status.NOT_STARTED and (waiting_for := failing_foundations(course, task_id, summary)):
            # This task calls code that fails: its own hint would point at the wrong place.
            write("           " + say("fix_first", lang, tasks=", ".join(waiting_for)), cyan=True)
        elif status != Status.NOT_STARTED and failed_on_its_own_code(task_id, session.outcomes):
            mistake = recognised_mistake(task_id, session.outcomes)
            if mistake:  # the cause is known: say it instead of the next generic hint
                text = mistake_text(course, *mistake.split("/", 1), lang)
                write("           " + say("mistake", lang, text=text), cyan=True)
                continue
            hints = task_hints(course, task_id, lang)
            number = hint_number(hints, failed_runs.get(task_id, 0))
            write("           " + say("hint", lang, number=number, total=len(hints), text=hints[number - 1]), cyan=True)
            if number == len(hints) - 1:
                write("           " + say("last_hint", lang, task=task_id), cyan=True)
            failed_runs[task_id] = failed_runs.get(task_id, 0) + 1
    done = sum(status == Status.PASSED for status in summary.values())
    write("  " + say("tasks_done", lang, done=done, total=len(summary)), bold=True)
    estimate = local_estimate_line(session.final_run, lang)
    if estimate:
        write(estimate, bold=True)
    if cache:
        cache.set(HINTS_SEEN, failed_runs)
