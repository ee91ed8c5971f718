"""Lesson 07 — reference solution."""

import torch
from torch import nn
from torch.utils.data import DataLoader


def train_one_epoch(
    model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, criterion: nn.Module, device: str
) -> float:
    model.train()
    total_loss, seen = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        optimizer.zero_grad()
        loss = criterion(model(images), labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        seen += len(labels)
    return total_loss / seen


def evaluate(model: nn.Module, loader: DataLoader, device: str) -> float:
    was_training = model.training
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():  # no graph: faster, and evaluation can never change a gradient
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(dim=1) == labels).sum().item()
            seen += len(labels)
    model.train(was_training)
    return correct / seen


def accuracy_report(model: nn.Module, train_loader: DataLoader, test_loader: DataLoader, device: str) -> dict:
    train = evaluate(model, train_loader, device)
    test = evaluate(model, test_loader, device)  # images the model never trained on: the honest number
    return {"train": train, "test": test, "gap": train - test}
