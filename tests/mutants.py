"""Wrong-but-plausible solutions: each is the reference with one edit a student might make.

Every mutant names the task whose points it must lose. tests/test_mutants.py grades each
one through the real grading path and checks that the graders reject it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    lesson: str
    task: str
    why: str
    old: str
    new: str


MUTANTS = [
    # 00 — setup
    Mutant(
        "00", "00.versions", "hard-codes this machine's answer", '"cuda": torch.cuda.is_available(),', '"cuda": False,'
    ),
    Mutant(
        "00", "00.choose_device", "accepts any override", "if not KNOWN_DEVICE.match(override):", "if not override:"
    ),
    Mutant(
        "00",
        "00.choose_device",
        "prefers MPS over CUDA",
        '    if cuda_available:\n        return "cuda"\n    if mps_available:\n        return "mps"',
        '    if mps_available:\n        return "mps"\n    if cuda_available:\n        return "cuda"',
    ),
    Mutant(
        "00",
        "00.default_device",
        "ignores TORCHCAMP_DEVICE",
        'override = os.environ.get("TORCHCAMP_DEVICE") or None',
        "override = None",
    ),
    Mutant(
        "00",
        "00.smoke_test",
        "reseeds the global generator",
        "    generator = torch.Generator().manual_seed(seed)\n    return torch.rand(3, 3, generator=generator).to(device)",
        "    torch.manual_seed(seed)\n    return torch.rand(3, 3).to(device)",
    ),
    # 01 — tensors
    Mutant(
        "01",
        "01.from_list",
        "forces float32",
        "return torch.tensor(rows)",
        "return torch.tensor(rows, dtype=torch.float32)",
    ),
    Mutant(
        "01",
        "01.from_numpy",
        "copies instead of sharing",
        "return torch.from_numpy(array)",
        "return torch.tensor(array)",
    ),
    Mutant(
        "01",
        "01.arange",
        "hard-codes the public example",
        "return torch.arange(0, max(n, 0), 2)",
        "return torch.tensor([0, 2, 4, 6, 8])",
    ),
    Mutant(
        "01",
        "01.seeded",
        "reseeds the global generator",
        "    generator = torch.Generator().manual_seed(seed)\n    return torch.randn(shape, generator=generator)",
        "    torch.manual_seed(seed)\n    return torch.randn(shape)",
    ),
    Mutant(
        "01",
        "01.describe",
        "counts elements of matrices only",
        '"numel": tensor.numel()',
        '"numel": tensor.shape[0] * tensor.shape[-1]',
    ),
    # 02 — tensor operations
    Mutant(
        "02",
        "02.mean_sum",
        "sum where the mean belongs",
        "return t.float().mean(), t.sum()",
        "return t.float().sum(), t.sum()",
    ),
    Mutant(
        "02",
        "02.reshape",
        "view fails on non-contiguous input",
        "return t.reshape(rows, -1)",
        "return t.view(rows, -1)",
    ),
    Mutant("02", "02.transpose", ".t() only knows matrices", "return t.transpose(-2, -1)", "return t.t()"),
    Mutant(
        "02",
        "02.broadcast",
        "a result of the wrong rank that still broadcasts",
        "return u[:, None] + v[None, :]",
        "return (u[:, None] + v[None, :])[None]",
    ),
    Mutant("02", "02.clone_view", "returns the input instead of a copy", "return t.clone()", "return t"),
    Mutant("02", "02.dtype", "floors instead of truncating", "return t.int()", "return t.floor().int()"),
    Mutant(
        "02", "02.products", "element-wise product for the matrix product", "return torch.matmul(a, b)", "return a * b"
    ),
    # 03 — autograd
    Mutant(
        "03",
        "03.grad_of_squares",
        "writes the derivative by hand instead of using autograd",
        "    leaf = x.detach().clone().requires_grad_(True)\n    (leaf**2).sum().backward()\n    return leaf.grad\n\n\ndef stop",
        "    return 2 * x\n\n\ndef stop",
    ),
    Mutant(
        "03",
        "03.grad_of_squares",
        "gives the caller's tensor a graph and a .grad",
        "    leaf = x.detach().clone().requires_grad_(True)\n    (leaf**2).sum().backward()\n    return leaf.grad\n\n\ndef stop",
        "    x.requires_grad_(True)\n    (x**2).sum().backward()\n    return x.grad\n\n\ndef stop",
    ),
    Mutant("03", "03.zero_grad", "forgets to zero the gradient", "    leaf.grad.zero_()\n", ""),
    Mutant("03", "03.accumulate", "only right for the public example", "for _ in range(times):", "for _ in range(2):"),
    Mutant("03", "03.no_grad", "copies instead of detaching", "return y.detach()", "return y.detach().clone()"),
    Mutant("03", "03.dynamic_graph", "always takes the first branch", "if leaf.sum() > 0:", "if True:"),
    Mutant(
        "03",
        "03.requires_grad",
        "lets integers pick the dtype",
        "torch.tensor(values, dtype=torch.float32, requires_grad=True)",
        "torch.tensor(values, requires_grad=True)",
    ),
    Mutant(
        "03",
        "03.requires_grad",
        "returns a non-leaf",
        "torch.tensor(values, dtype=torch.float32, requires_grad=True)",
        "torch.tensor(values, dtype=torch.float32, requires_grad=True) * 1",
    ),
    # 04 — linear regression
    Mutant(
        "04",
        "04.train_step",
        "no zero_grad",
        "    optimizer.zero_grad()  # gradients accumulate: clear last step's first\n",
        "",
    ),
    Mutant(
        "04",
        "04.train_step",
        "steps before backward",
        "    loss.backward()\n    optimizer.step()",
        "    optimizer.step()\n    loss.backward()",
    ),
    Mutant(
        "04",
        "04.tools",
        "Adam instead of SGD",
        "optim.SGD(model.parameters(), lr=lr)",
        "optim.Adam(model.parameters(), lr=lr)",
    ),
    Mutant("04", "04.tools", "L1 loss instead of MSE", "nn.MSELoss()", "nn.L1Loss()"),
    Mutant("04", "04.fit", "ignores the number of epochs", "for _ in range(epochs):", "for _ in range(20):"),
    Mutant(
        "04",
        "04.model",
        "an extra layer",
        "self.linear = nn.Linear(1, 1)",
        "self.linear = nn.Linear(1, 1)\n        self.extra = nn.Linear(1, 1)",
    ),
    # 05 — data
    Mutant(
        "05",
        "05.transform",
        "swaps mean and std",
        "transforms.Normalize((MNIST_MEAN,), (MNIST_STD,))",
        "transforms.Normalize((MNIST_STD,), (MNIST_MEAN,))",
    ),
    Mutant(
        "05",
        "05.dataset",
        "always reads the training split",
        "datasets.MNIST(root, train=train,",
        "datasets.MNIST(root, train=True,",
    ),
    Mutant(
        "05",
        "05.loader",
        "always shuffles, with the global generator",
        "DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))",
        "DataLoader(dataset, batch_size=batch_size, shuffle=True)",
    ),
    Mutant("05", "05.stats", "forgets to scale to [0, 1]", "scaled = images.float() / 255", "scaled = images.float()"),
    # 06 — the network
    Mutant(
        "06",
        "06.net",
        "returns probabilities",
        "return self.linear2(self.relu(self.linear1(self.flatten(x))))",
        "return torch.softmax(self.linear2(self.relu(self.linear1(self.flatten(x)))), dim=1)",
    ),
    Mutant(
        "06",
        "06.net",
        "forgets the activation",
        "return self.linear2(self.relu(self.linear1(self.flatten(x))))",
        "return self.linear2(self.linear1(self.flatten(x)))",
    ),
    Mutant(
        "06",
        "06.net",
        "normalizes across the batch",
        "return self.linear2(self.relu(self.linear1(self.flatten(x))))",
        "flat = self.flatten(x)\n        return self.linear2(self.relu(self.linear1(flat - flat.mean(dim=0))))",
    ),
    Mutant(
        "06", "06.relu", "works in place", "return torch.where(x > 0, x, torch.zeros_like(x))", "return x.clamp_(min=0)"
    ),
    Mutant(
        "06",
        "06.softmax",
        "overflows on large logits",
        "shifted = logits - logits.max(dim=-1, keepdim=True).values",
        "shifted = logits",
    ),
    Mutant("06", "06.to_device", "never moves the model", "return Net().to(device)", "return Net()"),
    # 07 — training and evaluation
    Mutant("07", "07.train_epoch", "no zero_grad", "        optimizer.zero_grad()\n", ""),
    Mutant(
        "07",
        "07.train_epoch",
        "leaves batches where they are",
        "        images, labels = images.to(device), labels.to(device)\n        optimizer.zero_grad()",
        "        optimizer.zero_grad()",
    ),
    Mutant(
        "07", "07.train_epoch", "never switches to training mode", "    model.train()\n    total_loss", "    total_loss"
    ),
    Mutant("07", "07.evaluate", "leaves the model in eval mode", "    model.train(was_training)\n", ""),
    Mutant(
        "07",
        "07.evaluate",
        "records a graph while evaluating",
        "    with torch.no_grad():  # no graph: faster, and evaluation can never change a gradient\n",
        "    if True:\n",
    ),
    Mutant("07", "07.evaluate", "counts only the last batch", "correct += ", "correct = "),
    # 08 — the final task
    Mutant(
        "08",
        "08.script",
        "also opens the test split",
        "    split = DATASETS[dataset](data_root, train=True, download=False)",
        "    DATASETS[dataset](data_root, train=False, download=False)\n    split = DATASETS[dataset](data_root, train=True, download=False)",
    ),
    Mutant(
        "08",
        "08.script",
        "ignores the time budget",
        "        if elapsed + (time.monotonic() - epoch_started) > time_budget_s:\n            break\n",
        "",
    ),
    Mutant("08", "08.tier_3", "stops after one epoch", "for epoch in range(epochs):", "for epoch in range(1):"),
    Mutant(
        "08",
        "08.tier_1",
        "trains on unnormalized pixels",
        "images = (split.data.float() / 255 - MEAN) / STD",
        "images = split.data.float()",
    ),
]
