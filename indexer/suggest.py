"""Did you mean: a corrected query when a word is rare and a near word is frequent.

Candidates come from the word sample of the open generation (`Searchable.words`, surface
words of a document sample, grouped by first letter with a letter mask as a cheap filter),
at most two edits away (Damerau-Levenshtein); the correction is offered only when it finds
more cables.

Flow: beside query -> hits, for searches with at most `SUGGEST_BELOW` hits.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from .engine import matching
from .errors import QueryError
from .highlight import stem_word
from .prepare import prepare_query

if TYPE_CHECKING:
    from .opening import Searchable

#: did-you-mean: only for queries with at most this many hits
SUGGEST_BELOW = 2

#: plain words of a query (not field names, operators, patterns or fuzzy terms)
_PLAIN_WORD_RE = re.compile(r"(?<![\w:*?~^.'])([A-Za-z]{3,})(?![\w:*?~'])")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})


def _text_frequency(s: Searchable, word: str) -> int:
    stemmed = stem_word(word)
    return max(int(s.reader.doc_frequency(f, stemmed)) for f in ("subject", "title", "body"))


def letter_mask(word: str) -> int:
    mask = 0
    for ch in word:
        mask |= 1 << (ord(ch) & 31)
    return mask


def _nearest(s: Searchable, word: str) -> str | None:
    best: tuple[int, int, str] | None = None
    mask = letter_mask(word)
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


def suggest(s: Searchable, text: str, total: int) -> str | None:
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
