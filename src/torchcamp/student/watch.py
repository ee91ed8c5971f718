"""`torchcamp watch`: re-check the current lesson on every save, and move on when it passes.

A warm process: torch, pytest and the plugin are imported once; each check is a fork of it
running the lesson's public tests (so each check starts clean, without paying the imports
again). File events come from watchfiles, which polls where the filesystem sends none
(--poll forces that).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from rich.console import Console

from torchcamp.course import layout, texts
from torchcamp.course.manifest import Course, Lesson
from torchcamp.course.texts import tr

WARM_IMPORTS = ("torch", "torchvision", "numpy", "hypothesis", "pytest", "torchcamp.pytest_plugin", "torchcamp.testing")


def warm_up() -> None:
    import gc
    import importlib

    for name in WARM_IMPORTS:
        importlib.import_module(name)
    # What is imported now is never garbage: frozen, a check's gc.collect() (pytest runs it at
    # exit) skips torch's huge object graph, 0.3 s of each check on 2 cores.
    gc.collect()
    gc.freeze()


def pytest_arguments(course: Course, lesson: Lesson, lang: str) -> list[str]:
    folder = layout.exercises(course) / lesson.directory
    return [str(folder), "-q", "--no-header", "-p", "torchcamp.pytest_plugin", "-p", "pytest_timeout",
            "--import-mode=importlib", "--rootdir", str(course.root), "--torchcamp-course", str(course.root),
            "-o", "addopts=", "--lang", lang,
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]  # the plugin was imported before pytest started  # fmt: skip


def check(course: Course, lesson: Lesson, lang: str) -> bool:
    """One run of LESSON's public tests in a fork of this warm process: whether every test passed."""
    if not hasattr(os, "fork"):  # no fork (Windows): a fresh process, slower but the same check
        import subprocess

        command = [sys.executable, "-m", "pytest", *pytest_arguments(course, lesson, lang)]
        return subprocess.run(command, env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}).returncode == 0
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        import pytest

        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the plugins named above, nothing else installed
        code = 1
        try:
            code = int(pytest.main(pytest_arguments(course, lesson, lang)))
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def next_lesson(course: Course, lesson: Lesson) -> Lesson | None:
    index = [item.id for item in course.lessons].index(lesson.id)
    return course.lessons[index + 1] if index + 1 < len(course.lessons) else None


def watch_course(course: Course, lesson_id: str | None, poll: bool, lang: str) -> None:

    console = Console()
    with console.status(
        tr("starting: importing torch once for every check ...", "启动中：导入一次 torch，供之后每次检查使用 ……")
    ):
        warm_up()
    lesson: Lesson | None = course.lesson(lesson_id) if lesson_id else course.lessons[0]
    number = 0
    while lesson is not None:
        number += 1
        lesson_file = layout.stub(course, lesson)
        checked_version = signature(lesson_file)  # taken before the check: a save during it counts
        console.rule(
            tr(
                f"check {number}: lesson {lesson.id} · {lesson.title}",
                f"第 {number} 次检查：第 {lesson.id} 课 · {texts.lesson_title(course, lesson, 'zh-CN')}",
            )
        )
        started = time.monotonic()
        passed = check(course, lesson, lang)
        seconds = time.monotonic() - started
        console.print(f"[dim]{tr(f'checked in {seconds:.2f} s', f'检查用时 {seconds:.2f} 秒')}[/dim]")
        if passed:
            passes = tr(f"lesson {lesson.id} passes its public checks", f"第 {lesson.id} 课通过了公开检查")
            console.print(f"[bold green]{passes}[/bold green]")
            lesson = next_lesson(course, lesson)
            if lesson is None:
                every = tr("every lesson passes its public checks", "每一课都通过了公开检查")
                console.print(f"[bold green]{every}[/bold green]")
            continue
        shown = lesson_file.relative_to(course.root)
        console.print(tr(f"waiting for you to save {shown} (Ctrl-C stops) ...", f"等待你保存 {shown}（Ctrl-C 退出）……"))
        sys.stdout.flush()  # seen now, even through a pipe
        wait_for_a_save(lesson_file, checked_version, poll)


def signature(path: Path) -> tuple[int, int, bytes]:
    try:
        return path.stat().st_mtime_ns, path.stat().st_size, path.read_bytes()
    except OSError:
        return 0, 0, b""


def wait_for_a_save(lesson_file: Path, checked_version: tuple, poll: bool) -> None:
    """Until LESSON_FILE differs from CHECKED_VERSION. File events wake this up at once; the
    file is also compared every second, so a save made before the watch began, or an event
    that never arrives, is still seen."""
    from watchfiles import watch

    events = watch(
        lesson_file.parent, force_polling=poll or None, poll_delay_ms=500, debounce=200, rust_timeout=1000,
        yield_on_timeout=True,
    )  # fmt: skip
    for _ in events:
        if signature(lesson_file) != checked_version:
            return
