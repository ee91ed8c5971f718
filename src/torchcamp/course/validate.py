"""`torchcamp course validate`: is every lesson complete and every task tested both ways?

Structural checks (fast, run always): the files each lesson needs, stubs whose TODOs name
their tasks and whose functions only raise, solutions that define everything the stubs
ask for, every task tested publicly and hidden, the README's lesson table. Content checks
(`--run`, minutes): the solutions get full points, the stubs get nothing and read as TODO,
and every mutant beside the graders loses its task's points.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from torchcamp.course import layout
from torchcamp.course.manifest import Course
from torchcamp.course.texts import missing_translations
from torchcamp.grading.results import RunResults, Status
from torchcamp.grading.runner import GradingOptions

TODO = re.compile(r"TODO (\d\d\.[a-z_0-9]+)")


def missing_files(course: Course) -> list[str]:
    problems = []
    for lesson in course.lessons:
        exercise = layout.exercises(course) / lesson.directory
        for needed in ("README.md", "README.zh-CN.md", lesson.filename):
            if not (exercise / needed).is_file():
                problems.append(f"exercises/{lesson.directory}/{needed} is missing")
        if not layout.solution(course, lesson).is_file():
            problems.append(f"solutions/{lesson.directory}/{lesson.filename} is missing")
    return problems


def collected_tests(course: Course) -> dict[str, str]:
    """test id -> task, from a real pytest collection of exercises/ and graders/."""
    paths = [str(folder) for folder in (layout.exercises(course), layout.graders(course)) if folder.is_dir()]
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
                "torchcamp.pytest_plugin",
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
    for kind in (layout.EXERCISES, layout.GRADERS):
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
        stub = layout.stub(course, lesson)
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


def public_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    kinds = (ast.FunctionDef, ast.ClassDef)
    return {node.name for node in tree.body if isinstance(node, kinds) and not node.name.startswith("_")}


def stub_code_problems(course: Course) -> list[str]:
    """A stub holds no working answer (every function ends in raise NotImplementedError), and
    its solution defines every name the stub offers."""
    problems = []
    for lesson in course.lessons:
        stub, solution = layout.stub(course, lesson), layout.solution(course, lesson)
        if not (stub.is_file() and solution.is_file()):
            continue
        for node in ast.walk(ast.parse(stub.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                last = node.body[-1]
                if not (isinstance(last, ast.Raise) and "NotImplementedError" in ast.unparse(last)):
                    problems.append(
                        f"exercises/{lesson.directory}/{lesson.filename}: {node.name}() must end in "
                        "raise NotImplementedError(...), not an answer"
                    )
        for name in sorted(public_names(stub) - public_names(solution)):
            problems.append(f"solutions/{lesson.directory}/{lesson.filename} lacks {name}, which the stub defines")
    return problems


README_ROW = re.compile(r"^\| `(\d\d_[a-z0-9_]+)` \|.*\| (\d+) \|$")


def readme_problems(course: Course) -> list[str]:
    """The README's lesson table lists every lesson, in order, with its number of tasks."""
    readme = course.root / "README.md"
    if not readme.is_file():
        return []
    rows = [
        match.groups() for line in readme.read_text(encoding="utf-8").splitlines() if (match := README_ROW.match(line))
    ]
    expected = [(lesson.directory, str(len(lesson.tasks))) for lesson in course.lessons]
    if rows == expected:
        return []
    return [
        "README.md's lesson table does not match course.toml; it should read:\n"
        + "\n".join(f"| `{directory}` | … | {tasks} |" for directory, tasks in expected)
    ]


def validate_course(course: Course) -> list[str]:
    problems = missing_files(course) + stub_problems(course) + stub_code_problems(course) + readme_problems(course)
    problems += missing_translations(course)
    try:
        return problems + untested_tasks(course, collected_tests(course))
    except RuntimeError as error:  # collection refused a test (a bad marker, an import error): name it with the rest
        return [*problems, str(error)]


MIN_MUTANTS = 3  # per lesson: wrong-but-plausible solutions the graders must reject


def content_problems(course: Course, final_options: GradingOptions, lesson_ids: list[str] | None = None) -> list[str]:
    """Grade the solutions, the stubs and every mutant of LESSON_IDS (default: all);
    FINAL_OPTIONS grade the final task."""
    from torchcamp.course.mutants import grade_mutants, load_mutants
    from torchcamp.grading.runner import grade, select_lessons

    lessons = [lesson.id for lesson in select_lessons(course, lesson_ids)]
    problems = []
    full = grade(course, layout.solutions(course), lessons, final_options)
    problems += [
        f"solutions: {task.id} scores {task.score:g} / {task.max_score} ({task.status}): {task.message[:300]}"
        for task in full.tasks()
        if task.score != task.max_score
    ]
    stubs = grade(course, layout.exercises(course), lessons, final_options)
    problems += [
        f"stubs: {task.id} is {task.status} with {task.score:g} points, not TODO with 0"
        for task in stubs.tasks()
        if task.status != Status.NOT_STARTED or task.score != 0
    ]
    mutants = [mutant for mutant in load_mutants(course) if mutant.lesson in lessons]
    for lesson in lessons:
        count = sum(mutant.lesson == lesson for mutant in mutants)
        if count < MIN_MUTANTS:
            problems.append(f"lesson {lesson} has {count} mutants in graders/.../mutants.py; it needs {MIN_MUTANTS}")
    for mutant, task in grade_mutants(course, mutants, final_options):
        if task.score >= task.max_score:
            problems.append(f"mutant of {mutant.task} ({mutant.why}) gets full points: the graders accept it")
    return problems
