"""Hidden graders for lesson 04: same start, same data, same parameters after training."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import float_tensors, seeds, shapes

probes = load_probes(__file__)

column_inputs = float_tensors(shapes(2, 2, 1, 8).map(lambda s: (s[0], 1)), low=-3, high=3)
learning_rates = st.sampled_from([0.001, 0.01, 0.05, 0.1])


@pytest.mark.task("04.model")
@given(seed=seeds, x=column_inputs)
def test_model_is_one_linear_layer(student, reference, seed, x):
    assert_same(
        student.run(probes.built_from_seed, seed, x),
        probes.built_from_seed(reference, seed, x),
        tr("your model (weights and output)", "你的模型（权重与输出）"),
    )


@pytest.mark.task("04.tools")
@given(seed=seeds, lr=learning_rates, x=column_inputs)
def test_tools_update_like_mse_and_sgd(student, reference, seed, lr, x):
    y = 3 * x - 1
    assert_same(
        student.run(probes.one_update, seed, lr, x, y),
        probes.one_update(reference, seed, lr, x, y),
        tr(f"loss and weights after one update with lr={lr}", f"以 lr={lr} 更新一次之后的损失与权重"),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.task("04.train_step")
@given(seed=seeds, lr=learning_rates, x=column_inputs, steps=st.integers(2, 6))
def test_parameters_after_k_steps_match_reference(student, reference, seed, lr, x, steps):
    y = -2 * x + 0.5
    assert_same(
        student.run(probes.after_steps, seed, lr, x, y, steps),
        probes.after_steps(reference, seed, lr, x, y, steps),
        tr(f"losses and weights after {steps} steps", f"{steps} 步之后的损失与权重"),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.task("04.fit")
@settings(max_examples=6)
@given(slope=st.floats(-3, 3), intercept=st.floats(-2, 2), seed=seeds)
def test_recovers_any_line(student, slope, intercept, seed):
    x = torch.rand(16, 1, generator=torch.Generator().manual_seed(seed)) * 4 - 2
    y = slope * x + intercept
    weight, bias = student.fit_line(x, y)
    assert abs(weight - slope) < 0.05 and abs(bias - intercept) < 0.05, tr(
        f"for y = {slope:.3f} x + {intercept:.3f} you found y = {weight:.3f} x + {bias:.3f}",
        f"对 y = {slope:.3f} x + {intercept:.3f}，你得到的是 y = {weight:.3f} x + {bias:.3f}",
    )
