"""Public tests for lesson 04. Run: pytest exercises/04"""

import pytest
import torch

from torchcamp.course.texts import tr
from torchcamp.testing.mistakes import mistake_if

X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
Y = 2 * X


def output_and_parameter_count(module, x):
    """Probe: build the student's model and report what it computes."""
    model = module.LineModel()
    return model(x).detach(), sum(p.numel() for p in model.parameters())


@pytest.mark.task("04.model")
def test_model_maps_n_by_1_to_n_by_1(student):
    output, parameters = student.run(output_and_parameter_count, X)
    assert output.shape == (4, 1)
    assert parameters == 2, tr(
        f"a line has 2 parameters (weight and bias), your model has {parameters}",
        f"一条直线有 2 个参数（权重和偏置），你的模型有 {parameters} 个",
    )


def loss_before_and_after_one_step(module, x, y):
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    loss_fn, optimizer = module.make_training_tools(model, 0.01)
    before = loss_fn(model(x), y)
    optimizer.zero_grad()
    before.backward()
    optimizer.step()
    return before.item(), loss_fn(model(x), y).item()


@pytest.mark.task("04.tools")
def test_tools_reduce_the_loss(student):
    before, after = student.run(loss_before_and_after_one_step, X, Y)
    assert after < before


def losses_over_steps(module, x, y, steps):
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    return [module.train_step(model, x, y, torch.nn.MSELoss(), optimizer) for _ in range(steps)]


@pytest.mark.task("04.train_step")
def test_steps_return_a_falling_float_loss(student):
    losses = student.run(losses_over_steps, X, Y, 5)
    assert all(isinstance(loss, float) for loss in losses), tr(
        "train_step should return loss.item(), a float", "train_step 应返回 loss.item()，即一个 float"
    )
    assert losses[-1] < losses[0]


@pytest.mark.task("04.fit")
def test_recovers_y_equals_two_x(student):
    weight, bias = student.fit_line(X, Y)
    assert abs(weight - 2) < 0.05 and abs(bias) < 0.1, tr(
        f"got y = {weight:.3f} x + {bias:.3f}", f"得到 y = {weight:.3f} x + {bias:.3f}"
    )


def tool_kinds(module):
    model = torch.nn.Linear(1, 1)
    loss_fn, optimizer = module.make_training_tools(model, 0.125)
    return type(loss_fn).__name__, type(optimizer).__name__, optimizer.param_groups[0]["lr"]


@pytest.mark.task("04.tools")
def test_mean_squared_error_and_plain_sgd(student):
    loss_name, optimizer_name, lr = student.run(tool_kinds)
    mistake_if(loss_name != "MSELoss", "04.tools", "wrong_loss", tr(f"you chose {loss_name}", f"你选择了 {loss_name}"))
    mistake_if(
        optimizer_name != "SGD",
        "04.tools",
        "wrong_optimizer",
        tr(f"you chose {optimizer_name}", f"你选择了 {optimizer_name}"),
    )
    assert lr == 0.125, tr(
        f"use the learning rate you were given (0.125); yours is {lr}", f"请使用传入的学习率（0.125）；你的是 {lr}"
    )


def step_after_a_stale_gradient(module, x, y):
    """One train_step on a model whose .grad still holds an earlier step's gradient, and the
    weights a correct step reaches from the same start."""
    torch.manual_seed(0)
    model = torch.nn.Linear(1, 1)
    expected = torch.nn.Linear(1, 1)
    expected.load_state_dict(model.state_dict())
    for parameter in model.parameters():
        parameter.grad = torch.full_like(parameter, 100.0)  # left over from an earlier step
    module.train_step(model, x, y, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01))
    loss = torch.nn.functional.mse_loss(expected(x), y)
    loss.backward()
    with torch.no_grad():
        for parameter in expected.parameters():
            parameter -= 0.01 * parameter.grad
    return [p.detach() for p in model.parameters()], [p.detach() for p in expected.parameters()]


@pytest.mark.task("04.train_step")
def test_a_step_starts_from_fresh_gradients(student):
    yours, expected = student.run(step_after_a_stale_gradient, X, Y)
    fresh = all(torch.allclose(a, b) for a, b in zip(yours, expected, strict=True))
    mistake_if(not fresh, "04.train_step", "stale_gradients")


@pytest.mark.task("04.fit")
def test_the_number_of_epochs_matters(student):
    one = student.fit_line(X, Y, epochs=1)
    many = student.fit_line(X, Y, epochs=300)
    assert one != many, tr(
        "fit_line gave the same line after 1 epoch and after 300: train for `epochs` steps",
        "fit_line 训练 1 个 epoch 和 300 个 epoch 得到的直线相同：请训练 `epochs` 步",
    )
