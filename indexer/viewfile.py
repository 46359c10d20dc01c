"""Index files read in place: Whoosh's `BufferFile` without its copy.

Whoosh opens the files inside a compound segment file (`.seg`) as `BufferFile`s over slices
of one mmap of it, and a `BufferFile` puts its buffer in an `io.BytesIO`, which copies a
memoryview. Opening a searcher therefore copied every segment's postings, terms, stored
fields and columns out of the page cache into the process: the whole index (gigabytes at
Cablegate size, seconds per open, and all of it counted in the process's memory).

`ViewFile` is the same read-only file over the buffer itself; `install()` (called when
`indexer.search` is imported) makes `BufferFile` use it. Everything else about `BufferFile`
stays Whoosh's own.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from whoosh.filedb.structfile import BufferFile

_LINE_CHUNK = 256


class ViewFile(io.RawIOBase):
    """A read-only, seekable file over a bytes-like buffer, without copying it."""

    def __init__(self, buf: Any) -> None:
        super().__init__()
        self._view = memoryview(buf).cast("B")
        self._pos = 0

    def _limit(self, size: int | None) -> int:
        """Where a read of `size` bytes (None or negative: all) from here ends."""
        if size is None or size < 0:
            return len(self._view)
        return min(len(self._view), self._pos + size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        end = self._limit(size)
        data = self._view[self._pos : end].tobytes() if end > self._pos else b""
        self._pos = max(self._pos, end)
        return data

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        count = max(0, min(len(target), len(self._view) - self._pos))
        target[:count] = self._view[self._pos : self._pos + count]
        self._pos += count
        return count

    def readline(self, size: int | None = -1) -> bytes:
        limit = self._limit(size)
        start = at = self._pos
        while at < limit:
            chunk = self._view[at : min(limit, at + _LINE_CHUNK)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                at += newline + 1
                break
            at += len(chunk)
        self._pos = at
        return self._view[start:at].tobytes()

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._pos + offset
        elif whence == io.SEEK_END:
            position = len(self._view) + offset
        else:
            raise ValueError(f"invalid whence ({whence})")
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._pos = position
        return position

    def tell(self) -> int:
        return self._pos


def _buffer_file_init(
    self: Any, buf: Any, name: str | None = None, onclose: Any = None
) -> None:
    """`BufferFile.__init__` with a `ViewFile` where Whoosh has `BytesIO(buf)`."""
    self._buf = buf
    self._name = name
    self.file = ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's `BufferFile` read its buffer in place (idempotent)."""
    BufferFile.__init__ = _buffer_file_init
