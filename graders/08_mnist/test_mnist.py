"""Hidden graders for the final task: train in the worker, measure on the test split here.

Everything that decides a tier is decided in this process: the worker is handed a folder
with the training split only, the call is timed here, and accuracy is measured here on
the held-out test images, which never reach the worker.
"""

import time

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.data import load_idx_tensors, write_training_split_view
from torchcamp.grading.calibration import Calibration
from torchcamp.grading.diagnosis import diagnose
from torchcamp.grading.uncertainty import borderline_tiers, wilson_interval
from torchcamp.sandbox.errors import WorkerTimeout
from torchcamp.sandbox.file_watch import OpenWatch
from torchcamp.testing.fakes import write_mnist_like
from torchcamp.testing.probes import load_probes

probes = load_probes(__file__)

_runs: dict[tuple, object] = {}  # one training run per (dataset, device), shared by the tier tests


def confusion(predicted: torch.Tensor, labels: torch.Tensor) -> list[list[int]]:
    matrix = torch.zeros(10, 10, dtype=torch.int64)
    matrix.index_put_((labels, predicted), torch.ones_like(labels), accumulate=True)
    return matrix.tolist()


def normalized(images: torch.Tensor, reference) -> torch.Tensor:
    return ((images.float() / 255 - reference.MEAN) / reference.STD).unsqueeze(1)


def fastest_honest_seconds(reference, final_task) -> float:
    """A lower bound for training on this machine: one forward and one backward pass over the
    training split take at least twice one forward pass, which the grader times here."""
    images, _ = load_idx_tensors(final_task.data_root, final_task.dataset, train=True)
    model, inputs = reference.Net(), normalized(images, reference)
    started = time.monotonic()
    with torch.no_grad():
        for batch in inputs.split(1024):
            model(batch)
    return 2 * (time.monotonic() - started)


def implausibility(run: dict, reference, final_task) -> str:
    """Why training on the training split alone cannot explain RUN, or ''."""
    if run["accuracy"] >= final_task.flag_above:
        return tr(
            f"{run['accuracy']:.2f}% is above the {final_task.flag_above}% that lesson 06's network reaches "
            f"by training on the {final_task.dataset} training split",
            f"{run['accuracy']:.2f}% 高于第 06 课的网络在 {final_task.dataset} 训练集上训练所能达到的 {final_task.flag_above}%",
        )
    if final_task.device == "cpu" and run["accuracy"] >= final_task.tiers[0]:
        floor = fastest_honest_seconds(reference, final_task)
        if run["seconds"] < floor:
            return tr(
                f"{run['accuracy']:.2f}% after {run['seconds']:.2f} s, less time than one pass over the training "
                f"split takes on this machine ({floor:.2f} s): were the weights trained here?",
                f"{run['seconds']:.2f} 秒后得到 {run['accuracy']:.2f}%，比这台机器遍历一遍训练集所需的时间（{floor:.2f} 秒）还短："
                f"权重真的是在这里训练出来的吗？",
            )
    return ""


def training_deadline(budget_s: float) -> float:
    """When a training call is stopped: a run that ends later than budget × 1.1 + 5 s fails its
    tiers anyway, so waiting longer would only delay the verdict."""
    return budget_s * 1.1 + 10


def still_training(function: str, budget_s: float, device: str) -> WorkerTimeout:
    deadline = training_deadline(budget_s)
    return WorkerTimeout(
        tr(
            f"still training after {deadline:.0f} s, past its {budget_s:.0f} s budget: {function} must stop by "
            f"itself when time_budget_s runs out (check the clock after every batch or epoch); training that "
            f"long on the {device} does not fit this budget",
            f"{deadline:.0f} 秒后仍在训练，已超出 {budget_s:.0f} 秒的预算：{function} 必须在 time_budget_s 用完时"
            f"自行停止（每个批次或 epoch 之后检查时间）；在 {device} 上训练这么久超出了预算",
        )
    )


def train_watched(student, probe, function: str, final_task, budget_s: float, tmp_path_factory):
    """(PROBE's answer, whether the test split was opened): the worker sees the training split
    only; the test split it finds there is one blank image, and opening it is seen from here,
    through the kernel, whatever the worker does. The call is timed here."""
    view = write_training_split_view(final_task.data_root, final_task.dataset, tmp_path_factory.mktemp("training"))
    with OpenWatch(sorted(view.rglob("t10k-*"))) as watch:
        try:
            answer = student.run_with_deadline(
                training_deadline(budget_s), probe, str(view), final_task.dataset, final_task.device, budget_s
            )
        except WorkerTimeout:
            raise still_training(function, budget_s, final_task.device) from None
        return answer, watch.opened()


def final_run(student, reference, final_task, record_final, tmp_path_factory) -> dict:
    key = (final_task.dataset, final_task.device)
    if key not in _runs:
        try:
            run, opened = train_watched(
                student, probes.train, "train()", final_task, final_task.budget_s, tmp_path_factory
            )
            run["test_split_opened"] = None if opened is None else bool(opened)
            run["seconds"] = round(student.last_call_seconds, 2)  # measured here, never in the worker
            model = reference.Net()
            run["weights_problem"] = weights_problem(run["state_dict"], model.state_dict())
            run["calibration"] = final_task.calibration
            if run["weights_problem"]:  # nothing to measure: 0 for the tiers, the rest of the grade unchanged
                run.update(accuracy=0.0, interval=(0.0, 0.0), borderline=[], confusion=None)
            else:
                model.load_state_dict(run["state_dict"])  # the lesson's architecture, loaded with their weights
                images, labels = load_idx_tensors(final_task.data_root, final_task.dataset, train=False)
                with torch.no_grad():
                    predicted = model(normalized(images, reference)).argmax(dim=1)
                correct = int((predicted == labels).sum())
                run["accuracy"] = 100 * correct / len(labels)
                run["interval"] = wilson_interval(correct, len(labels))
                run["borderline"] = borderline_tiers(run["accuracy"], run["interval"], final_task.tiers)
                run["confusion"] = confusion(predicted, labels)
            run.update(
                dataset=final_task.dataset,
                device=final_task.device,
                budget_s=final_task.budget_s,
                threads=final_task.threads,
            )
            run["flagged"] = implausibility(run, reference, final_task)
            run["diagnoses"] = [run["weights_problem"]] if run["weights_problem"] else diagnose(run)
            del run["state_dict"]
            record_final(run)
            _runs[key] = run
        except Exception as error:  # noqa: BLE001 — a timeout or crash fails every tier the same way
            _runs[key] = error
    outcome = _runs[key]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def weights_problem(state: object, expected: dict) -> str:
    """Why STATE (what train() returned as 'state_dict') cannot be loaded into lesson 06's
    network, naming the key and what was expected; '' when it can."""
    if not isinstance(state, dict):
        kind = type(state).__name__
        return tr(
            f"'state_dict' is a {kind}; it must be model.state_dict(), a dict of tensors",
            f"'state_dict' 是 {kind}；它必须是 model.state_dict()，即由张量组成的 dict",
        )
    missing, extra = sorted(set(expected) - set(state)), sorted(map(str, set(state) - set(expected)))
    if missing or extra:
        return tr(
            f"'state_dict' keys differ from lesson 06's network: missing {missing}, unexpected {extra} "
            f"(expected exactly {sorted(expected)})",
            f"'state_dict' 的键与第 06 课的网络不同：缺少 {missing}，多出 {extra}（应恰好是 {sorted(expected)}）",
        )
    for key, wanted in expected.items():
        value = state[key]
        if not isinstance(value, torch.Tensor):
            kind = type(value).__name__
            return tr(f"'state_dict'['{key}'] is a {kind}, not a tensor", f"'state_dict'['{key}'] 是 {kind}，不是张量")
        if tuple(value.shape) != tuple(wanted.shape):
            return tr(
                f"'state_dict'['{key}'] has shape {tuple(value.shape)}; lesson 06's network needs {tuple(wanted.shape)}",
                f"'state_dict'['{key}'] 的形状是 {tuple(value.shape)}；第 06 课的网络需要 {tuple(wanted.shape)}",
            )
        if value.dtype != wanted.dtype:
            return tr(
                f"'state_dict'['{key}'] has dtype {value.dtype}; lesson 06's network needs {wanted.dtype}",
                f"'state_dict'['{key}'] 的 dtype 是 {value.dtype}；第 06 课的网络需要 {wanted.dtype}",
            )
        if not torch.isfinite(value).all():
            return tr(
                f"'state_dict'['{key}'] holds NaN or infinite values: the training diverged",
                f"'state_dict'['{key}'] 含有 NaN 或无穷大：训练发散了",
            )
    return ""


def diagnoses_note(run: dict) -> str:
    if not run["diagnoses"]:
        return ""
    return tr(". What the run shows: ", "。这次运行说明：") + "; ".join(run["diagnoses"])


def borderline_note(run: dict, tier: int) -> str:
    if tier + 1 not in run["borderline"]:
        return ""
    low, high = run["interval"]
    return tr(
        f" (95% interval {low:.2f}–{high:.2f}%: borderline, a rerun could reach this tier)",
        f"（95% 区间 {low:.2f}–{high:.2f}%：处于边界，重新运行可能达到这一档）",
    )


def budget_note(run: dict, final_task) -> str:
    """Why the run ended early, when the budget ended it: epochs, seconds, calibration, what to do."""
    calibration = run.get("calibration") or {}
    asked = calibration.get("epochs", 10)
    done = len(run["losses"])
    if done >= asked:
        return ""
    how = (
        Calibration.from_json(calibration).explain()
        if calibration
        else tr(f"budget {final_task.budget_s:.0f} s", f"预算 {final_task.budget_s:.0f} 秒")
    )
    return tr(
        f". Training stopped after {done} of {asked} epochs, at {run['seconds']:.0f} s ({how}): make each epoch "
        "faster (normalize the whole split once instead of a per-sample transform, no DataLoader workers on a small "
        "machine, larger batches), or reach the tier in fewer epochs",
        f"。训练在 {asked} 个 epoch 中的第 {done} 个之后停止，用时 {run['seconds']:.0f} 秒（{how}）：让每个 epoch 更快"
        "（一次性归一化整个训练集而不是逐样本变换，小机器上不要给 DataLoader 开 worker，用更大的批次），"
        "或者用更少的 epoch 达到这一档",
    )


@pytest.mark.parametrize(
    "tier", [pytest.param(index, marks=pytest.mark.task(f"08.tier_{index + 1}")) for index in range(3)]
)
def test_test_accuracy_reaches_the_tier(student, reference, final_task, record_final, tmp_path_factory, tier):
    run = final_run(student, reference, final_task, record_final, tmp_path_factory)
    assert not run["weights_problem"], run["weights_problem"]
    assert not run["flagged"], tr(
        f"flagged for the teacher to check, not paid: {run['flagged']}", f"已标记给老师复核，不计分：{run['flagged']}"
    )
    threshold = final_task.tiers[tier]
    assert run["accuracy"] >= threshold, (
        tr(
            f"{run['accuracy']:.2f}% of the {final_task.dataset} test images right after {len(run['losses'])} epochs "
            f"on {final_task.device}; tier {tier + 1} needs {threshold}%",
            f"在 {final_task.device} 上训练 {len(run['losses'])} 个 epoch 后，{final_task.dataset} 测试图像的准确率为 "
            f"{run['accuracy']:.2f}%；第 {tier + 1} 档需要 {threshold}%",
        )
        + borderline_note(run, tier)
        + budget_note(run, final_task)
        + diagnoses_note(run)
    )
    assert run["seconds"] <= final_task.budget_s * 1.1 + 5, tr(
        f"took {run['seconds']:.0f} s of a {final_task.budget_s:.0f} s budget",
        f"用时 {run['seconds']:.0f} 秒，预算为 {final_task.budget_s:.0f} 秒",
    )


@pytest.mark.task("08.script")
def test_only_the_training_split_is_opened(student, reference, final_task, record_final, tmp_path_factory):
    run = final_run(student, reference, final_task, record_final, tmp_path_factory)
    assert run["losses"], tr(
        "train() returned no losses: record the mean training loss of every epoch",
        "train() 没有返回损失：请记录每个 epoch 的平均训练损失",
    )
    assert not run["test_split_opened"], tr(
        "the script opened the test split (train=False): train on the training split only; the grader measures "
        "test accuracy itself, and the test images are held back from your script",
        "脚本打开了测试集（train=False）：只能在训练集上训练；测试准确率由评分程序自己测量，测试图像不会交给你的脚本",
    )


@pytest.mark.task("08.script")
def test_runs_on_the_device_it_is_given(student, tmp_path):
    generator = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (80, 28, 28), generator=generator, dtype=torch.uint8)
    labels = torch.randint(0, 10, (80,), generator=generator)
    root = str(write_mnist_like(tmp_path, (images[:64], labels[:64]), (images[64:], labels[64:])))
    keys, epochs = student.run_with_deadline(60, probes.short_run_on, root, "cpu")
    assert keys == ["linear1.bias", "linear1.weight", "linear2.bias", "linear2.weight"]
    assert epochs == 2


@pytest.mark.task("08.script")
def test_stops_within_its_time_budget(student, tmp_path):
    images = torch.randint(0, 256, (2000, 28, 28), generator=torch.Generator().manual_seed(1), dtype=torch.uint8)
    labels = torch.randint(0, 10, (2000,), generator=torch.Generator().manual_seed(2))
    root = str(write_mnist_like(tmp_path, (images[:1900], labels[:1900]), (images[1900:], labels[1900:])))
    # Ignoring the budget means 10,000 epochs: minutes, past the deadline. Respecting it means
    # about a second; the margin is wide so a busy machine cannot fail a correct script.
    student.run_with_deadline(60, probes.train_with_a_tiny_budget, root)
    seconds = student.last_call_seconds  # timed here: the worker's own clock could be patched
    assert seconds < 15.0, tr(
        f"asked for 10,000 epochs within 1 s, the call took {seconds:.1f} s: check the time budget",
        f"要求在 1 秒内训练 10,000 个 epoch，这次调用用了 {seconds:.1f} 秒：请检查时间预算",
    )


@pytest.mark.task("08.open_track")
def test_open_track_predictions_reach_its_first_tier(
    student, reference, final_task, record_open_track, tmp_path_factory
):
    """Any architecture: the model stays in the worker, gets the test images without labels,
    and answers with one predicted class per image; the grader counts the right ones."""
    if not final_task.open_track:
        pytest.skip(tr("the open track is not graded in this run", "这次运行不评开放赛道"))
    _, opened = train_watched(
        student, probes.open_train, "train_open()", final_task, final_task.open_budget_s, tmp_path_factory
    )
    seconds = round(student.last_call_seconds, 2)  # measured here
    images, labels = load_idx_tensors(final_task.data_root, final_task.dataset, train=False)
    predicted = student.run_with_deadline(
        300, probes.open_predict, images, reference.MEAN, reference.STD, final_task.device
    )  # the images only: labels never leave this process
    well_formed = isinstance(predicted, torch.Tensor) and predicted.shape == labels.shape
    correct = int((predicted.long() == labels).sum()) if well_formed else 0
    accuracy = 100 * correct / len(labels)
    reached = [number for number, tier in enumerate(final_task.open_tiers, 1) if accuracy >= tier]
    record_open_track(
        {
            "accuracy": accuracy,
            "interval": wilson_interval(correct, len(labels)),
            "seconds": seconds,
            "budget_s": final_task.open_budget_s,
            "tiers": list(final_task.open_tiers),
            "tiers_reached": reached,
            "dataset": final_task.dataset,
            "device": final_task.device,
        }
    )
    assert not opened, tr(
        "the open-track training opened the test split: train on the training split only",
        "开放赛道的训练打开了测试集：只能在训练集上训练",
    )
    assert well_formed, tr(
        f"the model's predictions should be one class per test image, shape {tuple(labels.shape)}",
        f"模型的预测应为每张测试图像一个类别，形状 {tuple(labels.shape)}",
    )
    assert seconds <= final_task.open_budget_s * 1.1 + 5, tr(
        f"took {seconds:.0f} s of a {final_task.open_budget_s:.0f} s budget",
        f"用时 {seconds:.0f} 秒，预算为 {final_task.open_budget_s:.0f} 秒",
    )
    assert reached, tr(
        f"{accuracy:.2f}% of the {final_task.dataset} test images right; the open track's first tier needs "
        f"{final_task.open_tiers[0]}%",
        f"{final_task.dataset} 测试图像的准确率为 {accuracy:.2f}%；开放赛道的第一档需要 {final_task.open_tiers[0]}%",
    )
