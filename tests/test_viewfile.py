"""indexer.viewfile: index files read in place, as BytesIO would read them, and closed at once."""

from __future__ import annotations

import contextlib
import gc
import io
import mmap
import os
import pickle
from pathlib import Path

import pytest
from helpers import make_cable, make_index
from whoosh.filedb.structfile import BufferFile

from indexer import searching as search
from indexer import viewfile

DATA = b"first line\nsecond\n" + pickle.dumps({"k": [1, 2, 3]}, 2) + b"tail without newline"


def test_reads_like_bytesio() -> None:
    ours, theirs = viewfile.ViewFile(DATA), io.BytesIO(DATA)
    for f in (ours, theirs):
        f.seek(0)
    steps = [("readline", ()), ("read", (3,)), ("readline", (2,)), ("tell", ()),
             ("readline", ()), ("seek", (-5, io.SEEK_END)), ("read", ()), ("read", (4,)),
             ("seek", (4, io.SEEK_SET)), ("seek", (3, io.SEEK_CUR)), ("read", (-1,))]  # fmt: skip
    for name, args in steps:
        assert getattr(ours, name)(*args) == getattr(theirs, name)(*args), (name, args)
    ours.seek(0)
    theirs.seek(0)
    assert list(ours) == list(theirs)
    with pytest.raises(ValueError):
        ours.seek(-1)


def test_pickles_and_readinto() -> None:
    f = viewfile.ViewFile(DATA)
    f.readline()
    f.readline()
    assert pickle.load(f) == {"k": [1, 2, 3]}
    out = bytearray(4)
    assert f.readinto(out) == 4 and bytes(out) == b"tail"


def _open_in(folder: Path) -> tuple[list[str], list[str]]:
    """The files under `folder` this process has open: (descriptors, mappings)."""
    root = str(folder.resolve())
    fds = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            fds.append(os.readlink(f"/proc/self/fd/{fd}"))
    with open("/proc/self/maps", encoding="utf-8") as fh:
        maps = [line.split(maxsplit=5)[-1].strip() for line in fh]
    return sorted(f for f in fds if f.startswith(root)), sorted(
        {m for m in maps if m.startswith(root)}
    )


def test_view_storage_reads_in_place_and_unmaps_on_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(viewfile, "MAP_MIN_BYTES", 0)
    (tmp_path / "f").write_bytes(DATA)
    storage = viewfile.ViewStorage(str(tmp_path))
    f = storage.open_file("f")
    assert isinstance(f._buf.obj, mmap.mmap)  # a view of the map, not a copy
    part = f.subset(11, 6)
    assert part.read(6) == b"second" and part.get(0, 6) == b"second"
    assert f.read(10) == b"first line"
    assert _open_in(tmp_path)[1] == [str((tmp_path / "f").resolve())]
    f.close()  # what Whoosh's readers do: the mapping goes, sub-files with it
    assert _open_in(tmp_path) == ([], [])
    with pytest.raises(ValueError):
        part.read(1)


def test_view_storage_close_frees_what_was_left_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(viewfile, "MAP_MIN_BYTES", 0)
    (tmp_path / "f").write_bytes(DATA)
    (tmp_path / "empty").write_bytes(b"")
    storage = viewfile.ViewStorage(str(tmp_path))
    kept = [storage.open_file("f"), storage.open_file("f").subset(0, 5)]
    assert storage.open_file("empty").read() == b""
    assert _open_in(tmp_path)[1]
    storage.close()
    assert _open_in(tmp_path) == ([], [])
    assert len(kept) == 2


def test_small_files_are_read_not_mapped(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(DATA)
    f = viewfile.ViewStorage(str(tmp_path)).open_file("f")
    assert isinstance(f._buf.obj, bytes) and _open_in(tmp_path) == ([], [])
    assert f.subset(11, 6).read() == b"second"


def test_importing_the_search_changes_nothing_in_whoosh() -> None:
    # a library, not a process patch: stock Whoosh's own classes are untouched
    assert BufferFile.__init__.__module__ == "whoosh.filedb.structfile"
    assert BufferFile.__init__.__qualname__ == "BufferFile.__init__"


@pytest.mark.parametrize("segments", [1, 3])
def test_searchable_close_frees_the_generation_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, segments: int
) -> None:
    monkeypatch.setattr(viewfile, "MAP_MIN_BYTES", 0)  # map every file, however small
    cables = [make_cable(f"09BAGHDAD{n}", f"oil talks {n}", "oil minister said " * 30)
              for n in range(1, 31)]  # fmt: skip
    root = make_index(tmp_path / "index", cables, segments=segments)
    gc.disable()  # nothing may depend on a collection (re-enabled below)
    try:
        with search.open_index(root) as s:
            assert search.search(s, '"oil minister" talks', facets=["year"]).total == 30
            assert search.search(s, "oil*").total == 30
            maps = _open_in(root)[1]
            assert len([m for m in maps if m.endswith(".seg")]) == segments
        assert _open_in(root) == ([], [])
        s.close()  # twice is fine
    finally:
        gc.enable()


def _mapped_kib(folder: Path) -> int:
    """KiB of the files under `folder` mapped into this process (smaps' Rss of their maps)."""
    root = str(folder.resolve())
    total, inside = 0, False
    with open("/proc/self/smaps", encoding="utf-8") as fh:
        for line in fh:
            head = line.split(maxsplit=5)
            if "-" in head[0] and not head[0].endswith(":"):  # a mapping's first line
                inside = len(head) == 6 and head[5].strip().startswith(root)
            elif inside and head[0] == "Rss:":
                total += int(head[1])
    return total


@pytest.mark.skipif(not hasattr(mmap, "MADV_DONTNEED"), reason="no madvise(MADV_DONTNEED)")
def test_drop_pages_gives_back_what_searches_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(viewfile, "MAP_MIN_BYTES", 0)
    cables = [make_cable(f"09BAGHDAD{n}", f"oil talks {n}", "oil minister said " * 30)
              for n in range(1, 31)]  # fmt: skip
    root = make_index(tmp_path / "index", cables)
    with search.open_index(root) as s:
        first = search.search(s, '"oil minister" talks', facets=["year"])
        assert _mapped_kib(root) > 0  # the pages the search read count as the process's
        s.drop_pages()
        assert _mapped_kib(root) == 0
        # the maps stay valid: the same search reads its pages back and answers alike
        again = search.search(s, '"oil minister" talks', facets=["year"])
        assert (again.total, again.hits, again.facets) == (first.total, first.hits, first.facets)
        assert _mapped_kib(root) > 0
        s.twin().drop_pages()  # a twin shares the files
        assert _mapped_kib(root) == 0
    s.drop_pages()  # closed: nothing to do, no error
