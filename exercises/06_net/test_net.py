"""Public tests for lesson 06. Run: pytest exercises/06"""

import pytest
import torch

from torchcamp.testing.compare import assert_same


def output_shape_and_size(module, batch):
    net = module.Net()
    return tuple(net(torch.zeros(batch, 1, 28, 28)).shape), sum(p.numel() for p in net.parameters())


@pytest.mark.task("06.net")
def test_ten_scores_per_image(student):
    shape, parameters = student.run(output_shape_and_size, 2)
    assert shape == (2, 10)
    assert parameters == 784 * 128 + 128 + 128 * 10 + 10


def parameter_devices(module, device):
    return sorted({str(p.device) for p in module.build_on(device).parameters()})


@pytest.mark.task("06.to_device")
def test_build_on_cpu(student):
    assert student.run(parameter_devices, "cpu") == ["cpu"]


@pytest.mark.task("06.relu")
def test_relu(student):
    assert_same(student.relu(torch.tensor([-2.0, 0.0, 3.0])), torch.tensor([0.0, 0.0, 3.0]))


@pytest.mark.task("06.softmax")
def test_softmax_of_equal_scores(student):
    assert_same(student.softmax(torch.zeros(1, 4)), torch.full((1, 4), 0.25))
