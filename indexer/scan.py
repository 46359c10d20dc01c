"""Which corpus files changed since the live generation: the scan.

Where it sits: file -> reader -> Cable -> document -> index; before the first arrow: the
update (`indexer.ingest`) compares the corpus with the live generation's manifest
(`indexer.manifest`) and reads only what is new or changed (`indexer.parsework`). Files are
stat'ed first; a file is hashed only when its size or mtime differs from the manifest's
(`readers.file_digest`: the sha256, or for a large release page the digest of the parts its
reader reads).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cable import ReadError
from .manifest import FileEntry
from .readers import file_digest, iter_file_names

__all__ = ["ScanResult", "scan"]


@dataclass
class ScanResult:
    stats: dict[str, tuple[int, int]]  # path -> (size, mtime_ns) of every corpus file
    to_read: list[str]  # new or changed files
    unchanged: dict[str, FileEntry]  # manifest entries still valid (stat refreshed)
    removed: list[str]
    errors: list[ReadError]


def scan(corpus: Iterable[Path], old: dict[str, FileEntry]) -> ScanResult:
    """Compare the corpus with the manifest: stat first, hash only files whose stat differs."""
    stats: dict[str, tuple[int, int]] = {}
    errors: list[ReadError] = []
    # resolve the roots once: the manifest keys are absolute paths, and resolving every
    # file would cost a syscall per path component
    for item in iter_file_names(p.resolve() for p in corpus):
        if isinstance(item, ReadError):
            errors.append(item)
            continue
        try:
            st = os.stat(item)
        except OSError as exc:
            errors.append(ReadError(item, None, f"cannot read: {exc.strerror or exc}"))
            continue
        stats[item] = (st.st_size, st.st_mtime_ns)
    to_read: list[str] = []
    unchanged: dict[str, FileEntry] = {}
    for path, (size, mtime_ns) in stats.items():
        entry = old.get(path)
        if entry is None:
            to_read.append(path)
        elif (entry.size, entry.mtime_ns) == (size, mtime_ns):
            unchanged[path] = entry
        elif entry.size == size and file_digest(Path(path)) == entry.sha256:
            # touched but identical: keep it, remember the new mtime
            unchanged[path] = entry._replace(mtime_ns=mtime_ns)
        else:
            to_read.append(path)
    removed = [path for path in old if path not in stats]
    return ScanResult(stats, to_read, unchanged, removed, errors)
