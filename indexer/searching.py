"""The search library's front: every public name of the read side, and what `cables index`
calls on it.

The read side is split by concern, in the order a search flows (query text -> query ->
hits -> highlights -> output):

    indexer.opening    open_index, Searchable and its per-generation caches
    indexer.prepare    query text -> query bound to the open generation (indexer.query)
    indexer.engine     query -> matching documents and their BM25F scores
      indexer.postings / indexer.phrases / indexer.bm25   posting lists, phrases, scores
    indexer.facets     the facet table (per-document facet codes and dates), facet counts
    indexer.ranking    the best N by relevance, date or citations
    indexer.hits       search / export: a page of hits with total and facets
    indexer.suggest    did-you-mean
    indexer.highlight  hits -> highlights
    indexer.views      show / similar / stats / batch
    indexer.records, indexer.output   the records, and their JSON / CSV writers

Importers use this module (`from indexer.searching import search, show, ...`), as before the
split. Kept here, not re-exported: what `cables index` calls before publishing a
generation (`warm_caches`, which builds its caches now, carrying the previous generation's
where they still hold) and the did-you-mean word sample read back from an index that has
none (`build_word_counts`; what a document adds to it and how often one is sampled are
`indexer.wordsample`'s, shared with the writer).
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.reading import MultiReader

from .engine import matching as matching
from .engine import scored as scored
from .facets import ALL_FACETS as ALL_FACETS
from .facets import FACET_FIELDS as FACET_FIELDS
from .facets import FacetTable as FacetTable
from .facets import Mask as Mask
from .facets import build_table as build_table
from .facets import concat_tables, read_table, write_table
from .facets import facet_filter as facet_filter
from .facets import write_cache as _write_cache
from .hits import export as export
from .hits import iter_all as iter_all
from .hits import load_hit as load_hit
from .hits import search as search
from .layout import FACETS_FILE, INDEX_NAME, VARIANTS_FILE
from .layout import WORD_SAMPLE_FILE as _WORDS_FILE
from .opening import Searchable as Searchable
from .opening import open_index as open_index
from .output import CSV_COLUMNS as CSV_COLUMNS
from .output import fragment_to_dict as fragment_to_dict
from .output import hit_to_dict as hit_to_dict
from .output import result_to_dict as result_to_dict
from .output import stats_to_dict as stats_to_dict
from .output import view_to_dict as view_to_dict
from .output import write_csv as write_csv
from .output import write_jsonl as write_jsonl
from .prepare import Prepared as Prepared
from .prepare import prepare as prepare
from .prepare import prepare_query as prepare_query
from .ranking import SORTS as SORTS
from .records import BatchRow as BatchRow
from .records import CableView as CableView
from .records import Export as Export
from .records import Hit as Hit
from .records import SearchResult as SearchResult
from .records import Stats as Stats
from .records import Version as Version
from .suggest import SUGGEST_BELOW as SUGGEST_BELOW
from .suggest import letter_mask as _letter_mask
from .views import batch as batch
from .views import cable_from_stored as cable_from_stored
from .views import show as show
from .views import similar as similar
from .views import stats as stats
from .whoosh_private import generation_segment_ids, segment_ids
from .wordsample import WORD_SAMPLE_DOCS as WORD_SAMPLE_DOCS
from .wordsample import WordSample as WordSample
from .wordsample import document_words as document_words
from .wordsample import word_sample_step as word_sample_step

# --- what `cables index` calls before publishing a generation ---------------------------------


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
    old_ids = generation_segment_ids(str(previous), INDEX_NAME)
    if old_ids is None:
        return  # nothing to carry: the caches are built from scratch
    old = read_table(previous / FACETS_FILE, old_ids)
    if old is None:
        return
    leaves = s.reader.leaf_readers()
    count = len(old.created)
    if segment_ids(s.ix)[: len(old_ids)] != old_ids or count != sum(
        leaf.doc_count_all() for leaf, _ in leaves[: len(old_ids)]
    ):
        return  # not an append-only successor: build from scratch
    added = [leaf for leaf, _ in leaves[len(old_ids) :]]
    table = concat_tables(old, build_table(MultiReader(added))) if added else old
    s._table = table
    write_table(s.generation / FACETS_FILE, table, segment_ids(s.ix))
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
            _write_cache(s.generation / VARIANTS_FILE, (previous / VARIANTS_FILE).read_bytes())


# --- the did-you-mean word sample (drawn while indexing, read by indexer.suggest) ---------

WORD_LIST_MAX = 100_000


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
