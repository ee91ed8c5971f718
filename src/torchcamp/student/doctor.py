"""`torchcamp doctor`: what this machine gives the course, and each problem with its fix."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata

from torchcamp.course.manifest import Course


@dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""


def findings(course: Course) -> list[Finding]:
    from torchcamp.data import default_data_root, is_ready, ways_to_get
    from torchcamp.pytest_plugin.final_task import local_estimate_dataset

    found = [Finding(sys.version_info >= (3, 11), f"Python {platform.python_version()} at {sys.executable}",
                     "torchcamp needs Python 3.11 or newer")]  # fmt: skip
    in_venv = sys.prefix != sys.base_prefix
    found.append(
        Finding(
            in_venv,
            f"virtual environment: {sys.prefix}" if in_venv else "no virtual environment is active",
            "make setup creates .venv; then `source .venv/bin/activate`",
        )  # fmt: skip
    )
    for name in ("torch", "torchvision", "torchcamp"):
        version = package_version(name)
        found.append(Finding(bool(version), f"{name} {version or 'is not installed'}", "make setup installs it"))
    import torch

    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    override = os.environ.get("TORCHCAMP_DEVICE") or ""
    device = override or ("cuda" if cuda else "mps" if mps else "cpu")
    gpus = f", {torch.cuda.device_count()} GPU(s): {torch.cuda.get_device_name(0)}" if cuda else ""
    found.append(
        Finding(
            True,
            f"CUDA {'available' + gpus if cuda else 'not available'}; MPS {'available' if mps else 'not available'}",
        )
    )
    found.append(Finding(True, f"lessons will use device '{device}'" + (" (TORCHCAMP_DEVICE)" if override else "")))
    data_root = default_data_root(course.root)
    final = course.final
    if final is not None:
        ready = [name for name in final.datasets if is_ready(data_root, name)]
        for name in final.datasets:
            if name in ready:
                found.append(Finding(True, f"dataset {name}: ready under {data_root}"))
        if not ready:
            found.append(Finding(False, f"no dataset for lesson 08 under {data_root}",
                                 ways_to_get("digits-sample", data_root, "the quickest to prepare (offline)")))  # fmt: skip
        elif final.default_dataset not in ready:
            found.append(Finding(True, f"the graded dataset ({final.default_dataset}) is not here: `pytest exercises/08` "
                                       f"estimates on {local_estimate_dataset(final, data_root)}; "
                                       f"`torchcamp data {final.default_dataset}` gets it"))  # fmt: skip
    return found
