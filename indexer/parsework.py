"""Parsing in worker processes: changed files -> Cables -> documents -> new segments.

Where it sits: file -> reader -> Cable -> document -> index; all of it, for the files the
scan (`indexer.scan`) found new or changed. The files are shared out as work units between
worker processes by an estimate of their cost (`work_units`, `choose_procs`); each worker
parses its files in order (`indexer.parse`), turns each Cable into a document
(`indexer.document`), streams the documents into the segment writer (`indexer.fastwrite`)
and hands back what it read (manifest rows, `indexer.manifest`), the segments it wrote and
its share of the did-you-mean word sample (`indexer.wordsample`). SIGTERM and the death
of the parent end the workers (`Terminated`, `_end_with_parent`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from whoosh.filedb.filestore import FileStorage

from . import wordsample
from .cable import Cable, ReadError
from .document import to_document
from .fastwrite import DEFAULT_SEGMENT_DOCS, write_segment
from .lock import process_exists
from .manifest import FileEntry, RecordEntry
from .parse import parse_file, parse_range
from .readers import HEAD_BYTES, NoCable, csvfile, file_digest
from .readers.csvfile import split_points
from .readers.readahead import ReadAhead
from .schema import build_schema
from .store import checkpoint

__all__ = [
    "PartResult",
    "Terminated",
    "WorkUnit",
    "WrittenRecord",
    "build_parts",
    "choose_procs",
    "merge_entries",
    "work_units",
    "write_documents",
]

#: The cost model that shares files out between workers and picks their number: a record
#: costs ~1.5 ms (cleaning, extracting, indexing: the same in every format) plus its bytes
#: (reading and hashing: 4-20 ms a MB). A file of the multi-record formats holds about one
#: record per RECORD_BYTES; any other file one. (Measured 2026-12-01, bench/index.py
#: --formats: final-release HTML 0.81 ms reading + 0.97 ms cleaning a 190 KB page,
#: cables.csv 0.14 + 0.98 ms a 7 KB row.) Costs are in microseconds.
RECORD_COST_US = 1500
MB_COST_US = 8000
RECORD_BYTES = 7000
#: files named so are costed as multi-record files (a hint only: formats are sniffed later)
MULTI_RECORD_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson")

#: With automatic `procs`, a job estimated under this (one process) is read in one process:
#: starting workers costs ~1 s, and forking from a process that holds a big manifest several
#: (measured: 1,000 new cables on a 251,287-cable index took 4.5 s in 2 workers, 1.6 s in
#: one). The real dev set (3,961 records, estimated 6.5 s) took 98 s in 2 workers and 119 s
#: in one (2026-12-01, at load 13: CPU 26.2 s and 23.2 s); split by file count, as before
#: the cost model, 37 s against 29.5 s.
PARALLEL_FROM_US = 5_000_000

#: A cables.csv at least this big is read by all the workers, each a byte range of it.
SPLIT_FROM = 64 << 20

#: Documents per segment a worker writes before starting the next (bounds memory). A full
#: build makes 4 segments (two a worker: 65,000 and ~60,600 cables), not 14 of 20,000:
#: each search and each process that opens the index reads every segment's term table and
#: posting lists, so fewer of them answer faster (2026-12-04, full size, both indexes open
#: in one process, interleaved: p50 -5%, `*ment` -21%; a one-shot `cables search` -12 ms).
#: The full build took as long (146.5 against 147.2 s); a worker's peak RSS grew from 636
#: to 881 MiB (the postings of one segment live in memory until it is written).
SEGMENT_DOCS = DEFAULT_SEGMENT_DOCS


@dataclass(frozen=True)
class WrittenRecord:
    path: str
    entry: RecordEntry
    position: int  # index of the document among the part's documents, in input order


@dataclass
class PartResult:
    files: dict[str, FileEntry]
    records: list[WrittenRecord]
    errors: list[str]
    segments: list[Any]  # Whoosh segment objects, in document order
    words: Counter[str] | None  # did-you-mean words of its sampled documents (None: none)


def _record_entry(cable: Cable) -> RecordEntry:
    return RecordEntry(
        record=cable.source.record,
        refid=cable.refid,
        sha256=cable.source.sha256,
        released=cable.released.isoformat() if cable.released else "",
        format=cable.source.format,
        created=cable.created.isoformat() if cable.created else "",
        subject=cable.subject,
        release=cable.source.release or 0,
    )


class WorkUnit(NamedTuple):
    """A file to parse, or a byte range of one (a big cables.csv shared by the workers)."""

    path: str
    start: int = 0
    end: int | None = None  # None: to the end of the file
    rows_before: int = 0  # records of the file before `start`
    cost: int = 0  # estimated microseconds of work in one process (see RECORD_COST_US)

    @property
    def whole(self) -> bool:
        return self.start == 0 and self.end is None


def merge_entries(first: FileEntry | None, more: FileEntry) -> FileEntry:
    """The entry of a file read in byte ranges, from the ranges' entries (in file order)."""
    if first is None:
        return more
    return first._replace(
        sha256=first.sha256 or more.sha256,
        records=first.records + more.records,
        failures=first.failures + more.failures,
        no_cable=first.no_cable and more.no_cable,
    )


class _PartParser:
    """Parses a list of work units into Whoosh documents, streamed, remembering what it read,
    and the did-you-mean words of every `word_step`-th document. The step comes from the
    number of files; a file of many records (a CSV dump) would make the sample far larger
    than meant, so past WORD_SAMPLE_DOCS sampled documents the part stops sampling and
    gives no sample (`words` None: the sample is then drawn from the finished index)."""

    def __init__(self, units: list[WorkUnit], tick: Callable[[], None], word_step: int) -> None:
        self.units = units
        self.tick = tick
        self.word_step = word_step
        self.files: dict[str, FileEntry] = {}
        self.written: list[WrittenRecord] = []
        #: files that could not be read at all (not remembered: read again next time)
        self.errors: list[str] = []
        self.words: Counter[str] | None = Counter()
        self._sampled = 0

    def documents(self) -> Iterator[dict[str, Any]]:
        # the disk reads the next whole files while this one is parsed (a byte range of a
        # cables.csv is read sequentially, with the kernel's own read-ahead)
        with ReadAhead([u.path for u in self.units if u.whole]) as ahead:
            yield from self._documents(ahead)

    def _documents(self, ahead: ReadAhead) -> Iterator[dict[str, Any]]:
        position = 0
        for unit in self.units:
            if unit.whole:
                ahead.done_one()
            path = unit.path
            p = Path(path)
            try:
                st = p.stat()
            except OSError as exc:
                self.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
                self.tick()
                continue
            records: list[RecordEntry] = []
            failures: list[str] = []
            no_cable = False
            items = (
                parse_file(p)
                if unit.whole
                else parse_range(p, unit.start, unit.end, unit.rows_before)
            )
            for item in items:
                if isinstance(item, NoCable):
                    no_cable = True
                    continue
                if isinstance(item, ReadError):
                    failures.append(str(item))
                    continue
                entry = _record_entry(item)
                records.append(entry)
                self.written.append(WrittenRecord(path, entry, position))
                if self.words is not None and position % self.word_step == 0:
                    self._sample(item)
                position += 1
                yield to_document(item)
                checkpoint("parse")
            try:
                sha = self._file_hash(p, unit, records, failures)
            except OSError as exc:
                self.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
                self.tick()
                continue
            file_entry = FileEntry(
                st.st_size,
                st.st_mtime_ns,
                sha,
                tuple(records),
                tuple(failures),
                no_cable and not records and not failures,
            )
            self.files[path] = merge_entries(self.files.get(path), file_entry)
            if unit.end is None:
                self.tick()  # once per file: at its last range

    @staticmethod
    def _file_hash(
        p: Path, unit: WorkUnit, records: list[RecordEntry], failures: list[str]
    ) -> str:
        """The file's digest (`readers.file_digest`). A one-cable file's record hash is that
        digest (`Source.sha256`), so it is not read and hashed again (a final-release page is
        190 KB); a range after the first leaves the hash to the first range's worker."""
        if unit.start != 0:
            return ""
        if unit.whole and len(records) == 1 and records[0].record is None and not failures:
            return records[0].sha256
        return file_digest(p)

    def _sample(self, cable: Cable) -> None:
        if self._sampled >= wordsample.WORD_SAMPLE_DOCS or self.words is None:
            self.words = None
            return
        self._sampled += 1
        self.words.update(wordsample.document_words(cable.subject, cable.body))


def write_documents(gen: Path, docs: Iterable[dict[str, Any]]) -> list[Any]:
    """Write `docs` as new segments in `gen` (not yet listed in its TOC), in input order."""
    segments = write_segment(
        FileStorage(str(gen)), build_schema(), docs, segment_docs=SEGMENT_DOCS
    )
    checkpoint("write")
    return segments


def _build(
    gen: Path, units: list[WorkUnit], tick: Callable[[], None], word_step: int
) -> PartResult:
    parser = _PartParser(units, tick, word_step)
    segments = write_documents(gen, parser.documents())
    return PartResult(parser.files, parser.written, parser.errors, segments, parser.words)


_COUNTER: Any = None


def _init_worker(counter: Any, parent: int) -> None:
    global _COUNTER
    _COUNTER = counter
    # the pool's SIGTERM is the end of the worker, whatever the parent's handler
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent(parent)


def _end_with_parent(parent: int) -> None:
    """End this worker when the process that started the pool (`parent`) dies, even by
    `kill -9`: the kernel's parent-death signal where there is one (Linux), and everywhere a
    thread that looks every 0.5 s whether the worker's parent changed (it is re-parented when
    its parent dies; under forkserver its parent is the server, which ends with `parent`)."""
    if not process_exists(parent):
        os._exit(1)
    start = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == start and process_exists(parent):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _tick_shared() -> None:
    if _COUNTER is not None:
        with _COUNTER.get_lock():
            _COUNTER.value += 1


def _build_part(gen: str, units: list[WorkUnit], word_step: int) -> PartResult:
    return _build(Path(gen), units, _tick_shared, word_step)


def work_units(paths: list[str], procs: int) -> list[WorkUnit]:
    """The files to read as work units: a big cables.csv becomes `procs` byte ranges (one
    file would otherwise keep one worker busy while the others idle)."""
    units: list[WorkUnit] = []
    for path in paths:
        try:
            size = os.stat(path).st_size
        except OSError:
            size = 0
        multi = path.lower().endswith(MULTI_RECORD_SUFFIXES)
        if procs > 1 and size >= SPLIT_FROM and _is_csv(path):
            points = split_points(Path(path), procs)
            ends: list[int | None] = [start for start, _ in points[1:]]
            ends.append(None)
            for (start, before), end in zip(points, ends, strict=True):
                units.append(WorkUnit(path, start, end, before, _cost((end or size) - start, True)))
        else:
            units.append(WorkUnit(path, cost=_cost(size, multi)))
    return units


def _cost(size: int, multi_record: bool) -> int:
    records = max(1, size // RECORD_BYTES) if multi_record else 1
    return records * RECORD_COST_US + size * MB_COST_US // (1 << 20)


def _is_csv(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return False
    return csvfile.sniff(Path(path), head)


def _split(units: list[WorkUnit], parts: int) -> list[list[WorkUnit]]:
    """Contiguous chunks of about equal estimated cost, so document order follows file order."""
    if parts <= 1 or len(units) < 2:
        return [units]
    total = sum(u.cost for u in units)
    chunks: list[list[WorkUnit]] = [[]]
    done = 0
    for unit in units:
        # start the next chunk once this one has its share (the last takes the rest)
        if (
            chunks[-1]
            and len(chunks) < parts
            and done + unit.cost / 2 > total * len(chunks) / parts
        ):
            chunks.append([])
        chunks[-1].append(unit)
        done += unit.cost
    return chunks


def choose_procs(units: list[WorkUnit]) -> int:
    """Worker processes for `units` when the user did not say: one per core (at most 4),
    unless the job is too small to pay for starting them (PARALLEL_FROM_US)."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    if cores <= 1 or sum(u.cost for u in units) < PARALLEL_FROM_US:
        return 1
    return min(cores, 4)


def build_parts(
    gen: Path, paths: list[str], procs: int | None, on_progress: Callable[[int], None]
) -> list[PartResult]:
    """Parse `paths` and write their documents as segments in `gen`, `procs` processes."""
    if procs is None:
        procs = choose_procs(work_units(paths, 1))
    units = work_units(paths, procs)
    chunks = _split(units, procs)
    # (files, not yet documents: about one document a file in every format but CSV dumps)
    word_step = wordsample.word_sample_step(len(paths))
    if procs <= 1 or len(chunks) == 1:
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            on_progress(done)

        return [_build(gen, units, tick, word_step)]
    # fork is the cheapest start, but forking a process that runs other threads (the
    # watchdog observer of --watch) can deadlock the child: use forkserver there
    ctx = multiprocessing.get_context("fork" if threading.active_count() == 1 else "forkserver")
    counter = ctx.Value("q", 0)
    with (
        _stopped_by_sigterm(),
        ctx.Pool(len(chunks), initializer=_init_worker, initargs=(counter, os.getpid())) as pool,
    ):
        # (leaving the `with` for any reason, a SIGTERM included, terminates the workers)
        pending = [pool.apply_async(_build_part, (str(gen), chunk, word_step)) for chunk in chunks]
        while not all(p.ready() for p in pending):
            time.sleep(0.1)
            on_progress(counter.value)
        on_progress(counter.value)
        return [p.get() for p in pending]


class Terminated(BaseException):
    """SIGTERM arrived during an index run: unwinds it like Ctrl-C (workers ended, the new
    generation removed, the lock released)."""


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM raises `Terminated` in the main thread for the `with` block. Without it,
    `kill PID` ends the process at once, before it can stop its workers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Terminated(f"stopped by signal {signum}")

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)

