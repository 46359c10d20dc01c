"""Index files read in place, and closed at once: a Whoosh `Storage` for searching.

Stock Whoosh opens the files inside a compound segment file (`.seg`) as `BufferFile`s over
slices of one mmap of it, and a `BufferFile` puts its buffer in an `io.BytesIO`, which copies a
memoryview. Opening a searcher therefore copied every segment's postings, terms, stored
fields and columns out of the page cache into the process: the whole index (gigabytes at
Cablegate size, seconds per open, and all of it counted in the process's memory). And its
close() cannot unmap a file while any view of it is alive (mmap raises BufferError, which
Whoosh swallows), so maps and their file descriptors stayed until the last view was
collected: a pruned generation stayed on disk under `cables serve`.

`ViewStorage` is the `FileStorage` that `indexer.opening.open_index` opens an index with:
each file is mapped once, its sub-files (the parts of a compound `.seg`) are `MappedFile`s
reading slices of that map through `ViewFile`, without copying, and closing the file (which
Whoosh does when the reader closes) releases every view handed out and unmaps it, at once.
`ViewStorage.close()` does the same for anything a caller left open. Whoosh itself is not
changed: an index opened any other way reads as stock Whoosh reads it. What this takes of
`BufferFile`'s insides is `whoosh_private.BufferFileBase`.

Flow: below everything on the read side; `indexer.opening.open_index` opens with it.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import sys
import weakref
from collections.abc import Iterator
from typing import Any

from whoosh.filedb.filestore import FileStorage

from .whoosh_private import BufferFileBase

_LINE_CHUNK = 256


class ViewFile(io.RawIOBase):
    """A read-only, seekable file over a bytes-like buffer, without copying it. A 1-D byte
    memoryview is read as it is (no view of it is made), so whoever made it can release it."""

    def __init__(self, buf: Any) -> None:
        super().__init__()
        if isinstance(buf, memoryview) and buf.format == "B" and buf.ndim == 1:
            self._view = buf  # the very view a `_Mapping` releases on close
        else:
            self._view = memoryview(buf).cast("B")
        self._pos = 0

    def close(self) -> None:
        """Closes the file and releases the view it reads (the given memoryview itself,
        when it was given one), unless someone holds a buffer of that view."""
        super().close()
        with contextlib.suppress(BufferError):
            self._view.release()

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


#: madvise's "these pages are not needed": on a read-only shared map of a file the kernel
#: drops them from the process, not from the page cache (None where there is none)
_DONTNEED: int | None = getattr(mmap, "MADV_DONTNEED", None)

#: files smaller than this are read into memory instead of mapped (the TOC, small segments):
#: a read costs less than a map, and holds no map or descriptor at all
MAP_MIN_BYTES = 64 * 1024


class _Mapping:
    """One file's contents (a read-only map, or bytes for a small file) and every view of it
    handed out, so that `close` can release them all and unmap the file at once."""

    def __init__(self, path: str) -> None:
        self._map: mmap.mmap | None = None
        self._views: list[memoryview] = []
        self.closed = False
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < max(MAP_MIN_BYTES, 1):  # (an empty file cannot be mapped)
                self._data: Any = fh.read()
            else:
                if sys.version_info >= (3, 13):
                    # no duplicate descriptor kept for the map's lifetime (only resize uses it)
                    self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ, trackfd=False)
                else:
                    self._map = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                self._data = self._map
        self.size = size

    def view(self, start: int, length: int) -> memoryview:
        if self.closed:
            raise ValueError("I/O operation on a closed index file")
        whole = memoryview(self._data)
        part = whole[start : start + length]
        whole.release()
        self._views.append(part)
        return part

    def drop_pages(self) -> None:
        """Unmap the pages of the file this process has touched (see `ViewStorage.
        drop_pages`); the map stays valid and reads fault them back in."""
        if self._map is None or self.closed or _DONTNEED is None:
            return
        # (closed by another thread meanwhile: nothing left to drop)
        with contextlib.suppress(ValueError, OSError):
            self._map.madvise(_DONTNEED)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for view in self._views:
            # a view with exports of its own (someone's np.frombuffer over it) cannot be
            # released: the map then lives until they go, as stock Whoosh's would
            with contextlib.suppress(BufferError):
                view.release()
        self._views.clear()
        if self._map is not None:
            with contextlib.suppress(BufferError):
                self._map.close()
        self._data = b""


class MappedFile(BufferFileBase):
    """Whoosh's `BufferFile` over a slice of a `_Mapping`, read in place by a `ViewFile`;
    its sub-files (`subset`) are slices of the same mapping. Closing the file that opened
    the mapping (the one `ViewStorage.open_file` returned) closes the mapping, and with it
    every sub-file."""

    def __init__(
        self,
        mapping: _Mapping,
        start: int,
        length: int,
        name: str | None = None,
        onclose: Any = None,
        *,
        owner: bool = False,
    ) -> None:
        buf = mapping.view(start, length)
        super().__init__(buf, ViewFile(buf), name, onclose)
        self._mapping = mapping
        self._start = start
        self._owner = owner

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._mapping, self._start + position, length, name or self._name)

    def close(self) -> None:
        super().close()
        if self._owner:
            self._mapping.close()


class ViewStorage(FileStorage):  # type: ignore[misc]
    """A read-only `FileStorage` whose files are read in place (`MappedFile`).

    `supports_mmap` is off so that a compound segment is read through its file's `subset`
    (ours) rather than through an mmap of Whoosh's own."""

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False, readonly=True)
        self._mappings: weakref.WeakSet[_Mapping] = weakref.WeakSet()

    def open_file(self, name: str, **kwargs: Any) -> MappedFile:
        mapping = _Mapping(os.path.join(self.folder, name))
        self._mappings.add(mapping)
        return MappedFile(mapping, 0, mapping.size, name=name, owner=True, **kwargs)

    def drop_pages(self) -> None:
        """Give back the pages of the mapped files that reads have touched.

        A read of a mapped file maps its pages into the process, and they count in its RSS
        until the map goes: a long-running server that has answered queries over most of a
        4 GB index would show most of it as its own memory. The pages are the kernel's page
        cache, read-only and shared: dropping them from the process (madvise MADV_DONTNEED)
        leaves them cached for the next read, which maps them again (a minor fault, no
        disk read while the cache holds them). A no-op where madvise has no MADV_DONTNEED."""
        for mapping in list(self._mappings):
            mapping.drop_pages()

    def close(self) -> None:
        """Unmaps every file still open (Whoosh's readers close theirs themselves)."""
        for mapping in list(self._mappings):
            mapping.close()
