"""Find the cable a quoted passage comes from (`cables quote`, the web's `/quote`).

A journalist's quote is the cable's text after an editor: any case and punctuation, line
breaks, `...` or `…` for skipped words, a word changed or missing, and a few words of the
journalist's own at either end. A phrase query fails on the first of those changes, and plain
keywords rank every cable that shares the common words; so the method is retrieval, then an
alignment:

1. **Terms.** The passage is analyzed exactly as bodies are indexed (`analysis.analyze`:
   folding, stems, every word a position), so case, punctuation, line breaks and inflection
   no longer matter; an ellipsis is punctuation and leaves nothing behind (it only widens the
   body window of step 3, since it stands for skipped words). `us` and `u.s` compare equal:
   the all-capitals cables index `US` as both.
2. **Candidates.** A BM25 OR of the passage's distinct terms over the body (`search.scored`),
   top `CANDIDATES` cables. Every word helps a cable that holds it and the rarer words carry
   the most, so a changed or missing word, or extra words of the journalist's own, only lower
   the true source a little among the candidates instead of excluding it (as an AND would).
3. **Alignment.** For each candidate, the body's term sequence is cut to the window richest in
   the passage's terms (by idf), and the passage's term sequence is aligned against it in
   order with `difflib.SequenceMatcher` (standard library; it finds the longest common runs
   and recurses, which is what a quote with a dropped or changed word is: runs with gaps).
   Runs aligned far from the main cluster are dropped, so a stray `the` elsewhere does not
   stretch the highlight. `matched` = aligned passage terms / passage terms.
4. **Order.** By `matched`, then the BM25 score: the source holds the passage in order, a
   cable that merely shares its words does not.

The highlight is the body span from the first to the last aligned word, with a little
context, as a `Fragment` whose matches are the aligned runs.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq

from .analysis import TOKEN_RE, US_TERM, term_of, word_of
from .engine import scored
from .errors import QueryError
from .highlight import Fragment
from .hits import load_hit
from .opening import Searchable, opened
from .output import hit_to_dict
from .ranking import by_score
from .records import Hit

#: cables re-ranked by alignment
CANDIDATES = 100
#: passage terms looked at (a longer passage is cut, with a warning)
MAX_TERMS = 300
#: body words an ellipsis may stand for (it widens the window the passage is aligned in)
ELLIPSIS_WORDS = 60
#: characters of context either side of the matched span in the highlight
CONTEXT_CHARS = 60

_ELLIPSIS_RE = re.compile(r"\.\s*\.\s*\.|…")
_PIECE_RE = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class QuoteHit:
    """A cable the passage may come from: the search hit (its one highlight is the matched
    span), the share of the passage found in it in order, and that span's body offsets."""

    hit: Hit
    matched: float
    span: tuple[int, int]


@dataclass(frozen=True)
class QuoteResult:
    passage: str
    #: the passage's terms (what `matched` is a share of)
    terms: int
    hits: tuple[QuoteHit, ...]
    warnings: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class _Alignment:
    aligned: int
    #: (first, last) token index in the body of each aligned run, in body order
    runs: tuple[tuple[int, int], ...]


class _KeyOf(dict[str, str]):
    """token -> its alignment key (its index term; `u.s` as `us`), filled on a miss, so a body
    maps through it at C speed (`map`): analyzing the candidates' bodies token by token was
    most of a quote's time. The same rules as `analysis.analyze`, which the tests compare."""

    def __missing__(self, token: str) -> str:
        if len(self) >= _KEY_CACHE_MAX:
            self.clear()
        term = term_of(word_of(token))
        value = self[token] = "us" if term == US_TERM else term
        return value


_KEY_OF = _KeyOf()
_KEY_CACHE_MAX = 200_000


@lru_cache(maxsize=512)
def _keys(text: str) -> list[str]:
    """The alignment key of every token of `text`, in order (token i is position i).
    Cached: the same candidate bodies come back for the passages of one story."""
    return list(map(_KEY_OF.__getitem__, TOKEN_RE.findall(text)))


def _spans(text: str) -> list[tuple[int, int]]:
    """The character offsets of every token of `text` (only for the hits shown)."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def quote(index: Path | Searchable, passage: str, limit: int = 10) -> QuoteResult:
    """The cables `passage` most likely comes from, best first (see the module docstring)."""
    started = time.perf_counter()
    if limit < 1:
        raise QueryError(f"bad limit {limit} - show at least 1 hit")
    words = _keys(passage)
    if not words:
        raise QueryError("no words in the passage - paste a sentence or more of the text")
    warnings: list[str] = []
    if len(words) > MAX_TERMS:
        warnings.append(f"the passage is long: only its first {MAX_TERMS} words are used")
        words = words[:MAX_TERMS]
    # where the passage skips words: the index of the term after each ellipsis
    ellipses = tuple(len(_keys(passage[: m.start()])) for m in _ELLIPSIS_RE.finditer(passage))
    with opened(index) as s:
        distinct = list(dict.fromkeys(words))
        idf = {w: _idf(s, w) for w in distinct}
        fields = [wq.Term("body", w) for w in distinct]
        if "us" in idf:
            fields.append(wq.Term("body", US_TERM))
        mask, scores = scored(s, wq.Or(fields))
        ranked = by_score(s, mask, scores, max(CANDIDATES, limit))
        found: list[tuple[float, float, int, str, _Alignment]] = []
        for docnum, score in ranked:
            body = s.searcher.stored_fields(docnum).get("body") or ""
            alignment = _align(words, _keys(body), idf, ellipses)
            if alignment.aligned:
                found.append((alignment.aligned / len(words), score, docnum, body, alignment))
        found.sort(key=lambda f: (-f[0], -f[1], f[2]))
        hits = []
        for matched, score, docnum, body, alignment in found[:limit]:
            tokens = _spans(body)
            span = (tokens[alignment.runs[0][0]][0], tokens[alignment.runs[-1][1]][1])
            fragment = _fragment(body, tokens, alignment)
            hit = load_hit(s, docnum, score, None)
            hits.append(QuoteHit(_with_highlight(hit, fragment), matched, span))
    return QuoteResult(
        passage=passage,
        terms=len(words),
        hits=tuple(hits),
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
    )


def _idf(s: Searchable, term: str) -> float:
    n = s.reader.doc_count_all()
    df = int(s.reader.doc_frequency("body", term))
    if term == "us":
        df = max(df, int(s.reader.doc_frequency("body", US_TERM)))
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _align(
    words: list[str], body: list[str], idf: dict[str, float], ellipses: tuple[int, ...]
) -> _Alignment:
    """The in-order alignment of the passage's terms against the best window of the body."""
    n = len(words)
    if not body:
        return _Alignment(0, ())
    weights = np.fromiter(map(idf.get, body, repeat(0.0)), np.float64, len(body))
    width = min(len(body), n + 10 + len(ellipses) * ELLIPSIS_WORDS)
    sums = np.concatenate(([0.0], np.cumsum(weights)))
    richness = sums[width:] - sums[: len(sums) - width]
    start = int(np.argmax(richness))
    # room either side: the window's best start need not be where the quote starts
    lo, hi = max(0, start - n), min(len(body), start + width + n)
    matcher = SequenceMatcher(None, words, body[lo:hi], autojunk=False)
    blocks = [(a, b + lo, size) for a, b, size in matcher.get_matching_blocks() if size]
    blocks = _main_cluster(blocks, ellipses)
    runs = tuple((b, b + size - 1) for _, b, size in blocks)
    return _Alignment(sum(size for _, _, size in blocks), runs)


def _main_cluster(
    blocks: list[tuple[int, int, int]], ellipses: tuple[int, ...]
) -> list[tuple[int, int, int]]:
    """The aligned runs that stand together: a run is cut off from the previous one when the
    body gap between them is much wider than the passage gap (plus what an ellipsis between
    them may skip); the group with the most aligned words is kept."""
    if not blocks:
        return []
    groups: list[list[tuple[int, int, int]]] = [[blocks[0]]]
    for prev, block in pairwise(blocks):
        passage_gap = block[0] - (prev[0] + prev[2])
        body_gap = block[1] - (prev[1] + prev[2])
        skips = any(prev[0] + prev[2] <= e <= block[0] for e in ellipses)
        if body_gap > 2 * passage_gap + 5 + (ELLIPSIS_WORDS if skips else 0):
            groups.append([block])
        else:
            groups[-1].append(block)
    return max(groups, key=lambda g: sum(size for _, _, size in g))


def _fragment(body: str, tokens: list[tuple[int, int]], alignment: _Alignment) -> Fragment:
    """The matched span with some context, whitespace collapsed, the aligned runs marked."""
    first, last = tokens[alignment.runs[0][0]][0], tokens[alignment.runs[-1][1]][1]
    lo = max(0, first - CONTEXT_CHARS)
    hi = min(len(body), last + CONTEXT_CHARS)
    # the context ends on whole words
    while 0 < lo < first and not body[lo - 1].isspace():
        lo += 1
    while last < hi < len(body) and not body[hi].isspace():
        hi -= 1
    text, mapping = _collapse(body[lo:hi])
    matches = tuple(
        (mapping[tokens[a][0] - lo], mapping[tokens[b][1] - lo]) for a, b in alignment.runs
    )
    lead = len(text) - len(text.lstrip())
    return Fragment(text.strip(), tuple((a - lead, b - lead) for a, b in matches))


def _collapse(text: str) -> tuple[str, list[int]]:
    """`text` with each run of whitespace as one space, and every offset's new offset."""
    out: list[str] = []
    mapping: list[int] = []
    at = 0
    for match in _PIECE_RE.finditer(text):
        piece = match.group(0)
        if piece[0].isspace():
            mapping.extend([at] * len(piece))
            out.append(" ")
            at += 1
        else:
            mapping.extend(range(at, at + len(piece)))
            out.append(piece)
            at += len(piece)
    mapping.append(at)
    return "".join(out), mapping


def _with_highlight(hit: Hit, fragment: Fragment) -> Hit:
    return replace(hit, highlights=(fragment,))


def result_to_dict(result: QuoteResult) -> dict[str, Any]:
    """The JSON form of a quote result: `search --json`'s fields (README, "JSON fields:
    search"; no facets, one page, `total` the hits listed) plus per hit `matched` (the share
    of the passage's words found in that cable in order, 0-1) and `span` ([start, end]
    character offsets of the matched text in the body)."""
    hits = []
    for qh in result.hits:
        data = hit_to_dict(qh.hit)
        data["matched"] = round(qh.matched, 4)
        data["span"] = list(qh.span)
        hits.append(data)
    return {
        "query": result.passage,
        "total": len(result.hits),
        "page": 1,
        "pages": 1 if result.hits else 0,
        "hits": hits,
        "facets": {},
        "suggestion": None,
        "warnings": list(result.warnings),
        "terms": result.terms,
    }
