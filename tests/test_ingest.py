"""Building and updating the index: counts, incremental changes, duplicates, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import write_cable
from whoosh import index as whoosh_index

from indexer import store
from indexer.errors import CorpusMissing, IndexLocked, IndexUnwritable
from indexer.ingest import update_index
from indexer.lock import writer_lock


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
        3, 0, 0, 0, 0,
    )
    assert indexed_refids(root) == ["08BAGHDAD4006", "09BAGHDAD113", "09BAGHDAD200"]
    gen = store.require_live(root)

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
