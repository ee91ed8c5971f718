"""Lesson 07 — training for an epoch, and measuring accuracy honestly.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/07`.
"""

import torch
from torch import nn
from torch.utils.data import DataLoader


def train_one_epoch(
    model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, criterion: nn.Module, device: str
) -> float:
    """One pass over `loader`: put the model in training mode, then for every batch move images
    and labels to `device`, zero the gradients, compute the loss, backpropagate, step.
    Return the average loss per example over the epoch, as a float."""
    raise NotImplementedError("TODO 07.train_epoch: the training step of lesson 04, batch after batch")


def evaluate(model: nn.Module, loader: DataLoader, device: str) -> float:
    """The fraction of examples in `loader` whose highest logit is the right label.

    Use evaluation mode and record no graph; leave the model in the mode (train or eval)
    it was in when you got it."""
    raise NotImplementedError("TODO 07.evaluate: eval mode, no_grad, argmax, count, restore the mode")


def accuracy_report(model: nn.Module, train_loader: DataLoader, test_loader: DataLoader, device: str) -> dict:
    """{"train": accuracy on train_loader, "test": accuracy on test_loader, "gap": train - test},
    each measured with evaluate(). The test number is the model's accuracy: the original tutorial
    measured on its training images, which says how well the model remembers them (see README)."""
    raise NotImplementedError("TODO 07.generalization_gap: evaluate on each split, then the gap")
