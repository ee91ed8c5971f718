# Attack: find the course root (through /proc of the grader's processes, or at the path it
# is known to live at) and run the reference solution in place of this stub.
import os
import pathlib

_candidates = {pathlib.Path("__ROOT__")}
for _entry in pathlib.Path("/proc").iterdir():
    try:
        for _word in (_entry / "cmdline").read_bytes().split(b"\0"):
            _path = pathlib.Path(os.fsdecode(_word))
            _candidates.update(parent for parent in _path.parents if parent != pathlib.Path("/"))
    except OSError:
        pass
for _root in _candidates:
    _solution = _root / "solutions" / "01_tensors" / "tensors.py"
    try:
        exec(compile(_solution.read_text(), str(_solution), "exec"), globals())
        STOLEN_FROM = str(_solution)
        break
    except OSError:
        pass
