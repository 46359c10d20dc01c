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


def covered(s: Searchable) -> bool:
    """Whether the searcher's weighting is the BM25F these functions compute (else the
    engine lets Whoosh's own matchers score)."""
    return type(s.searcher.weighting) is BM25F


def bm25_scores(
    s: Searchable,
    found: postings.Postings,
    field_name: str,
    text: Any,
    offset: int,
    rows: NDArray[np.intp] | slice = slice(None),
) -> Scores | None:
    """The BM25F scores of one segment's posting list (of its postings at `rows` only: a
    phrase scores the few documents that hold it, with the same operations on each, so the
    same floats), as Whoosh's `BM25F.scorer` would give them (whoosh.scoring.bm25, operation
    for operation, with the top-level searcher's idf and average field length); None when
    the weighting is not one the formula covers."""
    if not covered(s):
        return None
    tf = found.weights[rows]
    if not s.schema[field_name].scorable:
        return tf  # WeightScorer: the posting's weight
    idf = s.searcher.idf(field_name, text)  # cached by Whoosh per term
    return _bm25(s, field_name, idf, tf, found.ids[rows] + offset)


def add_lists(
    s: Searchable,
    field_name: str,
    found: list[tuple[postings.Postings, Any, int]],
    scores: Scores,
    mask: NDArray[np.bool_],
) -> bool:
    """Adds posting lists (postings, term, segment offset) into a whole-index `scores`, in
    list order (a document holding several of the words gets their sum, added word by
    word), and marks their documents in `mask`. In compiled code one pass per list
    (`_speedups.bm25_add`: the same operations, the same doubles, without numpy's
    temporaries the size of the list); in numpy a union of several lists in one pass
    (`bm25_union`: numpy's cost is per call, and a pattern reads ~1,000 small lists).
    False, with nothing changed, where the weighting is not BM25F."""
    if not covered(s):
        return False
    if speedups is None and len(found) > 1:
        at, summed = bm25_union(s, field_name, found)
        mask[at] = True
        # each document's scores added in list order, as the loop below adds them
        scores += np.bincount(at, weights=summed, minlength=len(scores))
        return True
    for listed, text, offset in found:
        _add_list(s, field_name, listed, text, offset, scores, mask)
    return True


def _add_list(
    s: Searchable,
    field_name: str,
    found: postings.Postings,
    text: Any,
    offset: int,
    scores: Scores,
    mask: NDArray[np.bool_],
) -> None:
    """`scores[ids] += bm25_scores(...)` for one list (ids are unique within a list)."""
    if speedups is None:
        term = bm25_scores(s, found, field_name, text, offset)
        assert term is not None
        ids = found.ids + offset
        mask[ids] = True
        scores[ids] += term
        return
    tf = np.ascontiguousarray(found.weights, dtype=np.float64)
    ids = np.ascontiguousarray(found.ids, dtype=np.int64)
    flags = mask.view(np.uint8)
    if not s.schema[field_name].scorable:
        speedups.bm25_add(scores, flags, ids, offset, tf, None, 0.0, 0.0, 0.0, 1.0)
        return
    lengths, k1, b, avgfl = _parameters(s, field_name)
    idf = float(s.searcher.idf(field_name, text))
    speedups.bm25_add(scores, flags, ids, offset, tf, lengths, idf, k1, b, avgfl)


def bm25_union(
    s: Searchable, field_name: str, found: list[tuple[postings.Postings, Any, int]]
) -> tuple[NDArray[np.int64], Scores]:
    """(global ids, BM25F scores) of many posting lists (postings, term, segment offset) in
    one pass: per posting the very operations of `bm25_scores`, with each list's idf, so
    each score is the same float (the weighting must be BM25F: `covered`)."""
    ids = np.concatenate([f.ids + offset for f, _, offset in found])
    tf = np.concatenate([f.weights for f, _, _ in found])
    if not s.schema[field_name].scorable:
        return ids, tf
    sizes = [len(f.ids) for f, _, _ in found]
    idf = np.repeat(np.array([s.searcher.idf(field_name, text) for _, text, _ in found]), sizes)
    return ids, _bm25(s, field_name, idf, tf, ids)


def _parameters(s: Searchable, field_name: str) -> tuple[NDArray[np.float64], float, float, float]:
    """(every document's field length, K1, B, average field length) of the BM25F formula."""
    weighting = s.searcher.weighting
    return (
        s.lengths(field_name),
        float(weighting.K1),
        float(bm25_b(weighting, field_name)),
        float(s.avg_length(field_name)),
    )


def _bm25(s: Searchable, field_name: str, idf: Any, tf: Scores, ids: Any) -> Scores:
    """whoosh.scoring.bm25 over arrays: the postings' frequencies `tf` in the documents
    `ids` (global numbers), with `idf` one float or one per posting."""
    lengths, k1, b, avgfl = _parameters(s, field_name)
    fl = lengths[ids]
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
