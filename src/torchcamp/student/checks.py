"""Run the public tests the way `pytest exercises/NN` does (student mode), in a subprocess,
and read back every test's outcome: for `torchcamp list`, `torchcamp solution`, and the
course's check that the public tests catch each mutant."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from torchcamp.course import layout
from torchcamp.course.manifest import Course
from torchcamp.grading.results import RunResults, Status
from torchcamp.grading.scoring import task_status


def run_public_tests(
    course: Course, lesson_ids: list[str], submission: Path | None = None, data_root: Path | None = None
) -> RunResults:
    """The public tests of LESSON_IDS against the course's own exercises/ (or SUBMISSION, a
    folder laid out like it). Nothing is remembered: hints do not advance, no cache is written."""
    folders = [str(layout.exercises(course) / course.lesson(lesson_id).directory) for lesson_id in lesson_ids]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if data_root is not None:
        environment["TORCHCAMP_DATA"] = str(data_root)
    with tempfile.TemporaryDirectory(prefix="torchcamp-checks-") as scratch:
        results = Path(scratch) / "results.json"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "torchcamp.pytest_plugin", "-p", "no:cacheprovider"]
        command += ["-p", "pytest_timeout", "--import-mode=importlib", "--rootdir", str(course.root)]
        command += ["--torchcamp-course", str(course.root), "--torchcamp-results", str(results)]
        command += ["--basetemp", str(Path(scratch) / "tmp"), "-o", "addopts="]
        if submission is not None:
            command += ["--torchcamp-submission", str(submission), "--torchcamp-in-process"]
        completed = subprocess.run(
            [*command, *folders], cwd=course.root, env=environment, capture_output=True, text=True, check=False
        )
        if not results.exists():
            raise RuntimeError(f"the public tests did not run:\n{(completed.stdout + completed.stderr)[-3000:]}")
        return RunResults.from_json(json.loads(results.read_text(encoding="utf-8")))


def task_statuses(results: RunResults) -> dict[str, Status]:
    by_task: dict[str, list[Status]] = {}
    for outcome in results.tests:
        by_task.setdefault(outcome.task, []).append(outcome.status)
    return {task: task_status(statuses) for task, statuses in by_task.items()}
