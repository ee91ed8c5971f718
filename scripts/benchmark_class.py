"""Class grading benchmark: 20 copies of the reference submission, -j 1 vs -j 2.

    python scripts/benchmark_class.py [--copies 20] [--append BENCHMARKS.md]

Reports wall time per run, the peak resident memory of any grading process (ru_maxrss of
the waited-for children: the grader's pytest processes, fork servers and workers), and the
time to rebuild every output (CSVs, Gradescope and Classroom results, feedback pages with
pictures, summary, nbgrader gradebook) for the whole class, via `torchcamp class merge --gradebook`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of any child process so far)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - started, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--append", type=Path, help="append the report to this file")
    options = parser.parse_args()
    torchcamp = [sys.executable, "-m", "torchcamp.cli"]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        sources = []
        for number in range(options.copies):
            copy = scratch / f"student{number:02d}"
            shutil.copytree(ROOT / "solutions", copy)
            sources.append(str(copy))
        common = ["--dataset", "digits-sample", "--data-root", str(ROOT / "data")]
        for jobs in (1, 2):
            seconds, peak = timed(
                [*torchcamp, "class", "grade", *sources, "--out", str(scratch / f"out{jobs}"), "-j", str(jobs), *common]
            )
            rows.append(
                f"| `torchcamp class grade` {options.copies} submissions, `-j {jobs}` | {seconds:.0f} s "
                f"| {seconds / options.copies:.1f} s | {peak:.0f} MiB |"
            )
        seconds, _ = timed(
            [*torchcamp, "class", "merge", str(scratch / "rebuilt"), str(scratch / "out1"), "--gradebook"]
        )
    report = "\n".join(
        [
            "",
            f"## Grading a class ({options.copies} copies of the reference submission, all lessons, final task on digits-sample, CPU)",
            "",
            "Produced by `python scripts/benchmark_class.py`. Peak memory is the largest resident set of any",
            "grading process (`ru_maxrss` of the children); `-j N` runs N submissions side by side, each with one worker.",
            "",
            "| run | wall time | per submission | peak memory of a grading process |",
            "| --- | --- | --- | --- |",
            *rows,
            f"| rebuilding every output for the class (`torchcamp class merge --gradebook`: CSVs, Gradescope, Classroom, feedback with pictures, "
            f"summary, nbgrader gradebook) | {seconds:.1f} s | | |",
            "",
            "`-j 1` already grades each submission's two lesson groups side by side (a single",
            "submission's `--jobs` defaults to 2), so on a 2-core machine `-j 2` runs four pytest",
            "processes at once; compare the two rows before choosing `-j` for a machine.",
            "",
        ]
    )
    if options.append:
        with options.append.open("a", encoding="utf-8") as handle:
            handle.write(report)
    print(report)


if __name__ == "__main__":
    main()
