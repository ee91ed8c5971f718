"""One lesson's broken file costs only that lesson's points, and the grader says why."""

from torchcamp.grading.runner import GradingOptions, grade

from helpers import processes_with

SYNTAX_ERROR = "def elementwise_product(a, b)\n    return a * b\n"
LOOPS_AT_IMPORT = "while True:\n    pass\n"
EXITS_AT_IMPORT = "import os\nos._exit(0)\n"


def test_broken_lessons_cost_only_their_own_points(course, make_submission):
    submission = make_submission({"02": SYNTAX_ERROR, "03": LOOPS_AT_IMPORT, "04": EXITS_AT_IMPORT})
    result = grade(course, submission, options=GradingOptions(call_timeout_s=2))
    lessons = {lesson.id: lesson for lesson in result.lessons}

    for full in ("00", "01"):
        assert lessons[full].score == lessons[full].max_score

    def statuses(lesson_id):
        return {task.status for task in lessons[lesson_id].tasks}

    assert lessons["02"].score == 0 and statuses("02") == {"error"}
    assert "SyntaxError" in lessons["02"].tasks[0].message and "line 1" in lessons["02"].tasks[0].message

    assert lessons["03"].score == 0 and statuses("03") == {"timeout"}
    assert "timed out after 2 s while importing your lesson file" in lessons["03"].tasks[0].message

    assert lessons["04"].score == 0 and statuses("04") == {"error"}
    assert "exited with status 0" in lessons["04"].tasks[0].message
    assert "os._exit" in lessons["04"].tasks[0].message


def test_a_killed_grader_leaves_no_grading_process_behind(course, make_submission, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    import uuid

    import pytest

    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc to find the grading processes")
    source = "import time\n\n\ndef environment_report():\n    time.sleep(600)\n"
    submission = make_submission({"00": source}, lessons=["00"])
    marker = f"TORCHCAMP_TEST_MARKER=grader-{uuid.uuid4().hex}"
    key, value = marker.split("=", 1)
    grader = subprocess.Popen(
        [sys.executable, "-m", "torchcamp.cli", "grade", str(submission), "--lesson", "00", "--unprotected"],
        env={**os.environ, key: value},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(processes_with(marker, "environ")) < 2 and time.monotonic() < deadline:  # the CLI and its pytest
            time.sleep(0.5)
        assert len(processes_with(marker, "environ")) >= 2, "the grading process never started"
        time.sleep(3)  # into the student's call
    finally:
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    deadline = time.monotonic() + 30
    while processes_with(marker, "environ") and time.monotonic() < deadline:
        time.sleep(0.5)
    left = processes_with(marker, "environ")
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes outlived the killed grader: {left}"


def test_a_grader_short_of_memory_says_so_instead_of_judging(tmp_path):
    """Grading in a container with too little memory (Gradescope's default is 768 MB): the OOM
    killer ends the pytest process, and every task says why rather than looking like 0 earned."""
    import json
    import os
    import subprocess
    import sys
    import time
    import uuid
    from pathlib import Path

    import pytest

    from helpers import ROOT

    parent = Path("/sys/fs/cgroup/memory")
    if not os.access(parent, os.W_OK):
        pytest.skip("needs root and cgroup v1's memory controller")
    group = parent / f"torchcamp-test-{uuid.uuid4().hex[:8]}"
    group.mkdir()
    try:
        limit = str(350 << 20)  # the CLI fits; a pytest process with torch and hypothesis does not
        (group / "memory.limit_in_bytes").write_text(limit)
        if (group / "memory.memsw.limit_in_bytes").exists():
            (group / "memory.memsw.limit_in_bytes").write_text(limit)
        record = tmp_path / "grade.json"
        completed = subprocess.run(
            [sys.executable, "-m", "torchcamp.cli", "grade", str(ROOT / "solutions"), "--lesson", "00",
             "--unprotected", "--json", str(record)],
            preexec_fn=lambda: (group / "cgroup.procs").write_text(str(os.getpid())),
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        for _ in range(100):  # a worker may take a moment to notice its grader is gone
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    assert completed.returncode == 0, completed.stderr[-2000:]
    tasks = [task for lesson in json.loads(record.read_text())["lessons"] for task in lesson["tasks"]]
    assert tasks and all(task["status"] == "error" for task in tasks)
    assert all("out-of-memory killer" in task["message"] and "not judged" in task["message"] for task in tasks)
