"""indexer.viewfile: Whoosh's BufferFile reads its buffer in place, as BytesIO would read it."""

from __future__ import annotations

import io
import mmap
import pickle
from pathlib import Path

import pytest
from whoosh.filedb.structfile import BufferFile

import indexer.search  # noqa: F401  (importing the search installs ViewFile)
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


def test_buffer_file_over_mmap_copies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(DATA)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        view = memoryview(mapped)[11:]
        f = BufferFile(view)
        assert isinstance(f.file, viewfile.ViewFile)
        assert f.read(6) == b"second" and f.get(0, 6) == b"second"
        f.file.close()
        del f
        view.release()
