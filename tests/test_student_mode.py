"""What a student sees when running `pytest exercises/NN` in their copy of the course."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT


@pytest.fixture
def student_repo(tmp_path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("course.toml", "pyproject.toml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "exercises", repo / "exercises")
    return repo


def run_pytest(repo: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args], cwd=repo, capture_output=True, text=True, env=environment, check=False
    )


def use_solution(repo: Path, lesson_dir: str, module: str, edit=lambda source: source) -> None:
    source = (ROOT / "solutions" / lesson_dir / f"{module}.py").read_text(encoding="utf-8")
    (repo / "exercises" / lesson_dir / f"{module}.py").write_text(edit(source), encoding="utf-8")


def test_untouched_lesson_reads_as_todo(student_repo):
    completed = run_pytest(student_repo, "exercises/03")
    assert completed.returncode == 1, "unfinished work must not look green"
    assert "TODO     03.grad_of_squares" in completed.stdout
    assert "0/6 tasks done" in completed.stdout
    assert "todo" in completed.stdout.splitlines()[-1]


def test_finished_lesson_passes(student_repo):
    use_solution(student_repo, "03_autograd", "autograd")
    completed = run_pytest(student_repo, "exercises/03")
    assert completed.returncode == 0, completed.stdout
    assert "6/6 tasks done" in completed.stdout


def test_a_failure_shows_theirs_vs_expected_and_hints_one_at_a_time(student_repo):
    use_solution(
        student_repo, "02_tensor_ops", "tensor_ops", lambda s: s.replace("return t.int()", "return t.round().int()")
    )
    first = run_pytest(student_repo, "exercises/02")
    assert "failing  02.dtype" in first.stdout
    assert "yours:    tensor([1, 3, 6], dtype=torch.int32)" in first.stdout
    assert "expected: tensor([1, 3, 5], dtype=torch.int32)" in first.stdout
    assert "hint 1/2" in first.stdout
    second = run_pytest(student_repo, "exercises/02")
    assert "hint 2/2" in second.stdout


def test_an_infinite_loop_ends_with_a_timeout(student_repo):
    use_solution(
        student_repo,
        "01_tensors",
        "tensors",
        lambda s: s.replace("    return torch.arange(0, max(n, 0), 2)", "    while True:\n        pass"),
    )
    completed = run_pytest(student_repo, "exercises/01", "--timeout=3")
    assert "timeout  01.arange" in completed.stdout
    assert "6/7 tasks done" in completed.stdout


def test_a_test_without_a_task_is_an_error(student_repo):
    (student_repo / "exercises/00_setup/test_extra.py").write_text("def test_untagged():\n    pass\n")
    completed = run_pytest(student_repo, "exercises/00")
    assert completed.returncode != 0
    assert "no @pytest.mark.task('NN.name') marker" in completed.stderr + completed.stdout


def test_a_broken_lesson_file_is_reported_in_each_test(student_repo):
    (student_repo / "exercises/01_tensors/tensors.py").write_text("def f(:\n")
    completed = run_pytest(student_repo, "exercises/01")
    assert completed.returncode == 1
    assert "the lesson file failed to import: SyntaxError" in completed.stdout
