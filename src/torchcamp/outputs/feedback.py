"""Feedback for people: a page per student (Markdown and HTML) and a class summary (HTML).

A student's page shows the task table and, for each task not passed, the property that
failed, the smallest failing input, theirs vs expected, and the first hint — the grader's
message, never the hidden test's source.
"""

from __future__ import annotations

import html
import statistics
from pathlib import Path

from markdown_it import MarkdownIt

from torchcamp.course import texts
from torchcamp.course.manifest import Course
from torchcamp.course.texts import tr
from torchcamp.grading.results import UNPROTECTED, Record, Status, write_atomically
from torchcamp.grading.submissions import safe_name

# Words, not emoji: grading machines and browsers often lack an emoji font.
LABEL = {
    Status.PASSED: ("passed", "通过"),
    Status.FAILED: ("FAILED", "未通过"),
    Status.NOT_STARTED: ("TODO", "待完成"),
    Status.ERROR: ("ERROR", "出错"),
    Status.TIMEOUT: ("TIMEOUT", "超时"),
}


def label(status: Status) -> str:
    return tr(*LABEL[status])


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #c9ced8; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #eef1f6; }
pre { background: #f5f6f8; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
.bar { background: #4c7bd9; height: 0.8rem; display: inline-block; }
img { max-width: 100%; }
"""


def student_markdown(course: Course, record: Record, pictures: list[str]) -> str:
    result, student = record.result, record.student
    lang = texts.language()
    lesson_titles = {lesson.id: texts.lesson_title(course, lesson, lang) for lesson in course.lessons}

    def task_title(task) -> str:
        return texts.task_title(course, task.id, lang) if task.id in course.tasks else task.title

    lines = [
        f"# {tr('torchcamp feedback', 'torchcamp 反馈')}: {student.name or student.id}",
        "",
        f"**{result.score:g} / {result.max_score} {tr('points', '分')}**",
        "",
        *([f"**{UNPROTECTED}**", ""] if not result.protected else []),
        tr("| task | points | status |", "| 任务 | 得分 | 状态 |"),
        "| --- | --- | --- |",
    ]
    for lesson in result.lessons:
        title = lesson_titles.get(lesson.id, lesson.title)
        lines.append(f"| **{lesson.id} {title}** | **{lesson.score:g} / {lesson.max_score}** | |")
        for task in lesson.tasks:
            lines.append(f"| {task.id} {task_title(task)} | {task.score:g} / {task.max_score} | {label(task.status)} |")
    problems = [task for task in result.tasks() if task.status not in (Status.PASSED, Status.NOT_STARTED)]
    if problems:
        lines += ["", tr("## What to fix", "## 需要修改的地方"), ""]
        for task in problems:
            hints = texts.task_hints(course, task.id, lang) if task.id in course.tasks else []
            lines += [f"### {task.id} — {task_title(task)}", "", "```", task.message.strip() or task.status, "```", ""]
            if hints:
                lines += [f"**{tr('Hint', '提示')}:** {hints[0]}", ""]
    final = result.final
    if final:
        accuracy, dataset, epochs = final["accuracy"], final["dataset"], len(final["losses"])
        seconds, device, budget = final["seconds"], final["device"], final["budget_s"]
        lines += [
            "",
            tr("## Final task", "## 期末任务"),
            "",
            tr(
                f"{accuracy:.2f}% test accuracy on {dataset}, {epochs} epochs in {seconds:.0f} s on {device} "
                f"(budget {budget:.0f} s).",
                f"在 {dataset} 上的测试准确率为 {accuracy:.2f}%，在 {device} 上用 {seconds:.0f} 秒训练了 {epochs} 个 epoch"
                f"（预算 {budget:.0f} 秒）。",
            ),
            "",
        ]
        if final.get("diagnoses"):
            lines += [f"**{tr('What the run shows', '这次运行说明了什么')}:**", ""]
            lines += [f"- {diagnosis}" for diagnosis in final["diagnoses"]] + [""]
        if final.get("interval"):
            low, high = final["interval"]
            lines += [tr(f"95% interval: {low:.2f}–{high:.2f}%.", f"95% 区间：{low:.2f}–{high:.2f}%。"), ""]
        if final.get("borderline"):
            tiers = ", ".join(map(str, final["borderline"]))
            lines += [
                tr(
                    f"**Borderline:** tier {tiers} lies within that interval; a rerun could change it.",
                    f"**处于边界：**第 {tiers} 档在这个区间之内，重新运行可能改变结果。",
                ),
                "",
            ]
        if final.get("calibration"):
            from torchcamp.grading.calibration import Calibration

            lines += [Calibration.from_json(final["calibration"]).explain() + ".", ""]
        if final.get("flagged"):
            flagged = tr("Flagged for the teacher, not paid:", "已标记给老师复核，不计分：")
            lines += [f"**{flagged}** {final['flagged']}", ""]
        lines += [f"![{Path(picture).stem.replace('_', ' ')}]({picture})" for picture in pictures]
    return "\n".join(lines) + "\n"


def page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="{texts.language()}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )


def render(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)


def write_student_feedback(course: Course, record: Record, out: Path) -> list[Path]:
    """OUT/feedback/<student>.md and .html, with the final task's pictures beside them."""
    folder = out / "feedback"
    name = safe_name(record.student.id)
    folder.mkdir(parents=True, exist_ok=True)
    pictures = []
    final = record.result.final
    if final:
        try:
            from torchcamp.outputs.plots import write_final_artifacts

            pictures = [f"{name}/{path.name}" for path in write_final_artifacts(final, folder / name)]
        except ImportError:
            pass  # matplotlib is a teacher extra: without it the page has the numbers, not the pictures
    markdown = student_markdown(course, record, pictures)
    write_atomically(folder / f"{name}.md", markdown)
    write_atomically(
        folder / f"{name}.html", page(f"{tr('torchcamp feedback', 'torchcamp 反馈')}: {name}", render(markdown))
    )
    return [folder / f"{name}.md", folder / f"{name}.html"]


def summary_html(course: Course, records: list[Record]) -> str:
    count = len(records)
    totals = [record.result.score for record in records]
    out_of = max((record.result.max_score for record in records), default=course.max_score)
    parts = [
        f"<h1>torchcamp class summary</h1><p>{count} submissions; total score median "
        f"{statistics.median(totals) if totals else 0:g} of {out_of}.</p>"
    ]
    unprotected = [record.student.id for record in records if not record.result.protected]
    if unprotected:
        parts.append(f"<p><strong>{html.escape(UNPROTECTED)}: {html.escape(', '.join(unprotected))}</strong></p>")
    task_rows, failure_rates = [], []
    for lesson in course.lessons:
        for task in lesson.tasks:
            outcomes = [mine for record in records for mine in record.result.tasks() if mine.id == task.id]
            if not outcomes:
                continue
            passed = sum(mine.status == Status.PASSED for mine in outcomes)
            histogram = {status: sum(mine.status == status for mine in outcomes) for status in LABEL}
            mean = statistics.mean(mine.score for mine in outcomes)
            failure_rates.append((1 - passed / len(outcomes), task))
            bars = "".join(f"{LABEL[s][0]} {n}<br>" for s, n in histogram.items() if n)
            width = int(160 * passed / len(outcomes))
            task_rows.append(
                f"<tr><td>{html.escape(task.id)}</td><td>{html.escape(task.title)}</td>"
                f"<td><span class='bar' style='width:{width}px'></span> {passed}/{len(outcomes)}</td>"
                f"<td>{mean:.2f} / {task.points}</td><td>{bars}</td></tr>"
            )
    hardest = [
        f"<li>{html.escape(task.id)} — {html.escape(task.title)}: {rate:.0%} did not pass</li>"
        for rate, task in sorted(failure_rates, key=lambda item: -item[0])[:5]
        if rate > 0
    ]
    parts.append(
        "<h2>Tasks most students fail</h2><ol>" + ("".join(hardest) or "<li>none: every task passed</li>") + "</ol>"
    )
    parts.append(
        "<h2>Every task</h2><table><tr><th>task</th><th>title</th><th>passed</th><th>mean points</th>"
        "<th>statuses</th></tr>" + "".join(task_rows) + "</table>"
    )
    student_rows = "".join(
        f"<tr><td><a href='feedback/{safe_name(r.student.id)}.html'>{html.escape(r.student.id)}</a></td>"
        f"<td>{r.result.score:g} / {r.result.max_score}</td><td>{html.escape(final_cell(r.result.final))}</td></tr>"
        for r in records
    )
    parts.append(
        "<h2>Students</h2><table><tr><th>student</th><th>score</th><th>final task (95% interval)</th></tr>"
        f"{student_rows}</table>"
    )
    borderline = [r.student.id for r in records if r.result.final and r.result.final.get("borderline")]
    if borderline:
        parts.append(
            "<p><strong>Borderline final-task grades</strong> (a tier within the 95% interval of the measured "
            f"accuracy: a rerun could change them): {html.escape(', '.join(borderline))}</p>"
        )
    return page("torchcamp class summary", "\n".join(parts))


def final_cell(final: dict | None) -> str:
    if not final or "accuracy" not in final:
        return ""
    cell = f"{final['accuracy']:.2f}%"
    if final.get("interval"):
        cell += f" ({final['interval'][0]:.2f}–{final['interval'][1]:.2f})"
    if final.get("borderline"):
        cell += " borderline: tier " + ", ".join(map(str, final["borderline"]))
    return cell


def write_summary(course: Course, records: list[Record], out: Path) -> list[Path]:
    path = out / "summary.html"
    write_atomically(path, summary_html(course, records))
    return [path]
