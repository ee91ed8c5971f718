"""One pytest run's state: the course, where lesson files come from, the students (local or
sandboxed workers) and references, and the outcomes recorded so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from torchcamp.course import layout
from torchcamp.course.manifest import Course, Lesson
from torchcamp.course.texts import tr
from torchcamp.grading.results import TestOutcome

SESSION = pytest.StashKey["GradingSession"]()


@dataclass
class GradingSession:
    course: Course
    submission: Path | None  # where lesson files come from; None: the course's own exercises/
    in_process: bool = True  # student mode imports lesson files here; grading uses workers
    call_timeout_s: float = 10.0
    students: dict[str, Any] = field(default_factory=dict)
    references: dict[str, Any] = field(default_factory=dict)
    outcomes: list[TestOutcome] = field(default_factory=list)
    final_run: dict | None = None  # what the final task's training produced, for feedback
    open_track_run: dict | None = None  # the open track's measured run, when graded
    threads: int | None = None  # torch threads of this grading process and its workers (grading.threads)
    collected: dict[str, str] = field(default_factory=dict)  # test id -> task, for `torchcamp validate`
    final_device: str = ""  # resolved on first use: see resolved_final_device()
    sandboxed: bool = True  # grading mode: workers run in a sandbox (False only when the teacher accepted that)
    import_problems_told: set[str] = field(default_factory=set)  # lessons whose import failure was shown
    lang: str = "en"  # what the student reads: en or zh-CN (course.texts)

    def lesson_file(self, lesson: Lesson) -> Path:
        if self.submission is None:
            return layout.stub(self.course, lesson)
        return self.submission / lesson.directory / lesson.filename

    def student_for(self, lesson: Lesson, shared: Path) -> Any:
        """SHARED: the run's temporary folder, shown read-only to the worker (test data lives there)."""
        if lesson.id not in self.students:
            if self.in_process:
                from torchcamp.sandbox.local import LocalStudent

                self.students[lesson.id] = LocalStudent(self.lesson_file(lesson))
            else:
                from torchcamp.sandbox.remote import RemoteStudent

                # One worker alive at a time keeps a grading run's memory bounded.
                for other in self.students.values():
                    other.close()
                self.students[lesson.id] = RemoteStudent(
                    self.lesson_file(lesson), self.sandbox_settings(lesson, shared)
                )
        return self.students[lesson.id]

    def sandbox_settings(self, lesson: Lesson, shared: Path) -> Any:
        from torchcamp.sandbox.remote import SandboxSettings

        grading = self.course.grading
        final_lesson = self.course.final is not None and lesson.id == self.course.final.lesson
        on_gpu = final_lesson and self.resolved_final_device().startswith("cuda")
        return SandboxSettings(
            call_timeout_s=self.call_timeout_s,
            # CUDA maps far more address space than any sane cap: on a GPU only the cgroup
            # (resident memory) and the deadline bound the final task's worker.
            memory_mb=None if on_gpu else grading.worker_memory_mb,
            output_mb=grading.worker_output_mb,
            readable=(shared,),
            sandboxed=self.sandboxed,
            # CUDA's libraries and context add gigabytes of resident memory of their own.
            resident_mb=max(grading.sandbox_memory_mb, 8192) if on_gpu else grading.sandbox_memory_mb,
            max_processes=grading.sandbox_processes,
            cuda=on_gpu,
            secret_roots=(layout.graders(self.course),),
        )

    def resolved_final_device(self) -> str:
        """--torchcamp-device, else $TORCHCAMP_DEVICE, else cuda when this machine has it."""
        if not self.final_device:
            import torch

            self.final_device = "cuda" if torch.cuda.is_available() else "cpu"
        return self.final_device

    def reference_for(self, lesson: Lesson) -> Any:
        if lesson.id not in self.references:
            path = layout.solution(self.course, lesson)
            if not path.is_file():
                raise pytest.UsageError(
                    f"{path} is missing: hidden graders need the reference solutions (teacher edition)"
                )
            from torchcamp.sandbox.modules import import_module_from

            self.references[lesson.id] = import_module_from(path, f"torchcamp_reference_{lesson.module}")
        return self.references[lesson.id]

    def close(self) -> dict[str, str]:
        """Stop every worker; returns, per lesson, processes that outlived their sandbox's kill."""
        survivors = {}
        for lesson_id, student in self.students.items():
            student.close()
            if getattr(student, "survivors", None):
                count = len(student.survivors)
                survivors[lesson_id] = tr(
                    f"{count} process(es) started by this lesson's code survived "
                    "the end of its sandbox; its grade is withheld",
                    f"本课代码启动的 {count} 个进程在沙箱结束后仍未退出；本课成绩暂不给出",
                )
        return survivors
