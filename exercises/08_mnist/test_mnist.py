"""Public tests for lesson 08. Run: pytest exercises/08

The script is checked on a tiny made-up dataset, then trained once on the data you have
(`torchcamp data digits-sample` is the quickest) and measured on that dataset's held-out
test images: a LOCAL ESTIMATE of the tiers. The grade is measured by the grader on the
dataset the course names, with the same rules.
"""

import math
from pathlib import Path

import pytest
import torch
from torch import nn

from torchcamp.course.texts import tr
from torchcamp.data import load_idx_tensors, write_training_split_view
from torchcamp.sandbox.file_watch import OpenWatch
from torchcamp.testing.fakes import write_mnist_like
from torchcamp.testing.mistakes import mistake_if

LAYERS = {"linear1.weight": (128, 784), "linear1.bias": (128,), "linear2.weight": (10, 128), "linear2.bias": (10,)}
MEAN, STD = 0.1307, 0.3081  # the constants the grader normalizes the test images with


@pytest.fixture
def two_patterns(tmp_path):
    """64 training images of two easy classes: dark top half (0) or dark bottom half (1)."""
    images = torch.zeros(72, 28, 28, dtype=torch.uint8)
    labels = torch.arange(72) % 2
    images[labels == 0, :14] = 255
    images[labels == 1, 14:] = 255
    return str(write_mnist_like(tmp_path, (images[:64], labels[:64]), (images[64:], labels[64:])))


def short_run(module, root, budget_s=30, epochs=3):
    result = module.train(root, "mnist", "cpu", time_budget_s=budget_s, epochs=epochs)
    state = result["state_dict"]
    return {name: tuple(tensor.shape) for name, tensor in state.items()}, [float(loss) for loss in result["losses"]]


@pytest.mark.task("08.script")
def test_trains_and_returns_weights_and_losses(student, two_patterns):
    layers, losses = student.run_with_deadline(60, short_run, two_patterns)
    assert layers == LAYERS, tr(
        "return the state_dict of a Net with lesson 06's layer names", "返回一个层名与第 06 课相同的 Net 的 state_dict"
    )
    assert len(losses) == 3 and all(math.isfinite(loss) for loss in losses), tr(
        "one mean loss per epoch, as floats", "每个 epoch 一个平均损失，类型为 float"
    )
    assert losses[-1] < losses[0], tr("the loss should fall on this easy problem", "在这个简单问题上，损失应该下降")


def open_track_answers(module, root):
    """What the open-track model says about the two patterns' four test images, and its type."""
    model = module.train_open(root, "mnist", "cpu", 60)
    images = torch.zeros(4, 1, 28, 28)
    images[:2, :, :14] = 1.0
    images[2:, :, 14:] = 1.0
    with torch.no_grad():
        scores = model((images - 0.1307) / 0.3081)
    return isinstance(model, nn.Module), tuple(scores.shape), scores.argmax(dim=1).tolist()


@pytest.mark.task("08.open_track")
def test_open_track_model_scores_ten_classes_and_learns_two_patterns(student, two_patterns, open_track_checked):
    if not open_track_checked:
        pytest.skip(tr("the open track is not graded in this run", "这次运行不评开放赛道"))
    is_module, shape, predicted = student.run_with_deadline(120, open_track_answers, two_patterns)
    assert is_module, tr("train_open should return the trained nn.Module", "train_open 应返回训练好的 nn.Module")
    assert shape == (4, 10), tr(
        f"the model should give 10 scores per image: (4, 10), yours {shape}",
        f"模型应为每张图像给出 10 个分数：(4, 10)，你的是 {shape}",
    )
    assert predicted == [0, 0, 1, 1], tr(
        f"after training on the two patterns, the model predicts {predicted} for two of each",
        f"在两种图案上训练后，模型对每种各两张图像的预测是 {predicted}",
    )


@pytest.mark.task("08.script")
def test_only_the_training_split_is_read(student, two_patterns):
    held_back = sorted(Path(two_patterns).rglob("t10k-*"))
    with OpenWatch(held_back) as watch:
        student.run_with_deadline(60, short_run, two_patterns, 30, 1)
        opened = watch.opened()
    mistake_if(opened, "08.script", "opened_test_split")


@pytest.mark.task("08.script")
def test_stops_within_a_tiny_budget(student, two_patterns):
    # 1,000 epochs do not fit in 0.02 s anywhere (each takes well over 20 µs); a script that
    # watches its budget stops early, and a busier machine only makes it stop sooner.
    _, losses = student.run_with_deadline(60, short_run, two_patterns, 0.02, 1_000)
    mistake_if(
        len(losses) >= 1_000,
        "08.script",
        "ignores_budget",
        tr("1,000 epochs in a 0.02 s budget", "在 0.02 秒的预算内训练 1,000 个 epoch"),
    )


class LessonNet(nn.Module):
    """Lesson 06's network, built here so the estimate is measured outside your code."""

    def __init__(self):
        super().__init__()
        self.linear1, self.linear2 = nn.Linear(784, 128), nn.Linear(128, 10)

    def forward(self, x):
        return self.linear2(torch.relu(self.linear1(x.flatten(1))))


def trained(module, root, dataset, device, budget_s):
    result = module.train(root, dataset, device, budget_s)
    return {"state_dict": result["state_dict"], "losses": [float(loss) for loss in result["losses"]]}


_estimates: dict = {}


def local_estimate(student, final_task, record_final, tmp_path_factory) -> dict:
    """Train once on the training split only, measure here on the held-out test images."""
    key = (final_task.dataset, final_task.device)
    if key not in _estimates:
        view = write_training_split_view(final_task.data_root, final_task.dataset, tmp_path_factory.mktemp("split"))
        run = student.run_with_deadline(
            final_task.budget_s + 60, trained, str(view), final_task.dataset, final_task.device, final_task.budget_s
        )
        model = LessonNet()
        model.load_state_dict(run["state_dict"])
        images, labels = load_idx_tensors(final_task.data_root, final_task.dataset, train=False)
        with torch.no_grad():
            predicted = model(((images.float() / 255 - MEAN) / STD).unsqueeze(1)).argmax(dim=1)
        run = {
            "accuracy": 100 * (predicted == labels).float().mean().item(),
            "losses": run["losses"],
            "dataset": final_task.dataset,
            "device": final_task.device,
            "estimate": True,
        }
        record_final(run)
        _estimates[key] = run
    return _estimates[key]


@pytest.mark.parametrize(
    "tier", [pytest.param(index, marks=pytest.mark.task(f"08.tier_{index + 1}")) for index in range(3)]
)
def test_local_estimate_reaches_the_tier(student, final_task, record_final, tmp_path_factory, tier):
    if final_task.measured_by_grader:
        pytest.skip(tr("the grader measures the tiers itself in this run", "这次运行由评分程序自己测量各档"))
    run = local_estimate(student, final_task, record_final, tmp_path_factory)
    threshold = final_task.tiers[tier]
    assert run["accuracy"] >= threshold, tr(
        f"local estimate: {run['accuracy']:.2f}% of the {final_task.dataset} test images right after "
        f"{len(run['losses'])} epochs; tier {tier + 1} needs {threshold}% on this dataset",
        f"本地估计：训练 {len(run['losses'])} 个 epoch 后，{final_task.dataset} 测试图像的准确率为 {run['accuracy']:.2f}%；"
        f"在这个数据集上，第 {tier + 1} 档需要 {threshold}%",
    )
