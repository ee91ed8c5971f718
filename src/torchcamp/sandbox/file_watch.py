"""Which files a worker opened, seen from the grader through the kernel (Linux inotify).

The worker cannot hide an open from inotify: the watch sits on the file's inode in the
grader's process, and the sandbox's bind mount shows that same inode. Used by the final
task to tell a student who opened the held-back test split. Where inotify is missing
(not Linux), `opened()` answers None: unknown, and the check is skipped.
"""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

IN_OPEN = 0x00000020
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
EVENT_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len


class OpenWatch:
    """`with OpenWatch(paths) as watch: ...; watch.opened()` -> the paths opened meanwhile."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = paths
        self._fd = -1
        self._watches: dict[int, Path] = {}

    def __enter__(self) -> OpenWatch:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            self._fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
            for path in self._paths:
                descriptor = libc.inotify_add_watch(self._fd, os.fsencode(path), IN_OPEN)
                if descriptor >= 0:
                    self._watches[descriptor] = path
        except (OSError, AttributeError):
            self._fd = -1
        return self

    def opened(self) -> set[Path] | None:
        if self._fd < 0 or not self._watches:
            return None
        seen: set[Path] = set()
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return seen
            offset = 0
            while offset + EVENT_HEADER.size <= len(data):
                descriptor, mask, _, length = EVENT_HEADER.unpack_from(data, offset)
                if mask & IN_OPEN and descriptor in self._watches:
                    seen.add(self._watches[descriptor])
                offset += EVENT_HEADER.size + length

    def __exit__(self, *exc: object) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
