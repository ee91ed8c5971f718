"""GitHub Classroom: the payloads its grading reporter reads, and the workflow that makes them.

The reporter (classroom-resources/autograding-grading-reporter) reads, for each id in its
`runners` input, a base64 JSON payload from the environment variable `<ID>_RESULTS`, and
computes the grade twice:
- the points it sends to Classroom: the sum of every test's `score`, out of the sum of the
  runners' `max_score`;
- the table in its log: per runner, (tests passed ÷ tests) × max_score.
The two agree only when a runner's tests are equal shares of its max_score, so each task is
its own runner: one test worth the task's points, or, for a task with partial credit, n
equal parts of which k pass (score = k/n of the points). A runner whose status is not
"pass" fails the reporter's step; tasks worth 0 points (the optional open track) are left
out, since they carry no grade and would fail every student's run.
"""

from __future__ import annotations

import base64
import json
import re
from fractions import Fraction

from torchcamp.course.manifest import Course
from torchcamp.grading.results import Status, SubmissionResult, TaskResult

STATUS = {Status.PASSED: "pass", Status.ERROR: "error", Status.TIMEOUT: "error"}  # anything else: "fail"
MAX_PARTS = 100  # partial credit is rounded to 1/100 of a point, and tasks are worth a few points
PUBLIC_DATA_NOTE = "measured here on public data; your teacher grades it on held-out data"


def runner_id(task_id: str) -> str:
    """Letters and digits only: the reporter rejects its whole list over one id it cannot read
    (`task00versions` for 00.versions)."""
    return "task" + re.sub(r"[^0-9A-Za-z]", "", task_id).lower()


def check_runner_ids(course: Course) -> None:
    seen: dict[str, str] = {}
    for task in course.tasks:
        runner = runner_id(task)
        if runner in seen:
            raise ValueError(f"tasks {seen[runner]} and {task} share the GitHub Classroom runner id {runner}")
        seen[runner] = task


def parts(score: float, points: int) -> tuple[int, int]:
    """(k, n): SCORE is k of n equal parts of POINTS (n = 1 for all or nothing)."""
    share = Fraction(str(score)) / points
    if share.denominator > MAX_PARTS:
        share = share.limit_denominator(MAX_PARTS)
    return share.numerator, share.denominator


def task_payload(task: TaskResult, test_code: str, note: str = "") -> dict:
    status = STATUS.get(task.status, "fail")
    name = f"{task.id} {task.title}" + (f" ({note})" if note else "")
    passed, total = parts(task.score, task.max_score) if task.status != Status.PASSED else (1, 1)

    def test(number: int) -> dict:
        passes = number < passed
        return {
            "name": name if total == 1 else f"{name}: part {number + 1} of {total}",
            "status": "pass" if passes else status,
            # The reporter adds these up: the task's whole score on its first passing part keeps
            # the sum exact (no 2.0100000000000002), the other parts carry 0.
            "score": round(task.score, 2) if number == 0 and passed else 0,
            "message": "" if passes else task.message,
            "test_code": test_code,
            "filename": "",
            "line_no": 0,
            "duration": 0,
        }

    return {
        "version": 1,
        "status": status,
        "max_score": task.max_score,
        "tests": [test(number) for number in range(total)],
    }


def encode(payload: dict) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def classroom_results(course: Course, result: SubmissionResult, public_only: bool = False) -> dict[str, str]:
    """Runner id -> base64 payload for every task of RESULT worth points. PUBLIC_ONLY: graded
    in the student edition, where the final task's tiers use the data in the student's own
    repository."""
    tiers = set(course.final.tier_tasks) if course.final else set()
    outputs = {}
    for lesson in result.lessons:
        # A command that exists in the student's own repository (it has no graders/).
        test_code = f"torchcamp grade . --lesson {lesson.id}"
        for task in lesson.tasks:
            if task.max_score <= 0:
                continue
            note = PUBLIC_DATA_NOTE if public_only and task.id in tiers else ""
            outputs[runner_id(task.id)] = encode(task_payload(task, test_code, note))
    return outputs


def output_lines(outputs: dict[str, str]) -> str:
    """`name=value` lines, as a step appends them to $GITHUB_OUTPUT."""
    return "".join(f"{name}={value}\n" for name, value in outputs.items())


def lesson_step(course: Course, lesson, dataset: str) -> str:
    """One workflow step: grade the lesson, append every task's payload to $GITHUB_OUTPUT. When
    the command itself fails, the step appends payloads written now (every task 0, status
    error, the reason) so the reporter still reads every runner — and the step fails, visibly."""
    runner = f"lesson{lesson.id}"
    extra = ""
    if course.final and lesson.id == course.final.lesson:
        extra = f" --dataset {dataset}"
        track = course.final.open_track
        if track and course.tasks[track.task].points > 0:
            extra += " --open-track"
    why = f"grading lesson {lesson.id} crashed: the step '{runner}' in the Actions log says why"
    fallback = output_lines(
        {
            runner_id(task.id): encode(
                task_payload(
                    TaskResult(task.id, task.title, 0.0, task.points, Status.ERROR, why),
                    f"torchcamp grade . --lesson {lesson.id}",
                )
            )
            for task in lesson.tasks
            if task.points > 0
        }
    )
    return (
        f"    - name: Lesson {lesson.id} ({lesson.max_score} points)\n"
        f"      id: {runner}\n"
        f"      run: |\n"
        f'        if torchcamp grade . --lesson {lesson.id} --format classroom{extra} > "$RUNNER_TEMP/{runner}"; then\n'
        f'          cat "$RUNNER_TEMP/{runner}" >> "$GITHUB_OUTPUT"\n'
        f"        else\n"
        f"          status=$?\n"
        f'          echo "::error::grading lesson {lesson.id} failed (exit $status): its tasks score 0"\n'
        f"          cat >> \"$GITHUB_OUTPUT\" <<'PAYLOADS'\n"
        + "".join(f"        {line}\n" for line in fallback.splitlines())
        + "        PAYLOADS\n"
        "          exit $status\n"
        "        fi\n"
    )


def classroom_workflow(course: Course) -> str:
    """One grading step per lesson, then the reporter over one runner per task."""
    check_runner_ids(course)
    dataset = course.final.default_dataset if course.final else ""
    graded = [
        (lesson, task) for lesson in course.lessons for task in lesson.tasks if task.points > 0
    ]  # fmt: skip
    environment = [
        f'        {runner_id(task.id).upper()}_RESULTS: "${{{{ steps.lesson{lesson.id}.outputs.{runner_id(task.id)} }}}}"'
        for lesson, task in graded
    ]
    prepare = f" && torchcamp data {dataset}" if dataset else ""
    return (
        "name: Autograding\n"
        "on: [push, repository_dispatch]\n"
        "permissions:\n  checks: write\n  actions: read\n  contents: read\n"
        "jobs:\n  grade:\n    runs-on: ubuntu-latest\n    if: github.actor != 'github-classroom[bot]'\n    steps:\n"
        "    - uses: actions/checkout@v4\n"
        "    - uses: actions/setup-python@v5\n      with:\n        python-version: '3.11'\n"
        f"    - name: Install\n      run: pip install -e .{prepare}\n"
        + "".join(lesson_step(course, lesson, dataset) for lesson in course.lessons)
        + "    - name: Autograding Reporter\n      if: always()\n"
        + "      uses: classroom-resources/autograding-grading-reporter@v1\n      env:\n"
        + "\n".join(environment)
        + f"\n      with:\n        runners: {','.join(runner_id(task.id) for _, task in graded)}\n"
    )
