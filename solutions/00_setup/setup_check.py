"""Lesson 00 — reference solution."""

import os
import re

import torch

# 'cuda:0', 'cuda:1', ... name one GPU among several.
KNOWN_DEVICE = re.compile(r"^(cpu|mps|cuda(:\d+)?)$")


def environment_report() -> dict:
    return {
        "torch": str(torch.__version__),  # a plain str: torch.__version__ is a str subclass
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
        "gpus": torch.cuda.device_count(),
    }


def choose_device(cuda_available: bool, mps_available: bool, override: str | None = None) -> str:
    if override is not None:
        if not KNOWN_DEVICE.match(override):
            raise ValueError(f"unknown device {override!r}: use cpu, mps, cuda or cuda:N")
        return override
    if cuda_available:
        return "cuda"
    if mps_available:
        return "mps"
    return "cpu"


def default_device() -> torch.device:
    override = os.environ.get("TORCHCAMP_DEVICE") or None
    name = choose_device(torch.cuda.is_available(), torch.backends.mps.is_available(), override)
    return torch.device(name)


def random_matrix_on(device: str, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(3, 3, generator=generator).to(device)


def error_report(source: str) -> dict | None:
    try:
        compile(source, "snippet.py", "exec")  # checks the syntax; runs nothing
    except SyntaxError as error:  # IndentationError and TabError are SyntaxErrors too
        return {"line": error.lineno, "kind": type(error).__name__}
    return None
