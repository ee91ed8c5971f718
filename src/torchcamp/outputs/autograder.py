"""`torchcamp gradescope build OUT.zip`: Gradescope's autograder bundle.

Gradescope unpacks the zip into /autograder/source, runs `setup.sh` once when building the
image, then `run_autograder` for every submission (found in /autograder/submission), and
reads /autograder/results/results.json. The root is configurable (AUTOGRADER_ROOT) so the
bundle can be tried on any machine.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from torchcamp.course import layout
from torchcamp.course.manifest import Course

BUNDLED = ("course.toml", "pyproject.toml", "README.md", "src", layout.EXERCISES, layout.GRADERS, layout.SOLUTIONS)
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis"}

SETUP = """#!/usr/bin/env bash
# Runs once while Gradescope builds the autograder image.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
# bubblewrap sandboxes the student's code where the container allows namespaces.
apt-get update -q && apt-get install -y -q python3 python3-pip python3-venv bubblewrap
python3 -m venv "$ROOT/venv"
# Grading runs on the CPU: PyTorch's CPU wheels, first, so that installing the course finds
# torch already there instead of pulling the CUDA build (about 4.5 GB more in the image).
# The versions are those the bundle was built and tested with.
TORCH_INDEX="${{TORCHCAMP_TORCH_INDEX:-{torch_index}}}"
"$ROOT/venv/bin/pip" install --quiet --index-url "$TORCH_INDEX" {torch_pins} || {{
    echo "no CPU wheels of {torch_pins} for this Python: taking the newest the course allows" >&2
    "$ROOT/venv/bin/pip" install --quiet --index-url "$TORCH_INDEX" {torch_range}
}}
"$ROOT/venv/bin/pip" install --quiet "$ROOT/source"
"$ROOT/venv/bin/torchcamp" data {dataset} --root "$ROOT/source/data"
"""

# PyTorch's own index of CPU-only wheels (TORCHCAMP_TORCH_INDEX overrides it in setup.sh).
CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"


def torch_pins() -> str:
    """`torch==X torchvision==Y`: the versions installed here, without a local tag such as +cu128."""
    from importlib.metadata import version

    return " ".join(f"'{name}=={version(name).split('+')[0]}'" for name in ("torch", "torchvision"))


def torch_range() -> str:
    """The torch and torchvision ranges pyproject.toml allows (for a Python the pins lack wheels for)."""
    from importlib.metadata import requires

    wanted = [requirement for requirement in requires("torchcamp") or [] if re.match(r"torch(vision)?\b", requirement)]
    return " ".join(f"'{requirement.replace(' ', '')}'" for requirement in wanted)


RUN = """#!/usr/bin/env bash
# Runs for every submission: grade it and write Gradescope's results.json. In a container
# without user namespaces no sandbox can be built: the grade is then marked unprotected
# in its output (see docs/threat-model.md). One grading process: Gradescope gives half a CPU,
# and each process holds its own torch (docs/lms.md measures the memory of one).
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{TORCHCAMP_PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
"$PYTHON" -m torchcamp.cli grade "$ROOT/submission" --course "$ROOT/source" --format gradescope \\
    --json "$ROOT/results/results.json" --dataset {dataset} --data-root "$ROOT/source/data" --device cpu \\
    --jobs 1 --unprotected \\
    2> "$ROOT/results/grader.log"
if [ ! -s "$ROOT/results/results.json" ]; then
    # The submission could not be graded at all (empty, wrong layout): say why, with a zero score.
    "$PYTHON" - "$ROOT/results" <<'PYTHON'
import json, pathlib, sys
results = pathlib.Path(sys.argv[1])
why = (results / "grader.log").read_text(errors="replace").strip()[-2000:]
output = "The autograder could not grade this submission:\\n" + (why or "no reason was given")
(results / "results.json").write_text(json.dumps({{"score": 0, "output": output}}))
PYTHON
fi
"""


def build_autograder(course: Course, out: Path, dataset: str = "mnist") -> list[str]:
    """Write the autograder zip: setup.sh and run_autograder at its root, the course beside them."""
    names = []
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (
            (
                "setup.sh",
                SETUP.format(
                    dataset=dataset, torch_index=CPU_TORCH_INDEX, torch_pins=torch_pins(), torch_range=torch_range()
                ),
            ),
            ("run_autograder", RUN.format(dataset=dataset)),
        ):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16  # executable once unpacked
            bundle.writestr(info, text)
            names.append(name)
        for part in BUNDLED:
            source = course.root / part
            files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
            for file in files:
                relative = file.relative_to(course.root)
                if (
                    SKIPPED_PARTS & set(relative.parts)
                    or relative.parts[-1].endswith(".egg-info")
                    or ".egg-info" in str(relative)
                ):
                    continue
                bundle.write(file, str(relative))
                names.append(str(relative))
    return names
