"""Hostile submissions (tests/adversarial/): each must earn nothing for what it attacks,
leave every other student's grade and the course exactly as they were, leave nothing
running, and end with a plain message. Graded in a few class runs to keep CI short; CI
runs this file as root and as an unprivileged user (see .ci/run and docs/threat-model.md).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from torchcamp.grading.submissions import RosterError, open_submissions
from torchcamp.sandbox import confinement

from helpers import ROOT, processes_with, require_dataset, solution_source

ATTACKS = Path(__file__).parent / "adversarial"
SECRET = "teacher-token-6f1c"  # in the grader's environment; must never leave it


def require_sandbox() -> None:
    problem = confinement.bubblewrap_problem()
    if problem is None:
        return
    if os.environ.get("TORCHCAMP_STRICT"):
        pytest.fail(f"the adversarial tests need the sandbox: {problem}")
    pytest.skip(f"no sandbox here: {problem}")


def torchcamp(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=1500,
        check=False,
    )


def course_snapshot() -> str:
    """A digest of every file that decides a grade."""
    digest = hashlib.sha256()
    for part in ("course.toml", "exercises", "graders", "solutions"):
        root = ROOT / part
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def attack(name: str, **values: str) -> str:
    text = (ATTACKS / f"{name}.py").read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"__{key}__", value)
    return text


def stub_copy(target: Path, lesson_dir: str | None = None, source: str | None = None) -> Path:
    """The untouched stubs, with one lesson file replaced by SOURCE (appended to the stub for 01)."""
    shutil.copytree(ROOT / "exercises", target, ignore=shutil.ignore_patterns("__pycache__", "test_*", "README*"))
    if lesson_dir and source is not None:
        module = next((target / lesson_dir).glob("[!_]*.py"))
        prefix = module.read_text(encoding="utf-8") + "\n\n" if lesson_dir.startswith("01") else ""
        module.write_text(prefix + source, encoding="utf-8")
    return target


def records(out: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in (out / "results").glob("*.json")}


def lesson_of(record: dict, lesson_id: str) -> dict:
    return next(lesson for lesson in record["result"]["lessons"] if lesson["id"] == lesson_id)


@pytest.fixture(scope="module")
def listener():
    """A TCP listener on 127.0.0.1 that keeps whatever reaches it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                received.append(connection.recv(65536))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory, listener):
    """One class run of lesson 01: a classmate with the reference, and every attack beside it."""
    require_sandbox()
    root = tmp_path_factory.mktemp("hostile")
    out = root / "out"
    token = f"{os.getpid()}{time.monotonic_ns() % 10**6}.25"
    classmate = root / "classmate"
    shutil.copytree(ROOT / "solutions", classmate, ignore=shutil.ignore_patterns("__pycache__"))
    classmate_file = classmate / "01_tensors" / "tensors.py"
    values = {
        "ROOT": str(ROOT),
        "OUT": str(out),
        "TOKEN": token,
        "CLASSMATE": str(classmate_file),
        "PORT": str(listener[0]),
    }
    names = ["steal_solutions", "daemon_forges_results", "vandal", "stop_the_grader", "exfiltrate"]
    sources = [str(classmate)]
    for name in names:
        sources.append(str(stub_copy(root / name, "01_tensors", attack(name, **values))))
    linked = stub_copy(root / "symlinked")
    (linked / "01_tensors" / "tensors.py").unlink()
    (linked / "01_tensors" / "tensors.py").symlink_to(ROOT / "solutions" / "01_tensors" / "tensors.py")
    crowded = stub_copy(root / "crowded")
    (crowded / "junk").mkdir()
    for number in range(5_001):
        (crowded / "junk" / f"{number}.txt").touch()
    formula = stub_copy(root / "=1+2")
    slip = root / "slip.zip"
    with zipfile.ZipFile(slip, "w") as bundle:
        for path in (ROOT / "exercises").rglob("*.py"):
            bundle.write(path, f"slip/{path.relative_to(ROOT / 'exercises')}")
        bundle.writestr("../../../zip-slip-escaped.py", "escaped = True\n")
    bomb = root / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open("bomb/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(201):
                member.write(bytes(1 << 20))
    sources += [str(linked), str(crowded), str(formula), str(slip), str(bomb)]
    before = course_snapshot()
    classmate_before = classmate_file.read_bytes()
    completed = torchcamp(
        "class",
        "grade",
        *sources,
        "--out",
        str(out),
        "--lesson",
        "01",
        "-j",
        "2",
        env={"TORCHCAMP_TEACHER_SECRET": SECRET},
    )
    time.sleep(1)  # a daemon that survived would have written by now
    yield {
        "completed": completed,
        "out": out,
        "root": root,
        "records": records(out),
        "token": token,
        "course_changed": course_snapshot() != before,
        "classmate_changed": classmate_file.read_bytes() != classmate_before,
        "survivors": processes_with(token),
    }
    for pid in processes_with(token):
        os.kill(pid, 9)


def test_the_class_run_finishes_for_everyone(hostile_class):
    assert hostile_class["completed"].returncode == 0, hostile_class["completed"].stderr[-3000:]
    assert len(hostile_class["records"]) == 11


@pytest.mark.parametrize(
    "name", ["steal_solutions", "daemon_forges_results", "vandal", "stop_the_grader", "exfiltrate"]
)
def test_an_attack_earns_nothing(hostile_class, name):
    lesson = lesson_of(hostile_class["records"][name], "01")
    assert lesson["score"] == 0, lesson


def test_the_classmate_keeps_full_marks(hostile_class):
    assert lesson_of(hostile_class["records"]["classmate"], "01")["score"] == 10


def test_the_course_and_other_submissions_are_unchanged(hostile_class):
    assert not hostile_class["course_changed"], "a submission changed the course's files"
    assert not hostile_class["classmate_changed"], "a submission changed a classmate's lesson file"
    out = hostile_class["out"]
    assert not list(out.rglob("FORGED"))
    assert all("result" in record for record in hostile_class["records"].values()), "a record was overwritten"


def test_nothing_is_left_running(hostile_class):
    assert not hostile_class["survivors"], "a daemon started by a submission outlived grading"


def test_nothing_reaches_the_network(hostile_class, listener):
    assert not any(SECRET.encode() in message for message in listener[1])
    assert not listener[1], "a worker connected to a listener on this machine"


def test_a_symlinked_lesson_file_is_refused(hostile_class):
    task = lesson_of(hostile_class["records"]["symlinked"], "01")["tasks"][0]
    assert task["score"] == 0 and "symbolic link" in task["message"]


def test_too_many_files_are_refused(hostile_class):
    task = lesson_of(hostile_class["records"]["crowded"], "01")["tasks"][0]
    assert "more than 5,000 files" in task["message"]


def test_a_zip_bomb_is_refused(hostile_class):
    task = lesson_of(hostile_class["records"]["bomb"], "01")["tasks"][0]
    assert "unpacks to more than" in task["message"]


def test_a_zip_slip_writes_nothing_outside(hostile_class):
    assert "slip" in hostile_class["records"]
    root = hostile_class["root"]
    assert not [
        path
        for base in (root, root.parent, root.parent.parent, Path("/tmp"))
        for path in base.glob("zip-slip-escaped.py")
    ]


def test_a_formula_as_a_name_stays_text_in_every_csv(hostile_class):
    # No roster: the LMS files cannot identify anyone and are not written (tests/test_lms_identity.py).
    assert not (hostile_class["out"] / "canvas.csv").exists()
    for name in ("grades.csv",):
        with (hostile_class["out"] / name).open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert "=1+2" not in cells and not any(cell.startswith(("=", "+", "@")) for cell in cells), name


def test_ids_that_share_a_file_name_are_refused(tmp_path):
    for name in ("eve x", "eve_x"):
        (tmp_path / name).mkdir()
    with pytest.raises(RosterError, match="eve x.*eve_x|eve_x.*eve x"):
        open_submissions([str(tmp_path / "eve x"), str(tmp_path / "eve_x")], tmp_path)


@pytest.fixture(scope="module")
def hostile_final_task(tmp_path_factory):
    """One class run of the final task on the digit sample: attacks on how it is measured."""
    require_sandbox()
    data = require_dataset("digits-sample")
    root = tmp_path_factory.mktemp("hostile-final")
    out = root / "out"
    reference = solution_source_of_08()
    blob = "SHIPPED = " + repr(os.urandom(48_000).hex()) + "\n"  # ~96 KB: weights would be larger still
    sources = [
        str(stub_copy(root / "test_split", "08_mnist", attack("train_on_the_test_split"))),
        str(stub_copy(root / "frozen_clock", "08_mnist", attack("patched_clock", REFERENCE=reference))),
        str(stub_copy(root / "shipped", "08_mnist", reference + blob)),
    ]
    completed = torchcamp(
        "class",
        "grade",
        *sources,
        "--out",
        str(out),
        "--lesson",
        "08",
        "--dataset",
        "digits-sample",
        "--data-root",
        str(data),
        "--device",
        "cpu",
        "-j",
        "2",
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return records(out)


def solution_source_of_08() -> str:
    from torchcamp.course.manifest import load_course

    return solution_source(load_course(ROOT), "08")


def tasks_of(record: dict) -> dict[str, dict]:
    return {task["id"]: task for task in lesson_of(record, "08")["tasks"]}


def test_training_on_the_test_split_gains_nothing(hostile_final_task):
    tasks = tasks_of(hostile_final_task["test_split"])
    assert all(tasks[f"08.tier_{tier}"]["score"] == 0 for tier in (1, 2, 3)), tasks
    assert hostile_final_task["test_split"]["result"]["final"]["accuracy"] < 50


def test_a_frozen_clock_does_not_hide_an_overrun(hostile_final_task):
    script = tasks_of(hostile_final_task["frozen_clock"])["08.script"]
    assert script["score"] < script["max_score"] and "check the time budget" in script["message"]


def test_weights_shipped_in_the_file_do_not_fit(hostile_final_task):
    tasks = tasks_of(hostile_final_task["shipped"])
    assert all(task["score"] == 0 and "more than the 64 KB" in task["message"] for task in tasks.values())


def test_without_a_sandbox_class_grading_refuses_unless_told(tmp_path):
    completed = torchcamp(
        "class",
        "grade",
        str(ROOT / "solutions"),
        "--out",
        str(tmp_path / "out"),
        "--lesson",
        "00",
        env={"TORCHCAMP_SANDBOX": "none", "TORCHCAMP_UNPROTECTED": "0"},
    )
    assert completed.returncode != 0 and "no sandbox can be built here" in completed.stderr
    assert not (tmp_path / "out" / "results").exists()


def test_an_unprotected_run_says_so_and_a_killed_grader_costs_only_that_lesson(tmp_path):
    classmate = shutil.copytree(
        ROOT / "solutions", tmp_path / "classmate", ignore=shutil.ignore_patterns("__pycache__")
    )
    killer = stub_copy(tmp_path / "killer", "01_tensors", attack("kill_grading_process"))
    out = tmp_path / "out"
    completed = torchcamp(
        "class",
        "grade",
        str(classmate),
        str(killer),
        "--out",
        str(out),
        "--lesson",
        "01",
        "--unprotected",
        env={"TORCHCAMP_SANDBOX": "none"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    graded = records(out)
    assert lesson_of(graded["classmate"], "01")["score"] == 10
    killed = lesson_of(graded["killer"], "01")["tasks"][0]
    assert killed["status"] == "error" and "killed" in killed["message"]
    assert "UNPROTECTED" in (out / "feedback" / "classmate.md").read_text(encoding="utf-8")
    with (out / "grades.csv").open(encoding="utf-8", newline="") as handle:
        assert {row["protected"] for row in csv.DictReader(handle)} == {"NO (graded without a sandbox)"}


def test_a_course_file_changed_during_a_class_run_fails_it(tmp_path):
    from torchcamp.course.manifest import load_course
    from torchcamp.grading.batch import CourseChanged, grade_class
    from torchcamp.grading.runner import GradingOptions

    course_copy = tmp_path / "course"
    course_copy.mkdir()
    shutil.copy(ROOT / "course.toml", course_copy)
    for part in ("exercises", "graders", "solutions"):
        shutil.copytree(ROOT / part, course_copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    course = load_course(course_copy)
    submissions = open_submissions([str(course_copy / "solutions")], tmp_path)
    grader = course_copy / "graders" / "00_setup" / "test_setup_check.py"

    def tamper(record: dict, graded_now: bool) -> None:
        grader.write_text(grader.read_text(encoding="utf-8") + "\n# changed mid-run\n", encoding="utf-8")

    with pytest.raises(CourseChanged, match="changed while the class was being graded"):
        grade_class(course, submissions, tmp_path / "out", ["00"], GradingOptions(), on_finished=tamper)


def test_an_implausible_final_run_is_flagged():
    from types import SimpleNamespace

    from torchcamp.course.manifest import load_course
    from torchcamp.sandbox.modules import import_module_from

    data = require_dataset("digits-sample")
    course = load_course(ROOT)
    lesson = course.lesson("08")
    grader = import_module_from(ROOT / "graders" / lesson.directory / "test_mnist.py", "torchcamp_test_final_grader")
    reference = import_module_from(
        ROOT / "solutions" / lesson.directory / lesson.filename, "torchcamp_test_final_reference"
    )
    settings = course.final.datasets["digits-sample"]
    final_task = SimpleNamespace(
        data_root=data, dataset="digits-sample", device="cpu", tiers=settings.tiers, flag_above=settings.flag_above
    )
    assert "above the 98.5%" in grader.implausibility({"accuracy": 99.0, "seconds": 60.0}, reference, final_task)
    assert "less time than one pass" in grader.implausibility({"accuracy": 93.0, "seconds": 0.0}, reference, final_task)
    assert grader.implausibility({"accuracy": 93.0, "seconds": 30.0}, reference, final_task) == ""
    assert grader.implausibility({"accuracy": 40.0, "seconds": 0.0}, reference, final_task) == ""
