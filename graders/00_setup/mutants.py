"""Wrong-but-plausible solutions of lesson 00: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant("00.versions", "hard-codes this machine's answer", '"cuda": torch.cuda.is_available(),', '"cuda": False,'),
    Mutant("00.choose_device", "accepts any override", "if not KNOWN_DEVICE.match(override):", "if not override:"),
    Mutant(
        "00.choose_device",
        "prefers MPS over CUDA",
        '    if cuda_available:\n        return "cuda"\n    if mps_available:\n        return "mps"',
        '    if mps_available:\n        return "mps"\n    if cuda_available:\n        return "cuda"',
    ),
    Mutant(
        "00.default_device",
        "ignores TORCHCAMP_DEVICE",
        'override = os.environ.get("TORCHCAMP_DEVICE") or None',
        "override = None",
    ),
    Mutant(
        "00.smoke_test",
        "reseeds the global generator",
        "    generator = torch.Generator().manual_seed(seed)\n    return torch.rand(3, 3, generator=generator).to(device)",
        "    torch.manual_seed(seed)\n    return torch.rand(3, 3).to(device)",
    ),
    Mutant("00.read_the_error", "always blames the first line", '"line": error.lineno', '"line": 1'),
    Mutant(
        "00.read_the_error", "reports the message, not the kind", '"kind": type(error).__name__', '"kind": error.msg'
    ),
    Mutant("00.read_the_error", "reports working code as broken", "    return None\n", "    return {}\n"),
]
