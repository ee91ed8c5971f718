"""GitHub Classroom: the released workflow's steps, run as the Actions runner runs them, and
their outputs read the way the grading reporter reads them.

The reporter (classroom-resources/autograding-grading-reporter, v1) is JavaScript that no
registry reachable here carries, so `Reporter` below restates its rules from its sources
(src/main.js, src/aggregate-results.js, src/notify-classroom.js, src/console-results.js):
JavaScript numbers are IEEE doubles, as Python's floats are, so the sums agree bit for bit.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from torchcamp.course.release import release
from torchcamp.grading.results import Status, TaskResult
from torchcamp.outputs.classroom import runner_id, task_payload

from helpers import ROOT


@dataclass
class Reporter:
    """What the reporter computes from its `runners` input and the `<ID>_RESULTS` variables."""

    runners: str
    environment: dict[str, str]

    def results(self) -> list[tuple[str, dict]]:
        # main.js: any runner whose variable is missing or not base64 JSON fails the whole list.
        parsed = []
        for runner in self.runners.split(","):
            encoded = self.environment.get(f"{runner.strip().upper()}_RESULTS")
            if encoded is None:
                raise ValueError("The runners input must be a comma-separated list of strings.")
            parsed.append((runner.strip(), json.loads(base64.b64decode(encoded).decode())))
        return parsed

    def points(self) -> tuple[float, int]:
        """notify-classroom.js: every test's score added up, in order, over the max scores."""
        total, maximum = 0, 0
        for _, results in self.results():
            if not results.get("max_score"):
                continue
            maximum += results["max_score"]
            for test in results["tests"]:
                total += test["score"]
        return total, maximum

    def table(self) -> dict[str, float]:
        """aggregate-results.js: per runner, (tests passed ÷ tests) × max_score."""
        rows = {}
        for runner, results in self.results():
            passed = sum(test["status"] == "pass" for test in results["tests"])
            rows[runner] = passed / len(results["tests"]) * (results.get("max_score") or 1)
        return rows

    def step_fails(self) -> bool:
        return any(results["status"] in ("fail", "error") for _, results in self.results())


STEP_OUTPUT = re.compile(r"\$\{\{ steps\.(\w+)\.outputs\.(\w+) \}\}")


def run_step(step: dict, edition: Path, outputs: dict[str, dict[str, str]], tmp_path: Path, path: str) -> int:
    """A `run:` step as GitHub's runner runs it: `bash --noprofile --norc -eo pipefail FILE`, with
    GITHUB_OUTPUT and RUNNER_TEMP set; its `name=value` outputs are kept under the step's id."""
    script = tmp_path / f"{step['id']}.sh"
    script.write_text(step["run"])
    output = tmp_path / f"{step['id']}.output"
    output.write_text("")
    completed = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=edition,
        env={**os.environ, "PATH": path, "GITHUB_OUTPUT": str(output), "RUNNER_TEMP": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines() if line)
    return completed.returncode


@pytest.fixture(scope="module")
def workflow_run(tmp_path_factory, course):
    """The edition as a student pushes it: lesson 01 solved but for one task, lesson 02 not
    started, and lesson 00's grading crashing (its `torchcamp` fails before printing)."""
    tmp_path = tmp_path_factory.mktemp("classroom")
    edition = tmp_path / "student"
    release(course, edition)
    lesson = course.lesson("01")
    solved = (ROOT / "solutions" / lesson.directory / lesson.filename).read_text()
    broken = solved.replace(
        "def evens_below(n: int) -> torch.Tensor:",
        "def evens_below(n: int) -> torch.Tensor:\n    return torch.arange(n)\n",
        1,
    )
    assert broken != solved
    (edition / "exercises" / lesson.directory / lesson.filename).write_text(broken)
    workflow = yaml.safe_load((edition / ".github/workflows/classroom.yml").read_text())
    steps = {step.get("id"): step for step in workflow["jobs"]["grade"]["steps"]}
    real = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    crashing = tmp_path / "crashing"
    crashing.mkdir()
    (crashing / "torchcamp").write_text("#!/bin/sh\necho 'Traceback: ImportError' >&2\nexit 3\n")
    (crashing / "torchcamp").chmod(0o755)
    outputs: dict[str, dict[str, str]] = {}
    codes = {
        "lesson01": run_step(steps["lesson01"], edition, outputs, tmp_path, real),
        "lesson02": run_step(steps["lesson02"], edition, outputs, tmp_path, real),
        "lesson00": run_step(steps["lesson00"], edition, outputs, tmp_path, str(crashing) + os.pathsep + real),
    }
    reporter_step = next(
        step for step in workflow["jobs"]["grade"]["steps"] if "autograding-grading-reporter" in step.get("uses", "")
    )
    ran = {f"lesson{lesson_id}" for lesson_id in ("00", "01", "02")}
    environment = {
        name: STEP_OUTPUT.sub(lambda match: outputs.get(match[1], {}).get(match[2], ""), value)
        for name, value in reporter_step["env"].items()
        if STEP_OUTPUT.search(value)[1] in ran
    }
    runners = ",".join(
        runner_id(task.id) for lesson_id in ("00", "01", "02") for task in course.lesson(lesson_id).tasks if task.points
    )
    assert set(runners.split(",")) <= set(reporter_step["with"]["runners"].split(","))
    return {"codes": codes, "reporter": Reporter(runners, environment), "workflow": workflow, "steps": steps}


def test_the_reporter_step_runs_always_and_names_a_runner_per_task(workflow_run, course):
    reporter = next(
        step for step in workflow_run["workflow"]["jobs"]["grade"]["steps"] if "reporter" in step.get("uses", "")
    )
    assert reporter["if"] == "always()"
    runners = reporter["with"]["runners"].split(",")
    assert all(re.fullmatch(r"[A-Za-z0-9]+", runner) for runner in runners), "letters and digits only"
    assert runners == [runner_id(task) for task, spec in course.tasks.items() if spec.points > 0]


def test_a_crashed_grading_step_fails_visibly_and_still_reports_every_task(workflow_run, course):
    assert workflow_run["codes"]["lesson00"] == 3, "the command's failure is the step's failure"
    results = dict(workflow_run["reporter"].results())
    for task in course.lesson("00").tasks:
        payload = results[runner_id(task.id)]
        assert payload["status"] == "error" and payload["max_score"] == task.points
        assert payload["tests"][0]["score"] == 0 and "crashed" in payload["tests"][0]["message"]


def test_points_and_the_log_table_agree_with_the_grade(workflow_run, course):
    assert workflow_run["codes"]["lesson01"] == 0 and workflow_run["codes"]["lesson02"] == 0
    reporter = workflow_run["reporter"]
    results = dict(reporter.results())
    lesson01 = {task.id: results[runner_id(task.id)] for task in course.lesson("01").tasks}
    assert lesson01["01.arange"]["status"] == "fail"
    assert all(payload["status"] == "pass" for task, payload in lesson01.items() if task != "01.arange")
    assert all(results[runner_id(task.id)]["status"] != "pass" for task in course.lesson("02").tasks)
    total, maximum = reporter.points()
    expected = course.lesson("01").max_score - course.tasks["01.arange"].points
    assert (total, maximum) == (expected, sum(course.lesson(lesson).max_score for lesson in ("00", "01", "02")))
    assert sum(reporter.table().values()) == total, "the log's table shows the points Classroom records"
    assert reporter.step_fails()


def test_partial_credit_is_equal_parts_so_table_and_points_agree():
    task = TaskResult("00.choose_device", "Choose a device", 1.5, 3, Status.FAILED, "unknown overrides accepted")
    full = TaskResult("01.filled", "Filled", 2.0, 2, Status.PASSED)
    odd = TaskResult("09.odd", "Odd weights", 0.67, 2, Status.FAILED, "one of three properties")
    payloads = {runner_id(t.id): task_payload(t, "torchcamp grade . --lesson 00") for t in (task, full, odd)}
    environment = {
        f"{name.upper()}_RESULTS": base64.b64encode(json.dumps(p).encode()).decode() for name, p in payloads.items()
    }
    reporter = Reporter(",".join(payloads), environment)
    assert [test["status"] for test in payloads["task00choosedevice"]["tests"]] == ["pass", "fail"]
    assert reporter.points() == (1.5 + 2.0 + 0.67, 7)
    table = reporter.table()
    assert table["task00choosedevice"] == 1.5 and table["task01filled"] == 2.0
    assert abs(table["task09odd"] - 0.67) < 0.01, "1/3 of 2 points, as near as equal parts allow"


def test_the_final_task_says_its_tiers_were_measured_on_public_data(course):
    from torchcamp.grading.results import LessonResult, SubmissionResult
    from torchcamp.outputs.classroom import classroom_results

    lesson = course.lesson(course.final.lesson)
    tasks = [TaskResult(task.id, task.title, float(task.points), task.points, Status.PASSED) for task in lesson.tasks]
    result = SubmissionResult(".", 0, 0, 0, [LessonResult(lesson.id, lesson.title, 0, lesson.max_score, tasks)])
    names = {
        runner: json.loads(base64.b64decode(payload))["tests"][0]["name"]
        for runner, payload in classroom_results(course, result, public_only=True).items()
    }
    for tier in course.final.tier_tasks:
        assert "public data" in names[runner_id(tier)]
    assert runner_id(course.final.open_track.task) not in names, "a 0-point task carries no grade"
