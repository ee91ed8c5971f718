"""Judging results in the grader: theirs vs expected, in words a student can act on."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
import torch

from torchcamp.sandbox.errors import StudentRaised

SMALL_TENSOR = 16


def _show(tensor: torch.Tensor) -> str:
    """A small tensor as itself; a large one by shape, dtype and its first few values."""
    if tensor.numel() <= SMALL_TENSOR:
        return repr(tensor)
    first = ", ".join(
        f"{value:.4g}" if isinstance(value, float) else str(value) for value in tensor.flatten()[:4].tolist()
    )
    return f"tensor of shape {tuple(tensor.shape)}, {str(tensor.dtype).removeprefix('torch.')}, starting {first}, …"


def _first_difference(actual: torch.Tensor, expected: torch.Tensor, rtol: float | None, atol: float | None) -> str:
    if actual.dtype.is_floating_point or actual.dtype.is_complex:
        tolerances = {} if rtol is None else {"rtol": rtol, "atol": atol}
        close = torch.isclose(actual, expected.to(actual.dtype), equal_nan=True, **tolerances)
    else:
        close = actual == expected
    wrong = (~close).nonzero()
    if len(wrong) == 0:
        return ""
    index = tuple(wrong[0].tolist())
    return (
        f"first difference at index {index}: yours {actual[index].item()!r}, expected {expected[index].item()!r} "
        f"({len(wrong)} of {actual.numel()} elements differ)"
    )


def assert_tensor_same(actual: Any, expected: torch.Tensor, what: str, rtol: float | None, atol: float | None) -> None:
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"{what} should be a tensor, but it is {type(actual).__name__}: {actual!r}")
    if actual.shape != expected.shape:
        raise AssertionError(
            f"{what} has shape {tuple(actual.shape)}, expected {tuple(expected.shape)}\n"
            f"  yours:    {_show(actual)}\n  expected: {_show(expected)}"
        )
    if actual.dtype != expected.dtype:
        raise AssertionError(f"{what} has dtype {actual.dtype}, expected {expected.dtype}")
    if torch.equal(actual, expected):
        # Identical is always close; skipping assert_close here saves the ~0.5 s its first
        # call spends importing torch.distributed, which a student would wait for every run.
        return
    try:
        torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    except AssertionError:
        detail = _first_difference(actual, expected, rtol, atol)
        raise AssertionError(
            f"{what} has the right shape and dtype but different values: {detail}\n"
            f"  yours:    {_show(actual)}\n  expected: {_show(expected)}"
        ) from None


def assert_same(
    actual: Any, expected: Any, what: str = "your result", rtol: float | None = None, atol: float | None = None
) -> None:
    """Assert that ACTUAL matches EXPECTED in type, structure, shape, dtype and value.

    Tensors are compared with torch.testing.assert_close (default tolerances for their
    dtype unless given); containers element by element, naming the path to the difference.
    """
    if isinstance(expected, torch.Tensor):
        assert_tensor_same(actual, expected, what, rtol, atol)
    elif isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            raise AssertionError(f"{what} should be a dict, but it is {type(actual).__name__}")
        if set(actual) != set(expected):
            raise AssertionError(f"{what} has keys {sorted(map(str, actual))}, expected {sorted(map(str, expected))}")
        for key in expected:
            assert_same(actual[key], expected[key], f"{what} › {key}", rtol, atol)
    elif isinstance(expected, Sequence) and not isinstance(expected, (str, bytes, torch.Size)):
        if not isinstance(actual, Sequence) or isinstance(actual, (str, bytes)):
            raise AssertionError(f"{what} should be a {type(expected).__name__}, but it is {type(actual).__name__}")
        if len(actual) != len(expected):
            raise AssertionError(f"{what} has {len(actual)} items, expected {len(expected)}")
        for index, (mine, theirs) in enumerate(zip(actual, expected, strict=True)):
            assert_same(mine, theirs, f"{what} › item {index}", rtol, atol)
    elif isinstance(expected, float) and not isinstance(actual, bool) and isinstance(actual, (int, float)):
        tolerance = {} if rtol is None else {"rel_tol": rtol, "abs_tol": atol or 0.0}
        if not (math.isclose(actual, expected, **tolerance) or (math.isnan(actual) and math.isnan(expected))):
            raise AssertionError(f"{what} is {actual!r}, expected {expected!r}")
    else:
        if type(actual) is not type(expected) or actual != expected:
            raise AssertionError(
                f"{what} is {actual!r} ({type(actual).__name__}), expected {expected!r} ({type(expected).__name__})"
            )


@contextmanager
def student_raises(error_type: type[BaseException], when: str = "") -> Iterator[None]:
    """Expect the student's code to raise ERROR_TYPE, in either transport. WHEN says for
    which input (shown to the student); prefer assert_raises, which also shows what came back."""
    try:
        with pytest.raises(StudentRaised) as caught:
            yield
    except pytest.fail.Exception:  # pytest's "DID NOT RAISE": internal words, said plainly
        raise AssertionError(
            f"expected {error_type.__name__}{' ' + when if when else ''}, but your code raised nothing"
        ) from None
    if caught.value.type_name != error_type.__name__:
        raise AssertionError(
            f"expected {error_type.__name__}{' ' + when if when else ''}, but your code raised {caught.value.type_name}"
        )


def assert_raises(error_type: type[BaseException], call: Any, *args: Any, **kwargs: Any) -> None:
    """Expect CALL(*ARGS, **KWARGS) (a student function) to raise ERROR_TYPE; when it returns
    instead, say what it returned: "expected ValueError for choose_device(False, False, 'gpu'),
    your function returned 'cpu'"."""
    shown = ", ".join([*map(repr, args), *(f"{key}={value!r}" for key, value in kwargs.items())])
    where = f"for {getattr(call, '__name__', 'your function')}({shown})"
    try:
        returned = call(*args, **kwargs)
    except StudentRaised as raised:
        if raised.type_name != error_type.__name__:
            raise AssertionError(
                f"expected {error_type.__name__} {where}, but your code raised {raised.type_name}"
            ) from None
        return
    raise AssertionError(f"expected {error_type.__name__} {where}, your function returned {returned!r}")
