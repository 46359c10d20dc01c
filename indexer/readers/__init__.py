"""Readers: one module per file format, chosen by sniffing the content, not the extension.

Each reader module has
    FORMAT: str                                   # name shown in Source.format
    def sniff(path: Path, head: bytes) -> bool    # head: the file's first 64 KiB
    def read(path: Path) -> Iterator[RawRecord | ReadError]

`read` never raises for bad input: a bad record is yielded as a `ReadError` and reading goes
on with the next record; a file that holds no cable at all gives a `NoCable` (a ReadError that
is not a failure). The registry order below is the sniffing order (most specific first).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from ..cable import RawRecord, ReadError
from ._common import NoCable

__all__ = [
    "NoCable",
    "file_digest",
    "formats",
    "iter_file_names",
    "iter_files",
    "read_file",
    "read_paths",
    "sniff",
]

HEAD_BYTES = 65536
#: the first read of a file: a Cable Viewer page is known from it, and then read in parts
#: (`html.read_page`) instead of from a 64 KiB head
FIRST_BYTES = 8192

#: file names never read as cables (our own artefacts, editor and OS droppings)
SKIP_NAMES = {".DS_Store", "Thumbs.db", "MANIFEST.tsv", "README.md", "README", "LICENSE"}


def _registry() -> list[ModuleType]:
    # Imported lazily so that `cables --help` stays fast.
    from . import csvfile, html, jsonl, pagetext, plaintext

    return [html, jsonl, csvfile, pagetext, plaintext]


# `pdf` is not in the sniffing registry: PDFs are recognised by their `%PDF` magic bytes
# before the binary-file check (their bytes are binary).


def formats() -> list[str]:
    out: list[str] = []
    for module in _registry():
        names = getattr(module, "FORMATS", None) or (module.FORMAT,)
        out.extend(names)
    return out


def iter_files(paths: Iterable[Path]) -> Iterator[Path | ReadError]:
    """Files under `paths` (recursively, sorted, hidden files skipped), or errors for bad paths."""
    for item in iter_file_names(paths):
        yield item if isinstance(item, ReadError) else Path(item)


def iter_file_names(paths: Iterable[Path]) -> Iterator[str | ReadError]:
    """`iter_files` as plain path strings: a Path object per file costs more than its stat
    when a quarter of a million files are checked for changes."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith(".") or name in SKIP_NAMES:
                        continue
                    yield os.path.join(root, name)
        elif path.is_file():
            yield str(path)
        elif not path.exists():
            yield ReadError(str(path), None, "no such file or folder")
        else:
            yield ReadError(str(path), None, "not a regular file")


def sniff(path: Path, head: bytes) -> ModuleType | None:
    """The reader module for a file, judged from its first bytes (and name as a last hint)."""
    for module in _registry():
        if module.sniff(path, head):
            return module
    return None


def read_file(path: Path) -> Iterator[RawRecord | ReadError]:
    """Every record of one file, whatever its format."""
    from . import html

    try:
        with open(path, "rb") as fh:
            head = fh.read(FIRST_BYTES)
            # a page is read on this handle: one open a page, not two
            page = html.read_open(fh) if _is_page(path, head) else None
            if page is None:
                head += fh.read(HEAD_BYTES - len(head))
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    if page is not None:
        yield html.parse_page(page[0], str(path), page[1])
        return
    if not head.strip():
        yield ReadError(str(path), None, "empty file")
        return
    if head.startswith(b"%PDF"):
        from . import pdf

        yield from pdf.read(path)
        return
    if b"\x00" in head:
        yield ReadError(str(path), None, "binary file, not a cable")
        return
    module = sniff(path, head)
    if module is None:
        yield ReadError(str(path), None, "not a cable in any known format")
        return
    yield from module.read(path)


def _is_page(path: Path, first: bytes) -> bool:
    from . import html

    # html is first in the sniffing order; a page whose first bytes sniff as one would sniff
    # so from 64 KiB too (its marks can only gain matches)
    return b"\x00" not in first and html.sniff(path, first)


def file_digest(path: Path) -> str:
    """The digest the manifest keeps for a file: the sha256 of its bytes, except for a large
    Cable Viewer page, whose digest covers the parts its reader reads (`html.read_page`), so
    that it equals the page's `Source.sha256`. Raises OSError."""
    from . import html

    with open(path, "rb") as fh:
        first = fh.read(FIRST_BYTES)
        if _is_page(path, first):
            return html.read_open(fh)[1]
        digest = hashlib.sha256(first)
        # one read of the rest, in 1 MiB chunks past that (a cables.csv is 1.7 GB)
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
        return digest.hexdigest()


def read_paths(paths: Iterable[Path]) -> Iterator[RawRecord | ReadError]:
    """Every record under `paths`, files in sorted order, records in file order."""
    for item in iter_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_file(item)
