"""Grade one submission: run the course's public tests and hidden graders against it.

The grading pytest run is a child process with its own configuration: the course's
plugin, no plugin auto-loading, no conftest.py, and an empty working directory, so
nothing from the submission (a conftest, a pytest.ini, a module shadowing `torch`) is
ever loaded by the grader. Student code itself runs only in sandboxed worker processes.

The submission's lesson files are first copied into the grader's scratch folder — regular
files only, within size limits, never through a symbolic link — and graded from there.
Each pytest process runs in its own session under a wall-clock deadline and hands its
results back through a file descriptor this process holds, not a file in a folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from torchcamp.course import layout
from torchcamp.course.manifest import Course, Lesson
from torchcamp.grading import oom, threads
from torchcamp.grading.results import LessonResult, RunResults, Status, SubmissionResult, TaskResult, TestOutcome
from torchcamp.grading.scoring import task_score, task_status
from torchcamp.grading.submissions import is_noise
from torchcamp.sandbox import confinement


class SubmissionError(ValueError):
    """The submission cannot be graded at all (missing, empty, not a directory)."""


class GradingRunError(RuntimeError):
    """The grading pytest run itself failed (a broken grader, not the student's code)."""


@dataclass(frozen=True)
class GradingOptions:
    call_timeout_s: float | None = None  # default: course.toml
    jobs: int | None = None  # pytest processes side by side; default: 2 on 2+ cores
    dataset: str | None = None  # final task; default: course.toml's default_dataset
    data_root: Path | None = None  # final task; default: $TORCHCAMP_DATA or COURSE/data
    device: str | None = None  # final task; default: $TORCHCAMP_DEVICE, else cuda when available
    junit_xml: Path | None = None  # write pytest's JUnit XML as <this>.<n>.xml, one per pytest process
    unprotected: bool = False  # grade even where no sandbox can be built (the teacher said so)
    # Grading processes running at once across the class (class grading's -j); None: this
    # submission's own pytest processes. Each gets cores ÷ this many torch threads.
    side_by_side: int | None = None
    # The final task's calibrated budget (grading.calibration), measured once per class run;
    # None: measured by this grading run when it grades the final task.
    calibration: dict | None = None
    # Torch threads per grading process and the cores other work kept busy when they were
    # chosen (grading.threads); None: chosen by this grading run.
    threads: int | None = None
    busy_cores: int = 0
    open_track: bool = False  # also grade the final task's open track (course.toml [final.open_track])


# A grading process that runs longer than this (plus the final task's budget) is killed and
# its lessons fail with that reason: a stopped or wedged process cannot hold up a class.
RUN_DEADLINE_S = 1800


def lessons_directory(submission: Path) -> Path:
    """A submission is a directory laid out like exercises/, or a repository containing exercises/."""
    if not submission.exists():
        raise SubmissionError(f"{submission}: no such file or directory")
    if not submission.is_dir():
        raise SubmissionError(f"{submission}: not a directory")
    if (submission / layout.EXERCISES).is_symlink():
        raise SubmissionError(f"{submission}: exercises is a symbolic link; submit the folder itself")
    if (submission / layout.EXERCISES).is_dir():
        return submission / layout.EXERCISES
    return submission


def submission_layout(course: Course, submission: Path) -> tuple[Path, bool]:
    """Where SUBMISSION's lesson files are, and whether they lie flat (setup_check.py, tensors.py, …
    side by side, as students upload files to Gradescope) instead of in lesson folders. The
    exercises/ layout, the lesson folders, flat files, and any of these inside one parent
    folder (a zip of `mywork/`) are graded the same."""
    folder = lessons_directory(submission)
    for _ in range(2):  # the folder itself, then its only subfolder
        if any((folder / lesson.directory / lesson.filename).exists() for lesson in course.lessons):
            return folder, False
        if any((folder / lesson.filename).is_file() for lesson in course.lessons):
            return folder, True
        entries = [e for e in folder.iterdir() if not e.name.startswith(".") and not is_noise(e.name)]
        if len(entries) != 1 or not entries[0].is_dir() or entries[0].is_symlink():
            break
        folder = lessons_directory(entries[0])
    expected = ", ".join(lesson.filename for lesson in course.lessons[:3])
    raise SubmissionError(
        f"{submission}: no lesson files found. Expected the lesson files ({expected}, …), their lesson "
        f"folders ({course.lessons[0].directory}/{course.lessons[0].filename}, …), or an exercises/ folder"
    )


def select_lessons(course: Course, lesson_ids: list[str] | None) -> list[Lesson]:
    if not lesson_ids:
        return list(course.lessons)
    wanted = [lesson_id.zfill(2) for lesson_id in lesson_ids]
    unknown = [lesson_id for lesson_id in wanted if lesson_id not in course.lessons_by_id]
    if unknown:
        raise SubmissionError(
            f"unknown lesson(s) {', '.join(unknown)}; course.toml has {', '.join(course.lessons_by_id)}"
        )
    return [lesson for lesson in course.lessons if lesson.id in wanted]


def test_paths(course: Course, lesson: Lesson) -> list[str]:
    public, hidden = layout.public_tests(course, lesson), layout.hidden_tests(course, lesson)
    return [str(path) for path in public + hidden]


def pytest_command(
    course: Course,
    submission: Path,
    paths: list[str],
    results_fd: int,
    scratch: Path,
    options: GradingOptions,
    number: int = 0,
) -> list[str]:
    # -P: the working directory is not put on sys.path, so no file can shadow a module.
    return [
        sys.executable, "-P", "-m", "pytest", *paths,
        "-c", str(scratch / "pytest.ini"), "--rootdir", str(course.root), "--noconftest",
        "--basetemp", str(scratch / f"tmp-{number}"),
        "-p", "torchcamp.pytest_plugin", "-p", "pytest_timeout", "-p", "no:cacheprovider",
        "--import-mode=importlib", "-q", "--no-header", "-rN", "--tb=no",
        "--torchcamp-course", str(course.root),
        "--torchcamp-submission", str(submission),
        "--torchcamp-results-fd", str(results_fd),
        *(["--torchcamp-unprotected"] if options.unprotected else []),
        *(["--torchcamp-call-timeout", str(options.call_timeout_s)] if options.call_timeout_s else []),
        *(["--torchcamp-dataset", options.dataset] if options.dataset else []),
        *(["--torchcamp-data-root", str(Path(options.data_root).resolve())] if options.data_root else []),
        *(["--torchcamp-device", options.device] if options.device else []),
        *(["--torchcamp-calibration", json.dumps(options.calibration)] if options.calibration else []),
        *(["--torchcamp-open-track"] if options.open_track else []),
        *([f"--junitxml={options.junit_xml}.{number}.xml"] if options.junit_xml else []),
    ]  # fmt: skip


@dataclass
class GradingRun:
    """One pytest process grading a contiguous run of lessons."""

    lessons: list[Lesson]
    process: subprocess.Popen
    results: Any  # an unlinked temporary file: reachable only through our descriptor
    log: Any
    # Its workers ran without a sandbox: what this machine allows, until the run reports it.
    unprotected: bool = field(default_factory=lambda: confinement.mode() != "bubblewrap")
    # The OOM killer's count in our own cgroup when it started: a rise means it struck.
    oom_kills_at_start: int | None = field(default_factory=oom.oom_kills)


def run_deadline_s(course: Course, lessons: list[Lesson], options: GradingOptions) -> float:
    final = course.final
    if final is None or final.lesson not in {lesson.id for lesson in lessons}:
        return RUN_DEADLINE_S
    longest = max(budget for dataset in final.datasets.values() for budget in dataset.budget_s.values())
    return RUN_DEADLINE_S + 2 * longest


def finish(run: GradingRun, deadline_s: float) -> tuple[list[TestOutcome], dict | None, dict[str, str]]:
    """Wait for RUN; its outcomes, final-task record and per-lesson problems."""
    lesson_ids = [lesson.id for lesson in run.lessons]
    try:
        returncode = run.process.wait(timeout=max(1.0, deadline_s))
    except subprocess.TimeoutExpired:
        os.killpg(run.process.pid, signal.SIGKILL)
        run.process.wait()
        return (
            [],
            None,
            dict.fromkeys(lesson_ids, f"grading these lessons took longer than {deadline_s:.0f} s and was stopped"),
        )
    run.results.seek(0)
    text = run.results.read()
    run.results.close()
    if returncode < 0:
        name = (
            signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        )
        return (
            [],
            None,
            dict.fromkeys(lesson_ids, oom.killed_message(name, run.oom_kills_at_start)),
        )
    # pytest's exit codes: 0 all passed, 1 some failed; anything else means the run broke.
    if returncode not in (0, 1) or not text:
        run.log.seek(0)
        output = run.log.read()[-4000:]
        raise GradingRunError(f"the grading run failed (pytest exit code {returncode}):\n{output}")
    records = RunResults.from_json(json.loads(text))
    run.unprotected = not records.sandboxed
    return records.tests, records.final, records.lesson_problems


def with_threads(options: GradingOptions, side_by_side: int) -> GradingOptions:
    """OPTIONS with the torch threads of each grading process chosen, if they are not yet."""
    if options.threads is not None:
        return options
    busy = threads.busy_cores()
    return replace(options, threads=threads.threads_for(side_by_side, busy), busy_cores=busy)


def calibrate_final_budget(course: Course, options: GradingOptions) -> dict | None:
    """Time the reference's epoch here, with the graders' threads; None where it cannot run
    (the final task then falls back to the dataset's ceiling budget, and says so)."""
    from torchcamp.data import default_data_root
    from torchcamp.grading.calibration import CalibrationFailed, calibrate

    final = course.final
    dataset = options.dataset or final.default_dataset
    data_root = Path(options.data_root).resolve() if options.data_root else default_data_root(course.root)
    device = options.device or os.environ.get("TORCHCAMP_DEVICE") or ""
    if not device:
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        return calibrate(course, data_root, dataset, device, options.threads or threads.threads_for(1)).to_json()
    except (CalibrationFailed, KeyError, OSError):
        return None


def run_graders(
    course: Course, submission: Path, lessons: list[Lesson], options: GradingOptions
) -> tuple[list[TestOutcome], dict | None, dict[str, str], bool, dict]:
    """Run the graders of LESSONS against SUBMISSION in JOBS concurrent pytest processes.

    Each process has its own workers and takes a contiguous run of lessons. On two cores
    two processes finish a whole course sooner, because a call into a worker keeps one
    side waiting while the other (de)serializes.
    """
    jobs = max(1, min(options.jobs or default_jobs(), len(lessons)))
    groups = [lessons[index * len(lessons) // jobs : (index + 1) * len(lessons) // jobs] for index in range(jobs)]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    side_by_side = options.side_by_side or jobs
    options = with_threads(options, side_by_side)
    environment.update(threads.environment_for(options.threads))
    if (
        options.calibration is None
        and course.final is not None
        and course.final.lesson in {item.id for item in lessons}
    ):
        options = replace(options, calibration=calibrate_final_budget(course, options))
    outcomes: list[TestOutcome] = []
    final = None
    problems: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="torchcamp-grade-") as scratch_name:
        scratch = Path(scratch_name)
        (scratch / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        runs = []
        for number, group in enumerate(groups):
            paths = [path for lesson in group for path in test_paths(course, lesson)]
            if not paths:
                continue
            results = tempfile.TemporaryFile("w+", encoding="utf-8")
            log = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
            process = subprocess.Popen(
                pytest_command(course, submission, paths, results.fileno(), scratch, options, number),
                cwd=scratch, env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                pass_fds=(results.fileno(),), start_new_session=True,
            )  # fmt: skip
            runs.append(GradingRun(group, process, results, log))
        started = time.monotonic()
        for run in runs:
            with run.log:
                deadline = run_deadline_s(course, run.lessons, options) - (time.monotonic() - started)
                tests, run_final, run_problems = finish(run, deadline)
            outcomes.extend(tests)
            final = final or run_final
            problems.update(run_problems)
    used = threads.report(side_by_side, options.threads, options.busy_cores)
    return outcomes, final, problems, not any(run.unprotected for run in runs), used


def property_name(nodeid: str) -> str:
    """'graders/03_autograd/test_autograd.py::test_leaves_input_alone[x]' -> 'leaves input alone'."""
    name = nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
    return name.removeprefix("test_").replace("_", " ")


def copy_lesson_file(lessons_dir: Path, lesson: Lesson, target: Path, max_bytes: int, flat: bool = False) -> str | None:
    """Copy one lesson file into TARGET (as NN_slug/module.py); why it cannot be graded, or None.

    Only a regular file is copied, and no component of its path may be a symbolic link: a
    link could point at the reference solutions or at another student's work. FLAT: the
    file lies directly in LESSONS_DIR.
    """
    relative = f"{lesson.directory}/{lesson.filename}"
    path = lessons_dir
    for part in (lesson.filename,) if flat else (lesson.directory, lesson.filename):
        path = path / part
        if path.is_symlink():
            return f"{relative}: {path.relative_to(lessons_dir)} is a symbolic link; submit the file itself"
    if not path.is_file():
        return f"{relative} is missing from the submission"
    size = path.stat().st_size
    if size > max_bytes:
        return f"{relative} is {size // 1024} KB, more than the {max_bytes // 1024} KB a lesson file may have"
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return f"{relative} is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); save it as UTF-8"
    copy = target / relative
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(data)
    return None


def lesson_result(
    lesson: Lesson, outcomes: list[TestOutcome], file_problem: str | None, not_graded: frozenset[str] = frozenset()
) -> LessonResult:
    """FILE_PROBLEM: why the whole lesson scores nothing (a missing file, a killed grading process).
    NOT_GRADED: tasks this run does not grade by choice (the open track without --open-track)."""
    result = LessonResult(lesson.id, lesson.title, 0.0, lesson.max_score)
    for task in lesson.tasks:
        mine = [outcome for outcome in outcomes if outcome.task == task.id]
        if file_problem:
            status, score, message = Status.ERROR, 0.0, file_problem
        elif task.id in not_graded and not mine:
            status, score, message = Status.NOT_STARTED, 0.0, "not graded in this run (the teacher's --open-track)"
        elif not mine:
            status, score, message = Status.ERROR, 0.0, "no test ran for this task (a broken grader?)"
        else:
            status = task_status(outcome.status for outcome in mine)
            score = task_score(task.points, mine, task.partial_credit)
            # A hidden grader's failure first: it names the smallest failing input it found.
            problems = sorted((o for o in mine if o.status != Status.PASSED), key=lambda o: not o.hidden)
            first_problem = problems[0] if problems else None
            message = ""
            if first_problem is not None:
                message = f"{property_name(first_problem.nodeid)}: {first_problem.message}"
        result.tasks.append(TaskResult(task.id, task.title, score, task.points, status, message))
    result.score = round(sum(task.score for task in result.tasks), 2)
    return result


def default_jobs() -> int:
    return min(2, os.cpu_count() or 1)


def grade(
    course: Course, submission: Path | str, lesson_ids: list[str] | None = None, options: GradingOptions | None = None
) -> SubmissionResult:
    started = time.monotonic()
    submission = Path(submission).resolve()
    lessons_dir, flat = submission_layout(course, submission)
    lessons = select_lessons(course, lesson_ids)
    max_bytes = course.grading.max_lesson_file_kb * 1024
    with tempfile.TemporaryDirectory(prefix="torchcamp-lessons-") as staged:
        unreadable = {
            lesson.id: problem
            for lesson in lessons
            if (problem := copy_lesson_file(lessons_dir, lesson, Path(staged), max_bytes, flat)) is not None
        }
        to_run = [lesson for lesson in lessons if lesson.id not in unreadable]
        outcomes, final, problems, protected, used = run_graders(
            course, Path(staged), to_run, options or GradingOptions()
        )
    problems.update(unreadable)
    track = course.final.open_track if course.final else None
    not_graded = frozenset({track.task} if track and not (options and options.open_track) else set())
    results = [lesson_result(lesson, outcomes, problems.get(lesson.id), not_graded) for lesson in lessons]
    return SubmissionResult(
        submission=str(submission),
        score=round(sum(lesson.score for lesson in results), 2),
        max_score=sum(lesson.max_score for lesson in results),
        execution_time=round(time.monotonic() - started, 2),
        lessons=results,
        final=final,
        protected=protected,
        threads=used,
    )
