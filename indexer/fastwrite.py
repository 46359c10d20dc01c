"""The segment writer: documents -> real Whoosh 2.7.4 segments (default codec W3Codec).

Where it sits: file -> reader -> Cable -> document -> index; this is the last arrow. The
update (`indexer.ingest`, through `indexer.parsework`) streams documents into
`write_segment`, which cuts them into segments and writes each one; `indexer.publish` then
lists them in a TOC. The steps of one segment are modules of their own:

* `indexer.fastanalysis`: text fields whose analyzer is the schema's `CablesAnalyzer` are
  analysed in bulk (`FastAnalyzer`: the very terms, positions and field lengths of Whoosh's
  own indexing with it, in one compiled pass where it can); every other field is indexed by
  the field's own `field.index(value)`, so ID/KEYWORD/NUMERIC/DATETIME terms are Whoosh's
  own. The distinct words of the text fields are collected (`SegmentWords`) and written at
  the end as the segment's word list, `<segment id>.wrd` (`indexer.wordlist`);
* `indexer.postingbuf`: postings are kept per term in compact arrays, without a Python
  object per posting;
* `indexer.termwrite`: at segment end every term's postings become W3 posting blocks
  (blocks of 128, same ids, weights, values, block stats and term infos, same term-index
  keys; the blocks of positions fields by compiled code, `_speedups.write_term`);
* stored fields, field lengths and sortable columns go through the codec's own
  per-document writer, exactly as stock `add_document` calls it (here).

Every private Whoosh name and byte layout these use is in `indexer.whoosh_private`.

With `exact=True` every Whoosh file is byte-identical to what stock writes for the same
documents (tested; the word list is this writer's own extra file). By default some encoding
details differ, all read by stock Whoosh's own code: block data is pickled with protocol 5
instead of 2 (stock pickles each bytes value as a `_codecs.encode` call, ~40 bytes of
overhead per posting); blocks of Positions fields are compact blocks (`indexer.blockcodec`:
varints, weights derived from the counts where they can be, in a pickle envelope that stock
Whoosh unpickles to its own tuple, `whoosh_private.compact_block`) stored uncompressed, so
the search reads ids, weights and positions in bulk without unpickling anything; other
blocks whose pickle is too small for zlib to shrink are stored raw (compression 0 in the
block header, which the reader checks), the rest are compressed at level 1, not 3, by
ISA-L's zlib-format compressor (`indexer.deflate`; stock's zlib inflates it), as are the
stored fields.
Postings, values, lengths, stored fields and columns are the same.

`speedups` (`indexer.compiled`) is looked up here, at call time, for both compiled paths
(analysis and posting blocks): setting `fastwrite.speedups = None` gives the Python twins.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

from whoosh import formats
from whoosh.analysis import CompositeAnalyzer, IDTokenizer, LowercaseFilter, RegexTokenizer
from whoosh.fields import FieldType, Schema, UnknownFieldError
from whoosh.filedb.filestore import Storage
from whoosh.system import pack_uint

from . import deflate
from .compiled import speedups
from .fastanalysis import FastAnalyzer, SegmentWords, fast_analyzer_for
from .layout import INDEX_NAME
from .memtune import freeze_survivors, gc_paused, segment_done, tune_malloc
from .postingbuf import PositionsPostings, Postings, new_postings, whoosh_values
from .termwrite import FAST_COMPRESSION, TermWriter, split_values
from .whoosh_private import (
    UINT,
    create_term_files,
    length_to_byte,
    new_segment,
    term_key_prefix,
)
from .wordlist import write_segment_words

__all__ = [
    "DEFAULT_SEGMENT_DOCS",
    "RUN_DOCS",
    "SegmentBuilder",
    "chunks",
    "speedups",
    "write_segment",
]

#: Documents per segment. Bounds a worker's memory (postings of one segment live in RAM:
#: a worker writing 65,000 generated cables of 7 KB peaked at 881 MiB) and, with procs > 1,
#: the parent's read-ahead. `cables index` cuts its segments at this size too
#: (`parsework.SEGMENT_DOCS`, where the choice is measured); the benchmarks' and tests'
#: `plainindex.add_documents` was 3-4% faster with segments of 20,000 than of 10,000.
DEFAULT_SEGMENT_DOCS = 65_000

# Past this many remembered (field, value) analyses the memo is emptied (unique values such
# as refids and dates never repeat; they only pass through)
_ANALYSED_LIMIT = 50_000


# --- per-field plans --------------------------------------------------------------------


#: (term bytes, frequency, weight, value bytes): what `field.index(value)` yields per term
_Terms = list[tuple[bytes, int, float, bytes]]

#: what Whoosh's SpaceSeparatedTokenizer (KEYWORD fields) matches
_SPACE_SEPARATED = r"[^ \t\r\n]+"


def _exact_terms(field: FieldType) -> Callable[[str], _Terms] | None:
    """`field.index(text)` for a text value, without Whoosh's analyzer pipeline, for the
    exact-match fields of our schema (ID: the whole value; KEYWORD: the words between spaces,
    tabs and newlines; either lower-cased or not), whose formats record a term once
    (`Existence`) or with its count (`Frequency`): the same terms, frequencies, weights and
    values as Whoosh's token objects and generators, 2-6x faster (a cable has ten of these
    fields; tests compare both on every field). None for any other analyzer or format:
    those go through `field.index`."""
    fmt = field.format
    if type(fmt) not in (formats.Existence, formats.Frequency):
        return None
    if type(field).index is not FieldType.index:
        return None  # NUMERIC, DATETIME, ...: their own terms, not the analyzer's words
    parts = list(field.analyzer.items) if type(field.analyzer) is CompositeAnalyzer else [
        field.analyzer
    ]
    lower = len(parts) == 2 and type(parts[1]) is LowercaseFilter
    if len(parts) != 1 + lower:
        return None
    tokenizer = parts[0]
    split: Callable[[str], list[str]]
    if type(tokenizer) is IDTokenizer:
        split = (lambda text: [text.lower()]) if lower else (lambda text: [text])
    elif (
        type(tokenizer) is RegexTokenizer
        and not tokenizer.gaps
        and tokenizer.expression.pattern == _SPACE_SEPARATED
    ):
        findall = tokenizer.expression.findall
        split = (lambda text: [w.lower() for w in findall(text)]) if lower else findall
    else:
        return None
    boost = fmt.field_boost
    if type(fmt) is formats.Existence:
        return lambda text: [(w.encode("utf-8"), 1, boost, b"") for w in set(split(text))]
    # Frequency: Whoosh adds each token's boost (1.0) for the weight, then the field's
    return lambda text: [
        (w.encode("utf-8"), n, float(n) * boost, pack_uint(n))
        for w, n in Counter(split(text)).items()
    ]


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
    exact: Callable[[str], _Terms] | None  # `field.index` of a text value (`_exact_terms`)


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
        exact=_exact_terms(field) if field.indexed and fast is None else None,
    )


# --- one segment ------------------------------------------------------------------------


class _FilesKept:
    """`storage` (and the temp storages made from it), keeping every file opened or created
    through it, so that `SegmentBuilder.abort` can close them all after a failure. A file
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


class SegmentBuilder:
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
        tune_malloc()
        self._exact = exact
        storage = self._storage = _FilesKept(storage)
        # not exact: stored fields at level 1 by ISA-L's compressor (`indexer.deflate`), not
        # zlib's level 3 (the reader inflates either): the largest thing compressed per
        # document, 3.6x faster than zlib's level 1 and no larger
        self._segment, self._perdoc = (
            new_segment(storage, indexname)
            if exact
            else new_segment(storage, indexname, FAST_COMPRESSION, deflate.compress)
        )
        # (field, value) -> what `field.index(value)` gave, for the small exact-match fields
        # whose values repeat (classification, origin, year, TAGS...)
        self._analysed: dict[tuple[str, Any], list[Any]] = {}
        self._compound = compound
        self._plans = {name: _plan(name, schema[name]) for name in schema.names()}
        self._postings: dict[str, dict[Any, Postings]] = {
            name: {} for name, plan in self._plans.items() if plan.indexed
        }
        self._positions: dict[str, PositionsPostings] = {
            name: PositionsPostings(way)
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
                postings = terms[tbytes] = new_postings()
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
            if plan.exact is not None and isinstance(value, str):
                found = plan.exact(value)
            else:
                found = list(plan.field.index(value))
            self._analysed[key] = found
        return found

    def _index_frequency(
        self, plan: _FieldPlan, terms: dict[Any, Postings], value: str, docnum: int, boost: float
    ) -> int:
        """A Frequency-format text field analysed by FastAnalyzer."""
        assert plan.fast is not None
        fb = plan.field_boost
        poses = plan.fast.positions(value, self._words)
        for term, poslist in poses.items():
            postings = terms.get(term)
            if postings is None:
                postings = terms[term] = new_postings()
            docs, weights, vals, ends = postings
            docs.append(docnum)
            # stock: (sum of 1.0 token boosts) * format boost, then * field/doc boost
            weights.append(len(poslist) * fb * boost)
            vals += UINT.pack(len(poslist))
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
        tindex, fieldmap, postfile = create_term_files(segment, storage)
        # stock sorts postings by (field name, term bytes, docnum); field ids follow that
        for name in sorted(self._postings):
            compact = self._positions.get(name)
            terms: Mapping[Any, Any] = compact.terms if compact else self._postings[name]
            if not terms:
                continue
            fieldmap[name] = len(fieldmap)
            prefix = term_key_prefix(fieldmap[name])
            plan = self._plans[name]
            lengths = self._lengths.get(name)
            writer = TermWriter(postfile, plan.field.format, lengths, 2 if self._exact else 5)
            # the compiled twin of expand + write_frames (compact blocks; not in exact mode)
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
                    terminfo = writer.write(*split_values(terms[key]))
                elif write_term is not None:
                    meta, vals = compact.terms[key]
                    blob, terminfo = write_term(
                        meta, vals, compact.bounds.get(key), lengths, fb, boosts, postfile.tell()
                    )
                    postfile.write(blob)
                else:
                    docs, weights, counts, vals, bounds = compact.expand(key, fb)
                    if self._exact:
                        # stock's pickles: one value object per posting
                        terminfo = writer.write(docs, weights, whoosh_values(vals, counts))
                    else:
                        terminfo = writer.write_frames(docs, weights, counts, vals, bounds)
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


# --- segments ---------------------------------------------------------------------------


def chunks(docs: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
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
    for run in chunks(docs, RUN_DOCS):
        yield from run


def write_segment(
    storage: Storage,
    schema: Schema,
    docs: Iterable[Mapping[str, Any]],
    *,
    segment_docs: int = DEFAULT_SEGMENT_DOCS,
    indexname: str = INDEX_NAME,
    compound: bool = True,
    exact: bool = False,
) -> list[Any]:
    """Writes `docs` as new segments of at most `segment_docs` documents each.

    Returns the W3Segment objects in input order. They are not part of the index until a
    TOC lists them (`indexer.publish`, `indexer.plainindex.add_documents`); the caller must
    hold the index's write lock, or a concurrent stock commit may delete their files as
    unreferenced.
    """
    if segment_docs < 1:
        raise ValueError("segment_docs must be >= 1")
    segments = []
    builder: SegmentBuilder | None = None
    try:
        with gc_paused():
            for doc in _in_runs(docs):
                if builder is None:
                    builder = SegmentBuilder(
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

