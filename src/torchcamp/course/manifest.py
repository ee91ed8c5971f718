"""course.toml: the single source of truth for lessons, tasks, points and hints.

Loading validates the whole file and names the bad key and the lesson/task it sits in,
so a typo in a teacher's edit is a one-line message rather than a traceback.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from torchcamp.compat import tomllib

SUPPORTED_FORMAT_VERSION = 1
MANIFEST_NAME = "course.toml"


class UnknownLesson(LookupError):
    """A lesson id that course.toml does not have (a record of a lesson since removed, a typo)."""


class ManifestError(ValueError):
    """course.toml is missing, unreadable or invalid; the message says where."""


class _Strict(BaseModel):
    # Unknown keys are typos more often than not: reject them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Task(_Strict):
    id: Annotated[str, Field(pattern=r"^\d\d\.[a-z][a-z0-9_]*$")]
    title: Annotated[str, Field(min_length=1)]
    points: Annotated[int, Field(ge=0)]  # 0: graded and shown, but worth nothing (the open track by default)
    # Shown one at a time as a task keeps failing: two or three, from a nudge to nearly the answer.
    hints: Annotated[list[str], Field(min_length=2, max_length=3)]
    # Points for distinct properties held (hidden tests; core ones first): see grading.scoring.
    partial_credit: bool = False
    # Tasks whose code this one calls: while one of them fails, this task's failure is theirs
    # (its hint waits, and the student is told which to fix first).
    builds_on: list[str] = []

    @field_validator("hints")
    @classmethod
    def _hints_are_text(cls, hints: list[str]) -> list[str]:
        if any(not hint.strip() for hint in hints):
            raise ValueError("every hint must be non-empty text")
        return hints


class Lesson(_Strict):
    id: Annotated[str, Field(pattern=r"^\d\d$")]
    slug: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Annotated[str, Field(min_length=1)]
    module: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
    tasks: Annotated[list[Task], Field(min_length=1)]

    @property
    def directory(self) -> str:
        """The folder name shared by exercises/, solutions/ and graders/."""
        return f"{self.id}_{self.slug}"

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    @property
    def max_score(self) -> int:
        return sum(task.points for task in self.tasks)

    @model_validator(mode="after")
    def _tasks_belong_here(self) -> Lesson:
        seen: set[str] = set()
        for task in self.tasks:
            if not task.id.startswith(self.id + "."):
                raise ValueError(f"task {task.id!r} must start with the lesson id '{self.id}.'")
            if task.id in seen:
                raise ValueError(f"task {task.id!r} appears twice")
            seen.add(task.id)
        return self


class Grading(_Strict):
    call_timeout_s: Annotated[float, Field(gt=0)] = 10.0
    test_timeout_s: Annotated[float, Field(gt=0)] = 120.0
    student_test_timeout_s: Annotated[float, Field(gt=0)] = 30.0
    worker_memory_mb: Annotated[int, Field(ge=3584)] = 8192
    worker_output_mb: Annotated[int, Field(gt=0)] = 16
    sandbox_memory_mb: Annotated[int, Field(ge=1024)] = 3072  # resident memory of a whole sandbox (cgroup)
    sandbox_processes: Annotated[int, Field(ge=16)] = 256  # processes and threads of a whole sandbox (cgroup)
    max_lesson_file_kb: Annotated[int, Field(gt=0)] = 64  # a lesson file is code: weights or data do not fit
    student_examples: Annotated[int, Field(gt=0)] = 10
    grading_examples: Annotated[int, Field(gt=0)] = 30


class FinalDataset(_Strict):
    """Accuracy tiers (percent, ascending, one per tier task) and, per device, the most time a
    run may take (the ceiling of the calibrated budget, see FinalBudget)."""

    tiers: Annotated[list[Annotated[float, Field(gt=0, le=100)]], Field(min_length=1)]
    budget_s: dict[str, Annotated[float, Field(gt=0)]]
    measured: str = ""  # the runs that justify the tiers, in words
    # Test accuracy that lesson 06's MLP does not reach by training on this training split:
    # a result at or above it is flagged for the teacher instead of paid.
    flag_above: Annotated[float, Field(gt=0, le=100)] = 100.0

    @field_validator("tiers")
    @classmethod
    def _ascending(cls, tiers: list[float]) -> list[float]:
        if tiers != sorted(tiers):
            raise ValueError("tiers must go up: the first is the easiest")
        return tiers


class FinalBudget(_Strict):
    """The student's time budget as a multiple of the reference's epoch on the grading machine
    (grading.calibration): multiple × epochs × that epoch, at least floor_s, at most the
    dataset's budget_s for the device."""

    multiple: Annotated[float, Field(ge=1)] = 3.0
    epochs: Annotated[int, Field(gt=0)] = 10
    floor_s: Annotated[float, Field(gt=0)] = 20.0


class OpenTrack(_Strict):
    """An optional task beyond lesson 06's network: any architecture. The student's model
    stays in the worker; it gets the test images without labels and returns predictions,
    and the grader computes the accuracy. Graded only when asked (`--open-track`)."""

    task: str
    # Multiple of the final task's calibrated budget: a CNN's epoch costs far more than the MLP's.
    budget_multiple: Annotated[float, Field(ge=1)] = 10.0
    tiers: dict[str, list[Annotated[float, Field(gt=0, le=100)]]]  # per dataset, ascending
    measured: str = ""


class Final(_Strict):
    """The final task: a whole training script graded by test accuracy."""

    lesson: Annotated[str, Field(pattern=r"^\d\d$")]
    tier_tasks: Annotated[list[str], Field(min_length=1)]
    default_dataset: str
    datasets: dict[str, FinalDataset]
    budget: FinalBudget = FinalBudget()
    open_track: OpenTrack | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Final:
        from torchcamp.data import DATASETS  # the one registry of dataset names

        unknown = sorted(set(self.datasets) - set(DATASETS))
        if unknown:
            raise ValueError(f"unknown dataset {unknown[0]!r} under final.datasets (known: {', '.join(DATASETS)})")
        if self.default_dataset not in self.datasets:
            raise ValueError(f"default_dataset {self.default_dataset!r} has no entry under final.datasets")
        for name, dataset in self.datasets.items():
            if len(dataset.tiers) != len(self.tier_tasks):
                raise ValueError(
                    f"final.datasets.{name} has {len(dataset.tiers)} tiers for {len(self.tier_tasks)} tier tasks"
                )
        return self


class Lms(_Strict):
    """How LMS files identify students (docs/lms.md)."""

    # Moodle's import maps one identity column: the user's ID number (roster sis_user_id) or email.
    moodle_identity: Literal["idnumber", "email"] = "idnumber"
    # Lesson id -> Canvas assignment id, once the first import has made the assignments: the
    # column then reads "Name (id)" and a later import updates that assignment, renamed or not.
    canvas_assignment_ids: dict[str, Annotated[int, Field(gt=0)]] = {}


class CourseInfo(_Strict):
    name: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1)]
    # `torchcamp solution TASK` shows the reference once the student's code passes the task.
    # Only for self-study editions: `course release` then ships the solutions, readable by anyone.
    solutions_after_pass: bool = False


class Course(_Strict):
    format_version: int
    course: CourseInfo
    grading: Grading = Grading()
    lessons: Annotated[list[Lesson], Field(min_length=1)]
    final: Final | None = None
    lms: Lms = Lms()
    # Where course.toml was read from; exercises/, solutions/, graders/ sit beside it.
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("format_version")
    @classmethod
    def _known_format(cls, version: int) -> int:
        if version != SUPPORTED_FORMAT_VERSION:
            raise ValueError(f"this torchcamp reads format_version {SUPPORTED_FORMAT_VERSION}, not {version}")
        return version

    @model_validator(mode="after")
    def _ids_unique(self) -> Course:
        seen: set[str] = set()
        for lesson in self.lessons:
            if lesson.id in seen:
                raise ValueError(f"lesson id {lesson.id!r} appears twice")
            seen.add(lesson.id)
        if self.final is not None:
            tasks = {task.id for lesson in self.lessons for task in lesson.tasks}
            unknown = [task for task in self.final.tier_tasks if task not in tasks]
            if unknown:
                raise ValueError(f"final.tier_tasks names unknown tasks {unknown}")
        unknown = sorted(set(self.lms.canvas_assignment_ids) - seen)
        if unknown:
            raise ValueError(f"lms.canvas_assignment_ids names unknown lessons {unknown}")
        earlier: set[str] = set()
        for lesson in self.lessons:
            for task in lesson.tasks:
                later = [other for other in task.builds_on if other not in earlier]
                if later:
                    raise ValueError(f"{task.id}.builds_on names {later}: only tasks listed before it")
                earlier.add(task.id)
        return self

    @cached_property
    def tasks(self) -> dict[str, Task]:
        return {task.id: task for lesson in self.lessons for task in lesson.tasks}

    @cached_property
    def lessons_by_id(self) -> dict[str, Lesson]:
        return {lesson.id: lesson for lesson in self.lessons}

    @property
    def max_score(self) -> int:
        return sum(lesson.max_score for lesson in self.lessons)

    def lesson(self, lesson_id: str) -> Lesson:
        try:
            return self.lessons_by_id[lesson_id]
        except KeyError:
            known = ", ".join(self.lessons_by_id)
            raise UnknownLesson(f"no lesson {lesson_id!r} in course.toml (lessons: {known})") from None

    def lesson_of_task(self, task_id: str) -> Lesson:
        return self.lesson(task_id.split(".", 1)[0])


def _describe_location(raw: dict, loc: tuple) -> str:
    """Turn pydantic's ('lessons', 2, 'tasks', 0, 'points') into a readable place.

    Lesson and task ids are named when the raw data has them, because "lessons[2]" makes
    a teacher count tables while "lesson 02, task 02.mean_sum" does not.
    """
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            item = node[key]
            label = item.get("id") if isinstance(item, dict) else None
            parts[-1] = f"{parts[-1]}[{key}]" + (f" (id {label!r})" if isinstance(label, str) else "")
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) if parts else "(top level)"


def parse_course(text: str, source: str, root: Path) -> Course:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ManifestError(f"{source}: not valid TOML: {error}") from None
    try:
        return Course.model_validate({**raw, "root": root})
    except ValidationError as error:
        problems = []
        for issue in error.errors():
            where = _describe_location(raw, issue["loc"])
            message = issue["msg"]
            if issue["type"] == "extra_forbidden":
                message = "unknown key (a typo?)"
            elif issue["type"] == "missing":
                message = "required key is missing"
            problems.append(f"  {where}: {message}")
        raise ManifestError(f"{source} is invalid:\n" + "\n".join(problems)) from None


def load_course(root: Path | str) -> Course:
    """Load ROOT/course.toml (or the file itself when given one)."""
    path = Path(root)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: not found — is this a torchcamp course directory?") from None
    except UnicodeDecodeError as error:
        raise ManifestError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return parse_course(text, str(path), path.parent.resolve())


def find_course_root(start: Path) -> Path | None:
    """The nearest directory at or above START that holds course.toml."""
    for candidate in [start, *start.parents]:
        if (candidate / MANIFEST_NAME).is_file():
            return candidate
    return None
