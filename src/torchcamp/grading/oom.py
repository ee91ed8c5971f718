"""Whether the kernel's out-of-memory killer struck inside this process's own cgroup: the
usual reason a grading process dies of SIGKILL in a container (Gradescope's default
container has 768 MB). Read from the cgroup's own counters, v1 or v2; None where they
cannot be read (no cgroup, another namespace)."""

from __future__ import annotations

from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def own_memory_cgroup() -> Path | None:
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2: one unified tree
            return CGROUP_ROOT / path.lstrip("/")
        if "memory" in controllers.split(","):
            return CGROUP_ROOT / "memory" / path.lstrip("/")
    return None


def oom_kills() -> int | None:
    """How many processes the OOM killer has killed in this process's memory cgroup so far."""
    group = own_memory_cgroup()
    if group is None:
        return None
    for name in ("memory.events", "memory.oom_control"):
        try:
            fields = dict(line.split() for line in (group / name).read_text().splitlines())
        except (OSError, ValueError):
            continue
        if "oom_kill" in fields:
            return int(fields["oom_kill"])
    return None


def killed_message(signal_name: str, kills_before: int | None) -> str:
    kills_after = oom_kills()
    if kills_before is not None and kills_after is not None and kills_after > kills_before:
        return (
            f"the grading process was killed ({signal_name}) by the out-of-memory killer before it finished these "
            "lessons: this machine or container has too little memory for grading (docs/lms.md says how much "
            "Gradescope needs); the submission was not judged"
        )
    return (
        f"the grading process was killed ({signal_name}) before it finished these lessons; out of memory is the "
        "usual reason (docs/lms.md says how much memory grading needs); the submission was not judged"
    )
