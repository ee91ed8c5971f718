"""CPU threads per grading process, so that load on the machine cannot change a grade.

torch starts one compute thread per core in every process. Two grading processes side by
side (or one next to another job) then oversubscribe the cores, and every process slows
down many times over (two epochs of MNIST took 256 s instead of ~3 s that way). Each
grading process, and the worker it starts, instead gets cores ÷ processes side by side (at
least 1), set before torch does any work; the number is reported with the grade.
"""

from __future__ import annotations

import os

ENVIRONMENT = "TORCHCAMP_THREADS"


def cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no sched_getaffinity
        return os.cpu_count() or 1


def threads_for(processes_side_by_side: int) -> int:
    return max(1, cores() // max(1, processes_side_by_side))


def environment_for(threads: int) -> dict[str, str]:
    """What a grading process and its worker inherit: torch and its BLAS libraries read these."""
    value = str(threads)
    return {ENVIRONMENT: value, "OMP_NUM_THREADS": value, "MKL_NUM_THREADS": value, "OPENBLAS_NUM_THREADS": value}


def apply_from_environment() -> int | None:
    """Set torch's thread count from TORCHCAMP_THREADS (the grader sets it); None when unset."""
    value = os.environ.get(ENVIRONMENT, "")
    if not value.isdigit() or int(value) < 1:
        return None
    import torch

    torch.set_num_threads(int(value))
    return int(value)


def report(processes_side_by_side: int, threads: int) -> dict[str, int]:
    return {"cores": cores(), "processes_side_by_side": processes_side_by_side, "threads_per_process": threads}
