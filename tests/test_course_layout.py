"""Every lesson is complete: texts, stub, public tests, solution, hidden graders; every task is tested both ways."""

import ast
import re

import pytest

from helpers import ROOT

TASK_IN_TODO = re.compile(r"TODO (\d\d\.[a-z_]+)")


def task_markers(path) -> set[str]:
    """Task ids named by pytest.mark.task(...) anywhere in a test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "task"
                and node.args and isinstance(node.args[0], ast.Constant)):
            found.add(node.args[0].value)
    return found


def public_names(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")}


def test_every_lesson_has_all_its_parts(course):
    for lesson in course.lessons:
        exercise = ROOT / "exercises" / lesson.directory
        for part in ("README.md", "README.zh-CN.md", lesson.filename):
            assert (exercise / part).is_file(), f"{exercise / part} is missing"
        assert (ROOT / "solutions" / lesson.directory / lesson.filename).is_file()
        assert list(exercise.glob("test_*.py")), f"{lesson.directory} has no public tests"
        assert list((ROOT / "graders" / lesson.directory).glob("test_*.py")), f"{lesson.directory} has no graders"


@pytest.mark.parametrize("kind", ["exercises", "graders"])
def test_every_task_is_tested_and_every_test_names_a_task(course, kind):
    for lesson in course.lessons:
        named = set().union(*(task_markers(path) for path in (ROOT / kind / lesson.directory).glob("test_*.py")))
        expected = {task.id for task in lesson.tasks}
        assert named == expected, f"{kind}/{lesson.directory}: untested {expected - named}, unknown {named - expected}"


def test_stubs_raise_todo_for_each_task_and_match_the_solution(course):
    for lesson in course.lessons:
        stub = ROOT / "exercises" / lesson.directory / lesson.filename
        todos = set(TASK_IN_TODO.findall(stub.read_text(encoding="utf-8")))
        assert todos == {task.id for task in lesson.tasks}, f"{stub}: TODOs name {sorted(todos)}"
        assert public_names(stub) == public_names(ROOT / "solutions" / lesson.directory / lesson.filename)


def test_stub_functions_do_nothing_but_raise(course):
    """A stub must not contain a working answer: every function body ends in raise NotImplementedError."""
    for lesson in course.lessons:
        stub = ROOT / "exercises" / lesson.directory / lesson.filename
        for node in ast.walk(ast.parse(stub.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                last = node.body[-1]
                assert isinstance(last, ast.Raise) and "NotImplementedError" in ast.unparse(last), f"{stub}:{node.name}"


def test_public_tests_cannot_see_the_reference(course):
    for lesson in course.lessons:
        for path in (ROOT / "exercises" / lesson.directory).glob("test_*.py"):
            text = path.read_text(encoding="utf-8")
            assert "reference" not in text and "solutions" not in text, f"{path} must be self-contained"
