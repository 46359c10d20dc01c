"""glibc's heap for searches: freed arrays kept for the next ones, given back between requests.

Where it sits: query -> hits, around the search, not in the flow: `open_index` keeps freed
memory in the process (`keep_freed_memory`), and the web application gives it back after
each request (`give_back`, with the mapped index pages: `Searchable.drop_pages`).

A search at full size allocates a dozen arrays of 2 MB (a mask, scores, their sums) and
frees them; glibc maps every block above its threshold (128 KiB, raised as blocks are
freed) fresh from the kernel and unmaps it on free, so each search faults every page of
them in again, and shrinks the heap's top as it goes. Measured on the 20 queries of
`bench/search.py` at full size (one process, 5 runs each): 94,280 page faults and 6.45 CPU s
with glibc's defaults, 40,049 and 5.02 s with freed blocks kept (thresholds of 256 MiB and
512 MiB). A long-running server gives the heap back after each request (`malloc_trim`), so
its memory between requests is what it was. No effect where libc is not glibc.
"""

from __future__ import annotations

import ctypes
import functools
import sys

__all__ = ["give_back", "keep_freed_memory"]

_M_TRIM_THRESHOLD = -1  # glibc mallopt parameters
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 256 << 20  # blocks below this come from the heap, reused when freed
_TRIM_THRESHOLD = 512 << 20  # the heap's free top is given back past this (or by give_back)

_kept = False


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """glibc, looked for once (not again after every web request where it is absent)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None  # not glibc
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def keep_freed_memory() -> None:
    """Freed blocks up to 256 MiB stay in the process for the next allocation (once per
    process; a no-op without glibc)."""
    global _kept
    libc = _glibc()
    if _kept or libc is None:
        return
    _kept = True
    libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)


def give_back() -> None:
    """The heap's free memory back to the kernel (`malloc_trim(0)`), for a process that
    waits between searches; a no-op before `keep_freed_memory` or without glibc."""
    libc = _glibc()
    if _kept and libc is not None:
        libc.malloc_trim(0)
