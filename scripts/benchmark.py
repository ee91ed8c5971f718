"""Measure student feedback time and grading time, as ratios within one run.

    python scripts/benchmark.py [--repeat 3] [--write BENCHMARKS.md]

- the floor: `python -c "import torch"`;
- per lesson: `pytest exercises/NN` in a student copy with the reference solution dropped in,
  and the same check inside `torchcamp watch` (a warm process);
- `torchcamp grade solutions` (every lesson, worker processes, hidden graders);
- the final task on the CPU: one Fashion-MNIST epoch through a DataLoader with per-sample
  transforms vs from preloaded tensors, and the reference's time to each tier.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import torch

from torchcamp.course.manifest import load_course
from torchcamp.data import default_data_root

ROOT = Path(__file__).resolve().parent.parent
OPTIMIZER_FLOOR = "import torch; torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)"


def wall_time(command: list[str], cwd: Path, repeat: int, extra_environment: dict[str, str] | None = None) -> float:
    """Median wall time of COMMAND over REPEAT runs (after one warm-up run)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment.update(extra_environment or {})
    timings = []
    for attempt in range(repeat + 1):
        started = time.perf_counter()
        completed = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}")
        if attempt:  # the first run warms the file cache
            timings.append(elapsed)
    return statistics.median(timings)


def student_copy_with_solutions(scratch: Path) -> Path:
    repo = scratch / "student"
    repo.mkdir()
    for name in ("course.toml", "pyproject.toml"):
        shutil.copy(ROOT / name, repo / name)
    shutil.copytree(ROOT / "exercises", repo / "exercises")
    shutil.copytree(ROOT / "solutions", repo / "exercises", dirs_exist_ok=True)
    return repo


def watch_checks(repo: Path, repeat: int) -> dict[str, float]:
    """Seconds of each lesson's check inside `torchcamp watch` (a warm process, one fork per
    check), the median over REPEAT runs: with every solution in place it checks 00, passes,
    moves on, ... to the last lesson, printing `checked in X s` after each."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment["COLUMNS"] = "200"
    environment["TORCHCAMP_DATA"] = str(default_data_root(ROOT))  # lesson 08's local estimate trains on it
    per_lesson: dict[str, list[float]] = {}
    for _ in range(repeat):
        completed = subprocess.run(
            [sys.executable, "-m", "torchcamp.cli", "watch", "--lesson", "00", "--course", str(repo)],
            cwd=repo, env=environment, capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        lesson = ""
        for line in completed.stdout.splitlines():
            if "check " in line and ": lesson " in line:
                lesson = line.split(": lesson ", 1)[1][:2]
            elif line.startswith("checked in ") and lesson:
                per_lesson.setdefault(lesson, []).append(float(line.split()[2]))
    return {lesson: statistics.median(times) for lesson, times in per_lesson.items()}


def epoch_seconds(data_root: Path, preloaded: bool) -> float:
    """One epoch of the tutorial's MLP on Fashion-MNIST (batch 64, Adam 1e-3)."""
    from torchvision import datasets, transforms

    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    started = time.perf_counter()
    if preloaded:
        split = datasets.FashionMNIST(str(data_root), train=True)
        images = ((split.data.float() / 255 - 0.1307) / 0.3081).unsqueeze(1)
        dataset = torch.utils.data.TensorDataset(images, split.targets)
    else:
        pipeline = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
        dataset = datasets.FashionMNIST(str(data_root), train=True, transform=pipeline)
    for images, labels in torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True):
        optimizer.zero_grad()
        criterion(model(images), labels).backward()
        optimizer.step()
    return time.perf_counter() - started


def final_task_section(course, data_root: Path) -> list[str]:
    from measure_final import run  # scripts/ is on sys.path when this file runs as a script

    from torchcamp.data import is_ready

    lines = ["## Final task on the CPU", ""]
    if not is_ready(data_root, "fashion-mnist"):
        return [*lines, f"Fashion-MNIST is not prepared under {data_root}: run `make data` first.", ""]
    loader, preloaded = epoch_seconds(data_root, False), epoch_seconds(data_root, True)
    lines += [
        "One Fashion-MNIST epoch of the tutorial's MLP (batch 64, Adam 1e-3), single process:",
        "",
        "| input pipeline | seconds per epoch |",
        "| --- | --- |",
        f"| `DataLoader` over the dataset with per-sample `ToTensor` + `Normalize` | {loader:.1f} s |",
        f"| `DataLoader` over preloaded, normalized tensors | {preloaded:.1f} s ({loader / preloaded:.1f}× faster) |",
        "",
        "Time for the reference solution (preloaded tensors) to reach each tier, median of 3 seeds,",
        "including the 10,000-image test evaluation after every epoch (~10 ms each):",
        "",
        "| dataset | tier | threshold | reached by | median time |",
        "| --- | --- | --- | --- | --- |",
    ]
    lesson = course.lesson(course.final.lesson)
    from torchcamp.sandbox.modules import import_module_from

    reference = import_module_from(ROOT / "solutions" / lesson.directory / lesson.filename, "reference_final")
    for dataset in ("digits-sample", "fashion-mnist"):
        if not is_ready(data_root, dataset):
            continue
        curves = [run(reference, data_root, dataset, "cpu", seed, 10) for seed in range(3)]
        for number, tier in enumerate(course.final.datasets[dataset].tiers, 1):
            reached = [next((s for s, a in curve if a >= tier), None) for curve in curves]
            times = [s for s in reached if s is not None]
            median = f"{statistics.median(times):.1f} s" if times else "never"
            lines.append(f"| {dataset} | {number} | {tier}% | {len(times)}/3 seeds | {median} |")
    return [*lines, ""]


def measure(repeat: int) -> str:
    course = load_course(ROOT)
    tasks_00_04 = sum(len(lesson.tasks) for lesson in course.lessons if lesson.id <= "04")
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        repo = student_copy_with_solutions(Path(scratch))
        floor = wall_time([python, "-c", "import torch"], repo, repeat)
        # Building any torch.optim optimizer imports torch._dynamo (~1 s in torch 2.14): every
        # lesson whose code trains pays it, so those lessons are also compared with this floor.
        optimizer_floor = wall_time([python, "-c", OPTIMIZER_FLOOR], repo, repeat)
        rows = []
        warm = watch_checks(repo, repeat)
        for lesson in course.lessons:
            seconds = wall_time(
                [python, "-m", "pytest", f"exercises/{lesson.id}", "-q", "-p", "no:cacheprovider"],
                repo,
                repeat,
                {"TORCHCAMP_DATA": str(default_data_root(ROOT))},  # lesson 08's local estimate trains on it
            )
            trains = "optim." in (ROOT / "solutions" / lesson.directory / lesson.filename).read_text(encoding="utf-8")
            versus_optimizer = f"{seconds / optimizer_floor:.2f}×" if trains else "—"
            rechecked = (
                f"{warm[lesson.id]:.2f} s ({seconds / warm[lesson.id]:.0f}× faster)" if lesson.id in warm else "—"
            )
            rows.append(
                f"| `pytest exercises/{lesson.id}` | {seconds:.2f} s | {seconds / floor:.2f}× | {versus_optimizer} "
                f"| {rechecked} |"
            )
        grade = [
            python,
            "-m",
            "torchcamp.cli",
            "grade",
            "solutions",
            "--lesson",
            "00",
            "--lesson",
            "01",
            "--lesson",
            "02",
            "--lesson",
            "03",
            "--lesson",
            "04",
        ]
        grading = wall_time(grade, ROOT, max(1, repeat - 1))
        grading_one_job = wall_time([*grade, "--jobs", "1"], ROOT, max(1, repeat - 1))
        # The sandbox's price: the same grading with workers started bare (no bubblewrap, no cgroup).
        unsandboxed = wall_time([*grade, "--unprotected"], ROOT, max(1, repeat - 1), {"TORCHCAMP_SANDBOX": "none"})
    lines = [
        "# Benchmarks",
        "",
        "Produced by `make benchmark` (`scripts/benchmark.py --write BENCHMARKS.md`, then",
        "`scripts/benchmark_class.py` and `scripts/benchmark_outputs.py` with `--append BENCHMARKS.md`).",
        "Wall times are medians over repeated runs after a warm-up run; ratios are against the",
        "floor measured in the same run, so they compare across machines better than seconds do.",
        "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, torch {torch.__version__}, CPU only.",
        "",
        "## Student feedback: `pytest exercises/NN` with the reference solution",
        "",
        "Target: each lesson within 1.5× the floor. Lessons whose code builds an optimizer",
        "(`torch.optim` imports `torch._dynamo`, ~1 s in torch 2.14) or reads images through",
        "torchvision pay that import on top of any test; the second floor includes the optimizer.",
        "The last column is the same check inside `torchcamp watch` (torch imported once, each",
        "check a fork of the warm process): target under 0.5 s for lessons 00–07 on 2 cores.",
        "",
        "| command | wall time | × torch floor | × optimizer floor | re-check in `torchcamp watch` |",
        "| --- | --- | --- | --- | --- |",
        f'| floor: `python -c "import torch"` | {floor:.2f} s | 1.00× | | |',
        f"| optimizer floor: `import torch` + build one `torch.optim.SGD` | {optimizer_floor:.2f} s "
        f"| {optimizer_floor / floor:.2f}× | 1.00× | |",
        *rows,
        "",
        "## Grading: `torchcamp grade solutions`",
        "",
        "Target: lessons 00–04 in under 15 s on 2 cores. Every lesson's worker starts in its own",
        "bubblewrap sandbox and imports torch there (once per lesson, and again after a crash or",
        "a timeout); the last row prices that against workers started without a sandbox.",
        "",
        "| command | wall time | × floor |",
        "| --- | --- | --- |",
        f"| `torchcamp grade solutions --lesson 00 … --lesson 04` ({tasks_00_04} tasks, public tests + hidden graders, "
        f"worker processes) | {grading:.2f} s | {grading / floor:.1f}× |",
        f"| the same with `--jobs 1` (one pytest process) | {grading_one_job:.2f} s | {grading_one_job / floor:.1f}× |",
        f"| the same without a sandbox (`TORCHCAMP_SANDBOX=none`, `--unprotected`) | {unsandboxed:.2f} s "
        f"| {unsandboxed / floor:.1f}× |",
        "",
        *final_task_section(course, default_data_root(ROOT)),
        "## Final task on a GPU",
        "",
        "`scripts/gpu_check.sh` runs every GPU check in one go (under 3 minutes on one GPU):",
        "the reference's time to each tier on `cuda` and a graded run of lesson 08 on `cuda`.",
        "It has not run yet: no GPU machine was available to the sessions so far.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write the report to this file (default: print it)")
    options = parser.parse_args()
    report = measure(options.repeat)
    if options.write:
        options.write.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
