"""Lesson 05 — data: from image files to normalized batches.

Replace each `raise NotImplementedError(...)` with your code. Run `pytest exercises/05`.
"""

import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import datasets, transforms  # noqa: F401

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def make_transform() -> transforms.Compose:
    """The preprocessing for one MNIST image: to a float tensor in [0, 1] of shape (1, 28, 28),
    then normalized with MNIST_MEAN and MNIST_STD."""
    raise NotImplementedError("TODO 05.transform: Compose ToTensor and Normalize")


def mnist_dataset(root: str, train: bool) -> Dataset:
    """torchvision's MNIST read from `root` (never downloading), the training or the test split,
    each image passed through make_transform()."""
    raise NotImplementedError("TODO 05.dataset: datasets.MNIST with the right arguments")


def make_loader(dataset: Dataset, batch_size: int, shuffle: bool, seed: int) -> DataLoader:
    """Batches of `batch_size` from `dataset`, shuffled when `shuffle` is true, in an order that
    depends only on `seed` (use a torch.Generator, not the global seed)."""
    raise NotImplementedError("TODO 05.loader: a DataLoader with a seeded generator")


def mean_and_std(images: torch.Tensor) -> tuple[float, float]:
    """Mean and standard deviation of uint8 pixels (0..255) after scaling them to [0, 1], as floats.

    The standard deviation is the sample one, torch's default (divides by n - 1; see README)."""
    raise NotImplementedError("TODO 05.stats: scale like ToTensor does, then mean and std")
