"""Public tests for lesson 01. Run: pytest exercises/01"""

import numpy as np
import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.effects import leaves_global_stream_alone


@pytest.mark.task("01.from_list")
def test_matrix_from_nested_lists(student):
    assert_same(student.tensor_from_rows([[1, 2, 3], [4, 5, 6]]), torch.tensor([[1, 2, 3], [4, 5, 6]]))


@pytest.mark.task("01.from_list")
def test_decimals_become_float32(student):
    assert student.tensor_from_rows([1.5, 2.5]).dtype == torch.float32


@pytest.mark.task("01.from_numpy")
def test_numpy_values_and_dtype_survive(student):
    array = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert_same(student.from_numpy_shared(array), torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64))


@pytest.mark.task("01.filled")
def test_zeros_and_ones(student):
    zeros, ones = student.zeros_and_ones(3, 3)
    assert_same(zeros, torch.zeros(3, 3))
    assert_same(ones, torch.ones(3, 3))


@pytest.mark.task("01.arange")
def test_evens_below_ten(student):
    assert_same(student.evens_below(10), torch.tensor([0, 2, 4, 6, 8]))


@pytest.mark.task("01.uniform")
def test_uniform_stays_in_range(student):
    values = student.uniform_between((4, 4), -1.0, 1.0, 0)
    assert values.shape == (4, 4)
    assert bool(((values >= -1) & (values < 1)).all())


@pytest.mark.task("01.seeded")
def test_same_seed_same_numbers(student):
    assert_same(student.seeded_normal((2, 3), 42), student.seeded_normal((2, 3), 42))


@pytest.mark.task("01.seeded")
def test_different_seeds_differ(student):
    assert not torch.equal(student.seeded_normal((2, 3), 1), student.seeded_normal((2, 3), 2))


@pytest.mark.task("01.describe")
def test_describe_a_matrix(student):
    info = student.describe(torch.zeros(2, 3))
    assert_same(info, {"shape": (2, 3), "dtype": torch.float32, "ndim": 2, "numel": 6})


def edit_after_conversion(module):
    array = np.array([[1.0, 2.0], [3.0, 4.0]])
    tensor = module.from_numpy_shared(array)
    array[0, 0] = 99.0  # the tensor must see this: it shares the array's memory
    return float(tensor[0, 0])


@pytest.mark.task("01.from_numpy")
def test_tensor_shares_the_arrays_memory(student):
    seen = student.run(edit_after_conversion)
    assert seen == 99.0, tr(
        f"after array[0, 0] = 99 your tensor still holds {seen}: it copied the array instead of sharing it",
        f"执行 array[0, 0] = 99 之后，你的张量仍是 {seen}：它复制了数组，而不是与数组共享内存",
    )


@pytest.mark.task("01.arange")
def test_evens_below_an_odd_bound_and_zero(student):
    assert_same(student.evens_below(7), torch.tensor([0, 2, 4, 6]))
    assert_same(student.evens_below(0), torch.tensor([], dtype=torch.int64))


def seeded_normal_leaves_global_stream(module):
    return leaves_global_stream_alone(lambda: module.seeded_normal((2, 3), 5))


@pytest.mark.task("01.seeded")
def test_global_generator_is_left_alone(student):
    assert student.run(seeded_normal_leaves_global_stream), tr(
        "seeded_normal changed torch's global random stream: use your own torch.Generator",
        "seeded_normal 改变了 torch 的全局随机数流：请使用你自己的 torch.Generator",
    )


@pytest.mark.task("01.describe")
def test_describe_three_dimensions(student):
    info = student.describe(torch.zeros(2, 3, 4, dtype=torch.int64))
    assert_same(info, {"shape": (2, 3, 4), "dtype": torch.int64, "ndim": 3, "numel": 24})
