"""The student edition: what it holds, what it must never hold, and that it works on its own."""

import shutil
import site
import subprocess
import sys
import venv

import pytest

from torchcamp.course.manifest import load_course
from torchcamp.course.release import ReleaseError, release

from helpers import ROOT


@pytest.fixture(scope="module")
def edition(tmp_path_factory, course):
    out = tmp_path_factory.mktemp("edition") / "student"
    release(course, out)
    return out


def test_holds_what_students_need_and_nothing_hidden(edition, course):
    for part in (
        "README.md",
        "course.toml",
        "pyproject.toml",
        ".github/workflows/classroom.yml",
        "src/torchcamp/pytest_plugin/__init__.py",
    ):
        assert (edition / part).is_file(), part
    for lesson in course.lessons:
        assert (edition / "exercises" / lesson.directory / lesson.filename).is_file()
    for hidden in ("solutions", "graders", "tests", "scripts", "BENCHMARKS.md"):
        assert not (edition / hidden).exists(), hidden
    stub = (edition / "exercises/03_autograd/autograd.py").read_text()
    assert stub == (ROOT / "exercises/03_autograd/autograd.py").read_text()


def test_its_pyproject_has_no_teacher_extra_and_runs_the_lessons(edition):
    import tomllib

    project = tomllib.loads((edition / "pyproject.toml").read_text(encoding="utf-8"))
    assert "optional-dependencies" not in project["project"]
    assert project["tool"]["pytest"]["ini_options"]["testpaths"] == ["exercises"]
    assert "pythonpath" not in project["tool"]["pytest"]["ini_options"]


def test_the_workflow_grades_each_lesson_and_reports(edition, course):
    from torchcamp.outputs.classroom import runner_id

    workflow = (edition / ".github/workflows/classroom.yml").read_text()
    for lesson in course.lessons:
        assert f"torchcamp grade . --lesson {lesson.id} --format classroom" in workflow
        for task in lesson.tasks:
            if task.points:
                runner = runner_id(task.id)
                assert f'{runner.upper()}_RESULTS: "${{{{ steps.lesson{lesson.id}.outputs.{runner} }}}}"' in workflow
    assert "classroom-resources/autograding-grading-reporter@v1" in workflow
    assert "    - name: Autograding Reporter\n      if: always()\n" in workflow
    # The final task is graded on the dataset the Install step prepares (tests/test_classroom.py runs the steps).
    assert f"torchcamp data {course.final.default_dataset}" in workflow
    assert f"--format classroom --dataset {course.final.default_dataset}" in workflow


def test_refuses_to_overwrite(edition, course):
    with pytest.raises(ReleaseError, match="not empty"):
        release(course, edition)


def test_a_leak_fails_loudly_and_leaves_nothing(tmp_path):
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    for part in ("course.toml", "pyproject.toml", "exercises", "solutions", "graders", "src"):
        source = ROOT / part
        (
            shutil.copytree(source, teacher / part, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
            if source.is_dir()
            else shutil.copy(source, teacher / part)
        )
    readme = teacher / "exercises/01_tensors/README.md"
    readme.write_text(
        readme.read_text() + "\n```\n    return low + (high - low) * torch.rand(shape, generator=generator)\n```\n"
    )
    shutil.copy(teacher / "graders/02_tensor_ops/test_tensor_ops.py", teacher / "exercises/02_tensor_ops/test_more.py")
    out = tmp_path / "student"
    with pytest.raises(ReleaseError) as failure:
        release(load_course(teacher), out)
    assert "exercises/01_tensors/README.md" in str(failure.value) and "return low + (high - low)" in str(failure.value)
    assert "exercises/02_tensor_ops/test_more.py is a copy of a hidden file" in str(failure.value)
    assert not out.exists()


def test_installs_in_a_fresh_venv_and_grades_lesson_03(edition, tmp_path):
    # A fresh interpreter environment; heavy dependencies (torch) come from this one's
    # site-packages through a .pth file instead of a 5 GB download, torchcamp from the edition.
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (tmp_path / "venv" / purelib.split(str(fresh) + "/", 1)[1] / "borrowed.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n"
    )
    # The wheel is built from the released tree (here, offline) and installed into the fresh venv.
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(edition),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((tmp_path / "dist").glob("torchcamp-*.whl"))
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    where = subprocess.run(
        [python, "-c", "import torchcamp; print(torchcamp.__file__)"], capture_output=True, text=True, check=True
    )
    assert where.stdout.startswith(str(fresh)), "torchcamp must come from the released tree"

    def run_lesson():
        return subprocess.run(
            [python, "-m", "pytest", "exercises/03", "-p", "no:cacheprovider"],
            cwd=edition,
            capture_output=True,
            text=True,
            check=False,
        )

    untouched = run_lesson()
    assert untouched.returncode == 1 and "0/7 tasks done" in untouched.stdout, untouched.stdout + untouched.stderr
    shutil.copy(ROOT / "solutions/03_autograd/autograd.py", edition / "exercises/03_autograd/autograd.py")
    try:
        solved = run_lesson()
        assert solved.returncode == 0 and "7/7 tasks done" in solved.stdout, solved.stdout
    finally:
        shutil.copy(ROOT / "exercises/03_autograd/autograd.py", edition / "exercises/03_autograd/autograd.py")
