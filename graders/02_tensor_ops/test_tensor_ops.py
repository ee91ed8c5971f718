"""Hidden graders for lesson 02."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import float_tensors, int_tensors, matrices, seeds, shapes

probes = load_probes(__file__)

sides = st.integers(1, 6)


@st.composite
def multiplicable_pair(draw):
    n, k, m = draw(sides), draw(sides), draw(sides)
    return draw(float_tensors(st.just((n, k)))), draw(float_tensors(st.just((k, m))))


@st.composite
def same_shape_pair(draw, dims=(1, 4)):
    shape = draw(shapes(*dims))
    return draw(float_tensors(st.just(shape))), draw(float_tensors(st.just(shape)))


@pytest.mark.task("02.products")
@given(pair=multiplicable_pair())
def test_matrix_product_of_any_compatible_shapes(student, reference, pair):
    assert_same(student.matrix_product(*pair), reference.matrix_product(*pair), rtol=1e-4, atol=1e-4)


@pytest.mark.task("02.products")
@given(pair=same_shape_pair())
def test_elementwise_product_of_any_shape(student, reference, pair):
    assert_same(student.elementwise_product(*pair), reference.elementwise_product(*pair))


@pytest.mark.task("02.mean_sum")
@given(t=st.one_of(int_tensors(), float_tensors()))
def test_mean_and_sum_of_any_tensor(student, reference, t):
    assert_same(student.mean_and_sum(t), reference.mean_and_sum(t), rtol=1e-5, atol=1e-4)


@st.composite
def transposed_and_rows(draw):
    """A non-contiguous (a, b) tensor and a row count that changes its shape."""
    a = draw(st.integers(2, 6))
    b = draw(st.integers(2, 6).filter(lambda n: n != a))
    base = torch.rand(b, a, generator=torch.Generator().manual_seed(draw(seeds)))
    return base.t(), draw(st.sampled_from([1, b, a * b]))


@pytest.mark.task("02.reshape")
@given(case=transposed_and_rows())
def test_rows_of_a_transposed_tensor(student, reference, case):
    transposed, rows = case
    assert_same(
        student.to_rows(transposed, rows),
        reference.to_rows(transposed, rows),
        tr(f"your {rows} rows from a non-contiguous (transposed) input", f"你从非连续（转置后）输入得到的 {rows} 行"),
    )


@pytest.mark.task("02.transpose")
@given(t=float_tensors(shapes(2, 4)))
def test_swap_in_batches(student, reference, t):
    assert_same(
        student.swap_last_two(t),
        reference.swap_last_two(t),
        tr(f"your result for shape {tuple(t.shape)}", f"你对形状 {tuple(t.shape)} 的结果"),
    )


@pytest.mark.task("02.slicing")
@given(m=matrices(min_side=2))
def test_slices_of_any_matrix(student, reference, m):
    assert_same(student.slices(m), reference.slices(m))


@pytest.mark.task("02.dtype")
@given(t=float_tensors(low=-100, high=100))
def test_truncation_toward_zero(student, reference, t):
    assert_same(student.truncate_to_int(t), reference.truncate_to_int(t))


@pytest.mark.task("02.cat")
@given(pair=same_shape_pair(dims=(2, 2)))
def test_join_values_and_order(student, reference, pair):
    assert_same(student.join(*pair), reference.join(*pair))


@pytest.mark.task("02.broadcast")
@given(u=float_tensors(shapes(1, 1)), v=float_tensors(shapes(1, 1)))
def test_outer_sum_of_different_lengths(student, reference, u, v):
    assert_same(
        student.outer_sum(u, v),
        reference.outer_sum(u, v),
        tr(f"your table for lengths {len(u)} and {len(v)}", f"你对长度 {len(u)} 和 {len(v)} 得到的表"),
    )


@pytest.mark.task("02.clone_view")
@given(t=float_tensors(low=0, high=1))
def test_copy_shares_no_memory(student, t):
    assert_same(
        student.run(probes.original_after_writing_into, "independent_copy", t.clone()),
        t,
        tr("the original after writing into your copy (it must not change)", "写入你的副本之后的原张量（它不能改变）"),
    )


@pytest.mark.task("02.clone_view")
@given(t=float_tensors(low=0, high=1))
def test_view_shares_memory(student, t):
    assert_same(
        student.run(probes.original_after_writing_into, "flat_view", t.clone()),
        torch.full_like(t, -1.0),
        tr(
            "the original after writing into your view (it must change too)",
            "写入你的视图之后的原张量（它也必须跟着改变）",
        ),
    )


@pytest.mark.task("02.mask")
@given(t=st.one_of(int_tensors(), float_tensors()), threshold=st.integers(-10, 10))
def test_mask_any_tensor(student, reference, t, threshold):
    assert_same(student.keep_greater(t, threshold), reference.keep_greater(t, threshold))


@pytest.mark.task("02.pad")
@given(m=st.one_of(matrices(), int_tensors(shapes(2, 2))), width=st.integers(0, 3), value=st.integers(-5, 5))
def test_pad_any_width_and_value(student, reference, m, width, value):
    assert_same(student.pad_border(m, width, value), reference.pad_border(m, width, value))


@st.composite
def matrix_and_rows(draw):
    m = draw(matrices())
    rows = draw(st.lists(st.integers(-m.shape[0], m.shape[0] - 1), min_size=1, max_size=6))
    return m, rows


@pytest.mark.task("02.indexing")
@given(case=matrix_and_rows())
def test_pick_any_rows(student, reference, case):
    m, rows = case
    assert_same(student.pick_rows(m, rows), reference.pick_rows(m, rows), tr(f"your rows {rows}", f"你的各行 {rows}"))
