"""Ranking: the best N matches by relevance, by date or by citations.

Relevance is BM25F (`indexer.engine.scored`); equal scores are broken by date, newest first,
then index order (`by_score`). The date and citation sorts rank the match mask and score
only the documents on the page.

Flow: query -> hits: `rank` picks the page's documents; `indexer.hits` loads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from . import postings
from .bm25 import Scores
from .engine import matching, scored
from .facets import NO_DATE, Mask, column_values
from .query import MultiPhrase, Unknown

if TYPE_CHECKING:
    from .opening import Searchable

#: "cited": most cited first (by indexed cables), equal counts newest first
SORTS: tuple[str, ...] = ("relevance", "newest", "oldest", "cited")


def cited_counts(s: Searchable) -> NDArray[np.int64]:
    """Citations per document: each term of `references` is a cited refid, its posting list
    the citing documents (counted live only, so a replaced record's old REF line is not)."""
    count = s.reader.doc_count_all()
    live = s.arrays.live
    docnum_of = {
        value.decode("utf-8") if isinstance(value, bytes) else str(value): d
        for d, value in enumerate(column_values(s.reader, "refid", count))
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


def rank(s: Searchable, q: Any, sort: str, need: int) -> tuple[list[tuple[int, float]], Mask]:
    """The best `need` (docnum, score) pairs in `sort` order, and the mask of every match."""
    if sort == "relevance":
        mask, scores = scored(s, q)
        return by_score(s, mask, scores, need), mask
    mask = matching(s, q)
    if sort == "cited":
        top = _by_cited(s, mask, need)
    else:
        top = _by_date(s, mask, need, newest=sort == "newest")
    found = _scores(s, q, top)
    return [(d, found.get(d, 0.0)) for d in top], mask


def by_score(s: Searchable, mask: Mask, scores: Scores, need: int) -> list[tuple[int, float]]:
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
    keys = -created if newest else np.where(created == NO_DATE, np.iinfo(np.int64).max, created)
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
