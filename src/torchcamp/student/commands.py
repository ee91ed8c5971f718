"""The student's commands: `torchcamp list`, `hint`, `reset`, `doctor`, `solution`, `watch`."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from torchcamp.course import layout, texts
from torchcamp.course.manifest import Course
from torchcamp.course.texts import tr
from torchcamp.grading.results import Status

STUB_COPIES = ".torchcamp/stubs"  # the student edition keeps each stub as released, for `reset`
STATUS_COLOURS = {
    Status.PASSED: "green",
    Status.FAILED: "red",
    Status.ERROR: "red",
    Status.TIMEOUT: "red",
    Status.NOT_STARTED: "yellow",
}


def status_word(status: Status) -> str:
    if status == Status.PASSED:
        return tr("done", "完成")
    return tr("not started", "未开始") if status == Status.NOT_STARTED else tr("failing", "未通过")


def choose_language(context: click.Context, parameter: click.Parameter, value: str | None) -> str | None:
    # Every message of the command, tr() included, reads the language from the environment.
    if value:
        os.environ["TORCHCAMP_LANG"] = value
    return value


def lang_option(function):
    return click.option(
        "--lang",
        type=click.Choice(texts.LANGUAGES),
        default=None,
        callback=choose_language,
        expose_value=False,
        is_eager=True,
        help="en or zh-CN (default: TORCHCAMP_LANG, locale).",
    )(function)


def known_task(course: Course, task_id: str) -> str:
    if task_id not in course.tasks:
        close = [task for task in course.tasks if task_id in task]
        raise click.UsageError(
            tr(f"no task {task_id!r} in this course", f"本课程没有任务 {task_id!r}")
            + (
                tr(f"; did you mean {', '.join(close[:3])}?", f"；你是不是想找 {', '.join(close[:3])}？")
                if close
                else ""
            )
        )
    return task_id


def progress(course: Course, console: Console) -> None:
    from torchcamp.student.checks import run_public_tests, task_statuses

    lang = texts.language()
    with console.status(tr("running the public checks of every lesson ...", "正在运行每一课的公开检查 ……")):
        statuses = task_statuses(run_public_tests(course, [lesson.id for lesson in course.lessons]))
    table = Table(title=course.course.title)
    for column in (tr("task", "任务"), tr("status", "状态"), tr("points", "分值"), tr("title", "标题")):
        table.add_column(column)
    earned = 0
    for task_id, task in course.tasks.items():
        status = statuses.get(task_id, Status.NOT_STARTED)
        earned += task.points if status == Status.PASSED else 0
        colour = STATUS_COLOURS[status]
        table.add_row(
            task_id,
            f"[{colour}]{status_word(status)}[/{colour}]",
            str(task.points),
            texts.task_title(course, task_id, lang),
        )
    console.print(table)
    total = sum(task.points for task in course.tasks.values())
    done = sum(status == Status.PASSED for status in statuses.values())
    console.print(
        tr(
            f"{done}/{len(course.tasks)} tasks done, {earned}/{total} points by the public checks",
            f"已完成 {done}/{len(course.tasks)} 个任务，按公开检查计 {earned}/{total} 分",
        )
    )


def show_hints(course: Course, task_id: str, console: Console) -> None:
    lang = texts.language()
    console.print(f"[bold]{task_id}[/bold] · {texts.task_title(course, task_id, lang)}")
    for number, hint in enumerate(texts.task_hints(course, task_id, lang), start=1):
        console.print(f"  {texts.say('hint', lang, number=number, total=len(course.tasks[task_id].hints), text=hint)}")


def pristine_stub(course: Course, lesson_id: str) -> str:
    """The lesson file as released: the edition's own copy, else the course repository's last commit."""
    lesson = course.lesson(lesson_id)
    copy = course.root / STUB_COPIES / lesson.directory / lesson.filename
    if copy.is_file():
        return copy.read_text(encoding="utf-8")
    relative = f"{layout.EXERCISES}/{lesson.directory}/{lesson.filename}"
    shown = subprocess.run(
        ["git", "show", f"HEAD:{relative}"], cwd=course.root, capture_output=True, text=True, check=False
    )
    if shown.returncode != 0:
        raise click.ClickException(
            tr(
                f"no released copy of {relative} here ({STUB_COPIES}/ or git) to reset it from",
                f"这里没有 {relative} 的发布版本（{STUB_COPIES}/ 或 git），无法恢复",
            )
        )
    return shown.stdout


def reset(course: Course, lesson_id: str, assume_yes: bool, console: Console) -> None:
    lesson = course.lesson(lesson_id)
    target = layout.stub(course, lesson)
    original = pristine_stub(course, lesson_id)
    if target.is_file() and target.read_text(encoding="utf-8") == original:
        console.print(tr(f"{target} is already the original stub: nothing to do", f"{target} 已经是原始版本，无需恢复"))
        return
    if not assume_yes and not click.confirm(
        tr(
            f"Replace {target} with the original stub (your file is kept as a backup)?",
            f"用原始版本替换 {target} 吗（你的文件会保留一份备份）？",
        )
    ):
        console.print(tr("nothing changed", "没有改动"))
        return
    if target.is_file():
        backup = target.with_name(f"{target.name}.{time.strftime('%Y%m%d-%H%M%S')}.bak")
        shutil.copy2(target, backup)
        console.print(tr(f"your version is kept in {backup}", f"你的版本保存在 {backup}"))
    target.write_text(original, encoding="utf-8")
    console.print(tr(f"restored {target}", f"已恢复 {target}"))


def function_of_task(source: str, task_id: str) -> str | None:
    """The name of the stub function whose TODO names TASK_ID."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and f"TODO {task_id}" in ast.get_source_segment(
            source, node
        ):
            return node.name
    return None


def solution_of(course: Course, task_id: str, console: Console) -> None:
    if not course.course.solutions_after_pass:
        raise click.ClickException(
            tr(
                "this course edition does not show reference solutions (course.toml: solutions_after_pass = false)",
                "本课程版本不展示参考答案（course.toml：solutions_after_pass = false）",
            )
        )
    from torchcamp.student.checks import run_public_tests, task_statuses

    lesson = course.lesson_of_task(task_id)
    with console.status(tr(f"checking {task_id} first ...", f"先检查 {task_id} ……")):
        status = task_statuses(run_public_tests(course, [lesson.id])).get(task_id)
    if status != Status.PASSED:
        raise click.ClickException(
            tr(
                f"{task_id} is not done yet: the reference is shown once your code passes it",
                f"{task_id} 还没有完成：你的代码通过之后才会显示参考答案",
            )
        )
    reference = layout.solution(course, lesson)
    if not reference.is_file():
        raise click.ClickException(tr(f"{reference} is not part of this edition", f"本版本不包含 {reference}"))
    source = reference.read_text(encoding="utf-8")
    name = function_of_task(pristine_stub(course, lesson.id), task_id)  # the student's file has no TODO left
    node = next(
        (n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == name), None
    )
    from rich.syntax import Syntax

    console.print(Syntax(ast.get_source_segment(source, node) if node else source, "python"))


def doctor(course: Course, console: Console) -> bool:
    from torchcamp.student.doctor import findings

    everything_fine = True
    for finding in findings(course):
        mark = (
            tr("[green]ok[/green]  ", "[green]正常[/green]") if finding.ok else tr("[red]fix[/red] ", "[red]修复[/red]")
        )
        console.print(f"{mark} {finding.what}")
        if not finding.ok:
            everything_fine = False
            for line in finding.fix.splitlines():
                console.print(f"       {line}")
    return everything_fine


def register(main: click.Group, open_course, course_option) -> None:
    """Add the student's commands to the `torchcamp` group."""

    @main.command("list")
    @lang_option
    @course_option
    def list_tasks(course_dir: Path | None) -> None:
        """Every task: done, failing or not started, its points, and overall progress (runs the public checks)."""
        progress(open_course(course_dir), Console())

    @main.command("hint")
    @click.argument("task_id", metavar="TASK")
    @lang_option
    @course_option
    def hint(task_id: str, course_dir: Path | None) -> None:
        """Every hint of TASK, such as 04.train_step, the last one included."""
        course = open_course(course_dir)
        show_hints(course, known_task(course, task_id), Console())

    @main.command("reset")
    @click.argument("lesson_id", metavar="NN")
    @click.option("--yes", "assume_yes", is_flag=True, help="Do not ask first.")
    @lang_option
    @course_option
    def reset_lesson(lesson_id: str, assume_yes: bool, course_dir: Path | None) -> None:
        """Put lesson NN's file back as it was released (your version is kept as a .bak file)."""
        course = open_course(course_dir)
        if lesson_id not in {lesson.id for lesson in course.lessons}:
            known = ", ".join(item.id for item in course.lessons)
            raise click.UsageError(
                tr(f"no lesson {lesson_id!r}: lessons are {known}", f"没有第 {lesson_id!r} 课：课程有 {known}")
            )
        reset(course, lesson_id, assume_yes, Console())

    @main.command("doctor")
    @lang_option
    @course_option
    def doctor_command(course_dir: Path | None) -> None:
        """Versions, the device lessons will use, the data, the environment: each problem with its fix."""
        if not doctor(open_course(course_dir), Console()):
            raise SystemExit(1)

    @main.command("solution")
    @click.argument("task_id", metavar="TASK")
    @lang_option
    @course_option
    def solution(task_id: str, course_dir: Path | None) -> None:
        """The reference solution of TASK, once your code passes it (where the course allows it)."""
        course = open_course(course_dir)
        solution_of(course, known_task(course, task_id), Console())

    @main.command("watch")
    @click.option("--lesson", "lesson_id", help="Start at this lesson (default: the first one not done).")
    @click.option("--poll", is_flag=True, help="Check the files every half second instead of waiting for file events.")
    @lang_option
    @course_option
    def watch(lesson_id: str | None, poll: bool, course_dir: Path | None) -> None:
        """Re-check the current lesson on every save; move on when it passes."""
        from torchcamp.student.watch import watch_course

        watch_course(open_course(course_dir), lesson_id, poll, texts.language())
