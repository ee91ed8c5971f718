"""One MNIST epoch of the reference, by torch thread count, beside other CPU-bound torch processes.

    python scripts/benchmark_threads.py [--data-root data] [--dataset mnist]

For 0, 2 and 4 busy torch processes (each with torch's default thread count, started here
and killed after), times one epoch of the reference's training with 1 thread, 2 threads
and torch's default, the way grading.calibration times it (a fresh process, the training
split only). Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from torchcamp.grading import threads

ROOT = Path(__file__).resolve().parent.parent
BUSY_TORCH = "import torch\nx = torch.randn(512, 512)\nwhile True:\n    x = (x @ x).tanh()\n"
THREAD_VARIABLES = ("TORCHCAMP_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def one_epoch(data_root: Path, dataset: str, thread_count: int | None) -> float:
    environment = {key: value for key, value in os.environ.items() if key not in THREAD_VARIABLES}
    if thread_count is not None:
        environment.update(threads.environment_for(thread_count))
    command = [sys.executable, "-m", "torchcamp.grading.calibration", str(ROOT), str(data_root), dataset, "cpu"]
    completed = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
    return float(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", type=Path, default=ROOT / "data")
    parser.add_argument("--dataset", default="mnist")
    options = parser.parse_args()
    settings = [(1, "1 thread"), (2, "2 threads"), (None, "torch's default")]
    print(f"One {options.dataset} epoch of the reference, {threads.cores()} cores, seconds:")
    print("| other busy torch processes | " + " | ".join(label for _, label in settings) + " |")
    print("| --- |" + " --- |" * len(settings))
    for busy in (0, 2, 4):
        hogs = [subprocess.Popen([sys.executable, "-c", BUSY_TORCH]) for _ in range(busy)]
        try:
            cells = [f"{one_epoch(options.data_root, options.dataset, count):.1f} s" for count, _ in settings]
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
        print(f"| {busy} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
