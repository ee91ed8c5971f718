# Attack: change the course for everyone (a passing test among the public tests and the
# hidden graders, a wrong reference) and a classmate's lesson file.
import pathlib

_ALWAYS_PASSES = "import pytest\n\n@pytest.mark.task('01.evens')\ndef test_free_points():\n    pass\n"
for _path, _text in (
    ("__ROOT__/exercises/01_tensors/test_free.py", _ALWAYS_PASSES),
    ("__ROOT__/graders/01_tensors/test_free.py", _ALWAYS_PASSES),
    ("__ROOT__/solutions/01_tensors/tensors.py", "raise SystemExit('vandalised')\n"),
    ("__CLASSMATE__", "raise SystemExit('vandalised')\n"),
):
    try:
        pathlib.Path(_path).write_text(_text)
    except OSError:
        pass
