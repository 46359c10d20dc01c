"""Corpus -> index: the first build, incremental updates, `--rebuild`.

    corpus files --scan (size/mtime, sha256 only when they differ)--> changed files
    changed files --parse (2 worker processes)--> Cables --document--> new Whoosh segments
    old segments: documents of affected refids marked deleted
    new generation = old segments + new segments + manifest --publish--> index/live

One document per refid. When several records carry the same refid (several releases or
formats of one cable) the indexed one is the record with the greatest `rank`: the newest
Cablegate release first (the release pages' "released so far" counter, 243 ... 251287), then
the later `released` date, then the richer format (FORMAT_RANK), then the greater path, then
the greater record number. The others are kept as its versions (`versions.json`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from . import fastwrite, store
from . import searching as search
from .cable import Cable, ReadError
from .document import to_document
from .errors import CorpusMissing, IndexIncompatible, IndexUnwritable
from .layout import INDEX_NAME, MANIFEST, MANIFEST_VERSION, VERSIONS
from .lock import writer_lock
from .parse import parse_file, parse_range
from .readers import HEAD_BYTES, NoCable, csvfile, iter_file_names
from .readers.csvfile import split_points
from .schema import build_schema, incompatibility

#: manifest versions this one reads (an update writes MANIFEST_VERSION back): 1 had an object
#: per file, 2 an array (written straight from FileEntry tuples, read ~2x faster), 3 adds
#: whether the file holds no cable at all. Files that failed under 1 or 2 are read again:
#: those versions counted files without a cable among the failures.
READABLE_MANIFESTS = (1, 2, 3)

#: Richer formats win ties between records of one refid with the same release date.
FORMAT_RANK: dict[str, int] = {
    "html": 9,
    "csv": 8,
    "pagetext": 7,
    "jsonp": 6,
    "jsonl": 5,
    "pdf": 4,
    "pdftotext": 3,
    "alx": 2,
    "pre": 1,
}

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

#: Documents per segment a worker writes before starting the next (bounds memory).
SEGMENT_DOCS = 20_000


# --- records -------------------------------------------------------------------------------


class RecordEntry(NamedTuple):
    """One parsed record as the manifest remembers it (a row of manifest.json). Manifest rows
    are named tuples, not dataclasses: an update loads one per file of the corpus, and tuples
    are built (and written back as JSON arrays) several times faster."""

    record: int | None
    refid: str
    sha256: str
    released: str  # ISO date-time or "" (for the rank)
    format: str
    created: str
    subject: str
    release: int  # Cablegate release size (243 ... 251287), 0 when unknown

    def rank(self, path: str) -> tuple[int, str, int, str, int]:
        return (
            self.release,
            self.released,
            FORMAT_RANK.get(self.format, 0),
            path,
            self.record or 0,
        )


class FileEntry(NamedTuple):
    size: int
    mtime_ns: int
    sha256: str
    records: tuple[RecordEntry, ...]
    #: the file's records that could not be read (`path[:record]: reason`), reported by every
    #: run until the file changes
    failures: tuple[str, ...] = ()
    #: the file holds no cable at all (see `readers.NoCable`): counted, not a failure
    no_cable: bool = False


@dataclass(frozen=True)
class IndexReport:
    """The outcome of one `cables index` run (the `--json` summary)."""

    added: int
    updated: int
    removed: int
    unchanged: int
    failed: int
    cables: int
    seconds: float
    index: str
    generation: str | None
    rebuilt: bool
    files_read: int = 0
    errors: tuple[str, ...] = field(default=())
    #: files that hold no cable at all (not failures)
    no_cable: int = 0


def checkpoint(name: str) -> None:
    """Crash-test hook: with CABLES_TEST_PAUSE_AT=name, announce the point on stderr and wait
    there, so a test can `kill -9` a real `cables index` at a known step."""
    if os.environ.get("CABLES_TEST_PAUSE_AT") == name:
        os.write(2, f"PAUSED AT {name}\n".encode())
        time.sleep(60)


# --- manifest ------------------------------------------------------------------------------


# RecordEntry from a JSON array, with no Python-level call per record (NamedTuple._make is one)
_record_from_json = functools.partial(tuple.__new__, RecordEntry)


# FileEntry from a list of its fields, in one C call
_file_from_json = functools.partial(tuple.__new__, FileEntry)


def _v1_row(obj: dict[str, Any]) -> list[Any]:
    """A version-1 manifest row (an object) as a version-2 row (an array)."""
    return [obj["size"], obj["mtime_ns"], obj["sha256"], obj["records"], obj.get("failures", [])]


def _v2_row(row: list[Any]) -> list[Any]:
    """A version-2 row as a version-3 row. A file that failed gets size -1, so that the scan
    reads it again (with the readers of today, which may find it holds no cable)."""
    if len(row) == 5:
        row.append(False)
        if row[4]:
            row[0] = -1
    return row


def load_manifest(gen: Path | None) -> dict[str, FileEntry]:
    if gen is None or not (gen / MANIFEST).exists():
        return {}
    data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    version = data.get("version")
    if version not in READABLE_MANIFESTS:
        raise IndexIncompatible(
            str(gen.parent), f"its manifest is version {version}, this one reads {MANIFEST_VERSION}"
        )
    try:
        files = _manifest_files(data["files"], version)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise IndexIncompatible(str(gen.parent), "its manifest rows are of another form") from exc
    width = len(RecordEntry._fields)
    if any(len(rec) != width for entry in files.values() for rec in entry.records):
        raise IndexIncompatible(str(gen.parent), f"manifest rows are not of {width} fields")
    return files


def _manifest_files(rows: dict[str, Any], version: int) -> dict[str, FileEntry]:
    """path -> FileEntry from the manifest's rows. Rows become tuples without a Python-level
    call each (`_file_from_json`, `_record_from_json`), so widths are checked: a file row's
    here, a record row's by the caller."""
    if version == 1:
        rows = {path: _v1_row(obj) for path, obj in rows.items()}
    if version in (1, 2):
        rows = {path: _v2_row(row) for path, row in rows.items()}
    file_width = len(FileEntry._fields)
    for row in rows.values():  # (in place: no new list per row)
        if len(row) != file_width:
            raise ValueError(f"a manifest row of {len(row)} items, not {file_width}")
        row[3] = tuple(map(_record_from_json, row[3]))
        row[4] = tuple(row[4])
        row[5] = bool(row[5])
    return dict(zip(rows, map(_file_from_json, rows.values()), strict=True))


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (5x slower on a
    # 250,000-file manifest); ASCII output (\u escapes) is the encoder's fastest path
    text = json.dumps(data, separators=(",", ":"))
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


# --- scanning ------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size <= _WHOLE_READ:
            # one read into a buffer of the file's size (a cable is a few KB; reading in
            # 1 MiB chunks allocated 1 MiB per file)
            return hashlib.sha256(fh.read()).hexdigest()
        digest = hashlib.sha256()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
        return digest.hexdigest()


_WHOLE_READ = 1 << 24


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
        elif entry.size == size and file_sha256(Path(path)) == entry.sha256:
            # touched but identical: keep it, remember the new mtime
            unchanged[path] = entry._replace(mtime_ns=mtime_ns)
        else:
            to_read.append(path)
    removed = [path for path in old if path not in stats]
    return ScanResult(stats, to_read, unchanged, removed, errors)


# --- parsing + segment writing (in worker processes) ---------------------------------------


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


def _merge(first: FileEntry | None, more: FileEntry) -> FileEntry:
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
        position = 0
        for unit in self.units:
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
            self.files[path] = _merge(self.files.get(path), file_entry)
            if unit.end is None:
                self.tick()  # once per file: at its last range

    @staticmethod
    def _file_hash(
        p: Path, unit: WorkUnit, records: list[RecordEntry], failures: list[str]
    ) -> str:
        """The file's sha256. A one-cable file's record hash is the hash of the whole file
        (`Source.sha256`), so it is not read and hashed again (a final-release page is
        190 KB); a range after the first leaves the hash to the first range's worker."""
        if unit.start != 0:
            return ""
        if unit.whole and len(records) == 1 and records[0].record is None and not failures:
            return records[0].sha256
        return file_sha256(p)

    def _sample(self, cable: Cable) -> None:
        if self._sampled >= search.WORD_SAMPLE_DOCS or self.words is None:
            self.words = None
            return
        self._sampled += 1
        self.words.update(search.document_words(cable.subject, cable.body))


def write_documents(gen: Path, docs: Iterable[dict[str, Any]]) -> list[Any]:
    """Write `docs` as new segments in `gen` (not yet listed in its TOC), in input order."""
    segments = fastwrite.write_segment(
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
    if not _alive(parent):
        os._exit(1)
    start = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == start and _alive(parent):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    word_step = search.word_sample_step(len(paths))
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


# --- the update ----------------------------------------------------------------------------


def _open_toc(gen: Path) -> whoosh_index.TOC | None:
    storage = FileStorage(str(gen))
    try:
        return whoosh_index.TOC.read(storage, INDEX_NAME)
    except whoosh_index.EmptyIndexError:
        return None


def _delete_refids(gen: Path, toc: whoosh_index.TOC, refids: set[str]) -> None:
    """Mark the documents of `refids` deleted in the old segments (no files rewritten)."""
    storage = FileStorage(str(gen))
    for segment in toc.segments:
        reader = SegmentReader(storage, toc.schema, segment)
        try:
            for refid in refids:
                if ("refid", refid) in reader:
                    for docnum in reader.postings("refid", refid).all_ids():
                        segment.delete_document(docnum)
        finally:
            reader.close()


def _check_format(index_root: Path, live: Path) -> None:
    """An index written with another schema (an older analyzer) cannot take new segments."""
    try:
        toc = whoosh_index.TOC.read(FileStorage(str(live)), INDEX_NAME)
    except (OSError, whoosh_index.EmptyIndexError):
        return  # nothing readable: the update rebuilds what it needs
    why = incompatibility(toc.schema)
    if why is not None:
        raise IndexIncompatible(str(index_root), why)


def update_index(
    corpus: list[Path],
    index_root: Path,
    *,
    rebuild: bool = False,
    procs: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Bring the index at `index_root` up to date with the files under `corpus`."""
    started = time.perf_counter()
    missing = [str(p) for p in corpus if not p.exists()]
    if missing:
        raise CorpusMissing(
            f"corpus folder {', '.join(missing)} does not exist - pass the folder(s) holding "
            "the cables, or set CABLES_CORPUS"
        )
    try:
        index_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexUnwritable(
            f"cannot create the index folder {index_root}: {exc.strerror or exc} - "
            "pass a writable --index DIR"
        ) from exc
    if not os.access(index_root, os.W_OK):
        raise IndexUnwritable(
            f"the index folder {index_root} is not writable - fix its permissions or pass "
            "another --index DIR"
        )
    # no collection walks the manifest during the run: it is a million objects at full
    # size, loaded with the collector off, then frozen (see `fastwrite.gc_paused`)
    with writer_lock(index_root), fastwrite.gc_paused():
        store.prune(index_root)
        live = store.live_generation(index_root)
        if live is not None and not rebuild:
            _check_format(index_root, live)
        with fastwrite.gc_off():
            old_manifest = {} if rebuild else load_manifest(live)
        fastwrite.freeze_survivors()
        result = scan(corpus, old_manifest)
        errors = [str(e) for e in result.errors]

        if live is not None and not rebuild and not result.to_read and not result.removed:
            return _no_change(index_root, live, old_manifest, result, errors, started)

        base = None if rebuild else live
        gen = store.new_generation(index_root, base)
        try:
            report = _update_generation(
                gen, base, old_manifest, result, procs, on_start, on_progress
            )
            _finish_generation(
                index_root, gen, report.files, report.versions, base, report.words
            )
        except OSError as exc:
            shutil.rmtree(gen, ignore_errors=True)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
                raise IndexUnwritable(
                    f"disk full while writing the index in {index_root} - the previous index "
                    "is intact; free some space and run `cables index` again"
                ) from exc
            raise IndexUnwritable(
                f"cannot write the index in {index_root}: {exc.strerror or exc} - the previous "
                "index is intact"
            ) from exc
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        store.prune(index_root)
        remembered = _remembered_failures(report.files)
        return IndexReport(
            added=report.added,
            updated=report.updated,
            removed=report.removed,
            unchanged=report.unchanged,
            failed=len(errors) + len(report.errors) + len(remembered),
            cables=report.cables,
            seconds=time.perf_counter() - started,
            index=str(index_root),
            generation=gen.name,
            rebuilt=rebuild or live is None,
            files_read=len(result.to_read),
            errors=tuple(errors + report.errors + remembered),
            no_cable=sum(1 for e in report.files.values() if e.no_cable),
        )


def _remembered_failures(files: dict[str, FileEntry]) -> list[str]:
    """The failed records of the corpus's files, read in this run or an earlier one."""
    return [line for entry in files.values() for line in entry.failures]


def _no_change(
    root: Path,
    live: Path,
    old_manifest: dict[str, FileEntry],
    result: ScanResult,
    errors: list[str],
    started: float,
) -> IndexReport:
    """Nothing to index. Files that were only touched get their new mtime remembered."""
    touched = any(
        (old_manifest[p].size, old_manifest[p].mtime_ns) != (e.size, e.mtime_ns)
        for p, e in result.unchanged.items()
    )
    if touched:
        gen = store.new_generation(root, live)
        _finish_generation(root, gen, result.unchanged, None, live)
        live = gen
    cables = len({r.refid for e in result.unchanged.values() for r in e.records})
    remembered = _remembered_failures(result.unchanged)
    return IndexReport(
        added=0,
        updated=0,
        removed=0,
        unchanged=cables,
        failed=len(errors) + len(remembered),
        cables=cables,
        seconds=time.perf_counter() - started,
        index=str(root),
        generation=live.name,
        rebuilt=False,
        errors=tuple(errors + remembered),
        no_cable=sum(1 for e in result.unchanged.values() if e.no_cable),
    )


@dataclass
class _GenerationReport:
    files: dict[str, FileEntry]
    versions: dict[str, list[dict[str, Any]]]
    added: int
    updated: int
    removed: int
    unchanged: int
    cables: int
    errors: list[str]
    words: search.WordSample | None  # drawn while writing a fresh generation


def _winner(candidates: list[tuple[str, RecordEntry]]) -> tuple[str, RecordEntry]:
    return max(candidates, key=lambda c: c[1].rank(c[0]))


def _update_generation(
    gen: Path,
    base: Path | None,
    old_manifest: dict[str, FileEntry],
    scan_result: ScanResult,
    procs: int | None,
    on_start: Callable[[int], None] | None,
    on_progress: Callable[[int], None] | None,
) -> _GenerationReport:
    if on_start:
        on_start(len(scan_result.to_read))
    parts = build_parts(gen, scan_result.to_read, procs, on_progress or (lambda n: None))

    files = dict(scan_result.unchanged)
    part_paths: set[str] = set()
    new_segments: list[Any] = []
    written: list[tuple[WrittenRecord, int, int]] = []  # record, segment index, docnum
    errors: list[str] = []
    for part in parts:
        for path, entry in part.files.items():
            # a file read in byte ranges has an entry from each range's part, in order
            files[path] = _merge(files.get(path) if path in part_paths else None, entry)
            part_paths.add(path)
        errors.extend(part.errors)
        offsets: list[tuple[int, int]] = []  # (first position, segment index)
        first = 0
        for segment in part.segments:
            offsets.append((first, len(new_segments)))
            new_segments.append(segment)
            first += segment.doc_count_all()
        for wrec in part.records:
            seg_index, seg_first = _locate(offsets, wrec.position)
            written.append((wrec, seg_index, wrec.position - seg_first))

    # refid -> every (path, record) that carries it, now and before
    now: dict[str, list[tuple[str, RecordEntry]]] = {}
    for path, entry in files.items():
        for rec in entry.records:
            now.setdefault(rec.refid, []).append((path, rec))
    before: dict[str, tuple[str, RecordEntry]] = {}
    for refid, cands in _group(old_manifest).items():
        before[refid] = _winner(cands)

    changed_paths = set(scan_result.to_read) | set(scan_result.removed)
    affected = {
        rec.refid
        for path in changed_paths
        for entry in (old_manifest.get(path), files.get(path))
        if entry is not None
        for rec in entry.records
    }

    # Keep exactly one new document per affected refid: its winner's, when it was just written.
    keep: set[tuple[int, int]] = set()
    rewrite: dict[str, tuple[str, RecordEntry]] = {}
    winners: dict[str, tuple[str, RecordEntry]] = {}
    for refid in affected:
        if now.get(refid):
            winners[refid] = _winner(now[refid])
    written_by_key = {(w.path, w.entry.record, w.entry.refid): (s, d) for w, s, d in written}
    for refid, (path, rec) in winners.items():
        loc = written_by_key.get((path, rec.record, refid))
        if loc is None:
            rewrite[refid] = (path, rec)  # winner sits in an unchanged file: index it again
        else:
            keep.add(loc)
    for _, seg_index, docnum in written:
        if (seg_index, docnum) not in keep:
            new_segments[seg_index].delete_document(docnum)

    if rewrite:
        extra_docs = _reparse(rewrite)
        new_segments.extend(write_documents(gen, extra_docs))

    words = None
    # a fresh generation: the parts' samples cover all of it (if every part has one)
    if base is None and all(part.words is not None for part in parts):
        sampled: Counter[str] = Counter()
        for part in parts:
            sampled.update(part.words)
        words = search.WordSample(dict(sampled), sum(s.doc_count_all() for s in new_segments))

    toc = _open_toc(gen) if base is not None else None
    old_segments = list(toc.segments) if toc is not None else []
    # only refids the old index holds can have documents there to delete (not new ones)
    stale = {refid for refid in affected if refid in before}
    if toc is not None and stale:
        _delete_refids(gen, toc, stale)
    generation = (toc.generation + 1) if toc is not None else 1
    storage = FileStorage(str(gen))
    whoosh_index.TOC(build_schema(), old_segments + new_segments, generation).write(
        storage, INDEX_NAME
    )
    checkpoint("commit")
    for old_toc in gen.glob(f"_{INDEX_NAME}_*.toc"):
        if old_toc.name != f"_{INDEX_NAME}_{generation}.toc":
            old_toc.unlink()

    added = sum(1 for r in winners if r not in before)
    updated = sum(
        1
        for r, (path, rec) in winners.items()
        if r in before and (before[r][0], before[r][1].sha256) != (path, rec.sha256)
    )
    removed = sum(1 for r in affected if r in before and r not in winners)
    cables = len(now)
    versions = {
        refid: [_version(path, rec, (path, rec) == _winner(cands)) for path, rec in cands]
        for refid, cands in now.items()
        if len(cands) > 1
    }
    return _GenerationReport(
        files=files,
        versions=versions,
        added=added,
        updated=updated,
        removed=removed,
        unchanged=cables - added - updated,
        cables=cables,
        errors=errors,
        words=words,
    )


def _locate(offsets: list[tuple[int, int]], position: int) -> tuple[int, int]:
    found = offsets[0]
    for first, seg_index in offsets:
        if first <= position:
            found = (first, seg_index)
        else:
            break
    return found[1], found[0]


def _group(manifest: dict[str, FileEntry]) -> dict[str, list[tuple[str, RecordEntry]]]:
    groups: dict[str, list[tuple[str, RecordEntry]]] = {}
    for path, entry in manifest.items():
        for rec in entry.records:
            groups.setdefault(rec.refid, []).append((path, rec))
    return groups


def _reparse(wanted: dict[str, tuple[str, RecordEntry]]) -> list[dict[str, Any]]:
    """Documents of records in unchanged files, one per refid. A record is found by its
    number or, failing that, by its bytes' hash: a cables.csv read in byte ranges numbers
    its rows by their first lines, which can differ from a whole read in a broken file."""
    docs: list[dict[str, Any]] = []
    by_path: dict[str, dict[str, RecordEntry]] = {}
    for refid, (path, rec) in wanted.items():
        by_path.setdefault(path, {})[refid] = rec
    for path, recs in sorted(by_path.items()):
        by_hash: dict[str, Cable] = {}
        for item in parse_file(Path(path)):
            if not isinstance(item, Cable) or item.refid not in recs:
                continue
            rec = recs[item.refid]
            if item.source.record == rec.record:
                docs.append(to_document(item))
                del recs[item.refid]
            elif item.source.sha256 == rec.sha256:
                by_hash.setdefault(item.refid, item)
        docs.extend(to_document(item) for refid, item in by_hash.items() if refid in recs)
    return docs


def _version(path: str, rec: RecordEntry, indexed: bool) -> dict[str, Any]:
    return {
        "path": path,
        "record": rec.record,
        "format": rec.format,
        "sha256": rec.sha256,
        "released": rec.released or None,
        "created": rec.created or None,
        "subject": rec.subject,
        "release": rec.release or None,
        "indexed": indexed,
    }


def _finish_generation(
    root: Path,
    gen: Path,
    files: dict[str, FileEntry],
    versions: dict[str, list[dict[str, Any]]] | None,
    previous: Path | None,
    words: search.WordSample | None = None,
) -> None:
    _write_json(
        gen / MANIFEST,
        {
            "version": MANIFEST_VERSION,
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            # FileEntry and RecordEntry are tuples: JSON arrays without a conversion each
            # (in the order the update met the files; not sorted, which took 0.4 s)
            "files": files,
        },
    )
    if versions is not None:
        _write_json(gen / VERSIONS, versions)
    search.warm_caches(gen, previous, words)
    store.fsync_tree(gen)
    checkpoint("swap")
    store.publish(root, gen)
