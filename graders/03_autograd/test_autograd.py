"""Hidden graders for lesson 03."""

from unittest import mock

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.compare import assert_same
from torchcamp.strategies import float_tensors

vectors = float_tensors(low=-5, high=5)


def leaf_facts(module, values):
    """Probe: what autograd knows about the student's tensor."""
    t = module.trackable(values)
    return {"values": t.detach(), "requires_grad": t.requires_grad, "is_leaf": t.is_leaf, "dtype": t.dtype}


@pytest.mark.task("03.requires_grad")
@given(values=st.lists(st.one_of(st.integers(-100, 100), st.floats(-100, 100, width=32)), min_size=1, max_size=8))
def test_trackable_is_a_float_leaf(student, reference, values):
    assert_same(student.run(leaf_facts, values), leaf_facts(reference, values), f"autograd's view of trackable({values})")


def call_and_inspect_input(module, function_name, x, *extra):
    """Probe: the caller's tensor after the call, its .grad, and how often backward ran."""
    with mock.patch.object(torch.Tensor, "backward", autospec=True, side_effect=torch.Tensor.backward) as backward:
        getattr(module, function_name)(x, *extra)
    return {"x": x.detach(), "requires_grad": x.requires_grad, "grad": x.grad, "backward_calls": backward.call_count}


@pytest.mark.task("03.grad_of_squares")
@given(x=vectors)
def test_gradient_matches_reference(student, reference, x):
    assert_same(student.grad_of_squares(x), reference.grad_of_squares(x))


@pytest.mark.task("03.grad_of_squares")
@given(x=vectors)
def test_uses_backward_and_leaves_input_alone(student, x):
    facts = student.run(call_and_inspect_input, "grad_of_squares", x)
    assert facts["backward_calls"] >= 1, "compute the gradient with autograd: call .backward()"
    assert_same(facts["x"], x, "the caller's x after your call")
    assert facts["grad"] is None and not facts["requires_grad"], "the caller's x must not gain requires_grad or a .grad"


def detach_facts(module, x):
    """Probe: does the detached tensor stop gradients and share memory with the original?"""
    y = x.detach().requires_grad_(True) * 3
    detached = module.stop_tracking(y)
    shares = detached.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()
    squared = module.square_without_graph(x.detach().requires_grad_(True))
    return {"detached": detached, "requires_grad": detached.requires_grad, "shares_memory": shares,
            "squared": squared, "squared_has_graph": squared.grad_fn is not None}


@pytest.mark.task("03.no_grad")
@given(x=vectors)
def test_no_graph_is_recorded(student, reference, x):
    assert_same(student.run(detach_facts, x), detach_facts(reference, x), "what autograd records for your results")


@pytest.mark.task("03.accumulate")
@given(x=vectors, times=st.integers(1, 5))
def test_accumulation_for_any_count(student, reference, x, times):
    assert_same(student.accumulated_grad(x, times), reference.accumulated_grad(x, times), f"your gradient after {times} backward calls")


@pytest.mark.task("03.accumulate")
@given(x=vectors, times=st.integers(1, 3))
def test_accumulation_leaves_input_alone(student, x, times):
    facts = student.run(call_and_inspect_input, "accumulated_grad", x, times)
    assert facts["backward_calls"] == times, f"backward should run {times} times, it ran {facts['backward_calls']}"
    assert facts["grad"] is None, "the caller's x must not gain a .grad"


@pytest.mark.task("03.zero_grad")
@given(x=vectors)
def test_reset_for_any_input(student, reference, x):
    assert_same(student.grad_after_reset(x), reference.grad_after_reset(x), rtol=1e-5, atol=1e-5)


@pytest.mark.task("03.zero_grad")
@given(x=vectors)
def test_reset_runs_two_backwards(student, x):
    facts = student.run(call_and_inspect_input, "grad_after_reset", x)
    assert facts["backward_calls"] == 2, f"backward should run twice, it ran {facts['backward_calls']} times"
    assert facts["grad"] is None, "the caller's x must not gain a .grad"


@pytest.mark.task("03.dynamic_graph")
@given(x=vectors)
def test_both_branches(student, reference, x):
    assert_same(student.branch_loss_and_grad(x), reference.branch_loss_and_grad(x), "your (loss, gradient)")


@pytest.mark.task("03.dynamic_graph")
@given(x=float_tensors(low=-5, high=-0.1))
def test_negative_branch(student, reference, x):
    assert_same(student.branch_loss_and_grad(x), reference.branch_loss_and_grad(x), "your (loss, gradient) when x.sum() <= 0")
