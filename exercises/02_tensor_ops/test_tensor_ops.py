"""Public tests for lesson 02. Run: pytest exercises/02"""

import pytest
import torch

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
