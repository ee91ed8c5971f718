"""course.toml loads, and a broken one says which key is wrong and where."""

from pathlib import Path

import pytest

from torchcamp.course.manifest import ManifestError, load_course, parse_course

from helpers import ROOT

GOOD = (ROOT / "course.toml").read_text(encoding="utf-8")


def problems(text: str) -> str:
    with pytest.raises(ManifestError) as caught:
        parse_course(text, "course.toml", Path("."))
    return str(caught.value)


def test_the_course_manifest_is_valid(course):
    assert len(course.tasks) >= 25
    for task in course.tasks.values():
        assert 2 <= len(task.hints) <= 3, task.id


def test_unknown_key_names_lesson_and_task():
    text = GOOD.replace('id = "02.cat"\n', 'id = "02.cat"\npoinst = 3\n', 1)
    message = problems(text)
    assert "lessons[2] (id '02').tasks[6] (id '02.cat').poinst: unknown key" in message


def test_bad_value_names_its_place():
    text = GOOD.replace(
        'id = "03.zero_grad"\ntitle = "Zeroing gradients between computations"\npoints = 2',
        'id = "03.zero_grad"\ntitle = "Zeroing gradients between computations"\npoints = -1',
    )
    assert "(id '03.zero_grad').points: Input should be greater than or equal to 0" in problems(text)


def test_missing_key_and_wrong_prefix():
    assert "format_version: required key is missing" in problems(GOOD.replace("format_version = 1\n", ""))
    text = GOOD.replace('id = "01.arange"', 'id = "02.arange"')
    assert "task '02.arange' must start with the lesson id '01.'" in problems(text)


def test_duplicate_task_and_future_format():
    text = GOOD.replace('id = "01.arange"', 'id = "01.filled"')
    assert "'01.filled' appears twice" in problems(text)
    assert "reads format_version 1, not 2" in problems(GOOD.replace("format_version = 1", "format_version = 2"))


def test_unreadable_files_are_named(tmp_path):
    with pytest.raises(ManifestError, match="not found"):
        load_course(tmp_path)
    (tmp_path / "course.toml").write_bytes(b"title = '\xff'")
    with pytest.raises(ManifestError, match="not UTF-8"):
        load_course(tmp_path)
    (tmp_path / "course.toml").write_text("[course\n")
    with pytest.raises(ManifestError, match="not valid TOML"):
        load_course(tmp_path)


def test_hint_count_and_dataset_names_are_checked():
    one_hint = GOOD.replace(
        'hints = [\n    "Check the override first: when it is given, it wins.",\n', "hints = [\n", 1
    ).replace(
        "    \"An override must name a known backend: 'cpu', 'mps', 'cuda' or 'cuda:N'. Anything else is a ValueError.\",\n",
        "",
        1,
    )
    assert "(id '00.choose_device').hints: List should have at least 2 items" in problems(one_hint)
    renamed = GOOD.replace("[final.datasets.digits-sample]", "[final.datasets.digits-sampel]")
    assert "unknown dataset 'digits-sampel' under final.datasets" in problems(renamed)
