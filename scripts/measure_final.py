"""Measure the final task's reference solution: accuracy per epoch over several seeds.

    python scripts/measure_final.py --dataset fashion-mnist --seeds 5 [--device cpu] [--data-root data]

For each seed it trains the reference's Net exactly as solutions/08_mnist/mnist.py does,
evaluates on the test split after every epoch, and prints the accuracy spread per epoch and
the time to reach each tier in course.toml. These figures justify the tiers.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch
from torch import nn

from torchcamp.course.manifest import load_course
from torchcamp.data import dataset_root, default_data_root, load_idx_tensors
from torchcamp.sandbox.modules import import_module_from

ROOT = Path(__file__).resolve().parent.parent


def run(reference, data_root: Path, dataset: str, device: str, seed: int, epochs: int) -> list[tuple[float, float]]:
    """[(seconds since start, test accuracy %)] after each epoch."""
    started = time.monotonic()
    torch.manual_seed(seed)
    images, labels = (
        t.to(device) for t in reference.load_training_split(str(dataset_root(data_root, dataset)), dataset)
    )
    test_images, test_labels = load_idx_tensors(data_root, dataset, train=False)
    test_images = ((test_images.float() / 255 - reference.MEAN) / reference.STD).unsqueeze(1).to(device)
    test_labels = test_labels.to(device)
    model = reference.Net().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = nn.CrossEntropyLoss()
    order = torch.Generator().manual_seed(seed)
    curve = []
    for _ in range(epochs):
        for batch in torch.randperm(len(labels), generator=order).split(64):
            batch = batch.to(device)
            optimizer.zero_grad()
            criterion(model(images[batch]), labels[batch]).backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = 100 * (model(test_images).argmax(dim=1) == test_labels).float().mean().item()
        curve.append((time.monotonic() - started, accuracy))
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data-root", type=Path, default=None)
    options = parser.parse_args()
    course = load_course(ROOT)
    lesson = course.lesson(course.final.lesson)
    reference = import_module_from(ROOT / "solutions" / lesson.directory / lesson.filename, "reference_final")
    data_root = options.data_root or default_data_root(ROOT)
    tiers = course.final.datasets[options.dataset].tiers
    curves = [
        run(reference, data_root, options.dataset, options.device, seed, options.epochs)
        for seed in range(options.seeds)
    ]
    print(f"{options.dataset} on {options.device}, {options.seeds} seeds, torch {torch.__version__}")
    print("| epoch | seconds (median) | test accuracy % min / median / max |")
    print("| --- | --- | --- |")
    for epoch in range(options.epochs):
        accuracies = [curve[epoch][1] for curve in curves]
        seconds = statistics.median(curve[epoch][0] for curve in curves)
        print(
            f"| {epoch + 1} | {seconds:.1f} | {min(accuracies):.2f} / {statistics.median(accuracies):.2f} / {max(accuracies):.2f} |"
        )
    for number, tier in enumerate(tiers, 1):
        reached = [next((s for s, a in curve if a >= tier), None) for curve in curves]
        times = [s for s in reached if s is not None]
        text = f"median {statistics.median(times):.1f} s" if times else "never"
        print(f"tier {number} ({tier}%): reached by {len(times)}/{len(curves)} seeds, {text}")


if __name__ == "__main__":
    main()
