"""What a student reads, in English or Chinese (zh-CN): task titles and hints, recognised
mistakes, and the engine's own words.

- English titles and hints live in course.toml; their Chinese in each lesson's
  `exercises/NN_slug/texts.zh-CN.toml` (`[lesson] title`, `[tasks."NN.name"] title = …, hints = […]`).
- A message raised by a check or a command is written in both languages where it is
  raised: `tr(english, chinese)`; tests/test_translations.py finds any that is not.
- Recognised mistakes live in `exercises/NN_slug/mistakes.toml`, both languages side by side
  (`[[mistakes]] task, key, en, zh-CN`): a message, never the mistaken code.
- The engine's words (table labels, block headings) are in ENGINE below.

The language: `--lang`, else TORCHCAMP_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG).
`torchcamp course validate` fails when a translation is missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from torchcamp.compat import tomllib
from torchcamp.course.manifest import Course, Lesson

LANGUAGES = ("en", "zh-CN")
TRANSLATION_FILE = "texts.zh-CN.toml"
MISTAKES_FILE = "mistakes.toml"


def language(explicit: str | None = None) -> str:
    """The student's language: one of LANGUAGES."""
    chosen = explicit or os.environ.get("TORCHCAMP_LANG", "")
    if not chosen:
        for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(variable):
                chosen = os.environ[variable]
                break
    return "zh-CN" if chosen.lower().replace("_", "-").startswith("zh") else "en"


@dataclass(frozen=True)
class Mistake:
    task: str
    key: str
    text: dict[str, str]  # language -> message


def lesson_folder(course: Course, lesson: Lesson) -> Path:
    return course.root / "exercises" / lesson.directory


@cache
def _read_toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def translated_tasks(course: Course, lesson: Lesson) -> dict:
    return _read_toml(lesson_folder(course, lesson) / TRANSLATION_FILE).get("tasks", {})


def lesson_title(course: Course, lesson: Lesson, lang: str) -> str:
    if lang == "en":
        return lesson.title
    return _read_toml(lesson_folder(course, lesson) / TRANSLATION_FILE).get("lesson", {}).get("title") or lesson.title


def task_title(course: Course, task_id: str, lang: str) -> str:
    task = course.tasks[task_id]
    if lang == "en":
        return task.title
    return translated_tasks(course, course.lesson_of_task(task_id)).get(task_id, {}).get("title") or task.title


def task_hints(course: Course, task_id: str, lang: str) -> list[str]:
    task = course.tasks[task_id]
    if lang == "en":
        return task.hints
    hints = translated_tasks(course, course.lesson_of_task(task_id)).get(task_id, {}).get("hints")
    return hints if hints and len(hints) == len(task.hints) else task.hints


def mistakes(course: Course) -> dict[tuple[str, str], Mistake]:
    found = {}
    for lesson in course.lessons:
        for entry in _read_toml(lesson_folder(course, lesson) / MISTAKES_FILE).get("mistakes", []):
            text = {lang: entry.get(lang, "") for lang in LANGUAGES}
            found[(entry.get("task", ""), entry.get("key", ""))] = Mistake(
                entry.get("task", ""), entry.get("key", ""), text
            )
    return found


def mistake_text(course: Course, task: str, key: str, lang: str) -> str:
    mistake = mistakes(course).get((task, key))
    if mistake is None:
        return f"recognised mistake {key!r} of {task} (no text for it in {MISTAKES_FILE})"
    return mistake.text.get(lang) or mistake.text["en"]


def missing_translations(course: Course) -> list[str]:
    """Every student-facing text of the course that lacks its Chinese (or English)."""
    problems = []
    for lesson in course.lessons:
        where = f"exercises/{lesson.directory}/{TRANSLATION_FILE}"
        translated = translated_tasks(course, lesson)
        if not str(
            _read_toml(lesson_folder(course, lesson) / TRANSLATION_FILE).get("lesson", {}).get("title", "")
        ).strip():
            problems.append(f"{where}: no [lesson] title")
        for task in lesson.tasks:
            entry = translated.get(task.id, {})
            if not str(entry.get("title", "")).strip():
                problems.append(f"{where}: no title for {task.id}")
            hints = entry.get("hints", [])
            if len(hints) != len(task.hints) or not all(str(hint).strip() for hint in hints):
                problems.append(f"{where}: {task.id} needs {len(task.hints)} hints, as in course.toml")
        for unknown in sorted(set(translated) - {task.id for task in lesson.tasks}):
            problems.append(f"{where}: {unknown} is not a task of lesson {lesson.id}")
    for (task, key), mistake in mistakes(course).items():
        if task not in course.tasks:
            problems.append(f"{MISTAKES_FILE}: mistake {key!r} names an unknown task {task!r}")
        for lang in LANGUAGES:
            if not mistake.text.get(lang, "").strip():
                problems.append(f"{MISTAKES_FILE}: mistake {key!r} of {task} has no {lang} text")
    return problems


# The engine's own words. A key per phrase; {name} fields filled by str.format.
ENGINE = {
    "section": {"en": "torchcamp: your tasks", "zh-CN": "torchcamp：你的任务"},
    "done": {"en": "done   ", "zh-CN": "完成   "},
    "todo": {"en": "TODO   ", "zh-CN": "待完成 "},
    "failing": {"en": "failing", "zh-CN": "未通过 "},
    "error": {"en": "error  ", "zh-CN": "出错   "},
    "timeout": {"en": "timeout", "zh-CN": "超时   "},
    "hint": {"en": "hint {number}/{total}: {text}", "zh-CN": "提示 {number}/{total}：{text}"},
    "fix_first": {
        "en": "fix {tasks} first: this task calls that code",
        "zh-CN": "请先修复 {tasks}：这个任务会调用那部分代码",
    },
    "last_hint": {"en": "(the last hint: torchcamp hint {task})", "zh-CN": "（最后一条提示：torchcamp hint {task}）"},
    "mistake": {"en": "recognised mistake: {text}", "zh-CN": "常见错误：{text}"},
    "tasks_done": {"en": "{done}/{total} tasks done", "zh-CN": "已完成 {done}/{total} 个任务"},
    "checked": {"en": "checked", "zh-CN": "检查项"},
    "your_code": {"en": "your code", "zh-CN": "你的代码"},
    "estimate": {
        "en": "local estimate (not your grade): {accuracy:.2f}% of the {dataset} test images after {epochs} epochs; "
        "the grader measures on the course's dataset, with hidden checks",
        "zh-CN": "本地估计（不是你的成绩）：训练 {epochs} 个 epoch 后，{dataset} 测试图像的准确率为 {accuracy:.2f}%；"
        "正式成绩由评分程序在课程指定的数据集上测量，并包含隐藏检查",
    },
    "import_first": {
        "en": "fix this first: no task of lesson {lesson} can run until the file imports",
        "zh-CN": "请先修复这里：文件能导入之前，第 {lesson} 课的任务都无法运行",
    },
    "public_only": {
        "en": "Public checks only: this is the student edition; the official grade adds hidden checks.",
        "zh-CN": "仅公开检查：这是学生版；正式成绩还包括隐藏检查。",
    },
}


def tr(en: str, zh: str, lang: str | None = None) -> str:
    """One message written in both languages where it is raised (a public test, a grader, a
    command); the student reads the one of their language. The pytest plugin and the CLI
    put `--lang` into TORCHCAMP_LANG, so a check deep in a test needs no argument."""
    return zh if language(lang) == "zh-CN" else en


def say(key: str, lang: str, **fields: object) -> str:
    text = ENGINE[key].get(lang) or ENGINE[key]["en"]
    return text.format(**fields)
