"""Wrong-but-plausible solutions of lesson 08: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "08.script",
        "also opens the test split",
        "    split = DATASETS[dataset](data_root, train=True, download=False)",
        "    DATASETS[dataset](data_root, train=False, download=False)\n    split = DATASETS[dataset](data_root, train=True, download=False)",
        mistake="opened_test_split",
    ),
    Mutant(
        "08.script",
        "ignores the time budget",
        "        if elapsed + (time.monotonic() - epoch_started) > time_budget_s:\n            break\n",
        "",
        mistake="ignores_budget",
    ),
    Mutant("08.tier_3", "stops after one epoch", "for _ in range(epochs):", "for _ in range(1):"),
    Mutant(
        "08.tier_1",
        "trains on unnormalized pixels",
        "images = (split.data.float() / 255 - MEAN) / STD",
        "images = split.data.float()",
    ),
]
