"""Judging results in the grader: theirs vs expected, in words a student can act on."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.sandbox.errors import StudentRaised

SMALL_TENSOR = 16


def _show(tensor: torch.Tensor) -> str:
    """A small tensor as itself; a large one by shape, dtype and its first few values."""
    if tensor.numel() <= SMALL_TENSOR:
        return repr(tensor)
    first = ", ".join(
        f"{value:.4g}" if isinstance(value, float) else str(value) for value in tensor.flatten()[:4].tolist()
    )
    shape, dtype = tuple(tensor.shape), str(tensor.dtype).removeprefix("torch.")
    return tr(
        f"tensor of shape {shape}, {dtype}, starting {first}, …", f"形状为 {shape} 的张量，{dtype}，开头是 {first}, …"
    )


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
    yours, wanted = actual[index].item(), expected[index].item()
    return tr(
        f"first difference at index {index}: yours {yours!r}, expected {wanted!r} "
        f"({len(wrong)} of {actual.numel()} elements differ)",
        f"第一处不同在下标 {index}：你的是 {yours!r}，应为 {wanted!r}（{actual.numel()} 个元素中有 {len(wrong)} 个不同）",
    )


def _side_by_side(actual: torch.Tensor, expected: torch.Tensor) -> str:
    return tr(
        f"\n  yours:    {_show(actual)}\n  expected: {_show(expected)}",
        f"\n  你的：{_show(actual)}\n  应为：{_show(expected)}",
    )


def assert_tensor_same(actual: Any, expected: torch.Tensor, what: str, rtol: float | None, atol: float | None) -> None:
    if not isinstance(actual, torch.Tensor):
        kind = type(actual).__name__
        raise AssertionError(
            tr(
                f"{what} should be a tensor, but it is {kind}: {actual!r}",
                f"{what} 应该是张量，但它是 {kind}：{actual!r}",
            )
        )
    if actual.shape != expected.shape:
        yours, wanted = tuple(actual.shape), tuple(expected.shape)
        raise AssertionError(
            tr(f"{what} has shape {yours}, expected {wanted}", f"{what} 的形状是 {yours}，应为 {wanted}")
            + _side_by_side(actual, expected)
        )
    if actual.dtype != expected.dtype:
        raise AssertionError(
            tr(
                f"{what} has dtype {actual.dtype}, expected {expected.dtype}",
                f"{what} 的 dtype 是 {actual.dtype}，应为 {expected.dtype}",
            )
        )
    if torch.equal(actual, expected):
        # Identical is always close; skipping assert_close here saves the ~0.5 s its first
        # call spends importing torch.distributed, which a student would wait for every run.
        return
    try:
        torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    except AssertionError:
        detail = _first_difference(actual, expected, rtol, atol)
        raise AssertionError(
            tr(
                f"{what} has the right shape and dtype but different values: {detail}",
                f"{what} 的形状和 dtype 都对，但数值不同：{detail}",
            )
            + _side_by_side(actual, expected)
        ) from None


def assert_same(
    actual: Any, expected: Any, what: str = "", rtol: float | None = None, atol: float | None = None
) -> None:
    """Assert that ACTUAL matches EXPECTED in type, structure, shape, dtype and value.

    Tensors are compared with torch.testing.assert_close (default tolerances for their
    dtype unless given); containers element by element, naming the path to the difference.
    WHAT names the result for the student (default: "your result").
    """
    what = what or tr("your result", "你的结果")
    if isinstance(expected, torch.Tensor):
        assert_tensor_same(actual, expected, what, rtol, atol)
    elif isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            kind = type(actual).__name__
            raise AssertionError(tr(f"{what} should be a dict, but it is {kind}", f"{what} 应该是 dict，但它是 {kind}"))
        if set(actual) != set(expected):
            yours, wanted = sorted(map(str, actual)), sorted(map(str, expected))
            raise AssertionError(
                tr(f"{what} has keys {yours}, expected {wanted}", f"{what} 的键是 {yours}，应为 {wanted}")
            )
        for key in expected:
            assert_same(actual[key], expected[key], f"{what} › {key}", rtol, atol)
    elif isinstance(expected, Sequence) and not isinstance(expected, (str, bytes, torch.Size)):
        if not isinstance(actual, Sequence) or isinstance(actual, (str, bytes)):
            wanted, kind = type(expected).__name__, type(actual).__name__
            raise AssertionError(
                tr(f"{what} should be a {wanted}, but it is {kind}", f"{what} 应该是 {wanted}，但它是 {kind}")
            )
        if len(actual) != len(expected):
            raise AssertionError(
                tr(
                    f"{what} has {len(actual)} items, expected {len(expected)}",
                    f"{what} 有 {len(actual)} 项，应为 {len(expected)} 项",
                )
            )
        for index, (mine, theirs) in enumerate(zip(actual, expected, strict=True)):
            assert_same(mine, theirs, tr(f"{what} › item {index}", f"{what} › 第 {index} 项"), rtol, atol)
    elif isinstance(expected, float) and not isinstance(actual, bool) and isinstance(actual, (int, float)):
        tolerance = {} if rtol is None else {"rel_tol": rtol, "abs_tol": atol or 0.0}
        if not (math.isclose(actual, expected, **tolerance) or (math.isnan(actual) and math.isnan(expected))):
            raise AssertionError(
                tr(f"{what} is {actual!r}, expected {expected!r}", f"{what} 是 {actual!r}，应为 {expected!r}")
            )
    else:
        if type(actual) is not type(expected) or actual != expected:
            yours, wanted = f"{actual!r} ({type(actual).__name__})", f"{expected!r} ({type(expected).__name__})"
            raise AssertionError(tr(f"{what} is {yours}, expected {wanted}", f"{what} 是 {yours}，应为 {wanted}"))


@contextmanager
def student_raises(error_type: type[BaseException], when: str = "") -> Iterator[None]:
    """Expect the student's code to raise ERROR_TYPE, in either transport. WHEN says for
    which input (shown to the student); prefer assert_raises, which also shows what came back."""
    try:
        with pytest.raises(StudentRaised) as caught:
            yield
    except pytest.fail.Exception:  # pytest's "DID NOT RAISE": internal words, said plainly
        raise AssertionError(
            _expected(error_type, when) + tr(", but your code raised nothing", "，但你的代码没有抛出异常")
        ) from None
    if caught.value.type_name != error_type.__name__:
        raised = caught.value.type_name
        raise AssertionError(
            _expected(error_type, when) + tr(f", but your code raised {raised}", f"，但你的代码抛出了 {raised}")
        )


def _expected(error_type: type[BaseException], when: str) -> str:
    name = error_type.__name__
    return tr(f"expected {name}{' ' + when if when else ''}", f"应抛出 {name}{'（' + when + '）' if when else ''}")


def assert_raises(error_type: type[BaseException], call: Any, *args: Any, **kwargs: Any) -> None:
    """Expect CALL(*ARGS, **KWARGS) (a student function) to raise ERROR_TYPE; when it returns
    instead, say what it returned: "expected ValueError for choose_device(False, False, 'gpu'),
    your function returned 'cpu'"."""
    shown = ", ".join([*map(repr, args), *(f"{key}={value!r}" for key, value in kwargs.items())])
    called = f"{getattr(call, '__name__', 'function')}({shown})"
    expected = tr(f"expected {error_type.__name__} for {called}", f"对 {called} 应抛出 {error_type.__name__}")
    try:
        returned = call(*args, **kwargs)
    except StudentRaised as raised:
        if raised.type_name != error_type.__name__:
            name = raised.type_name
            raise AssertionError(
                expected + tr(f", but your code raised {name}", f"，但你的代码抛出了 {name}")
            ) from None
        return
    raise AssertionError(expected + tr(f", your function returned {returned!r}", f"，你的函数返回了 {returned!r}"))
