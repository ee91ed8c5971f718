"""The grade as a terminal table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from torchcamp.grading.results import UNPROTECTED, Status, SubmissionResult

STYLE = {
    Status.PASSED: "green",
    Status.NOT_STARTED: "yellow",
    Status.FAILED: "red",
    Status.ERROR: "bold red",
    Status.TIMEOUT: "magenta",
}
LABEL = {
    Status.PASSED: "passed",
    Status.NOT_STARTED: "TODO",
    Status.FAILED: "failed",
    Status.ERROR: "error",
    Status.TIMEOUT: "timeout",
}


def grade_table(result: SubmissionResult) -> Table:
    table = Table(title=f"{result.submission}: {result.score:g} / {result.max_score}", title_justify="left")
    table.add_column("task")
    table.add_column("points", justify="right")
    table.add_column("status")
    table.add_column("why", overflow="fold", max_width=70)
    for lesson in result.lessons:
        table.add_row(
            f"[bold]{lesson.id} {lesson.title}[/bold]", f"[bold]{lesson.score:g}/{lesson.max_score}[/bold]", "", ""
        )
        for task in lesson.tasks:
            why = task.message.splitlines()[0] if task.message and task.status != Status.NOT_STARTED else ""
            style = STYLE[task.status]
            table.add_row(
                f"  {task.id}", f"{task.score:g}/{task.max_score}", f"[{style}]{LABEL[task.status]}[/{style}]", why
            )
    return table


def print_grade(result: SubmissionResult, console: Console | None = None) -> None:
    console = console or Console()
    if not result.protected:
        console.print(f"[bold red]{UNPROTECTED}[/bold red]")
    console.print(grade_table(result))
