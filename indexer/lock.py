"""The writer lock of an index folder: one `cables index` at a time.

An `flock` on `index/.lock`: the kernel drops it when the holder dies (even by `kill -9`), so
a stale lock never blocks the next run. The file holds the holder's pid and command line, to
name it in the error a second writer gets.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import IndexLocked

LOCK_NAME = ".lock"


def _holder(lock_path: Path) -> str:
    try:
        text = lock_path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return text or "another process"


@contextmanager
def writer_lock(index_root: Path) -> Iterator[None]:
    """Hold the index's writer lock for the `with` block; fail at once when it is taken."""
    index_root.mkdir(parents=True, exist_ok=True)
    lock_path = index_root / LOCK_NAME
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexLocked(str(index_root), _holder(lock_path)) from None
        os.ftruncate(fd, 0)
        command = " ".join(["cables", *sys.argv[1:]]) if sys.argv else "cables"
        os.write(fd, f"process {os.getpid()} ({command[:200]})\n".encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the flock
