"""Per-segment word lists: the distinct words of a segment's text fields, for expanding
wildcard and fuzzy queries on words rather than on stems.

The index writer (`indexer.fastwrite`) writes, for each segment it builds, the folded
lower-case surface words (`indexer.analysis.word_of` of every token; for the token `US` the
words of the terms it was given, `us` and/or `u.s`) of the segment's subject, title and body
texts, as the file `<segment id>.wrd` in the index folder beside the segment's own files
(`MAIN_k3x9q2abcd.wrd`). Whoosh's `clean_files` (run by every commit) deletes the files
named after a segment that the new TOC no longer lists, so the list lives and dies with its
segment, and hard-linked generations share it as they share the segment.

Format: UTF-8, one word per line, each line ended by "\\n", sorted by code point (the same
order as their UTF-8 bytes), no duplicates: read in bulk with one split, or bisected.

A segment that stock Whoosh wrote (or merged) has no list: `read_segment_words` gives None
there, and the caller falls back to what it did without one.

This module imports nothing of the writer, so the search side can use it alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from whoosh.filedb.filestore import Storage

from .layout import WORDS_EXT

__all__ = ["WORDS_EXT", "read_segment_words", "words_file_name", "write_segment_words"]

#: extension of a segment's word list (Whoosh's own segment files use .seg, .trm, .pst, ...)


def words_file_name(segment_id: str) -> str:
    """The file name of a segment's word list (`segment.segment_id()`, e.g. `MAIN_k3x9q2`)."""
    return segment_id + WORDS_EXT


def encode_words(words: Iterable[str]) -> bytes:
    """The file's bytes for `words` (sorted and deduplicated here)."""
    found = sorted(set(words))
    for word in found:
        if not word or "\n" in word:
            raise ValueError(f"not a word for a word list: {word!r}")
    return "".join(f"{word}\n" for word in found).encode("utf-8")


def decode_words(data: bytes) -> list[str]:
    """The words of a word list file's bytes."""
    text = data.decode("utf-8")
    return text.split("\n")[:-1] if text else []


def write_segment_words(storage: Storage, segment_id: str, words: Iterable[str]) -> None:
    """Writes the word list of a segment into `storage` (before its TOC lists it)."""
    data = encode_words(words)
    out = storage.create_file(words_file_name(segment_id))
    try:
        out.write(data)
    finally:
        out.close()


def read_segment_words(
    storage_or_dir: Storage | str | os.PathLike[str], segment_id: str
) -> list[str] | None:
    """The sorted words of a segment, or None when it has no word list (a segment stock
    Whoosh wrote). `storage_or_dir` is the index's Whoosh storage or its folder."""
    name = words_file_name(segment_id)
    if isinstance(storage_or_dir, Storage):
        if not storage_or_dir.file_exists(name):
            return None
        handle = storage_or_dir.open_file(name)
        try:
            data = handle.read()
        finally:
            handle.close()
        return decode_words(bytes(data))
    try:
        data = (Path(storage_or_dir) / name).read_bytes()
    except FileNotFoundError:
        return None
    return decode_words(data)
