"""Probes for lesson 08's hidden graders: they run in the worker, next to the student's
module, and hand back data; the grader judges it and times every call itself. Only this
file's text reaches the worker."""


def train(module, root, dataset, device, budget_s):
    """The student's training on the folder the grader prepared: weights and losses, nothing else."""
    result = module.train(root, dataset, device, budget_s)
    return {"state_dict": result["state_dict"], "losses": [float(loss) for loss in result["losses"]]}


def short_run_on(module, root, device):
    result = module.train(root, "mnist", device, time_budget_s=20, epochs=2)
    return sorted(result["state_dict"]), len(result["losses"])


def train_with_a_tiny_budget(module, root):
    module.train(root, "mnist", "cpu", time_budget_s=1.0, epochs=10_000)
