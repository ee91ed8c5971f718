"""Lesson 04 — your first model and training loop: fit a straight line.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/04`.
"""

import torch
from torch import nn, optim


class LineModel(nn.Module):
    """y = w * x + b as a module: one nn.Linear(1, 1) stored as `self.linear`.

    Inputs have shape (N, 1); outputs too.
    """

    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError("TODO 04.model: create self.linear")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("TODO 04.model: pass x through the linear layer")


def make_training_tools(model: nn.Module, lr: float) -> tuple[nn.Module, optim.Optimizer]:
    """Return (mean squared error loss, plain SGD over the model's parameters with learning rate lr)."""
    raise NotImplementedError("TODO 04.tools: nn has the loss, optim has the optimizer")


def train_step(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: optim.Optimizer
) -> float:
    """One step of training: clear old gradients, predict, measure the loss,
    backpropagate, update. Return the loss before the update as a Python float."""
    raise NotImplementedError("TODO 04.train_step: zero_grad, forward, loss, backward, step")


def fit_line(x: torch.Tensor, y: torch.Tensor, epochs: int = 1000, lr: float = 0.05) -> tuple[float, float]:
    """Train a new LineModel on (x, y) for `epochs` steps and return (weight, bias) as floats."""
    raise NotImplementedError("TODO 04.fit: a model, its tools, and a loop of train_step")
