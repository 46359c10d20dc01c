"""The evaluation engine: a bound query tree into the documents it matches, and their scores.

`matching` gives the mask of the documents a query matches (for the exact total and the
facets, no scores); `scored` gives the mask and every match's BM25F score at once, the way
Whoosh's matchers would score them one at a time. Both work over whole posting lists
(`indexer.postings`) with numpy; phrases are checked on positions (`indexer.phrases`), terms
scored by `indexer.bm25`. A node without a rule here is evaluated by Whoosh's own matcher,
for that node only.

Flow: query -> hits. `indexer.ranking` orders what this finds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq

from . import postings
from .bm25 import Scores, add_lists, bm25_scores, covered
from .facets import NO_DATE, Mask
from .phrases import Alternatives, Ints, intersect_sorted, placed, rows_of, union_ids
from .query import Expanded, MultiPhrase, Unknown

if TYPE_CHECKING:
    from .opening import Searchable


def _expanded(s: Searchable, q: Any) -> list[Any]:
    """The terms a `MultiTerm` (pattern, fuzzy word, `Expanded`) stands for in this index."""
    return [text for _, text in q.expanded_terms(s.reader)]


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
    if isinstance(q, wq.MultiTerm):
        return _terms_mask(s, q.field(), _expanded(s, q))
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
    if kind is wq.NumericRange:
        # what its matcher unions: the terms and term ranges of the field's trie (`year:2008`
        # walked Whoosh's matcher one document at a time: 74% of that query's time)
        return _mask(s, q.simplify(s.reader))
    if kind is wq.ConstantScoreQuery:
        return _mask(s, q.child)
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
        undated: Mask = s.arrays.created == NO_DATE
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
    mask: Mask = created != NO_DATE
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
    if isinstance(q, wq.MultiTerm):
        # MultiTerm.matcher: an Or of its words, boosted as a whole (its "constant score" only
        # clears the context's weighting, and the searcher's is used anyway)
        return _term_scores(s, q.field(), _expanded(s, q), q.boost)
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
    """Sum in the order of Whoosh's binary matcher tree (same float rounding, same ties),
    added in place into the parts' own arrays (each `_scored` answers a new array that
    nothing else holds: no whole-index array is allocated for a sum)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    left = _sum_tree(parts[:half])
    left += _sum_tree(parts[half:])
    return left


def _boosted(scores: Scores, boost: float) -> Scores:
    """`scores * boost`, in place (the array is the caller's own, as in `_sum_tree`)."""
    if boost != 1.0:
        scores *= boost
    return scores


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
    found: list[tuple[postings.Postings, Any, int, Any]] = []
    for sub, offset in s.searcher.leaf_searchers():
        reader = sub.reader()
        for text in words:
            listed = postings.read(reader, field_name, text)
            if listed is not None:
                found.append((listed, text, offset, sub))
    lists = [(listed, text, offset) for listed, text, offset, _ in found]
    if not add_lists(s, field_name, lists, scores, mask):  # not BM25F: Whoosh's matchers
        for _, text, offset, sub in found:
            ids, term = _walk_term(sub, field_name, text, offset)
            mask[ids] = True
            scores[ids] += term  # ids are unique per word
    return mask, _boosted(scores, boost)


def _multiphrase(
    s: Searchable, q: MultiPhrase, within: Mask | None = None
) -> tuple[Mask, Scores] | None:
    """A `MultiPhrase`: documents holding, for every position, one of its terms, placed as
    the phrase says (exactly, or within `slop` moves in any order); scored as the sum of
    its positions' scores (a position: the sum of its terms the document holds), which for
    one term a position is what Whoosh's phrase scoring gives. None when a scorer is not
    one this covers."""
    field = s.schema[q.fieldname]
    if not field.format or not field.format.supports("positions") or not covered(s):
        return None
    mask = _empty(s)
    scores = np.zeros(len(mask))
    for sub, offset in s.searcher.leaf_searchers():
        reader = sub.reader()
        slots: list[Alternatives] = []
        for terms in q.positions:
            alternatives: Alternatives = []
            for text in terms:
                try:
                    word = field.to_bytes(text)
                except ValueError:
                    continue
                found = postings.read(reader, q.fieldname, word, values=True)
                if found is None:
                    continue
                alternatives.append((found, word))
            if not alternatives:
                break
            slots.append(alternatives)
        if not q.positions or len(slots) < len(q.positions):
            continue
        candidates: Ints | None = None
        for alternatives in slots:
            ids = union_ids(alternatives)
            candidates = ids if candidates is None else intersect_sorted(candidates, ids)
        assert candidates is not None
        if within is not None:
            candidates = candidates[within[candidates + offset]]
        if not len(candidates):
            continue
        docs = candidates[placed(slots, candidates, q.slop)]
        parts = []
        for alternatives in slots:
            total = np.zeros(len(docs))
            for found, word in alternatives:
                rows, present = rows_of(found.ids, docs)
                term = bm25_scores(s, found, q.fieldname, word, offset, rows[present])
                assert term is not None  # (BM25F: checked above)
                total[present] += term
            parts.append(total)
        mask[docs + offset] = True
        scores[docs + offset] = _boosted(_sum_tree(parts), q.boost)
    return mask, scores


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
