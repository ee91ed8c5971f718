"""Lesson 03 — autograd: gradients computed for you, by recording what your code does.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/03`.
Functions that take `x` must not change the caller's `x`: give it no graph and no
.grad. Work on a private copy: `leaf = x.detach().clone().requires_grad_(True)`.
"""

import torch


def trackable(values: list[float]) -> torch.Tensor:
    """A float32 leaf tensor holding `values` that records operations for autograd."""
    raise NotImplementedError("TODO 03.requires_grad: one keyword argument of torch.tensor")


def grad_of_squares(x: torch.Tensor) -> torch.Tensor:
    """The gradient of sum(x ** 2) with respect to x, computed by autograd (backward, then .grad)."""
    raise NotImplementedError("TODO 03.grad_of_squares: build the sum, call backward, read .grad")


def stop_tracking(y: torch.Tensor) -> torch.Tensor:
    """y's values, cut off from the graph: no gradient flows through the result.

    The result shares y's memory (it is not a copy).
    """
    raise NotImplementedError("TODO 03.no_grad: one method detaches a tensor from its graph")


def square_without_graph(x: torch.Tensor) -> torch.Tensor:
    """x ** 2 computed without recording a graph, even when x requires grad."""
    raise NotImplementedError("TODO 03.no_grad: compute inside a block that switches recording off")


def accumulated_grad(x: torch.Tensor, times: int) -> torch.Tensor:
    """Call backward on sum(x ** 2) `times` times without resetting, and return the .grad that piles up."""
    raise NotImplementedError("TODO 03.accumulate: backward adds into .grad")


def grad_after_reset(x: torch.Tensor) -> torch.Tensor:
    """Backward sum(x ** 2), reset the gradient to zero, then backward sum(x ** 3).

    Return the gradient after the second backward: only that of sum(x ** 3).
    """
    raise NotImplementedError("TODO 03.zero_grad: .grad.zero_() between the two")


def branch_loss_and_grad(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A forward pass that branches on the data, then its gradient.

    If x.sum() > 0, y = x * 2; otherwise y = x + 1. loss = y.mean().
    Return (loss without its graph, the gradient of loss with respect to x).
    """
    raise NotImplementedError("TODO 03.dynamic_graph: an ordinary if, then backward")


def sgd_update_in_place(weights: torch.Tensor, grad: torch.Tensor, lr: float) -> torch.Tensor:
    """One gradient-descent step on `weights`, a leaf that requires grad, in place: the caller's
    tensor itself becomes weights - lr * grad, stays a leaf that requires grad, and records no
    graph. Return that same tensor (see README: torch.add, add_ and autograd)."""
    raise NotImplementedError("TODO 03.in_place: an in-place subtraction where autograd records nothing")
