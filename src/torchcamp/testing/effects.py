"""Side effects a probe can observe inside the student's process: helpers for public tests'
and graders' probes (they run where the student's code runs, in-process or in the worker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch


def leaves_global_stream_alone(call: Callable[[], Any]) -> bool:
    """Whether CALL draws nothing from torch's global random generator (a private
    torch.Generator leaves everyone else's random numbers as they were)."""
    torch.manual_seed(1234)
    expected = torch.rand(3)
    torch.manual_seed(1234)
    call()
    return bool(torch.equal(torch.rand(3), expected))
