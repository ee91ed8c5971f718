"""What a student sees when running `pytest exercises/NN` in their copy of the course."""

import os
import re
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
    assert "0/7 tasks done" in completed.stdout
    assert "todo" in completed.stdout.splitlines()[-1]


def test_finished_lesson_passes(student_repo):
    use_solution(student_repo, "03_autograd", "autograd")
    completed = run_pytest(student_repo, "exercises/03")
    assert completed.returncode == 0, completed.stdout
    assert "7/7 tasks done" in completed.stdout


def test_a_failure_shows_theirs_vs_expected_and_hints_one_at_a_time(student_repo):
    use_solution(
        student_repo, "02_tensor_ops", "tensor_ops", lambda s: s.replace("return t.int()", "return t.round().int()")
    )
    first = run_pytest(student_repo, "exercises/02")
    assert "failing  02.dtype" in first.stdout
    assert "yours:    tensor([1, 3, 6], dtype=torch.int32)" in first.stdout
    assert "expected: tensor([1, 3, 5], dtype=torch.int32)" in first.stdout
    assert "hint 1/2" in first.stdout
    assert "(the last hint: torchcamp hint 02.dtype)" in first.stdout
    second = run_pytest(student_repo, "exercises/02")
    assert "hint 1/2" in second.stdout and "hint 2/2" not in second.stdout, "the last hint is only for `torchcamp hint`"


def test_hints_advance_only_when_the_task_fails_on_its_own_code(student_repo):
    use_solution(
        student_repo,
        "00_setup",
        "setup_check",
        lambda s: s.replace(
            '''    if cuda_available:
        return "cuda"
    if mps_available:
        return "mps"''',
            '''    if mps_available:
        return "mps"
    if cuda_available:
        return "cuda"''',
        ),
    )
    assert "hint 1/3" in run_pytest(student_repo, "exercises/00").stdout
    lesson_file = student_repo / "exercises/00_setup/setup_check.py"
    working = lesson_file.read_text()
    lesson_file.write_text(working + "\ndef broken(:\n")
    broken = run_pytest(student_repo, "exercises/00")
    assert not re.search(r"hint \d/", broken.stdout), (
        "a syntax error is not the task's own failure: no hint, no step forward"
    )
    lesson_file.write_text(working)
    assert "hint 2/3" in run_pytest(student_repo, "exercises/00").stdout
    third = run_pytest(student_repo, "exercises/00").stdout
    assert "hint 2/3" in third and "torchcamp hint 00.choose_device" in third


def test_an_infinite_loop_ends_with_a_timeout(student_repo):
    use_solution(
        student_repo,
        "01_tensors",
        "tensors",
        lambda s: s.replace("    return torch.arange(0, max(n, 0), 2)", "    while True:\n        pass"),
    )
    completed = run_pytest(student_repo, "exercises/01", "--timeout=3")
    assert "timeout  01.arange" in completed.stdout
    assert "timed out: the check 'evens below ten' did not finish within 3 s" in completed.stdout
    assert "6/7 tasks done" in completed.stdout


def test_a_test_without_a_task_is_an_error(student_repo):
    (student_repo / "exercises/00_setup/test_extra.py").write_text("def test_untagged():\n    pass\n")
    completed = run_pytest(student_repo, "exercises/00")
    assert completed.returncode != 0
    assert "no @pytest.mark.task('NN.name') marker" in completed.stderr + completed.stdout


def test_a_broken_lesson_file_is_reported_once_at_the_students_line(student_repo):
    (student_repo / "exercises/01_tensors/tensors.py").write_text("import torch\n\ndef f(:\n")
    completed = run_pytest(student_repo, "exercises/01")
    assert completed.returncode == 1
    assert completed.stdout.count("tensors.py does not import: SyntaxError") == 1, completed.stdout
    assert "tensors.py, line 3:" in completed.stdout and "def f(:" in completed.stdout
    assert not re.search(r"hint \d/", completed.stdout)


def test_a_failure_is_one_short_block_without_engine_frames(student_repo):
    use_solution(
        student_repo,
        "04_linear_regression",
        "linear_regression",
        lambda s: s.replace("    optimizer.zero_grad()  # gradients accumulate: clear last step's first\n", ""),
    )
    completed = run_pytest(student_repo, "exercises/04")
    output = completed.stdout
    assert "04.train_step · One training step in the right order" in output
    assert "recognised mistake: your step used gradients left over" in output
    for internal in ("site-packages", "torchcamp/sandbox", "_pytest", "Traceback"):
        assert internal not in output, f"{internal} reached the student:\n{output}"
    detailed = run_pytest(student_repo, "exercises/04", "--tb=long").stdout
    assert "site-packages" in detailed or "src/torchcamp" in detailed, "--tb=long brings the traceback back"


def test_a_bare_assert_shows_the_values_not_the_engine(student_repo):
    use_solution(
        student_repo,
        "07_train_eval",
        "train_eval",
        lambda s: s.replace("    return correct / seen\n", "    return correct / seen + 0.01\n"),
    )
    output = run_pytest(student_repo, "exercises/07").stdout
    assert "assert 0.51 == 0.5" in output, output
    assert "object at 0x" not in output and "LocalStudent" not in output, output


def test_tasks_are_listed_in_course_order(student_repo):
    output = run_pytest(student_repo, "exercises/02").stdout
    order = [line.split()[1] for line in output.splitlines() if line.startswith("  TODO ")]
    assert order[:3] == ["02.products", "02.mean_sum", "02.reshape"], order


def test_the_table_speaks_chinese_when_asked(student_repo):
    use_solution(
        student_repo,
        "05_data",
        "data_pipeline",
        lambda s: s.replace("scaled.std().item()", "scaled.std(correction=0).item()"),
    )
    for how in (["--lang", "zh-CN"], []):
        environment = {"TORCHCAMP_LANG": "zh-CN"} if not how else {}
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "exercises/05", *how],
            cwd=student_repo,
            capture_output=True,
            text=True,
            check=False,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, **environment},
        )
        assert "torchcamp：你的任务" in completed.stdout
        assert "常见错误：你返回的是总体标准差" in completed.stdout
        assert "数据集的均值和标准差" in completed.stdout


def test_failure_messages_speak_chinese_when_asked(student_repo):
    use_solution(
        student_repo, "02_tensor_ops", "tensor_ops", lambda s: s.replace("return t.int()", "return t.round().int()")
    )
    output = run_pytest(student_repo, "exercises/02", "--lang", "zh-CN").stdout
    assert "你的结果 的形状和 dtype 都对，但数值不同：第一处不同在下标 (2,)" in output
    assert "你的：tensor([1, 3, 6], dtype=torch.int32)" in output and "应为：tensor([1, 3, 5]" in output
    assert "提示 1/2" in output
    assert "different values" not in output and "yours:" not in output


def test_a_task_that_calls_failing_code_points_at_that_code_first(student_repo):
    use_solution(
        student_repo,
        "04_linear_regression",
        "linear_regression",
        lambda s: s.replace("    optimizer.step()\n", ""),  # the step never updates: fit_line cannot learn either
    )
    output = run_pytest(student_repo, "exercises/04").stdout
    lines = output.splitlines()
    row = next(number for number, line in enumerate(lines) if line.startswith("  failing  04.fit"))
    fit_block = lines[row : row + 2]
    assert "failing  04.train_step" in output and "failing  04.fit" in output
    assert "fix 04.train_step first: this task calls that code" in fit_block[1], fit_block
    assert not any("hint" in line for line in fit_block), "04.fit's own hint would send the student to the wrong place"
