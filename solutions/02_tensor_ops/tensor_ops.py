"""Lesson 02 — reference solution."""

import torch
import torch.nn.functional as F


def elementwise_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return a * b


def matrix_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.matmul(a, b)


def mean_and_sum(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    # mean() is only defined for floating types, so integers are converted first;
    # sum() keeps the input's dtype.
    return t.float().mean(), t.sum()


def to_rows(t: torch.Tensor, rows: int) -> torch.Tensor:
    # reshape, not view: view fails on non-contiguous input such as a transpose.
    return t.reshape(rows, -1)


def swap_last_two(t: torch.Tensor) -> torch.Tensor:
    return t.transpose(-2, -1)


def slices(m: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return m[0], m[:, 0], m[:2, 1:]


def truncate_to_int(t: torch.Tensor) -> torch.Tensor:
    return t.int()


def join(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.cat((a, b), dim=0), torch.cat((a, b), dim=1)


def outer_sum(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    return u[:, None] + v[None, :]


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    return t.clone()


def flat_view(t: torch.Tensor) -> torch.Tensor:
    return t.view(-1)


def keep_greater(t: torch.Tensor, threshold: float) -> torch.Tensor:
    return t[t > threshold]


def pad_border(t: torch.Tensor, width: int, value: float) -> torch.Tensor:
    return F.pad(t, (width, width, width, width), mode="constant", value=value)


def pick_rows(m: torch.Tensor, rows: list[int]) -> torch.Tensor:
    return m[torch.tensor(rows, dtype=torch.long)]
