"""Corpus -> index: the first build, incremental updates, `--rebuild`.

Where it sits: file -> reader -> Cable -> document -> index, all of it; this module is the
write side's entry point (`update_index`) and decides which record of each refid is indexed.
The steps are modules of their own:

    corpus files --scan (`indexer.scan`: size/mtime, sha256 only when they differ)--> changed
    changed files --parse in worker processes (`indexer.parsework`)--> Cables --document-->
        new Whoosh segments (`indexer.fastwrite`) in a new generation (`indexer.store`)
    old segments: documents of affected refids marked deleted (`indexer.publish`)
    new generation = old segments + new segments + manifest (`indexer.manifest`)
        --publish (`indexer.publish`)--> index/live

One document per refid. When several records carry the same refid (several releases or
formats of one cable) the indexed one is the record with the greatest `rank`
(`indexer.precedence`); the others are kept as its versions (`versions.json`).

The write side imports nothing of the read side (tested: `tests/test_layering.py`); the
caller passes the read side's cache warm-up in (`warm`).
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import store
from .cable import Cable
from .document import to_document
from .errors import CorpusMissing, IndexUnwritable
from .lock import writer_lock
from .manifest import FileEntry, RecordEntry, load_manifest, version_row
from .memtune import freeze_survivors, gc_off, gc_paused
from .parse import parse_file
from .parsework import Terminated as Terminated
from .parsework import WrittenRecord, build_parts, merge_entries, write_documents
from .publish import WarmUp, check_format, commit, delete_refids, finish_generation, open_toc
from .scan import ScanResult, scan
from .wordsample import WordSample

__all__ = ["IndexReport", "Terminated", "WarmUp", "update_index"]


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


def update_index(
    corpus: list[Path],
    index_root: Path,
    *,
    rebuild: bool = False,
    procs: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    warm: WarmUp | None = None,
) -> IndexReport:
    """Bring the index at `index_root` up to date with the files under `corpus`.

    `warm` (the read side's `indexer.searching.warm_caches`, which `cables index` and
    `indexer.build_index` pass) builds the new generation's search caches before it is
    published, so that the first search after the update is as fast as the next ones;
    without it the first search builds them. `on_start` gets the number of files to read,
    `on_progress` the number read so far. Raises `Terminated` on SIGTERM (the index is then
    as it was)."""
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
    # size, loaded with the collector off, then frozen (see `memtune.gc_paused`)
    with writer_lock(index_root), gc_paused():
        store.prune(index_root)
        live = store.live_generation(index_root)
        if live is not None and not rebuild:
            check_format(index_root, live)
        with gc_off():
            old_manifest = {} if rebuild else load_manifest(live)
        freeze_survivors()
        result = scan(corpus, old_manifest)
        errors = [str(e) for e in result.errors]

        if live is not None and not rebuild and not result.to_read and not result.removed:
            return _no_change(index_root, live, old_manifest, result, errors, started, warm)

        base = None if rebuild else live
        gen = store.new_generation(index_root, base)
        try:
            report = _update_generation(
                gen, base, old_manifest, result, procs, on_start, on_progress
            )
            finish_generation(
                index_root, gen, report.files, report.versions, base, report.words, warm
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
    warm: WarmUp | None,
) -> IndexReport:
    """Nothing to index. Files that were only touched get their new mtime remembered."""
    touched = any(
        (old_manifest[p].size, old_manifest[p].mtime_ns) != (e.size, e.mtime_ns)
        for p, e in result.unchanged.items()
    )
    if touched:
        gen = store.new_generation(root, live)
        finish_generation(root, gen, result.unchanged, None, live, warm=warm)
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
    words: WordSample | None  # drawn while writing a fresh generation


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
            files[path] = merge_entries(files.get(path) if path in part_paths else None, entry)
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
        words = WordSample(dict(sampled), sum(s.doc_count_all() for s in new_segments))

    toc = open_toc(gen) if base is not None else None
    old_segments = list(toc.segments) if toc is not None else []
    # only refids the old index holds can have documents there to delete (not new ones)
    stale = {refid for refid in affected if refid in before}
    if toc is not None and stale:
        delete_refids(gen, toc, stale)
    generation = (toc.generation + 1) if toc is not None else 1
    commit(gen, old_segments + new_segments, generation)

    added = sum(1 for r in winners if r not in before)
    updated = sum(
        1
        for r, (path, rec) in winners.items()
        if r in before and (before[r][0], before[r][1].sha256) != (path, rec.sha256)
    )
    removed = sum(1 for r in affected if r in before and r not in winners)
    cables = len(now)
    versions = {
        refid: [version_row(path, rec, (path, rec) == _winner(cands)) for path, rec in cands]
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
