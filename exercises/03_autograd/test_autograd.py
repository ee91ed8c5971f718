"""Public tests for lesson 03. Run: pytest exercises/03"""

from unittest import mock

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.mistakes import mistake_if


@pytest.mark.task("03.requires_grad")
def test_trackable_tensor(student):
    t = student.trackable([1.0, 2.0, 3.0])
    assert t.requires_grad, tr(
        "the tensor should record operations (requires_grad=True)", "这个张量应记录运算（requires_grad=True）"
    )
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
    gradient = student.grad_after_reset(torch.tensor([1.0, 2.0]))
    mistake_if(
        torch.equal(gradient, torch.tensor([5.0, 16.0])),
        "03.zero_grad",
        "not_reset",
        tr("2x + 3x² at x = 1, 2", "x = 1, 2 处的 2x + 3x²"),
    )
    assert_same(gradient, torch.tensor([3.0, 12.0]))


@pytest.mark.task("03.dynamic_graph")
def test_positive_branch(student):
    loss, grad = student.branch_loss_and_grad(torch.tensor([1.0, 2.0, 3.0, 4.0]))
    assert_same(loss, torch.tensor(5.0))
    assert_same(grad, torch.full((4,), 0.5))


def dtype_and_leaf(module, values):
    t = module.trackable(values)  # looked at where it was made: a copy sent back is always a leaf
    return t.dtype, t.is_leaf


@pytest.mark.task("03.requires_grad")
def test_whole_numbers_become_a_float_leaf(student):
    dtype, leaf = student.run(dtype_and_leaf, [1, 2, 3])
    assert dtype == torch.float32, tr(
        f"gradients need floating point numbers; your tensor is {dtype}", f"梯度需要浮点数；你的张量是 {dtype}"
    )
    assert leaf, tr(
        "return the tensor you created (a leaf): any operation on it makes a new, non-leaf tensor",
        "返回你创建的那个张量（叶子节点）：对它做任何运算都会得到一个新的非叶子张量",
    )


def backward_calls_and_callers_tensor(module, name, *extra):
    x = torch.tensor([1.0, -2.0, 3.0])
    with mock.patch.object(torch.Tensor, "backward", autospec=True, side_effect=torch.Tensor.backward) as backward:
        getattr(module, name)(x, *extra)
    return backward.call_count, x.requires_grad, x.grad is not None


@pytest.mark.task("03.grad_of_squares")
def test_autograd_computes_it_and_the_input_is_left_alone(student):
    calls, tracked, has_grad = student.run(backward_calls_and_callers_tensor, "grad_of_squares")
    mistake_if(calls == 0, "03.grad_of_squares", "derivative_by_hand")
    mistake_if(tracked or has_grad, "03.grad_of_squares", "callers_tensor_changed")


@pytest.mark.task("03.accumulate")
def test_three_backwards_triple_the_gradient(student):
    assert_same(
        student.accumulated_grad(torch.tensor([1.0, 2.0]), 3),
        torch.tensor([6.0, 12.0]),
        tr("3 backward passes", "3 次反向传播"),
    )


def detached_shares_memory(module):
    y = torch.tensor([1.0, 2.0], requires_grad=True) * 3
    detached = module.stop_tracking(y)
    return detached.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()


@pytest.mark.task("03.no_grad")
def test_detached_tensor_shares_memory(student):
    mistake_if(not student.run(detached_shares_memory), "03.no_grad", "copied_instead_of_detached")


@pytest.mark.task("03.dynamic_graph")
def test_negative_branch(student):
    loss, grad = student.branch_loss_and_grad(torch.tensor([-1.0, -2.0, -3.0, -4.0]))
    assert_same(
        loss, torch.tensor(-1.5), tr("the loss when the sum is negative (y = x + 1)", "和为负时的损失（y = x + 1）")
    )
    assert_same(grad, torch.full((4,), 0.25), tr("the gradient when the sum is negative", "和为负时的梯度"))


def update_observed(module):
    """What an in-place update did to the caller's tensor (looked at where it happened)."""
    weights = torch.tensor([1.0, 2.0], requires_grad=True)
    try:
        returned = module.sgd_update_in_place(weights, torch.tensor([0.5, 1.0]), 0.1)
    except NotImplementedError:  # still the stub (a RuntimeError too): a TODO, not a mistake
        raise
    except RuntimeError as error:
        return {"refused": str(error)}
    return {
        "values": weights.detach().clone(),
        "same_tensor": returned is weights,
        "leaf": weights.is_leaf,
        "requires_grad": weights.requires_grad,
    }


@pytest.mark.task("03.in_place")
def test_the_callers_tensor_is_updated_in_place(student):
    seen = student.run(update_observed)
    mistake_if("refused" in seen, "03.in_place", "recorded_in_place", seen.get("refused", ""))
    mistake_if(
        not seen["same_tensor"] or torch.equal(seen["values"], torch.tensor([1.0, 2.0])), "03.in_place", "not_in_place"
    )
    assert_same(
        seen["values"],
        torch.tensor([0.95, 1.9]),
        tr("the weights after one step with lr=0.1", "以 lr=0.1 更新一步后的权重"),
    )
    assert seen["leaf"] and seen["requires_grad"], tr(
        "the weights must stay a leaf that requires grad, ready to train",
        "权重必须仍是需要梯度的叶子张量，以便继续训练",
    )
