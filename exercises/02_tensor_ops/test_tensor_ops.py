"""Public tests for lesson 02. Run: pytest exercises/02"""

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same

X = torch.tensor([[1, 2], [3, 4]])
Y = torch.tensor([[5, 6], [7, 8]])


@pytest.mark.task("02.products")
def test_elementwise_and_matrix_products(student):
    assert_same(student.elementwise_product(X, Y), torch.tensor([[5, 12], [21, 32]]))
    assert_same(student.matrix_product(X, Y), torch.tensor([[19, 22], [43, 50]]))


@pytest.mark.task("02.mean_sum")
def test_mean_and_sum_of_integers(student):
    mean, total = student.mean_and_sum(X)
    assert_same(mean, torch.tensor(2.5))
    assert_same(total, torch.tensor(10))


@pytest.mark.task("02.reshape")
def test_twelve_numbers_as_three_rows(student):
    assert_same(student.to_rows(torch.arange(12), 3), torch.arange(12).view(3, 4))


@pytest.mark.task("02.transpose")
def test_transpose_a_matrix(student):
    assert_same(student.swap_last_two(torch.tensor([[1, 2, 3], [4, 5, 6]])), torch.tensor([[1, 4], [2, 5], [3, 6]]))


@pytest.mark.task("02.slicing")
def test_row_column_submatrix(student):
    m = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert_same(student.slices(m), (torch.tensor([1, 2, 3]), torch.tensor([1, 4, 7]), torch.tensor([[2, 3], [5, 6]])))


@pytest.mark.task("02.dtype")
def test_floats_to_int(student):
    assert_same(student.truncate_to_int(torch.tensor([1.2, 3.4, 5.6])), torch.tensor([1, 3, 5], dtype=torch.int32))


@pytest.mark.task("02.cat")
def test_join_both_ways(student):
    rows, cols = student.join(torch.zeros(2, 3), torch.ones(2, 3))
    assert rows.shape == (4, 3) and cols.shape == (2, 6)


@pytest.mark.task("02.broadcast")
def test_outer_sum(student):
    assert_same(student.outer_sum(torch.tensor([0, 10]), torch.tensor([1, 2])), torch.tensor([[1, 2], [11, 12]]))


@pytest.mark.task("02.clone_view")
def test_copy_and_view_keep_values(student):
    t = torch.rand(3, 3)
    assert_same(student.independent_copy(t), t)
    assert_same(student.flat_view(t), t.reshape(-1))


@pytest.mark.task("02.mask")
def test_keep_greater_than_three(student):
    assert_same(student.keep_greater(torch.tensor([1, 2, 3, 4, 5]), 3), torch.tensor([4, 5]))


@pytest.mark.task("02.pad")
def test_pad_with_zeros(student):
    expected = torch.tensor([[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]])
    assert_same(student.pad_border(X, 1, 0), expected)


@pytest.mark.task("02.indexing")
def test_pick_rows(student):
    m = torch.tensor([[10, 20, 30], [40, 50, 60], [70, 80, 90]])
    assert_same(student.pick_rows(m, [2, 0]), torch.tensor([[70, 80, 90], [10, 20, 30]]))


@pytest.mark.task("02.reshape")
def test_rows_of_a_transposed_tensor(student):
    # A transposed tensor is not contiguous in memory: .view() refuses it, .reshape() copes.
    transposed = torch.arange(12).reshape(3, 4).t()
    assert_same(
        student.to_rows(transposed, 2),
        transposed.reshape(2, 6),
        tr("rows of a transposed (non-contiguous) tensor", "转置后（非连续）张量的各行"),
    )


@pytest.mark.task("02.transpose")
def test_transpose_the_last_two_of_three_dimensions(student):
    batch = torch.arange(12).reshape(2, 2, 3)
    assert_same(
        student.swap_last_two(batch),
        batch.transpose(1, 2),
        tr("a batch of two 2×3 matrices, transposed", "一批两个 2×3 矩阵的转置"),
    )


@pytest.mark.task("02.dtype")
def test_negative_floats_truncate_towards_zero(student):
    assert_same(student.truncate_to_int(torch.tensor([-1.5, -0.2])), torch.tensor([-1, 0], dtype=torch.int32))


@pytest.mark.task("02.broadcast")
def test_outer_sum_shape(student):
    assert student.outer_sum(torch.arange(3), torch.arange(4)).shape == (3, 4)


@pytest.mark.task("02.mean_sum")
def test_mean_of_floats(student):
    mean, total = student.mean_and_sum(torch.tensor([1.0, 2.0, 6.0]))
    assert_same(
        (mean, total), (torch.tensor(3.0), torch.tensor(9.0)), tr("mean and sum of [1, 2, 6]", "[1, 2, 6] 的均值与和")
    )


@pytest.mark.task("02.products")
def test_matrix_product_of_different_shapes(student):
    a, b = torch.ones(2, 3), torch.ones(3, 4)
    assert_same(
        student.matrix_product(a, b),
        torch.full((2, 4), 3.0),
        tr("(2×3 ones) @ (3×4 ones)", "（2×3 全 1）@（3×4 全 1）"),
    )


def copy_and_view_after_edit(module):
    t = torch.zeros(2, 2)
    copy, flat = module.independent_copy(t), module.flat_view(t)
    copy[0, 0] = 5.0  # must not reach t
    flat[-1] = 7.0  # must reach t: a view shares memory
    return float(t[0, 0]), float(t[1, 1])


@pytest.mark.task("02.clone_view")
def test_copy_is_independent_and_view_is_shared(student):
    through_copy, through_view = student.run(copy_and_view_after_edit)
    assert through_copy == 0.0, tr(
        "writing into your copy changed the original: return t.clone(), not t",
        "写入你的副本改变了原张量：应返回 t.clone()，而不是 t",
    )
    assert through_view == 7.0, tr(
        "writing into your flat view did not change the original: a view shares memory",
        "写入你展平后的视图没有改变原张量：视图应与原张量共享内存",
    )
