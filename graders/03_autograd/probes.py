"""Probes for lesson 03's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""

from unittest import mock

import torch


def leaf_facts(module, values):
    """Probe: what autograd knows about the student's tensor."""
    t = module.trackable(values)
    return {"values": t.detach(), "requires_grad": t.requires_grad, "is_leaf": t.is_leaf, "dtype": t.dtype}


def call_and_inspect_input(module, function_name, x, *extra):
    """Probe: the caller's tensor after the call, its .grad, and how often backward ran."""
    with mock.patch.object(torch.Tensor, "backward", autospec=True, side_effect=torch.Tensor.backward) as backward:
        getattr(module, function_name)(x, *extra)
    return {"x": x.detach(), "requires_grad": x.requires_grad, "grad": x.grad, "backward_calls": backward.call_count}


def detach_facts(module, x):
    """Probe: does the detached tensor stop gradients and share memory with the original?"""
    y = x.detach().requires_grad_(True) * 3
    detached = module.stop_tracking(y)
    shares = detached.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()
    squared = module.square_without_graph(x.detach().requires_grad_(True))
    return {
        "detached": detached,
        "requires_grad": detached.requires_grad,
        "shares_memory": shares,
        "squared": squared,
        "squared_has_graph": squared.grad_fn is not None,
    }


def in_place_update_facts(module, weights, grad, lr):
    """Probe: the caller's tensor after the update, and whether the same tensor came back."""
    weights = weights.detach().clone().requires_grad_(True)
    returned = module.sgd_update_in_place(weights, grad, lr)
    return {
        "values": weights.detach().clone(),
        "same_tensor": returned is weights,
        "is_leaf": weights.is_leaf,
        "requires_grad": weights.requires_grad,
        "grad_fn": weights.grad_fn is not None,
    }
