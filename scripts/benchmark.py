"""Measure student feedback time and grading time, as ratios within one run.

    python scripts/benchmark.py [--repeat 3] [--write BENCHMARKS.md]

- the floor: `python -c "import torch"`;
- per lesson: `pytest exercises/NN` in a student copy with the reference solution dropped in;
- `torchcamp grade solutions` (every lesson, worker processes, hidden graders).
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

from torchcamp.manifest import load_course

ROOT = Path(__file__).resolve().parent.parent
OPTIMIZER_FLOOR = "import torch; torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)"


def wall_time(command: list[str], cwd: Path, repeat: int) -> float:
    """Median wall time of COMMAND over REPEAT runs (after one warm-up run)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
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


def measure(repeat: int) -> str:
    course = load_course(ROOT)
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        repo = student_copy_with_solutions(Path(scratch))
        floor = wall_time([python, "-c", "import torch"], repo, repeat)
        # Building any torch.optim optimizer imports torch._dynamo (~1 s in torch 2.14): every
        # lesson whose code trains pays it, so those lessons are also compared with this floor.
        optimizer_floor = wall_time([python, "-c", OPTIMIZER_FLOOR], repo, repeat)
        rows = []
        for lesson in course.lessons:
            seconds = wall_time([python, "-m", "pytest", f"exercises/{lesson.id}", "-q", "-p", "no:cacheprovider"], repo, repeat)
            trains = "optim." in (ROOT / "solutions" / lesson.directory / lesson.filename).read_text(encoding="utf-8")
            versus_optimizer = f"{seconds / optimizer_floor:.2f}×" if trains else "—"
            rows.append(f"| `pytest exercises/{lesson.id}` | {seconds:.2f} s | {seconds / floor:.2f}× | {versus_optimizer} |")
        grade = [python, "-m", "torchcamp.cli", "grade", "solutions"]
        grading = wall_time(grade, ROOT, max(1, repeat - 1))
        grading_one_job = wall_time([*grade, "--jobs", "1"], ROOT, max(1, repeat - 1))
    lines = [
        "# Benchmarks",
        "",
        "Produced by `make benchmark` (`python scripts/benchmark.py --write BENCHMARKS.md`).",
        "Wall times are medians over repeated runs after a warm-up run; ratios are against the",
        "floor measured in the same run, so they compare across machines better than seconds do.",
        "",
        f"Measured {date.today().isoformat()} on {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, torch {torch.__version__}, CPU only.",
        "",
        "## Student feedback: `pytest exercises/NN` with the reference solution",
        "",
        "Target: each lesson within 1.5× the floor.",
        "",
        "| command | wall time | × torch floor | × optimizer floor |",
        "| --- | --- | --- | --- |",
        f"| floor: `python -c \"import torch\"` | {floor:.2f} s | 1.00× | |",
        f"| optimizer floor: `import torch` + build one `torch.optim.SGD` | {optimizer_floor:.2f} s "
        f"| {optimizer_floor / floor:.2f}× | 1.00× |",
        *rows,
        "",
        "## Grading: `torchcamp grade solutions`",
        "",
        f"Target: lessons {course.lessons[0].id}–{course.lessons[-1].id} in under 15 s on 2 cores.",
        "",
        "| command | wall time | × floor |",
        "| --- | --- | --- |",
        f"| `torchcamp grade solutions` ({len(course.tasks)} tasks, public tests + hidden graders, worker processes) "
        f"| {grading:.2f} s | {grading / floor:.1f}× |",
        f"| `torchcamp grade solutions --jobs 1` (one pytest process) | {grading_one_job:.2f} s | {grading_one_job / floor:.1f}× |",
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
