"""Public tests for lesson 07. Run: pytest exercises/07"""

import pytest
import torch
from torch import nn

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.mistakes import mistake_if


def tiny_problem(seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randn(32, 1, 4, 4, generator=generator)
    labels = (images.sum(dim=(1, 2, 3)) > 0).long()  # a pattern a small model can learn
    return torch.utils.data.TensorDataset(images, labels)


def losses_over_epochs(module, epochs):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
    loader = torch.utils.data.DataLoader(tiny_problem(), batch_size=8)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    return [module.train_one_epoch(model, loader, optimizer, nn.CrossEntropyLoss(), "cpu") for _ in range(epochs)]


@pytest.mark.task("07.train_epoch")
def test_loss_falls_epoch_after_epoch(student):
    losses = student.run(losses_over_epochs, 5)
    assert all(isinstance(loss, float) for loss in losses)
    assert losses[-1] < losses[0]


class Scores(nn.Module):
    """A stand-in model: the input is the row number of a fixed table of logits."""

    def __init__(self, table):
        super().__init__()
        self.table = table

    def forward(self, rows):
        return self.table[rows]


def accuracy_of(module, table, labels):
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.arange(len(labels)), labels), batch_size=3
    )
    return module.evaluate(Scores(table), loader, "cpu")


@pytest.mark.task("07.evaluate")
def test_two_of_four_right(student):
    table = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    accuracy = student.run(accuracy_of, table, torch.tensor([0, 1, 1, 0]))
    mistake_if(accuracy == 50, "07.evaluate", "percentage")
    assert accuracy == 0.5


class Recorder(nn.Module):
    """A small model that notes, at every forward, its mode and whether a graph is recorded."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
        self.seen = []

    def forward(self, x):
        self.seen.append((self.training, torch.is_grad_enabled()))
        return self.layer(x)


def one_epoch_observed(module):
    """An epoch from eval mode with stale gradients: the modes seen, the weights reached,
    the weights a correct epoch reaches from the same start, and how batches were moved."""
    torch.manual_seed(0)
    model, expected = Recorder(), Recorder()
    expected.load_state_dict(model.state_dict())
    model.eval()
    for parameter in model.parameters():
        parameter.grad = torch.ones_like(parameter)  # left over from something earlier
    loader = torch.utils.data.DataLoader(tiny_problem(), batch_size=8)
    moves, original_to = [], torch.Tensor.to

    def counting_to(tensor, *args, **kwargs):
        moves.append(str(args[0]) if args else str(kwargs.get("device")))
        return original_to(tensor, *args, **kwargs)

    torch.Tensor.to = counting_to
    try:
        module.train_one_epoch(model, loader, torch.optim.SGD(model.parameters(), lr=0.5), nn.CrossEntropyLoss(), "cpu")
    except NotImplementedError:
        raise
    except Exception:  # on a machine without CUDA, .to("cuda") typed in ends here
        if any(move.startswith("cuda") for move in moves):
            return [], False, -1
        raise
    finally:
        torch.Tensor.to = original_to
    if any(move.startswith("cuda") for move in moves):
        return model.seen, False, -1
    optimizer = torch.optim.SGD(expected.parameters(), lr=0.5)
    for images, labels in loader:
        optimizer.zero_grad()
        nn.functional.cross_entropy(expected(images), labels).backward()
        optimizer.step()
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), expected.parameters(), strict=True))
    return model.seen, same, moves.count("cpu")


@pytest.mark.task("07.train_epoch")
def test_epoch_trains_in_training_mode_from_fresh_gradients_on_the_device(student):
    modes, same_weights, moves = student.run(one_epoch_observed)
    mistake_if(
        moves == -1,
        "07.train_epoch",
        "cuda_typed",
        tr(
            "asked for device 'cpu', your epoch moved batches to 'cuda'",
            "要求的设备是 'cpu'，你的 epoch 却把批次移到了 'cuda'",
        ),
    )
    assert modes, tr("train_one_epoch never called the model", "train_one_epoch 从未调用模型")
    mistake_if(not all(training for training, _ in modes), "07.train_epoch", "no_training_mode")
    mistake_if(not same_weights, "07.train_epoch", "stale_gradients")
    mistake_if(
        moves < 4,
        "07.train_epoch",
        "batches_not_moved",
        tr(f"{moves} tensors moved for 4 batches", f"4 个批次只移动了 {moves} 个张量"),
    )


def evaluation_observed(module):
    torch.manual_seed(0)
    model = Recorder()
    model.train()
    loader = torch.utils.data.DataLoader(tiny_problem(), batch_size=8)
    module.evaluate(model, loader, "cpu")
    return model.seen, model.training


@pytest.mark.task("07.evaluate")
def test_evaluation_in_eval_mode_without_a_graph_and_mode_restored(student):
    modes, training_after = student.run(evaluation_observed)
    assert modes, tr("evaluate never called the model", "evaluate 从未调用模型")
    mistake_if(any(training for training, _ in modes), "07.evaluate", "training_mode")
    mistake_if(any(graph for _, graph in modes), "07.evaluate", "graph_recorded")
    mistake_if(not training_after, "07.evaluate", "mode_not_restored")


def report_on_two_splits(module):
    """A stand-in model that is right on every training row and on half of the test rows."""
    table = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    train = torch.utils.data.TensorDataset(torch.arange(4), torch.tensor([0, 1, 0, 1]))
    test = torch.utils.data.TensorDataset(torch.arange(4), torch.tensor([0, 1, 1, 0]))
    loaders = (torch.utils.data.DataLoader(split, batch_size=3) for split in (train, test))
    return module.accuracy_report(Scores(table), *loaders, "cpu")


@pytest.mark.task("07.generalization_gap")
def test_test_accuracy_and_the_gap(student):
    report = student.run(report_on_two_splits)
    mistake_if(
        report.get("test") == 1.0,
        "07.generalization_gap",
        "training_set_accuracy",
        tr("test accuracy 1.0, not 0.5", "测试准确率为 1.0，而不是 0.5"),
    )
    assert_same(
        report,
        {"train": 1.0, "test": 0.5, "gap": 0.5},
        tr("your report (train 4/4 right, test 2/4 right)", "你的报告（训练集 4/4 正确，测试集 2/4 正确）"),
    )
