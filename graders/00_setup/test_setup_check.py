"""Hidden graders for lesson 00: the student's answers against the reference's, judged here."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_raises, assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import seeds

probes = load_probes(__file__)

overrides = st.one_of(st.none(), st.sampled_from(["cpu", "mps", "cuda"]), st.integers(0, 7).map(lambda n: f"cuda:{n}"))
bad_overrides = st.text(min_size=1, max_size=8).filter(
    lambda s: s not in {"cpu", "mps", "cuda"} and not s.startswith("cuda:")
)


@pytest.mark.task("00.versions")
def test_report_matches_the_reference_here(student, reference):
    assert_same(student.environment_report(), reference.environment_report(), "your report")


@pytest.mark.task("00.versions")
@given(gpus=st.integers(0, 8), mps=st.booleans())
def test_report_asks_torch_instead_of_guessing(student, reference, gpus, mps):
    expected = probes.report_on_a_machine_with(reference, gpus, mps)
    assert_same(
        student.run(probes.report_on_a_machine_with, gpus, mps),
        expected,
        tr(f"your report on a machine with {gpus} GPUs", f"你在有 {gpus} 块 GPU 的机器上的报告"),
    )


@pytest.mark.task("00.choose_device", core=True)  # partial credit (course.toml) needs the right choices
@given(cuda=st.booleans(), mps=st.booleans(), override=overrides)
def test_choice_matches_reference(student, reference, cuda, mps, override):
    assert_same(student.choose_device(cuda, mps, override), reference.choose_device(cuda, mps, override))


@pytest.mark.task("00.choose_device")
@given(cuda=st.booleans(), mps=st.booleans(), override=bad_overrides)
def test_every_unknown_override_is_refused(student, cuda, mps, override):
    assert_raises(ValueError, student.choose_device, cuda, mps, override)


@pytest.mark.task("00.default_device")
@given(
    override=st.one_of(st.none(), st.just(""), st.sampled_from(["cpu", "cuda", "mps", "cuda:1"])),
    cuda=st.booleans(),
    mps=st.booleans(),
)
def test_default_device_honours_environment_and_hardware(student, reference, override, cuda, mps):
    expected = probes.default_device_under(reference, override, cuda, mps)
    assert_same(
        student.run(probes.default_device_under, override, cuda, mps),
        expected,
        tr(
            f"your device with TORCHCAMP_DEVICE={override!r}, cuda={cuda}, mps={mps}",
            f"TORCHCAMP_DEVICE={override!r}、cuda={cuda}、mps={mps} 时你选择的设备",
        ),
    )


@pytest.mark.task("00.smoke_test")
@given(seed=seeds)
def test_matrix_matches_reference_for_every_seed(student, reference, seed):
    assert_same(student.random_matrix_on("cpu", seed), reference.random_matrix_on("cpu", seed))


@pytest.mark.task("00.smoke_test")
@given(seed=seeds)
def test_global_random_state_is_left_alone(student, seed):
    torch.manual_seed(1234)
    untouched = torch.rand(4)
    assert_same(
        student.run(probes.global_stream_after_call, seed),
        untouched,
        tr(
            "the global random numbers after your call (use a torch.Generator, not torch.manual_seed)",
            "调用你的函数之后的全局随机数（请用 torch.Generator，不要用 torch.manual_seed）",
        ),
    )


GOOD_LINES = ["import torch", "x = torch.ones(3)", "y = x * 2", "total = y.sum()", "print(total)", "z = [1, 2, 3]"]
BROKEN_LINES = ["iimport torch", "print(x.sum()", "def f(:", "x = = 1", "for i in range(3) print(i)", "return = 5"]


@pytest.mark.task("00.read_the_error")
@given(
    before=st.lists(st.sampled_from(GOOD_LINES), max_size=6),
    broken=st.sampled_from(BROKEN_LINES),
    after=st.lists(st.sampled_from(GOOD_LINES), max_size=3),
)
def test_report_names_the_broken_line_and_the_kind(student, reference, before, broken, after):
    source = "\n".join([*before, broken, *after]) + "\n"
    assert_same(
        student.error_report(source),
        reference.error_report(source),
        tr(f"your report of:\n{source}", f"你对以下代码的报告：\n{source}"),
    )


@pytest.mark.task("00.read_the_error")
@given(lines=st.lists(st.sampled_from(GOOD_LINES), max_size=8))
def test_code_that_compiles_has_no_report(student, lines):
    source = "\n".join(lines) + "\n"
    assert student.error_report(source) is None, tr(
        f"this code compiles, yet you reported an error:\n{source}", f"这段代码能编译，你却报告了错误：\n{source}"
    )
