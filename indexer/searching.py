"""The search library: ranked hits, exact totals, facets, paging, did-you-mean, export, and the
`show` / `similar` / `stats` / `batch` functions behind the CLI commands.

Each public function takes the index folder (or an already open `Searchable`), does one job
and returns frozen records; the CLI only parses options and renders them.

Consistency: `open_index` resolves `index/live` once, so one call sees one generation even while
`cables index` publishes the next.

Ranking: BM25F. The field weights are `schema.BOOSTS`, applied at index time (Whoosh multiplies
each posting's weight by its field's `field_boost`), so they are not applied again here. Equal
scores are broken by date, newest first, then index order (`_by_score`).

Speed: the query tree is evaluated over whole posting lists with numpy (`scored`, `matching`):
a boolean mask of the matching documents (the exact total and the facets come from it) and, for
relevance order, every match's score, computed the way Whoosh's matchers would. Per generation,
a small table of per-document facet values and dates (`FacetTable`) is built once from the
index's columns and postings and cached next to it (`.facets-v3.npz`: arrays and JSON, checked
against the generation's segments; dot files are never hard-linked into the next generation);
facets are bincounts over its codes. Stored fields are loaded only for the hits on the page.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import time
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.filedb.filestore import FileStorage
from whoosh.query.terms import MultiTerm
from whoosh.reading import MultiReader
from whoosh.scoring import BM25F
from whoosh.support.levenshtein import damerau_levenshtein
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import long_to_datetime

from . import postings, store, tagcodes, variants, viewfile, wordlist
from .cable import Cable, Source
from .errors import IndexIncompatible, IndexMissing, NotFound, QueryError
from .highlight import Terms, fragments, paragraphs, query_terms, stem_word
from .layout import FACETS_FILE as _TABLE_FILE
from .layout import INDEX_NAME, MANIFEST, VERSIONS
from .layout import VARIANTS_FILE as _VARIANTS_FILE
from .layout import WORD_SAMPLE_FILE as _WORDS_FILE
from .output import CSV_COLUMNS as CSV_COLUMNS
from .output import fragment_to_dict as fragment_to_dict
from .output import hit_to_dict as hit_to_dict
from .output import result_to_dict as result_to_dict
from .output import stats_to_dict as stats_to_dict
from .output import view_to_dict as view_to_dict
from .output import write_csv as write_csv
from .output import write_jsonl as write_jsonl
from .query import MAX_EXPANSIONS, UNKNOWN, Expanded, MultiPhrase, Unknown, bind, parse
from .records import BatchRow as BatchRow
from .records import CableView as CableView
from .records import Export as Export
from .records import Hit as Hit
from .records import SearchResult as SearchResult
from .records import Stats as Stats
from .records import Version as Version
from .schema import incompatibility
from .wordsample import WORD_SAMPLE_DOCS as WORD_SAMPLE_DOCS
from .wordsample import WordSample as WordSample
from .wordsample import document_words as document_words
from .wordsample import word_sample_step as word_sample_step

#: the Whoosh index name and the generation's JSON files (the same names as ingest.py; not
#: imported from there to keep `cables search` from loading the parsers)

FACET_FIELDS: tuple[str, ...] = ("origin", "classification", "year", "tags")
#: facets that may be asked for; "month" (YYYY-MM) draws narrow histograms
ALL_FACETS: tuple[str, ...] = (*FACET_FIELDS, "month")
#: "cited": most cited first (by indexed cables), equal counts newest first
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest", "cited")

#: did-you-mean: only for queries with at most this many hits
SUGGEST_BELOW = 2
WORD_LIST_MAX = 100_000

_NO_DATE = -1
#: DATETIME/NUMERIC columns hold the type's maximum for documents without a value
_COLUMN_MISSING_FROM = 2**63


# --- records: indexer.records (re-exported here) ----------------------------------------
@dataclass(frozen=True)
class FacetTable:
    """Per-document facet codes and dates of one generation (docnum -> value)."""

    created: array  # type: ignore[type-arg]  # raw DATETIME longs, _NO_DATE when absent
    values: dict[str, list[str]]  # origin / classification / year / tags -> distinct values
    codes: dict[str, array]  # type: ignore[type-arg]  # origin / classification / year
    tag_starts: array  # type: ignore[type-arg]  # tags of doc d: tag_codes[starts[d]:starts[d+1]]
    tag_codes: array  # type: ignore[type-arg]


#: a set of documents of one generation: mask[docnum] is True for a member
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class _Arrays:
    """numpy views of a FacetTable (no copies), for counting facets over a `Mask`."""

    live: Mask  # documents not deleted
    created: NDArray[np.int64]
    codes: dict[str, NDArray[np.int32]]
    tag_doc: NDArray[np.int64]  # the document of each entry of tag_codes
    tag_starts: NDArray[np.int64]  # document d's entries: tag_codes[starts[d]:starts[d + 1]]
    tag_codes: NDArray[np.int64]


# --- opening ---------------------------------------------------------------------------------

class Searchable:
    """One open generation: a Whoosh searcher plus lazily built per-generation caches."""

    def __init__(self, root: Path, generation: Path, ix: Any) -> None:
        self.root = root
        self.generation = generation
        self.ix = ix
        self.closed = False
        self.searcher: Any = ix.searcher()
        self.reader: Any = self.searcher.reader()
        self.schema: Any = ix.schema
        self._table: FacetTable | None = None
        self._arrays: _Arrays | None = None
        self._lengths: dict[str, NDArray[np.float64]] = {}
        self._avg_lengths: dict[str, float] = {}
        self._lexicons: dict[str, list[bytes]] = {}
        self._words: dict[str, list[tuple[str, int, int]]] | None = None
        self._vocabulary: list[str] | None = None
        self._variants: variants.VariantTable | None = None
        self._cited: NDArray[np.int64] | None = None

    def twin(self) -> Searchable:
        """Another view of this generation for another thread: its own Whoosh searcher
        (Whoosh's matchers seek and read shared file objects, so one searcher serves one
        thread at a time) with the per-generation caches shared, built once for all."""
        other = Searchable(self.root, self.generation, self.ix)
        other._table, other._arrays = self.table, self.arrays
        other._words, other._cited = self._words, self._cited
        # the same dicts: a cache entry one thread adds is there for the others
        other._lengths, other._avg_lengths = self._lengths, self._avg_lengths
        other._lexicons = self._lexicons
        other._vocabulary, other._variants = self._vocabulary, self._variants
        return other

    def close(self) -> None:
        """Closes the searcher and, at once, every file of the generation it has open
        (maps and descriptors: see `indexer.viewfile`), so that a pruned generation's
        disk space is freed now, not at some later garbage collection. Idempotent."""
        if self.closed:
            return
        self.closed = True
        try:
            self.searcher.close()
        finally:
            storage = self.ix.storage
            if isinstance(storage, viewfile.ViewStorage):
                storage.close()

    def __enter__(self) -> Searchable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def table(self) -> FacetTable:
        if self._table is None:
            self._table = _load_table(self)
        return self._table

    @property
    def arrays(self) -> _Arrays:
        if self._arrays is None:
            self._arrays = _arrays(self.reader, self.table)
        return self._arrays

    def lexicon(self, field_name: str) -> list[bytes]:
        """Every term of a field, sorted (read once per open generation)."""
        if field_name not in self._lexicons:
            self._lexicons[field_name] = list(self.reader.lexicon(field_name))
        return self._lexicons[field_name]

    def vocabulary(self) -> list[str]:
        """Every folded lower-case word of the text fields, sorted (read once per open
        generation): the union of the segments' word lists, which the writer keeps beside
        each segment (`<segment>.wrd`). A segment without one (written by stock Whoosh)
        contributes its text fields' terms (stems) instead."""
        if self._vocabulary is None:
            self._vocabulary = _load_vocabulary(self)
        return self._vocabulary

    def variants(self, word: str) -> tuple[str, ...]:
        """Other spellings of a transliterated name that this index holds, most frequent
        first (`indexer.variants`: the curated table and the groups found in a sample of
        this index's documents). A spelling of two parts that the table splits at an
        apostrophe (`khamene i`) is the one token the index holds (`khamene'i`)."""
        if self._variants is None:
            self._variants = _load_variants(self)
        table = self._variants
        found = [*table.variants(word), *variants.curated().variants(word)]
        for spelling in table.spellings(word):
            if len(spelling) == 2 and len(spelling[1]) <= 2:
                found.append("'".join(spelling))
        words = self.vocabulary()
        return tuple(w for w in dict.fromkeys(found) if w != word and _holds(words, w))

    def spellings(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """Other spellings of `words` read as one name, where the name or the spelling has
        several words (`("kim", "jong", "il")` -> `("kim", "chong", "il")`; `("binladen",)`
        -> `("bin", "ladin")`), whose every word this index holds; one-word pairs are
        `variants`'. A part the table splits at an apostrophe is the one token the index
        holds (`mish al` -> `mish'al`)."""
        if self._variants is None:
            self._variants = _load_variants(self)
        key = variants.tokens(" ".join(words))
        found = [*self._variants.spellings(key), *variants.curated().spellings(key)]
        vocabulary = self.vocabulary()
        out: list[tuple[str, ...]] = []
        for spelling in dict.fromkeys(found):
            joined = "'".join(spelling)
            if len(spelling) > 1 and _holds(vocabulary, joined):
                spelling = (joined,)
            if len(spelling) == 1 and len(words) == 1:
                continue
            if spelling != tuple(words) and all(_holds(vocabulary, w) for w in spelling):
                out.append(spelling)
        return tuple(dict.fromkeys(out))

    def avg_length(self, field_name: str) -> float:
        """A field's average length, as Whoosh's BM25F scorer takes it (0 counts as 1)."""
        if field_name not in self._avg_lengths:
            self._avg_lengths[field_name] = self.searcher.avg_field_length(field_name) or 1
        return self._avg_lengths[field_name]

    def lengths(self, field_name: str) -> NDArray[np.float64]:
        """Per-document lengths of one field (for BM25F), read once per open generation."""
        if field_name not in self._lengths:
            self._lengths[field_name] = _field_lengths(self, field_name)
        return self._lengths[field_name]

    @property
    def words(self) -> dict[str, list[tuple[str, int, int]]]:
        """Surface words by first letter: [(word, sample document count, letter mask)]."""
        if self._words is None:
            self._words = _load_words(self)
        return self._words

    @property
    def cited(self) -> NDArray[np.int64]:
        """Per document: how many live documents cite it (their REF lines name its refid)."""
        if self._cited is None:
            self._cited = _cited_counts(self)
        return self._cited

    def docnum(self, refid: str) -> int | None:
        found = self.searcher.document_number(refid=refid)
        return None if found is None else int(found)


def open_index(index_root: Path) -> Searchable:
    """Open the live generation; IndexMissing when there is none. If the generation vanishes
    between resolving `live` and opening it (an update pruned it), resolve once more."""
    for attempt in (1, 2):
        gen = store.live_generation(index_root)
        if gen is None:
            raise IndexMissing(str(index_root))
        try:
            # files read in place, not copied into memory on open, and closed with the
            # Searchable (not left to the garbage collector)
            ix = viewfile.ViewStorage(str(gen)).open_index(INDEX_NAME)
            why = incompatibility(ix.schema)
            if why is not None:
                ix.storage.close()
                raise IndexIncompatible(str(index_root), why)
            return Searchable(index_root, gen, ix)
        except (FileNotFoundError, whoosh_index.EmptyIndexError) as exc:
            if attempt == 2:
                raise IndexMissing(str(index_root)) from exc
    raise AssertionError("unreachable")


def warm_caches(
    generation: Path, previous: Path | None = None, words: WordSample | None = None
) -> None:
    """Build a generation's facet table and word list now (`cables index` calls this before
    publishing), so that the first search after an update is as fast as the next ones.

    With `previous` (the generation this one was made from), the work is incremental where
    it can be: when the new generation starts with all of the previous one's segments
    (updates only append segments and mark deletions), the previous facet table is kept
    and only the new segments' rows are read; and when the update grew the index by less
    than `WORDS_RESAMPLE_GROWTH`, the previous did-you-mean word sample is kept. `words`, a
    sample drawn over the whole new generation while it was written, is taken as it is."""
    # plain reads, not mmap: mapped pages of the whole index would count against the
    # indexer's memory (RSS) for no gain in a one-pass scan
    storage = FileStorage(str(generation), supports_mmap=False)
    ix = storage.open_index(INDEX_NAME)
    if words is not None:
        _write_words(generation, words)
    with Searchable(generation.parent, generation, ix) as s:
        if previous is not None:
            _carry_caches(s, previous)
        _ = s.table, s.words
        s.variants("")  # the name-variant table, so that the first search need not build it


#: the did-you-mean word sample is drawn again once the index has grown by this fraction
WORDS_RESAMPLE_GROWTH = 0.1


def _carry_caches(s: Searchable, previous: Path) -> None:
    """Extend the previous generation's caches to `s` when they still describe it."""
    try:
        old_ids = [
            seg.segment_id()
            for seg in whoosh_index.TOC.read(FileStorage(str(previous)), INDEX_NAME).segments
        ]
    except (OSError, ValueError, whoosh_index.EmptyIndexError):
        return  # nothing to carry: the caches are built from scratch
    old = _read_table(previous / _TABLE_FILE, old_ids)
    if old is None:
        return
    leaves = s.reader.leaf_readers()
    segments = s.ix._segments()
    count = len(old.created)
    if [seg.segment_id() for seg in segments[: len(old_ids)]] != old_ids or count != sum(
        leaf.doc_count_all() for leaf, _ in leaves[: len(old_ids)]
    ):
        return  # not an append-only successor: build from scratch
    added = [leaf for leaf, _ in leaves[len(old_ids) :]]
    table = _concat_tables(old, build_table(MultiReader(added))) if added else old
    s._table = table
    _write_table(s.generation / _TABLE_FILE, table, _segment_ids(s))
    # the word sample: kept until the index has grown by WORDS_RESAMPLE_GROWTH since it was
    # drawn (not since the previous update, or many small updates would never redraw it)
    try:
        raw = (previous / _WORDS_FILE).read_bytes()
        sampled = int(json.loads(raw)["sampled_docs"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if len(table.created) <= sampled * (1 + WORDS_RESAMPLE_GROWTH):
        _write_cache(s.generation / _WORDS_FILE, raw)
        # the name-variant table is drawn from a document sample too: kept alike
        with contextlib.suppress(OSError):
            _write_cache(s.generation / _VARIANTS_FILE, (previous / _VARIANTS_FILE).read_bytes())


def _concat_tables(a: FacetTable, b: FacetTable) -> FacetTable:
    """The table of a's documents followed by b's (b's values recoded into a's)."""
    values: dict[str, list[str]] = {}
    codes: dict[str, array] = {}  # type: ignore[type-arg]
    remaps: dict[str, NDArray[np.int64]] = {}
    for name in a.values:
        merged = list(a.values[name])
        index = {value: code for code, value in enumerate(merged)}
        remap = []
        for value in b.values[name]:
            if value not in index:
                index[value] = len(merged)
                merged.append(value)
            remap.append(index[value])
        values[name] = merged
        remaps[name] = np.array(remap, dtype=np.int64)
    for name, a_codes in a.codes.items():
        b_codes = np.frombuffer(b.codes[name], dtype=np.int32).astype(np.int64)
        recoded = np.where(b_codes >= 0, remaps[name][np.maximum(b_codes, 0)], -1)
        codes[name] = a_codes + array("i", recoded.astype(np.int32).tobytes())
    b_tags = np.frombuffer(b.tag_codes, dtype=np.int64)
    tag_codes = a.tag_codes + array("l", remaps["tags"][b_tags].astype(np.int64).tobytes())
    b_starts = np.frombuffer(b.tag_starts, dtype=np.int64)[1:] + len(a.tag_codes)
    tag_starts = a.tag_starts + array("l", b_starts.astype(np.int64).tobytes())
    return FacetTable(a.created + b.created, values, codes, tag_starts, tag_codes)


@contextmanager
def _opened(index: Path | Searchable) -> Iterator[Searchable]:
    if isinstance(index, Searchable):
        yield index
        return
    searchable = open_index(Path(index))
    try:
        yield searchable
    finally:
        searchable.close()


# --- the facet table -------------------------------------------------------------------------


#: the name-variant table of a generation (built from a document sample, kept beside it)
#: documents (evenly spread) whose words and capitals the variant table is built from
VARIANT_SAMPLE_DOCS = 1000


def _holds(words: list[str], word: str) -> bool:
    at = bisect_left(words, word)
    return at < len(words) and words[at] == word


def _load_variants(s: Searchable) -> variants.VariantTable:
    path = s.generation / _VARIANTS_FILE
    try:
        return variants.VariantTable.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    docs = list(s.reader.all_doc_ids())
    step = max(1, len(docs) // VARIANT_SAMPLE_DOCS)
    texts = []
    for docnum in docs[::step]:
        stored = s.reader.stored_fields(docnum)
        texts.append(f"{stored.get('subject') or ''}\n{stored.get('body') or ''}")
    table = variants.build_variants(variants.count_words(texts))
    _write_cache(path, table.to_json().encode("utf-8"))
    return table


def _load_vocabulary(s: Searchable) -> list[str]:
    words: set[str] = set()
    for leaf, _ in s.reader.leaf_readers():
        found = wordlist.read_segment_words(s.generation, leaf.segment().segment_id())
        if found is not None:
            words.update(found)
            continue
        # (the segment's own open reader: a second one would share, and close, its files)
        for name in ("subject", "title", "body"):
            words.update(_b2s(t) for t in leaf.lexicon(name))
    words.discard("")
    return sorted(words)


def _segment_ids(s: Searchable) -> list[str]:
    return [seg.segment_id() for seg in s.ix._segments()]


def _load_table(s: Searchable) -> FacetTable:
    path = s.generation / _TABLE_FILE
    ids = _segment_ids(s)
    table = _read_table(path, ids)
    if table is not None and len(table.created) == s.reader.doc_count_all():
        return table
    table = build_table(s.reader)
    _write_table(path, table, ids)
    return table


def _write_table(path: Path, table: FacetTable, segment_ids: list[str]) -> None:
    """The facet table as data (numpy arrays and JSON, no pickle: a class moved in the code
    cannot break an index), with the segments it describes, to check it against."""
    meta = {"segments": segment_ids, "values": table.values}
    arrays: dict[str, NDArray[Any]] = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "created": np.frombuffer(table.created, dtype=np.int64),
        "tag_starts": np.frombuffer(table.tag_starts, dtype=np.int64),
        "tag_codes": np.frombuffer(table.tag_codes, dtype=np.int64),
    }
    for name, codes in table.codes.items():
        arrays[f"codes_{name}"] = np.frombuffer(codes, dtype=np.int32)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    _write_cache(path, buffer.getvalue())


def _read_table(path: Path, segment_ids: list[str]) -> FacetTable | None:
    """The facet table of `path` when it describes exactly these segments, else None."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("segments") != segment_ids:
                return None
            codes = {
                name[len("codes_") :]: array("i", data[name].astype(np.int32).tobytes())
                for name in data.files
                if name.startswith("codes_")
            }
            return FacetTable(
                created=array("q", data["created"].astype(np.int64).tobytes()),
                values={k: list(v) for k, v in meta["values"].items()},
                codes=codes,
                tag_starts=array("l", data["tag_starts"].astype(np.int64).tobytes()),
                tag_codes=array("l", data["tag_codes"].astype(np.int64).tobytes()),
            )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_cache(path: Path, data: bytes) -> None:
    """Best effort: a read-only index still works, it just rebuilds its caches per process."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _column(reader: Any, name: str, count: int) -> list[Any]:
    if not reader.has_column(name):
        return [None] * count
    return list(reader.column_reader(name, translate=False))


def _coded(raw: list[Any], decode: Any) -> tuple[list[str], array]:  # type: ignore[type-arg]
    values: dict[str, int] = {}
    codes = array("i")
    for item in raw:
        text = decode(item)
        if text is None:
            codes.append(-1)
        else:
            codes.append(values.setdefault(text, len(values)))
    return list(values), codes


def _bytes_value(item: Any) -> str | None:
    if not item:
        return None
    return item.decode("utf-8") if isinstance(item, bytes) else str(item)


def _year_value(item: Any) -> str | None:
    return None if item is None or item <= 0 or item >= 65535 else str(item)


def build_table(reader: Any) -> FacetTable:
    """Read every document's facet values and date from columns (tags from postings)."""
    count = reader.doc_count_all()
    created = array(
        "q",
        (
            _NO_DATE if v is None or v >= _COLUMN_MISSING_FROM else int(v)
            for v in _column(reader, "created", count)
        ),
    )
    values: dict[str, list[str]] = {}
    codes: dict[str, array] = {}  # type: ignore[type-arg]
    for name, decode in (
        ("origin", _bytes_value),
        ("classification", _bytes_value),
        ("year", _year_value),
    ):
        values[name], codes[name] = _coded(_column(reader, name, count), decode)
    values["month"], codes["month"] = _coded(
        [None if c == _NO_DATE else long_to_datetime(c).strftime("%Y-%m") for c in created],
        lambda month: month,
    )
    # TAGS as CSR arrays (codes of doc d: tag_codes[starts[d]:starts[d + 1]], in lexicon
    # order), built from whole posting lists with numpy rather than one append per posting
    tag_values: list[str] = []
    doc_parts: list[NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    code_parts: list[NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    leaves = reader.leaf_readers()
    for code, term in enumerate(reader.lexicon("tags")):
        tag_values.append(_bytes_value(term) or "")
        for leaf, offset in leaves:
            found = postings.read(leaf, "tags", term)
            if found is not None:
                ids = found.ids + offset
                doc_parts.append(ids)
                code_parts.append(np.full(len(ids), code, dtype=np.int64))
    docs = np.concatenate(doc_parts)
    order = np.argsort(docs, kind="stable")  # stable: a document's codes stay in lexicon order
    tag_codes = array("l", np.concatenate(code_parts)[order].astype(np.int64).tobytes())
    bounds = np.searchsorted(docs[order], np.arange(count + 1))
    starts = array("l", bounds.astype(np.int64).tobytes())
    values["tags"] = [t.upper() for t in tag_values]
    return FacetTable(created, values, codes, starts, tag_codes)


def _arrays(reader: Any, table: FacetTable) -> _Arrays:
    count = reader.doc_count_all()
    live = np.ones(count, dtype=np.bool_)
    if reader.has_deletions():
        live[:] = False
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    starts = np.frombuffer(table.tag_starts, dtype=np.int64)
    return _Arrays(
        live=live,
        created=np.frombuffer(table.created, dtype=np.int64),
        codes={name: np.frombuffer(codes, dtype=np.int32) for name, codes in table.codes.items()},
        tag_doc=np.repeat(np.arange(count, dtype=np.int64), np.diff(starts)),
        tag_starts=starts,
        tag_codes=np.frombuffer(table.tag_codes, dtype=np.int64),
    )


def _count_mask(
    s: Searchable, name: str, mask: Mask, limit: int | None
) -> list[tuple[str, int]]:
    """One facet's (value, count) pairs over the documents of `mask`, most frequent first
    (then by value); one bincount over the per-document codes."""
    arrays = s.arrays
    names = s.table.values[name]
    picked: NDArray[np.integer[Any]]
    missing = 0
    if name == "tags":
        docs = np.flatnonzero(mask)
        if len(docs) * 4 < len(mask):
            # few matches: gather their own TAGS rather than test every document's
            starts = arrays.tag_starts
            first, count = starts[docs], starts[docs + 1] - starts[docs]
            rows = np.repeat(first - np.cumsum(count) + count, count) + np.arange(count.sum())
            picked = arrays.tag_codes[rows]
        else:
            picked = arrays.tag_codes[mask[arrays.tag_doc]]
        counts = np.bincount(picked, minlength=len(names))
    else:
        # codes are -1 for documents without a value: shift them into a bin of their own,
        # reported as UNKNOWN so that a single-valued facet's counts add up to the total
        binned = np.bincount(arrays.codes[name][mask] + 1, minlength=len(names) + 1)
        counts, missing = binned[1:], int(binned[0])
    ranked = sorted(
        ((names[c], int(counts[c])) for c in np.flatnonzero(counts)),
        key=lambda vn: (-vn[1], vn[0]),
    )
    if name != "tags" and missing:
        ranked.append((UNKNOWN, missing))
        ranked.sort(key=lambda vn: -vn[1])
    return ranked if limit is None else ranked[:limit]


def facet_filter(field_name: str, value: str) -> str:
    """The query clause that narrows a search to one facet value (same count as the facet)."""
    if value == UNKNOWN and field_name in ("origin", "classification", "year", "month"):
        return {"classification": "class", "month": "created"}.get(field_name, field_name) + (
            ":unknown"
        )
    if field_name == "origin":
        return f'origin:"{value}"'
    if field_name == "classification":
        return f'class:"{value}"'
    if field_name == "year":
        return f"year:{value}"
    if field_name == "month":
        return f"created:{value}"
    if field_name == "tags":
        return f"tag:{value}" if re.fullmatch(r"[\w.\-]+", value) else f'tag:"{value}"'
    raise QueryError(f'unknown facet "{field_name}" - facets are {", ".join(ALL_FACETS)}')


# --- the matching set --------------------------------------------------------------------------
#
# The exact total and the facets need every matching document but none of their scores, so the
# query tree is evaluated into document masks from whole posting lists: far cheaper than walking
# Whoosh's scoring matchers one document at a time. Node types without a rule here (numeric
# ranges, spans, ...) fall back to Whoosh's own unscored `docs_for_query` for that node only.


def matching(s: Searchable, q: Any) -> Mask:
    """The mask of the live documents that `q` matches."""
    return _mask(s, q) & s.arrays.live


def _mask(s: Searchable, q: Any) -> Mask:
    kind = type(q)
    if kind is wq.Term:
        return _terms_mask(s, q.fieldname, (q.text,))
    if isinstance(q, MultiTerm):
        return _terms_mask(s, q.field(), q._btexts(s.reader))
    if kind is wq.And or kind is wq.Require:
        return _reduce(s, q.children(), np.logical_and)
    if (kind is wq.Or and not q.minmatch) or kind is wq.DisjunctionMax:
        return _reduce(s, q.children(), np.logical_or)
    if kind is wq.Not:
        return ~_mask(s, q.query)
    if kind is wq.AndNot:
        return _mask(s, q.a) & ~_mask(s, q.b)
    if kind is wq.AndMaybe:
        return _mask(s, q.a)
    if kind is type(wq.NullQuery):
        return _empty(s)
    if kind is wq.Every and not q.fieldname:
        return ~_empty(s)
    if kind is wq.DateRange and q.fieldname == "created":
        return _date_mask(s, q)
    if kind is MultiPhrase:
        found = _multiphrase(s, q)
        if found is not None:
            return found[0]
    if kind is Unknown:
        return _unknown_mask(s, q.fieldname)
    mask = _empty(s)
    mask[np.fromiter(s.searcher.docs_for_query(q), dtype=np.int64)] = True
    return mask


def _unknown_mask(s: Searchable, field_name: str) -> Mask:
    """The documents without a value for a facet field (`origin:unknown`, `year:unknown`)."""
    if field_name == "created":
        undated: Mask = s.arrays.created == _NO_DATE
        return undated
    codes: Mask = s.arrays.codes[field_name] < 0
    return codes


def _empty(s: Searchable) -> Mask:
    return np.zeros(len(s.arrays.live), dtype=np.bool_)


def _reduce(s: Searchable, children: Iterable[Any], combine: Any) -> Mask:
    masks = [_mask(s, child) for child in children]
    if not masks:
        return _empty(s)
    out = masks[0]
    for other in masks[1:]:
        combine(out, other, out=out)
    return out


def _date_mask(s: Searchable, q: Any) -> Mask:
    """A `created` range from the facet table's dates (the column holds the indexed values)."""
    created = s.arrays.created
    mask: Mask = created != _NO_DATE
    if q.start is not None:
        mask &= created > q.start if q.startexcl else created >= q.start
    if q.end is not None:
        mask &= created < q.end if q.endexcl else created <= q.end
    return mask


def _terms_mask(s: Searchable, field_name: str, texts: Iterable[Any]) -> Mask:
    mask = _empty(s)
    leaves = [(sub.reader(), offset) for sub, offset in s.searcher.leaf_searchers()]
    for text in texts:
        for reader, offset in leaves:
            found = postings.read(reader, field_name, text)
            if found is not None:
                mask[found.ids + offset] = True
    return mask


# --- scoring every match at once ---------------------------------------------------------------
#
# Ranking by relevance needs the best N of all matches. Whoosh scores them one document at a
# time through its matcher tree, which was most of a search's time. Its block-max skipping is
# no way out: Whoosh 2.7's quality bounds are not upper bounds (a union's bound is the max of its
# branches, not their sum; block bounds are float32-rounded), so skipping drops documents that
# belong in the top N. Here each term's BM25F scores are computed for its whole posting list at
# once with numpy, with Whoosh's own scorer parameters and formula, and the query tree adds them
# up the way Whoosh's matchers do (And/Or: the sum of the matching branches; AndNot: the
# positive side; Not: 1.0; ranges: their constant). Phrases are checked on positions only for
# the documents holding all their words. Any other node is scored by Whoosh's own matcher, for
# that node only. tests/test_search.py checks every score against Whoosh's full scoring pass.

Scores = NDArray[np.float64]


def scored(s: Searchable, q: Any) -> tuple[Mask, Scores]:
    """(mask of the live documents `q` matches, their relevance scores by docnum)."""
    mask, scores = _scored(s, q)
    return mask & s.arrays.live, scores


def _scored(s: Searchable, q: Any, within: Mask | None = None) -> tuple[Mask, Scores]:
    """(mask, scores) of `q`; with `within`, only documents inside it need be right (an And
    passes the match of its other branches down, so phrases check fewer positions)."""
    kind = type(q)
    if kind is wq.Term:
        return _term_scores(s, q.fieldname, (q.text,), q.boost)
    if isinstance(q, Expanded) and q.scored != q.words:
        # every word counts in the match, only the capped subset is scored
        mask = _terms_mask(s, q.fieldname, q.words)
        return mask, _term_scores(s, q.fieldname, q.scored, q.boost)[1]
    if isinstance(q, MultiTerm):
        # MultiTerm.matcher: an Or of its words, boosted as a whole (its "constant score" only
        # clears the context's weighting, and the searcher's is used anyway)
        return _term_scores(s, q.field(), q._btexts(s.reader), q.boost)
    if kind is wq.And and q.subqueries:
        return _scored_and(s, q, within)
    if kind is wq.Or and not q.minmatch and not q.scale and q.subqueries:
        parts = [_scored(s, child, within) for child in q.subqueries]
        mask = parts[0][0].copy()
        for other, _ in parts[1:]:
            mask |= other
        return mask, _boosted(_sum_tree([p[1] for p in parts]), q.boost)
    if kind is wq.AndNot:
        mask, scores = _scored(s, q.a, within)
        return mask & ~_mask(s, q.b), scores
    if kind is wq.Not:
        # Whoosh's InverseMatcher scores every document it matches 1.0
        mask = ~_mask(s, q.query)
        return mask, mask.astype(np.float64)
    if kind is type(wq.NullQuery):
        return _empty(s), np.zeros(len(s.arrays.live))
    if kind is MultiPhrase:
        found = _multiphrase(s, q, within)
        if found is not None:
            return found
    if kind is Unknown or (kind is wq.Every and not q.fieldname):
        mask = _mask(s, q)
        return mask, mask.astype(np.float64) * float(q.boost)
    if (kind is wq.NumericRange or kind is wq.DateRange) and q.constantscore:
        mask = _mask(s, q)
        return mask, mask.astype(np.float64) * float(q.boost)
    return _walked(s, q)


def _scored_and(s: Searchable, q: Any, within: Mask | None) -> tuple[Mask, Scores]:
    """An And: branches holding phrases go last, within what the other branches matched."""
    children = list(q.subqueries)
    order = sorted(range(len(children)), key=lambda i: _has_phrase(children[i]))
    mask = within
    scores: dict[int, Scores] = {}
    for i in order:
        found, scores[i] = _scored(s, children[i], mask)
        mask = found.copy() if mask is None else mask & found
    assert mask is not None
    # the sum in query order, as Whoosh's intersection tree adds it
    return mask, _boosted(_sum_tree([scores[i] for i in range(len(children))]), q.boost)


def _has_phrase(q: Any) -> bool:
    return isinstance(q, MultiPhrase) or any(
        _has_phrase(child) for child in q.children()
    )


def _sum_tree(parts: list[Scores]) -> Scores:
    """Sum in the order of Whoosh's binary matcher tree (same float rounding, same ties)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _sum_tree(parts[:half]) + _sum_tree(parts[half:])


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else scores * boost


def _walked(s: Searchable, q: Any) -> tuple[Mask, Scores]:
    """Whoosh's own matcher for one node: every match and its score, one at a time."""
    mask = _empty(s)
    scores = np.zeros(len(mask))
    context = s.searcher.context()
    for sub, offset in s.searcher.leaf_searchers():
        at, values = _walk(q.matcher(sub, context), offset)
        mask[at] = True
        scores[at] = values
    return mask, scores


def _term_scores(
    s: Searchable, field_name: str, texts: Iterable[Any], boost: float
) -> tuple[Mask, Scores]:
    mask = _empty(s)
    scores = np.zeros(len(mask))
    words = list(texts)
    for sub, offset in s.searcher.leaf_searchers():
        reader = sub.reader()
        for text in words:
            found = postings.read(reader, field_name, text)
            if found is None:
                continue
            term = _bm25(s, found, field_name, text, offset)
            ids = found.ids + offset
            if term is None:
                ids, term = _walk_term(sub, field_name, text, offset)
            mask[ids] = True
            # a union adds the scores of the words a document holds (ids are unique per word)
            scores[ids] += term
    return mask, _boosted(scores, boost)


_Alternatives = list[tuple[postings.Postings, Scores]]


def _multiphrase(
    s: Searchable, q: MultiPhrase, within: Mask | None = None
) -> tuple[Mask, Scores] | None:
    """A `MultiPhrase`: documents holding, for every position, one of its terms, placed as
    the phrase says (exactly, or within `slop` moves in any order); scored as the sum of
    its positions' scores (a position: the sum of its terms the document holds), which for
    one term a position is what Whoosh's phrase scoring gives. None when a scorer is not
    one this covers."""
    field = s.schema[q.fieldname]
    if not field.format or not field.format.supports("positions"):
        return None
    mask = _empty(s)
    scores = np.zeros(len(mask))
    for sub, offset in s.searcher.leaf_searchers():
        reader = sub.reader()
        slots: list[_Alternatives] = []
        for terms in q.positions:
            alternatives: _Alternatives = []
            for text in terms:
                try:
                    word = field.to_bytes(text)
                except ValueError:
                    continue
                found = postings.read(reader, q.fieldname, word, values=True)
                if found is None:
                    continue
                term = _bm25(s, found, q.fieldname, word, offset)
                if term is None:
                    return None
                alternatives.append((found, term))
            if not alternatives:
                break
            slots.append(alternatives)
        if not q.positions or len(slots) < len(q.positions):
            continue
        candidates: Ints | None = None
        for alternatives in slots:
            ids = _union_ids(alternatives)
            candidates = (
                ids
                if candidates is None
                else np.intersect1d(candidates, ids, assume_unique=True)
            )
        assert candidates is not None
        if within is not None:
            candidates = candidates[within[candidates + offset]]
        if not len(candidates):
            continue
        docs = candidates[_placed(slots, candidates, q.slop)]
        parts = []
        for alternatives in slots:
            total = np.zeros(len(docs))
            for found, term in alternatives:
                rows, present = _rows_of(found.ids, docs)
                total[present] += term[rows[present]]
            parts.append(total)
        mask[docs + offset] = True
        scores[docs + offset] = _boosted(_sum_tree(parts), q.boost)
    return mask, scores


Ints = NDArray[np.int64]


def _union_ids(alternatives: _Alternatives) -> Ints:
    if len(alternatives) == 1:
        return alternatives[0][0].ids
    return np.unique(np.concatenate([found.ids for found, _ in alternatives]))


def _rows_of(ids: Ints, wanted: Ints) -> tuple[Ints, NDArray[np.bool_]]:
    """(row of each wanted id in the ascending `ids`, whether it is there)."""
    rows = np.searchsorted(ids, wanted)
    present = rows < len(ids)
    present[present] = ids[rows[present]] == wanted[present]
    return rows, present


def _position_keys(
    alternatives: _Alternatives, candidates: Ints, alive: Ints, shift: int
) -> Ints:
    """Ascending keys (candidate number << 32 | position + shift) of the alive candidates'
    positions of any of a phrase position's terms."""
    parts = []
    wanted = candidates[alive]
    for found, _ in alternatives:
        rows, present = _rows_of(found.ids, wanted)
        groups, where = postings.positions(found, rows[present])
        parts.append(postings.keys(alive[present][groups], where + shift))
    if len(parts) == 1:
        return parts[0]
    return np.unique(np.concatenate(parts))


def _placed(slots: list[_Alternatives], candidates: Ints, slop: int) -> NDArray[np.bool_]:
    """Which candidates hold the phrase. Each position's positions are normalized by its
    place in the phrase (position - k), as Lucene's sloppy phrase scorer does: the phrase
    stands exactly where every position has the same normalized value, and within `slop`
    moves where one value of every position lies in a window of `slop`."""
    count = len(slots)
    alive = np.arange(len(candidates), dtype=np.int64)
    hits = np.zeros(len(candidates), dtype=np.bool_)
    if slop <= 0:
        current: Ints | None = None
        for k, alternatives in enumerate(slots):
            keys = _position_keys(alternatives, candidates, alive, count - k)
            current = (
                keys if current is None else np.intersect1d(current, keys, assume_unique=True)
            )
            alive = postings.groups_of(current)
            if not len(alive):
                return hits
        hits[alive] = True
        return hits
    sets = [_position_keys(a, candidates, alive, count - k) for k, a in enumerate(slots)]
    starts = np.unique(np.concatenate(sets))
    ok = np.ones(len(starts), dtype=np.bool_)
    for keys in sets:
        if not len(keys):
            return hits
        at = np.searchsorted(keys, starts)
        ok &= (at < len(keys)) & (keys[np.minimum(at, len(keys) - 1)] <= starts + slop)
    hits[postings.groups_of(starts[ok])] = True
    return hits


def _walk_term(sub: Any, field_name: str, text: Any, offset: int) -> tuple[Any, Any]:
    return _walk(wq.Term(field_name, text).matcher(sub, sub.context()), offset)


def _walk(m: Any, offset: int) -> tuple[Any, Any]:
    """(global ids, scores) of a Whoosh matcher, one match at a time (the slow, general way)."""
    ids: list[int] = []
    values: list[float] = []
    while m.is_active():
        ids.append(m.id())
        values.append(m.score())
        m.next()
    return np.array(ids, dtype=np.int64) + offset, np.array(values)


def _bm25(
    s: Searchable, found: postings.Postings, field_name: str, text: Any, offset: int
) -> Scores | None:
    """The BM25F scores of one segment's posting list, as Whoosh's `BM25F.scorer` would give
    them (whoosh.scoring.bm25, operation for operation, with the top-level searcher's idf
    and average field length); None when the weighting is not one the formula covers."""
    weighting = s.searcher.weighting
    if type(weighting) is not BM25F:
        return None
    if not s.schema[field_name].scorable:
        return found.weights  # WeightScorer: the posting's weight
    idf = s.searcher.idf(field_name, text)  # cached by Whoosh per term
    avgfl = s.avg_length(field_name)
    k1 = weighting.K1
    b = weighting._field_B.get(field_name, weighting.B)
    tf = found.weights
    fl = s.lengths(field_name)[found.ids + offset]
    bm25: Scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
    return bm25


def _field_lengths(s: Searchable, field_name: str) -> NDArray[np.float64]:
    """Every document's length of one field, as Whoosh's scorers see it (byte-coded)."""
    decode = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
    out = np.zeros(len(s.arrays.live))
    for sub, offset in s.searcher.leaf_searchers():
        reader = sub.reader()
        column = reader._perdoc._cached_reader(_lenfield(field_name), LENGTHS_COLUMN)
        if column is None:
            continue
        codes = _length_codes(column, reader.doc_count_all())
        out[offset : offset + len(codes)] = decode[codes]
    return out


def _length_codes(column: Any, count: int) -> NDArray[np.uint8]:
    """A segment's length bytes: the column's raw bytes in one read when it has Whoosh 2.7's
    layout (one unsigned byte per document, documents past its end take the default)."""
    if getattr(column, "_typecode", None) != "B":
        return np.fromiter(column, dtype=np.uint8, count=count)
    stored = min(column._count, count)
    codes = np.full(count, column._default, dtype=np.uint8)
    codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return codes


# --- ranking ---------------------------------------------------------------------------------


def _cited_counts(s: Searchable) -> NDArray[np.int64]:
    """Citations per document: each term of `references` is a cited refid, its posting list
    the citing documents (counted live only, so a replaced record's old REF line is not)."""
    count = s.reader.doc_count_all()
    live = s.arrays.live
    docnum_of = {
        value.decode("utf-8") if isinstance(value, bytes) else str(value): d
        for d, value in enumerate(_column(s.reader, "refid", count))
        if value and live[d]
    }
    cited = np.zeros(count, dtype=np.int64)
    leaves = s.reader.leaf_readers()
    for term in s.lexicon("references"):
        target = docnum_of.get(term.decode("utf-8"))
        if target is None:
            continue
        for leaf, offset in leaves:
            found = postings.read(leaf, "references", term)
            if found is not None:
                cited[target] += int(np.count_nonzero(live[found.ids + offset]))
    return cited


def _rank(s: Searchable, q: Any, sort: str, need: int) -> tuple[list[tuple[int, float]], Mask]:
    """The best `need` (docnum, score) pairs in `sort` order, and the mask of every match."""
    if sort == "relevance":
        mask, scores = scored(s, q)
        return _by_score(s, mask, scores, need), mask
    mask = matching(s, q)
    if sort == "cited":
        top = _by_cited(s, mask, need)
    else:
        top = _by_date(s, mask, need, newest=sort == "newest")
    found = _scores(s, q, top)
    return [(d, found.get(d, 0.0)) for d in top], mask


def _by_score(s: Searchable, mask: Mask, scores: Scores, need: int) -> list[tuple[int, float]]:
    """The `need` best of `mask` by score; equal scores newest first, then in index order."""
    docs = np.flatnonzero(mask)
    if need < 1 or not len(docs):
        return []
    keys = -scores[docs]
    if need < len(docs):
        # only the documents up to the need-th best score (ties included) need sorting
        bar = np.partition(keys, need - 1)[need - 1]
        keep = keys <= bar
        docs, keys = docs[keep], keys[keep]
    order = np.lexsort((docs, -s.arrays.created[docs], keys))[:need]
    return [(int(docs[i]), float(-keys[i])) for i in order]


def _by_date(s: Searchable, mask: Mask, need: int, newest: bool) -> list[int]:
    """The first `need` documents of `mask` by date (undated last when oldest first), ties in
    index order."""
    docs = np.flatnonzero(mask)
    created = s.arrays.created[docs]
    keys = -created if newest else np.where(created == _NO_DATE, np.iinfo(np.int64).max, created)
    if need < len(docs):
        # only the documents up to the need-th smallest key (ties included) need sorting
        bar = np.partition(keys, need - 1)[need - 1]
        keep = keys <= bar
        docs, keys = docs[keep], keys[keep]
    order = np.argsort(keys, kind="stable")
    return [int(d) for d in docs[order[:need]]]


def _own_nodes(q: Any) -> bool:
    """Whether `q` holds query nodes Whoosh's matchers do not know (ours)."""
    return isinstance(q, MultiPhrase | Unknown) or any(_own_nodes(c) for c in q.children())


def _by_cited(s: Searchable, mask: Mask, need: int) -> list[int]:
    """The first `need` documents of `mask`, most cited first, then newest, then index order."""
    docs = np.flatnonzero(mask)
    order = np.lexsort((docs, -s.arrays.created[docs], -s.cited[docs]))[:need]
    return [int(d) for d in docs[order]]


def _scores(s: Searchable, q: Any, docnums: Iterable[int]) -> dict[int, float]:
    """Relevance scores of a few documents (for the date sorts)."""
    wanted = sorted(docnums)
    if _own_nodes(q):
        _, all_scores = scored(s, q)
        return {d: float(all_scores[d]) for d in wanted}
    scores: dict[int, float] = {}
    context = s.searcher.context()
    for sub, offset in s.searcher.leaf_searchers():
        local = [d - offset for d in wanted if offset <= d < offset + sub.doc_count_all()]
        if not local:
            continue
        matcher = q.matcher(sub, context)
        for d in local:
            if not matcher.is_active():
                break
            if matcher.id() < d:
                matcher.skip_to(d)
            if matcher.is_active() and matcher.id() == d:
                scores[d + offset] = float(matcher.score())
    return scores


# --- search ----------------------------------------------------------------------------------


class _View:
    """The open generation as query binding sees it (`indexer.query.IndexView`): word and
    term lists read once per open generation and kept, sorted."""

    def __init__(self, s: Searchable) -> None:
        self._s = s

    def words(self) -> list[str]:
        return self._s.vocabulary()

    def lexicon(self, field_name: str) -> list[bytes]:
        return self._s.lexicon(field_name)

    def doc_frequency(self, field_name: str, term: str) -> int:
        return int(self._s.reader.doc_frequency(field_name, term))

    def origins(self) -> dict[str, str]:
        return {_b2s(o).lower(): _b2s(o) for o in self._s.lexicon("origin")}

    def references_of(self, refid: str) -> tuple[str, ...]:
        docnum = self._s.docnum(refid)
        if docnum is None:
            return ()
        refs = str(self._s.searcher.stored_fields(docnum).get("references") or "").split()
        return tuple(dict.fromkeys(refs))


def _b2s(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Prepared:
    """A query bound to the open generation, and what the user is told about it."""

    query: Any
    warnings: tuple[str, ...]
    #: `*` alone: every cable (newest first unless a sort is asked for)
    browse: bool = False


def prepare(s: Searchable, text: str, max_terms: int = MAX_EXPANSIONS) -> Prepared:
    """Parse and bind `text` to the open generation."""
    bound = bind(
        parse(text),
        _View(s),
        max_terms=max_terms,
        variants=s.variants,
        tag_for_word=tagcodes.code_for_word,
        spellings=s.spellings,
    )
    warnings = list(bound.warnings)
    if isinstance(bound.query, type(wq.NullQuery)):
        warnings.append("nothing to search for: no word of the query can match")
    return Prepared(bound.query, tuple(warnings), bound.browse)


def prepare_query(
    s: Searchable, text: str, max_terms: int = MAX_EXPANSIONS
) -> tuple[Any, list[str]]:
    """Parse and bind `text` to the open generation -> (query, warnings)."""
    prepared = prepare(s, text, max_terms)
    return prepared.query, list(prepared.warnings)


def _filtered(
    s: Searchable, query_text: str, filters: Sequence[str], max_terms: int = MAX_EXPANSIONS
) -> tuple[Any, Any, list[str], bool]:
    """(query to run, the user's query alone, warnings, browse): each filter is parsed on its
    own and joined to the query as a query object, so no text of one can change the meaning
    of the other (`iran) OR (iraq` stays one clause). With filters, the query text may be
    empty or `*` (browse: every cable the filters keep, newest first by default)."""
    if not filters:
        prepared = prepare(s, query_text, max_terms)
        return prepared.query, prepared.query, list(prepared.warnings), prepared.browse
    parts: list[Any] = []
    warnings: list[str] = []
    main: Any = wq.NullQuery
    browse = True
    if query_text.strip():
        prepared = prepare(s, query_text, max_terms)
        main, warnings, browse = prepared.query, list(prepared.warnings), prepared.browse
        if not browse:
            parts.append(main)
    for text in filters:
        fq, more = prepare_query(s, text, max_terms)
        parts.append(fq)
        warnings.extend(w for w in more if w not in warnings)
    return (parts[0] if len(parts) == 1 else wq.And(parts)), main, warnings, browse


def search(
    index: Path | Searchable,
    query_text: str,
    *,
    limit: int = 10,
    page: int = 1,
    sort: str = "relevance",
    facets: Sequence[str] = FACET_FIELDS,
    facet_limit: int = 10,
    highlight: bool = True,
    max_terms: int = MAX_EXPANSIONS,
    filters: Sequence[str] = (),
) -> SearchResult:
    """One page of ranked hits for `query_text`, with the exact total and facets; every
    clause of `filters` (e.g. `facet_filter("tags", "PTER")`) must match too."""
    started = time.perf_counter()
    _check_options(limit, page, sort, facets)
    with _opened(index) as s:
        q, main, warnings, browse = _filtered(s, query_text, filters, max_terms)
        if browse and sort == "relevance":
            sort = "newest"  # every cable scores alike: newest first
        ranked, mask = _rank(s, q, sort, page * limit)
        terms = query_terms(main) if highlight else Terms()
        page_items = ranked[(page - 1) * limit : page * limit]
        hits = tuple(_hit(s, d, score, terms if highlight else None) for d, score in page_items)
        counts = {name: _count_mask(s, name, mask, facet_limit) for name in facets}
        total = int(np.count_nonzero(mask))
        suggestion = _suggest(s, query_text, total) if total <= SUGGEST_BELOW else None
    return SearchResult(
        query=query_text,
        total=total,
        page=page,
        pages=math.ceil(total / limit),
        limit=limit,
        hits=hits,
        facets=counts,
        suggestion=suggestion,
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
        terms=terms,
    )


def _check_options(limit: int, page: int, sort: str, facets: Sequence[str]) -> None:
    if limit < 1:
        raise QueryError(f"bad limit {limit} - show at least 1 hit per page")
    if page < 1:
        raise QueryError(f"bad page {page} - pages start at 1")
    if sort not in SORTS:
        raise QueryError(f'unknown sort "{sort}" - sorts are {", ".join(SORTS)}')
    for name in facets:
        if name not in ALL_FACETS:
            raise QueryError(f'unknown facet "{name}" - facets are {", ".join(ALL_FACETS)}')


def _utc(value: Any) -> datetime | None:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) else None


def _hit(s: Searchable, docnum: int, score: float, terms: Terms | None) -> Hit:
    stored = s.searcher.stored_fields(docnum)
    highlights = () if terms is None else tuple(fragments(stored.get("body") or "", terms))
    return Hit(
        refid=stored.get("refid", ""),
        score=score,
        subject=stored.get("subject") or "",
        created=_utc(stored.get("created")),
        origin=stored.get("origin") or "",
        classification=stored.get("classification") or "",
        tags=tuple((stored.get("tags") or "").split()),
        highlights=highlights,
    )


def iter_all(
    index: Path | Searchable,
    query_text: str,
    sort: str = "relevance",
    *,
    filters: Sequence[str] = (),
) -> Iterator[Hit]:
    """Every hit of `query_text` (and `filters`, as in `search`) in `sort` order, without
    highlights (for `--all` export)."""
    yield from export(index, query_text, sort, filters=filters).hits


def export(
    index: Path | Searchable,
    query_text: str,
    sort: str = "relevance",
    *,
    filters: Sequence[str] = (),
) -> Export:
    """Every hit of `query_text` (and `filters`) in `sort` order (no highlights), the exact
    total and the warnings (capped scoring, words left out, spellings added) before the
    first hit."""
    _check_options(1, 1, sort, ())
    s = index if isinstance(index, Searchable) else open_index(Path(index))
    try:
        q, _, warnings, browse = _filtered(s, query_text, filters)
        if browse and sort == "relevance":
            sort = "newest"
        total = int(np.count_nonzero(matching(s, q)))
        ranked, _ = _rank(s, q, sort, total)
    except BaseException:
        if s is not index:
            s.close()
        raise

    def hits() -> Iterator[Hit]:
        try:
            for docnum, score in ranked:
                yield _hit(s, docnum, score, None)
        finally:
            if s is not index:
                s.close()

    return Export(total, tuple(warnings), hits())


# --- did you mean ----------------------------------------------------------------------------

#: plain words of a query (not field names, operators, patterns or fuzzy terms)
_PLAIN_WORD_RE = re.compile(r"(?<![\w:*?~^.'])([A-Za-z]{3,})(?![\w:*?~'])")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})


def _load_words(s: Searchable) -> dict[str, list[tuple[str, int, int]]]:
    path = s.generation / _WORDS_FILE
    try:
        counts: dict[str, int] = json.loads(path.read_text(encoding="utf-8"))["counts"]
    except (OSError, ValueError, KeyError, TypeError):
        counts = build_word_counts(s.reader)
        _write_words(s.generation, WordSample(counts, s.reader.doc_count_all()))
    by_letter: dict[str, list[tuple[str, int, int]]] = {}
    for word, count in counts.items():
        by_letter.setdefault(word[0], []).append((word, count, _letter_mask(word)))
    return by_letter


def build_word_counts(reader: Any) -> dict[str, int]:
    """Surface words (lowercase, unstemmed) of an even sample of subjects and bodies, with the
    number of sampled documents holding each. The body field is stemmed, so its lexicon
    cannot offer real words ("baghdad", not "baghdad"-ish stems like "negoti")."""
    docs = list(reader.all_doc_ids())
    counts: Counter[str] = Counter()
    for docnum in docs[:: word_sample_step(len(docs))]:
        stored = reader.stored_fields(docnum)
        counts.update(document_words(stored.get("subject"), stored.get("body")))
    return dict(counts.most_common(WORD_LIST_MAX))


def _write_words(generation: Path, sample: WordSample) -> None:
    counts = dict(Counter(sample.counts).most_common(WORD_LIST_MAX))
    data = {"sampled_docs": sample.sampled_docs, "counts": counts}
    _write_cache(generation / _WORDS_FILE, json.dumps(data, separators=(",", ":")).encode("utf-8"))


def _text_frequency(s: Searchable, word: str) -> int:
    stemmed = stem_word(word)
    return max(int(s.reader.doc_frequency(f, stemmed)) for f in ("subject", "title", "body"))


def _letter_mask(word: str) -> int:
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) & 31)
    return mask


def _nearest(s: Searchable, word: str) -> str | None:
    best: tuple[int, int, str] | None = None
    mask = _letter_mask(word)
    for candidate, count, candidate_mask in s.words.get(word[0], ()):
        # two edits change at most four letters of the set: a cheap filter before the
        # (pure Python, slow) edit distance
        if (mask ^ candidate_mask).bit_count() > 4 or abs(len(candidate) - len(word)) > 2:
            continue
        if candidate == word:
            continue
        dist = damerau_levenshtein(word, candidate, 2)
        if dist > 2:
            continue
        key = (dist, -count, candidate)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]


def _suggest(s: Searchable, text: str, total: int) -> str | None:
    """A corrected query when some words are rare and a near word is frequent, else None."""
    out = text
    changed = False
    for match in reversed(list(_PLAIN_WORD_RE.finditer(text))):
        word = match.group(1)
        if word in _OPERATORS:
            continue
        lower = word.lower()
        own = _text_frequency(s, lower)
        candidate = _nearest(s, lower)
        if candidate is None:
            continue
        theirs = _text_frequency(s, candidate)
        if theirs >= 2 and theirs > 4 * own:
            out = out[: match.start()] + candidate + out[match.end() :]
            changed = True
    if not changed:
        return None
    try:
        q, _ = prepare_query(s, out)
    except QueryError:
        return None
    if isinstance(q, type(wq.NullQuery)):
        return None
    better = int(np.count_nonzero(matching(s, q)))
    return out if better > total else None


# --- show / similar / stats / batch -------------------------------------------------------------


def _require(s: Searchable, refid: str) -> int:
    docnum = s.docnum(refid)
    if docnum is None:
        raise NotFound(
            f"no cable {refid} in the index - check the id, or search for it: "
            f"cables search 'id:{refid}*'"
        )
    return docnum


def _subject_of(s: Searchable, refid: str) -> str | None:
    docnum = s.docnum(refid)
    if docnum is None:
        return None
    return str(s.searcher.stored_fields(docnum).get("subject") or "")


def _parse_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def cable_from_stored(stored: dict[str, Any]) -> Cable:
    """The Cable a document was made from (its `cable` JSON plus the stored body)."""
    data = json.loads(stored["cable"])
    data["body"] = stored.get("body") or ""
    data["source"] = Source(**data["source"])
    for key in ("created", "released"):
        data[key] = _parse_dt(data.get(key))
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = tuple(value)
    return Cable(**data)


def _versions(s: Searchable, refid: str) -> tuple[Version, ...]:
    try:
        data = json.loads((s.generation / VERSIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(Version(**entry) for entry in data.get(refid, ()))


def show(index: Path | Searchable, refid: str, query: str | None = None) -> CableView:
    """One cable with its references both ways and its versions; matches of `query` marked."""
    refid = refid.strip().upper()
    with _opened(index) as s:
        stored = s.searcher.stored_fields(_require(s, refid))
        cable = cable_from_stored(stored)
        terms = Terms()
        if query:
            q, _ = prepare_query(s, query)
            terms = query_terms(q)
        references = tuple((r, _subject_of(s, r)) for r in cable.references)
        citing = sorted(
            (str(f.get("refid")), f.get("subject")) for f in s.searcher.documents(references=refid)
        )
        return CableView(
            cable=cable,
            paragraphs=tuple(paragraphs(cable.body, terms)),
            references=references,
            cited_by=tuple(citing),
            versions=_versions(s, refid),
        )


def similar(index: Path | Searchable, refid: str, limit: int = 10) -> tuple[Hit, ...]:
    """Cables most like `refid` (more-like-this on its subject and body)."""
    refid = refid.strip().upper()
    with _opened(index) as s:
        docnum = _require(s, refid)
        stored = s.searcher.stored_fields(docnum)
        text = f"{stored.get('subject') or ''}\n{stored.get('body') or ''}"
        keys = s.searcher.key_terms_from_text("body", text, numterms=20)
        if not keys:
            return ()
        q = wq.Or(
            [wq.Term(f, word, boost=weight) for word, weight in keys for f in ("subject", "body")]
        )
        mask, scores = scored(s, q)
        ranked = _by_score(s, mask, scores, limit + 1)
        return tuple(_hit(s, d, score, None) for d, score in ranked if d != docnum)[:limit]


def stats(index: Path | Searchable) -> Stats:
    """What the index holds: counts, date span, size, last update."""
    with _opened(index) as s:
        live = s.arrays.live
        created = s.arrays.created
        dates = created[live & (created != _NO_DATE)]
        size = sum(p.stat().st_size for p in s.generation.iterdir() if p.is_file())
        return Stats(
            cables=int(np.count_nonzero(live)),
            first=long_to_datetime(int(dates.min())).replace(tzinfo=UTC) if len(dates) else None,
            last=long_to_datetime(int(dates.max())).replace(tzinfo=UTC) if len(dates) else None,
            by_classification=tuple(_count_mask(s, "classification", live, None)),
            by_origin=tuple(_count_mask(s, "origin", live, None)),
            by_year=tuple(sorted(_count_mask(s, "year", live, None))),
            size_bytes=size,
            updated=_manifest_updated(s.generation),
            generation=s.generation.name,
        )


_UPDATED_RE = re.compile(rb'^\{\s*"version"\s*:\s*\d+\s*,\s*"updated"\s*:\s*"([^"]*)"')


def _manifest_updated(gen: Path) -> datetime | None:
    """The manifest's "updated" time. `cables index` writes it at the very start of the file,
    so only the head is read: the whole manifest is ~1 KB a file (250 MB at Cablegate size)."""
    try:
        with open(gen / MANIFEST, "rb") as fh:
            found = _UPDATED_RE.match(fh.read(256))
        if found:
            return _parse_dt(found.group(1).decode("ascii", "replace"))
        data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
        return _parse_dt(data.get("updated"))
    except (OSError, ValueError):
        return None


def batch(index: Path | Searchable, lines: Iterable[str], limit: int = 5) -> Iterator[BatchRow]:
    """Run one query per line (blank lines and `#` comments skipped); a bad line gives a row
    with its error instead of stopping the batch."""
    with _opened(index) as s:
        for line in lines:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                result = search(s, text, limit=limit, facets=(), highlight=False)
            except QueryError as exc:
                yield BatchRow(text, 0, (), str(exc))
                continue
            yield BatchRow(
                text, result.total, tuple(h.refid for h in result.hits), None, result.warnings
            )
