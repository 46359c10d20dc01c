"""Whole appends to a plain Whoosh index folder: the writer of the tests and benchmarks.

Where it sits: file -> reader -> Cable -> document -> index, at the last arrow, beside the
product's own path. `cables index` keeps its index in generations (`indexer.store`) and
commits through `indexer.publish`; `add_documents` instead appends segments written by the
segment writer (`indexer.fastwrite`) to one Whoosh folder and commits them with one new TOC,
as stock Whoosh's `writer().commit()` would. The tests compare its indexes with stock
Whoosh's (byte for byte in exact mode), and the benchmarks time it against stock Whoosh
and tantivy on the same documents, in one process or several (`_Workers`: worker processes
that each build whole segments of consecutive documents, so document numbers follow input
order exactly as one stock writer would number them). The product parallelises parsing and
writing together instead (`indexer.parsework`).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterable, Mapping, Sequence, Sized
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError, exists_in

from .fastwrite import (
    DEFAULT_SEGMENT_DOCS,
    RUN_DOCS,
    SegmentBuilder,
    chunks,
    write_segment,
)
from .layout import INDEX_NAME
from .memtune import freeze_survivors, segment_done
from .schema import build_schema
from .whoosh_private import (
    clean_unlisted,
    create_index,
    read_toc,
    temp_dir_name,
    write_lock,
    write_toc,
)

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

__all__ = ["add_documents", "balanced_segment_docs"]


def add_documents(
    index_dir: Path,
    docs: Iterable[Mapping[str, Any]],
    *,
    procs: int = 2,
    segment_docs: int = DEFAULT_SEGMENT_DOCS,
    schema: Schema | None = None,
    indexname: str = INDEX_NAME,
    compound: bool = True,
    exact: bool = False,
    expected_docs: int | None = None,
) -> None:
    """Appends `docs` to the index in `index_dir` (created with `schema`, by default
    `build_schema()`, if absent) as new segments, and commits them with one new TOC.

    Workers build whole segments of consecutive documents, so with `procs` workers the
    input is only spread over all of them when it spans `procs` segments: when `docs` has
    a length, or `expected_docs` says how many documents to expect, segments are cut to
    about 1/procs of the input (never above `segment_docs`). `exact=True` writes files
    byte-identical to stock Whoosh's (slower: see `indexer.termwrite.TermWriter`).

    Like stock `add_document` this never replaces documents: a refid already in the index
    is indexed twice unless the caller deletes the old one. Raises whoosh's LockError if
    another writer holds the index.
    """
    if expected_docs is None and isinstance(docs, Sized):
        expected_docs = len(docs)
    if procs > 1 and expected_docs:
        segment_docs = balanced_segment_docs(expected_docs, procs, segment_docs)
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir))
    if not exists_in(str(index_dir), indexname):
        create_index(storage, schema if schema is not None else build_schema(), indexname)
    lock = write_lock(storage, indexname)
    if not lock.acquire():
        raise LockError(f"index {index_dir} is locked by another writer")
    try:
        toc = read_toc(storage, indexname)
        try:
            if procs <= 1:
                new = write_segment(
                    storage,
                    toc.schema,
                    docs,
                    segment_docs=segment_docs,
                    indexname=indexname,
                    compound=compound,
                    exact=exact,
                )
            else:
                new = _parallel_segments(
                    index_dir, toc.schema, docs, procs, segment_docs, (indexname, compound, exact)
                )
        except BaseException:
            # drop the files of unpublished segments (we hold the lock: they are ours)
            clean_unlisted(storage, indexname, toc.generation, toc.segments)
            raise
        if new:
            generation = toc.generation + 1
            segments = [*toc.segments, *new]
            write_toc(storage, indexname, toc.schema, segments, generation)
            clean_unlisted(storage, indexname, generation, segments)
    finally:
        _remove_temp_dir(index_dir / temp_dir_name(indexname))
        lock.release()


def balanced_segment_docs(expected: int, procs: int, most: int) -> int:
    """Documents per segment for `expected` documents over `procs` workers: at most `most`,
    in a number of segments that is a multiple of `procs`, all of one size, so that every
    worker gets as many documents (251,287 in segments of at most 65,000: 4 of 62,822, not
    65,000 x 3 + 56,287, which gave one worker 130,000 and the other 121,287).

    >>> balanced_segment_docs(251_287, 2, 65_000), balanced_segment_docs(300, 2, 65_000)
    (62822, 150)
    >>> balanced_segment_docs(10, 4, 65_000), balanced_segment_docs(1, 2, 65_000)
    (3, 1)
    """
    segments = -(-expected // most)
    segments += -segments % procs
    return max(1, -(-expected // segments))


def _remove_temp_dir(path: Path) -> None:
    """The per-doc writers' scratch folder (stock writers remove it at commit too)."""
    if path.is_dir():
        FileStorage(str(path)).destroy()


# --- worker processes -------------------------------------------------------------------

_BATCH_DOCS = 64  # documents per queue message: amortizes queue overhead, little latency


def _worker(
    index_dir: str,
    schema: Schema,
    options: tuple[str, bool, bool],
    inbox: Queue[Any],
    outbox: Queue[Any],
    shared: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Builds the segments sent to it: ("docs", [doc, ...]) ... ("flush", segment_no), or
    with `shared` (the parent's documents, inherited by a forked worker) ("slice", (start,
    stop)) ... ("flush", segment_no)."""
    indexname, compound, exact = options
    storage = FileStorage(index_dir)
    builder: SegmentBuilder | None = None
    # as in write_segment (`gc_paused`): this process only builds segments, and freezes
    # what survives each batch (`freeze_survivors`); it never needs to unfreeze
    try:
        while (message := inbox.get()) is not None:
            kind, payload = message
            if kind in ("docs", "slice"):
                if builder is None:
                    builder = SegmentBuilder(
                        storage, schema, indexname, compound=compound, exact=exact
                    )
                if kind == "slice":
                    assert shared is not None
                    start, stop = payload
                    for run in range(start, stop, RUN_DOCS):
                        for doc in shared[run : min(run + RUN_DOCS, stop)]:
                            builder.add(doc)
                        freeze_survivors()
                    continue
                for doc in payload:
                    builder.add(doc)
                if builder.doc_count % RUN_DOCS < len(payload):  # passed a multiple of it
                    freeze_survivors()
            elif builder is not None:
                outbox.put(("segment", payload, builder.finish()))
                builder = None
                segment_done()
    except BaseException:
        if builder is not None:
            builder.abort()
        outbox.put(("error", None, traceback.format_exc()))


class _Workers:
    """`procs` worker processes; segment k (consecutive docs) goes to worker k % procs.

    Given `shared` (a sequence of documents) where processes are forked, the workers inherit
    it and are sent the bounds of their segments instead of the documents: the parent
    pickles nothing (with two workers on two cores, pickling them to the queues took ~10% of
    the time, one of the cores' worth of it)."""

    def __init__(
        self,
        procs: int,
        backlog_docs: int,
        args: tuple[str, Schema, tuple[str, bool, bool]],
        shared: Sequence[Mapping[str, Any]] | None = None,
    ) -> None:
        forked = os.name == "posix"
        ctx: Any = multiprocessing.get_context("fork" if forked else "spawn")
        #: the documents the workers read themselves (None: they are sent)
        self.shared = shared if forked else None
        # Each worker may have about one segment of documents queued: the parent reads
        # ahead while worker k builds segment k, so the others never starve.
        maxsize = max(2, backlog_docs // _BATCH_DOCS)
        self._inboxes: list[Queue[Any]] = [ctx.Queue(maxsize=maxsize) for _ in range(procs)]
        self._outbox: Queue[Any] = ctx.Queue()
        self._procs = [
            ctx.Process(
                target=_worker, args=(*args, inbox, self._outbox, self.shared), daemon=True
            )
            for inbox in self._inboxes
        ]
        self.segments: dict[int, Any] = {}
        for proc in self._procs:
            proc.start()

    def send(self, worker: int, message: Any) -> None:
        while True:
            try:
                self._inboxes[worker].put(message, timeout=0.5)
                return
            except queue.Full:
                self._check()

    def _check(self) -> None:
        """Collects finished segments; raises if a worker failed or died."""
        while True:
            try:
                kind, number, payload = self._outbox.get_nowait()
            except queue.Empty:
                break
            if kind == "error":
                raise RuntimeError(f"fast index worker failed:\n{payload}")
            self.segments[number] = payload
        for proc in self._procs:
            if proc.exitcode not in (None, 0):
                raise RuntimeError(f"fast index worker exited with code {proc.exitcode}")

    def finish(self, count: int) -> list[Any]:
        for worker in range(len(self._inboxes)):
            self.send(worker, None)
        while len(self.segments) < count:
            try:
                kind, number, payload = self._outbox.get(timeout=0.5)
            except queue.Empty:
                self._check()
                if all(p.exitcode is not None for p in self._procs):
                    self._check()  # a last message may have arrived meanwhile
                    if len(self.segments) < count:
                        raise RuntimeError("fast index workers exited early") from None
                continue
            if kind == "error":
                raise RuntimeError(f"fast index worker failed:\n{payload}")
            self.segments[number] = payload
        for proc in self._procs:
            proc.join()
        return [self.segments[k] for k in range(count)]

    def stop(self) -> None:
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _parallel_segments(
    index_dir: Path,
    schema: Schema,
    docs: Iterable[Mapping[str, Any]],
    procs: int,
    segment_docs: int,
    options: tuple[str, bool, bool],
) -> list[Any]:
    if segment_docs < 1:
        raise ValueError("segment_docs must be >= 1")
    shared = docs if isinstance(docs, Sequence) else None
    workers = _Workers(procs, segment_docs, (str(index_dir), schema, options), shared)
    try:
        if workers.shared is not None:
            total = len(workers.shared)
            starts = range(0, total, segment_docs)
            for number, start in enumerate(starts):
                bounds = (start, min(start + segment_docs, total))
                workers.send(number % procs, ("slice", bounds))
                workers.send(number % procs, ("flush", number))
            return workers.finish(len(starts))
        count = 0
        it = iter(docs)
        while True:
            worker = count % procs
            sent = 0
            for batch in chunks(islice(it, segment_docs), _BATCH_DOCS):
                workers.send(worker, ("docs", batch))
                sent += len(batch)
            if not sent:
                break
            workers.send(worker, ("flush", count))
            count += 1
            if sent < segment_docs:
                break
        return workers.finish(count)
    finally:
        workers.stop()
