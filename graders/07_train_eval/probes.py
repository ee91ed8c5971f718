"""Probes for lesson 07's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""

from unittest import mock

import torch
from torch import nn


class Scores(nn.Module):
    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(table)

    def forward(self, rows):
        return self.table[rows] * 1.0


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


def evaluation_facts(module, table, labels, batch_size, start_in_train_mode):
    """Probe: accuracy plus what evaluation did to the model while it ran."""
    model = Scores(table)
    model.train(start_in_train_mode)
    seen = []
    model.register_forward_hook(lambda module_, inputs, output: seen.append((module_.training, output.requires_grad)))
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.arange(len(labels)), labels), batch_size=batch_size
    )
    accuracy = module.evaluate(model, loader, "cpu")
    return {"accuracy": accuracy, "during": seen, "mode_after": model.training, "table_after": model.table.detach()}


def report_facts(module, table, train_labels, test_labels, batch_size):
    """Probe: the student's report for a fixed table of scores on two splits."""
    model = Scores(table)
    loaders = [
        torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.arange(len(labels)), labels), batch_size=batch_size
        )
        for labels in (train_labels, test_labels)
    ]
    return module.accuracy_report(model, *loaders, "cpu")
