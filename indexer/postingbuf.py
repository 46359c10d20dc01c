"""A segment's postings in memory, until the segment is written (`indexer.termwrite`).

Where it sits: file -> reader -> Cable -> document -> index; inside the segment writer
(`indexer.fastwrite`), between the analysis (`indexer.fastanalysis`) and the posting blocks.

Postings are kept per term in compact arrays, without a Python object per posting: for
Positions fields (`PositionsPostings`) each posting's positions are kept already encoded as
the compact block holds them (varints), so that a block's positions are one slice of a
buffer when the block is written; for the other fields (`Postings`) docnums, weights and values are
kept in parallel arrays.
"""

from __future__ import annotations

import itertools
import struct
import sys
from array import array
from collections.abc import Iterable
from operator import sub

import numpy as np

from .blockcodec import read_varints, varint
from .whoosh_private import BLOCK_LIMIT, decode_deltas, encode_deltas

__all__ = ["PositionsPostings", "Postings", "encoded_positions", "new_postings", "whoosh_values"]


# --- value encoding ---------------------------------------------------------------------
#
# A posting's positions are kept as they go into a compact block (`indexer.blockcodec`):
# varints of the position deltas (the first from 0), so a block's positions are one slice of
# the term's buffer. Small numbers come from a table instead of a loop a number.

_TABLE_LIMIT = 1 << 14  # every number of one or two varint bytes
_VARINTS: list[bytes] = []


def varint_table() -> list[bytes]:
    """The varint of every number below `_TABLE_LIMIT` (built on first use, ~5 ms)."""
    if not _VARINTS:
        _VARINTS.extend(varint(v) for v in range(_TABLE_LIMIT))
    return _VARINTS


def encoded_positions(poslist: list[int]) -> bytes:
    """A posting's value as the buffers keep it: the varints of its position deltas."""
    deltas = list(map(sub, poslist, [0, *poslist]))
    table = varint_table()
    try:
        return b"".join(map(table.__getitem__, deltas))
    except IndexError:  # a gap of 16384 or more
        return b"".join(map(varint, deltas))


def whoosh_values(vals: bytes | bytearray, counts: Iterable[int]) -> list[bytes]:
    """The postings' values in Whoosh's own encoding (`Positions.encode`), from a term's
    varint buffer and each posting's count (exact mode hands them to the pickler)."""
    deltas = read_varints(np.frombuffer(bytes(vals), dtype=np.uint8)).tolist()
    values = []
    at = 0
    for count in counts:
        values.append(encode_deltas(deltas[at : at + count]))
        at += count
    return values


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
    postings' positions as varints (see "value encoding"); a posting
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
        singles = varint_table()
        nsingles = len(singles)
        encoded = encoded_positions
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
                vals += encoded(poslist)
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
            deltas = decode_deltas(value)
            table = varint_table()
            vals += b"".join(table[d] if d < _TABLE_LIMIT else varint(d) for d in deltas)
            if not (len(meta) >> 3) & (BLOCK_LIMIT - 1):
                self._bound(term, len(vals))
            length += freq
        return length

    def expand(
        self, term: str, fb: float
    ) -> tuple[array[int], array[float], array[int], bytearray, list[int]]:
        """A term's docnums, weights (as stock passes them to the writer), position counts,
        positions (varints) and block bounds."""
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
        return docs, weights, freqs, vals, self.bounds.get(term, [])

