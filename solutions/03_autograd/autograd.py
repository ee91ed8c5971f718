"""Lesson 03 — reference solution."""

import torch


def trackable(values: list[float]) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float32, requires_grad=True)


def grad_of_squares(x: torch.Tensor) -> torch.Tensor:
    # Work on a private leaf so the caller's tensor gains neither a graph nor a .grad.
    leaf = x.detach().clone().requires_grad_(True)
    (leaf**2).sum().backward()
    return leaf.grad


def stop_tracking(y: torch.Tensor) -> torch.Tensor:
    return y.detach()


def square_without_graph(x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return x**2


def accumulated_grad(x: torch.Tensor, times: int) -> torch.Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    for _ in range(times):
        (leaf**2).sum().backward()  # .grad adds up: nothing resets it between calls
    return leaf.grad


def grad_after_reset(x: torch.Tensor) -> torch.Tensor:
    leaf = x.detach().clone().requires_grad_(True)
    (leaf**2).sum().backward()
    leaf.grad.zero_()
    (leaf**3).sum().backward()
    return leaf.grad


def branch_loss_and_grad(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    leaf = x.detach().clone().requires_grad_(True)
    # The graph is recorded as the code runs, so the branch taken decides the gradient.
    if leaf.sum() > 0:
        y = leaf * 2
    else:
        y = leaf + 1
    loss = y.mean()
    loss.backward()
    return loss.detach(), leaf.grad


def sgd_update_in_place(weights: torch.Tensor, grad: torch.Tensor, lr: float) -> torch.Tensor:
    # autograd refuses an in-place change of a leaf it records for: make it where nothing is recorded.
    with torch.no_grad():
        weights.sub_(lr * grad)
    return weights
