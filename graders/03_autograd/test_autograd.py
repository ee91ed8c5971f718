"""Hidden graders for lesson 03."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import float_tensors, seeds, shapes

probes = load_probes(__file__)

vectors = float_tensors(low=-5, high=5)


@pytest.mark.task("03.requires_grad")
@given(values=st.lists(st.one_of(st.integers(-100, 100), st.floats(-100, 100, width=32)), min_size=1, max_size=8))
def test_trackable_is_a_float_leaf(student, reference, values):
    assert_same(
        student.run(probes.leaf_facts, values),
        probes.leaf_facts(reference, values),
        tr(f"autograd's view of trackable({values})", f"autograd 眼中的 trackable({values})"),
    )


@pytest.mark.task("03.grad_of_squares")
@given(x=vectors)
def test_gradient_matches_reference(student, reference, x):
    assert_same(student.grad_of_squares(x), reference.grad_of_squares(x))


@pytest.mark.task("03.grad_of_squares")
@given(x=vectors)
def test_uses_backward_and_leaves_input_alone(student, x):
    facts = student.run(probes.call_and_inspect_input, "grad_of_squares", x)
    assert facts["backward_calls"] >= 1, tr(
        "compute the gradient with autograd: call .backward()", "用自动求导计算梯度：调用 .backward()"
    )
    assert_same(facts["x"], x, tr("the caller's x after your call", "调用你的函数之后调用者的 x"))
    assert facts["grad"] is None and not facts["requires_grad"], tr(
        "the caller's x must not gain requires_grad or a .grad", "调用者的 x 不应因此获得 requires_grad 或 .grad"
    )


@pytest.mark.task("03.no_grad")
@given(x=vectors)
def test_no_graph_is_recorded(student, reference, x):
    assert_same(
        student.run(probes.detach_facts, x),
        probes.detach_facts(reference, x),
        tr("what autograd records for your results", "autograd 为你的结果记录的内容"),
    )


@pytest.mark.task("03.accumulate")
@given(x=vectors, times=st.integers(1, 5))
def test_accumulation_for_any_count(student, reference, x, times):
    assert_same(
        student.accumulated_grad(x, times),
        reference.accumulated_grad(x, times),
        tr(f"your gradient after {times} backward calls", f"调用 {times} 次 backward 之后你的梯度"),
    )


@pytest.mark.task("03.accumulate")
@given(x=vectors, times=st.integers(1, 3))
def test_accumulation_leaves_input_alone(student, x, times):
    facts = student.run(probes.call_and_inspect_input, "accumulated_grad", x, times)
    assert facts["backward_calls"] == times, tr(
        f"backward should run {times} times, it ran {facts['backward_calls']}",
        f"backward 应运行 {times} 次，实际运行了 {facts['backward_calls']} 次",
    )
    assert facts["grad"] is None, tr("the caller's x must not gain a .grad", "调用者的 x 不应因此获得 .grad")


@pytest.mark.task("03.zero_grad")
@given(x=vectors)
def test_reset_for_any_input(student, reference, x):
    assert_same(student.grad_after_reset(x), reference.grad_after_reset(x), rtol=1e-5, atol=1e-5)


@pytest.mark.task("03.zero_grad")
@given(x=vectors)
def test_reset_runs_two_backwards(student, x):
    facts = student.run(probes.call_and_inspect_input, "grad_after_reset", x)
    assert facts["backward_calls"] == 2, tr(
        f"backward should run twice, it ran {facts['backward_calls']} times",
        f"backward 应运行 2 次，实际运行了 {facts['backward_calls']} 次",
    )
    assert facts["grad"] is None, tr("the caller's x must not gain a .grad", "调用者的 x 不应因此获得 .grad")


@pytest.mark.task("03.dynamic_graph")
@given(x=vectors)
def test_both_branches(student, reference, x):
    assert_same(
        student.branch_loss_and_grad(x),
        reference.branch_loss_and_grad(x),
        tr("your (loss, gradient)", "你的（损失, 梯度）"),
    )


@pytest.mark.task("03.dynamic_graph")
@given(x=float_tensors(low=-5, high=-0.1))
def test_negative_branch(student, reference, x):
    assert_same(
        student.branch_loss_and_grad(x),
        reference.branch_loss_and_grad(x),
        tr("your (loss, gradient) when x.sum() <= 0", "x.sum() <= 0 时你的（损失, 梯度）"),
    )


@pytest.mark.task("03.in_place")
@given(shape=shapes(1, 3), seed=seeds, lr=st.floats(0.001, 2.0))
def test_in_place_update_matches_the_reference(student, reference, shape, seed, lr):
    generator = torch.Generator().manual_seed(seed)
    weights, grad = torch.randn(shape, generator=generator), torch.randn(shape, generator=generator)
    expected = probes.in_place_update_facts(reference, weights, grad, lr)
    assert_same(
        student.run(probes.in_place_update_facts, weights, grad, lr),
        expected,
        tr(f"the caller's weights after one in-place step with lr={lr:g}", f"以 lr={lr:g} 原地更新一步后调用者的权重"),
    )
