"""Hidden graders for lesson 00: the student's answers against the reference's, judged here."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

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
        student.run(probes.report_on_a_machine_with, gpus, mps), expected, f"your report on a machine with {gpus} GPUs"
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
        f"your device with TORCHCAMP_DEVICE={override!r}, cuda={cuda}, mps={mps}",
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
        "the global random numbers after your call (use a torch.Generator, not torch.manual_seed)",
    )
