"""Public tests for lesson 05. Run: pytest exercises/05"""

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.effects import leaves_global_stream_alone
from torchcamp.testing.fakes import write_mnist_like
from torchcamp.testing.mistakes import mistake_if

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
    mistake_if(abs(mean - 127.5) < 1e-3, "05.stats", "not_scaled", f"mean {mean}")
    mistake_if(
        abs(std - 0.5) < 1e-6,
        "05.stats",
        "population_std",
        tr("0.5 instead of 0.577 for pixels 0, 255, 0, 255", "像素 0, 255, 0, 255 得到 0.5，而不是 0.577"),
    )
    assert abs(mean - 0.5) < 1e-6, tr(
        f"the mean of pixels 0, 255, 0, 255 scaled to [0, 1] is 0.5, not {mean}",
        f"像素 0, 255, 0, 255 缩放到 [0, 1] 后均值是 0.5，而不是 {mean}",
    )
    assert abs(std - 0.57735) < 1e-4, tr(
        f"the sample standard deviation (n - 1, torch's default .std()) of 0, 1, 0, 1 is 0.577; yours is {std:.4f}",
        f"0, 1, 0, 1 的样本标准差（除以 n - 1，即 torch 默认的 .std()）是 0.577；你的是 {std:.4f}",
    )


def order_of_items(module, shuffle, seed):
    loader = module.make_loader(torch.utils.data.TensorDataset(torch.arange(10)), 10, shuffle, seed)
    return [int(item) for (batch,) in loader for item in batch]


def shuffling_leaves_global_stream(module):
    return leaves_global_stream_alone(lambda: order_of_items(module, True, 3))


@pytest.mark.task("05.loader")
def test_order_kept_without_shuffle_and_repeatable_with_a_seed(student):
    mistake_if(not student.run(shuffling_leaves_global_stream), "05.loader", "global_generator")
    assert student.run(order_of_items, False, 0) == list(range(10)), tr(
        "shuffle=False must keep the dataset's order", "shuffle=False 时必须保持数据集原有的顺序"
    )
    first, again = student.run(order_of_items, True, 3), student.run(order_of_items, True, 3)
    assert sorted(first) == list(range(10)) and first == again, tr(
        "the same seed must give the same shuffled order: give the DataLoader a torch.Generator seeded with it",
        "相同的种子必须给出相同的打乱顺序：给 DataLoader 传一个用这个种子初始化的 torch.Generator",
    )
