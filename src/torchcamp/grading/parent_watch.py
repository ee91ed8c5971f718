"""A grading process ends when the process that started it is gone.

`torchcamp grade` starts its pytest processes in sessions of their own (so a timeout can
kill each whole group); a teacher's Ctrl-C or a killed CI job would otherwise leave them,
and their workers, training on for minutes with nobody to read the grade. Each grading
process watches its parent and exits when it changes; sandboxed workers go with it
(bubblewrap's --die-with-parent), unsandboxed ones watch their parent the same way.
"""

from __future__ import annotations

import os
import threading
import time

ORPHANED_EXIT_CODE = 3


def exit_when_orphaned(poll_s: float = 1.0) -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                os._exit(ORPHANED_EXIT_CODE)  # no cleanup to wait for: nobody reads this run any more

    threading.Thread(target=watch, name="torchcamp-parent-watch", daemon=True).start()
