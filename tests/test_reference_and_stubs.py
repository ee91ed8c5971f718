"""The reference solutions earn every point; the untouched stubs earn none, as TODO."""

import json
import subprocess
import sys

from helpers import ROOT, require_dataset

TORCHCAMP = [sys.executable, "-m", "torchcamp.cli"]


def grade_json(tmp_path, target, *options):
    out = tmp_path / f"{target}.json"
    completed = subprocess.run(
        [*TORCHCAMP, "grade", target, "--json", str(out), *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads(out.read_text()), completed.stdout


def test_reference_solutions_get_full_points(tmp_path, course):
    data = require_dataset("digits-sample")
    result, table = grade_json(tmp_path, "solutions", "--dataset", "digits-sample", "--data-root", str(data))
    assert result["max_score"] == course.max_score
    assert result["score"] == result["max_score"], [
        (task["id"], task["message"])
        for lesson in result["lessons"]
        for task in lesson["tasks"]
        if task["status"] != "passed"
    ]
    assert f"{course.max_score:g} / {course.max_score}" in table


def test_untouched_stubs_get_nothing_and_read_as_todo(tmp_path, course):
    data = require_dataset("digits-sample")
    result, _ = grade_json(tmp_path, "exercises", "--dataset", "digits-sample", "--data-root", str(data))
    tasks = [task for lesson in result["lessons"] for task in lesson["tasks"]]
    assert len(tasks) == len(course.tasks)
    assert result["score"] == 0
    assert {task["status"] for task in tasks} == {"not_started"}


def test_json_has_the_documented_shape(tmp_path):
    result, _ = grade_json(tmp_path, "solutions", "--lesson", "0")
    assert {"score", "max_score", "lessons"} <= set(result)
    [lesson] = result["lessons"]
    assert {"id", "score", "max_score", "tasks"} <= set(lesson)
    assert lesson["id"] == "00"
    for task in lesson["tasks"]:
        assert {"id", "score", "max_score", "status", "message"} <= set(task)


def test_grading_twice_gives_identical_results(tmp_path, make_submission):
    broken = (
        (ROOT / "solutions/02_tensor_ops/tensor_ops.py").read_text().replace("return t.int()", "return t.floor().int()")
    )
    submission = make_submission({"02": broken}, lessons=["02"])
    first, _ = grade_json(tmp_path, str(submission), "--lesson", "02")
    second, _ = grade_json(tmp_path, str(submission), "--lesson", "02")

    def strip_time(result):
        return {key: value for key, value in result.items() if key != "execution_time"}

    assert strip_time(first) == strip_time(second)
    dtype_task = next(task for task in first["lessons"][0]["tasks"] if task["id"] == "02.dtype")
    assert dtype_task["status"] == "failed"
    assert "smallest failing input" in dtype_task["message"]
    assert "expected" in dtype_task["message"]


def test_bad_submissions_get_a_clear_message(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for target, expected in ((empty, "no lesson files found"), (tmp_path / "nowhere", "no such file or directory")):
        completed = subprocess.run(
            [*TORCHCAMP, "grade", str(target)], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert completed.returncode != 0
        assert expected in completed.stderr


def test_a_missing_lesson_file_costs_only_that_lesson(tmp_path, make_submission, course):
    submission = make_submission({"01": None}, lessons=["00", "01"])
    result, _ = grade_json(tmp_path, str(submission), "--lesson", "00", "--lesson", "01")
    lessons = {lesson["id"]: lesson for lesson in result["lessons"]}
    assert lessons["00"]["score"] == lessons["00"]["max_score"]
    assert lessons["01"]["score"] == 0
    assert all("01_tensors/tensors.py is missing" in task["message"] for task in lessons["01"]["tasks"])


def test_non_utf8_source_is_reported_not_crashed_on(tmp_path, make_submission):
    submission = make_submission({"00": b"# \xff\xfe caf\xe9\nx = 1\n"}, lessons=["00"])
    result, _ = grade_json(tmp_path, str(submission), "--lesson", "00")
    tasks = result["lessons"][0]["tasks"]
    assert {task["status"] for task in tasks} == {"error"}
    assert "not UTF-8 text (byte 0xff on line 1)" in tasks[0]["message"]
