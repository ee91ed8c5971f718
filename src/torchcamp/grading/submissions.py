"""A class's submissions: directories, .zip files and git repositories, one student each.

Opening never fails the whole class: a broken zip or an unreachable repository becomes a
submission with a `problem`, graded as zero with that problem as the reason.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from torchcamp.course import layout
from torchcamp.course.manifest import Course
from torchcamp.grading.results import Student

MAX_UNPACKED_BYTES = 200 << 20  # a submission larger than this is refused (a zip bomb?)
MAX_FILES = 5_000  # ... and one holding more files (the course has a few dozen)


@dataclass(frozen=True)
class Submission:
    student: Student
    source: str  # what the teacher named: a path or a repository URL
    path: Path | None = None  # the directory to grade, once opened
    problem: str = ""  # why it could not be opened


class RosterError(ValueError):
    """The roster CSV is unreadable or lacks a required column."""


def read_roster(path: Path) -> dict[str, Student]:
    """Roster CSV: `submission` (a file or folder name, without .zip/.git) and `student`, plus
    optional `name`, `sis_user_id`, `sis_login_id`, `section`, `email`, `canvas_user_id`,
    `first_name` and `last_name` columns (docs/lms.md says which each LMS needs)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise RosterError(f"{path}: cannot read the roster ({error})") from None
    if not rows or not {"submission", "student"} <= set(rows[0]):
        raise RosterError(f"{path}: the roster needs the columns 'submission' and 'student'")
    roster = {}
    for number, row in enumerate(rows, start=2):
        if not row["submission"] or not row["student"]:
            raise RosterError(f"{path}, line {number}: 'submission' and 'student' must not be empty")
        roster[row["submission"].strip()] = Student(
            row["student"].strip(),
            *(
                (row.get(key) or "").strip()
                for key in (
                    "name",
                    "sis_user_id",
                    "sis_login_id",
                    "section",
                    "email",
                    "canvas_user_id",
                    "first_name",
                    "last_name",
                )
            ),
        )
    return roster


def safe_name(student_id: str) -> str:
    """A student id as a file name (records, feedback pages, JUnit files)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", student_id) or "_"


def check_size(root: Path) -> None:
    """Refuse a tree with too many files or bytes; symbolic links are not followed."""
    files, total = 0, 0
    for folder, _, names in os.walk(root):
        files += len(names)
        if files > MAX_FILES:
            raise ValueError(f"holds more than {MAX_FILES:,} files; submit the exercises folder only")
        for name in names:
            total += os.lstat(os.path.join(folder, name)).st_size
        if total > MAX_UNPACKED_BYTES:
            raise ValueError(f"holds more than {MAX_UNPACKED_BYTES >> 20} MB")


def submission_name(source: str) -> str:
    name = source.rstrip("/").rsplit("/", 1)[-1]
    for suffix in (".zip", ".git"):
        name = name.removesuffix(suffix)
    return name


# What archivers and file managers add beside a student's files: never part of a submission.
NOISE_NAMES = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"})


def is_noise(name: str) -> bool:
    return name in NOISE_NAMES or name.startswith("._")  # ._name: a Mac's AppleDouble copy


def unpack_zip(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as bundle:
        members = bundle.infolist()
        if len(members) > MAX_FILES:
            raise ValueError(f"holds more than {MAX_FILES:,} files; zip the exercises folder only")
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise ValueError(f"unpacks to more than {MAX_UNPACKED_BYTES >> 20} MB")
        # extractall drops absolute paths and '..' components; noise is left in the archive.
        bundle.extractall(target, [member for member in members if not any(map(is_noise, Path(member.filename).parts))])
    entries = list(target.iterdir())
    # A zip of a folder holds that one folder: grade what is inside it.
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else target


def is_bare_repository(path: Path) -> bool:
    """`student.git/` with HEAD, objects/ and refs/: its files are in git's object store, so it
    is cloned; a folder with a work tree is graded as the student left it."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def clone(source: str, target: Path) -> Path:
    completed = subprocess.run(
        ["git", "clone", "--depth", "1", "--quiet", source, str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        # git names the scratch folder, which is gone after the run: name the submission instead.
        why = completed.stderr.strip().replace(str(target), source)[-300:]
        raise ValueError(f"git clone failed: {why}")
    return target


def open_submission(source: str, student: Student, scratch: Path) -> Submission:
    path = Path(source)
    try:
        if source.endswith(".zip"):
            if not path.is_file():
                raise ValueError("no such file")
            opened = unpack_zip(path, scratch / f"zip-{safe_name(student.id)}")
        elif path.is_dir() and not is_bare_repository(path):
            opened = path.resolve()
        elif path.is_dir() or source.endswith(".git") or "://" in source or source.startswith("git@"):
            opened = clone(source, scratch / f"git-{safe_name(student.id)}")
        else:
            raise ValueError("no such file or directory")
        check_size(opened)
    except (ValueError, OSError, zipfile.BadZipFile, subprocess.TimeoutExpired) as error:
        return Submission(student, source, problem=f"cannot open {source}: {error}")
    return Submission(student, source, opened)


def plan_submissions(sources: list[str], roster: dict[str, Student] | None = None) -> list[tuple[str, Student]]:
    """(source, student) for each source, sorted by student id, before anything is unpacked or
    cloned (a shard opens only its own share)."""
    planned, seen, file_names = [], set(), {}
    for source in sources:
        name = submission_name(source)
        student = (roster or {}).get(name, Student(name))
        if student.id in seen:
            raise RosterError(f"two submissions for student {student.id!r}: each student may appear once")
        # Records and pages are named after the id made safe for a file name: two ids that
        # become one name would share (and overwrite) one record.
        file_name = safe_name(student.id)
        if file_name in file_names:
            raise RosterError(
                f"students {file_names[file_name]!r} and {student.id!r} would share the record file "
                f"{file_name}.json: give one of them another id (a roster maps submissions to ids)"
            )
        seen.add(student.id)
        file_names[file_name] = student.id
        planned.append((source, student))
    return sorted(planned, key=lambda pair: pair[1].id)


def open_submissions(sources: list[str], scratch: Path, roster: dict[str, Student] | None = None) -> list[Submission]:
    return [open_submission(source, student, scratch) for source, student in plan_submissions(sources, roster)]


def content_hash(submission: Submission, course: Course) -> str:
    """What grading this submission reads: its lesson files (or its problem), nothing else."""
    digest = hashlib.sha256()
    if submission.path is None:
        digest.update(submission.problem.encode())
        return digest.hexdigest()
    inside = submission.path / layout.EXERCISES
    lessons = inside if inside.is_dir() else submission.path
    for lesson in course.lessons:
        file = layout.lesson_file(lessons, lesson)
        digest.update(f"{lesson.directory}/{lesson.filename}".encode())
        digest.update(file.read_bytes() if file.is_file() else b"<missing>")
    return digest.hexdigest()
