"""Grading a class: zips and folders, a roster, -j, resuming, shards, and every output format."""

import base64
import csv
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT

LESSON = "01"  # one quick lesson keeps these tests short; the formats do not depend on it


def torchcamp(*args, cwd=ROOT):
    completed = subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def grade_classroom(classroom: dict, out: Path, *extra: str) -> str:
    """The classroom's submissions graded again into OUT (lesson 01, with the roster)."""
    return torchcamp("class", "grade", *classroom["sources"], "--out", str(out), "--roster", str(classroom["roster"]),
                     "--lesson", LESSON, *extra)  # fmt: skip


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """Four students: a perfect folder, an untouched stub, a zip with one mistake, a broken zip."""
    root = tmp_path_factory.mktemp("class")
    shutil.copytree(ROOT / "solutions", root / "ada")
    shutil.copytree(ROOT / "exercises", root / "bo")
    mistake = root / "cy_src"
    shutil.copytree(ROOT / "solutions", mistake)
    module = mistake / "01_tensors" / "tensors.py"
    module.write_text(
        module.read_text().replace("return torch.arange(0, max(n, 0), 2)", "return torch.arange(0, n, 2)")
    )
    with zipfile.ZipFile(root / "cy.zip", "w") as bundle:
        for path in mistake.rglob("*.py"):
            bundle.write(path, f"cy/{path.relative_to(mistake)}")
    (root / "dee.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    roster = root / "roster.csv"
    roster.write_text(
        "submission,student,name,sis_user_id,sis_login_id,section,email,canvas_user_id\n"
        "ada,s001,Ada L.,SIS1,ada,A,ada@example.org,7001\nbo,bo,Bo,SIS2,bo,A,bo@example.org,\n"
        "cy,s003,Cy R.,SIS3,cy,B,cy@example.org,\ndee,dee,Dee,SIS4,dee,B,dee@example.org,\n"
    )
    sources = [str(root / name) for name in ("ada", "bo", "cy.zip", "dee.zip")]
    out = root / "out"
    log = torchcamp(
        "class",
        "grade",
        *sources,
        "--out",
        str(out),
        "--roster",
        str(roster),
        "--lesson",
        LESSON,
        "-j",
        "2",
        "--gradebook",
    )
    return {"root": root, "sources": sources, "roster": roster, "out": out, "log": log}


def test_every_student_gets_a_record_and_a_reason(classroom):
    records = {path.stem: json.loads(path.read_text()) for path in (classroom["out"] / "results").glob("*.json")}
    assert set(records) == {"s001", "bo", "s003", "dee"}
    assert records["s001"]["result"]["score"] == records["s001"]["result"]["max_score"] == 10
    assert records["bo"]["result"]["score"] == 0
    assert 0 < records["s003"]["result"]["score"] < 10
    broken = records["dee"]["result"]["lessons"][0]["tasks"][0]
    assert broken["status"] == "error" and "not a zip file" in broken["message"]


def test_canvas_csv_follows_the_import_rules(classroom, course):
    with (classroom["out"] / "canvas.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[0][5:] == [f"torchcamp {lesson.id} {lesson.title}" for lesson in course.lessons]
    assert rows[1][:5] == ["Points Possible", "", "", "", ""]
    assert rows[1][5:] == [str(lesson.max_score) for lesson in course.lessons]
    ada = next(row for row in rows if row[2] == "SIS1")
    assert ada[:5] == ["Ada L.", "7001", "SIS1", "ada", "A"]  # ID: Canvas's own user id, from the roster only
    assert next(row for row in rows if row[2] == "SIS3")[1] == ""
    assert ada[5 + int(LESSON)] == "10.0"


def test_moodle_and_wide_csv(classroom, course):
    with (classroom["out"] / "moodle.csv").open(newline="") as handle:
        moodle = list(csv.DictReader(handle))
    assert {row["ID number"] for row in moodle} == {"SIS1", "SIS2", "SIS3", "SIS4"}  # never our own ids
    with (classroom["out"] / "grades.csv").open(newline="") as handle:
        wide = {row["student"]: row for row in csv.DictReader(handle)}
    assert wide["s003"]["01.arange"] != "1.0" and wide["s001"]["01.arange"] == "1.0"


def test_gradescope_results_follow_the_spec(classroom):
    results = json.loads((classroom["out"] / "gradescope" / "s003" / "results.json").read_text())
    assert {"score", "execution_time", "output", "tests"} <= set(results)
    assert results["score"] == sum(test["score"] for test in results["tests"])
    for test in results["tests"]:
        assert {"name", "number", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["status"] in {"passed", "failed"} and test["visibility"] == "visible"
    failing = next(test for test in results["tests"] if test["number"] == "01.arange")
    assert failing["status"] == "failed" and "smallest failing input" in failing["output"]


def test_classroom_results_add_up_as_the_reporter_sums_them(classroom, course):
    from torchcamp.outputs.classroom import runner_id

    encoded = json.loads((classroom["out"] / "classroom" / "s003.json").read_text())
    payloads = {
        task.id: json.loads(base64.b64decode(encoded[runner_id(task.id)])) for task in course.lesson(LESSON).tasks
    }
    for task_id, payload in payloads.items():
        assert payload["version"] == 1 and payload["max_score"] == course.tasks[task_id].points
        assert {"name", "status", "score", "message", "test_code", "filename", "line_no", "duration"} <= set(
            payload["tests"][0]
        )
    assert {payload["status"] for payload in payloads.values()} >= {"fail"}
    record = json.loads((classroom["out"] / "results" / "s003.json").read_text())
    points = sum(test["score"] for payload in payloads.values() for test in payload["tests"])
    assert points == record["result"]["lessons"][0]["score"]


def test_junit_xml_comes_from_pytest(classroom):
    tree = ElementTree.parse(next((classroom["out"] / "junit").glob("s003.*.xml")))
    suite = tree.getroot().find("testsuite")
    assert int(suite.get("tests")) > 0 and int(suite.get("failures")) > 0


def test_feedback_pages_and_summary(classroom):
    page = (classroom["out"] / "feedback" / "s003.md").read_text()
    assert "01.arange" in page and "smallest failing input" in page and "**Hint:**" in page
    assert "def test_" not in page, "feedback must never show a hidden test's source"
    html = (classroom["out"] / "feedback" / "s003.html").read_text()
    assert html.startswith("<!doctype html>") and "<table>" in html
    summary = (classroom["out"] / "summary.html").read_text()
    assert "Tasks most students fail" in summary and "01.arange" in summary


def test_a_second_run_keeps_current_records_and_force_regrades(classroom):
    again = grade_classroom(classroom, classroom["out"])
    assert again.count("(unchanged, kept)") == 4


def test_an_interrupted_run_resumes_without_losing_or_duplicating(classroom, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(classroom["out"], out)
    (out / "results" / "bo.json").unlink()  # as if the run had been killed while grading bo
    (out / "results" / "s003.json").with_suffix(".partial").write_text("{half a rec")  # and a torn write
    log = grade_classroom(classroom, out)
    assert log.count("(unchanged, kept)") == 3 and "bo: 0 / 10\n" in log
    assert sorted(path.name for path in (out / "results").glob("*.json")) == [
        "bo.json",
        "dee.json",
        "s001.json",
        "s003.json",
    ]


def test_shards_merge_into_one_class(classroom, tmp_path):
    shards = []
    for index in (1, 2):
        shard = tmp_path / f"shard{index}"
        grade_classroom(classroom, shard, "--shard", f"{index}/2")
        shards.append(shard)
    assert len(list((shards[0] / "results").glob("*.json"))) == 2
    merged = tmp_path / "merged"
    torchcamp("class", "merge", str(merged), *map(str, shards))
    assert sorted(path.name for path in (merged / "results").glob("*.json")) == [
        "bo.json",
        "dee.json",
        "s001.json",
        "s003.json",
    ]
    assert (merged / "canvas.csv").read_text() == (classroom["out"] / "canvas.csv").read_text()


def classroom_payloads(output: str) -> dict[str, dict]:
    """The `runner=base64` lines a Classroom step appends to $GITHUB_OUTPUT, decoded."""
    return {
        name: json.loads(base64.b64decode(value))
        for name, value in (line.split("=", 1) for line in output.splitlines() if line)
    }


def test_one_lesson_in_classroom_format(tmp_path, course):
    from torchcamp.outputs.classroom import runner_id

    payloads = classroom_payloads(torchcamp("grade", "solutions", "--lesson", "00", "--format", "classroom"))
    assert list(payloads) == [runner_id(task.id) for task in course.lesson("00").tasks]
    for payload in payloads.values():
        assert payload["status"] == "pass" and sum(test["score"] for test in payload["tests"]) == payload["max_score"]


def test_a_classroom_step_reports_even_when_grading_fails(tmp_path, course):
    empty = tmp_path / "empty"
    empty.mkdir()
    payloads = classroom_payloads(torchcamp("grade", str(empty), "--lesson", "01", "--format", "classroom"))
    assert len(payloads) == len(course.lesson("01").tasks)
    assert sum(payload["max_score"] for payload in payloads.values()) == 10
    for payload in payloads.values():
        assert payload["status"] == "error"
        assert all(test["score"] == 0 and "no lesson files found" in test["message"] for test in payload["tests"])


def test_nbgrader_export_reads_the_gradebook(classroom, tmp_path):
    nbgrader = shutil.which("nbgrader", path=str(Path(sys.executable).parent))
    assert nbgrader, "the teacher extra (nbgrader) is part of the full edition's set-up"
    exported = tmp_path / "nbgrader.csv"
    completed = subprocess.run(
        [nbgrader, "export", "--db", f"sqlite:///{classroom['out'] / 'gradebook.db'}", "--to", str(exported)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    with exported.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["assignment"] == f"lesson-{LESSON}"]
    records = {path.stem: json.loads(path.read_text()) for path in (classroom["out"] / "results").glob("*.json")}
    assert {row["student_id"] for row in rows} == set(records)
    for row in rows:
        assert float(row["score"]) == records[row["student_id"]]["result"]["score"]
        assert float(row["max_score"]) == 10
    ada = next(row for row in rows if row["student_id"] == "s001")
    assert (ada["first_name"], ada["last_name"], ada["email"]) == ("Ada", "L.", "ada@example.org")


ARTIFACTS = ROOT / "test-artifacts"  # screenshots kept for people to look at (git-ignored)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("TORCHCAMP_STRICT"):
            pytest.fail("chromium is not installed (CI installs Debian's chromium)")
        pytest.skip("chromium is not installed")
    return browser


@pytest.mark.parametrize("page", ["summary.html", "feedback/s003.html"])
def test_pages_render_in_a_real_browser(classroom, tmp_path, page):
    browser = chromium()
    url = (classroom["out"] / page).as_uri()
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=False)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<table>" in dom.stdout and "01.arange" in dom.stdout
    assert "Uncaught" not in dom.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / f"{page.replace('/', '_').removesuffix('.html')}.png"
    shot = subprocess.run(
        [*common, f"--screenshot={screenshot}", "--window-size=1100,1400", "--hide-scrollbars", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.returncode == 0 and screenshot.stat().st_size > 20_000, shot.stderr[-2000:]


def test_git_repositories_are_cloned_and_force_regrades(tmp_path):
    repository = tmp_path / "eve"
    shutil.copytree(ROOT / "solutions", repository / "exercises")
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=eve", "-c", "user.email=eve@example.org", "commit", "-qm", "work"],
    ):
        subprocess.run(["git", *command], cwd=repository, check=True, capture_output=True)
    source = f"file://{repository}"
    out = tmp_path / "out"
    first = torchcamp("class", "grade", source, "--out", str(out), "--lesson", LESSON)
    assert "eve: 10 / 10" in first
    kept = torchcamp("class", "grade", source, "--out", str(out), "--lesson", LESSON)
    assert "eve: 10 / 10 (unchanged, kept)" in kept
    forced = torchcamp("class", "grade", source, "--out", str(out), "--lesson", LESSON, "--force")
    assert "eve: 10 / 10\n" in forced and "unchanged" not in forced


def test_a_bare_repository_given_as_a_path_is_cloned(tmp_path):
    from torchcamp.grading.submissions import open_submissions

    work = tmp_path / "work"
    shutil.copytree(ROOT / "solutions" / "01_tensors", work / "exercises" / "01_tensors")
    for command in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=eve", "-c", "user.email=eve@example.org", "commit", "-qm", "work"],
    ):
        subprocess.run(["git", *command], cwd=work, check=True, capture_output=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(tmp_path / "eve.git")], check=True)
    (submission,) = open_submissions([str(tmp_path / "eve.git")], tmp_path / "scratch")
    assert not submission.problem and submission.student.id == "eve"
    assert (submission.path / "exercises" / "01_tensors" / "tensors.py").is_file(), "the work tree, not git's store"


def test_a_failed_clone_names_the_submission_not_a_scratch_folder(tmp_path):
    from torchcamp.grading.submissions import open_submissions

    (submission,) = open_submissions([f"file://{tmp_path}/nobody.git"], tmp_path / "scratch")
    assert submission.path is None and "git clone failed" in submission.problem
    assert str(tmp_path / "scratch") not in submission.problem and "nobody.git" in submission.problem


def test_archive_noise_is_ignored_at_every_level(tmp_path):
    import zipfile

    from torchcamp.grading.submissions import open_submissions

    archive = tmp_path / "li.zip"
    tensors = (ROOT / "solutions" / "01_tensors" / "tensors.py").read_text()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("mywork/exercises/01_tensors/tensors.py", tensors)
        for noise in (".DS_Store", "Thumbs.db", "__MACOSX/._mywork", "mywork/.DS_Store",
                      "mywork/exercises/01_tensors/._tensors.py", "mywork/exercises/Thumbs.db"):  # fmt: skip
            bundle.writestr(noise, b"\x00\x05\x16\x07")
    (submission,) = open_submissions([str(archive)], tmp_path / "scratch")
    assert not submission.problem and submission.path.name == "mywork", "the one folder beside the noise"
    left = sorted(path.name for path in submission.path.rglob("*") if path.is_file())
    assert left == ["tensors.py"]
    out = tmp_path / "out"
    graded = torchcamp("class", "grade", str(archive), "--out", str(out), "--lesson", LESSON)
    assert "li: 10 / 10" in graded


def test_a_killed_run_resumes_without_losing_or_duplicating(classroom, tmp_path):
    import signal
    import time

    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "torchcamp.cli",
        "class",
        "grade",
        *classroom["sources"],
        "--out",
        str(out),
        "--roster",
        str(classroom["roster"]),
        "--lesson",
        LESSON,
    ]
    run = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "results").glob("*.json"))) < 1:
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)  # no chance to clean up: the hardest interruption
    run.wait()
    survivors = {path.name: path.read_text() for path in (out / "results").glob("*.json")}
    assert 1 <= len(survivors) < 4, "the run should have been killed part-way"
    resumed = torchcamp(*command[3:])
    assert resumed.count("(unchanged, kept)") == len(survivors)
    records = sorted(path.name for path in (out / "results").glob("*.json"))
    assert records == ["bo.json", "dee.json", "s001.json", "s003.json"]
    for name, text in survivors.items():
        assert (out / "results" / name).read_text() == text, "a record graded before the kill must be kept as it was"


def test_a_run_with_other_lessons_grades_again(tmp_path):
    """A record of lesson 01 alone is not current for a run of lesson 00: it was the resume bug."""
    out = tmp_path / "out"
    first = torchcamp("class", "grade", str(ROOT / "solutions"), "--out", str(out), "--lesson", "01")
    assert "solutions: 10 / 10\n" in first
    second = torchcamp("class", "grade", str(ROOT / "solutions"), "--out", str(out), "--lesson", "00")
    assert "unchanged" not in second
    record = json.loads((out / "results" / "solutions.json").read_text())
    assert [lesson["id"] for lesson in record["result"]["lessons"]] == ["00"]
    assert record["source"] == str(ROOT / "solutions") and record["result"]["submission"] == str(ROOT / "solutions")


def test_the_record_key_covers_what_the_grade_depends_on(course, tmp_path):
    from torchcamp.grading.batch import course_fingerprint, record_key
    from torchcamp.grading.runner import GradingOptions
    from torchcamp.grading.submissions import open_submissions

    submission = open_submissions([str(ROOT / "solutions")], tmp_path)[0]
    fingerprint = course_fingerprint(course)
    base = record_key(course, submission, ["08"], GradingOptions(dataset="digits-sample", device="cpu"), fingerprint)
    assert base["final"] == {"dataset": "digits-sample", "device": "cpu"}
    assert (
        record_key(course, submission, ["08"], GradingOptions(dataset="fashion-mnist", device="cpu"), fingerprint)
        != base
    )
    assert (
        record_key(course, submission, ["08"], GradingOptions(dataset="digits-sample", device="cuda"), fingerprint)
        != base
    )
    assert record_key(course, submission, ["00"], GradingOptions(dataset="digits-sample"), fingerprint)["final"] is None
    assert (
        record_key(course, submission, ["08"], GradingOptions(dataset="digits-sample", device="cpu"), "other") != base
    )


def test_outputs_are_written_once_per_run_and_the_gradebook_on_request(classroom, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(classroom["out"], out)
    (out / "gradebook.db").unlink()
    log = grade_classroom(classroom, out)
    assert log.count("(unchanged, kept)") == 4 and "nbgrader gradebook" not in log
    assert not (out / "gradebook.db").exists()
    assert (out / "canvas.csv").read_text() == (classroom["out"] / "canvas.csv").read_text()


def test_grade_takes_one_submission_and_points_to_class_grade(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", "grade", "solutions", "exercises", "--lesson", "00"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2 and "torchcamp class grade" in completed.stderr
