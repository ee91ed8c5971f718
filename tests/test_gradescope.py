"""Gradescope's autograder bundle, run against a simulated /autograder root."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import pytest

from torchcamp.outputs.autograder import build_autograder

from helpers import ROOT, require_dataset


def test_run_autograder_writes_valid_results(course, tmp_path):
    data = require_dataset("digits-sample")
    bundle = tmp_path / "autograder.zip"
    build_autograder(course, bundle, dataset="digits-sample")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert names[:2] == ["setup.sh", "run_autograder"], "both scripts must sit at the zip's root"
        assert stat.S_IMODE(archive.getinfo("run_autograder").external_attr >> 16) & 0o111
        assert not any(name.startswith(("tests/", "scripts/", "data/")) for name in names)
        archive.extractall(root / "source")
    # setup.sh would build a venv and the data; here the test's own Python and data stand in.
    shutil.copytree(data / "digits-sample", root / "source" / "data" / "digits-sample")
    submission = root / "submission" / "exercises"
    shutil.copytree(ROOT / "solutions", submission)
    wrong = submission / "02_tensor_ops" / "tensor_ops.py"
    wrong.write_text(wrong.read_text().replace("return t.int()", "return t.floor().int()"))
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "TORCHCAMP_PYTHON": sys.executable}
    completed = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert 0 < results["score"] < course.max_score
    assert isinstance(results["execution_time"], int) and results["output"]
    assert len(results["tests"]) == len(course.tasks)
    for test in results["tests"]:
        assert set(test) == {"name", "number", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed")
    assert abs(results["score"] - sum(test["score"] for test in results["tests"])) < 1e-6
    dtype = next(test for test in results["tests"] if test["number"] == "02.dtype")
    assert dtype["status"] == "failed" and "expected" in dtype["output"]
    names = [entry["name"] for entry in results["leaderboard"]]
    assert names == ["Accuracy", "Training time (s)"]
    # Gradescope shows instructors the autograder's stdout: the grading table is there, and in the output.
    assert "02.dtype" in completed.stdout and "02.dtype" in results["output"]


def test_an_unreadable_submission_still_gets_a_result(course, tmp_path):
    bundle = tmp_path / "autograder.zip"
    build_autograder(course, bundle, dataset="digits-sample")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir()  # the student uploaded nothing usable
    environment = {**os.environ, "AUTOGRADER_ROOT": str(root), "TORCHCAMP_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=environment, capture_output=True, check=False)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "could not grade" in results["output"]
    assert "no lesson files found" in results["output"]


def test_flat_nested_and_exercises_uploads_are_found_alike(course, tmp_path):
    from torchcamp.grading.runner import SubmissionError, submission_layout

    lesson = course.lessons[1]
    source = ROOT / "solutions" / lesson.directory / lesson.filename
    layouts = {
        "flat": tmp_path / "flat" / lesson.filename,
        "zip_with_a_parent": tmp_path / "zip" / "mywork" / lesson.filename,
        "lesson_folders": tmp_path / "folders" / lesson.directory / lesson.filename,
        "exercises": tmp_path / "repo" / "exercises" / lesson.directory / lesson.filename,
        "parent_and_exercises": tmp_path / "parent" / "mywork" / "exercises" / lesson.directory / lesson.filename,
    }
    for path in layouts.values():
        path.parent.mkdir(parents=True)
        path.write_bytes(source.read_bytes())
    (tmp_path / "zip" / "__MACOSX").mkdir()  # what a Mac's archiver adds beside the folder
    found = {}
    for name, path in layouts.items():
        top = path.relative_to(tmp_path).parts[0]
        folder, flat = submission_layout(course, tmp_path / top)
        expected = folder / (lesson.filename if flat else f"{lesson.directory}/{lesson.filename}")
        assert expected == path, (name, folder, flat)
        found[name] = flat
    assert found["flat"] and found["zip_with_a_parent"] and not found["exercises"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(SubmissionError, match=r"Expected the lesson files \(setup_check.py, tensors.py, "):
        submission_layout(course, tmp_path / "empty")


def test_a_flat_upload_is_graded_like_the_exercises_layout(course, tmp_path):
    from torchcamp.grading.runner import GradingOptions, grade

    lesson = course.lessons[1]
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / lesson.filename).write_bytes((ROOT / "solutions" / lesson.directory / lesson.filename).read_bytes())
    result = grade(course, flat, [lesson.id], GradingOptions())
    assert result.lessons[0].score == result.lessons[0].max_score > 0, result.lessons[0]


def test_setup_installs_cpu_wheels_of_the_tested_torch_before_the_course(course, tmp_path):
    from importlib.metadata import version

    bundle = tmp_path / "autograder.zip"
    build_autograder(course, bundle, dataset="mnist")
    with zipfile.ZipFile(bundle) as archive:
        setup = archive.read("setup.sh").decode()
        run = archive.read("run_autograder").decode()
    assert subprocess.run(["bash", "-n"], input=setup, text=True, check=False).returncode == 0
    torch_line = next(line for line in setup.splitlines() if "--index-url" in line and "==" in line)
    assert "download.pytorch.org/whl/cpu" in setup and "TORCHCAMP_TORCH_INDEX" in setup
    assert f"'torch=={version('torch').split('+')[0]}'" in torch_line
    assert f"'torchvision=={version('torchvision').split('+')[0]}'" in torch_line
    # torch first: installing the course then finds it and pulls no CUDA build.
    assert setup.index(torch_line) < setup.index('pip" install --quiet "$ROOT/source"')
    assert "--jobs 1" in run and "--device cpu" in run
