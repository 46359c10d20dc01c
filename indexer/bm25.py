"""BM25F scores of a whole posting list at once, as Whoosh's `BM25F` scorer gives them.

The field weights are `schema.BOOSTS`, applied at index time (Whoosh multiplies each
posting's weight by its field's `field_boost`), so they are not applied again here. The
per-field B and the byte-coded field lengths come through `indexer.whoosh_private`.

Flow: query -> hits, inside the engine (`indexer.engine`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from whoosh.scoring import BM25F

from . import postings
from .compiled import speedups as speedups
from .whoosh_private import LENGTH_OF_BYTE, bm25_b, length_bytes

if TYPE_CHECKING:
    from .opening import Searchable

Scores = NDArray[np.float64]


def bm25_scores(
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
    return _bm25(s, weighting, field_name, idf, found.weights, found.ids + offset)


def bm25_at(
    s: Searchable,
    found: postings.Postings,
    field_name: str,
    text: Any,
    offset: int,
    rows: NDArray[np.intp],
) -> Scores | None:
    """`bm25_scores(...)[rows]`, computed for those postings only (the same operations on
    each, so the same floats): a phrase scores the few documents that hold it, not every
    document of its words' lists."""
    weighting = s.searcher.weighting
    if type(weighting) is not BM25F:
        return None
    tf = found.weights[rows]
    if not s.schema[field_name].scorable:
        return tf
    idf = s.searcher.idf(field_name, text)
    return _bm25(s, weighting, field_name, idf, tf, found.ids[rows] + offset)


def add_scores(
    s: Searchable,
    found: postings.Postings,
    field_name: str,
    text: Any,
    offset: int,
    scores: Scores,
    mask: NDArray[np.bool_],
) -> bool:
    """Adds one segment's posting list into a whole-index `scores` (and marks its documents
    in `mask`): `scores[ids] += bm25_scores(...)`, in one compiled pass where the module is
    built (`_speedups.bm25_add`: the same operations, the same doubles, without numpy's
    temporaries of the list's size). False, with nothing changed, where `bm25_scores` would
    be None."""
    weighting = s.searcher.weighting
    if type(weighting) is not BM25F:
        return False
    if speedups is None:
        term = bm25_scores(s, found, field_name, text, offset)
        assert term is not None
        ids = found.ids + offset
        mask[ids] = True
        scores[ids] += term  # ids are unique within a list
        return True
    tf = np.ascontiguousarray(found.weights, dtype=np.float64)
    ids = np.ascontiguousarray(found.ids, dtype=np.int64)
    if not s.schema[field_name].scorable:
        speedups.bm25_add(scores, mask.view(np.uint8), ids, offset, tf, None, 0.0, 0.0, 0.0, 1.0)
        return True
    speedups.bm25_add(
        scores,
        mask.view(np.uint8),
        ids,
        offset,
        tf,
        s.lengths(field_name),
        float(s.searcher.idf(field_name, text)),
        float(weighting.K1),
        float(bm25_b(weighting, field_name)),
        float(s.avg_length(field_name)),
    )
    return True


def bm25_union(
    s: Searchable, field_name: str, found: list[tuple[postings.Postings, Any, int]]
) -> tuple[NDArray[np.int64], Scores] | None:
    """(global ids, BM25F scores) of many posting lists (postings, term, segment offset) in
    one pass: per posting the very operations of `bm25_scores`, with each list's idf, so
    each score is the same float. For a union of many words (a pattern's or a fuzzy word's
    ~1,000 lists over the segments, most of a few postings: one numpy pass instead of one a
    list). None where `bm25_scores` would be None."""
    weighting = s.searcher.weighting
    if type(weighting) is not BM25F:
        return None
    ids = np.concatenate([f.ids + offset for f, _, offset in found])
    tf = np.concatenate([f.weights for f, _, _ in found])
    if not s.schema[field_name].scorable:
        return ids, tf
    sizes = [len(f.ids) for f, _, _ in found]
    idf = np.repeat(np.array([s.searcher.idf(field_name, text) for _, text, _ in found]), sizes)
    return ids, _bm25(s, weighting, field_name, idf, tf, ids)


def _bm25(
    s: Searchable, weighting: BM25F, field_name: str, idf: Any, tf: Scores, ids: Any
) -> Scores:
    """whoosh.scoring.bm25 over arrays: the postings' frequencies `tf` in the documents
    `ids` (global numbers), with `idf` one float or one per posting."""
    avgfl = s.avg_length(field_name)
    k1 = weighting.K1
    b = bm25_b(weighting, field_name)
    fl = s.lengths(field_name)[ids]
    bm25: Scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))
    return bm25


def field_lengths(s: Searchable, field_name: str) -> NDArray[np.float64]:
    """Every document's length of one field, as Whoosh's scorers see it (byte-coded)."""
    out = np.zeros(len(s.arrays.live))
    for sub, offset in s.searcher.leaf_searchers():
        codes = length_bytes(sub.reader(), field_name)
        if codes is not None:
            out[offset : offset + len(codes)] = LENGTH_OF_BYTE[codes]
    return out
