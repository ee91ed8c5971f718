"""Probes for lesson 01's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""

import torch


def mutate_after_converting(module, array):
    """Probe: convert, then change the array; a shared tensor sees the change."""
    tensor = module.from_numpy_shared(array)
    array += 1
    return tensor.clone()


def global_stream_after(module, shape, seed):
    """Probe: the global generator's next numbers after a call."""
    torch.manual_seed(99)
    module.seeded_normal(shape, seed)
    return torch.rand(3)
