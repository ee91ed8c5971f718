"""Lesson 02 — operating on tensors: arithmetic, reshaping, slicing, joining,
broadcasting, copying, masking and padding.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/02`.
"""

import torch
import torch.nn.functional as F  # noqa: F401 — for pad_border


def elementwise_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Multiply a and b element by element (same shapes in, same shape out)."""
    raise NotImplementedError("TODO 02.products: the element-wise (Hadamard) product")


def matrix_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The matrix product of a (n x k) and b (k x m), an n x m matrix."""
    raise NotImplementedError("TODO 02.products: the matrix product")


def mean_and_sum(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (mean of all elements as float32, sum of all elements in t's own dtype).

    t may be an integer tensor: mean() refuses integers, so convert first.
    """
    raise NotImplementedError("TODO 02.mean_sum: mean needs a floating dtype, sum does not")


def to_rows(t: torch.Tensor, rows: int) -> torch.Tensor:
    """The elements of t, in order, arranged as `rows` rows (t.numel() is a multiple of rows).

    It must work for any t, including a transposed (non-contiguous) one.
    """
    raise NotImplementedError("TODO 02.reshape: view or reshape? one of them always works")


def swap_last_two(t: torch.Tensor) -> torch.Tensor:
    """Swap the last two dimensions: a (2, 3) matrix becomes (3, 2), a batch (b, 2, 3) becomes (b, 3, 2)."""
    raise NotImplementedError("TODO 02.transpose: .t() only knows matrices")


def slices(m: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For a matrix m return (its first row, its first column, its first two rows without their first column)."""
    raise NotImplementedError("TODO 02.slicing: m[row, column] with ranges like 0:2 and 1:")


def truncate_to_int(t: torch.Tensor) -> torch.Tensor:
    """Convert floats to int32, dropping the fractional part (1.7 -> 1, -1.7 -> -1)."""
    raise NotImplementedError("TODO 02.dtype: a dtype conversion")


def join(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Two matrices of the same shape, joined (below each other, side by side)."""
    raise NotImplementedError("TODO 02.cat: torch.cat along dim 0, then dim 1")


def outer_sum(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """For vectors u (length n) and v (length m) the n x m table with u[i] + v[j] at [i, j]."""
    raise NotImplementedError("TODO 02.broadcast: give u and v a dimension of size 1 each")


def independent_copy(t: torch.Tensor) -> torch.Tensor:
    """A copy of t that shares no memory with it."""
    raise NotImplementedError("TODO 02.clone_view: copy the data")


def flat_view(t: torch.Tensor) -> torch.Tensor:
    """t as one flat dimension that SHARES memory with t (a contiguous t is given)."""
    raise NotImplementedError("TODO 02.clone_view: a view, not a copy")


def keep_greater(t: torch.Tensor, threshold: float) -> torch.Tensor:
    """The elements of t greater than threshold, as a 1-D tensor, in order."""
    raise NotImplementedError("TODO 02.mask: a boolean mask selects elements")


def pad_border(t: torch.Tensor, width: int, value: float) -> torch.Tensor:
    """Surround a matrix with `width` rows/columns of `value` on every side."""
    raise NotImplementedError("TODO 02.pad: torch.nn.functional.pad")


def pick_rows(m: torch.Tensor, rows: list[int]) -> torch.Tensor:
    """The rows of m listed in `rows`, in that order (repeats and negative indices allowed)."""
    raise NotImplementedError("TODO 02.indexing: index with a tensor of row numbers")
