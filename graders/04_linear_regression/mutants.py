"""Wrong-but-plausible solutions of lesson 04: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "04.train_step",
        "no zero_grad",
        "    optimizer.zero_grad()  # gradients accumulate: clear last step's first\n",
        "",
        mistake="stale_gradients",
    ),
    Mutant(
        "04.train_step",
        "steps before backward",
        "    loss.backward()\n    optimizer.step()",
        "    optimizer.step()\n    loss.backward()",
    ),
    Mutant(
        "04.tools",
        "Adam instead of SGD",
        "optim.SGD(model.parameters(), lr=lr)",
        "optim.Adam(model.parameters(), lr=lr)",
        mistake="wrong_optimizer",
    ),
    Mutant("04.tools", "L1 loss instead of MSE", "nn.MSELoss()", "nn.L1Loss()", mistake="wrong_loss"),
    Mutant("04.fit", "ignores the number of epochs", "for _ in range(epochs):", "for _ in range(20):"),
    Mutant(
        "04.model",
        "an extra layer",
        "self.linear = nn.Linear(1, 1)",
        "self.linear = nn.Linear(1, 1)\n        self.extra = nn.Linear(1, 1)",
    ),
]
