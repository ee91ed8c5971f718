"""CPU threads per grading process, so that load on the machine cannot change a grade.

torch starts one compute thread per core in every process. Two grading processes side by
side (or one next to another job) then oversubscribe the cores, and every process slows
down many times over: measured here (BENCHMARKS.md), one MNIST epoch takes 1.5 s on an idle
2-core machine, 191 s with 2 threads beside 4 busy torch processes, 12 s with 1 thread.
So each grading process, and the worker it starts, gets the cores nobody else is using,
divided by the processes grading side by side (at least 1), chosen once when grading
starts and set before torch does any work; its threads sleep instead of spinning while
they wait (OMP_WAIT_POLICY=PASSIVE). The numbers are reported with the grade.
"""

from __future__ import annotations

import os
import statistics
import time

ENVIRONMENT = "TORCHCAMP_THREADS"


def cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no sched_getaffinity
        return os.cpu_count() or 1


def busy_cores(samples: int = 5, interval_s: float = 0.1) -> int:
    """Cores other processes keep busy right now: the kernel's count of runnable tasks
    (/proc/loadavg, this process excluded), the median of a few samples; 0 where unknown."""
    counts = []
    for _ in range(samples):
        try:
            running = int(open("/proc/loadavg", encoding="ascii").read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return 0
        counts.append(max(0, running - 1))
        time.sleep(interval_s)
    return min(cores() - 1, int(statistics.median(counts)))


def threads_for(processes_side_by_side: int, busy: int = 0) -> int:
    """Torch threads for each of PROCESSES_SIDE_BY_SIDE grading processes when BUSY cores are
    taken by other work."""
    return max(1, (cores() - busy) // max(1, processes_side_by_side))


def environment_for(threads: int) -> dict[str, str]:
    """What a grading process and its worker inherit: torch and its BLAS libraries read these."""
    value = str(threads)
    return {
        ENVIRONMENT: value,
        "OMP_NUM_THREADS": value,
        "MKL_NUM_THREADS": value,
        "OPENBLAS_NUM_THREADS": value,
        "OMP_WAIT_POLICY": "PASSIVE",  # a waiting thread sleeps: beside other work, spinning costs ~3× here
    }


def apply_from_environment() -> int | None:
    """Set torch's thread count from TORCHCAMP_THREADS (the grader sets it); None when unset."""
    value = os.environ.get(ENVIRONMENT, "")
    if not value.isdigit() or int(value) < 1:
        return None
    import torch

    torch.set_num_threads(int(value))
    return int(value)


def report(processes_side_by_side: int, threads: int, busy: int = 0) -> dict[str, int]:
    return {
        "cores": cores(),
        "busy_cores_at_start": busy,
        "processes_side_by_side": processes_side_by_side,
        "threads_per_process": threads,
    }
