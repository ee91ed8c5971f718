"""The final task's fixtures: which dataset, device, budget and tiers this run grades with,
and where the grader keeps what the training produced (for feedback)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from torchcamp.course import layout
from torchcamp.course.manifest import Final
from torchcamp.pytest_plugin.session import SESSION


@dataclass(frozen=True)
class FinalTaskSettings:
    dataset: str
    dataset_root: Path  # pass as root= to the dataset's torchvision class
    data_root: Path
    device: str
    budget_s: float
    tiers: list[float]
    tier_tasks: list[str]
    flag_above: float  # a test accuracy training cannot explain: flagged, not paid
    # The hidden graders measure the tiers in this run; public tier tests then leave it to them.
    measured_by_grader: bool = False
    threads: int | None = None  # torch threads of the grader and its worker (None: torch's default)
    # How budget_s was set on this machine (grading.calibration); None: the dataset's ceiling
    # (student mode, or no reference to time).
    calibration: dict | None = None
    # The open track (course.toml [final.open_track]): graded in this run, its tiers and budget.
    open_track: bool = False
    open_tiers: tuple[float, ...] = ()
    open_budget_s: float = 0.0


def local_estimate_dataset(final: Final, data_root: Path) -> str | None:
    """Where a student without the graded dataset gets a local estimate: the data they have,
    the quick digit sample first (the grade names its own dataset)."""
    from torchcamp.data import is_ready

    candidates = sorted(final.datasets, key=lambda name: name != "digits-sample")
    return next((name for name in candidates if is_ready(data_root, name)), None)


@pytest.fixture(scope="session")
def final_task(request: pytest.FixtureRequest) -> FinalTaskSettings:
    """Dataset, device, time budget and accuracy tiers of the final task for this run."""
    from torchcamp.data import dataset_root, default_data_root, is_ready

    config = request.config
    session = config.stash[SESSION]
    final = session.course.final
    if final is None:
        raise pytest.UsageError("course.toml has no [final] section")
    chosen = config.getoption("torchcamp_dataset")
    dataset = chosen or final.default_dataset
    if dataset not in final.datasets:
        raise pytest.UsageError(f"no tiers for dataset {dataset!r} in course.toml (known: {', '.join(final.datasets)})")
    root_option = config.getoption("torchcamp_data_root")
    data_root = Path(root_option) if root_option else default_data_root(session.course.root)
    if session.in_process and not chosen and not is_ready(data_root, dataset):
        dataset = local_estimate_dataset(final, data_root) or dataset
    if not is_ready(data_root, dataset):
        from torchcamp.data import ways_to_get

        pytest.fail(ways_to_get(dataset, data_root, f"not found under {data_root}"), pytrace=False)
    device = session.resolved_final_device()
    budgets = final.datasets[dataset].budget_s
    kind = device.split(":")[0]
    if kind not in budgets:
        raise pytest.UsageError(f"no time budget for device {kind!r} under final.datasets.{dataset}.budget_s")
    calibration = None if session.in_process else calibrated_budget(config, session, data_root, dataset, device)
    budget_s = calibration["budget_s"] if calibration else budgets[kind]
    track = final.open_track
    open_tiers = tuple(track.tiers.get(dataset, [])) if track else ()
    return FinalTaskSettings(
        dataset,
        dataset_root(data_root, dataset),
        data_root,
        device,
        budget_s,
        final.datasets[dataset].tiers,
        final.tier_tasks,
        final.datasets[dataset].flag_above,
        measured_by_grader=not session.in_process and layout.has_hidden_material(session.course),
        threads=session.threads,
        calibration=calibration,
        open_track=bool(config.getoption("torchcamp_open_track") and open_tiers),
        open_tiers=open_tiers,
        open_budget_s=round(budget_s * track.budget_multiple, 1) if track else 0.0,
    )


def calibrated_budget(config: pytest.Config, session: Any, data_root: Path, dataset: str, device: str) -> dict | None:
    """The budget the grader calibrated for this class run (--torchcamp-calibration), else
    one measured now; None where the reference cannot be timed here."""
    import json

    from torchcamp.grading import threads
    from torchcamp.grading.calibration import CalibrationFailed, calibrate

    given = config.getoption("torchcamp_calibration")
    if given:
        return json.loads(given)
    try:
        used = session.threads or threads.threads_for(1)
        return calibrate(session.course, data_root, dataset, device, used).to_json()
    except CalibrationFailed:
        return None


@pytest.fixture
def record_final(request: pytest.FixtureRequest) -> Any:
    """Keep what the final task's training produced (accuracy, losses, confusion matrix) for feedback."""
    session = request.config.stash[SESSION]

    def record(run: dict) -> None:
        session.final_run = run

    return record


@pytest.fixture
def open_track_checked(request: pytest.FixtureRequest) -> bool:
    """Whether this run checks the open track: always as the student's local check, in
    grading only when asked (--torchcamp-open-track); otherwise it is no verdict at all."""
    session = request.config.stash[SESSION]
    return session.in_process or bool(request.config.getoption("torchcamp_open_track"))


@pytest.fixture
def record_open_track(request: pytest.FixtureRequest) -> Any:
    """Keep the open track's measured run (accuracy, seconds, tiers reached) for the JSON and the leaderboard."""
    session = request.config.stash[SESSION]

    def record(run: dict) -> None:
        session.open_track_run = run

    return record
