"""Opening an index, and the per-generation caches of an open one.

`open_index` opens the live generation (`index/live`, resolved once, so one call sees one
generation even while `cables index` publishes the next) through `indexer.viewfile` and
gives a `Searchable`: the Whoosh searcher plus caches built on first use and shared by its
`twin`s: the facet table (`indexer.facets`), field lengths (`indexer.bm25`), citation counts
(`indexer.ranking`), each field's lexicon, the vocabulary (from the segments' word lists,
`indexer.wordlist`), the name-variant table (`indexer.variants`) and the did-you-mean word
sample (`indexer.searching`).

Flow: the first step of every read. Everything after it (query text -> query -> hits ->
highlights -> output) takes a `Searchable`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.index import EmptyIndexError

from . import heap, store, variants, viewfile, wordlist
from .bm25 import field_lengths
from .errors import IndexIncompatible, IndexMissing
from .facets import FacetArrays, FacetTable, facet_arrays, load_table, write_cache
from .layout import INDEX_NAME, VARIANTS_FILE
from .ranking import cited_counts
from .schema import incompatibility


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
        self._arrays: FacetArrays | None = None
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

    def drop_pages(self) -> None:
        """Give back the pages of the index files that searches have mapped into the process
        (`indexer.viewfile.ViewStorage.drop_pages`; they stay in the page cache). For every
        twin of this generation at once: they share the files."""
        storage = self.ix.storage
        if isinstance(storage, viewfile.ViewStorage) and not self.closed:
            storage.drop_pages()
        heap.give_back()  # and the freed arrays of the searches (indexer.heap)

    def __enter__(self) -> Searchable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def table(self) -> FacetTable:
        if self._table is None:
            self._table = load_table(self)
        return self._table

    @property
    def arrays(self) -> FacetArrays:
        if self._arrays is None:
            self._arrays = facet_arrays(self.reader, self.table)
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
            self._lengths[field_name] = field_lengths(self, field_name)
        return self._lengths[field_name]

    @property
    def words(self) -> dict[str, list[tuple[str, int, int]]]:
        """Surface words by first letter: [(word, sample document count, letter mask)]."""
        if self._words is None:
            # the word sample is drawn at index time too, and lives with what `cables index`
            # calls (`indexer.searching`, until the write side moves it: issue 12)
            from . import searching

            self._words = searching._load_words(self)
        return self._words

    @property
    def cited(self) -> NDArray[np.int64]:
        """Per document: how many live documents cite it (their REF lines name its refid)."""
        if self._cited is None:
            self._cited = cited_counts(self)
        return self._cited

    def docnum(self, refid: str) -> int | None:
        found = self.searcher.document_number(refid=refid)
        return None if found is None else int(found)


def open_index(index_root: Path) -> Searchable:
    """Open the live generation; IndexMissing when there is none. If the generation vanishes
    between resolving `live` and opening it (an update pruned it), resolve once more."""
    heap.keep_freed_memory()  # searches reuse their arrays' memory (indexer.heap)
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
        except (FileNotFoundError, EmptyIndexError) as exc:
            if attempt == 2:
                raise IndexMissing(str(index_root)) from exc
    raise AssertionError("unreachable")


@contextmanager
def opened(index: Path | Searchable) -> Iterator[Searchable]:
    if isinstance(index, Searchable):
        yield index
        return
    searchable = open_index(Path(index))
    try:
        yield searchable
    finally:
        searchable.close()


#: documents (evenly spread) whose words and capitals the variant table is built from
VARIANT_SAMPLE_DOCS = 1000


def _holds(words: list[str], word: str) -> bool:
    at = bisect_left(words, word)
    return at < len(words) and words[at] == word


def _load_variants(s: Searchable) -> variants.VariantTable:
    path = s.generation / VARIANTS_FILE
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
    write_cache(path, table.to_json().encode("utf-8"))
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
            words.update(b2s(t) for t in leaf.lexicon(name))
    words.discard("")
    return sorted(words)




def b2s(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
