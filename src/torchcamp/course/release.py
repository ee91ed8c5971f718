"""`torchcamp release OUT`: the repository students get.

It holds the exercises (stubs, public tests, lesson texts), course.toml, the engine, a
student README and a GitHub Classroom workflow — and nothing from solutions/, graders/ or
the teacher's tests. The release checks its own output for any line that exists only in
the hidden material, and fails loudly (and removes the output) if it finds one.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from torchcamp.compat import tomllib
from torchcamp.course import layout
from torchcamp.course.manifest import Course
from torchcamp.outputs.classroom import classroom_workflow
from torchcamp.student.commands import STUB_COPIES

STUDENT_PARTS = (layout.EXERCISES, "src", "course.toml", "pyproject.toml", ".gitignore")
HIDDEN_PARTS = (layout.SOLUTIONS, layout.GRADERS, "tests")
IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", ".pytest_cache", ".hypothesis")
SHORTEST_SECRET = 24  # shorter lines ("import torch", "return x") are everywhere and prove nothing


class ReleaseError(RuntimeError):
    """The student edition could not be written, or would leak hidden material."""


def text_lines(path: Path) -> set[str]:
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    except (UnicodeDecodeError, OSError):
        return set()


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts]


def public_code(course: Course) -> list[Path]:
    """What is published as it is: the stubs, the public tests, the engine, the manifest.
    (Lesson texts are not here: a solution line pasted into a README is exactly a leak.)"""
    exercises = [path for path in files_under(layout.exercises(course)) if path.suffix == ".py"]
    return [*exercises, *files_under(course.root / "src"), course.root / "course.toml"]


def secret_lines(course: Course) -> set[str]:
    """Lines that appear in hidden material and nowhere in the published code."""
    public = set().union(*(text_lines(path) for path in public_code(course)))
    hidden = set().union(*(text_lines(path) for folder in hidden_folders(course) for path in files_under(folder)))
    return {line for line in hidden - public if len(line) >= SHORTEST_SECRET}


def hidden_folders(course: Course) -> list[Path]:
    """What the student edition must not contain: the graders, and the solutions unless the
    course is a self-study edition that shows them after a pass."""
    return [layout.graders(course)] + ([] if course.course.solutions_after_pass else [layout.solutions(course)])


def find_leaks(course: Course, out: Path) -> list[str]:
    hidden = [folder.name for folder in hidden_folders(course)]
    leaks = [
        f"{part}/ must not be in the student edition"
        for part in HIDDEN_PARTS
        if part in hidden and (out / part).exists()
    ]
    hidden_files = {path.read_bytes() for folder in hidden_folders(course) for path in files_under(folder)}
    secrets = secret_lines(course)
    for path in files_under(out):
        if path.read_bytes() in hidden_files:
            leaks.append(f"{path.relative_to(out)} is a copy of a hidden file")
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(lines, start=1):
            if line.strip() in secrets:
                leaks.append(f"{path.relative_to(out)}:{number}: {line.strip()[:80]}")
    return leaks


def student_pyproject(text: str) -> str:
    """The course's pyproject.toml for students: no extras (the teacher's nbgrader and matplotlib,
    the course's own lint tools), and
    `pytest` at the root runs the lessons' tests (the edition has no tests/ folder)."""
    lines, skipping = [], False
    for line in text.splitlines():
        if line.startswith("["):
            skipping = line.strip() == "[project.optional-dependencies]"
        if skipping or line.startswith("pythonpath ="):
            continue
        lines.append('testpaths = ["exercises"]' if line.startswith("testpaths =") else line)
    student = "\n".join(lines) + "\n"
    parsed = tomllib.loads(student)
    if "optional-dependencies" in parsed["project"] or parsed["tool"]["pytest"]["ini_options"]["testpaths"] != [
        "exercises"
    ]:
        raise ReleaseError("pyproject.toml changed shape: the student edition's copy could not be made")
    return student


def student_readme(course: Course) -> str:
    template = resources.files("torchcamp").joinpath("templates/README.student.md").read_text(encoding="utf-8")
    rows = "\n".join(f"| `{lesson.directory}` — {lesson.title} | {len(lesson.tasks)} |" for lesson in course.lessons)
    return template.format(title=course.course.title, lessons=rows)


def release(course: Course, out: Path) -> list[str]:
    """Write the student edition to OUT (which must not exist yet or be empty); return what was written."""
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out} is not empty: choose a new folder, nothing was changed")
    out.mkdir(parents=True, exist_ok=True)
    try:
        for part in STUDENT_PARTS:
            source = course.root / part
            if source.is_dir():
                shutil.copytree(source, out / part, ignore=IGNORED)
            elif source.is_file():
                shutil.copy2(source, out / part)
        for lesson in course.lessons:  # the stubs as released, for `torchcamp reset NN`
            copy = out / STUB_COPIES / lesson.directory / lesson.filename
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(layout.stub(course, lesson), copy)
        if course.course.solutions_after_pass:  # a self-study edition: `torchcamp solution` needs them
            shutil.copytree(layout.solutions(course), out / layout.SOLUTIONS, ignore=IGNORED)
        (out / "README.md").write_text(student_readme(course), encoding="utf-8")
        (out / "pyproject.toml").write_text(
            student_pyproject((course.root / "pyproject.toml").read_text(encoding="utf-8")), encoding="utf-8"
        )
        workflow = out / ".github" / "workflows" / "classroom.yml"
        workflow.parent.mkdir(parents=True)
        workflow.write_text(classroom_workflow(course), encoding="utf-8")
        leaks = find_leaks(course, out)
        if leaks:
            raise ReleaseError("the student edition would leak hidden material:\n  " + "\n  ".join(leaks[:20]))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return sorted(str(path.relative_to(out)) for path in files_under(out))
