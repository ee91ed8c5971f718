"""Probes for lesson 06's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it. Only this file's text reaches the worker."""

import torch


def layout(module):
    net = module.Net()
    return {name: tuple(tensor.shape) for name, tensor in net.state_dict().items()}


def output_with_weights(module, state, x):
    net = module.Net()
    net.load_state_dict(state)
    return net(x).detach()


def rows_alone_and_together(module, seed, x):
    torch.manual_seed(seed)
    net = module.Net()
    together = net(x).detach()
    alone = torch.cat([net(x[i : i + 1]).detach() for i in range(len(x))])
    return together, alone


def parameter_devices_and_output(module, device):
    net = module.build_on(device)
    output = net(torch.zeros(3, 1, 28, 28, device=device))
    return sorted({str(p.device) for p in net.parameters()}), str(output.device), tuple(output.shape)


def relu_and_input(module, x):
    result = module.relu(x)
    return result, x


def dynamic_output(module, state, x, depth):
    """Probe: DynamicNet's output at DEPTH with the reference's weights (None: the keys differ)."""
    width, max_depth = x.shape[-1], len({key.split(".")[1] for key in state})
    net = module.DynamicNet(width, max_depth)
    if sorted(net.state_dict()) != sorted(state):
        return {"keys": sorted(net.state_dict())}
    net.load_state_dict(state)
    return {"output": net(x, depth).detach()}


def dynamic_depth_refused(module, depth):
    try:
        module.DynamicNet(3, 2)(torch.zeros(1, 3), depth)
    except ValueError:
        return True
    return False
