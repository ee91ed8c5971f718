"""Lesson 04 — reference solution."""

import torch
from torch import nn, optim


class LineModel(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


def make_training_tools(model: nn.Module, lr: float) -> tuple[nn.Module, optim.Optimizer]:
    return nn.MSELoss(), optim.SGD(model.parameters(), lr=lr)


def train_step(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: nn.Module, optimizer: optim.Optimizer
) -> float:
    optimizer.zero_grad()  # gradients accumulate: clear last step's first
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def fit_line(x: torch.Tensor, y: torch.Tensor, epochs: int = 1000, lr: float = 0.05) -> tuple[float, float]:
    model = LineModel()
    loss_fn, optimizer = make_training_tools(model, lr)
    for _ in range(epochs):
        train_step(model, x, y, loss_fn, optimizer)
    return model.linear.weight.item(), model.linear.bias.item()
