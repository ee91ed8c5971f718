"""Lesson 01 — reference solution."""

import numpy as np
import torch


def tensor_from_rows(rows: list) -> torch.Tensor:
    return torch.tensor(rows)


def from_numpy_shared(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(array)


def zeros_and_ones(rows: int, cols: int) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.zeros(rows, cols), torch.ones(rows, cols)


def evens_below(n: int) -> torch.Tensor:
    return torch.arange(0, max(n, 0), 2)


def uniform_between(shape: tuple[int, ...], low: float, high: float, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return low + (high - low) * torch.rand(shape, generator=generator)


def seeded_normal(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator)


def describe(tensor: torch.Tensor) -> dict:
    return {"shape": tuple(tensor.shape), "dtype": tensor.dtype, "ndim": tensor.dim(), "numel": tensor.numel()}
