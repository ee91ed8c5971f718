"""leaderboard.html: the final task's open track, submissions ranked by what the grader measured.

Ranked per device (a GPU run and a CPU run are not a race): by test accuracy, then by
the seconds the training took, both measured in the grader's process. Written only when
some record has an open-track run (`--open-track`).
"""

from __future__ import annotations

import html
from pathlib import Path

from torchcamp.course.manifest import Course
from torchcamp.grading.results import Record, write_atomically
from torchcamp.outputs.feedback import page

LEADERBOARD = "leaderboard.html"


def open_track_runs(records: list[Record]) -> list[tuple[Record, dict]]:
    return [
        (record, record.result.final["open_track"])
        for record in records
        if record.result.final and record.result.final.get("open_track")
    ]


def leaderboard_html(course: Course, runs: list[tuple[Record, dict]]) -> str:
    parts = ["<h1>torchcamp open track</h1>"]
    for device in sorted({run["device"] for _, run in runs}):
        ranked = sorted(
            ((record, run) for record, run in runs if run["device"] == device),
            key=lambda pair: (-pair[1]["accuracy"], pair[1]["seconds"]),
        )
        rows = "".join(
            f"<tr><td>{place}</td><td>{html.escape(record.student.name or record.student.id)}</td>"
            f"<td>{run['accuracy']:.2f}% ({run['interval'][0]:.2f}–{run['interval'][1]:.2f})</td>"
            f"<td>{run['seconds']:.1f} s of {run['budget_s']:.0f} s</td>"
            f"<td>{', '.join(map(str, run['tiers_reached'])) or '—'}</td><td>{html.escape(run['dataset'])}</td></tr>"
            for place, (record, run) in enumerate(ranked, start=1)
        )
        parts.append(
            f"<h2>{html.escape(device)}</h2><table><tr><th>#</th><th>student</th><th>test accuracy (95% interval)</th>"
            f"<th>training time</th><th>tiers reached</th><th>dataset</th></tr>{rows}</table>"
        )
        parts.append(time_to_tiers(ranked))
    return page("torchcamp open track", "\n".join(parts))


def time_to_tiers(ranked: list[tuple[Record, dict]]) -> str:
    """Per tier, the runs that reached it, fastest first: the grader sees a run's accuracy only
    once its training has ended, so a run's time to a tier is its whole training time."""
    tiers = sorted({tier for _, run in ranked for tier in range(1, len(run["tiers"]) + 1)})
    items = []
    for tier in tiers:
        reached = sorted(
            ((record, run) for record, run in ranked if tier in run["tiers_reached"]),
            key=lambda pair: pair[1]["seconds"],
        )
        needed = next(run["tiers"][tier - 1] for _, run in ranked if len(run["tiers"]) >= tier)
        names = ", ".join(
            f"{html.escape(record.student.name or record.student.id)} ({run['seconds']:.1f} s)"
            for record, run in reached
        )
        items.append(f"<li>tier {tier} (≥ {needed}%): {names or 'nobody yet'}</li>")
    return f"<h3>Fastest to each tier (whole training time of the runs that reached it)</h3><ul>{''.join(items)}</ul>"


def write_leaderboard(course: Course, records: list[Record], out: Path) -> list[Path]:
    runs = open_track_runs(records)
    if not runs:
        return []
    path = out / LEADERBOARD
    write_atomically(path, leaderboard_html(course, runs))
    return [path]
