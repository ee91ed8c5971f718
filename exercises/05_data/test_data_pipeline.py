"""Public tests for lesson 05. Run: pytest exercises/05"""

import pytest
import torch

from torchcamp.testing.fakes import write_mnist_like

MEAN, STD = 0.1307, 0.3081


@pytest.fixture
def tiny_mnist(tmp_path):
    """A made-up dataset on disk in MNIST's format: 6 training images, 2 test images."""
    images = torch.arange(8 * 28 * 28).reshape(8, 28, 28) % 256
    return str(write_mnist_like(tmp_path, (images[:6].byte(), range(6)), (images[6:].byte(), [6, 7])))


def transformed(module, pixels):
    from PIL import Image

    return module.make_transform()(Image.fromarray(pixels.numpy()))


@pytest.mark.task("05.transform")
def test_black_and_white_pixels(student):
    pixels = torch.tensor([[0, 255]], dtype=torch.uint8).repeat(28, 14)
    result = student.run(transformed, pixels)
    assert result.shape == (1, 28, 28)
    assert abs(result.min().item() - (0 - MEAN) / STD) < 1e-5
    assert abs(result.max().item() - (1 - MEAN) / STD) < 1e-5


def first_items(module, root, train):
    dataset = module.mnist_dataset(root, train)
    image, label = dataset[0]
    return len(dataset), image.shape, label


@pytest.mark.task("05.dataset")
def test_both_splits(student, tiny_mnist):
    assert student.run(first_items, tiny_mnist, True) == (6, (1, 28, 28), 0)
    assert student.run(first_items, tiny_mnist, False) == (2, (1, 28, 28), 6)


def batch_sizes(module, n, batch_size):
    loader = module.make_loader(torch.utils.data.TensorDataset(torch.arange(n)), batch_size, False, 0)
    return [len(batch) for (batch,) in loader]


@pytest.mark.task("05.loader")
def test_batches_of_four(student):
    assert student.run(batch_sizes, 10, 4) == [4, 4, 2]


@pytest.mark.task("05.stats")
def test_half_black_half_white(student):
    mean, std = student.mean_and_std(torch.tensor([0, 255, 0, 255], dtype=torch.uint8))
    assert abs(mean - 0.5) < 1e-6
    assert abs(std - 0.57735) < 1e-4
