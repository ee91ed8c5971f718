"""Wrong-but-plausible solutions of lesson 02: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "02.mean_sum",
        "sum where the mean belongs",
        "return t.float().mean(), t.sum()",
        "return t.float().sum(), t.sum()",
    ),
    Mutant("02.reshape", "view fails on non-contiguous input", "return t.reshape(rows, -1)", "return t.view(rows, -1)"),
    Mutant("02.transpose", ".t() only knows matrices", "return t.transpose(-2, -1)", "return t.t()"),
    Mutant(
        "02.broadcast",
        "a result of the wrong rank that still broadcasts",
        "return u[:, None] + v[None, :]",
        "return (u[:, None] + v[None, :])[None]",
    ),
    Mutant("02.clone_view", "returns the input instead of a copy", "return t.clone()", "return t"),
    Mutant("02.dtype", "floors instead of truncating", "return t.int()", "return t.floor().int()"),
    Mutant("02.products", "element-wise product for the matrix product", "return torch.matmul(a, b)", "return a * b"),
]
