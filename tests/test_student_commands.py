"""The student's commands through their real entry point: list, hint, reset, doctor,
solution and watch (edit a file, see the re-check), and the student edition's first line."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT


def torchcamp(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment["COLUMNS"] = "200"  # rich wraps at the terminal's width: keep lines whole for the asserts
    return subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


@pytest.fixture
def student_copy(tmp_path) -> Path:
    """A student's copy: the course file, the lessons, and (as the student edition has) the stubs as released."""
    repo = tmp_path / "course"
    repo.mkdir()
    shutil.copy(ROOT / "course.toml", repo / "course.toml")
    shutil.copytree(ROOT / "exercises", repo / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "exercises",
        repo / ".torchcamp/stubs",
        ignore=shutil.ignore_patterns("__pycache__", "*.md", "test_*", "*.toml"),
    )
    return repo


def solve(repo: Path, lesson_dir: str, module: str) -> None:
    shutil.copy(ROOT / "solutions" / lesson_dir / f"{module}.py", repo / "exercises" / lesson_dir / f"{module}.py")


def test_hint_shows_every_hint_in_both_languages():
    english = torchcamp("hint", "04.train_step")
    assert english.returncode == 0, english.stderr
    assert "hint 3/3: optimizer.zero_grad(), prediction, loss" in english.stdout
    chinese = torchcamp("hint", "04.train_step", "--lang", "zh-CN")
    assert "按正确顺序完成一步训练" in chinese.stdout and "提示 3/3" in chinese.stdout


def test_hint_for_an_unknown_task_suggests_the_close_ones():
    completed = torchcamp("hint", "train")
    assert completed.returncode == 2
    assert "did you mean 04.train_step, 07.train_epoch?" in completed.stderr


def test_list_shows_progress_by_the_public_checks(student_copy):
    solve(student_copy, "01_tensors", "tensors")
    completed = torchcamp("list", "--course", str(student_copy))
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert any("01.seeded" in line and "done" in line for line in lines)
    assert any("02.products" in line and "not started" in line for line in lines)
    assert "7/52 tasks done, 10/104 points by the public checks" in completed.stdout


def test_reset_asks_keeps_a_backup_and_restores_the_stub(student_copy):
    lesson_file = student_copy / "exercises/01_tensors/tensors.py"
    original = lesson_file.read_text()
    lesson_file.write_text("my work in progress\n")
    declined = torchcamp("reset", "01", "--course", str(student_copy), stdin="n\n")
    assert "nothing changed" in declined.stdout and lesson_file.read_text() == "my work in progress\n"
    accepted = torchcamp("reset", "01", "--course", str(student_copy), stdin="y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert lesson_file.read_text() == original
    backups = list(lesson_file.parent.glob("tensors.py.*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == "my work in progress\n"
    assert "no lesson '42'" in torchcamp("reset", "42", "--course", str(student_copy)).stderr


def test_doctor_names_versions_device_and_data():
    completed = torchcamp("doctor")
    assert "torch 2." in completed.stdout
    assert "lessons will use device" in completed.stdout
    assert "dataset" in completed.stdout


def test_solution_only_where_the_course_allows_and_after_a_pass(student_copy):
    refused = torchcamp("solution", "01.from_list", "--course", str(student_copy))
    assert refused.returncode == 1 and "does not show reference solutions" in refused.stderr
    manifest = student_copy / "course.toml"
    manifest.write_text(manifest.read_text().replace("solutions_after_pass = false", "solutions_after_pass = true"))
    shutil.copytree(ROOT / "solutions", student_copy / "solutions")
    not_yet = torchcamp("solution", "01.from_list", "--course", str(student_copy))
    assert not_yet.returncode == 1 and "not done yet" in not_yet.stderr
    solve(student_copy, "01_tensors", "tensors")
    shown = torchcamp("solution", "01.from_list", "--course", str(student_copy))
    assert shown.returncode == 0, shown.stderr
    assert "def tensor_from_rows" in shown.stdout and "def from_numpy_shared" not in shown.stdout


def read_until(process: subprocess.Popen, text: str, seen: list[str], patience_s: float = 120) -> None:
    """Read the watcher's output until TEXT appears (a generous limit: this is not a timing test)."""
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"never saw {text!r} in:\n{''.join(seen)}")


@pytest.mark.parametrize("poll", [False, True], ids=["file-events", "polling"])
def test_watch_rechecks_on_save_and_moves_on(student_copy, poll):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment["COLUMNS"] = "200"
    command = [sys.executable, "-m", "torchcamp.cli", "watch", "--lesson", "01", "--course", str(student_copy)]
    process = subprocess.Popen(
        command + (["--poll"] if poll else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    seen: list[str] = []
    try:
        read_until(process, "check 1: lesson 01", seen)
        read_until(process, "waiting for you to save", seen)
        solve(student_copy, "01_tensors", "tensors")
        read_until(process, "check 2: lesson 01", seen)
        read_until(process, "lesson 01 passes its public checks", seen)
        read_until(process, "check 3: lesson 02", seen)
    finally:
        process.kill()
        process.wait()


def test_the_student_edition_says_its_grade_is_public_checks_only(tmp_path):
    edition = tmp_path / "edition"
    released = torchcamp("course", "release", str(edition))
    assert released.returncode == 0, released.stderr
    assert (edition / ".torchcamp/stubs/01_tensors/tensors.py").is_file()
    graded = torchcamp("grade", ".", "--lesson", "00", "--unprotected", cwd=edition)
    assert graded.stdout.splitlines()[0].startswith("Public checks only"), graded.stdout


def test_the_commands_speak_chinese(student_copy):
    solve(student_copy, "01_tensors", "tensors")
    listed = torchcamp("list", "--lang", "zh-CN", "--course", str(student_copy))
    assert "已完成 7/52 个任务，按公开检查计 10/104 分" in listed.stdout, listed.stdout[-500:]
    assert any("01.seeded" in line and "完成" in line for line in listed.stdout.splitlines())
    assert "没有第 '42' 课" in torchcamp("reset", "42", "--lang", "zh-CN", "--course", str(student_copy)).stderr
    environment = dict(os.environ, TORCHCAMP_LANG="zh-CN")
    doctor = subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", "doctor"], capture_output=True, text=True, env=environment, check=False
    )
    assert "各课将使用设备" in doctor.stdout, doctor.stdout
