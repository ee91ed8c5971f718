"""Hidden graders for lesson 01."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import float_tensors, int_tensors, seeds, shapes

probes = load_probes(__file__)

small_ints = st.integers(-1000, 1000)
small_floats = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@st.composite
def nested_rows(draw, elements):
    rows, cols = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return [[draw(elements) for _ in range(cols)] for _ in range(rows)]


@pytest.mark.task("01.from_list")
@given(rows=st.one_of(nested_rows(small_ints), nested_rows(small_floats)))
def test_rows_match_reference(student, reference, rows):
    assert_same(student.tensor_from_rows(rows), reference.tensor_from_rows(rows))


@pytest.mark.task("01.from_numpy")
@given(shape=shapes(), seed=seeds, dtype=st.sampled_from([np.float32, np.float64, np.int64]))
def test_tensor_shares_memory_with_array(student, reference, shape, seed, dtype):
    array = np.random.default_rng(seed).integers(-50, 50, size=shape).astype(dtype)
    assert_same(
        student.run(probes.mutate_after_converting, array.copy()),
        probes.mutate_after_converting(reference, array.copy()),
        tr("the tensor after changing the array (it should share memory)", "修改数组之后的张量（它应与数组共享内存）"),
    )


@pytest.mark.task("01.filled")
@given(rows=st.integers(0, 6), cols=st.integers(0, 6))
def test_filled_for_any_size(student, reference, rows, cols):
    assert_same(student.zeros_and_ones(rows, cols), reference.zeros_and_ones(rows, cols))


@pytest.mark.task("01.arange")
@given(n=st.integers(-5, 200))
def test_evens_for_any_n(student, reference, n):
    assert_same(student.evens_below(n), reference.evens_below(n), f"evens_below({n})")


@pytest.mark.task("01.uniform")
@given(shape=shapes(), low=st.floats(-100, 100), width=st.floats(0.5, 100), seed=seeds)
def test_uniform_matches_reference(student, reference, shape, low, width, seed):
    actual = student.uniform_between(shape, low, low + width, seed)
    assert_same(actual, reference.uniform_between(shape, low, low + width, seed), rtol=1e-5, atol=1e-4)
    assert bool(((actual >= low) & (actual <= low + width)).all()), tr(
        "values fall outside [low, high)", "有数值落在 [low, high) 之外"
    )


@pytest.mark.task("01.seeded")
@given(shape=shapes(), seed=seeds)
def test_normal_matches_reference(student, reference, shape, seed):
    assert_same(student.seeded_normal(shape, seed), reference.seeded_normal(shape, seed))


@pytest.mark.task("01.seeded")
@given(shape=shapes(), seed=seeds)
def test_global_random_state_untouched(student, shape, seed):
    torch.manual_seed(99)
    untouched = torch.rand(3)
    assert_same(
        student.run(probes.global_stream_after, shape, seed),
        untouched,
        tr(
            "the global random stream after your call (use a torch.Generator)",
            "调用你的函数之后的全局随机数流（请用 torch.Generator）",
        ),
    )


@pytest.mark.task("01.describe")
@given(tensor=st.one_of(float_tensors(shapes(0, 4, 0, 4)), int_tensors(shapes(0, 4, 0, 4), dtype=torch.int32)))
def test_describe_any_tensor(student, reference, tensor):
    assert_same(student.describe(tensor), reference.describe(tensor))
