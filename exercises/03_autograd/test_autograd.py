"""Public tests for lesson 03. Run: pytest exercises/03"""

import pytest
import torch

from torchcamp.testing.compare import assert_same


@pytest.mark.task("03.requires_grad")
def test_trackable_tensor(student):
    t = student.trackable([1.0, 2.0, 3.0])
    assert t.requires_grad, "the tensor should record operations (requires_grad=True)"
    assert_same(t.detach(), torch.tensor([1.0, 2.0, 3.0]))


@pytest.mark.task("03.grad_of_squares")
def test_gradient_of_squares_is_two_x(student):
    x = torch.tensor([1.0, -2.0, 3.0])
    assert_same(student.grad_of_squares(x), torch.tensor([2.0, -4.0, 6.0]))


@pytest.mark.task("03.no_grad")
def test_detached_and_untracked_results(student):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert not student.stop_tracking(x * 3).requires_grad
    squared = student.square_without_graph(x)
    assert not squared.requires_grad
    assert_same(squared, torch.tensor([1.0, 4.0]))


@pytest.mark.task("03.accumulate")
def test_two_backwards_double_the_gradient(student):
    assert_same(student.accumulated_grad(torch.tensor([1.0, 2.0]), 2), torch.tensor([4.0, 8.0]))


@pytest.mark.task("03.zero_grad")
def test_only_the_cube_gradient_remains(student):
    assert_same(student.grad_after_reset(torch.tensor([1.0, 2.0])), torch.tensor([3.0, 12.0]))


@pytest.mark.task("03.dynamic_graph")
def test_positive_branch(student):
    loss, grad = student.branch_loss_and_grad(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    assert_same(loss, torch.tensor(5.0))
    assert_same(grad, torch.full((4,), 0.5))
