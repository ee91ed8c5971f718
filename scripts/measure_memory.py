"""Grade one submission inside a memory cgroup with a hard limit, as Gradescope's container
would (768 MB by default), and report whether it fit: the peak the cgroup charged, the peak
resident memory of the process tree, the kernel's OOM kills and the grade itself.

    python scripts/measure_memory.py --limit-mb 768 [--dataset mnist] [--submission solutions]

Needs root and cgroup v1's memory controller (mounted at /sys/fs/cgroup/memory); swap is
limited too, so the limit is real. The grade runs like Gradescope's run_autograder: on the
CPU, `--unprotected` (no sandbox in Gradescope's default container).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CGROUP = Path("/sys/fs/cgroup/memory")


def tree_rss(pid: int) -> int:
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit-mb", type=int, default=768)
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--submission", default=str(ROOT / "solutions"))
    parser.add_argument("--jobs", type=int, default=1, help="pytest processes (Gradescope gives half a CPU)")
    arguments = parser.parse_args()
    if not (CGROUP / "memory.limit_in_bytes").exists():
        sys.exit("needs cgroup v1's memory controller at /sys/fs/cgroup/memory (and root)")
    group = CGROUP / f"torchcamp-measure-{os.getpid()}"
    group.mkdir()
    limit = arguments.limit_mb << 20
    try:
        (group / "memory.limit_in_bytes").write_text(str(limit))
        swap = group / "memory.memsw.limit_in_bytes"
        if swap.exists():
            swap.write_text(str(limit))  # no escape into swap
        with tempfile.TemporaryDirectory() as scratch:
            record = Path(scratch) / "grade.json"
            command = [
                sys.executable, "-m", "torchcamp.cli", "grade", arguments.submission, "--course", str(ROOT),
                "--dataset", arguments.dataset, "--data-root", str(ROOT / "data"), "--device", "cpu",
                "--unprotected", "--jobs", str(arguments.jobs), "--json", str(record),
            ]  # fmt: skip
            started = time.monotonic()
            # The child joins the cgroup before it runs anything: all its memory is charged there.
            child = subprocess.Popen(
                command,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                preexec_fn=lambda: (group / "cgroup.procs").write_text(str(os.getpid())),
            )
            peak_rss = 0
            while child.poll() is None:
                peak_rss = max(peak_rss, tree_rss(child.pid))
                time.sleep(0.2)
            stderr = child.stderr.read()
            seconds = time.monotonic() - started
            result = json.loads(record.read_text()) if record.exists() else None
        oom = dict(line.split() for line in (group / "memory.oom_control").read_text().splitlines())
        report = {
            "limit_mb": arguments.limit_mb,
            "dataset": arguments.dataset,
            "jobs": arguments.jobs,
            "exit_code": child.returncode,
            "seconds": round(seconds, 1),
            "cgroup_peak_mib": int((group / "memory.max_usage_in_bytes").read_text()) >> 20,
            "tree_rss_peak_mib": peak_rss >> 20,
            "limit_hits": int((group / "memory.failcnt").read_text()),
            "oom_kills": int(oom.get("oom_kill", 0)),
            "score": result and [result["score"], result["max_score"]],
            "tasks_not_passed": result
            and {
                task["id"]: f"{task['status']}: {task['message'][:160]}"
                for lesson in result["lessons"]
                for task in lesson["tasks"]
                if task["status"] != "passed"
            },
        }
        print(json.dumps(report, indent=2))
        if child.returncode != 0:
            print(stderr[-3000:], file=sys.stderr)
    finally:
        for _ in range(50):  # the group can be removed once its last process is gone
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)


if __name__ == "__main__":
    main()
