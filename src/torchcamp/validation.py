"""`torchcamp validate`: is every lesson complete and every task tested both ways?"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from torchcamp.manifest import Course
from torchcamp.results import RunResults

TODO = re.compile(r"TODO (\d\d\.[a-z_0-9]+)")


def missing_files(course: Course) -> list[str]:
    problems = []
    for lesson in course.lessons:
        exercise = course.root / "exercises" / lesson.directory
        for needed in ("README.md", "README.zh-CN.md", lesson.filename):
            if not (exercise / needed).is_file():
                problems.append(f"exercises/{lesson.directory}/{needed} is missing")
        if not (course.root / "solutions" / lesson.directory / lesson.filename).is_file():
            problems.append(f"solutions/{lesson.directory}/{lesson.filename} is missing")
    return problems


def collected_tests(course: Course) -> dict[str, str]:
    """test id -> task, from a real pytest collection of exercises/ and graders/."""
    paths = [str(course.root / part) for part in ("exercises", "graders") if (course.root / part).is_dir()]
    with tempfile.TemporaryDirectory() as scratch:
        results = Path(scratch) / "collected.json"
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
        environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                *paths,
                "-p",
                "torchcamp.plugin",
                "-p",
                "no:cacheprovider",
                "--import-mode=importlib",
                "--rootdir",
                str(course.root),
                "--torchcamp-course",
                str(course.root),
                "--torchcamp-results",
                str(results),
            ],
            cwd=course.root,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0 or not results.exists():
            raise RuntimeError(f"collecting the lesson tests failed:\n{(completed.stdout + completed.stderr)[-3000:]}")
        return RunResults.from_json(json.loads(results.read_text(encoding="utf-8"))).collected


def untested_tasks(course: Course, collected: dict[str, str]) -> list[str]:
    problems = []
    for kind in ("exercises", "graders"):
        folder = str(course.root / kind) + os.sep
        covered = {task for test, task in collected.items() if test.startswith(folder)}
        for task in course.tasks:
            if task not in covered:
                problems.append(f"task {task} has no test in {kind}/")
    return problems


def stub_problems(course: Course) -> list[str]:
    """Every TODO in a stub names a task of its lesson, and every task the stub implements has one."""
    tier_tasks = set(course.final.tier_tasks) if course.final else set()
    problems = []
    for lesson in course.lessons:
        stub = course.root / "exercises" / lesson.directory / lesson.filename
        if not stub.is_file():
            continue
        named = set(TODO.findall(stub.read_text(encoding="utf-8")))
        tasks = {task.id for task in lesson.tasks}
        for task in sorted(named - tasks):
            problems.append(f"{stub.name}: TODO names {task}, which is not a task of lesson {lesson.id}")
        # Tier tasks are outcomes (accuracy) of the script's one TODO, not code of their own.
        for task in sorted(tasks - named - tier_tasks):
            problems.append(f"{stub.name}: no TODO names task {task}")
    return problems


def validate_course(course: Course) -> list[str]:
    problems = missing_files(course) + stub_problems(course)
    return problems + untested_tasks(course, collected_tests(course))
