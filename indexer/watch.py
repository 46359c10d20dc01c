"""`cables index --watch`: re-index within seconds of cables landing in the corpus.

File events come from watchdog (inotify on Linux). Events are coalesced: an update runs once
the corpus has been quiet for `settle` seconds (a copy of many files triggers one update).

Where it sits: file -> reader -> Cable -> document -> index, on the write side: it runs the
whole flow (`indexer.ingest.update_index`) again whenever the corpus changes, with the
caller's cache warm-up (`warm`; `cables index --watch` passes the read side's).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .ingest import IndexReport, WarmUp, update_index


class _Changed(FileSystemEventHandler):
    def __init__(self, index_root: Path) -> None:
        self.event = threading.Event()
        self.index_root = index_root.resolve()

    def on_any_event(self, event: FileSystemEvent) -> None:
        path = Path(str(event.src_path))
        if event.is_directory and event.event_type == "modified":
            return
        if self.index_root in path.parents or path.name.startswith("."):
            return
        self.event.set()


def watch_index(
    corpus: list[Path],
    index_root: Path,
    on_report: Callable[[IndexReport], None],
    *,
    settle: float = 1.0,
    procs: int | None = None,
    stop: threading.Event | None = None,
    warm: WarmUp | None = None,
) -> None:
    """Update now, then after every burst of changes, until `stop` is set (or Ctrl-C)."""
    stop = stop or threading.Event()
    handler = _Changed(index_root)
    observer = Observer()
    for folder in corpus:
        watched = folder if folder.is_dir() else folder.parent
        observer.schedule(handler, str(watched), recursive=True)
    observer.start()
    try:
        on_report(update_index(corpus, index_root, procs=procs, warm=warm))
        while not stop.is_set():
            if not handler.event.wait(timeout=0.2):
                continue
            # wait until the burst is over
            while handler.event.is_set() and not stop.is_set():
                handler.event.clear()
                stop.wait(settle)
            if not stop.is_set():
                on_report(update_index(corpus, index_root, procs=procs, warm=warm))
    finally:
        observer.stop()
        # bounded: Ctrl-C must end the process even if an observer thread is slow to stop
        # (watchdog's threads are daemons; older releases could stay blocked in an inotify
        # read, watchdog issues #250 and #1045)
        observer.join(timeout=5)
