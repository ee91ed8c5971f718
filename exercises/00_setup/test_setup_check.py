"""Public tests for lesson 00. Run: pytest exercises/00"""

import os

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_raises, assert_same
from torchcamp.testing.effects import leaves_global_stream_alone


@pytest.mark.task("00.versions")
def test_report_has_the_four_keys_with_their_types(student):
    report = student.environment_report()
    assert set(report) == {"torch", "cuda", "mps", "gpus"}
    assert isinstance(report["torch"], str)
    assert isinstance(report["cuda"], bool) and isinstance(report["mps"], bool)
    assert isinstance(report["gpus"], int)


@pytest.mark.task("00.versions")
def test_report_names_the_installed_torch(student):
    assert student.environment_report()["torch"] == torch.__version__


@pytest.mark.task("00.choose_device")
@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_prefers_cuda_then_mps_then_cpu(student, cuda, mps, expected):
    assert student.choose_device(cuda, mps) == expected


@pytest.mark.task("00.choose_device")
def test_override_wins(student):
    assert student.choose_device(True, True, "cpu") == "cpu"


@pytest.mark.task("00.choose_device")
def test_unknown_override_is_refused(student):
    assert_raises(ValueError, student.choose_device, False, False, "gpu")


@pytest.mark.task("00.default_device")
def test_default_device_is_a_torch_device(student):
    device = student.default_device()
    assert isinstance(device, torch.device)
    expected = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
    assert device.type == expected


@pytest.mark.task("00.smoke_test")
def test_random_matrix_shape_and_range(student):
    matrix = student.random_matrix_on("cpu", 0)
    assert matrix.shape == (3, 3)
    assert matrix.dtype == torch.float32
    assert bool(((matrix >= 0) & (matrix < 1)).all())


@pytest.mark.task("00.smoke_test")
def test_same_seed_same_matrix(student):
    assert_same(student.random_matrix_on("cpu", 7), student.random_matrix_on("cpu", 7))


def report_with_torch_saying(module, cuda, gpus, mps):
    """Your report while torch claims this hardware (patched here, inside your process)."""
    saved = torch.cuda.is_available, torch.cuda.device_count, torch.backends.mps.is_available
    torch.cuda.is_available, torch.cuda.device_count = (lambda: cuda), (lambda: gpus)
    torch.backends.mps.is_available = lambda: mps
    try:
        return module.environment_report()
    finally:
        torch.cuda.is_available, torch.cuda.device_count, torch.backends.mps.is_available = saved


@pytest.mark.task("00.versions")
def test_report_asks_torch_each_time(student):
    report = student.run(report_with_torch_saying, True, 2, True)
    assert (report["cuda"], report["gpus"], report["mps"]) == (True, 2, True), tr(
        f"on a machine with 2 GPUs and MPS your report says {report}: ask torch when the function runs, "
        "do not type this machine's answer in",
        f"在一台有 2 块 GPU 和 MPS 的机器上，你的报告是 {report}：应在函数运行时询问 torch，不要把这台机器的答案直接写进代码",
    )


def device_with_environment(module, value):
    saved = os.environ.get("TORCHCAMP_DEVICE")
    os.environ["TORCHCAMP_DEVICE"] = value
    try:
        return str(module.default_device())
    finally:
        if saved is None:
            del os.environ["TORCHCAMP_DEVICE"]
        else:
            os.environ["TORCHCAMP_DEVICE"] = saved


@pytest.mark.task("00.default_device")
def test_environment_override_wins(student):
    chosen = student.run(device_with_environment, "cuda:1")
    assert chosen == "cuda:1", tr(
        f"with TORCHCAMP_DEVICE=cuda:1 your default_device() chose {chosen!r}",
        f"设置 TORCHCAMP_DEVICE=cuda:1 时，你的 default_device() 选择了 {chosen!r}",
    )


def global_generator_untouched(module, seed):
    return leaves_global_stream_alone(lambda: module.random_matrix_on("cpu", seed))


@pytest.mark.task("00.smoke_test")
def test_global_generator_is_left_alone(student):
    assert student.run(global_generator_untouched, 7), tr(
        "random_matrix_on changed torch's global random stream: draw from your own torch.Generator",
        "random_matrix_on 改变了 torch 的全局随机数流：请从你自己的 torch.Generator 中抽取",
    )


TUTORIAL_TYPO = "iimport torch.nn as nn\n\nclass Net(nn.Module):\n    pass\n"
UNCLOSED_PARENTHESIS = "import torch\nx = torch.ones(2)\nprint(x.sum()\n"
MISSING_INDENT = "def f():\nreturn 1\n"
WORKING_CODE = "import torch\nx = torch.ones(2)\n"


@pytest.mark.task("00.read_the_error")
def test_the_tutorials_typo_is_on_line_one(student):
    assert_same(
        student.error_report(TUTORIAL_TYPO),
        {"line": 1, "kind": "SyntaxError"},
        tr("the report of `iimport`", "对 `iimport` 的报告"),
    )


@pytest.mark.task("00.read_the_error")
def test_an_error_further_down_and_an_indentation_error(student):
    assert_same(
        student.error_report(UNCLOSED_PARENTHESIS),
        {"line": 3, "kind": "SyntaxError"},
        tr("the report of an unclosed (", "对未闭合的“(”的报告"),
    )
    assert_same(
        student.error_report(MISSING_INDENT),
        {"line": 2, "kind": "IndentationError"},
        tr("the report of a missing indent", "对缺少缩进的报告"),
    )


@pytest.mark.task("00.read_the_error")
def test_working_code_has_no_report(student):
    assert student.error_report(WORKING_CODE) is None, tr("code that compiles gets None", "能编译的代码应得到 None")
