"""Hidden graders for lesson 07: same start, same batches, same parameters after an epoch."""

from unittest import mock

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from torchcamp.compare import assert_same
from torchcamp.strategies import seeds


def problem(seed, size):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(size, 1, 4, 4, generator=generator)
    labels = torch.randint(0, 3, (size,), generator=generator)
    return torch.utils.data.TensorDataset(images, labels)


def one_epoch(module, seed, size, batch_size, start_in_eval_mode):
    """Probe: an epoch from a seeded start, recording the mode the model is in at each forward."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.Dropout(0.0), nn.ReLU(), nn.Linear(8, 3))
    modes = []
    model.register_forward_pre_hook(lambda module_, inputs: modes.append(module_.training))
    if start_in_eval_mode:
        model.eval()
    loader = torch.utils.data.DataLoader(problem(seed, size), batch_size=batch_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = module.train_one_epoch(model, loader, optimizer, nn.CrossEntropyLoss(), "cpu")
    return {"loss": loss, "state": dict(model.state_dict()), "modes": modes}


@pytest.mark.task("07.train_epoch")
@given(seed=seeds, size=st.integers(2, 30), batch_size=st.integers(1, 8), start_in_eval_mode=st.booleans())
def test_epoch_matches_reference(student, reference, seed, size, batch_size, start_in_eval_mode):
    expected = one_epoch(reference, seed, size, batch_size, start_in_eval_mode)
    assert_same(student.run(one_epoch, seed, size, batch_size, start_in_eval_mode), expected,
                f"loss, weights and modes after one epoch ({size} examples, batches of {batch_size})", rtol=1e-4, atol=1e-5)


def devices_asked_for(module, size, batch_size):
    """Probe: the devices passed to Tensor.to during an epoch."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))
    loader = torch.utils.data.DataLoader(problem(0, size), batch_size=batch_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    original = torch.Tensor.to
    targets = []

    def recording_to(self, *args, **kwargs):
        device = kwargs.get("device", args[0] if args else None)
        targets.append(str(device))
        return original(self, *args, **kwargs)

    with mock.patch.object(torch.Tensor, "to", recording_to):
        module.train_one_epoch(model, loader, optimizer, nn.CrossEntropyLoss(), "cpu")
    return targets


@pytest.mark.task("07.train_epoch")
@given(size=st.integers(1, 20), batch_size=st.integers(1, 6))
def test_every_batch_goes_to_the_device(student, size, batch_size):
    batches = -(-size // batch_size)
    moved = student.run(devices_asked_for, size, batch_size).count("cpu")
    assert moved >= 2 * batches, f"{batches} batches of images and labels, but only {moved} .to(device) calls"


class Scores(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(table)

    def forward(self, rows):
        return self.table[rows] * 1.0


def evaluation_facts(module, table, labels, batch_size, start_in_train_mode):
    """Probe: accuracy plus what evaluation did to the model while it ran."""
    model = Scores(table)
    model.train(start_in_train_mode)
    seen = []
    model.register_forward_hook(lambda module_, inputs, output: seen.append((module_.training, output.requires_grad)))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(len(labels)), labels), batch_size=batch_size)
    accuracy = module.evaluate(model, loader, "cpu")
    return {"accuracy": accuracy, "during": seen, "mode_after": model.training, "table_after": model.table.detach()}


@st.composite
def logits_and_labels(draw):
    n, classes = draw(st.integers(1, 25)), draw(st.integers(2, 10))
    generator = torch.Generator().manual_seed(draw(seeds))
    return torch.randn(n, classes, generator=generator), torch.randint(0, classes, (n,), generator=generator)


@pytest.mark.task("07.evaluate")
@given(case=logits_and_labels(), batch_size=st.integers(1, 8), start_in_train_mode=st.booleans())
def test_evaluation_matches_reference(student, reference, case, batch_size, start_in_train_mode):
    table, labels = case
    expected = evaluation_facts(reference, table, labels, batch_size, start_in_train_mode)
    assert_same(student.run(evaluation_facts, table, labels, batch_size, start_in_train_mode), expected,
                "accuracy, (mode, graph recorded) at each forward, mode afterwards, weights afterwards")
