"""Every grade lands on the intended student in Canvas and Moodle, or the file is refused.

The LMS importers are modelled by their documented matching rules (what issue 11 read in
their sources): Canvas takes a row's ID as its own user id, else SIS User ID, else SIS Login
ID; Moodle maps one identifier column, aborts the whole import on an identifier it does not
know, and reuses the previous row's identifier when a cell is blank.
"""

import csv
import io
import re

import pytest

from torchcamp.grading.results import LessonResult, Record, Student, SubmissionResult
from torchcamp.outputs.exports import ExportRefused, write_canvas_csv, write_moodle_csv
from torchcamp.outputs.gradebook import gradebook_names, split_name

# Canvas's users: internal ids that collide with our numeric folder names (101 is someone else there).
CANVAS_USERS = [
    {"canvas_id": "101", "sis_user_id": "X-OTHER-1", "login": "other1"},
    {"canvas_id": "103", "sis_user_id": "X-OTHER-3", "login": "other3"},
    {"canvas_id": "5001", "sis_user_id": "S-101", "login": "li.na"},
    {"canvas_id": "5003", "sis_user_id": "S-103", "login": "zoe.w"},
    {"canvas_id": "5004", "sis_user_id": "", "login": "amelie"},
]


def record(student: Student, score: float, course) -> Record:
    lessons = [LessonResult(lesson.id, lesson.title, 0.0, lesson.max_score) for lesson in course.lessons]
    lessons[0].score = score
    result = SubmissionResult(student.id, score, course.max_score, 1.0, lessons)
    return Record(student, student.id, {}, result)


@pytest.fixture
def numeric_class(course):
    """Folder names 101, 103, 104 (an LMS export's numbering), accents, a comma in a name."""
    return [
        record(Student("101", "Li Na", sis_user_id="S-101", sis_login_id="li.na", email="li@example.org"), 3, course),
        record(Student("103", "Wang, Bo Zoë", sis_user_id="S-103", email="zoe@example.org"), 5, course),
        record(
            Student("104", "Amélie Ø", sis_login_id="amelie", canvas_user_id="5004", email="am@example.org"), 7, course
        ),
    ]


def canvas_import(text: str) -> dict[str, float]:
    """Canvas user id -> the first assignment's score, matched as Canvas's gradebook importer does."""
    rows = list(csv.DictReader(io.StringIO(text)))
    assignment = list(rows[0])[5]
    landed = {}
    for row in rows[1:]:  # the first is 'Points Possible'
        if row["ID"]:
            user = next((u for u in CANVAS_USERS if u["canvas_id"] == row["ID"]), None)
        elif row["SIS User ID"]:
            user = next((u for u in CANVAS_USERS if u["sis_user_id"] == row["SIS User ID"]), None)
        elif row["SIS Login ID"]:
            user = next((u for u in CANVAS_USERS if u["login"] == row["SIS Login ID"]), None)
        else:
            user = None
        assert user is not None, f"Canvas cannot place the row of {row['Student']}"
        landed[user["canvas_id"]] = float(row[assignment])
    return landed


def moodle_import(text: str, users: dict[str, str]) -> dict[str, float]:
    """Moodle user -> the first grade item, mapped by the file's identifier column (USERS: identifier -> user)."""
    rows = list(csv.reader(io.StringIO(text)))
    landed, previous = {}, ""
    for row in rows[1:]:
        identifier = row[0] or previous  # a blank cell: Moodle keeps the last identifier it saw
        if identifier not in users:
            raise RuntimeError(f"Moodle aborts the whole import: unknown identifier {identifier!r}")
        landed[users[identifier]] = float(row[1])
        previous = identifier
    return landed


def test_canvas_places_every_grade_on_the_intended_student(numeric_class, course, tmp_path):
    write_canvas_csv(course, numeric_class, tmp_path / "canvas.csv")
    text = (tmp_path / "canvas.csv").read_text(encoding="utf-8")
    assert canvas_import(text) == {"5001": 3.0, "5003": 5.0, "5004": 7.0}
    assert ",101," not in text and ",103," not in text, "our folder names never go into Canvas's ID column"


CANVAS_HEADER_ID = re.compile(r"\A(.*)\s+\((\d+)\)\Z")  # "Name (id)": Canvas's assignment id


def canvas_assignments_after_import(text: str, assignments: dict[int, str]) -> dict[int, str]:
    """Canvas's assignments (id -> name) after importing TEXT's assignment columns: a header
    with "(id)" updates that assignment; one without is matched by name, else created."""
    assignments = dict(assignments)
    for header in next(csv.reader(io.StringIO(text)))[5:]:
        match = CANVAS_HEADER_ID.match(header)
        if match and int(match[2]) in assignments:
            continue  # updates the assignment with that id, whatever it is called now
        if header not in assignments.values():
            assignments[max(assignments, default=4100) + 1] = header
    return assignments


def test_canvas_assignment_ids_make_a_second_import_update(numeric_class, course, tmp_path):
    write_canvas_csv(course, numeric_class, tmp_path / "canvas.csv")
    first = canvas_assignments_after_import((tmp_path / "canvas.csv").read_text(encoding="utf-8"), {})
    assert len(first) == len(course.lessons)
    # The teacher renames the assignments in Canvas, then puts their ids into course.toml.
    renamed = {assignment: f"PyTorch lab {number}" for number, assignment in enumerate(first)}
    ids = {lesson.id: assignment for lesson, assignment in zip(course.lessons, first, strict=True)}
    with_ids = course.model_copy(update={"lms": course.lms.model_copy(update={"canvas_assignment_ids": ids})})
    write_canvas_csv(with_ids, numeric_class, tmp_path / "canvas.csv")
    second = (tmp_path / "canvas.csv").read_text(encoding="utf-8")
    assert canvas_assignments_after_import(second, renamed) == renamed, "updated, not duplicated"
    assert canvas_import(second) == {"5001": 3.0, "5003": 5.0, "5004": 7.0}
    # Without the ids the renamed assignments would be duplicated: the reason to record them.
    write_canvas_csv(course, numeric_class, tmp_path / "canvas.csv")
    again = canvas_assignments_after_import((tmp_path / "canvas.csv").read_text(encoding="utf-8"), renamed)
    assert len(again) == 2 * len(course.lessons)


def test_canvas_assignment_ids_must_name_lessons(course):
    from pydantic import ValidationError

    data = course.model_dump()
    data["lms"]["canvas_assignment_ids"] = {"42": 4101}
    with pytest.raises(ValidationError, match=r"canvas_assignment_ids names unknown lessons \['42'\]"):
        type(course).model_validate({**data, "root": course.root})


def test_canvas_refuses_a_class_it_cannot_place(numeric_class, course, tmp_path):
    (tmp_path / "canvas.csv").write_text("an older file\n")
    unknown = record(Student("105", "Nobody Known"), 9, course)
    with pytest.raises(ExportRefused, match="canvas.csv not written: .* none for 105") as refusal:
        write_canvas_csv(course, [*numeric_class, unknown], tmp_path / "canvas.csv")
    assert refusal.value.partial and not (tmp_path / "canvas.csv").exists(), "no stale file to upload by mistake"


@pytest.mark.parametrize("identity, users", [
    ("idnumber", {"S-101": "li", "S-103": "zoe", "S-104": "amelie"}),
    ("email", {"li@example.org": "li", "zoe@example.org": "zoe", "am@example.org": "amelie"}),
])  # fmt: skip
def test_moodle_places_every_grade_by_the_chosen_identifier(numeric_class, course, tmp_path, identity, users):
    numeric_class[2].student = Student("104", "Amélie Ø", sis_user_id="S-104", email="am@example.org")
    chosen = course.model_copy(update={"lms": course.lms.model_copy(update={"moodle_identity": identity})})
    write_moodle_csv(chosen, numeric_class, tmp_path / "moodle.csv")
    assert moodle_import((tmp_path / "moodle.csv").read_text(encoding="utf-8"), users) == {
        "li": 3.0,
        "zoe": 5.0,
        "amelie": 7.0,
    }


def test_moodle_refuses_rather_than_crediting_the_previous_student(numeric_class, course, tmp_path):
    # 104 has no ID number: written blank, Moodle would give its grade to 103.
    with pytest.raises(
        ExportRefused, match="moodle.csv not written: Moodle \\(mapping by ID number\\) .* none for 104"
    ):
        write_moodle_csv(course, numeric_class, tmp_path / "moodle.csv")
    assert not (tmp_path / "moodle.csv").exists()


def test_without_any_roster_the_lms_files_are_refused_without_failing(course, tmp_path):
    unnamed = [record(Student(name), 1, course) for name in ("101", "103")]
    for writer, name in ((write_canvas_csv, "canvas.csv"), (write_moodle_csv, "moodle.csv")):
        with pytest.raises(ExportRefused, match=f"{name} not written: .* give the class a roster") as refusal:
            writer(course, unnamed, tmp_path / name)
        assert not refusal.value.partial


def test_a_formula_in_a_roster_name_stays_text_in_canvas(course, tmp_path):
    write_canvas_csv(course, [record(Student("7", "=1+2", sis_user_id="S-7"), 1, course)], tmp_path / "canvas.csv")
    cells = [cell for row in csv.reader(io.StringIO((tmp_path / "canvas.csv").read_text())) for cell in row]
    assert "'=1+2" in cells and "=1+2" not in cells


def test_gradebook_names_never_hold_a_comma():
    assert split_name("Wang, Bo Zoë") == ("Bo Zoë", "Wang")
    assert gradebook_names(Student("103", "Wang, Bo Zoë")) == ("Bo Zoë", "Wang")
    assert gradebook_names(Student("9", "ignored", first_name="Ana, María", last_name="Pérez")) == (
        "Ana María",
        "Pérez",
    )
    assert gradebook_names(Student("8", "Amélie Ø")) == ("Amélie", "Ø")
