"""Every lesson is complete: texts, stub, public tests, solution, hidden graders; every task is tested both ways."""

import subprocess
import sys

from torchcamp.course.validate import collected_tests, validate_course

from helpers import ROOT


def test_the_course_validates(course):
    assert validate_course(course) == []
    completed = subprocess.run(
        [sys.executable, "-m", "torchcamp.cli", "course", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{len(course.tasks)} tasks" in completed.stdout


def test_every_collected_lesson_test_names_a_task(course):
    collected = collected_tests(course)
    assert len(collected) > 2 * len(course.tasks)
    assert set(collected.values()) == set(course.tasks)


def test_validate_names_what_is_missing(course, tmp_path):
    import shutil

    for part in ("course.toml", "exercises", "solutions", "graders"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / part)
    (tmp_path / "graders/02_tensor_ops/test_tensor_ops.py").unlink()
    (tmp_path / "exercises/03_autograd/README.zh-CN.md").unlink()
    from torchcamp.course.manifest import load_course

    problems = validate_course(load_course(tmp_path))
    assert "exercises/03_autograd/README.zh-CN.md is missing" in problems
    assert "task 02.mask has no test in graders/" in problems


def copy_of_the_course(tmp_path):
    import shutil

    for part in ("course.toml", "README.md", "exercises", "solutions", "graders"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    return tmp_path


def test_stub_answers_api_gaps_typo_markers_and_the_readme_table_are_named(tmp_path):
    from torchcamp.course.manifest import load_course

    root = copy_of_the_course(tmp_path)
    stub = root / "exercises/01_tensors/tensors.py"
    stub.write_text(stub.read_text() + "\n\ndef extra():\n    return 1\n")
    public = root / "exercises/00_setup/test_setup_check.py"
    public.write_text(
        public.read_text() + '\n\n@pytest.mark.task("00.versions", weigth=2)\ndef test_typo():\n    pass\n'
    )
    readme = root / "README.md"
    readme.write_text(readme.read_text().replace("| `05_data` |", "| `05_dataset` |"))
    chinese = root / "exercises/02_tensor_ops/texts.zh-CN.toml"
    chinese.write_text(
        chinese.read_text().replace('[tasks."02.cat"]\ntitle = "沿各个维度拼接"\n', '[tasks."02.cat"]\n')
    )
    mistakes = root / "exercises/06_net/mistakes.toml"
    mistakes.write_text(mistakes.read_text().replace('zh-CN = "很大的分数', 'zh = "很大的分数'))
    course = load_course(root)
    problems = "\n".join(validate_course(course))
    assert "extra() must end in raise NotImplementedError" in problems
    assert "solutions/01_tensors/tensors.py lacks extra" in problems
    assert "lesson table does not match course.toml" in problems
    assert "unknown argument 'weigth'" in problems
    assert "exercises/02_tensor_ops/texts.zh-CN.toml: no title for 02.cat" in problems
    assert "mistakes.toml: mistake 'overflow' of 06.softmax has no zh-CN text" in problems


def test_a_new_lesson_passes_structurally_and_fails_until_written(tmp_path):
    root = copy_of_the_course(tmp_path)

    def torchcamp(*args):
        return subprocess.run([sys.executable, "-m", "torchcamp.cli", *args, "--course", str(root)], cwd=root,
                              capture_output=True, text=True, check=False)  # fmt: skip

    created = torchcamp("course", "new", "09", "--slug", "demo", "--module", "demo")
    assert created.returncode == 0, created.stderr
    for name in (
        "exercises/09_demo/demo.py",
        "exercises/09_demo/test_demo.py",
        "exercises/09_demo/README.zh-CN.md",
        "solutions/09_demo/demo.py",
        "graders/09_demo/test_demo.py",
        "graders/09_demo/mutants.py",
    ):
        assert (root / name).is_file(), name
    structural = torchcamp("course", "validate")
    assert structural.returncode == 0, structural.stderr
    content = torchcamp("course", "validate", "--run", "--lesson", "09")
    assert content.returncode == 1
    assert "solutions: 09.first_task scores 0 / 1" in content.stderr
    assert "lesson 09 has 0 mutants" in content.stderr
    again = torchcamp("course", "new", "09", "--slug", "demo", "--module", "demo")
    assert again.returncode == 1 and "exists already" in again.stderr


def test_public_tests_cannot_see_the_reference(course):
    for lesson in course.lessons:
        for path in (ROOT / "exercises" / lesson.directory).glob("test_*.py"):
            text = path.read_text(encoding="utf-8")
            assert "reference" not in text and "solutions" not in text, f"{path} must be self-contained"
