"""Lesson 06 — the network: layers, activations, logits.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/06`.
"""

import torch
from torch import nn


class Net(nn.Module):
    """The MLP for 28x28 digits. In __init__ create, with exactly these names:
      self.flatten = nn.Flatten()            # (N, 1, 28, 28) -> (N, 784)
      self.linear1 = nn.Linear(784, 128)
      self.relu    = nn.ReLU()
      self.linear2 = nn.Linear(128, 10)      # one score (logit) per digit
    forward(x) applies them in that order and returns the logits.
    """

    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError("TODO 06.net: create the four layers")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("TODO 06.net: flatten, linear, relu, linear")


def build_on(device: str) -> Net:
    """A new Net whose parameters all live on `device`."""
    raise NotImplementedError("TODO 06.to_device: one method moves a whole module")


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x) element by element, written yourself (no torch.relu / nn.ReLU); x must stay unchanged."""
    raise NotImplementedError("TODO 06.relu: keep positives, zero the rest")


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax along the last dimension, written yourself (no torch.softmax):
    exp(x_i) / sum_j exp(x_j). It must not overflow for logits like 1000."""
    raise NotImplementedError("TODO 06.softmax: exponentiate and normalize, stably")


class DynamicNet(nn.Module):
    """Up to `max_depth` layers nn.Linear(width, width), each followed by ReLU; forward(x, depth)
    applies the first `depth` of them, so the depth is chosen at run time, call by call
    (the original tutorial's DynamicNet, repaired: see README).

    Make the layers once, in __init__, as self.layers = an nn.ModuleList. forward raises
    ValueError for a depth outside 0..max_depth."""

    def __init__(self, width: int = 10, max_depth: int = 5) -> None:
        super().__init__()
        raise NotImplementedError("TODO 06.dynamic_net: the layers, made once and registered")

    def forward(self, x: torch.Tensor, depth: int) -> torch.Tensor:
        raise NotImplementedError("TODO 06.dynamic_net: the first `depth` layers, each with ReLU")
