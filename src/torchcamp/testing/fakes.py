"""Fake data for lesson tests: datasets on disk with no real data behind them."""

from __future__ import annotations

from pathlib import Path

from torchcamp.data import idx_images, idx_labels
from torchcamp.grading.results import write_atomically


def write_mnist_like(root: Path, train: tuple, test: tuple, class_name: str = "MNIST") -> Path:
    """Write (images uint8 N×28×28, labels) pairs as IDX files torchvision can read from ROOT.

    For tests that need a dataset on disk but no real data: any counts are accepted.
    """
    folder = root / class_name / "raw"
    for prefix, (images, labels) in (("train", train), ("t10k", test)):
        pixels = [bytes(image.flatten().tolist()) for image in images]
        write_atomically(folder / f"{prefix}-images-idx3-ubyte", idx_images(pixels))
        write_atomically(folder / f"{prefix}-labels-idx1-ubyte", idx_labels([int(label) for label in labels]))
    return root
