"""Gradescope's autograder bundle, run against a simulated /autograder root."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

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
