"""Phrase placement: which candidate documents hold a phrase's words where it says.

Positions are normalized by their place in the phrase, so an exact phrase is a value every
phrase position shares and a sloppy one a window of values. With the compiled module
(`_speedups.phrase_match`) each candidate is checked on its postings' position varints;
without it, in numpy over the positions `indexer.postings` decodes: sorted (document << 32 |
position) keys per phrase position, intersected or searched for windows.

Flow: query -> hits, inside the engine (`indexer.engine._multiphrase`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from . import postings

#: a phrase position's terms: (posting list, the term's bytes) each
Alternatives = list[tuple[postings.Postings, bytes]]



Ints = NDArray[np.int64]


def union_ids(alternatives: Alternatives) -> Ints:
    if len(alternatives) == 1:
        return alternatives[0][0].ids
    return np.unique(np.concatenate([found.ids for found, _ in alternatives]))


def intersect_sorted(a: Ints, b: Ints) -> Ints:
    """The values in both of two ascending arrays without repeats, ascending: what
    `np.intersect1d(a, b, assume_unique=True)` gives, by a binary search of each value of
    the shorter in the longer instead of a sort of both together (a phrase's keys run to
    millions).

    >>> intersect_sorted(np.array([1, 4, 6, 9]), np.array([0, 4, 5, 9, 12])).tolist()
    [4, 9]
    """
    if len(a) > len(b):
        a, b = b, a
    if not len(b):
        return b
    at = np.searchsorted(b, a)
    both: Ints = a[b[np.minimum(at, len(b) - 1)] == a]
    return both


def rows_of(ids: Ints, wanted: Ints) -> tuple[Ints, NDArray[np.bool_]]:
    """(row of each wanted id in the ascending `ids`, whether it is there)."""
    rows = np.searchsorted(ids, wanted)
    present = rows < len(ids)
    present[present] = ids[rows[present]] == wanted[present]
    return rows, present


def _position_keys(
    alternatives: Alternatives, candidates: Ints, alive: Ints, shift: int
) -> Ints:
    """Ascending keys (candidate number << 32 | position + shift) of the alive candidates'
    positions of any of a phrase position's terms."""
    parts = []
    wanted = candidates[alive]
    for found, _ in alternatives:
        rows, present = rows_of(found.ids, wanted)
        groups, where = postings.positions(found, rows[present])
        parts.append(postings.keys(alive[present][groups], where + shift))
    if len(parts) == 1:
        return parts[0]
    return np.unique(np.concatenate(parts))


def placed(slots: list[Alternatives], candidates: Ints, slop: int) -> NDArray[np.bool_]:
    """Which candidates hold the phrase. Each position's positions are normalized by its
    place in the phrase (position - k), as Lucene's sloppy phrase scorer does: the phrase
    stands exactly where every position has the same normalized value, and within `slop`
    moves where one value of every position lies in a window of `slop`.

    With the compiled module, `_speedups.phrase_match` decides it candidate by candidate on
    the positions' varints (no arrays of keys: the 3-word phrase of bench/search.py spent
    60% of its time building, sorting and intersecting them); the numpy path below is its
    twin, and the tests compare the two."""
    compiled = postings.speedups
    if compiled is not None and all(found.values is not None for a in slots for found, _ in a):
        spec = [[_compiled_term(found) for found, _ in a] for a in slots]
        hit = compiled.phrase_match(_int64(candidates), spec, int(slop))
        return np.frombuffer(hit, dtype=np.bool_).copy()
    return _placed(slots, candidates, slop)


def _compiled_term(found: postings.Postings) -> tuple[Ints, bytes, Ints, Ints]:
    """A term's postings as `phrase_match` takes them: (ids, values, starts, ends)."""
    assert found.values is not None
    return _int64(found.ids), found.values, _int64(found.starts), _int64(found.ends)


def _int64(values: NDArray[np.integer] | None) -> Ints:
    return np.ascontiguousarray(values, dtype=np.int64)


def _placed(slots: list[Alternatives], candidates: Ints, slop: int) -> NDArray[np.bool_]:
    """`placed` in numpy: sorted (candidate << 32 | normalized position) keys per position,
    intersected (exact) or searched for windows (sloppy)."""
    count = len(slots)
    alive = np.arange(len(candidates), dtype=np.int64)
    hits = np.zeros(len(candidates), dtype=np.bool_)
    if slop <= 0:
        current: Ints | None = None
        for k, alternatives in enumerate(slots):
            keys = _position_keys(alternatives, candidates, alive, count - k)
            current = keys if current is None else intersect_sorted(current, keys)
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
