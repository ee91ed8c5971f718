"""Feedback pictures for the final task: the loss curve and the confusion matrix (PNG)."""

from __future__ import annotations

from pathlib import Path


def write_final_artifacts(run: dict, folder: Path) -> list[Path]:
    """Write loss_curve.png and confusion_matrix.png for a graded final-task run."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no screen on a grading machine
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    title = f"{run['dataset']} on {run['device']}: {run['accuracy']:.2f}% test accuracy in {run['seconds']:.0f} s"

    figure, axes = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(run["losses"]) + 1)
    axes.plot(epochs, run["losses"], marker="o")
    axes.set_xlabel("epoch")
    axes.set_ylabel("mean training loss")
    axes.set_title(title, fontsize=10)
    axes.grid(alpha=0.3)
    loss_curve = folder / "loss_curve.png"
    figure.savefig(loss_curve, dpi=120, bbox_inches="tight")
    plt.close(figure)

    matrix = run.get("confusion")
    if not matrix:  # weights that could not be loaded were never measured: no matrix to draw
        return [loss_curve]
    figure, axes = plt.subplots(figsize=(6, 5.5))
    image = axes.imshow(matrix, cmap="Blues")
    for row in range(10):
        for column in range(10):
            value = matrix[row][column]
            if value:
                colour = "white" if value > max(map(max, matrix)) / 2 else "black"
                axes.text(column, row, str(value), ha="center", va="center", fontsize=7, color=colour)
    axes.set_xticks(range(10))
    axes.set_yticks(range(10))
    axes.set_xlabel("predicted class")
    axes.set_ylabel("true class")
    axes.set_title(title, fontsize=10)
    figure.colorbar(image, ax=axes, fraction=0.046)
    confusion_matrix = folder / "confusion_matrix.png"
    figure.savefig(confusion_matrix, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return [loss_curve, confusion_matrix]
