"""The final task's calibrated budget, its thread counts, and the accuracy's 95 % interval."""

import pytest

from torchcamp.grading import threads
from torchcamp.grading.calibration import Calibration
from torchcamp.grading.uncertainty import borderline_tiers, wilson_interval


@pytest.mark.parametrize(
    "epoch_s, expected",
    [(1.6, 48.0), (0.05, 20.0), (100.0, 900.0)],  # k × epochs × epoch; the floor; the ceiling
)
def test_the_budget_is_a_multiple_of_the_reference_epoch_within_floor_and_ceiling(epoch_s, expected):
    calibration = Calibration(epoch_s, 3.0, 10, 20.0, 900.0, 2)
    assert calibration.budget_s == expected
    assert Calibration.from_json(calibration.to_json()) == calibration
    assert calibration.to_json()["budget_s"] == expected


def test_the_budget_is_explained_in_both_languages(monkeypatch):
    calibration = Calibration(1.6, 3.0, 10, 20.0, 900.0, 2)
    assert calibration.explain().startswith("budget 48 s = 3 × 10 × 1.60 s")
    monkeypatch.setenv("TORCHCAMP_LANG", "zh-CN")
    assert calibration.explain().startswith("预算 48 秒 = 3 × 10 × 1.60 s")


def test_the_interval_of_a_mnist_sized_test_split():
    low, high = wilson_interval(9750, 10000)  # 97.5 % of 10,000: about ±0.3 points
    assert low == pytest.approx(97.18, abs=0.02) and high == pytest.approx(97.79, abs=0.02)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 100.0


def test_a_tier_within_the_half_width_is_borderline():
    interval = wilson_interval(9740, 10000)
    assert borderline_tiers(97.40, interval, [95.0, 97.0, 97.5]) == [3]
    assert borderline_tiers(98.50, wilson_interval(9850, 10000), [95.0, 97.0, 97.5]) == []


@pytest.mark.parametrize(
    "cores, side_by_side, busy, expected",
    [(2, 1, 0, 2), (2, 2, 0, 1), (2, 4, 0, 1), (16, 3, 0, 5), (2, 1, 1, 1), (16, 2, 6, 5), (4, 1, 3, 1)],
)
def test_threads_are_free_cores_divided_by_processes_side_by_side(monkeypatch, cores, side_by_side, busy, expected):
    monkeypatch.setattr(threads, "cores", lambda: cores)
    assert threads.threads_for(side_by_side, busy) == expected
    environment = threads.environment_for(expected)
    assert environment["OMP_NUM_THREADS"] == str(expected) and environment["OMP_WAIT_POLICY"] == "PASSIVE"


def test_cores_kept_busy_by_other_processes_are_seen():
    import subprocess
    import sys

    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(threads.cores())]
    try:
        assert threads.busy_cores() >= max(1, threads.cores() - 1) if threads.cores() > 1 else True
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def test_threads_are_set_from_the_environment(monkeypatch):
    import torch

    before = torch.get_num_threads()
    monkeypatch.setenv(threads.ENVIRONMENT, "1")
    try:
        assert threads.apply_from_environment() == 1 and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    monkeypatch.setenv(threads.ENVIRONMENT, "many")
    assert threads.apply_from_environment() is None
