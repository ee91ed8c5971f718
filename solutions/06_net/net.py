"""Lesson 06 — reference solution."""

import torch
from torch import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear1 = nn.Linear(28 * 28, 128)
        self.relu = nn.ReLU()
        self.linear2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Logits, not probabilities: CrossEntropyLoss applies log-softmax itself.
        return self.linear2(self.relu(self.linear1(self.flatten(x))))


def build_on(device: str) -> Net:
    return Net().to(device)


def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x > 0, x, torch.zeros_like(x))


def softmax(logits: torch.Tensor) -> torch.Tensor:
    # Subtracting the row maximum changes nothing mathematically and keeps exp() from overflowing.
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    exponentials = shifted.exp()
    return exponentials / exponentials.sum(dim=-1, keepdim=True)


class DynamicNet(nn.Module):
    def __init__(self, width: int = 10, max_depth: int = 5) -> None:
        super().__init__()
        # Made once and registered: trained by the optimizer, saved in the state_dict.
        self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(max_depth))

    def forward(self, x: torch.Tensor, depth: int) -> torch.Tensor:
        if not 0 <= depth <= len(self.layers):
            raise ValueError(f"depth must be between 0 and {len(self.layers)}, got {depth}")
        for layer in self.layers[:depth]:
            x = torch.relu(layer(x))
        return x
