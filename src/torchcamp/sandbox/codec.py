"""Results cross the trust boundary as data only.

The worker encodes with torch.save; the grader decodes with torch.load(weights_only=True),
which rebuilds tensors, numbers, strings, containers, dtypes and devices and refuses any
other class. Plain pickle is never used on the way back: it would let a submission run
code in the grader.
"""

from __future__ import annotations

import io
import pickle
import signal
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from torchcamp.sandbox.errors import NotPlainData

PLAIN_SCALARS = (bool, int, float, complex, str, bytes, type(None), torch.dtype, torch.device, torch.Size)
# Bounds on what an answer may decode to, checked before and after decoding: the wire size
# alone does not bound a compressed record, a zero-stride view, or a crafted container.
MAX_RESULT_BYTES = 256 << 20
MAX_RECORDS = 10_000  # entries in torch.save's zip archive: one per tensor storage, plus a few
MAX_ELEMENTS = 64 << 20  # tensor elements in one answer, views counted by their shape
MAX_ITEMS = 1_000_000  # containers' items in one answer
MAX_DEPTH = 64  # nesting of containers


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
    if kind.__qualname__ == "TorchVersion":
        return (
            f"{where} is torch.__version__ itself, a version object, not a plain string: return str(torch.__version__)"
        )
    if isinstance(value, str):
        return f"{where} is a {kind.__qualname__}, a str-like object: return str(...) of it, a plain string"
    return f"{where} is a {kind.__module__}.{kind.__qualname__}"


def encode(value: Any) -> bytes:
    problem = first_non_data(value, "your result")
    if problem:
        raise NotPlainData(
            f"{problem}, but only tensors, numbers, strings, None, dtypes, devices "
            "and lists/tuples/dicts of those can be returned"
        )
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


class DecodeTimeout(BaseException):  # not caught by torch.load's own handlers
    """Decoding an answer used up its CPU time."""


@contextmanager
def cpu_time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after SECONDS of this process's CPU time (SIGPROF, so pytest-timeout's
    SIGALRM is untouched, and a busy machine does not count against it). Main thread only."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise DecodeTimeout

    previous = signal.signal(signal.SIGPROF, interrupt)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def check_archive(payload: bytes) -> None:
    """torch.save writes an uncompressed zip; refuse anything else before torch reads it, so
    no record can expand past the size it has on the wire."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            records = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise NotPlainData(f"the result is not a torch.save archive ({error})") from None
    if len(records) > MAX_RECORDS:
        raise NotPlainData(f"the result holds {len(records)} records, more than the {MAX_RECORDS} allowed")
    for record in records:
        if record.compress_type != zipfile.ZIP_STORED or record.file_size != record.compress_size:
            raise NotPlainData(f"the result has a compressed record ({record.filename}); torch.save never writes one")


def check_bounds(value: Any) -> None:
    """Count items, depth and tensor elements of a decoded answer, without recursion; a
    refusal names where in the answer the limit was crossed."""
    items, elements = 0, 0
    pending: list[tuple[Any, int, str]] = [(value, 0, "")]
    while pending:
        current, depth, where = pending.pop()
        items += 1
        if depth > MAX_DEPTH:
            raise NotPlainData(f"the result is nested more than {MAX_DEPTH} levels deep")
        if items > MAX_ITEMS:
            raise NotPlainData(f"the result holds more than {MAX_ITEMS:,} items")
        if isinstance(current, torch.Tensor):
            elements += current.numel()
            if elements > MAX_ELEMENTS:
                raise NotPlainData(
                    f"the result holds more than {MAX_ELEMENTS:,} tensor elements "
                    f"(at result{where}: a tensor of shape {tuple(current.shape)})"
                )
        elif isinstance(current, dict):
            for key, item in current.items():
                pending.append((key, depth + 1, where))
                pending.append((item, depth + 1, f"{where}[{key!r}]"))
        elif isinstance(current, (list, tuple, set, frozenset)):
            pending.extend((item, depth + 1, f"{where}[{index}]") for index, item in enumerate(current))


def decode(payload: bytes, time_limit_s: float | None = 30.0) -> Any:
    """Plain data from a worker's answer, bounded in size, shape and decoding time."""
    if len(payload) > MAX_RESULT_BYTES:
        raise NotPlainData(f"the result is {len(payload)} bytes, more than the {MAX_RESULT_BYTES} allowed")
    check_archive(payload)
    try:
        with cpu_time_limit(time_limit_s):
            value = torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")
    except DecodeTimeout:
        raise NotPlainData(f"the result took more than {time_limit_s:g} s of CPU time to read back") from None
    except (
        pickle.UnpicklingError,
        RuntimeError,
        EOFError,
        ValueError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotPlainData(f"the result could not be read back as plain data ({first_line[:200]})") from None
    check_bounds(value)
    return value
