"""Lesson 08 — the final task: a complete MNIST training script.

Write `train`. The grader calls it with a device ("cuda" on a machine with an NVIDIA GPU,
otherwise "cpu") and a time budget, lets it train on the TRAINING split only, takes the
weights it returns, and measures accuracy on the 10,000 test images itself.

Run it yourself:   python exercises/08_mnist/mnist.py --dataset digits-sample --data-root data/digits-sample
Run the tests:     pytest exercises/08
"""

import time

import torch
from torch import nn
from torchvision import datasets

# The dataset classes the grader may ask for; all share MNIST's format (28x28 grey, 10 classes).
DATASETS = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST, "digits-sample": datasets.MNIST}
# Given, not a task: the grader normalizes the test images with these two numbers (its own
# copy of them, so renaming or inlining them here costs nothing): train on the same scale.
MEAN, STD = 0.1307, 0.3081


class Net(nn.Module):
    """Lesson 06's network, with the same layer names (the grader loads your weights into it)."""

    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError("TODO 08.script: the network of lesson 06")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("TODO 08.script: the network of lesson 06")


def train(data_root: str, dataset: str, device: str, time_budget_s: float, epochs: int = 10, seed: int = 0) -> dict:
    """Train a Net on DATASETS[dataset](data_root, train=True, download=False) on `device`.

    - images scaled to [0, 1] then normalized with MEAN and STD, shape (N, 1, 28, 28);
    - cross-entropy loss, an optimizer of your choice (Adam with lr=1e-3 works well), batches of 64;
    - up to `epochs` epochs, stopping early so the whole call stays within `time_budget_s` seconds;
    - everything on `device` — never type "cuda" yourself: the machine may not have one;
    - never touch the test split: the grader measures on it.

    Return {"state_dict": the model's state_dict with tensors on the CPU,
            "losses": the mean training loss of each epoch, as floats}.
    """
    raise NotImplementedError("TODO 08.script: data, model, loss, optimizer, loop, device")


def train_open(data_root: str, dataset: str, device: str, time_budget_s: float) -> nn.Module:
    """Optional (the open track): any architecture you like, trained like `train` on the
    training split only, within `time_budget_s`. Return the trained model (an nn.Module in
    eval mode) that maps normalized images of shape (N, 1, 28, 28) to 10 scores each. The
    grader keeps it where it was trained, hands it the test images without their labels, and
    computes the accuracy of its predictions itself.
    """
    raise NotImplementedError("TODO 08.open_track: optional — a model of your own design")


if __name__ == "__main__":
    # `python exercises/08_mnist/mnist.py`: train once, print each epoch's loss, then measure the
    # honest number, accuracy on the test split the training never saw, and the time it took.
    import argparse
    import sys

    available = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    parser = argparse.ArgumentParser(description="Train the MNIST MLP, then measure it on the test split.")
    parser.add_argument("--data-root", default="data")
    parser.add_argument("--dataset", default="mnist", choices=sorted(DATASETS))
    parser.add_argument("--device", default=available, help=f"default: {available}, the best this machine has")
    parser.add_argument("--budget", type=float, default=300.0, help="seconds of training at most")
    parser.add_argument("--epochs", type=int, default=10)
    arguments = parser.parse_args()
    kind = arguments.device.split(":")[0]
    if (kind == "cuda" and not torch.cuda.is_available()) or (kind == "mps" and not torch.backends.mps.is_available()):
        sys.exit(f"this machine has no {kind}: run with --device {available}")
    started = time.monotonic()
    result = train(arguments.data_root, arguments.dataset, arguments.device, arguments.budget, arguments.epochs)
    seconds = time.monotonic() - started
    for epoch, loss in enumerate(result["losses"], start=1):
        print(f"epoch {epoch}: mean training loss {loss:.4f}")
    model = Net()
    model.load_state_dict(result["state_dict"])
    model.eval()
    test = DATASETS[arguments.dataset](arguments.data_root, train=False, download=False)
    with torch.no_grad():
        images = ((test.data.float() / 255 - MEAN) / STD).unsqueeze(1)
        accuracy = (model(images).argmax(dim=1) == test.targets).float().mean().item()
    print(f"test accuracy {100 * accuracy:.2f}% on {len(test)} held-out images; trained in {seconds:.1f} s")
