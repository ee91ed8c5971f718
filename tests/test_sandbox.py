"""The worker boundary: whatever the student's code does, the grader survives and says why."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

import pytest
import torch

from torchcamp.sandbox.errors import (
    LessonImportError,
    NotPlainData,
    StudentRaised,
    TaskNotStarted,
    WorkerCrashed,
    WorkerTimeout,
)
from torchcamp.sandbox.remote import RemoteStudent, SandboxSettings

SETTINGS = SandboxSettings(call_timeout_s=3, memory_mb=4096, output_mb=1)


@pytest.fixture
def lesson(tmp_path):
    students = []

    def load(source: str, settings: SandboxSettings = SETTINGS) -> RemoteStudent:
        path = tmp_path / f"lesson_{len(students)}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        student = RemoteStudent(path, settings)
        student.begin_test("test-1")
        students.append(student)
        return student

    yield load
    for student in students:
        student.close()


def echo(module, value):
    """A probe: runs in the worker, hands data back."""
    return module.double(value)


def test_results_come_back_as_data(lesson):
    student = lesson("def double(x):\n    return x * 2\n")
    assert torch.equal(student.double(torch.arange(3)), torch.tensor([0, 2, 4]))
    assert student.run(echo, 21) == 42


def test_todo_is_told_apart_from_an_error(lesson):
    student = lesson("""
        def todo():
            raise NotImplementedError("TODO 01.x")
        def broken():
            return 1 / 0
    """)
    with pytest.raises(TaskNotStarted):
        student.todo()
    with pytest.raises(StudentRaised, match="ZeroDivisionError") as raised:
        student.broken()
    assert "line 5, in broken" in raised.value.traceback_text


def test_lookalike_objects_are_refused(lesson):
    student = lesson("""
        import torch
        class AlwaysEqual:
            def __eq__(self, other):
                return True
        class Sneaky(torch.Tensor):
            pass
        def lookalike():
            return AlwaysEqual()
        def subclass():
            return torch.zeros(2).as_subclass(Sneaky)
    """)
    with pytest.raises(NotPlainData, match="AlwaysEqual"):
        student.lookalike()
    with pytest.raises(NotPlainData, match="Sneaky"):
        student.subclass()


def test_a_hang_times_out_restarts_and_is_not_retried_forever(lesson):
    student = lesson(
        """
        def hang():
            while True:
                pass
        def fine():
            return 1
    """,
        SandboxSettings(call_timeout_s=1, memory_mb=4096, output_mb=1),
    )
    with pytest.raises(WorkerTimeout, match="timed out after 1 s while running hang"):
        student.hang()
    with pytest.raises(WorkerTimeout):  # the same test is poisoned: no second wait
        student.fine()
    student.begin_test("test-2")
    assert student.fine() == 1  # a fresh worker for the next test
    with pytest.raises(WorkerTimeout):
        student.hang()
    student.begin_test("test-3")
    with pytest.raises(WorkerTimeout, match="timed out 2 times already"):
        student.hang()
    assert student._confined is None, "a target that hung twice must not start a worker again"


def test_exit_in_a_function_is_a_crash_not_a_grader_failure(lesson):
    student = lesson("""
        import os, sys
        def leave():
            os._exit(3)
        def polite_exit():
            sys.exit(0)
        def fine():
            return 2
    """)
    with pytest.raises(WorkerCrashed, match="exited with status 3"):
        student.leave()
    student.begin_test("test-2")
    with pytest.raises(StudentRaised, match="sys.exit"):
        student.polite_exit()
    assert student.fine() == 2


def test_unbounded_allocation_fails_the_call_only(lesson):
    student = lesson("""
        def hog():
            blocks = []
            while True:
                blocks.append(bytearray(50 * 2**20))
        def fine():
            return 3
    """)
    with pytest.raises((StudentRaised, WorkerCrashed), match="MemoryError|memory"):
        student.hog()
    student.begin_test("test-2")
    assert student.fine() == 3


def test_flooding_stdout_neither_blocks_nor_fills_the_disk(lesson):
    student = lesson("""
        def flood():
            while True:
                print("x" * 10_000)
    """)
    with pytest.raises(StudentRaised, match="OSError|File too large"):
        student.flood()


def test_children_and_daemons_die_with_the_worker(lesson):
    # Imported here: this file's text is sent to the worker as the probes' module, where tests/ is not.
    from helpers import processes_with

    token = f"{os.getpid()}{time.monotonic_ns() % 10**6}.5"  # a unique `sleep` argument to look for
    student = lesson(f"""
        import os
        def spawn():
            if os.fork() == 0:  # a plain child
                os.execv("/bin/sleep", ["sleep", "{token}"])
            if os.fork() == 0:  # a daemon: double fork, new session
                os.setsid()
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", "{token}"])
                os._exit(0)
            return True
    """)
    assert student.spawn()
    deadline = time.monotonic() + 5
    while len(processes_with(token)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(processes_with(token)) == 2, "the test's processes did not start"
    student.close()
    deadline = time.monotonic() + 5
    while processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = processes_with(token)
    for pid in survivors:
        os.kill(pid, 9)
    assert not survivors, "a process started by student code outlived its worker"


def test_import_failures_are_reported_once_per_lesson(lesson):
    student = lesson("def f(:\n    pass\n")
    with pytest.raises(LessonImportError, match="SyntaxError") as first:
        student.f()
    student.begin_test("test-2")
    with pytest.raises(LessonImportError) as second:
        student.f()
    assert first.value is second.value


def test_patching_torch_in_the_worker_changes_nothing_here(lesson):
    student = lesson("""
        import torch
        torch.equal = lambda a, b: True
        torch.testing.assert_close = lambda *args, **kwargs: None
        def wrong():
            return torch.zeros(2)
    """)
    result = student.wrong()
    assert not torch.equal(result, torch.ones(2))
    with pytest.raises(AssertionError):
        torch.testing.assert_close(result, torch.ones(2))


def test_a_worker_that_cannot_start_is_reported_once_per_lesson(lesson, monkeypatch):
    import sys

    student = lesson("def fine():\n    return 1\n")
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the worker's interpreter: it exits at once
    with pytest.raises(WorkerCrashed, match="could not start a worker") as first:
        student.fine()
    student.begin_test("test-2")
    with pytest.raises(WorkerCrashed) as second:
        student.fine()
    assert first.value is second.value


@pytest.mark.skipif(
    not os.access("/sys/fs/cgroup/memory", os.W_OK), reason="needs root and cgroup v1's memory controller"
)
def test_cgroups_of_graders_that_were_killed_are_swept(tmp_path):
    from torchcamp.sandbox.confinement import Cgroup

    # A grader killed with SIGKILL leaves its (empty) cgroup behind; the next one removes it.
    gone_pid = 4_000_000  # above pid_max's ceiling: no process can have it
    orphan = Path(f"/sys/fs/cgroup/memory/torchcamp-{gone_pid}-deadbeef")
    orphan.mkdir()
    mine = Path(f"/sys/fs/cgroup/memory/torchcamp-{os.getpid()}-stillmine")
    mine.mkdir()
    try:
        group = Cgroup.create(256, 16)
        assert group is not None
        group.remove()
        assert not orphan.exists(), "an empty cgroup of a grader that is gone is removed"
        assert mine.exists(), "the cgroup of a grader that still runs is kept"
    finally:
        for directory in (orphan, mine):
            if directory.exists():
                directory.rmdir()
