"""Building and updating the index: counts, incremental changes, duplicates, errors."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import REAL_CABLES, needs_real_cables
from helpers import page_cable, write_cable
from whoosh import index as whoosh_index

from indexer import ingest, parsework, store, wordsample
from indexer import searching as search
from indexer.errors import CorpusMissing, IndexIncompatible, IndexLocked, IndexUnwritable
from indexer.layout import FACETS_FILE, MANIFEST_VERSION, VARIANTS_FILE, WORD_SAMPLE_FILE
from indexer.lock import writer_lock


def update_index(corpus: list[Path], root: Path, **options: Any) -> ingest.IndexReport:
    """`cables index` as the command runs it: with the read side's cache warm-up."""
    return ingest.update_index(corpus, root, warm=search.warm_caches, **options)


def indexed_refids(root: Path) -> list[str]:
    ix = whoosh_index.open_dir(str(store.require_live(root)), indexname="MAIN")
    with ix.searcher() as searcher:
        return sorted(fields["refid"] for fields in searcher.all_stored_fields())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write_cable(folder, "09BAGHDAD113")
    write_cable(folder, "09BAGHDAD200", subject="IRAQI ELECTIONS PREPARATIONS")
    write_cable(
        folder / "sub", "08BAGHDAD4006", subject="EARLIER CABLE", created="2008-12-01 10:00"
    )
    return folder


def test_first_build_then_no_change(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = update_index([corpus], root, procs=1)
    assert (first.added, first.updated, first.removed, first.unchanged, first.failed) == (
        3,
        0,
        0,
        0,
        0,
    )
    assert indexed_refids(root) == ["08BAGHDAD4006", "09BAGHDAD113", "09BAGHDAD200"]
    gen = store.require_live(root)

    updated = search.stats(root).updated  # read from the manifest's head
    assert updated is not None and abs((datetime.now(UTC) - updated).total_seconds()) < 60

    second = update_index([corpus], root, procs=1)
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 3)
    assert second.files_read == 0
    assert store.require_live(root) == gen  # nothing changed: no new generation


def test_touched_file_is_hashed_not_reindexed(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)
    path = corpus / "09BAGHDAD113.txt"
    os.utime(path, ns=(1, 1))
    report = update_index([corpus], root, procs=1)
    assert (report.added, report.updated, report.unchanged, report.files_read) == (0, 0, 3, 0)
    # the new mtime is remembered: the next run does not hash it again
    assert update_index([corpus], root, procs=1).unchanged == 3


def test_add_change_delete(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)

    write_cable(corpus, "09BAGHDAD300", subject="NEW ARRIVAL")
    write_cable(corpus, "09BAGHDAD200", subject="IRAQI ELECTIONS POSTPONED")
    (corpus / "sub" / "08BAGHDAD4006.txt").unlink()
    report = update_index([corpus], root, procs=1)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert report.files_read == 2
    assert indexed_refids(root) == ["09BAGHDAD113", "09BAGHDAD200", "09BAGHDAD300"]
    ix = whoosh_index.open_dir(str(store.require_live(root)), indexname="MAIN")
    with ix.searcher() as searcher:
        doc = searcher.document(refid="09BAGHDAD200")
        assert doc is not None and doc["subject"] == "IRAQI ELECTIONS POSTPONED"
        assert searcher.doc_count() == 3


def test_same_refid_in_two_files_is_one_document_with_versions(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    write_cable(corpus / "other", "09BAGHDAD113", subject="A SECOND COPY")
    report = update_index([corpus], root, procs=1)
    assert report.cables == 3
    assert indexed_refids(root).count("09BAGHDAD113") == 1
    versions = json.loads((store.require_live(root) / "versions.json").read_text())
    assert [v["indexed"] for v in versions["09BAGHDAD113"]].count(True) == 1
    assert len(versions["09BAGHDAD113"]) == 2
    # deterministic: same format and release -> the greater path ("other/...") wins
    winner = next(v for v in versions["09BAGHDAD113"] if v["indexed"])
    assert winner["path"].endswith("other/09BAGHDAD113.txt")

    # removing the winner brings the other version back into the index
    (corpus / "other" / "09BAGHDAD113.txt").unlink()
    report = update_index([corpus], root, procs=1)
    assert (report.updated, report.removed) == (1, 0)
    assert indexed_refids(root).count("09BAGHDAD113") == 1


def test_parallel_build_matches_single_process(corpus: Path, tmp_path: Path) -> None:
    for i in range(10):
        write_cable(corpus / "many", f"09BAGHDAD{500 + i}", subject=f"CABLE NUMBER {i}")
    one = update_index([corpus], tmp_path / "one", procs=1)
    two = update_index([corpus], tmp_path / "two", procs=2)
    assert one.added == two.added == 13
    assert indexed_refids(tmp_path / "one") == indexed_refids(tmp_path / "two")


def test_rebuild_swaps_generation(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)
    before = store.require_live(root)
    report = update_index([corpus], root, rebuild=True, procs=1)
    after = store.require_live(root)
    assert report.rebuilt and report.added == 3
    assert after != before
    assert indexed_refids(root) == ["08BAGHDAD4006", "09BAGHDAD113", "09BAGHDAD200"]


def test_bad_files_are_reported_and_do_not_stop_the_run(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    report = update_index([corpus], tmp_path / "index", procs=1)
    assert report.added == 3
    assert report.failed == 2
    assert any("empty.txt" in e and "empty" in e for e in report.errors)
    assert any("binary.bin" in e and "binary" in e for e in report.errors)


def test_missing_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusMissing, match="does not exist"):
        update_index([tmp_path / "nope"], tmp_path / "index")


def test_unwritable_index_location(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(IndexUnwritable, match="cannot create the index folder"):
        update_index([corpus], blocker / "index")


def test_second_writer_is_refused_naming_the_holder(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    with writer_lock(root), pytest.raises(IndexLocked, match=f"process {os.getpid()}"):
        update_index([corpus], root, procs=1)
    # released: the next run works
    assert update_index([corpus], root, procs=1).added == 3


def _facets_by_refid(s: search.Searchable, table: search.FacetTable) -> dict[str, tuple[Any, ...]]:
    """Every document's facet values and date, decoded from `table`."""
    starts = list(table.tag_starts)
    out: dict[str, tuple[Any, ...]] = {}
    for docnum, fields in s.reader.iter_docs():
        decoded = tuple(
            None if table.codes[name][docnum] < 0 else table.values[name][table.codes[name][docnum]]
            for name in sorted(table.codes)
        )
        tags = sorted(
            table.values["tags"][code]
            for code in table.tag_codes[starts[docnum] : starts[docnum + 1]]
        )
        out[fields["refid"]] = (table.created[docnum], decoded, tuple(tags))
    return out


def test_update_extends_the_search_caches(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)
    first = store.require_live(root)
    built: list[int] = []  # documents of every reader a facet table is built from
    real_build = search.build_table

    def recording(reader: Any) -> search.FacetTable:
        built.append(reader.doc_count_all())
        return real_build(reader)

    monkeypatch.setattr(search, "build_table", recording)
    # a new origin, classification, year and TAG; a changed cable; a removed one
    tagged = page_cable(
        "06ANKARA77", origin="Embassy Ankara", classification="SECRET", created="2006-03-02 08:00"
    ).replace("TAGS: PTER", "TAGS: ECON PTER")
    (corpus / "06ANKARA77.txt").write_text(tagged, encoding="utf-8")
    write_cable(corpus, "09BAGHDAD200", subject="IRAQI ELECTIONS POSTPONED")
    (corpus / "sub" / "08BAGHDAD4006.txt").unlink()
    report = update_index([corpus], root, procs=1)
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert built == [2]  # only the new segment's documents (the new and the changed cable)
    second = store.require_live(root)
    assert second != first
    # the extended table equals one built from scratch, document for document
    with search.open_index(root) as s:
        carried = s.table
        fresh = real_build(s.reader)
        assert _facets_by_refid(s, carried) == _facets_by_refid(s, fresh)
        assert "ECON" in carried.values["tags"] and "Embassy Ankara" in carried.values["origin"]
        assert s.docnum("06ANKARA77") is not None


def _record_word_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Documents of every index a word sample is read back from, from now on."""
    reads: list[int] = []
    real_counts = search.build_word_counts

    def recording(reader: Any) -> dict[str, int]:
        reads.append(reader.doc_count_all())
        return real_counts(reader)

    monkeypatch.setattr(search, "build_word_counts", recording)
    return reads


def test_small_updates_keep_the_word_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    for number in range(20):
        write_cable(corpus, f"09BAGHDAD{number + 300}")
    update_index([corpus], root, procs=1)
    words = (store.require_live(root) / WORD_SAMPLE_FILE).read_bytes()
    sampled = _record_word_reads(monkeypatch)
    write_cable(corpus, "09BAGHDAD999")  # 20 -> 21 documents: under 10% growth
    update_index([corpus], root, procs=1)
    assert sampled == []
    assert (store.require_live(root) / WORD_SAMPLE_FILE).read_bytes() == words
    write_cable(corpus, "10BAGHDAD1")  # 22: still under 10% more than when it was drawn
    update_index([corpus], root, procs=1)
    assert sampled == []
    write_cable(corpus, "10BAGHDAD2")  # 23 > 20 * 1.1: drawn again
    update_index([corpus], root, procs=1)
    assert sampled == [23]


@pytest.mark.parametrize("procs", [1, 2])
def test_fresh_build_draws_the_word_sample_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, procs: int
) -> None:
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    for number in range(30):
        write_cable(corpus, f"09BAGHDAD{number + 300}", subject=f"TOPIC NUMBER{number}")
    real_counts = search.build_word_counts
    monkeypatch.setattr(search, "build_word_counts", lambda reader: pytest.fail("read back"))
    update_index([corpus], root, procs=procs)
    data = json.loads((store.require_live(root) / WORD_SAMPLE_FILE).read_bytes())
    assert data["sampled_docs"] == 30
    # 30 documents: every one sampled, so the counts are those read back from the index
    with search.open_index(root) as s:
        assert data["counts"] == real_counts(s.reader)
    assert data["counts"]["topic"] == 30


def test_oversized_word_sample_is_drawn_from_the_index_instead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a step counted in files meets a file of many records (a CSV dump): the workers stop
    # sampling at WORD_SAMPLE_DOCS, and the sample is drawn from the finished index
    corpus, root = tmp_path / "corpus", tmp_path / "index"
    for number in range(12):
        write_cable(corpus, f"09BAGHDAD{number + 300}")
    monkeypatch.setattr(wordsample, "WORD_SAMPLE_DOCS", 5)
    for side in (wordsample, search):  # the writer's step, and the reader's (read back)
        monkeypatch.setattr(side, "word_sample_step", lambda documents: 1)  # as for one file
    read_back = _record_word_reads(monkeypatch)
    update_index([corpus], root, procs=1)
    assert read_back == [12]
    data = json.loads((store.require_live(root) / WORD_SAMPLE_FILE).read_bytes())
    assert data["sampled_docs"] == 12 and data["counts"]["baghdad"] == 12


@pytest.mark.parametrize("old_version", [1, 2])
def test_manifest_of_an_older_version_is_read_and_written_back_as_3(
    corpus: Path, tmp_path: Path, old_version: int
) -> None:
    root = tmp_path / "index"
    (corpus / "box.txt").write_text("Appears in these articles:<br />\n")
    update_index([corpus], root, procs=1)
    manifest = store.require_live(root) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["version"] == MANIFEST_VERSION == 3
    box = str((corpus / "box.txt").resolve())
    for path, row in data["files"].items():
        row.pop()  # no "holds no cable" flag before version 3 ...
        if path == box:  # ... where such a file was a failure
            row[4] = [f"{box}: only the 'Appears in these articles' links ..."]
    keys = ("size", "mtime_ns", "sha256", "records", "failures")
    data["version"] = old_version
    if old_version == 1:  # what indexes built before 2026-11-28 hold: an object per file
        data["files"] = {p: dict(zip(keys, row, strict=True)) for p, row in data["files"].items()}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    again = update_index([corpus], root, procs=1)  # read: no rebuild, no change ...
    assert (again.unchanged, again.added, again.updated) == (3, 0, 0)
    assert (again.files_read, again.failed, again.no_cable) == (1, 0, 1)  # ... but the box
    write_cable(corpus, "10BAGHDAD1")
    report = update_index([corpus], root, procs=1)
    assert (report.added, report.unchanged, report.no_cable) == (1, 3, 1)
    rewritten = json.loads((store.require_live(root) / "manifest.json").read_text())
    assert rewritten["version"] == 3
    assert all(isinstance(row, list) and len(row) == 6 for row in rewritten["files"].values())


def test_failed_records_are_reported_again_until_their_file_changes(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    bad = corpus / "broken.json"
    bad.write_text('{"_id": "x", "body": \n')  # an invalid JSON line
    (corpus / "box.txt").write_text("Appears in these articles:<br />\n")
    first = update_index([corpus], root, procs=1)
    assert first.failed == 1 and first.errors[0].startswith(str(bad.resolve()))
    assert first.no_cable == 1
    again = update_index([corpus], root, procs=1)  # nothing changed: nothing read ...
    assert again.files_read == 0
    assert (again.failed, again.errors, again.no_cable) == (1, first.errors, 1)  # ... still
    write_cable(corpus, "10BAGHDAD1")  # a change elsewhere: still reported
    assert update_index([corpus], root, procs=1).errors == first.errors
    bad.unlink()
    fixed = update_index([corpus], root, procs=1)
    assert (fixed.failed, fixed.errors) == (0, ())


@pytest.mark.parametrize("damage", ["version", "row", "file"])
def test_manifest_of_another_version_asks_for_a_rebuild(
    corpus: Path, tmp_path: Path, damage: str
) -> None:
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)
    manifest = store.require_live(root) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if damage == "version":
        data["version"] = 99
    elif damage == "row":
        for entry in data["files"].values():
            entry[3] = [row[:-1] for row in entry[3]]  # records one field short
    else:
        for entry in data["files"].values():
            entry.pop()  # a file row one field short
    manifest.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IndexIncompatible, match="cables index --rebuild"):
        update_index([corpus], root, procs=1)
    report = update_index([corpus], root, procs=1, rebuild=True)
    assert report.cables == 3 and indexed_refids(root) == [
        "08BAGHDAD4006", "09BAGHDAD113", "09BAGHDAD200",
    ]  # fmt: skip


# --- sharing the work out ---------------------------------------------------------------------


def _csv_row(n: int, refid: str) -> str:
    body = f"UNCLASSIFIED {refid}\n\nSUBJECT: ROW {n} OF THE FILE\n\n1. (U) Text of row {n}.\n"
    fields = [str(n), "1/15/2009 7:05", refid, "Embassy Baghdad", "UNCLASSIFIED", "", "", body]
    return ",".join(f'"{f}"' for f in fields) + "\n"


def test_a_big_csv_is_read_by_every_worker_as_a_whole_read_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    refids = [f"09BAGHDAD{1000 + n}" for n in range(1, 61)]
    (corpus / "cables.csv").write_text("".join(_csv_row(n, r) for n, r in enumerate(refids, 1)))
    write_cable(corpus, "09BAGHDAD113")  # and a file of one cable after it
    monkeypatch.setattr(parsework, "SPLIT_FROM", 1)  # every cables.csv is "big"
    units = parsework.work_units([str(corpus / "cables.csv")], 2)
    assert [(u.start == 0, u.end is None) for u in units] == [(True, False), (False, True)]
    assert units[1].rows_before > 20

    manifests = []
    for procs in (1, 2):
        root = tmp_path / f"index-{procs}"
        report = update_index([corpus], root, procs=procs)
        assert (report.added, report.failed) == (61, 0)
        assert indexed_refids(root) == sorted([*refids, "09BAGHDAD113"])
        data = json.loads((store.require_live(root) / "manifest.json").read_text())
        manifests.append(data["files"])
    # the same rows, numbers and hashes, and the file's hash, as one process reads them
    assert manifests[0] == manifests[1]
    csv_entry = manifests[1][str((corpus / "cables.csv").resolve())]
    assert [r[0] for r in csv_entry[3]] == list(range(1, 61))


def test_work_is_shared_out_by_cost_in_file_order() -> None:
    unit = parsework.WorkUnit
    units = [unit("a", cost=10), unit("b", cost=10), unit("c", cost=60), unit("d", cost=20)]
    assert parsework._split(units, 2) == [units[:3], units[3:]]
    many = [unit(str(i), cost=1) for i in range(10)]
    assert [len(c) for c in parsework._split(many, 2)] == [5, 5]
    assert parsework._split(many, 1) == [many]


def test_automatic_procs_is_one_for_small_jobs() -> None:
    small = [parsework.WorkUnit(str(i), cost=parsework.RECORD_COST_US) for i in range(1000)]
    assert parsework.choose_procs(small) == 1
    big = small * 20
    expected = min(4, len(os.sched_getaffinity(0)))
    assert parsework.choose_procs(big) == expected


CACHES = (FACETS_FILE, WORD_SAMPLE_FILE, VARIANTS_FILE)


def test_caches_are_warmed_only_by_the_callers_warm_up(corpus: Path, tmp_path: Path) -> None:
    # the write side builds no read-side cache itself: the caller passes the warm-up in
    # (`cables index` and `indexer.build_index` pass searching.warm_caches)
    bare = tmp_path / "bare"
    ingest.update_index([corpus], bare, procs=1)
    assert not [name for name in CACHES if (store.require_live(bare) / name).exists()]
    calls: list[tuple[str, Path | None, bool]] = []

    def warm(gen: Path, previous: Path | None, words: Any) -> None:
        assert store.live_generation(bare) != gen  # before the generation is published
        calls.append((gen.name, previous, words is not None))
        search.warm_caches(gen, previous, words)

    write_cable(corpus, "09BAGHDAD999")
    report = ingest.update_index([corpus], bare, procs=1, warm=warm)
    live = store.require_live(bare)
    assert calls == [(report.generation, live.parent / "gen-000001", False)]
    assert all((live / name).exists() for name in CACHES)


@needs_real_cables
def test_a_release_page_read_in_parts_is_known_again_by_its_digest(tmp_path: Path) -> None:
    """A final-release page is read as head + cable pane; the manifest's digest is that of
    the parts, so a touched page, or one changed only in its navigation, is not read again,
    and a change to the cable is."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    page = folder / "72TEHRAN1381.html"
    data = (
        REAL_CABLES / "html-cablegate-r251287-final-markchips/cable/1972/03/72TEHRAN1381.html"
    ).read_bytes()
    page.write_bytes(data)
    root = tmp_path / "index"
    assert update_index([folder], root, procs=1).added == 1
    os.utime(page, ns=(1, 1))
    report = update_index([folder], root, procs=1)
    assert (report.unchanged, report.files_read) == (1, 0)
    middle = data.index(b"<a href", len(data) // 2)
    page.write_bytes(data[:middle] + b"<A HREF" + data[middle + 7 :])
    report = update_index([folder], root, procs=1)
    assert (report.unchanged, report.files_read) == (1, 0)
    last = data.rindex(b"TEHRAN")  # in the cable text
    page.write_bytes(data[:last] + b"TEHRAM" + data[last + 6 :])
    assert update_index([folder], root, procs=1).updated == 1
