"""What went wrong in a final-task training run, in plain words, with the evidence.

Everything here is read from what the grader measured or was handed as data: the loss of
each epoch, the seconds (timed in the grader's process), the calibration, and the test
predictions (a confusion matrix computed by the grader). Nothing is taken on the
student's word, and nothing needs the student's code.
"""

from __future__ import annotations

import math

from torchcamp.course.texts import tr

FLAT = 0.97  # the last epoch's loss at least this share of the first: training did not move
FELL = 0.9  # the last epoch's loss at most this share of the first: the model learned something
CHANCE_LOSS = math.log(10)  # cross-entropy of a uniform guess over ten classes
CHANCE_ACCURACY = 20.0  # percent; ten classes, so ~10 % is guessing
SLOW_FACTOR = 4.0  # seconds per epoch against the reference's calibrated epoch


def diagnose(run: dict) -> list[str]:
    """Every problem RUN shows, most fundamental first; [] for a healthy run."""
    found = []
    losses = [float(loss) for loss in run.get("losses", [])]
    broken = next((number for number, loss in enumerate(losses, 1) if not math.isfinite(loss)), None)
    if broken is not None:
        found.append(
            tr(
                f"the loss became {losses[broken - 1]} at epoch {broken}: the updates blew up — a learning rate "
                "far too high, or pixels not scaled to [0, 1] and normalized",
                f"第 {broken} 个 epoch 的损失变成了 {losses[broken - 1]}：参数更新发散了——学习率太大，"
                "或者像素没有缩放到 [0, 1] 并归一化",
            )
        )
    elif losses and max(losses) > 10 * CHANCE_LOSS:
        worst = max(losses)
        found.append(
            tr(
                f"the loss reached {worst:.3g} (epoch {losses.index(worst) + 1}), where a uniform guess gives "
                f"{CHANCE_LOSS:.2f}: the updates are far too large — a learning rate far too high, or pixels not "
                "scaled to [0, 1] and normalized",
                f"损失达到了 {worst:.3g}（第 {losses.index(worst) + 1} 个 epoch），而均匀瞎猜只有 {CHANCE_LOSS:.2f}："
                "参数更新幅度太大——学习率太大，或者像素没有缩放到 [0, 1] 并归一化",
            )
        )
    elif len(losses) >= 2 and losses[-1] > 10 * losses[0]:
        found.append(
            tr(
                f"the loss grew from {losses[0]:.3g} to {losses[-1]:.3g}: the learning rate is too high",
                f"损失从 {losses[0]:.3g} 增长到 {losses[-1]:.3g}：学习率太大",
            )
        )
    elif len(losses) >= 2 and losses[-1] >= FLAT * losses[0]:
        found.append(
            tr(
                f"the loss stayed flat ({losses[0]:.3g} → {losses[-1]:.3g} over {len(losses)} epochs): the "
                "parameters are not learning — optimizer.step() missing, zero_grad() after backward(), a learning "
                "rate far too small, or an optimizer built on other parameters than the model's",
                f"损失几乎没有变化（{len(losses)} 个 epoch 从 {losses[0]:.3g} 到 {losses[-1]:.3g}）：参数没有在学习——"
                "缺少 optimizer.step()、在 backward() 之后才 zero_grad()、学习率太小，或者优化器拿到的不是模型的参数",
            )
        )
    accuracy = run.get("accuracy")
    learned = not found and len(losses) >= 2 and losses[-1] <= FELL * losses[0]
    if accuracy is not None and accuracy < CHANCE_ACCURACY and learned:
        found.append(
            tr(
                f"the training loss went down ({losses[0]:.3g} → {losses[-1]:.3g}) but the test accuracy is "
                f"{accuracy:.1f}%, about guessing: the model learned something that does not hold for the test "
                "images — labels shuffled apart from their images, or a different normalization than the test "
                "images get (the grader normalizes with MEAN and STD)",
                f"训练损失下降了（{losses[0]:.3g} → {losses[-1]:.3g}），测试准确率却只有 {accuracy:.1f}%，和瞎猜差不多："
                "模型学到的东西在测试图像上不成立——标签和图像被分别打乱了，或者训练时的归一化和测试图像不同"
                "（评分程序用 MEAN 和 STD 归一化）",
            )
        )
    calibration = run.get("calibration") or {}
    if losses and calibration.get("reference_epoch_s") and run.get("seconds"):
        per_epoch = run["seconds"] / len(losses)
        ratio = per_epoch / calibration["reference_epoch_s"]
        if ratio >= SLOW_FACTOR:
            found.append(
                tr(
                    f"an epoch took {per_epoch:.1f} s, {ratio:.0f}× the reference's epoch on this machine "
                    f"({calibration['reference_epoch_s']:.2f} s): a per-sample transform or DataLoader workers on a "
                    "small machine cost more than the model; normalize the whole training split once and slice "
                    "batches from it",
                    f"一个 epoch 用了 {per_epoch:.1f} 秒，是这台机器上参考答案一个 epoch（{calibration['reference_epoch_s']:.2f} 秒）"
                    f"的 {ratio:.0f} 倍：逐样本变换，或在小机器上给 DataLoader 开 worker，比模型本身还费时；"
                    "请一次性归一化整个训练集，再从中切出批次",
                )
            )
    confusion = run.get("confusion")
    if confusion and accuracy is not None and accuracy >= CHANCE_ACCURACY:
        never = [digit for digit in range(len(confusion)) if sum(row[digit] for row in confusion) == 0]
        if never:
            shown = ", ".join(map(str, never))
            found.append(
                tr(
                    f"class {shown} is never predicted for any test image: did the training data contain it (a "
                    "filtered or truncated training set), and do the labels reach the loss unchanged?",
                    f"没有任何测试图像被预测为类别 {shown}：训练数据里有这个类别吗（训练集被过滤或截断了？），"
                    "标签是否原样传给了损失函数？",
                )
            )
    return found
