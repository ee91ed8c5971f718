"""Every message a student reads exists in English and Chinese.

Titles, hints and recognised mistakes live in the lessons' data (checked by `course
validate`, tested in test_course.py); a message raised by a check or a command is written
as tr(english, chinese) where it is raised. This test reads the code that talks to students
and names every sentence that is not inside tr().
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from torchcamp.course import texts
from torchcamp.course.texts import tr

WORD = re.compile(r"[A-Za-z]{2,}")
MARKUP = re.compile(r"\[/?[a-z ]+\]")  # rich's [bold green]…[/bold green]
ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "torchcamp"

# Files whose words reach a student, and (where only part of a file does) the functions that do.
STUDENT_FACING = {
    **{path: None for path in sorted(ROOT.glob("exercises/*/test_*.py"))},
    **{path: None for path in sorted(ROOT.glob("graders/*/test_*.py"))},
    SRC / "testing" / "compare.py": None,
    SRC / "grading" / "diagnosis.py": None,
    SRC / "grading" / "calibration.py": {"explain"},
    SRC / "student" / "commands.py": None,
    SRC / "student" / "doctor.py": None,
    SRC / "student" / "watch.py": None,
    SRC / "pytest_plugin" / "student_report.py": None,
    SRC / "pytest_plugin" / "summary.py": None,
    SRC / "pytest_plugin" / "outcomes.py": {"describe", "counterexample", "shorten_tensors", "summarize_tensor_text"},
    SRC / "outputs" / "feedback.py": {"student_markdown", "write_student_feedback", "label"},
}


def untranslated_sentences(path: Path, functions: set[str] | None) -> list[str]:
    """String literals of three words or more (rich markup aside) that a student could read untranslated.

    Not counted: docstrings, tr(...) arguments, click's help= texts (the command's own help),
    and module constants in CAPITALS (code snippets and data, not messages)."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    ignored: set[int] = set()

    def ignore(node: ast.AST) -> None:
        ignored.update(id(inner) for inner in ast.walk(node))

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):
                ignore(body[0])
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr":
            ignore(node)
        if isinstance(node, ast.keyword) and node.arg == "help":
            ignore(node)
        if isinstance(node, ast.Assign) and all(
            isinstance(target, ast.Name) and target.id.isupper() for target in node.targets
        ):
            ignore(node)
        if isinstance(node, ast.JoinedStr):  # judged as a whole
            ignored.update(id(inner) for inner in ast.walk(node) if inner is not node)
    scopes = (
        [tree]
        if functions is None
        else [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in functions]
    )
    found = []
    for scope in scopes:
        for node in ast.walk(scope):
            if id(node) in ignored:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
            else:
                continue
            if sum(bool(WORD.search(token)) for token in MARKUP.sub("", text).split()) >= 3:
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
                found.append(f"{shown}:{node.lineno}: {text.strip()[:70]}")
    return found


def test_every_sentence_a_student_reads_is_written_in_both_languages():
    missing = [line for path, functions in STUDENT_FACING.items() for line in untranslated_sentences(path, functions)]
    assert not missing, "wrap these in tr(english, chinese):\n" + "\n".join(missing)


def test_the_scan_sees_the_files_it_is_meant_to():
    lessons = len(list(ROOT.glob("exercises/*/test_*.py")))
    assert lessons >= 9 and len(list(ROOT.glob("graders/*/test_*.py"))) == lessons


def test_the_scan_finds_a_bare_sentence(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A docstring of many words."""\n'
        'CODE = ["x = = 1 broken"]\n'
        'def f(x):\n    assert x, tr("left alone here", "这里不管")\n    assert x, f"plain {x} sentence here"\n',
        encoding="utf-8",
    )
    assert untranslated_sentences(sample, None) == ["sample.py:5: plain {} sentence here"]


@pytest.mark.parametrize("lang, expected", [("en", "your result"), ("zh-CN", "你的结果")])
def test_tr_follows_the_language(monkeypatch, lang, expected):
    monkeypatch.setenv("TORCHCAMP_LANG", lang)
    assert tr("your result", "你的结果") == expected
    assert texts.language() == lang
