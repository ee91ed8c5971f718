"""Wrong-but-plausible solutions of lesson 03: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "03.grad_of_squares",
        "writes the derivative by hand instead of using autograd",
        "    leaf = x.detach().clone().requires_grad_(True)\n    (leaf**2).sum().backward()\n    return leaf.grad\n\n\ndef stop",
        "    return 2 * x\n\n\ndef stop",
        mistake="derivative_by_hand",
    ),
    Mutant(
        "03.grad_of_squares",
        "gives the caller's tensor a graph and a .grad",
        "    leaf = x.detach().clone().requires_grad_(True)\n    (leaf**2).sum().backward()\n    return leaf.grad\n\n\ndef stop",
        "    x.requires_grad_(True)\n    (x**2).sum().backward()\n    return x.grad\n\n\ndef stop",
        mistake="callers_tensor_changed",
    ),
    Mutant("03.zero_grad", "forgets to zero the gradient", "    leaf.grad.zero_()\n", "", mistake="not_reset"),
    Mutant("03.accumulate", "only right for the public example", "for _ in range(times):", "for _ in range(2):"),
    Mutant(
        "03.no_grad",
        "copies instead of detaching",
        "return y.detach()",
        "return y.detach().clone()",
        mistake="copied_instead_of_detached",
    ),
    Mutant("03.dynamic_graph", "always takes the first branch", "if leaf.sum() > 0:", "if True:"),
    Mutant(
        "03.requires_grad",
        "lets integers pick the dtype",
        "torch.tensor(values, dtype=torch.float32, requires_grad=True)",
        "torch.tensor(values, requires_grad=True)",
    ),
    Mutant(
        "03.requires_grad",
        "returns a non-leaf",
        "torch.tensor(values, dtype=torch.float32, requires_grad=True)",
        "torch.tensor(values, dtype=torch.float32, requires_grad=True) * 1",
    ),
    Mutant(
        "03.in_place",
        "makes a new tensor instead of changing the caller's",
        "        weights.sub_(lr * grad)\n    return weights",
        "        weights = weights - lr * grad\n    return weights",
        mistake="not_in_place",
    ),
    Mutant(
        "03.in_place",
        "changes the leaf while autograd records",
        "    with torch.no_grad():\n        weights.sub_(lr * grad)",
        "    weights.sub_(lr * grad)",
        mistake="recorded_in_place",
    ),
    Mutant("03.in_place", "climbs the gradient", "weights.sub_(lr * grad)", "weights.add_(lr * grad)"),
]
