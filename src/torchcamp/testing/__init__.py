"""What lesson authors import: comparisons with messages a student can read, hypothesis
strategies that build tensors cheaply, the probes loader for hidden graders, and fakes."""

from torchcamp.testing.compare import assert_raises, assert_same, student_raises
from torchcamp.testing.fakes import write_mnist_like
from torchcamp.testing.probes import load_probes

__all__ = ["assert_raises", "assert_same", "load_probes", "student_raises", "write_mnist_like"]
