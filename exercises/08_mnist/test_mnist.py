"""Public tests for lesson 08: a quick run on a tiny made-up dataset. Run: pytest exercises/08

The real check (accuracy on the 10,000 test images) is done by the grader:
see README.md for the tiers.
"""

import math

import pytest
import torch

from torchcamp.testing.fakes import write_mnist_like

LAYERS = {"linear1.weight": (128, 784), "linear1.bias": (128,), "linear2.weight": (10, 128), "linear2.bias": (10,)}


@pytest.fixture
def two_patterns(tmp_path):
    """64 training images of two easy classes: dark top half (0) or dark bottom half (1)."""
    images = torch.zeros(72, 28, 28, dtype=torch.uint8)
    labels = torch.arange(72) % 2
    images[labels == 0, :14] = 255
    images[labels == 1, 14:] = 255
    return str(write_mnist_like(tmp_path, (images[:64], labels[:64]), (images[64:], labels[64:])))


def short_run(module, root):
    result = module.train(root, "mnist", "cpu", time_budget_s=30, epochs=3)
    state = result["state_dict"]
    return {name: tuple(tensor.shape) for name, tensor in state.items()}, result["losses"]


@pytest.mark.task("08.script")
def test_trains_and_returns_weights_and_losses(student, two_patterns):
    layers, losses = student.run_with_deadline(60, short_run, two_patterns)
    assert layers == LAYERS, "return the state_dict of a Net with lesson 06's layer names"
    assert len(losses) == 3 and all(isinstance(loss, float) and math.isfinite(loss) for loss in losses)
    assert losses[-1] < losses[0], "the loss should fall on this easy problem"


# weight=0: a local sanity check, never a share of the tier's points, which come only from
# the accuracy the grader measures on the held-out test images.
@pytest.mark.parametrize(
    "tier", [pytest.param(tier, marks=pytest.mark.task(f"08.tier_{tier}", weight=0)) for tier in (1, 2, 3)]
)
def test_learns_the_two_patterns(student, two_patterns, tier):
    # The tiers themselves are measured by the grader on the real test images; locally,
    # a model that cannot learn two obvious patterns will not reach any tier.
    state = student.run_with_deadline(60, accuracy_on_the_patterns, two_patterns)
    assert state["accuracy"] == 1.0, f"only {state['accuracy']:.0%} of the two patterns right after 5 epochs"


def accuracy_on_the_patterns(module, root):
    result = module.train(root, "mnist", "cpu", time_budget_s=30, epochs=5)
    images = torch.zeros(2, 1, 28, 28)
    images[0, 0, :14] = 1
    images[1, 0, 14:] = 1
    model = module.Net()
    model.load_state_dict(result["state_dict"])
    normalized = (images - module.MEAN) / module.STD
    predicted = model(normalized).argmax(dim=1)
    return {"accuracy": (predicted == torch.tensor([0, 1])).float().mean().item()}
