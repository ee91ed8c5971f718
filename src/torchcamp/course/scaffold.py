"""`torchcamp course new NN --slug SLUG --module MODULE`: every file a new lesson needs.

What it writes passes `torchcamp course validate` (the structure is complete: texts, stub,
public test, reference, grader, probes, mutants, course.toml entry, README row) and fails
`course validate --run` until the content is written: the reference raises, and the
lesson has no mutants yet.
"""

from __future__ import annotations

import re

from torchcamp.course.manifest import Course

TODO = "TODO"


class ScaffoldError(ValueError):
    """The lesson cannot be created (a bad id, slug or module, or it exists already)."""


def lesson_files(lesson_id: str, slug: str, module: str) -> dict[str, str]:
    task = f"{lesson_id}.first_task"
    directory = f"{lesson_id}_{slug}"
    return {
        f"exercises/{directory}/README.md": f"# Lesson {lesson_id}: {TODO} title\n\n{TODO}: what this lesson teaches, and why.\n",
        f"exercises/{directory}/README.zh-CN.md": f"# 第 {lesson_id} 课：{TODO}\n\n{TODO}：这一课讲什么，为什么。\n",
        f"exercises/{directory}/texts.zh-CN.toml": (
            f'[lesson]\ntitle = "{TODO}：本课标题"\n\n[tasks."{task}"]\ntitle = "{TODO}：任务标题"\nhints = ["{TODO}：第一条提示。", "{TODO}：更接近答案的提示。"]\n'
        ),
        f"exercises/{directory}/{module}.py": (
            f'"""Lesson {lesson_id}: {TODO} — what the student builds here."""\n\n\n'
            "def first_task(x):\n"
            f'    """{TODO}: what first_task returns."""\n'
            f'    raise NotImplementedError("TODO {task}: {TODO} describe the step")\n'
        ),
        f"exercises/{directory}/test_{module}.py": (
            f'"""Public tests for lesson {lesson_id}. Run: pytest exercises/{lesson_id}"""\n\n'
            "import pytest\n\n\n"
            f'@pytest.mark.task("{task}")\n'
            "def test_first_task_on_an_example(student):\n"
            f"    assert student.first_task(1) is not None  # {TODO}: a real example\n"
        ),
        f"solutions/{directory}/{module}.py": (
            f'"""Lesson {lesson_id} — reference solution."""\n\n\n'
            "def first_task(x):\n"
            f'    raise NotImplementedError("{TODO}: write the reference solution of {task}")\n'
        ),
        f"graders/{directory}/test_{module}.py": (
            f'"""Hidden graders for lesson {lesson_id}: properties checked against the reference."""\n\n'
            "import pytest\n"
            "from hypothesis import given\n"
            "from hypothesis import strategies as st\n\n"
            "from torchcamp.testing.compare import assert_same\n"
            "from torchcamp.testing.probes import load_probes\n\n"
            "probes = load_probes(__file__)\n\n\n"
            f'@pytest.mark.task("{task}")\n'
            "@given(x=st.integers(-100, 100))\n"
            "def test_first_task_matches_the_reference(student, reference, x):\n"
            "    assert_same(student.first_task(x), reference.first_task(x))\n"
        ),
        f"graders/{directory}/probes.py": (
            f'"""Probes for lesson {lesson_id}\'s hidden graders: they run in the worker next to the student\'s\n'
            'module and hand back data; only this file\'s text reaches the worker."""\n'
        ),
        f"graders/{directory}/mutants.py": (
            f'"""Wrong-but-plausible solutions of lesson {lesson_id}: the reference with one edit a student might\n'
            'make, each naming the task whose points it must lose."""\n\n'
            "from torchcamp.course.mutants import Mutant\n\n"
            f"MUTANTS: list[Mutant] = []  # {TODO}: at least three\n"
        ),
    }


def manifest_entry(lesson_id: str, slug: str, module: str) -> str:
    return (
        f'[[lessons]]\nid = "{lesson_id}"\nslug = "{slug}"\ntitle = "{TODO}: the lesson\'s title"\nmodule = "{module}"\n\n'
        f'[[lessons.tasks]]\nid = "{lesson_id}.first_task"\ntitle = "{TODO}: what this task checks"\npoints = 1\n'
        f'hints = [\n    "{TODO}: a first nudge.",\n    "{TODO}: closer to the answer.",\n]\n\n'
    )


def new_lesson(course: Course, lesson_id: str, slug: str, module: str) -> list[str]:
    """Write the new lesson's files; returns their paths relative to the course root."""
    if not re.fullmatch(r"\d\d", lesson_id):
        raise ScaffoldError(f"lesson id {lesson_id!r}: two digits, e.g. 09")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug) or not re.fullmatch(r"[a-z_][a-z0-9_]*", module):
        raise ScaffoldError("--slug and --module: lowercase letters, digits and underscores")
    if lesson_id in course.lessons_by_id:
        raise ScaffoldError(f"lesson {lesson_id} exists already ({course.lesson(lesson_id).directory})")
    files = lesson_files(lesson_id, slug, module)
    existing = [name for name in files if (course.root / name).exists()]
    if existing:
        raise ScaffoldError(f"{existing[0]} exists already; nothing was written")
    for name, text in files.items():
        (course.root / name).parent.mkdir(parents=True, exist_ok=True)
        (course.root / name).write_text(text, encoding="utf-8")
    manifest = course.root / "course.toml"
    text = manifest.read_text(encoding="utf-8")
    entry = manifest_entry(lesson_id, slug, module)
    # Before [final] when there is one, so the lessons stay together.
    text = text.replace("\n[final]\n", f"\n{entry}[final]\n", 1) if "\n[final]\n" in text else text + "\n" + entry
    manifest.write_text(text, encoding="utf-8")
    readme = course.root / "README.md"
    if readme.is_file():
        lines = readme.read_text(encoding="utf-8").splitlines()
        rows = [number for number, line in enumerate(lines) if re.match(r"^\| `\d\d_[a-z0-9_]+` \|", line)]
        if rows:
            lines.insert(rows[-1] + 1, f"| `{lesson_id}_{slug}` | {TODO}: what the lesson teaches | 1 |")
            readme.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [*files, "course.toml", "README.md"]
