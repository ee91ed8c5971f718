"""Probes for lesson 08's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it and times every call itself. Only this
file's text reaches the worker."""


def train(module, root, dataset, device, budget_s):
    """The student's training on the folder the grader prepared: weights and losses, nothing else."""
    from torchcamp.course.texts import tr  # the student's language reaches the worker as TORCHCAMP_LANG

    result = module.train(root, dataset, device, budget_s)
    if not isinstance(result, dict):
        kind = type(result).__name__
        raise TypeError(
            tr(
                f"train() returned a {kind}; it must return a dict: "
                "{'state_dict': model.state_dict(), 'losses': [one float per epoch]}",
                f"train() 返回了 {kind}；它必须返回一个 dict："
                "{'state_dict': model.state_dict(), 'losses': [每个 epoch 一个浮点数]}",
            )
        )
    missing = [key for key in ("state_dict", "losses") if key not in result]
    if missing:
        absent, present = " / ".join(map(repr, missing)), sorted(map(str, result))
        raise ValueError(
            tr(
                f"train()'s result has no {absent}; it has {present}",
                f"train() 的结果里没有 {absent}；它只有 {present}",
            )
        )
    try:
        losses = [float(loss) for loss in result["losses"]]
    except (TypeError, ValueError):
        raise TypeError(
            tr(
                "train()'s 'losses' must be a list of numbers, one mean loss per epoch",
                "train() 的 'losses' 必须是数字列表，每个 epoch 一个平均损失",
            )
        ) from None
    return {"state_dict": result["state_dict"], "losses": losses}


def short_run_on(module, root, device):
    result = module.train(root, "mnist", device, time_budget_s=20, epochs=2)
    return sorted(result["state_dict"]), len(result["losses"])


def train_with_a_tiny_budget(module, root):
    module.train(root, "mnist", "cpu", time_budget_s=1.0, epochs=10_000)


_open_model = None  # the open track's model stays here, in the worker, between the two calls


def open_train(module, root, dataset, device, budget_s):
    """Train the student's open-track model; keep it here. Nothing but a yes leaves the worker."""
    global _open_model
    from torch import nn

    from torchcamp.course.texts import tr

    model = module.train_open(root, dataset, device, budget_s)
    if not isinstance(model, nn.Module):
        kind = type(model).__name__
        raise TypeError(
            tr(f"train_open() returned a {kind}, not an nn.Module", f"train_open() 返回了 {kind}，不是 nn.Module")
        )
    _open_model = model
    return True


def open_predict(module, images, mean, std, device):
    """The open-track model's predicted class for each image: test images, never their labels."""
    import torch

    scaled = ((images.float() / 255 - mean) / std).unsqueeze(1)
    _open_model.eval()
    with torch.no_grad():
        return torch.cat([_open_model(batch.to(device)).argmax(dim=1).cpu() for batch in scaled.split(1000)])
