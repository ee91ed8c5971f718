"""The grade as data, from one test's outcome to a class record, with JSON both ways.

Every stage speaks these types: the pytest plugin writes `RunResults`, grading turns
them into a `SubmissionResult`, class grading stores a `Record` per student, and every
output (terminal, CSVs, Gradescope, Classroom, feedback pages, the gradebook) reads
records. The JSON files keep the same field names as the dataclasses.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from torchcamp.compat import StrEnum

UNPROTECTED = "UNPROTECTED GRADE: no sandbox was used; the student's code could have changed this result"


class Status(StrEnum):
    """What happened to a test, and so to a task. A str, so JSON holds the plain word."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not_started"  # the stub's TODO is still there
    ERROR = "error"  # the lesson could not be graded: a crash, an import failure, a missing file
    TIMEOUT = "timeout"


# The most telling status first: when a task's tests disagree, this one names the task.
SEVERITY = (Status.TIMEOUT, Status.ERROR, Status.FAILED, Status.NOT_STARTED)


@dataclass
class TestOutcome:
    """One test's verdict, as the plugin records it."""

    __test__ = False  # not a pytest test class, whatever its name

    nodeid: str
    task: str
    weight: float
    hidden: bool
    status: Status = Status.PASSED
    message: str = ""
    core: bool = False  # partial credit needs this test to pass (grading.scoring)
    lesson_broken: bool = False  # failed because the lesson file does not import, not on its own code
    mistake: str = ""  # "task/key" of a recognised mistake (exercises/NN_slug/mistakes.toml)


@dataclass
class RunResults:
    """What one grading pytest process hands back to the grader."""

    tests: list[TestOutcome] = field(default_factory=list)
    final: dict | None = None  # the final task's measured run (accuracy, seconds, losses, confusion)
    collected: dict[str, str] = field(default_factory=dict)  # test id -> task, for `validate`
    lesson_problems: dict[str, str] = field(default_factory=dict)  # lesson id -> why it scores nothing
    sandboxed: bool = False

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> RunResults:
        tests = [TestOutcome(**{**test, "status": Status(test["status"])}) for test in data.get("tests", [])]
        return cls(
            tests,
            data.get("final"),
            data.get("collected", {}),
            data.get("lesson_problems", {}),
            bool(data.get("sandboxed", False)),
        )


@dataclass
class TaskResult:
    id: str
    title: str
    score: float
    max_score: int
    status: Status
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
    submission: str  # as the teacher named it: a folder, a zip, a repository URL
    score: float
    max_score: int
    execution_time: float
    lessons: list[LessonResult] = field(default_factory=list)
    # The final task's run: dataset, device, seconds, accuracy, losses, confusion matrix.
    final: dict | None = None
    protected: bool = True  # False: graded without a sandbox, and every output says so
    # CPU threads each grading process used: cores, processes side by side, threads per process.
    threads: dict | None = None

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> SubmissionResult:
        lessons = [
            LessonResult(lesson["id"], lesson["title"], lesson["score"], lesson["max_score"],
                         [TaskResult(**{**task, "status": Status(task["status"])}) for task in lesson["tasks"]])
            for lesson in data["lessons"]
        ]  # fmt: skip
        return cls(
            data["submission"],
            data["score"],
            data["max_score"],
            data["execution_time"],
            lessons,
            data.get("final"),
            data.get("protected", True),
            data.get("threads"),
        )

    def tasks(self) -> list[TaskResult]:
        return [task for lesson in self.lessons for task in lesson.tasks]


@dataclass(frozen=True)
class Student:
    """Who a submission belongs to, with the identifiers the LMS exports need."""

    id: str
    name: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    email: str = ""
    canvas_user_id: str = ""  # Canvas's own user id (its gradebook export's ID column), when the roster has it
    first_name: str = ""  # from the roster, for gradebooks that keep names apart (nbgrader)
    last_name: str = ""


@dataclass
class Record:
    """One student's stored grade in a class run (OUT/results/<student>.json)."""

    student: Student
    source: str
    key: dict[str, Any]  # what the grade depends on: a record with another key is graded again
    result: SubmissionResult

    def to_json(self) -> dict:
        return {
            "student": asdict(self.student),
            "source": self.source,
            "key": self.key,
            "result": self.result.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict) -> Record:
        known = {item.name for item in fields(Student)}
        student = Student(**{name: value for name, value in data["student"].items() if name in known})
        return cls(student, data["source"], data.get("key", {}), SubmissionResult.from_json(data["result"]))


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write DATA to PATH so that a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.partial")
    # os.open, not mkstemp: the file gets the usual permissions (umask), not 0600.
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    write_atomically(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
