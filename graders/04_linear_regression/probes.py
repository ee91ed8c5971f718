"""Probes for lesson 04's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""

import torch


def built_from_seed(module, seed, x):
    """Probe: a model built right after seeding, its weights and its output."""
    torch.manual_seed(seed)
    model = module.LineModel()
    return {
        "state": dict(model.state_dict()),
        "output": model(x).detach(),
        "is_module": isinstance(model, torch.nn.Module),
    }


def one_update(module, seed, lr, x, y):
    """Probe: one update with the student's loss and optimizer on a fixed linear model."""
    torch.manual_seed(seed)
    model = torch.nn.Linear(1, 1)
    loss_fn, optimizer = module.make_training_tools(model, lr)
    loss = loss_fn(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return {"loss": loss.detach(), "state": dict(model.state_dict())}


def after_steps(module, seed, lr, x, y, steps):
    """Probe: k train_step calls from a seeded start, with known loss and optimizer."""
    torch.manual_seed(seed)
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = [module.train_step(model, x, y, torch.nn.MSELoss(), optimizer) for _ in range(steps)]
    return {"losses": losses, "state": dict(model.state_dict())}
