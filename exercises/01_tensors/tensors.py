"""Lesson 01 — tensors: where they come from and what they are made of.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/01`.
"""

import numpy as np
import torch


def tensor_from_rows(rows: list) -> torch.Tensor:
    """Build a tensor from nested Python lists, e.g. [[1, 2, 3], [4, 5, 6]].

    Let PyTorch infer the dtype: whole numbers give int64, decimals give float32.
    """
    raise NotImplementedError("TODO 01.from_list: one call turns nested lists into a tensor")


def from_numpy_shared(array: np.ndarray) -> torch.Tensor:
    """A tensor that shares memory with the NumPy `array` (same dtype, same values).

    Changing the array afterwards must show through the tensor.
    """
    raise NotImplementedError("TODO 01.from_numpy: which conversion shares memory instead of copying?")


def zeros_and_ones(rows: int, cols: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (all zeros, all ones), both float32 of shape (rows, cols)."""
    raise NotImplementedError("TODO 01.filled: torch has a function for each")


def evens_below(n: int) -> torch.Tensor:
    """The even numbers 0, 2, 4, ... below n, as an int64 tensor (empty when n <= 0)."""
    raise NotImplementedError("TODO 01.arange: a range with a step")


def uniform_between(shape: tuple[int, ...], low: float, high: float, seed: int) -> torch.Tensor:
    """Uniform random numbers in [low, high) of the given shape, reproducible from `seed`.

    Scale and shift torch.rand (which gives [0, 1)), drawing from a torch.Generator
    seeded with `seed` so PyTorch's global random state stays untouched.
    """
    raise NotImplementedError("TODO 01.uniform: rand gives [0, 1); stretch it to [low, high)")


def seeded_normal(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """Standard normal random numbers of the given shape, the same for the same seed.

    Use a torch.Generator: do not call torch.manual_seed (it changes everybody's randomness).
    """
    raise NotImplementedError("TODO 01.seeded: a private generator, then torch.randn")


def describe(tensor: torch.Tensor) -> dict:
    """Describe a tensor: {"shape": a tuple of ints, "dtype": its torch.dtype,
    "ndim": the number of dimensions, "numel": the number of elements}."""
    raise NotImplementedError("TODO 01.describe: every tensor can tell you these about itself")
