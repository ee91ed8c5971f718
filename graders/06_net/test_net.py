"""Hidden graders for lesson 06."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.probes import load_probes
from torchcamp.testing.strategies import float_tensors, seeds, shapes

probes = load_probes(__file__)

images = float_tensors(shapes(4, 4, 1, 5).map(lambda s: (s[0], 1, 28, 28)), low=-1, high=3)


@pytest.mark.task("06.net")
def test_layers_have_the_seed_names_and_shapes(student, reference):
    assert_same(
        student.run(probes.layout), probes.layout(reference), tr("your layers (name: shape)", "你的各层（名称: 形状）")
    )


@pytest.mark.task("06.net")
@given(seed=seeds, x=images)
def test_same_weights_same_logits(student, reference, seed, x):
    torch.manual_seed(seed)
    state = reference.Net().state_dict()
    expected = probes.output_with_weights(reference, state, x)
    assert_same(
        student.run(probes.output_with_weights, state, x),
        expected,
        tr("your logits with the reference's weights", "使用参考答案的权重时你的 logits"),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.task("06.net")
@given(seed=seeds, x=images)
def test_each_row_depends_only_on_its_image(student, seed, x):
    together, alone = student.run(probes.rows_alone_and_together, seed, x)
    assert together.shape == (len(x), 10), tr(
        f"output shape {tuple(together.shape)} for {len(x)} images",
        f"{len(x)} 张图像的输出形状为 {tuple(together.shape)}",
    )
    assert_same(
        together,
        alone,
        tr("row i of net(x) vs net(x[i:i+1])", "net(x) 的第 i 行与 net(x[i:i+1]) 的对比"),
        rtol=1e-4,
        atol=1e-5,
    )
    assert not torch.allclose(together.sum(dim=1), torch.ones(len(x))), tr(
        "return logits; leave softmax to the loss", "返回 logits；softmax 交给损失函数"
    )


@pytest.mark.task("06.to_device")
@given(device=st.sampled_from(["cpu", "meta"]))
def test_every_parameter_moves(student, device):
    # "meta" is a device without data that exists on every machine: a stand-in for a GPU.
    assert student.run(probes.parameter_devices_and_output, device) == ([device], device, (3, 10))


@pytest.mark.task("06.relu")
@given(x=float_tensors())
def test_relu_matches_and_leaves_input_alone(student, x):
    result, after = student.run(probes.relu_and_input, x)
    assert_same(result, torch.relu(x), "relu(x)")
    assert_same(after, x, tr("x after calling relu (it must not change)", "调用 relu 之后的 x（它不能改变）"))


@pytest.mark.task("06.softmax")
@given(logits=float_tensors(shapes(1, 3), low=-1000, high=1000))
def test_softmax_is_stable_for_huge_logits(student, logits):
    result = student.softmax(logits)
    assert not torch.isnan(result).any(), tr(
        "softmax gave NaN: subtract the row maximum before exp()", "softmax 得到了 NaN：在 exp() 之前减去每行的最大值"
    )
    assert_same(result, torch.softmax(logits, dim=-1), "softmax(logits)", rtol=1e-4, atol=1e-6)


@pytest.mark.task("06.dynamic_net")
@given(seed=seeds, width=st.integers(1, 6), max_depth=st.integers(1, 5), batch=st.integers(1, 4), data=st.data())
def test_dynamic_net_matches_the_reference_at_every_depth(student, reference, seed, width, max_depth, batch, data):
    depth = data.draw(st.integers(0, max_depth), label="depth")
    torch.manual_seed(seed)
    model = reference.DynamicNet(width, max_depth)
    state = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}
    x = torch.randn(batch, width, generator=torch.Generator().manual_seed(seed))
    expected = {"output": model(x, depth).detach()}
    assert_same(
        student.run(probes.dynamic_output, state, x, depth),
        expected,
        tr(
            f"your DynamicNet({width}, {max_depth}) at depth {depth}, with the reference's weights",
            f"使用参考答案的权重时，你的 DynamicNet({width}, {max_depth}) 在深度 {depth} 的输出",
        ),
        atol=1e-5,
        rtol=1e-5,
    )


@pytest.mark.task("06.dynamic_net")
@given(depth=st.sampled_from([-1, 3, 7]))
def test_dynamic_net_refuses_a_depth_it_does_not_have(student, depth):
    assert student.run(probes.dynamic_depth_refused, depth), tr(
        f"DynamicNet(3, 2) at depth {depth}: expected ValueError", f"DynamicNet(3, 2) 在深度 {depth}：应抛出 ValueError"
    )
