"""A fast writer of real Whoosh 2.7.4 segments (default codec W3Codec).

Stock `SegmentWriter.add_document` spends most of its time on per-posting Python objects:
a token object per word, a tuple per posting pickled into a sorting pool, then one codec
call per posting. This module writes the same segments in bulk:

* text fields whose analyzer is the schema's `indexer.analysis.CablesAnalyzer` are analysed
  by `FastAnalyzer`, which gives exactly the terms, positions and field lengths of Whoosh's
  own indexing with it (every token positioned, the `US` rule's two terms at one position):
  for ASCII text, or text made ASCII without changing its tokens (non-ASCII marks such as
  pilcrows become spaces, the curly apostrophe "'"), in one compiled pass that tokenizes,
  looks terms up in a per-process cache and adds the postings (`_speedups.TokenCache`);
  otherwise (a non-ASCII word character, which needs folding) with the analyzer's regex and
  a dict cache of terms. Every other field is indexed by the field's own
  `field.index(value)`, so ID/KEYWORD/NUMERIC/DATETIME terms are Whoosh's own;
* while a segment is built, the distinct words (`indexer.analysis.word_of` of each token) of
  its text fields are collected (`SegmentWords`; the compiled cache stamps each token with
  the segment it was last recorded for, so a word costs one string per segment) and written
  at the end as the segment's word list, `<segment id>.wrd` (`indexer.wordlist`), for
  wildcard and fuzzy expansion on words;
* postings are kept per term in compact arrays and written at segment end as W3 posting
  blocks (blocks of 128, same ids, weights, values, block stats and term infos, same
  term-index keys), without a Python object per posting (the blocks of positions fields by
  compiled code, `_speedups.write_term`);
* stored fields, field lengths and sortable columns go through the codec's own per-document
  writer, exactly as stock `add_document` calls it.

With `exact=True` every Whoosh file is byte-identical to what stock writes for the same
documents (tested; the word list is this writer's own extra file). By default some encoding
details differ, all read by stock Whoosh's own code: block data is pickled with protocol 5
instead of 2 (stock pickles each bytes value as a `_codecs.encode` call, ~40 bytes of
overhead per posting); blocks of Positions fields are pickled by hand in the "raw block"
layout (ids and weights as arrays, values already framed) and stored uncompressed, so the
search reads ids and weights without unpickling positions (see `RAW_BLOCK_HEAD`); other
blocks whose pickle is too small for zlib to shrink are stored raw (compression 0 in the
block header, which the reader checks), the rest are compressed at zlib level 1, not 3.
Postings, values, lengths, stored fields and columns are the same.

`add_documents` appends new segments to an index and publishes them with one new TOC (the
atomic commit point, as in stock `commit`), holding the index's write lock. Existing
segments, and their deletions, are kept as they are; nothing is merged. With `procs > 1`
worker processes build whole segments of consecutive documents, so document numbers follow
input order exactly as a single stock writer would number them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import multiprocessing
import os
import queue
import re
import struct
import sys
import traceback
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from itertools import islice
from operator import sub
from pathlib import Path
from pickle import dumps
from typing import TYPE_CHECKING, Any

from whoosh import formats
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.fields import FieldType, Schema, UnknownFieldError
from whoosh.filedb.filestore import FileStorage, Storage
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.index import TOC, LockError, clean_files, exists_in
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from .analysis import TOKEN_RE, CablesAnalyzer, _us_terms, term_of, word_of
from .compiled import speedups
from .layout import INDEX_NAME
from .schema import build_schema
from .whoosh_private import IDS_ARRAY, WEIGHTS_ARRAY
from .wordlist import write_segment_words

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

__all__ = [
    "DEFAULT_SEGMENT_DOCS",
    "FastAnalyzer",
    "SegmentWords",
    "add_documents",
    "fast_analyzer_for",
    "speedups",
    "write_segment",
]

#: Documents per segment. Bounds a worker's memory (postings of one segment live in RAM,
#: roughly 30 MB per 1,000 cables of 7 KB) and, with procs > 1, the parent's read-ahead.
DEFAULT_SEGMENT_DOCS = 10_000

INDEXNAME = INDEX_NAME

# W3Codec() defaults, which stock `ix.writer()` uses: postings per block, zlib level
_BLOCK_LIMIT = 128
_COMPRESSION = 3
# (fast mode) zlib level: the reader decompresses any level. Level 1 takes ~40% less time
# than 3 on posting blocks (measured in the writer: ~33 vs ~53 us per 3 KB block) for
# ~5% larger compressed blocks.
_FAST_COMPRESSION = 1
# (fast mode) pickled blocks shorter than this are stored raw: zlib's header, trailer and
# per-call setup cost more than it saves on them
_MIN_COMPRESS = 96
# W3TermInfo layout: flags, total weight, doc freq, min/max length bytes, max weight,
# first/last docnum; then (for postings not inlined) offset and length in the .pst file
_TERMINFO = struct.Struct("!BfIBBfII")
_LONG = struct.Struct("!q")

# Past this many remembered (field, value) analyses the memo is emptied (unique values such
# as refids and dates never repeat; they only pass through)
_ANALYSED_LIMIT = 50_000

# Past this many cached tokens the stem cache is emptied, keeping a worker's RAM bounded on
# a corpus with millions of distinct tokens (numbers, redaction strings).
_TERM_CACHE_LIMIT = 500_000


# --- process tuning ---------------------------------------------------------------------

_M_TOP_PAD = -2  # glibc mallopt parameter
_malloc_tuned = False


def _tune_malloc() -> None:
    """Stops glibc from handing zlib's work area back to the OS after every compress call.

    Each `zlib.compress` allocates ~256 KB (four 64 KB buffers, below the mmap threshold,
    so on the heap); freeing them leaves a top chunk above glibc's 128 KB trim threshold,
    so glibc shrinks the heap and the next call faults the pages back in: ~50 us per
    call instead of ~3 us, and a segment compresses one block per term. Keeping 1 MB of
    padding at the top of the heap avoids that. No effect where libc is not glibc.
    """
    global _malloc_tuned
    if _malloc_tuned or not sys.platform.startswith("linux"):
        return
    _malloc_tuned = True
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TOP_PAD, 1 << 20)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune


# --- analysis ---------------------------------------------------------------------------

# The terms of the token `US` in mixed-case and in all-capitals context, from the
# analyzer's own rule ("x" has a lower-case letter, and a lone token has no neighbour):
# the compiled loop applies them without calling back into Python.
_US = "US"
_US_MIXED: tuple[str, ...] = _us_terms(["x", _US], 1, False)
_US_CAPS: tuple[str, ...] = _us_terms([_US], 0, False)

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD_CHAR = re.compile(r"\w")
_CURLY_APOSTROPHE = "\u2019"


def _asciified(text: str) -> str | None:
    """`text` made ASCII with the same tokens, or None when that cannot be done.

    Cables are ASCII but for marks such as the pilcrow of HTML pages. A non-ASCII character
    that is not a word character (regex \\w) separates tokens exactly as a space does, and
    the curly apostrophe joins them as "'" does and folds to it, so replacing those keeps
    every token's position, case (for the `US` rule) and word. A non-ASCII word character
    (an accent) needs folding: None, the Python path.
    """
    others = set(_NON_ASCII.findall(text))
    others.discard(_CURLY_APOSTROPHE)
    if any(_WORD_CHAR.match(char) for char in others):
        return None
    return _NON_ASCII.sub(" ", text.replace(_CURLY_APOSTROPHE, "'"))


class _TermCache(dict[str, "str | None"]):
    """token (as in the text) -> its term; None for `US`, whose terms depend on its
    neighbours. Misses are filled by `__missing__`, so a document's tokens map through the
    cache in one C-level `map(cache.__getitem__, tokens)`."""

    __slots__ = ()

    def __missing__(self, token: str) -> str | None:
        term = self[token] = None if token == _US else term_of(word_of(token))
        return term


# Stamps of SegmentWords (the compiled cache records a token once per stamp); 0 is none
_STAMPS = itertools.count(1)


class SegmentWords:
    """The distinct words (`indexer.analysis.word_of` of each token; for `US` the words of
    its terms, `us` and/or `u.s`) of the texts one segment's text fields were given.

    The compiled loop adds finished words to `words`; the Python path adds the texts'
    tokens as they are to `tokens` (folded at the end, once per distinct token). A field
    given a list of tokens instead of a text (Whoosh indexes those as they are) adds none.
    """

    __slots__ = ("stamp", "tokens", "words")

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.tokens: set[str] = set()
        self.stamp = next(_STAMPS)

    def sorted(self) -> list[str]:
        """The words, sorted by code point (the order of their UTF-8 bytes)."""
        found = set(self.words)
        # the token US itself is never a word: its terms' words were added to `words`
        found.update(map(word_of, self.tokens - {_US}))
        return sorted(found)


class FastAnalyzer:
    """`indexer.analysis.CablesAnalyzer` in bulk: the very terms, positions and field
    lengths that Whoosh's indexing with it gives (`field.index(value)`), without a token
    object per word.

    `add_text` is one compiled pass over an ASCII text (or one made ASCII, `_asciified`);
    `positions` is its pure-Python twin, for any text.
    """

    __slots__ = ("_cache", "_compiled")

    def __init__(self) -> None:
        self._cache = _TermCache()
        # the compiled twin of `positions` + `_PositionsPostings.add`, with its own cache
        self._compiled = (
            speedups.TokenCache(_US_MIXED, _US_CAPS, _TERM_CACHE_LIMIT)
            if speedups is not None
            else None
        )

    def positions(self, text: str, words: SegmentWords | None = None) -> dict[str, list[int]]:
        """term -> ascending positions, numbered exactly as Whoosh numbers them (every token
        has one, `US` may give two terms at one); the text's words go to `words`."""
        tokens: list[str] = TOKEN_RE.findall(text)
        cache = self._cache
        if len(cache) > _TERM_CACHE_LIMIT:
            cache.clear()
        poses: dict[str, list[int]] = {}
        get = poses.get
        for pos, term in enumerate(map(cache.__getitem__, tokens)):
            if term is None:  # US
                for us_term in _us_terms(tokens, pos, False):
                    poses.setdefault(us_term, []).append(pos)
                    if words is not None:
                        words.words.add(us_term)  # the analyzer's word of a US term
                continue
            found = get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        if words is not None:
            words.tokens.update(tokens)
        return poses

    def add_text(
        self,
        text: str,
        postings: _PositionsPostings,
        docnum: int,
        words: SegmentWords | None = None,
    ) -> int | None:
        """`postings.add(self.positions(text, words), docnum, 1.0)` in one compiled pass
        (tokens, cached terms, postings, new words; see `indexer/_speedups.c`); returns the
        field length, or None when that path does not apply (no compiled module, a
        non-ASCII word character, a term "" ever met): then nothing was added."""
        compiled = self._compiled
        if compiled is None:
            return None
        if not text.isascii():
            found = _asciified(text)
            if found is None:
                return None
            text = found
        length: int | None = compiled.index_text(
            text,
            term_of,
            postings.terms,
            postings.bounds,
            postings.owner,
            postings.way,
            docnum,
            None if words is None else words.words,
            1 if words is None else words.stamp,
        )
        return length


# One per process, so the term cache outlives segments.
_FAST_ANALYZER: list[FastAnalyzer] = []


def fast_analyzer_for(analyzer: Any) -> FastAnalyzer | None:
    """The process's `FastAnalyzer` when `analyzer` is a `CablesAnalyzer`, else None (the
    field is then indexed by Whoosh's own `field.index`)."""
    if type(analyzer) is not CablesAnalyzer:
        return None
    if not _FAST_ANALYZER:
        _FAST_ANALYZER.append(FastAnalyzer())
    return _FAST_ANALYZER[0]


# --- value encoding ---------------------------------------------------------------------
#
# Block data of Positions fields is pickled by hand in fast mode. A pickle is a program
# for a stack machine; the pieces below are its opcodes: a bytes value is SHORT_BINBYTES
# "C" (1-byte length) or BINBYTES "B" (4-byte little-endian length), ints 0..65535 are
# BININT1 "K" / BININT2 "M", MARK "(" ... TUPLE "t" builds a tuple. A posting's value is
# stored already framed as a bytes opcode, so a block's values tuple is one slice of the
# term's buffer between MARK and TUPLE instead of 128 objects for the pickler to walk.

_UINT = struct.Struct("!I")  # whoosh.system.pack_uint
_BIG_BYTES = struct.Struct("<I")

# Raw blocks of Positions fields: their layout is `indexer.whoosh_private`'s.
_DOUBLE = struct.Struct(">d")  # pickle BINFLOAT
_LIST_HEAD = b"\x80\x02]q\x00"  # protocol 2, EMPTY_LIST, BINPUT 0: how dumps(list, 2) starts
_MAX_BATCH = 1000  # pickle writes lists in APPENDS batches of 1000 items


def _int_op(value: int) -> bytes:
    """pickle's opcode for a small non-negative int (as protocols 1-5 write it)."""
    return b"K" + bytes((value,)) if value < 256 else b"M" + value.to_bytes(2, "little")


# opcode of each int 0..65535, and SHORT_BINBYTES header of each length 0..255
_INT_OPS: tuple[bytes, ...] = tuple(_int_op(v) for v in range(65536))
_SHORT_HEADS: tuple[bytes, ...] = tuple(b"C" + bytes((n,)) for n in range(256))


def _encode_positions(poslist: list[int]) -> bytes:
    """`whoosh.formats.Positions.encode`: count, then the pickled position deltas."""
    return bytes(pack_uint(len(poslist))) + dumps(list(map(sub, poslist, [0, *poslist])), 2)


def _frame(value: bytes) -> bytes:
    """`value` as a pickle bytes opcode."""
    size = len(value)
    if size < 256:
        return _SHORT_HEADS[size] + value
    return b"B" + _BIG_BYTES.pack(size) + value


def _framed_positions(poslist: list[int]) -> bytes:
    """`_frame(_encode_positions(poslist))`, from opcode tables instead of the pickler."""
    count = len(poslist)
    if count > _MAX_BATCH:
        return _frame(_encode_positions(poslist))
    try:
        if count == 1:
            body = _INT_OPS[poslist[0]] + b"a"  # APPEND
        else:
            ops = map(_INT_OPS.__getitem__, map(sub, poslist, [0, *poslist]))
            body = b"(" + b"".join(ops) + b"e"  # MARK ... APPENDS
    except IndexError:  # a delta >= 65536: a 4-byte BININT, left to the pickler
        return _frame(_encode_positions(poslist))
    return _frame(_UINT.pack(count) + _LIST_HEAD + body + b".")


def _unframe(frames: bytes | bytearray) -> list[bytes]:
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
# use (about 60 ms), not at import: the search side imports this module too.
_FRAMED_SINGLES: list[bytes] = []
_SINGLES_LIMIT = 65536


def _framed_singles() -> list[bytes]:
    if not _FRAMED_SINGLES:
        tail = b"a."
        _FRAMED_SINGLES.extend(
            _frame(_UINT.pack(1) + _LIST_HEAD + op + tail) for op in _INT_OPS[:_SINGLES_LIMIT]
        )
    return _FRAMED_SINGLES


# --- per-field plans --------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldPlan:
    """How one schema field is indexed and stored, worked out once per segment."""

    name: str
    field: FieldType
    indexed: bool
    scorable: bool
    stored: bool
    column: Any  # whoosh.columns.Column | None
    fast: FastAnalyzer | None  # set for text fields analysed by FastAnalyzer
    positions: bool  # fast field with a Positions format (else Frequency)
    field_boost: float  # the format's field_boost (stock multiplies weights by it)


def _plan(name: str, field: FieldType) -> _FieldPlan:
    if field.separate_spelling() or field.vector:
        # stock writes extra spelling postings / term vectors; not needed by our schema
        raise NotImplementedError(f"field {name!r}: spelling fields and vectors unsupported")
    fmt = field.format
    fast = None
    if field.indexed and type(fmt) in (formats.Positions, formats.Frequency):
        fast = fast_analyzer_for(field.analyzer)
    return _FieldPlan(
        name=name,
        field=field,
        indexed=bool(field.indexed),
        scorable=bool(field.scorable),
        stored=bool(field.stored),
        column=field.column_type,
        fast=fast,
        positions=fast is not None and type(fmt) is formats.Positions,
        field_boost=float(fmt.field_boost) if fmt is not None else 1.0,
    )


# A term's postings: docnums, weights (doubles, as stock passes them to the block writer),
# all encoded values concatenated, and the end offset of each value.
_Postings = tuple["array[int]", "array[float]", bytearray, "array[int]"]


def _new_postings() -> _Postings:
    return array("I"), array("d"), bytearray(), array("I")


# owner numbers of _PositionsPostings (see there); 0 is never one
_OWNERS = itertools.count(1)

# native uint64 items (docnum << 32 | frequency) read back as pairs of array("I") items
_QWORD = struct.Struct("=Q")
_LOW, _HIGH = (0, 1) if sys.byteorder == "little" else (1, 0)
assert array("I").itemsize == 4


class _PositionsPostings:
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
        singles = _framed_singles()
        nsingles = len(singles)
        framed = _framed_positions
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
            if not (len(meta) >> 3) & (_BLOCK_LIMIT - 1):
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
            vals += _frame(value)
            if not (len(meta) >> 3) & (_BLOCK_LIMIT - 1):
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


# --- one segment ------------------------------------------------------------------------


class _FilesKept:
    """`storage` (and the temp storages made from it), keeping every file opened or created
    through it, so that `_SegmentBuilder.abort` can close them all after a failure. A file
    left open would be flushed, and fail again ("Exception ignored ... File too large" on a
    full disk), whenever the garbage collector got to it."""

    def __init__(self, storage: Any, files: list[Any] | None = None) -> None:
        self._storage = storage
        self.files: list[Any] = [] if files is None else files

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)

    def create_file(self, *args: Any, **kwargs: Any) -> Any:
        f = self._storage.create_file(*args, **kwargs)
        self.files.append(f)
        return f

    def open_file(self, *args: Any, **kwargs: Any) -> Any:
        f = self._storage.open_file(*args, **kwargs)
        self.files.append(f)
        return f

    def temp_storage(self, *args: Any, **kwargs: Any) -> _FilesKept:
        return _FilesKept(self._storage.temp_storage(*args, **kwargs), self.files)

    def close_all(self) -> None:
        """Closes every file still open; errors are dropped (the first one is reported)."""
        for f in self.files:
            if not getattr(f, "is_closed", True):
                with contextlib.suppress(Exception):
                    f.close()
        self.files.clear()


class _SegmentBuilder:
    """Collects documents in memory and writes them as one W3 segment."""

    def __init__(
        self,
        storage: Storage,
        schema: Schema,
        indexname: str,
        *,
        compound: bool = True,
        exact: bool = False,
    ) -> None:
        _tune_malloc()
        self._exact = exact
        storage = self._storage = _FilesKept(storage)
        self._codec = W3Codec()
        self._segment = self._codec.new_segment(storage, indexname)
        self._perdoc = self._codec.per_document_writer(storage, self._segment)
        if not exact:
            # stored fields at zlib level 1, not 3 (the reader inflates any level): ~15%
            # less time on the largest thing compressed per document, ~3% larger
            self._perdoc._colwriters["_stored"]._child._level = _FAST_COMPRESSION
        # (field, value) -> what `field.index(value)` gave, for the small exact-match fields
        # whose values repeat (classification, origin, year, TAGS...)
        self._analysed: dict[tuple[str, Any], list[Any]] = {}
        self._compound = compound
        self._plans = {name: _plan(name, schema[name]) for name in schema.names()}
        self._postings: dict[str, dict[Any, _Postings]] = {
            name: {} for name, plan in self._plans.items() if plan.indexed
        }
        self._positions: dict[str, _PositionsPostings] = {
            name: _PositionsPostings(way)
            for way, name in enumerate(name for name, plan in self._plans.items() if plan.positions)
        }
        # quantized field length (length_to_byte) per doc, as the lengths column holds it
        self._lengths: dict[str, bytearray] = {
            name: bytearray() for name, plan in self._plans.items() if plan.scorable
        }
        # the words of the text fields (`indexer.wordlist`), when the schema has any
        has_texts = any(plan.fast is not None for plan in self._plans.values())
        self._words = SegmentWords() if has_texts else None
        self.doc_count = 0

    def add(self, doc: Mapping[str, Any]) -> None:
        """What stock `SegmentWriter.add_document(**doc)` does, minus the posting pool."""
        docnum = self.doc_count
        plans = self._plans
        names = sorted(name for name in doc if not name.startswith("_"))
        for name in names:
            if name not in plans:
                raise UnknownFieldError(f"No field named {name!r} in the schema")
        docboost = float(doc.get("_boost", 1.0))
        for lengths in self._lengths.values():
            lengths.append(0)

        perdoc = self._perdoc
        perdoc.start_doc(docnum)
        for name in names:
            value = doc[name]
            if value is None:
                continue
            plan = plans[name]
            length = 0
            if plan.indexed:
                boost = float(doc.get(f"_{name}_boost", docboost))
                length = self._index(plan, value, docnum, boost)
                if not plan.scorable:
                    length = 0  # stock records lengths of scorable fields only
                elif length:
                    self._lengths[name][docnum] = length_to_byte(length)
            custom = doc.get(f"_stored_{name}", value)
            perdoc.add_field(name, plan.field, custom if plan.stored else None, length)
            if plan.column and custom is not None:
                perdoc.add_column_value(name, plan.column, plan.field.to_column_value(custom))
        perdoc.finish_doc()
        self.doc_count += 1

    def _index(self, plan: _FieldPlan, value: Any, docnum: int, boost: float) -> int:
        """Adds the field's postings; returns the field length stock would record."""
        terms = self._postings[plan.name]
        if plan.positions:
            compact = self._positions[plan.name]
            if isinstance(value, str):
                assert plan.fast is not None
                if speedups is not None:
                    length = plan.fast.add_text(value, compact, docnum, self._words)
                    if length is not None:
                        if boost != 1.0:
                            compact.boosts[docnum] = boost
                        return length
                poses = plan.fast.positions(value, self._words)
                compact.add(poses, docnum, boost)
                return sum(map(len, poses.values()))
            # not text (a list of tokens): Whoosh's own analysis, same store
            return compact.add_encoded(plan.field.index(value), docnum, boost)
        if plan.fast is not None and isinstance(value, str):
            return self._index_frequency(plan, terms, value, docnum, boost)
        length = 0
        for tbytes, freq, weight, vbytes in self._field_index(plan, value):
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = _new_postings()
            docs, weights, vals, ends = postings
            docs.append(docnum)
            weights.append(weight * boost)
            if vbytes:
                vals += vbytes
            ends.append(len(vals))
            length += freq
        return length

    def _field_index(self, plan: _FieldPlan, value: Any) -> list[Any]:
        """`plan.field.index(value)` as a list, remembered per segment (bounded)."""
        try:
            key = (plan.name, value)
            found = self._analysed.get(key)
        except TypeError:  # an unhashable value (a token list)
            return list(plan.field.index(value))
        if found is None:
            if len(self._analysed) >= _ANALYSED_LIMIT:
                self._analysed.clear()
            found = self._analysed[key] = list(plan.field.index(value))
        return found

    def _index_frequency(
        self, plan: _FieldPlan, terms: dict[Any, _Postings], value: str, docnum: int, boost: float
    ) -> int:
        """A Frequency-format text field analysed by FastAnalyzer."""
        assert plan.fast is not None
        fb = plan.field_boost
        poses = plan.fast.positions(value, self._words)
        for term, poslist in poses.items():
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = _new_postings()
            docs, weights, vals, ends = postings
            docs.append(docnum)
            # stock: (sum of 1.0 token boosts) * format boost, then * field/doc boost
            weights.append(len(poslist) * fb * boost)
            vals += pack_uint(len(poslist))
            ends.append(len(vals))
        return sum(map(len, poses.values()))

    def abort(self) -> None:
        """Closes every open file after a failure, without writing more (the per-document
        writer's, the term index, the postings, the compound file's); the caller deletes
        the segment's files. Already failing: the first error is the one to report."""
        self._storage.close_all()

    def finish(self) -> Any:
        """Writes the segment's files and returns the (uncommitted) W3Segment."""
        self._perdoc.close()  # columns, stored fields, segment._fieldlengths
        segment = self._segment
        segment.set_doc_count(self.doc_count)
        storage = self._storage
        tindex = OrderedHashWriter(segment.create_file(storage, W3Codec.TERMS_EXT))
        fieldmap: dict[str, int] = {}
        tindex.extras["fieldmap"] = fieldmap
        postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
        # stock sorts postings by (field name, term bytes, docnum); field ids follow that
        for name in sorted(self._postings):
            compact = self._positions.get(name)
            terms: Mapping[Any, Any] = compact.terms if compact else self._postings[name]
            if not terms:
                continue
            fieldmap[name] = len(fieldmap)
            prefix = pack_ushort(fieldmap[name])
            plan = self._plans[name]
            lengths = self._lengths.get(name)
            writer = _TermWriter(postfile, plan.field.format, lengths, 2 if self._exact else 5)
            # the compiled twin of expand + write_frames (raw blocks; not in exact mode)
            write_term = (
                speedups.write_term
                if compact is not None and not self._exact and speedups is not None
                else None
            )
            fb = plan.field_boost
            boosts = compact.boosts if compact is not None and compact.boosts else None
            # sorting str by code point == sorting their UTF-8 bytes
            for key in sorted(terms):
                tbytes = key.encode("utf-8") if isinstance(key, str) else key
                if compact is None:
                    terminfo = writer.write(*_split_values(terms[key]))
                elif write_term is not None:
                    meta, vals = compact.terms[key]
                    blob, terminfo = write_term(
                        meta, vals, compact.bounds.get(key), lengths, fb, boosts, postfile.tell()
                    )
                    postfile.write(blob)
                else:
                    docs, weights, frames, bounds = compact.expand(key, fb)
                    if self._exact:
                        # stock's pickles: one value object per posting
                        terminfo = writer.write(docs, weights, _unframe(frames))
                    else:
                        terminfo = writer.write_frames(docs, weights, frames, bounds)
                tindex.add(prefix + tbytes, terminfo)
            self._postings[name].clear()
            self._positions.pop(name, None)
        tindex.close()
        postfile.close()
        if self._compound:
            segment.create_compound_file(storage)
        if self._words is not None:
            # after the compound file, which takes in every file named after the segment
            write_segment_words(storage, segment.segment_id(), self._words.sorted())
        return segment


def _split_values(postings: _Postings) -> tuple[array[int], array[float], list[bytes]]:
    docs, weights, vals, ends = postings
    values = bytes(vals)
    starts = [0, *ends[:-1]]
    return docs, weights, [values[a:b] for a, b in zip(starts, ends, strict=True)]


class _TermWriter:
    """Writes posting lists as `W3PostingsWriter` does (blocks of 128, pickled, zlib 3).

    `protocol` is the pickle protocol of each block's data tuple. Stock uses 2, which
    pickles every bytes value as a `_codecs.encode(str, "latin1")` call (about 40 bytes of
    overhead per posting, all of it to compress). The reader only calls `pickle.loads`, so
    a newer protocol reads back to the very same tuple, for a third of the bytes. Blocks of
    Positions fields (`write_frames`) are pickled by hand, without a memo, to the same
    tuple.
    """

    def __init__(
        self, postfile: Any, fmt: formats.Format, lengths: bytearray | None, protocol: int
    ) -> None:
        self._postfile = postfile
        self._fixedsize = fmt.fixed_value_size()
        self._lengths = lengths
        self._protocol = protocol
        # exact mode compresses every block, as stock does; otherwise blocks whose pickle
        # is too small for zlib to shrink are stored raw (compression 0 in the block info,
        # which the reader checks before decompressing)
        self._min_compress = 0 if protocol == 2 else _MIN_COMPRESS
        self._level = _COMPRESSION if protocol == 2 else _FAST_COMPRESSION

    def write(self, docs: array[int], weights: array[float], values: list[bytes]) -> bytes:
        """Writes one term's posting blocks; returns its W3TermInfo bytes."""
        protocol = self._protocol

        def data(first: int, last: int, ids: array[int], stored: array[float]) -> bytes:
            mini = (_delta_ids(ids), _mini_weights(stored), self._mini_values(values[first:last]))
            return dumps(mini, protocol)

        if len(docs) == 1:
            return self._write_one(docs[0], weights[0], data)
        return self._write_blocks(docs, weights, data)

    def write_frames(
        self, docs: array[int], weights: array[float], frames: bytearray, bounds: list[int]
    ) -> bytes:
        """`write` for values framed as pickle opcodes (`_PositionsPostings`).

        `bounds` are the offsets in `frames` where the values of each block of 128 end.
        """
        starts = [0, *bounds]
        nbounds = len(bounds)

        def data(first: int, last: int, ids: array[int], stored: array[float]) -> bytes:
            block = first // _BLOCK_LIMIT
            if nbounds:
                end = bounds[block] if block < nbounds else len(frames)
                values = frames[starts[block] : end]
            else:
                values = frames
            return _hand_pickle(ids, stored, values)

        if len(docs) == 1:
            return self._write_one(docs[0], weights[0], data, raw=True)
        return self._write_blocks(docs, weights, data, raw=True)

    def _write_blocks(
        self,
        docs: array[int],
        weights: array[float],
        data: Callable[[int, int, array[int], array[float]], bytes],
        *,
        raw: bool = False,
    ) -> bytes:
        """The blocks of a term in more than one document; its W3TermInfo bytes. `raw`:
        blocks stored uncompressed."""
        parts = [WHOOSH3_HEADER_MAGIC]
        total = 0.0
        maxweight: float = 0
        minlength: int | None = None
        maxlength = 0
        n = len(docs)
        for first in range(0, n, _BLOCK_LIMIT):
            last = min(first + _BLOCK_LIMIT, n)
            ids = docs[first:last]
            block_weights = weights[first:last]
            # the block writer keeps weights in an array("f"): float32 on disk and in sums
            stored_weights = array("f", block_weights)
            block_max = max(block_weights)
            block_maxweight = block_max if block_max > 0 else 0
            block_min, block_max_len = self._length_range(ids)
            databytes, comp = self._compress(data(first, last, ids, stored_weights), raw)
            infobytes = dumps(
                (
                    len(ids),
                    ids[-1],
                    block_maxweight,
                    comp,
                    length_to_byte(block_min),
                    length_to_byte(block_max_len),
                ),
                2,
            )
            blocklength = len(infobytes) + len(databytes)
            parts += (pack_int(-blocklength if last == n else blocklength), infobytes, databytes)
            # W3TermInfo.add_block
            total += sum(stored_weights)
            if minlength is None:
                minlength = block_min
            elif block_min is not None:
                minlength = min(minlength, block_min)
            maxlength = max(maxlength, block_max_len)
            maxweight = max(maxweight, block_maxweight)
        info = _TERMINFO.pack(
            0,
            total,
            n,
            0 if minlength is None else length_to_byte(minlength),
            length_to_byte(maxlength),
            maxweight,
            docs[0],
            docs[-1],
        )
        blob = b"".join(parts)
        postfile = self._postfile
        start = postfile.tell()
        postfile.write(blob)
        return info + _LONG.pack(start) + bytes(pack_int(len(blob)))

    def _compress(self, pickled: bytes, raw: bool) -> tuple[bytes, int]:
        """A block's data bytes and its compression level (0 = stored raw)."""
        if raw or len(pickled) < self._min_compress:
            return pickled, 0
        return zlib.compress(pickled, self._level), self._level

    def _write_one(
        self,
        docnum: int,
        weight: float,
        data: Callable[[int, int, array[int], array[float]], bytes],
        *,
        raw: bool = False,
    ) -> bytes:
        """`_write_blocks` for a term in one document (most terms): same bytes, less work."""
        stored = array("f", (weight,))
        databytes, comp = self._compress(data(0, 1, array("I", (docnum,)), stored), raw)
        maxweight = weight if weight > 0 else 0
        lengthbyte = self._lengths[docnum] if self._lengths is not None else 0
        # stock: block min length None (byte 0) when the doc has no length
        maxlength = byte_to_length(lengthbyte) if lengthbyte else 0
        infobytes = dumps(
            (
                1,
                docnum,
                maxweight,
                comp,
                length_to_byte(maxlength or None),
                length_to_byte(maxlength),
            ),
            2,
        )
        blocklength = len(infobytes) + len(databytes)
        blob = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-blocklength), infobytes, databytes))
        postfile = self._postfile
        start = postfile.tell()
        postfile.write(blob)
        info = _TERMINFO.pack(
            0,
            0 + stored[0],
            1,
            length_to_byte(maxlength or None),
            length_to_byte(maxlength),
            maxweight,
            docnum,
            docnum,
        )
        return info + _LONG.pack(start) + bytes(pack_int(len(blob)))

    def _length_range(self, ids: array[int]) -> tuple[int | None, int]:
        """(min, max) field length of the block's docs, as the block writer tracks them.

        Stock reads lengths back from the lengths column (quantized by length_to_byte) and
        skips docs whose length is 0; None / 0 when no doc has one.
        """
        lengths = self._lengths
        if lengths is None:
            return None, 0
        found = bytes(map(lengths.__getitem__, ids)).replace(b"\x00", b"")
        if not found:
            return None, 0
        return int(byte_to_length(min(found))), int(byte_to_length(max(found)))

    def _mini_values(self, values: list[bytes]) -> Any:
        """`W3PostingsWriter._mini_values` (the block writer drops empty values)."""
        fixedsize = self._fixedsize
        if fixedsize == 0:
            return None
        if fixedsize is not None and fixedsize > 0:
            return b"".join(values)
        return tuple(filter(None, values))


def _delta_ids(ids: array[int]) -> tuple[int, ...]:
    """`W3PostingsWriter._mini_ids`: docnums as differences from the previous one."""
    return tuple(map(sub, ids, [0, *ids]))


def _array_op(values: array[Any], head: bytes) -> bytes:
    """pickle opcodes rebuilding `values` (an array of the type `head` names)."""
    if sys.byteorder == "big":  # the machine format codes in the heads are little-endian
        values = array(values.typecode, values)
        values.byteswap()
    data = values.tobytes()
    return b"".join((head, _BIG_BYTES.pack(len(data)), data, b"tR"))  # ... TUPLE, REDUCE


def _hand_pickle(ids: array[int], stored_weights: array[float], frames: bytes | bytearray) -> bytes:
    """The pickle of (delta ids, mini weights, values tuple), values already framed, in
    the raw block layout (`RAW_BLOCK_HEAD`)."""
    id_part = _array_op(array("I", map(sub, ids, [0, *ids])), IDS_ARRAY)
    mini = _mini_weights(stored_weights)
    if mini is None:
        weight_part = b"N"  # NONE
    elif isinstance(mini, float):
        weight_part = b"G" + _DOUBLE.pack(mini)  # BINFLOAT
    else:
        weight_part = _array_op(stored_weights, WEIGHTS_ARRAY)
    # PROTO 3 ... MARK values TUPLE, TUPLE3, STOP
    return b"".join((b"\x80\x03", id_part, weight_part, b"(", frames, b"t\x87."))


def _mini_weights(weights: array[float]) -> Any:
    """`W3PostingsWriter._mini_weights`: None if all 1.0, one float if all equal."""
    # array.count compares with ==, as stock's all(w == ...) does, but in C
    count = len(weights)
    if weights.count(1.0) == count:
        return None
    if weights.count(weights[0]) == count:
        return weights[0]
    return tuple(weights)


# --- segments and commits ---------------------------------------------------------------


def _chunks(docs: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    it = iter(docs)
    while chunk := list(islice(it, size)):
        yield chunk


#: Documents drawn from the input at a time (see `_in_runs`)
RUN_DOCS = 200


def _in_runs(docs: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """`docs`, drawn RUN_DOCS at a time: a lazy input (the parser) then runs 200 times in
    a row, then the writer 200 times, each with its code and data warm in the CPU caches
    instead of evicting the other's after every document. 10,000 generated cables, parsed
    and written in one process: 1.22 ms a cable one by one, 1.13 in runs of 50, 1.06 in
    runs of 200 or 1,000."""
    for run in _chunks(docs, RUN_DOCS):
        yield from run


def write_segment(
    storage: Storage,
    schema: Schema,
    docs: Iterable[Mapping[str, Any]],
    *,
    segment_docs: int = DEFAULT_SEGMENT_DOCS,
    indexname: str = INDEXNAME,
    compound: bool = True,
    exact: bool = False,
) -> list[Any]:
    """Writes `docs` as new segments of at most `segment_docs` documents each.

    Returns the W3Segment objects in input order. They are not part of the index until a
    TOC lists them (see `add_documents`); the caller must hold the index's write lock, or
    a concurrent stock commit may delete their files as unreferenced.
    """
    if segment_docs < 1:
        raise ValueError("segment_docs must be >= 1")
    segments = []
    builder: _SegmentBuilder | None = None
    try:
        with gc_paused():
            for doc in _in_runs(docs):
                if builder is None:
                    builder = _SegmentBuilder(
                        storage, schema, indexname, compound=compound, exact=exact
                    )
                builder.add(doc)
                if not builder.doc_count % RUN_DOCS:
                    freeze_survivors()
                if builder.doc_count >= segment_docs:
                    segments.append(builder.finish())
                    builder = None
                    segment_done()
            if builder is not None:
                segments.append(builder.finish())
                builder = None
    except BaseException:
        if builder is not None:
            builder.abort()
        raise
    return segments


_paused = 0  # depth of nested `gc_paused` blocks (an index run holds one around its builds)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Full (oldest-generation) collections do not walk what a run keeps while it works.

    Building a segment allocates millions of small containers (tokens, postings, parsed
    cables) and frees nearly all of them by reference counting, while the postings dicts
    it keeps grow to millions of entries, and an index run keeps its manifest (a million
    objects at full size): each full collection walked all of them again, ~5% of the time
    of parsing and writing, and doubled the manifest's load time. So what has survived is
    frozen (`gc.freeze`: collections no longer look at it) every RUN_DOCS documents and
    after the manifest is loaded (`freeze_survivors`); young collections still run, so
    short-lived cycles are freed as they come, and `segment_done` runs one full collection
    after each segment. Frozen objects are still freed by reference counting; the outermost
    block unfreezes them at its end.

    This replaces raising the oldest generation's threshold out of reach, which Python
    3.13's collector ignored for the manifest's load (2.1 s with it, 1.7 s without, 1.3 s
    frozen; see README "Benchmarks") and 3.14's incremental collector ignores altogether.
    """
    global _paused
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if not _paused:
            gc.unfreeze()
            gc.collect()


def freeze_survivors() -> None:
    """Collects the young generations, then freezes everything still tracked (see
    `gc_paused`; only inside one, or in a worker process, which only builds segments)."""
    gc.collect(1)
    gc.freeze()


@contextlib.contextmanager
def gc_off() -> Iterator[None]:
    """No collections at all (loading a large acyclic structure such as the manifest, which
    the caller freezes afterwards)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def segment_done() -> None:
    """After a segment is written: free what the build left in reference cycles, frozen
    ones included (a cycle that became garbage after it was frozen), then freeze again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def add_documents(
    index_dir: Path,
    docs: Iterable[Mapping[str, Any]],
    *,
    procs: int = 2,
    segment_docs: int = DEFAULT_SEGMENT_DOCS,
    schema: Schema | None = None,
    indexname: str = INDEXNAME,
    compound: bool = True,
    exact: bool = False,
    expected_docs: int | None = None,
) -> None:
    """Appends `docs` to the index in `index_dir` (created with `schema`, by default
    `build_schema()`, if absent) as new segments, and commits them with one new TOC.

    Workers build whole segments of consecutive documents, so with `procs` workers the
    input is only spread over all of them when it spans `procs` segments: when `docs` has
    a length, or `expected_docs` says how many documents to expect, segments are cut to
    about 1/procs of the input (never above `segment_docs`). `exact=True` writes files
    byte-identical to stock Whoosh's (slower: see `_TermWriter`).

    Like stock `add_document` this never replaces documents: a refid already in the index
    is indexed twice unless the caller deletes the old one. Raises whoosh's LockError if
    another writer holds the index.
    """
    if expected_docs is None and isinstance(docs, Sized):
        expected_docs = len(docs)
    if procs > 1 and expected_docs:
        segment_docs = min(segment_docs, max(1, -(-expected_docs // procs)))
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    storage = FileStorage(str(index_dir))
    if not exists_in(str(index_dir), indexname):
        TOC.create(storage, schema if schema is not None else build_schema(), indexname)
    lock = storage.lock(f"{indexname}_WRITELOCK")
    if not lock.acquire():
        raise LockError(f"index {index_dir} is locked by another writer")
    try:
        toc = TOC.read(storage, indexname)
        try:
            if procs <= 1:
                new = write_segment(
                    storage,
                    toc.schema,
                    docs,
                    segment_docs=segment_docs,
                    indexname=indexname,
                    compound=compound,
                    exact=exact,
                )
            else:
                new = _parallel_segments(
                    index_dir, toc.schema, docs, procs, segment_docs, (indexname, compound, exact)
                )
        except BaseException:
            # drop the files of unpublished segments (we hold the lock: they are ours)
            clean_files(storage, indexname, toc.generation, toc.segments)
            raise
        if new:
            generation = toc.generation + 1
            segments = [*toc.segments, *new]
            TOC(toc.schema, segments, generation).write(storage, indexname)
            clean_files(storage, indexname, generation, segments)
    finally:
        _remove_temp_dir(index_dir / f"{indexname}.tmp")
        lock.release()


def _remove_temp_dir(path: Path) -> None:
    """The per-doc writers' scratch folder (stock writers remove it at commit too)."""
    if path.is_dir():
        FileStorage(str(path)).destroy()


# --- worker processes -------------------------------------------------------------------

_BATCH_DOCS = 64  # documents per queue message: amortizes queue overhead, little latency


def _worker(
    index_dir: str,
    schema: Schema,
    options: tuple[str, bool, bool],
    inbox: Queue[Any],
    outbox: Queue[Any],
) -> None:
    """Builds the segments sent to it: ("docs", [doc, ...]) ... ("flush", segment_no)."""
    indexname, compound, exact = options
    storage = FileStorage(index_dir)
    builder: _SegmentBuilder | None = None
    # as in write_segment (`gc_paused`): this process only builds segments, and freezes
    # what survives each batch (`freeze_survivors`); it never needs to unfreeze
    try:
        while (message := inbox.get()) is not None:
            kind, payload = message
            if kind == "docs":
                if builder is None:
                    builder = _SegmentBuilder(
                        storage, schema, indexname, compound=compound, exact=exact
                    )
                for doc in payload:
                    builder.add(doc)
                if builder.doc_count % RUN_DOCS < len(payload):  # passed a multiple of it
                    freeze_survivors()
            elif builder is not None:
                outbox.put(("segment", payload, builder.finish()))
                builder = None
                segment_done()
    except BaseException:
        if builder is not None:
            builder.abort()
        outbox.put(("error", None, traceback.format_exc()))


class _Workers:
    """`procs` worker processes; segment k (consecutive docs) goes to worker k % procs."""

    def __init__(
        self, procs: int, backlog_docs: int, args: tuple[str, Schema, tuple[str, bool, bool]]
    ) -> None:
        ctx: Any = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        # Each worker may have about one segment of documents queued: the parent reads
        # ahead while worker k builds segment k, so the others never starve.
        maxsize = max(2, backlog_docs // _BATCH_DOCS)
        self._inboxes: list[Queue[Any]] = [ctx.Queue(maxsize=maxsize) for _ in range(procs)]
        self._outbox: Queue[Any] = ctx.Queue()
        self._procs = [
            ctx.Process(target=_worker, args=(*args, inbox, self._outbox), daemon=True)
            for inbox in self._inboxes
        ]
        self.segments: dict[int, Any] = {}
        for proc in self._procs:
            proc.start()

    def send(self, worker: int, message: Any) -> None:
        while True:
            try:
                self._inboxes[worker].put(message, timeout=0.5)
                return
            except queue.Full:
                self._check()

    def _check(self) -> None:
        """Collects finished segments; raises if a worker failed or died."""
        while True:
            try:
                kind, number, payload = self._outbox.get_nowait()
            except queue.Empty:
                break
            if kind == "error":
                raise RuntimeError(f"fast index worker failed:\n{payload}")
            self.segments[number] = payload
        for proc in self._procs:
            if proc.exitcode not in (None, 0):
                raise RuntimeError(f"fast index worker exited with code {proc.exitcode}")

    def finish(self, count: int) -> list[Any]:
        for worker in range(len(self._inboxes)):
            self.send(worker, None)
        while len(self.segments) < count:
            try:
                kind, number, payload = self._outbox.get(timeout=0.5)
            except queue.Empty:
                self._check()
                if all(p.exitcode is not None for p in self._procs):
                    self._check()  # a last message may have arrived meanwhile
                    if len(self.segments) < count:
                        raise RuntimeError("fast index workers exited early") from None
                continue
            if kind == "error":
                raise RuntimeError(f"fast index worker failed:\n{payload}")
            self.segments[number] = payload
        for proc in self._procs:
            proc.join()
        return [self.segments[k] for k in range(count)]

    def stop(self) -> None:
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _parallel_segments(
    index_dir: Path,
    schema: Schema,
    docs: Iterable[Mapping[str, Any]],
    procs: int,
    segment_docs: int,
    options: tuple[str, bool, bool],
) -> list[Any]:
    if segment_docs < 1:
        raise ValueError("segment_docs must be >= 1")
    workers = _Workers(procs, segment_docs, (str(index_dir), schema, options))
    try:
        count = 0
        it = iter(docs)
        while True:
            worker = count % procs
            sent = 0
            for batch in _chunks(islice(it, segment_docs), _BATCH_DOCS):
                workers.send(worker, ("docs", batch))
                sent += len(batch)
            if not sent:
                break
            workers.send(worker, ("flush", count))
            count += 1
            if sent < segment_docs:
                break
        return workers.finish(count)
    finally:
        workers.stop()
