"""The final task's time budget, calibrated on the machine that grades.

A budget in absolute seconds makes a grade depend on the machine and on its load: the same
script passes on an idle machine and loses a tier on a busy one. Instead, when grading of
the final task starts (once per class run), the reference solution trains one epoch here,
with the thread count the graders use, and the student's budget is

    budget = multiple × epochs × (the reference's epoch), kept within [floor_s, ceiling_s]

(`[final.budget]` in course.toml; the ceiling is the dataset's `budget_s` for the device).
The reference is the course's own trusted code, so it may time itself; the student's run is
timed in the grader's process.

    python -m torchcamp.grading.calibration COURSE DATA_ROOT DATASET DEVICE   # prints seconds per epoch
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from torchcamp.course import layout
from torchcamp.course.manifest import Course


class CalibrationFailed(RuntimeError):
    """The reference could not be timed here (no solutions, no data, a crash)."""


@dataclass(frozen=True)
class Calibration:
    reference_epoch_s: float  # one epoch of the reference's training, measured on this machine
    multiple: float
    epochs: int
    floor_s: float
    ceiling_s: float
    threads: int | None  # torch threads it ran with (those of the graders)

    @property
    def budget_s(self) -> float:
        return round(min(self.ceiling_s, max(self.floor_s, self.multiple * self.epochs * self.reference_epoch_s)), 1)

    def to_json(self) -> dict:
        return {**asdict(self), "budget_s": self.budget_s}

    @classmethod
    def from_json(cls, data: dict) -> Calibration:
        fields = ("reference_epoch_s", "multiple", "epochs", "floor_s", "ceiling_s", "threads")
        return cls(**{name: data[name] for name in fields})

    def explain(self) -> str:
        from torchcamp.course.texts import tr

        formula = f"{self.multiple:g} × {self.epochs} × {self.reference_epoch_s:.2f} s"
        return tr(
            f"budget {self.budget_s:.0f} s = {formula} (the reference's epoch, measured on this machine at the start "
            f"of grading), within {self.floor_s:.0f}–{self.ceiling_s:.0f} s",
            f"预算 {self.budget_s:.0f} 秒 = {formula}（评分开始时在这台机器上测得的参考答案一个 epoch 的用时），"
            f"限定在 {self.floor_s:.0f}–{self.ceiling_s:.0f} 秒之间",
        )


def measure_reference_epoch(course: Course, data_root: Path, dataset: str, device: str, threads_used: int) -> float:
    """Seconds for one epoch of the reference's train() here, in a fresh process with the
    graders' thread count."""
    from torchcamp.grading import threads

    lesson = course.lesson(course.final.lesson)
    if not layout.solution(course, lesson).is_file():
        raise CalibrationFailed(f"no reference solution for lesson {lesson.id} to calibrate the budget with")
    command = [sys.executable, "-m", "torchcamp.grading.calibration", str(course.root), str(data_root), dataset, device]
    environment = {**os.environ, **threads.environment_for(threads_used)}
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, check=False, timeout=1800)
    if completed.returncode != 0:
        raise CalibrationFailed(f"timing the reference failed:\n{completed.stderr.strip()[-2000:]}")
    return float(completed.stdout.strip().splitlines()[-1])


def calibrate(course: Course, data_root: Path, dataset: str, device: str, threads_used: int) -> Calibration:
    settings = course.final.budget
    ceiling = course.final.datasets[dataset].budget_s[device.split(":")[0]]
    return Calibration(
        round(measure_reference_epoch(course, data_root, dataset, device, threads_used), 3),
        settings.multiple,
        settings.epochs,
        settings.floor_s,
        ceiling,
        threads_used,
    )


def main() -> None:
    from torchcamp.course.manifest import load_course
    from torchcamp.data import write_training_split_view
    from torchcamp.grading import threads
    from torchcamp.sandbox.modules import import_module_from

    course_root, data_root, dataset, device = sys.argv[1:5]
    threads.apply_from_environment()
    course = load_course(Path(course_root))
    lesson = course.lesson(course.final.lesson)
    reference = import_module_from(layout.solution(course, lesson), "calibration_reference")
    with tempfile.TemporaryDirectory() as scratch:
        # The same view of the data the student's run gets: the training split only.
        view = write_training_split_view(Path(data_root), dataset, Path(scratch))
        started = time.monotonic()
        reference.train(str(view), dataset, device, time_budget_s=1e9, epochs=1, seed=0)
        print(f"{time.monotonic() - started:.4f}")


if __name__ == "__main__":
    main()
