"""Process tuning for an index run: the garbage collector and glibc's heap.

Where it sits: file -> reader -> Cable -> document -> index; around the whole run, not in
the flow: the update (`indexer.ingest`) pauses full collections while it holds its manifest
and builds segments, and the segment writer (`indexer.fastwrite`) freezes what survives each
run of documents and tunes malloc once per process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
from collections.abc import Iterator

__all__ = ["freeze_survivors", "gc_off", "gc_paused", "segment_done", "tune_malloc"]

_M_TOP_PAD = -2  # glibc mallopt parameter
_malloc_tuned = False


def tune_malloc() -> None:
    """Stops glibc from handing zlib's work area back to the OS after every compress call.

    Each `zlib.compress` allocates ~256 KB (four 64 KB buffers, below the mmap threshold,
    so on the heap); freeing them leaves a top chunk above glibc's 128 KB trim threshold,
    so glibc shrinks the heap and the next call faults the pages back in: ~50 us per
    call instead of ~3 us, and a segment compresses one block per term. Keeping 1 MB of
    padding at the top of the heap avoids that. No effect where libc is not glibc.
    """
    global _malloc_tuned
    if _malloc_tuned or not sys.platform.startswith("linux"):
        return
    _malloc_tuned = True
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TOP_PAD, 1 << 20)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


_paused = 0  # depth of nested `gc_paused` blocks (an index run holds one around its builds)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Full (oldest-generation) collections do not walk what a run keeps while it works.

    Building a segment allocates millions of small containers (tokens, postings, parsed
    cables) and frees nearly all of them by reference counting, while the postings dicts
    it keeps grow to millions of entries, and an index run keeps its manifest (a million
    objects at full size): each full collection walked all of them again, ~5% of the time
    of parsing and writing, and doubled the manifest's load time. So what has survived is
    frozen (`gc.freeze`: collections no longer look at it) every `fastwrite.RUN_DOCS`
    documents and after the manifest is loaded (`freeze_survivors`); young collections still run, so
    short-lived cycles are freed as they come, and `segment_done` runs one full collection
    after each segment. Frozen objects are still freed by reference counting; the outermost
    block unfreezes them at its end.

    This replaces raising the oldest generation's threshold out of reach, which Python
    3.13's collector ignored for the manifest's load (2.1 s with it, 1.7 s without, 1.3 s
    frozen; see README "Benchmarks") and 3.14's incremental collector ignores altogether.
    """
    global _paused
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if not _paused:
            gc.unfreeze()
            gc.collect()


def freeze_survivors() -> None:
    """Collects the young generations, then freezes everything still tracked (see
    `gc_paused`; only inside one, or in a worker process, which only builds segments)."""
    gc.collect(1)
    gc.freeze()


@contextlib.contextmanager
def gc_off() -> Iterator[None]:
    """No collections at all (loading a large acyclic structure such as the manifest, which
    the caller freezes afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def segment_done() -> None:
    """After a segment is written: free what the build left in reference cycles, frozen
    ones included (a cycle that became garbage after it was frozen), then freeze again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
