"""Results cross the trust boundary as data only.

The worker encodes with torch.save; the grader decodes with torch.load(weights_only=True),
which rebuilds tensors, numbers, strings, containers, dtypes and devices and refuses any
other class. Plain pickle is never used on the way back: it would let a submission run
code in the grader.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

import torch

from torchcamp.errors import NotPlainData

PLAIN_SCALARS = (bool, int, float, complex, str, bytes, type(None), torch.dtype, torch.device, torch.Size)
MAX_RESULT_BYTES = 1 << 30


def first_non_data(value: Any, where: str = "the result") -> str | None:
    """Name the first thing in VALUE that is not plain data, for a helpful message.

    Only a diagnostic for the student: the grader's safety comes from decode().
    """
    if type(value) in PLAIN_SCALARS or type(value) in (torch.Tensor, torch.nn.Parameter):
        return None
    if type(value) in (list, tuple, set, frozenset):
        for index, item in enumerate(value):
            problem = first_non_data(item, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(value, dict) and type(value).__module__ in ("builtins", "collections"):
        for key, item in value.items():
            problem = first_non_data(key, f"a key of {where}") or first_non_data(item, f"{where}[{key!r}]")
            if problem:
                return problem
        return None
    kind = type(value)
    return f"{where} is a {kind.__module__}.{kind.__qualname__}"


def encode(value: Any) -> bytes:
    problem = first_non_data(value)
    if problem:
        raise NotPlainData(
            f"{problem}, but only tensors, numbers, strings, None, dtypes, devices "
            "and lists/tuples/dicts of those can be returned"
        )
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def decode(payload: bytes) -> Any:
    if len(payload) > MAX_RESULT_BYTES:
        raise NotPlainData(f"the result is {len(payload)} bytes, more than the {MAX_RESULT_BYTES} allowed")
    try:
        return torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, TypeError, AttributeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotPlainData(f"the result could not be read back as plain data ({first_line[:200]})") from None
