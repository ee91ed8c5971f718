"""What the grader says about a training run, from what it measured (losses, seconds, predictions)."""

import pytest

from torchcamp.grading.diagnosis import diagnose

HEALTHY_CONFUSION = [[100 if row == column else 0 for column in range(10)] for row in range(10)]
CALIBRATION = {"reference_epoch_s": 0.5}


def run(**changes):
    base = {
        "losses": [0.6, 0.3, 0.2],
        "accuracy": 93.0,
        "seconds": 2.0,
        "calibration": CALIBRATION,
        "confusion": HEALTHY_CONFUSION,
    }
    return {**base, **changes}


def test_a_healthy_run_has_nothing_to_say():
    assert diagnose(run()) == []


def test_an_exploding_loss_is_not_also_called_learning():
    found = diagnose(run(losses=[5.17e8, 1.5e5, 616.0], accuracy=11.2))
    assert len(found) == 1 and "far too large" in found[0]


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"losses": [2.3, float("nan"), float("nan")], "accuracy": 9.8}, "the loss became nan at epoch 2"),
        ({"losses": [0.5, 1.0, 9.0], "accuracy": 11.0}, "the loss grew from 0.5 to 9"),
        (
            {"losses": [5.17e8, 1.5e5, 616.0], "accuracy": 11.2},  # Adam with lr=1e3, as measured
            "the loss reached 5.17e+08 (epoch 1), where a uniform guess gives 2.30",
        ),
        ({"losses": [2.30, 2.29, 2.30], "accuracy": 10.3}, "the loss stayed flat (2.3 → 2.3 over 3 epochs)"),
        (
            {"losses": [2.0, 1.0, 0.5], "accuracy": 10.9},
            "the training loss went down (2 → 0.5) but the test accuracy is 10.9%",
        ),
        ({"seconds": 30.0}, "an epoch took 10.0 s, 20× the reference's epoch on this machine (0.50 s)"),
    ],
)
def test_each_kind_of_broken_run_is_named_with_its_evidence(changes, words):
    found = diagnose(run(**changes))
    assert any(words in diagnosis for diagnosis in found), found


def test_a_class_never_predicted_is_named():
    confusion = [row[:] for row in HEALTHY_CONFUSION]
    confusion[7] = [0] * 10
    confusion[7][1] = 100  # every 7 read as a 1
    assert diagnose(run(confusion=confusion, accuracy=90.0)) == [
        "class 7 is never predicted for any test image: did the training data contain it (a filtered or "
        "truncated training set), and do the labels reach the loss unchanged?"
    ]


def test_diagnoses_speak_chinese(monkeypatch):
    monkeypatch.setenv("TORCHCAMP_LANG", "zh-CN")
    assert diagnose(run(losses=[2.30, 2.29, 2.30], accuracy=10.3))[0].startswith("损失几乎没有变化")
