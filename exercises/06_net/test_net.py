"""Public tests for lesson 06. Run: pytest exercises/06"""

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.compare import assert_same
from torchcamp.testing.mistakes import mistake_if


def output_shape_and_size(module, batch):
    net = module.Net()
    return tuple(net(torch.zeros(batch, 1, 28, 28)).shape), sum(p.numel() for p in net.parameters())


@pytest.mark.task("06.net")
def test_ten_scores_per_image(student):
    shape, parameters = student.run(output_shape_and_size, 2)
    assert shape == (2, 10)
    assert parameters == 784 * 128 + 128 + 128 * 10 + 10


def parameter_devices(module, device):
    return sorted({str(p.device) for p in module.build_on(device).parameters()})


@pytest.mark.task("06.to_device")
def test_build_on_cpu(student):
    assert student.run(parameter_devices, "cpu") == ["cpu"]


@pytest.mark.task("06.relu")
def test_relu(student):
    assert_same(student.relu(torch.tensor([-2.0, 0.0, 3.0])), torch.tensor([0.0, 0.0, 3.0]))


@pytest.mark.task("06.softmax")
def test_softmax_of_equal_scores(student):
    assert_same(student.softmax(torch.zeros(1, 4)), torch.full((1, 4), 0.25))


def logits_and_by_hand(module):
    """The network's output for a batch, and the same computed by hand from its own weights."""
    torch.manual_seed(0)
    net = module.Net()
    x = torch.rand(3, 1, 28, 28)
    weights = net.state_dict()
    hidden = torch.relu(x.flatten(1) @ weights["linear1.weight"].T + weights["linear1.bias"])
    expected = hidden @ weights["linear2.weight"].T + weights["linear2.bias"]
    linear_only = x.flatten(1) @ weights["linear1.weight"].T + weights["linear1.bias"]
    without_relu = linear_only @ weights["linear2.weight"].T + weights["linear2.bias"]
    return net(x).detach(), expected, net(x[:1]).detach(), without_relu


@pytest.mark.task("06.net")
def test_logits_are_linear_relu_linear(student):
    output, expected, first_alone, without_relu = student.run(logits_and_by_hand)
    rows_sum_to_one = torch.allclose(output.sum(dim=1), torch.ones(len(output))) and bool((output >= 0).all())
    mistake_if(rows_sum_to_one, "06.net", "softmax_in_forward")
    mistake_if(torch.allclose(output, without_relu, atol=1e-5), "06.net", "missing_activation")
    assert torch.allclose(output, expected, atol=1e-5), tr(
        "forward should return linear2(relu(linear1(flatten(x)))) — raw scores (logits): "
        "no softmax (CrossEntropyLoss applies it) and the ReLU between the layers",
        "forward 应返回 linear2(relu(linear1(flatten(x))))，即原始分数（logits）："
        "不要加 softmax（CrossEntropyLoss 会处理），两层之间要有 ReLU",
    )
    assert torch.allclose(first_alone, output[:1], atol=1e-5), tr(
        "an image's scores must not depend on the rest of its batch", "一张图像的分数不能依赖同一批次里的其他图像"
    )


@pytest.mark.task("06.to_device")
def test_build_on_another_device(student):
    # The meta device exists on every machine: a model moved there has parameters without data.
    assert student.run(parameter_devices, "meta") == ["meta"], tr(
        "move the new model with .to(device)", "用 .to(device) 移动新建的模型"
    )


def input_after_relu(module):
    x = torch.tensor([-2.0, 0.0, 3.0])
    module.relu(x)
    return x


@pytest.mark.task("06.relu")
def test_relu_leaves_its_input_alone(student):
    assert_same(
        student.run(input_after_relu),
        torch.tensor([-2.0, 0.0, 3.0]),
        tr("the caller's tensor after relu(x)", "调用 relu(x) 之后调用者的张量"),
    )


@pytest.mark.task("06.softmax")
def test_softmax_of_large_scores(student):
    probabilities = student.softmax(torch.tensor([[1000.0, 0.0]]))
    mistake_if(
        bool(probabilities.isnan().any()),
        "06.softmax",
        "overflow",
        tr("softmax([[1000, 0]]) gave nan", "softmax([[1000, 0]]) 得到了 nan"),
    )
    assert_same(
        student.softmax(torch.tensor([[1000.0, 0.0]])),
        torch.tensor([[1.0, 0.0]]),
        tr(
            "softmax of [1000, 0] (subtract the largest score before exp, or exp overflows)",
            "[1000, 0] 的 softmax（在 exp 之前减去最大分数，否则 exp 会溢出）",
        ),
    )


def dynamic_net_observed(module):
    """Two calls at depth 2, the same by hand from the registered weights, and which layers learn."""
    torch.manual_seed(0)
    net = module.DynamicNet(4, 3)
    parameters = sum(p.numel() for p in net.parameters())
    if parameters == 0:  # nothing registered: nothing below can be looked up by name
        return {"parameters": 0, "calls_agree": True}
    x = torch.rand(2, 4)
    first, second = net(x, 2), net(x, 2)
    weights = net.state_dict()
    by_hand = x
    for index in range(2):
        by_hand = torch.relu(by_hand @ weights[f"layers.{index}.weight"].T + weights[f"layers.{index}.bias"])
    first.sum().backward()
    learning = [name for name, parameter in net.named_parameters() if parameter.grad is not None]
    return {
        "parameters": parameters,
        "calls_agree": bool(torch.equal(first, second)),
        "matches_by_hand": bool(torch.allclose(first, by_hand, atol=1e-6)),
        "learning": sorted(learning),
        "depth_zero": bool(torch.equal(net(x, 0), x)),
    }


@pytest.mark.task("06.dynamic_net")
def test_dynamic_depth_uses_registered_layers(student):
    seen = student.run(dynamic_net_observed)
    mistake_if(
        not seen["calls_agree"],
        "06.dynamic_net",
        "layers_in_forward",
        tr("two calls on the same input differ", "对同一输入调用两次，结果不同"),
    )
    mistake_if(
        seen["parameters"] == 0, "06.dynamic_net", "plain_list", tr("the network has no parameters", "这个网络没有参数")
    )
    assert seen["parameters"] == 3 * (4 * 4 + 4), tr(
        f"3 layers of Linear(4, 4) have 60 parameters, yours {seen['parameters']}",
        f"3 层 Linear(4, 4) 共有 60 个参数，你的是 {seen['parameters']}",
    )
    assert seen["matches_by_hand"], tr(
        "at depth 2 the output should be relu(layers[1](relu(layers[0](x))))",
        "深度为 2 时输出应为 relu(layers[1](relu(layers[0](x))))",
    )
    assert seen["learning"] == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"], tr(
        f"after backward at depth 2, exactly the first two layers should have gradients; yours: {seen['learning']}",
        f"深度为 2 时反向传播之后，应该恰好是前两层有梯度；你的：{seen['learning']}",
    )
    assert seen["depth_zero"], tr("at depth 0 the input comes back unchanged", "深度为 0 时应原样返回输入")
