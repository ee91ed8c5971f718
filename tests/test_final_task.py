"""The final task: the reference reaches its top tier on real data, on the CPU, within budget."""

import subprocess
import sys

import pytest

from torchcamp.grading.runner import GradingOptions, grade

from helpers import ROOT, require_dataset, solution_source


@pytest.mark.parametrize("dataset", ["digits-sample", "fashion-mnist"])
def test_reference_reaches_the_top_tier_on_cpu(course, dataset):
    data = require_dataset(dataset)
    result = grade(course, ROOT / "solutions", ["08"], GradingOptions(dataset=dataset, data_root=data, device="cpu"))
    lesson = result.lessons[0]
    assert lesson.score == lesson.max_score, [
        (task.id, task.message) for task in lesson.tasks if task.status != "passed"
    ]
    final = result.final
    assert final["dataset"] == dataset and final["device"] == "cpu"
    assert final["accuracy"] >= course.final.datasets[dataset].tiers[-1]
    assert sum(map(sum, final["confusion"])) == (1000 if dataset == "digits-sample" else 10000)


def test_hard_coded_cuda_is_diagnosed(course, make_submission):
    data = require_dataset("digits-sample")
    source = solution_source(course, "08").replace("model = Net().to(device)", "model = Net().to('cuda')")
    submission = make_submission({"08": source}, lessons=["08"])
    result = grade(course, submission, ["08"], GradingOptions(dataset="digits-sample", data_root=data, device="cpu"))
    tasks = {task.id: task for task in result.lessons[0].tasks}
    assert result.lessons[0].score == 0
    for task in tasks.values():
        assert "your code uses CUDA, but this machine has none" in task.message, task.message


def test_feedback_pictures_are_written(tmp_path):
    data = require_dataset("digits-sample")
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "torchcamp.cli",
            "grade",
            "solutions",
            "--lesson",
            "08",
            "--dataset",
            "digits-sample",
            "--data-root",
            str(data),
            "--artifacts",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for name in ("loss_curve.png", "confusion_matrix.png"):
        picture = tmp_path / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG"
        assert picture.stat().st_size > 10_000
