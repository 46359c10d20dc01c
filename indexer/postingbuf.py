"""A segment's postings in memory, until the segment is written (`indexer.termwrite`).

Where it sits: file -> reader -> Cable -> document -> index; inside the segment writer
(`indexer.fastwrite`), between the analysis (`indexer.fastanalysis`) and the posting blocks.

Postings are kept per term in compact arrays, without a Python object per posting: for
Positions fields (`PositionsPostings`) each posting's value is kept already encoded and
framed as a pickle bytes opcode, so that a block's values are one slice of a buffer when
the block is written; for the other fields (`Postings`) docnums, weights and values are
kept in parallel arrays.
"""

from __future__ import annotations

import itertools
import struct
import sys
from array import array
from collections.abc import Iterable
from operator import sub

from .whoosh_private import BLOCK_LIMIT, UINT, encode_positions

__all__ = ["PositionsPostings", "Postings", "frame", "new_postings", "unframe"]


# --- value encoding ---------------------------------------------------------------------
#
# Block data of Positions fields is pickled by hand in fast mode. A pickle is a program
# for a stack machine; the pieces below are its opcodes: a bytes value is SHORT_BINBYTES
# "C" (1-byte length) or BINBYTES "B" (4-byte little-endian length), ints 0..65535 are
# BININT1 "K" / BININT2 "M", MARK "(" ... TUPLE "t" builds a tuple. A posting's value is
# stored already framed as a bytes opcode, so a block's values tuple is one slice of the
# term's buffer between MARK and TUPLE instead of 128 objects for the pickler to walk.

_BIG_BYTES = struct.Struct("<I")
_LIST_HEAD = b"\x80\x02]q\x00"  # protocol 2, EMPTY_LIST, BINPUT 0: how dumps(list, 2) starts
_MAX_BATCH = 1000  # pickle writes lists in APPENDS batches of 1000 items


def _int_op(value: int) -> bytes:
    """pickle's opcode for a small non-negative int (as protocols 1-5 write it)."""
    return b"K" + bytes((value,)) if value < 256 else b"M" + value.to_bytes(2, "little")


# opcode of each int 0..65535, and SHORT_BINBYTES header of each length 0..255
_INT_OPS: tuple[bytes, ...] = tuple(_int_op(v) for v in range(65536))
_SHORT_HEADS: tuple[bytes, ...] = tuple(b"C" + bytes((n,)) for n in range(256))


def frame(value: bytes) -> bytes:
    """`value` as a pickle bytes opcode."""
    size = len(value)
    if size < 256:
        return _SHORT_HEADS[size] + value
    return b"B" + _BIG_BYTES.pack(size) + value


def framed_positions(poslist: list[int]) -> bytes:
    """`frame(encode_positions(poslist))`, from opcode tables instead of the pickler."""
    count = len(poslist)
    if count > _MAX_BATCH:
        return frame(encode_positions(poslist))
    try:
        if count == 1:
            body = _INT_OPS[poslist[0]] + b"a"  # APPEND
        else:
            ops = map(_INT_OPS.__getitem__, map(sub, poslist, [0, *poslist]))
            body = b"(" + b"".join(ops) + b"e"  # MARK ... APPENDS
    except IndexError:  # a delta >= 65536: a 4-byte BININT, left to the pickler
        return frame(encode_positions(poslist))
    return frame(UINT.pack(count) + _LIST_HEAD + body + b".")


def unframe(frames: bytes | bytearray) -> list[bytes]:
    """The values in a run of framed values (exact mode hands them to the pickler)."""
    values = []
    at = 0
    end = len(frames)
    while at < end:
        if frames[at] == 0x43:  # "C"
            size = frames[at + 1]
            at += 2
        else:
            size = _BIG_BYTES.unpack_from(frames, at + 1)[0]
            at += 5
        values.append(bytes(frames[at : at + size]))
        at += size
    return values


# Framed value of a term seen once, by position: the commonest posting. Built on first
# use (about 60 ms), not at import.
_FRAMED_SINGLES: list[bytes] = []
_SINGLES_LIMIT = 65536


def framed_singles() -> list[bytes]:
    if not _FRAMED_SINGLES:
        tail = b"a."
        _FRAMED_SINGLES.extend(
            frame(UINT.pack(1) + _LIST_HEAD + op + tail) for op in _INT_OPS[:_SINGLES_LIMIT]
        )
    return _FRAMED_SINGLES

# A term's postings: docnums, weights (doubles, as stock passes them to the block writer),
# all encoded values concatenated, and the end offset of each value.
Postings = tuple["array[int]", "array[float]", bytearray, "array[int]"]


def new_postings() -> Postings:
    return array("I"), array("d"), bytearray(), array("I")


# owner numbers of PositionsPostings (see there); 0 is never one
_OWNERS = itertools.count(1)

# native uint64 items (docnum << 32 | frequency) read back as pairs of array("I") items
_QWORD = struct.Struct("=Q")
_LOW, _HIGH = (0, 1) if sys.byteorder == "little" else (1, 0)
assert array("I").itemsize == 4


class PositionsPostings:
    """Postings of a Positions field analysed by FastAnalyzer, in as few objects as possible.

    Per term: a bytearray of native uint64 docnum << 32 | frequency, and a bytearray of the
    encoded values already framed as pickle bytes opcodes (see "value encoding"); a posting
    costs one append to each (`add`; `FastAnalyzer.add_text` does the same in compiled
    code, see `indexer/_speedups.c`). `bounds` has, for terms with more than one block, the value
    offset after every 128th posting, so finishing slices whole blocks. Weights are derived
    at write time from the frequency, the format's boost and the document's boost (kept
    only when not 1.0).
    """

    __slots__ = ("boosts", "bounds", "owner", "terms", "way")

    def __init__(self, way: int = -1) -> None:
        self.terms: dict[str, tuple[bytearray, bytearray]] = {}
        self.bounds: dict[str, list[int]] = {}
        self.boosts: dict[int, float] = {}
        # for `FastAnalyzer.add_text`: a number no other instance has (the compiled cache
        # remembers entries of `terms` under it), and which of the cache's ways (0-3, one
        # per positions field of a segment; -1 none) it uses
        self.owner = next(_OWNERS)
        self.way = way

    def add(self, poses: dict[str, list[int]], docnum: int, boost: float) -> None:
        if boost != 1.0:
            self.boosts[docnum] = boost
        terms = self.terms
        get = terms.get
        base = docnum << 32
        single = _QWORD.pack(base | 1)
        pack = _QWORD.pack
        singles = framed_singles()
        nsingles = len(singles)
        framed = framed_positions
        for term, poslist in poses.items():
            entry = get(term)
            if entry is None:
                entry = terms[term] = (bytearray(), bytearray())
            meta, vals = entry
            if len(poslist) == 1 and poslist[0] < nsingles:
                meta += single
                vals += singles[poslist[0]]
            else:
                meta += pack(base | len(poslist))
                vals += framed(poslist)
            if not (len(meta) >> 3) & (BLOCK_LIMIT - 1):
                self._bound(term, len(vals))

    def _bound(self, term: str, offset: int) -> None:
        found = self.bounds.get(term)
        if found is None:
            self.bounds[term] = [offset]
        else:
            found.append(offset)

    def add_encoded(
        self, items: Iterable[tuple[bytes, int, float, bytes]], docnum: int, boost: float
    ) -> int:
        """Adds postings already encoded by `field.index`; returns the field length."""
        if boost != 1.0:
            self.boosts[docnum] = boost
        length = 0
        for tbytes, freq, _weight, value in items:
            term = tbytes.decode("utf-8")
            entry = self.terms.get(term)
            if entry is None:
                entry = self.terms[term] = (bytearray(), bytearray())
            meta, vals = entry
            meta += _QWORD.pack(docnum << 32 | freq)
            vals += frame(value)
            if not (len(meta) >> 3) & (BLOCK_LIMIT - 1):
                self._bound(term, len(vals))
            length += freq
        return length

    def expand(self, term: str, fb: float) -> tuple[array[int], array[float], bytearray, list[int]]:
        """A term's docnums, weights (as stock passes them to the writer), framed values
        and block bounds."""
        meta, vals = self.terms[term]
        pairs = array("I")
        pairs.frombytes(meta)
        docs = pairs[_HIGH::2]
        freqs = pairs[_LOW::2]
        # stock: (sum of the tokens' 1.0 boosts = frequency) * format boost
        weights = array("d", map(fb.__mul__, freqs))
        if self.boosts:
            boosts = self.boosts
            for i, docnum in enumerate(docs):
                boost = boosts.get(docnum)
                if boost is not None:
                    # stock: (frequency * format boost) * field/doc boost
                    weights[i] = freqs[i] * fb * boost
        return docs, weights, vals, self.bounds.get(term, [])

