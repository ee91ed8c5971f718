"""Every lesson is complete: texts, stub, public tests, solution, hidden graders; every task is tested both ways."""

import ast
import subprocess
import sys

from torchcamp.validation import collected_tests, validate_course

from helpers import ROOT


def public_names(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
    }


def test_the_course_validates(course):
    assert validate_course(course) == []
    completed = subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", "course", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{len(course.tasks)} tasks" in completed.stdout


def test_every_collected_lesson_test_names_a_task(course):
    collected = collected_tests(course)
    assert len(collected) > 2 * len(course.tasks)
    assert set(collected.values()) == set(course.tasks)


def test_validate_names_what_is_missing(course, tmp_path):
    import shutil

    for part in ("course.toml", "exercises", "solutions", "graders"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    (tmp_path / "graders/02_tensor_ops/test_tensor_ops.py").unlink()
    (tmp_path / "exercises/03_autograd/README.zh-CN.md").unlink()
    from torchcamp.manifest import load_course

    problems = validate_course(load_course(tmp_path))
    assert "exercises/03_autograd/README.zh-CN.md is missing" in problems
    assert "task 02.mask has no test in graders/" in problems


def test_solutions_define_everything_the_stubs_ask_for(course):
    for lesson in course.lessons:
        stub = ROOT / "exercises" / lesson.directory / lesson.filename
        assert public_names(stub) <= public_names(ROOT / "solutions" / lesson.directory / lesson.filename), stub


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
