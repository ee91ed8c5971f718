"""Probes for lesson 00's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""

import os
from unittest import mock

import torch


def report_on_a_machine_with(module, gpus, mps):
    """Probe: the report as it would read on a machine with GPUS CUDA devices."""
    with (
        mock.patch.object(torch.cuda, "is_available", lambda: gpus > 0),
        mock.patch.object(torch.cuda, "device_count", lambda: gpus),
        mock.patch.object(torch.backends.mps, "is_available", lambda: mps),
    ):
        return module.environment_report()


def default_device_under(module, override, cuda, mps):
    """Probe: default_device() with TORCHCAMP_DEVICE=OVERRIDE and the given accelerators."""
    environment = {"TORCHCAMP_DEVICE": override} if override is not None else {}
    with (
        mock.patch.dict(os.environ, environment, clear=False),
        mock.patch.object(torch.cuda, "is_available", lambda: cuda),
        mock.patch.object(torch.backends.mps, "is_available", lambda: mps),
    ):
        if override is None:
            os.environ.pop("TORCHCAMP_DEVICE", None)
        return str(module.default_device())


def global_stream_after_call(module, seed):
    """Probe: the next global random number after seeding globally and calling the function."""
    torch.manual_seed(1234)
    module.random_matrix_on("cpu", seed)
    return torch.rand(4)
