"""Wrong-but-plausible solutions of lesson 07: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant("07.train_epoch", "no zero_grad", "        optimizer.zero_grad()\n", "", mistake="stale_gradients"),
    Mutant(
        "07.train_epoch",
        "leaves batches where they are",
        "        images, labels = images.to(device), labels.to(device)\n        optimizer.zero_grad()",
        "        optimizer.zero_grad()",
        mistake="batches_not_moved",
    ),
    Mutant(
        "07.train_epoch",
        "never switches to training mode",
        "    model.train()\n    total_loss",
        "    total_loss",
        mistake="no_training_mode",
    ),
    Mutant(
        "07.evaluate",
        "leaves the model in eval mode",
        "    model.train(was_training)\n",
        "",
        mistake="mode_not_restored",
    ),
    Mutant(
        "07.evaluate",
        "records a graph while evaluating",
        "    with torch.no_grad():  # no graph: faster, and evaluation can never change a gradient\n",
        "    if True:\n",
        mistake="graph_recorded",
    ),
    Mutant("07.evaluate", "never switches to eval mode", "    model.eval()\n", "", mistake="training_mode"),
    Mutant(
        "07.evaluate",
        "returns a percentage",
        "    return correct / seen\n",
        "    return 100 * correct / seen\n",
        mistake="percentage",
    ),
    Mutant("07.evaluate", "counts only the last batch", "correct += ", "correct = "),
    Mutant(
        "07.generalization_gap",
        "measures the test number on the training images",
        "    test = evaluate(model, test_loader, device)",
        "    test = evaluate(model, train_loader, device)",
        mistake="training_set_accuracy",
    ),
    Mutant("07.generalization_gap", "the gap the wrong way round", '"gap": train - test', '"gap": test - train'),
    Mutant(
        "07.generalization_gap",
        "swaps the two accuracies",
        '{"train": train, "test": test,',
        '{"train": test, "test": train,',
    ),
    Mutant(
        "07.train_epoch",
        "types 'cuda' instead of using the device it is given",
        "        images, labels = images.to(device), labels.to(device)\n        optimizer.zero_grad()",
        '        images, labels = images.to("cuda"), labels.to("cuda")\n        optimizer.zero_grad()',
        mistake="cuda_typed",
    ),
]
