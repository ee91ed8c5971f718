"""Where hidden graders keep their probes: a probes.py beside the test file.

A probe runs in the worker, so its file's text is sent there. Hidden test files never
are (sandbox.RemoteStudent refuses a probe defined in one): the worker would learn every
property the graders check.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

from torchcamp.sandbox.modules import import_module_from


def load_probes(test_file: str) -> ModuleType:
    """The probes.py in the folder of TEST_FILE, imported once per folder."""
    path = Path(test_file).resolve().with_name("probes.py")
    name = f"torchcamp_probes_{path.parent.name}"
    return sys.modules.get(name) or import_module_from(path, name)
