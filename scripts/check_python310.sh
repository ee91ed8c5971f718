#!/usr/bin/env bash
# The engine's torch-free commands on Python 3.10, the python3 of Gradescope's default image
# (Ubuntu 22.04), where setup.sh runs `torchcamp data`: loading the course (tomli, the
# StrEnum and BaseExceptionGroup backports of torchcamp.compat) and importing MNIST with its
# MD5 checks. The lessons' tests need torch and run on 3.11+ (make test) and the newest Python.
# Usage: bash scripts/check_python310.sh   (from the repository root, after `make data`)
set -euo pipefail
cd "$(dirname "$0")/.."
python310=""
if command -v python3.10 >/dev/null && python3.10 -c pass 2>/dev/null; then python310=python3.10
elif command -v pyenv >/dev/null && found=$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1) && [ -n "$found" ]; then
    python310="$(pyenv root)/versions/$found/bin/python"
fi
[ -n "$python310" ] || { echo "no Python 3.10 here: nothing to check"; exit 0; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$python310" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "pydantic>=2.5" "click>=8.1" "rich>=13" "markdown-it-py>=2.2" "numpy>=1.24" "tomli>=2.0" "exceptiongroup>=1.1"
export PYTHONPATH="$PWD/src"
"$scratch/venv/bin/python" - <<'PYTHON'
from pathlib import Path

from torchcamp.course import texts
from torchcamp.course.manifest import load_course
from torchcamp.grading.results import Status

course = load_course(Path("."))
assert not texts.missing_translations(course), texts.missing_translations(course)
assert f"{Status.PASSED}" == str(Status.PASSED) == "passed"
print(f"Python 3.10: {len(course.tasks)} tasks loaded")
PYTHON
"$scratch/venv/bin/python" -m torchcamp.cli data mnist --root "$scratch/data" --from data/MNIST/raw
