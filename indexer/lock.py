"""The writer lock of an index folder: one `cables index` at a time.

An `flock` on `index/.lock`: the kernel drops it when the holder dies (even by `kill -9`), so
a stale lock never blocks the next run. The file holds the holder's pid and command line, to
name it in the error a second writer gets.

A flock belongs to the open file, which a forked child shares: a worker process that outlived
its parent would hold the lock on. So forked children close their copy at once, and the
error names the holder only while that process exists.

Where it sits: file -> reader -> Cable -> document -> index; around the write side's whole
run (`indexer.ingest.update_index` holds it); searches never take it.
"""

from __future__ import annotations

import fcntl
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import IndexLocked
from .layout import LOCK_NAME

#: descriptors of the locks this process holds (closed in forked children)
_HELD: set[int] = set()


def _close_in_child() -> None:
    for fd in _HELD:
        with suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)

_HOLDER_RE = re.compile(r"^process (\d+) ")


def _holder(lock_path: Path) -> str:
    try:
        text = lock_path.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    m = _HOLDER_RE.match(text)
    if m is None or not process_exists(int(m.group(1))):
        # the named process has ended (or never wrote its name): something else holds it
        return "another process"
    return text


def process_exists(pid: int) -> bool:
    """Whether a process with this pid exists (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
        _HELD.add(fd)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing the descriptor releases the flock
