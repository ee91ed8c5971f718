"""torchcamp: a self-grading PyTorch course."""

__version__ = "0.1.0"
