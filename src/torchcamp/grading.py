"""Grade one submission: run the course's public tests and hidden graders against it.

The grading pytest run is a child process with its own configuration: the course's
plugin, no plugin auto-loading, no conftest.py, and an empty working directory, so
nothing from the submission (a conftest, a pytest.ini, a module shadowing `torch`) is
ever loaded by the grader. Student code itself runs only in worker processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from torchcamp.manifest import Course, Lesson
from torchcamp.scoring import task_score, task_status


class SubmissionError(ValueError):
    """The submission cannot be graded at all (missing, empty, not a directory)."""


class GradingRunError(RuntimeError):
    """The grading pytest run itself failed (a broken grader, not the student's code)."""


@dataclass
class TaskResult:
    id: str
    title: str
    score: float
    max_score: int
    status: str
    message: str = ""


@dataclass
class LessonResult:
    id: str
    title: str
    score: float
    max_score: int
    tasks: list[TaskResult] = field(default_factory=list)


@dataclass
class SubmissionResult:
    submission: str
    score: float
    max_score: int
    execution_time: float
    lessons: list[LessonResult] = field(default_factory=list)
    # The final task's run: dataset, device, seconds, accuracy, losses, confusion matrix.
    final: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GradingOptions:
    call_timeout_s: float | None = None  # default: course.toml
    jobs: int | None = None  # pytest processes side by side; default: 2 on 2+ cores
    dataset: str | None = None  # final task; default: course.toml's default_dataset
    data_root: Path | None = None  # final task; default: $TORCHCAMP_DATA or COURSE/data
    device: str | None = None  # final task; default: $TORCHCAMP_DEVICE, else cuda when available
    junit_xml: Path | None = None  # write pytest's JUnit XML as <this>.<n>.xml, one per pytest process

    def to_json(self) -> dict:
        return asdict(self)


def lessons_directory(submission: Path) -> Path:
    """A submission is a directory laid out like exercises/, or a repository containing exercises/."""
    if not submission.exists():
        raise SubmissionError(f"{submission}: no such file or directory")
    if not submission.is_dir():
        raise SubmissionError(f"{submission}: not a directory")
    if (submission / "exercises").is_dir():
        return submission / "exercises"
    return submission


def select_lessons(course: Course, lesson_ids: list[str] | None) -> list[Lesson]:
    if not lesson_ids:
        return list(course.lessons)
    wanted = [lesson_id.zfill(2) for lesson_id in lesson_ids]
    unknown = [lesson_id for lesson_id in wanted if lesson_id not in course.lessons_by_id]
    if unknown:
        raise SubmissionError(f"unknown lesson(s) {', '.join(unknown)}; course.toml has {', '.join(course.lessons_by_id)}")
    return [lesson for lesson in course.lessons if lesson.id in wanted]


def test_paths(course: Course, lesson: Lesson) -> list[str]:
    public = sorted((course.root / "exercises" / lesson.directory).glob("test_*.py"))
    hidden = sorted((course.root / "graders" / lesson.directory).glob("test_*.py"))
    return [str(path) for path in public + hidden]


def pytest_command(
    course: Course, submission: Path, paths: list[str], results: Path, config: Path, options: GradingOptions, number: int = 0
) -> list[str]:
    # -P: the working directory is not put on sys.path, so no file can shadow a module.
    return [
        sys.executable, "-P", "-m", "pytest", *paths,
        "-c", str(config), "--rootdir", str(course.root), "--noconftest",
        "-p", "torchcamp.plugin", "-p", "pytest_timeout", "-p", "no:cacheprovider",
        "--import-mode=importlib", "-q", "--no-header", "-rN", "--tb=no",
        "--torchcamp-course", str(course.root),
        "--torchcamp-submission", str(submission),
        "--torchcamp-results", str(results),
        *(["--torchcamp-call-timeout", str(options.call_timeout_s)] if options.call_timeout_s else []),
        *(["--torchcamp-dataset", options.dataset] if options.dataset else []),
        *(["--torchcamp-data-root", str(Path(options.data_root).resolve())] if options.data_root else []),
        *(["--torchcamp-device", options.device] if options.device else []),
        *([f"--junitxml={options.junit_xml}.{number}.xml"] if options.junit_xml else []),
    ]  # fmt: skip


def run_graders(course: Course, submission: Path, lessons: list[Lesson], options: GradingOptions) -> tuple[list[dict], dict | None]:
    """Run the graders of LESSONS against SUBMISSION in JOBS concurrent pytest processes.

    Each process has its own worker and takes a contiguous run of lessons. On two cores
    two processes finish a whole course sooner, because a call into a worker keeps one
    side waiting while the other (de)serializes.
    """
    jobs = max(1, min(options.jobs or default_jobs(), len(lessons)))
    groups = [lessons[index * len(lessons) // jobs : (index + 1) * len(lessons) // jobs] for index in range(jobs)]
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    with tempfile.TemporaryDirectory(prefix="torchcamp-grade-") as scratch:
        config = Path(scratch) / "pytest.ini"
        config.write_text("[pytest]\n", encoding="utf-8")
        runs = []
        for number, group in enumerate(groups):
            paths = [path for lesson in group for path in test_paths(course, lesson)]
            if not paths:
                continue
            results = Path(scratch) / f"results-{number}.json"
            log = (Path(scratch) / f"pytest-{number}.log").open("w+", encoding="utf-8", errors="replace")
            process = subprocess.Popen(
                pytest_command(course, submission, paths, results, config, options, number),
                cwd=scratch, env=environment, stdout=log, stderr=subprocess.STDOUT,
            )
            runs.append((process, results, log))
        outcomes: list[dict] = []
        final = None
        for process, results, log in runs:
            returncode = process.wait()
            # pytest's exit codes: 0 all passed, 1 some failed; anything else means the run broke.
            if returncode not in (0, 1) or not results.exists():
                log.seek(0)
                output = log.read()[-4000:]
                raise GradingRunError(f"the grading run failed (pytest exit code {returncode}):\n{output}")
            log.close()
            records = json.loads(results.read_text(encoding="utf-8"))
            outcomes.extend(records["tests"])
            final = final or records["final"]
        return outcomes, final


def property_name(nodeid: str) -> str:
    """'graders/03_autograd/test_autograd.py::test_leaves_input_alone[x]' -> 'leaves input alone'."""
    name = nodeid.rsplit("::", 1)[-1].split("[", 1)[0]
    return name.removeprefix("test_").replace("_", " ")


def lesson_file_problem(lessons_dir: Path, lesson: Lesson) -> str | None:
    """Why a lesson file cannot be graded at all (missing, not UTF-8), or None."""
    relative = f"{lesson.directory}/{lesson.filename}"
    path = lessons_dir / relative
    if not path.is_file():
        return f"{relative} is missing from the submission"
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return f"{relative} is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); save it as UTF-8"
    return None


def lesson_result(lesson: Lesson, outcomes: list[dict], file_problem: str | None) -> LessonResult:
    result = LessonResult(lesson.id, lesson.title, 0.0, lesson.max_score)
    for task in lesson.tasks:
        mine = [outcome for outcome in outcomes if outcome["task"] == task.id]
        if file_problem:
            status, score, message = "error", 0.0, file_problem
        elif not mine:
            status, score, message = "error", 0.0, "no test ran for this task (a broken grader?)"
        else:
            status = task_status(outcome["status"] for outcome in mine)
            score = task_score(task.points, ((outcome["weight"], outcome["status"]) for outcome in mine))
            first_problem = next((outcome for outcome in mine if outcome["status"] != "passed"), None)
            message = ""
            if first_problem is not None:
                message = f"{property_name(first_problem['nodeid'])}: {first_problem['message']}"
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
    lessons_dir = lessons_directory(submission)
    lessons = select_lessons(course, lesson_ids)
    unreadable = {
        lesson.id: problem
        for lesson in lessons
        if (problem := lesson_file_problem(lessons_dir, lesson)) is not None
    }
    if not any((lessons_dir / lesson.directory / lesson.filename).is_file() for lesson in course.lessons):
        raise SubmissionError(f"{submission}: no lesson files found (expected e.g. {course.lessons[0].directory}/{course.lessons[0].filename})")
    to_run = [lesson for lesson in lessons if lesson.id not in unreadable]
    outcomes, final = run_graders(course, lessons_dir, to_run, options or GradingOptions())
    results = [lesson_result(lesson, outcomes, unreadable.get(lesson.id)) for lesson in lessons]
    return SubmissionResult(
        submission=str(submission),
        score=round(sum(lesson.score for lesson in results), 2),
        max_score=sum(lesson.max_score for lesson in results),
        execution_time=round(time.monotonic() - started, 2),
        lessons=results,
        final=final,
    )
