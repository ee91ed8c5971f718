"""One lesson's broken file costs only that lesson's points, and the grader says why."""

from torchcamp.grading.runner import GradingOptions, grade

SYNTAX_ERROR = "def elementwise_product(a, b)\n    return a * b\n"
LOOPS_AT_IMPORT = "while True:\n    pass\n"
EXITS_AT_IMPORT = "import os\nos._exit(0)\n"


def test_broken_lessons_cost_only_their_own_points(course, make_submission):
    submission = make_submission({"02": SYNTAX_ERROR, "03": LOOPS_AT_IMPORT, "04": EXITS_AT_IMPORT})
    result = grade(course, submission, options=GradingOptions(call_timeout_s=2))
    lessons = {lesson.id: lesson for lesson in result.lessons}

    for full in ("00", "01"):
        assert lessons[full].score == lessons[full].max_score

    def statuses(lesson_id):
        return {task.status for task in lessons[lesson_id].tasks}

    assert lessons["02"].score == 0 and statuses("02") == {"error"}
    assert "SyntaxError" in lessons["02"].tasks[0].message and "line 1" in lessons["02"].tasks[0].message

    assert lessons["03"].score == 0 and statuses("03") == {"timeout"}
    assert "timed out after 2 s while importing your lesson file" in lessons["03"].tasks[0].message

    assert lessons["04"].score == 0 and statuses("04") == {"error"}
    assert "exited with status 0" in lessons["04"].tasks[0].message
    assert "os._exit" in lessons["04"].tasks[0].message
