"""The pytest plugin's hooks and the student/reference fixtures; everything else lives beside it:
the run's state (session), statuses and messages (outcomes), the final task's fixtures
(final_task), and the student's task table with hints (summary).

Two modes, one test code:
- student mode (`pytest exercises/03`): the lesson module is imported in-process;
- grading mode (`--torchcamp-submission DIR`): it lives in a sandboxed worker (sandbox.remote).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

from torchcamp.course import layout, texts
from torchcamp.course.manifest import Course, Lesson, ManifestError, find_course_root, load_course
from torchcamp.grading.results import RunResults, Status, TestOutcome, write_json
from torchcamp.pytest_plugin.final_task import final_task, open_track_checked, record_final, record_open_track
from torchcamp.pytest_plugin.outcomes import MAX_MESSAGE_CHARS, classify, describe, known_mistake, marker_problem
from torchcamp.pytest_plugin.session import SESSION, GradingSession
from torchcamp.pytest_plugin.student_report import failure_block, is_import_problem, wants_detail, what_was_checked
from torchcamp.pytest_plugin.summary import pytest_terminal_summary

__all__ = [
    "final_task",
    "open_track_checked",
    "pytest_terminal_summary",
    "record_final",
    "record_open_track",
]  # fixtures and a hook defined beside this file

OUTCOME = pytest.StashKey["TestOutcome"]()
LANGUAGE_BEFORE = pytest.StashKey["str | None"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("torchcamp")
    group.addoption(
        "--torchcamp-submission", metavar="DIR", help="grade the lesson files under DIR in worker processes"
    )
    group.addoption(
        "--torchcamp-in-process",
        action="store_true",
        help="import the submission's lesson files in this process (fast, for the course's own tests; no sandbox)",
    )
    group.addoption("--torchcamp-results", metavar="FILE", help="write every test's task and outcome to FILE as JSON")
    group.addoption("--torchcamp-call-timeout", type=float, metavar="S", help="override course.toml's call_timeout_s")
    group.addoption("--torchcamp-dataset", metavar="NAME", help="final task: mnist, fashion-mnist or digits-sample")
    group.addoption("--torchcamp-data-root", metavar="DIR", help="final task: where `torchcamp data` put the datasets")
    group.addoption(
        "--torchcamp-device",
        metavar="DEVICE",
        help="final task: cpu or cuda (default: $TORCHCAMP_DEVICE, else cuda when available)",
    )
    group.addoption(
        "--torchcamp-open-track",
        action="store_true",
        help="final task: also grade the open track (any architecture, judged by its predictions)",
    )
    group.addoption(
        "--torchcamp-calibration",
        metavar="JSON",
        help="final task: the calibrated budget measured by the grader (default: measured by this run)",
    )
    group.addoption(
        "--torchcamp-course", metavar="DIR", help="the course root (default: nearest course.toml above rootdir)"
    )
    group.addoption(
        "--torchcamp-results-fd", type=int, metavar="FD", help="write the results JSON to this open file descriptor"
    )
    group.addoption("--lang", choices=texts.LANGUAGES, help="the language of the task table: en or zh-CN")
    group.addoption(
        "--torchcamp-unprotected",
        action="store_true",
        help="grade even where no sandbox can be built (the worker then sees this machine as the grader does)",
    )


def expand_lesson_shorthand(arg: str) -> str:
    """`exercises/03` means `exercises/03_autograd`: lesson folders start with their id."""
    path = Path(arg.split("::", 1)[0])
    if path.exists() or not path.parent.is_dir() or not path.name.isdigit():
        return arg
    matches = [child for child in path.parent.iterdir() if child.is_dir() and child.name.startswith(path.name + "_")]
    return str(matches[0]) + arg[len(str(path)) :] if len(matches) == 1 else arg


def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    args[:] = [expand_lesson_shorthand(arg) if not arg.startswith("-") else arg for arg in args]


def register_hypothesis_profiles(course: Course) -> None:
    # Both profiles are chosen explicitly, so hypothesis's automatic `ci` profile (when CI
    # is set) never changes what a test does. Grading is derandomized and database-free:
    # the same submission gets the same examples, anywhere.
    common: dict[str, Any] = {
        "deadline": None,
        "print_blob": False,
        # No explain phase: its report names lines of the grader, not of the student's code.
        "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        "suppress_health_check": [
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    }
    settings.register_profile("student", max_examples=course.grading.student_examples, database=None, **common)
    settings.register_profile(
        "grading", max_examples=course.grading.grading_examples, derandomize=True, database=None, **common
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "task(id, weight=1, core=False): the course task this test grades (see course.toml)"
    )
    explicit = config.getoption("torchcamp_course")
    root = Path(explicit) if explicit else find_course_root(config.rootpath)
    if root is None:
        return  # not inside a course: the plugin stays out of the way
    try:
        course = load_course(root)
    except ManifestError as error:
        raise pytest.UsageError(str(error)) from None
    submission = config.getoption("torchcamp_submission")
    in_process = not submission or config.getoption("torchcamp_in_process")
    call_timeout = config.getoption("torchcamp_call_timeout") or course.grading.call_timeout_s
    session = GradingSession(course, Path(submission).resolve() if submission else None, in_process, call_timeout)
    config.stash[SESSION] = session
    session.final_device = config.getoption("torchcamp_device") or os.environ.get("TORCHCAMP_DEVICE") or ""
    register_hypothesis_profiles(course)
    settings.load_profile("student" if in_process else "grading")
    session.lang = texts.language(config.getoption("lang"))
    # texts.tr() in every check follows the run's language; restored when the run ends (an
    # in-process pytest run must not change the language of the process that started it).
    config.stash[LANGUAGE_BEFORE] = os.environ.get("TORCHCAMP_LANG")
    os.environ["TORCHCAMP_LANG"] = session.lang
    if in_process and not wants_detail(config):
        config.option.reportchars = "N"  # the task table replaces pytest's one line per failure
    if not in_process:
        from torchcamp.grading import threads
        from torchcamp.sandbox import confinement

        session.threads = threads.apply_from_environment()  # the grader measures with the same share
        if config.getoption("torchcamp_results_fd") is not None:  # started by `torchcamp grade`
            from torchcamp.grading.parent_watch import exit_when_orphaned

            exit_when_orphaned()

        session.sandboxed = confinement.mode() == "bubblewrap"
        consented = config.getoption("torchcamp_unprotected") or os.environ.get("TORCHCAMP_UNPROTECTED") == "1"
        if not session.sandboxed and not consented:
            raise pytest.UsageError(
                f"no sandbox for the worker: {confinement.bubblewrap_problem() or 'TORCHCAMP_SANDBOX=none'}; "
                "grading without one needs --torchcamp-unprotected"
            )
    if config.getoption("timeout", None) is None:
        grading = course.grading
        config.option.timeout = grading.student_test_timeout_s if in_process else grading.test_timeout_s


def task_marker(item: pytest.Item) -> pytest.Mark | None:
    return item.get_closest_marker("task")


def is_course_test(session: GradingSession, item: pytest.Item) -> bool:
    path = Path(str(item.path)).resolve()
    return any(
        path.is_relative_to(folder) for folder in (layout.exercises(session.course), layout.graders(session.course))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    session = config.stash.get(SESSION, None)
    if session is None:
        return
    problems = []
    for item in items:
        if not (session.submission or is_course_test(session, item)):
            continue
        marker = task_marker(item)
        problem = marker_problem(marker, session.course)
        if problem:
            problems.append(f"{item.nodeid}: {problem}")
        else:
            session.collected[f"{item.path}::{item.name}"] = marker.args[0]
            final = session.course.final
            if final and marker.args[0].startswith(final.lesson + ".") and item.get_closest_marker("timeout") is None:
                # The final task trains for its whole budget: pytest-timeout must allow that much and more.
                longest = max(budget for dataset in final.datasets.values() for budget in dataset.budget_s.values())
                item.add_marker(pytest.mark.timeout(longest + 180))
    if problems:
        raise pytest.UsageError("every lesson test must name a known task:\n  " + "\n  ".join(problems))


def lesson_of(item: pytest.Item, session: GradingSession) -> Lesson:
    marker = task_marker(item)
    if marker is None:
        raise pytest.UsageError(f"{item.nodeid} uses the student/reference fixture without a task marker")
    return session.course.lesson_of_task(marker.args[0])


@pytest.fixture
def student(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The student's lesson module: in-process in student mode, in a sandboxed worker when grading."""
    session = request.config.stash[SESSION]
    lesson = lesson_of(request.node, session)
    if lesson.id in session.import_problems_told:
        # Shown once already: the rest of the lesson's tests are not run, and not shown again.
        outcome = recorded_outcome(request.node, session)
        outcome.status, outcome.lesson_broken = Status.ERROR, True
        outcome.message = texts.tr(f"{lesson.filename} does not import", f"{lesson.filename} 无法导入")
        pytest.skip(
            texts.tr(
                f"{lesson.directory}/{lesson.filename} does not import (see the failure above)",
                f"{lesson.directory}/{lesson.filename} 无法导入（见上面的错误）",
            )
        )
    proxy = session.student_for(lesson, tmp_path_factory.getbasetemp())
    proxy.begin_test(request.node.nodeid)
    return proxy


@pytest.fixture
def reference(request: pytest.FixtureRequest) -> Any:
    """The reference solution, imported in the grader's own process."""
    session = request.config.stash[SESSION]
    return session.reference_for(lesson_of(request.node, session))


def recorded_outcome(item: pytest.Item, session: GradingSession) -> TestOutcome:
    """This test's outcome, created (passed until something fails) the first time it is asked for."""
    if OUTCOME not in item.stash:
        marker = task_marker(item)
        hidden = Path(str(item.path)).resolve().is_relative_to(layout.graders(session.course))
        item.stash[OUTCOME] = TestOutcome(
            item.nodeid,
            marker.args[0],
            float(marker.kwargs.get("weight", 1)),
            hidden,
            core=bool(marker.kwargs.get("core", False)),
        )
        session.outcomes.append(item.stash[OUTCOME])
    return item.stash[OUTCOME]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    session = item.config.stash.get(SESSION, None)
    marker = task_marker(item)
    if session is None or marker is None:
        return report
    outcome = recorded_outcome(item, session)
    if report.skipped and outcome.status == Status.PASSED and outcome in session.outcomes:
        session.outcomes.remove(outcome)  # a skipped test is no verdict: it neither passes nor fails its task
        return report
    if report.failed and outcome.status == Status.PASSED:
        error = call.excinfo.value if call.excinfo else None
        if error is None:
            outcome.status, outcome.message = Status.FAILED, str(report.longrepr)[:MAX_MESSAGE_CHARS]
        else:
            outcome.status = classify(error) if report.when == "call" else Status.ERROR
            outcome.message = describe(error)
            if outcome.status == Status.TIMEOUT and outcome.message.startswith("Failed: Timeout"):
                # pytest-timeout's own words name neither the test nor the limit plainly.
                limit = item.get_closest_marker("timeout")
                seconds = limit.args[0] if limit and limit.args else item.config.getoption("timeout")
                check = what_was_checked(item)
                outcome.message = texts.tr(
                    f"timed out: the check '{check}' did not finish within {seconds:g} s "
                    "(an endless loop, or far more work than the task needs?)",
                    f"超时：检查“{check}”没有在 {seconds:g} 秒内完成（是死循环，还是做了远超任务所需的计算？）",
                )
            mistake = known_mistake(error)
            if mistake is not None:
                outcome.mistake = f"{mistake.task}/{mistake.key}"
                told = texts.mistake_text(session.course, mistake.task, mistake.key, session.lang)
                outcome.message = told + (f" ({mistake.detail})" if mistake.detail else "")
        report.torchcamp_status = outcome.status  # type: ignore[attr-defined]
        if session.in_process and not wants_detail(item.config):
            report.longrepr = short_report(session, item, outcome, error if call.excinfo else None)
    return report


def short_report(session: GradingSession, item: pytest.Item, outcome: TestOutcome, error: BaseException | None) -> str:
    """The block a student reads for this failure; a lesson that does not import is told once."""
    lesson = session.course.lesson_of_task(outcome.task)
    if is_import_problem(error):
        outcome.lesson_broken = True
        session.import_problems_told.add(lesson.id)
        return f"{outcome.message}\n  {texts.say('import_first', session.lang, lesson=lesson.id)}"
    message = outcome.message
    if outcome.mistake:
        task, key = outcome.mistake.split("/", 1)
        message = texts.say("mistake", session.lang, text=texts.mistake_text(session.course, task, key, session.lang))
    title = texts.task_title(session.course, outcome.task, session.lang)
    return failure_block(outcome.task, title, item, message, error, str(session.lesson_file(lesson)), session.lang)


def pytest_unconfigure(config: pytest.Config) -> None:
    if LANGUAGE_BEFORE in config.stash:
        before = config.stash[LANGUAGE_BEFORE]
        if before is None:
            os.environ.pop("TORCHCAMP_LANG", None)
        else:
            os.environ["TORCHCAMP_LANG"] = before


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    if getattr(report, "torchcamp_status", None) == Status.NOT_STARTED:
        return "todo", "T", "TODO"
    return None


def pytest_sessionfinish(session: pytest.Session) -> None:
    grading = session.config.stash.get(SESSION, None)
    if grading is None:
        return
    survivors = grading.close()
    final = grading.final_run
    if grading.open_track_run is not None:
        final = {**(final or {}), "open_track": grading.open_track_run}
    records = RunResults(grading.outcomes, final, grading.collected, survivors, grading.sandboxed).to_json()
    results_path = session.config.getoption("torchcamp_results")
    if results_path:
        write_json(Path(results_path), records)
    results_fd = session.config.getoption("torchcamp_results_fd")
    if results_fd is not None:
        # A descriptor the grader holds: no file in any folder a worker could reach.
        with os.fdopen(results_fd, "w", encoding="utf-8") as channel:
            json.dump(records, channel)
