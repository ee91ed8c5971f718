"""Lesson 05 — reference solution."""

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets, transforms

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def make_transform() -> transforms.Compose:
    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((MNIST_MEAN,), (MNIST_STD,))])


def mnist_dataset(root: str, train: bool) -> Dataset:
    return datasets.MNIST(root, train=train, download=False, transform=make_transform())


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
    # A seeded generator makes the shuffled order reproducible without touching global randomness.
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))


def mean_and_std(images: torch.Tensor) -> tuple[float, float]:
    scaled = images.float() / 255  # what ToTensor does to 0..255 pixels
    return scaled.mean().item(), scaled.std().item()  # the sample std (n - 1), torch's default
