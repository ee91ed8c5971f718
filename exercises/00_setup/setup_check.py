"""Lesson 00 — check the installation and pick a device.

Fill in each function below. Each one still raises NotImplementedError("TODO ...");
the tests report those tasks as TODO, not as wrong. Run `pytest exercises/00`.
"""

import os  # noqa: F401 — you will need it for default_device
import re  # noqa: F401 — handy for checking an override

import torch


def environment_report() -> dict:
    """Describe this installation as plain data.

    Return a dict with exactly these keys:
      "torch": the installed PyTorch version (a plain str: wrap torch.__version__ in str()),
      "cuda":  whether a CUDA GPU can be used (a bool),
      "mps":   whether Apple's MPS backend can be used (a bool),
      "gpus":  how many CUDA GPUs there are (an int).
    """
    raise NotImplementedError("TODO 00.versions: build the report from torch's own answers")


def choose_device(cuda_available: bool, mps_available: bool, override: str | None = None) -> str:
    """Pick the best device name.

    If `override` is given it wins, but it must be 'cpu', 'mps', 'cuda' or 'cuda:N'
    (N a number); anything else raises ValueError. Otherwise prefer 'cuda', then
    'mps', then 'cpu'.
    """
    raise NotImplementedError("TODO 00.choose_device: override first, then cuda, mps, cpu")


def default_device() -> torch.device:
    """The torch.device this machine should use.

    The environment variable TORCHCAMP_DEVICE, when set and not empty, is the override.
    Use choose_device with this machine's real CUDA and MPS availability.
    """
    raise NotImplementedError("TODO 00.default_device: read TORCHCAMP_DEVICE, then ask choose_device")


def random_matrix_on(device: str, seed: int) -> torch.Tensor:
    """A 3x3 tensor of uniform random numbers in [0, 1), on `device`.

    The same seed must give the same numbers every time, and calling this must not
    change PyTorch's global random state (use a torch.Generator).
    """
    raise NotImplementedError("TODO 00.smoke_test: a seeded generator, torch.rand, then .to(device)")


def error_report(source: str) -> dict | None:
    """Where and what: compile SOURCE (Python code as text) without running it. For code that
    does not compile, {"line": the line number Python names, "kind": the error's class name};
    None when it compiles.

    The original tutorial's network begins with `iimport torch.nn as nn`: run that line in
    Python and read the error before you write this (see README)."""
    raise NotImplementedError("TODO 00.read_the_error: compile, catch the error, read its line and type")
