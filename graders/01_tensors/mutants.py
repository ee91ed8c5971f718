"""Wrong-but-plausible solutions of lesson 01: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "01.from_list", "forces float32", "return torch.tensor(rows)", "return torch.tensor(rows, dtype=torch.float32)"
    ),
    Mutant(
        "01.from_numpy", "copies instead of sharing", "return torch.from_numpy(array)", "return torch.tensor(array)"
    ),
    Mutant(
        "01.arange",
        "hard-codes the public example",
        "return torch.arange(0, max(n, 0), 2)",
        "return torch.tensor([0, 2, 4, 6, 8])",
    ),
    Mutant(
        "01.seeded",
        "reseeds the global generator",
        "    generator = torch.Generator().manual_seed(seed)\n    return torch.randn(shape, generator=generator)",
        "    torch.manual_seed(seed)\n    return torch.randn(shape)",
    ),
    Mutant(
        "01.describe",
        "counts elements of matrices only",
        '"numel": tensor.numel()',
        '"numel": tensor.shape[0] * tensor.shape[-1]',
    ),
]
