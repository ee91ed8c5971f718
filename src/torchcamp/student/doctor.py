"""`torchcamp doctor`: what this machine gives the course, and each problem with its fix."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata

from torchcamp.course.manifest import Course
from torchcamp.course.texts import tr


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

    python = platform.python_version()
    found = [Finding(sys.version_info >= (3, 11), tr(f"Python {python} at {sys.executable}", f"Python {python}，位于 {sys.executable}"),
                     tr("torchcamp needs Python 3.11 or newer", "torchcamp 需要 Python 3.11 或更新版本"))]  # fmt: skip
    in_venv = sys.prefix != sys.base_prefix
    found.append(
        Finding(
            in_venv,
            tr(f"virtual environment: {sys.prefix}", f"虚拟环境：{sys.prefix}")
            if in_venv
            else tr("no virtual environment is active", "没有激活的虚拟环境"),
            tr(
                "make setup creates .venv; then `source .venv/bin/activate`",
                "make setup 会创建 .venv；然后运行 `source .venv/bin/activate`",
            ),
        )  # fmt: skip
    )
    for name in ("torch", "torchvision", "torchcamp"):
        version = package_version(name)
        found.append(
            Finding(
                bool(version),
                f"{name} {version}" if version else tr(f"{name} is not installed", f"没有安装 {name}"),
                tr("make setup installs it", "make setup 会安装它"),
            )
        )
    import torch

    cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
    override = os.environ.get("TORCHCAMP_DEVICE") or ""
    device = override or ("cuda" if cuda else "mps" if mps else "cpu")
    gpus = f", {torch.cuda.device_count()} GPU(s): {torch.cuda.get_device_name(0)}" if cuda else ""
    available, absent = tr("available", "可用"), tr("not available", "不可用")
    found.append(Finding(True, f"CUDA {available + gpus if cuda else absent}; MPS {available if mps else absent}"))
    found.append(
        Finding(
            True,
            tr(f"lessons will use device '{device}'", f"各课将使用设备 '{device}'")
            + (" (TORCHCAMP_DEVICE)" if override else ""),
        )
    )
    data_root = default_data_root(course.root)
    final = course.final
    if final is not None:
        ready = [name for name in final.datasets if is_ready(data_root, name)]
        for name in final.datasets:
            if name in ready:
                found.append(
                    Finding(
                        True, tr(f"dataset {name}: ready under {data_root}", f"数据集 {name}：已就绪，位于 {data_root}")
                    )
                )
        if not ready:
            found.append(Finding(False, tr(f"no dataset for lesson 08 under {data_root}", f"{data_root} 下没有第 08 课的数据集"),
                                 ways_to_get("digits-sample", data_root,
                                             tr("the quickest to prepare (offline)", "准备起来最快（离线）"))))  # fmt: skip
        elif final.default_dataset not in ready:
            graded, estimated = final.default_dataset, local_estimate_dataset(final, data_root)
            found.append(Finding(True, tr(f"the graded dataset ({graded}) is not here: `pytest exercises/08` "
                                          f"estimates on {estimated}; `torchcamp data {graded}` gets it",
                                          f"评分用的数据集（{graded}）不在这里：`pytest exercises/08` 会在 {estimated} 上估计；"
                                          f"`torchcamp data {graded}` 可以获取它")))  # fmt: skip
    return found
