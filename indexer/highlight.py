"""Search-result highlighting: the best ~200-character fragments of a body, with match offsets.

Whoosh's own highlighter re-runs the analyzer token by token and is far too slow for a results
page. Here the body is tokenized once with the analyzer's own rules (`analyze`: the same word
pattern, lowercasing, stop words and minimum length as `schema.ANALYZER`, and the same
stemmer, `schema.STEMMER`, behind a cache), so a query for "negotiations" marks "negotiated"
exactly when the index matched it. Phrases are marked only where their words stand in order
(within the slop).

A `Fragment` is plain text (runs of whitespace collapsed to one space) plus the (start, end)
offsets of its matches; the renderers (`to_terminal`, `to_html`) only decorate it.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import islice
from typing import Any

import click
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

from .query import Expanded
from .schema import STEMMER as stem

#: the default text fields: their terms are what a body can show
TEXT_FIELDS = frozenset({"subject", "title", "body"})

#: the analyzer's token pattern (whoosh.analysis.tokenizers.default_pattern)
_TOKEN_RE = re.compile(r"\w+(?:\.?\w+)*")
_WORDS_RE = re.compile(r"\S+")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_MIN_SIZE = 2  # StopFilter's minsize in StemmingAnalyzer
_STOP = frozenset(STOP_WORDS)

_STEM_CACHE: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000

Match = tuple[int, int]


@dataclass(frozen=True)
class Fragment:
    """A piece of text and the (start, end) character offsets of its matches, in order."""

    text: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Terms:
    """What to mark: single stems anywhere, and phrases (stems in order, slop)."""

    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[tuple[str, ...], int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def stem_word(word: str) -> str:
    """The stem (schema.STEMMER) of a lowercase word, cached as the analyzer caches it."""
    stemmed = _STEM_CACHE.get(word)
    if stemmed is None:
        if len(_STEM_CACHE) >= _STEM_CACHE_MAX:
            _STEM_CACHE.clear()
        stemmed = _STEM_CACHE[word] = stem(word)
    return stemmed


class _TokenStems(dict[str, "str | None"]):
    """lowercase token -> its stem, or None when the analyzer drops it (too short, a stop
    word); misses are filled by `__missing__`, so a text maps through it in C (`map`)."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= _STEM_CACHE_MAX:
            self.clear()
        value = None if len(word) < _MIN_SIZE or word in _STOP else stem_word(word)
        self[word] = value
        return value


_TOKEN_STEMS = _TokenStems()


def _stems(text: str) -> list[str | None]:
    """The stem of every token of `text` in order, None for tokens the analyzer drops."""
    return list(map(_TOKEN_STEMS.__getitem__, map(str.lower, _TOKEN_RE.findall(text))))


def _spans(text: str, upto: int) -> list[Match]:
    """(start, end) of the first `upto` + 1 tokens of `text`."""
    return [m.span() for m in islice(_TOKEN_RE.finditer(text), upto + 1)]


def analyze(text: str) -> list[tuple[str, int, int]]:
    """The tokens `schema.ANALYZER` indexes for `text`, as (stem, start char, end char)."""
    stems = _stems(text)
    spans = _spans(text, len(stems))
    return [(st, a, b) for st, (a, b) in zip(stems, spans, strict=True) if st is not None]


def query_terms(q: Any, fields: frozenset[str] = TEXT_FIELDS) -> Terms:
    """The positive terms of a (resolved) query in `fields`; negated parts are left out."""
    words: set[str] = set()
    phrases: list[tuple[tuple[str, ...], int]] = []

    def walk(node: Any) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, wq.Phrase):
            if node.fieldname in fields:
                phrases.append((tuple(str(w) for w in node.words), int(node.slop)))
            return
        if isinstance(node, Expanded):
            if node.fieldname in fields:
                words.update(str(w) for w in node.words)
            return
        if isinstance(node, wq.Term):
            if node.fieldname in fields:
                words.add(_text(node.text))
            return
        for child in node.children():
            walk(child)

    walk(q)
    return Terms(frozenset(words), tuple(dict.fromkeys(phrases)))


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


# --- finding matches -------------------------------------------------------------------------


def find_matches(text: str, terms: Terms) -> list[tuple[int, int, object]]:
    """(start, end, key) of every marked word in `text`; `key` tells distinct terms apart.

    The text is tokenized and stemmed in bulk (`_stems`); character offsets are taken only
    as far as the last marked token."""
    if not terms:
        return []
    stems = _stems(text)
    marked: dict[int, object] = {}
    words = terms.words
    if words and not words.isdisjoint(stems):
        for i, stemmed in enumerate(stems):
            if stemmed in words:
                marked[i] = stemmed
    if terms.phrases:
        kept = [i for i, stemmed in enumerate(stems) if stemmed is not None]
        tokens = [stems[i] for i in kept]
        for phrase in terms.phrases:
            for positions in _phrase_positions(tokens, phrase[0], phrase[1]):
                for pos in positions:
                    marked[kept[pos]] = phrase
    if not marked:
        return []
    spans = _spans(text, max(marked))
    return sorted((*spans[i], key) for i, key in marked.items())


def _phrase_positions(tokens: list[Any], words: tuple[str, ...], slop: int) -> list[list[int]]:
    """Token positions of each occurrence of the phrase (each word within `slop` of the last)
    in a list of stems."""
    if not words:
        return []
    found: list[list[int]] = []
    reach = max(slop, 1)
    first = words[0]
    for i in [i for i, token in enumerate(tokens) if token == first]:
        seq = [i]
        for word in words[1:]:
            last = seq[-1]
            window = range(last + 1, min(last + 1 + reach, len(tokens)))
            nxt = next((j for j in window if tokens[j] == word), None)
            if nxt is None:
                break
            seq.append(nxt)
        if len(seq) == len(words):
            found.append(seq)
    return found


# --- fragments ---------------------------------------------------------------------------------


def fragments(text: str, terms: Terms, *, count: int = 3, size: int = 200) -> list[Fragment]:
    """Up to `count` non-overlapping fragments of about `size` characters around the matches,
    preferring those with the most distinct terms, in text order. With no match, the opening
    of the text (so every hit shows something)."""
    marks = find_matches(text, terms)
    if not marks:
        opening = _fragment(text, 0, _word_end(text, min(len(text), size)), [])
        return [opening] if opening.text else []
    chosen: list[tuple[int, int]] = []
    for start, end in _best_windows(marks, size):
        if len(chosen) == count:
            break
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    result = []
    for start, end in sorted(chosen):
        lo = _word_start(text, start)
        hi = _word_end(text, min(len(text), end))
        inside = [(s, e) for s, e, _ in marks if s >= lo and e <= hi]
        result.append(_fragment(text, lo, hi, inside))
    return result


def _best_windows(marks: list[tuple[int, int, object]], size: int) -> list[tuple[int, int]]:
    """Candidate windows (one starting a little before each match), best first."""
    lead = size // 4
    scored: list[tuple[int, int, int, int, int]] = []
    j = 0
    for i, (m_start, _, _) in enumerate(marks):
        start = max(0, m_start - lead)
        end = start + size
        j = max(j, i)
        while j + 1 < len(marks) and marks[j + 1][1] <= end:
            j += 1
        inside = marks[i : j + 1]
        distinct = len({key for _, _, key in inside})
        scored.append((-distinct, -len(inside), start, start, end))
    scored.sort()
    return [(s, e) for _, _, _, s, e in scored]


def _word_start(text: str, pos: int) -> int:
    """`pos` moved left to the start of the word it falls in (never cut a word)."""
    while pos > 0 and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos


def _fragment(text: str, lo: int, hi: int, matches: list[Match]) -> Fragment:
    """`text[lo:hi]` with whitespace runs collapsed, and `matches` moved to the new offsets."""
    chunks = list(_WORDS_RE.finditer(text, lo, hi))
    starts = [c.start() for c in chunks]
    new_starts: list[int] = []
    length = 0
    for chunk in chunks:
        new_starts.append(length)
        length += chunk.end() - chunk.start() + 1

    def moved(offset: int) -> int:
        i = bisect_right(starts, offset) - 1
        return new_starts[i] + offset - starts[i]

    return Fragment(
        " ".join(c.group() for c in chunks), tuple((moved(s), moved(e)) for s, e in matches)
    )


def mark_all(text: str, terms: Terms) -> Fragment:
    """The whole of `text` (a subject, a paragraph) with its matches."""
    return _fragment(text, 0, len(text), [(s, e) for s, e, _ in find_matches(text, terms)])


def paragraphs(text: str, terms: Terms) -> list[Fragment]:
    """Every paragraph (blank-line separated) of `text`, each with its matches."""
    return [mark_all(p, terms) for p in _PARAGRAPH_RE.split(text) if p.strip()]


# --- renderers -------------------------------------------------------------------------------


def _pieces(fragment: Fragment) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for start, end in fragment.matches:
        if start > pos:
            pieces.append((fragment.text[pos:start], False))
        pieces.append((fragment.text[start:end], True))
        pos = end
    pieces.append((fragment.text[pos:], False))
    return [p for p in pieces if p[0]]


def to_terminal(fragment: Fragment, color: bool) -> str:
    """The fragment for a terminal: matches bold yellow when `color`, plain text otherwise."""
    if not color:
        return fragment.text
    return "".join(
        click.style(text, bold=True, fg="yellow") if hit else text
        for text, hit in _pieces(fragment)
    )


def to_html(fragment: Fragment) -> str:
    """The fragment as HTML: every character escaped, matches in <mark>."""
    return "".join(
        f"<mark>{html.escape(text)}</mark>" if hit else html.escape(text)
        for text, hit in _pieces(fragment)
    )
