"""Search-result highlighting: the best ~200-character fragments of a body, with match offsets.

Whoosh's own highlighter re-runs the analyzer token by token and is far too slow for a results
page. Here the body is tokenized once with the index analyzer's own rules
(`indexer.analysis`: the same tokens, folding, `US` rule and stems, behind a cache), so a
query for "negotiations" marks "negotiated" and `chavez` marks "Chávez" exactly when the
index matched them. Phrases are marked only where their words stand as the phrase requires
(in order, or within the slop); the parts of a hyphenated word are marked as one span.

A `Fragment` is plain text (runs of whitespace collapsed to one space) plus the (start, end)
offsets of its matches; the renderers (`to_terminal`, `to_html`) only decorate it.
"""

from __future__ import annotations

import html
import operator
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

import click
from whoosh import query as wq

from .analysis import TOKEN_RE, US_TERM, term_of, word_of
from .compiled import speedups as speedups
from .query import Expanded, MultiPhrase

#: the default text fields: their terms are what a body can show
TEXT_FIELDS = frozenset({"subject", "title", "body"})

_WORDS_RE = re.compile(r"\S+")
_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_CACHE_MAX = 200_000

Match = tuple[int, int]
#: the terms a phrase position may hold
Position = frozenset[str]


@dataclass(frozen=True)
class Fragment:
    """A piece of text and the (start, end) character offsets of its matches, in order."""

    text: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Terms:
    """What to mark: single terms anywhere, and phrases (terms a position, slop)."""

    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[tuple[Position, ...], int], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def stem_word(word: str) -> str:
    """The index term of a lower-case word (`indexer.analysis.term_of`)."""
    return term_of(word_of(word))


class _TokenTerms(dict[str, str]):
    """token -> its term; misses are filled by `__missing__`, so a text maps through it in C
    (`map`). The token `US` is handled apart (its term depends on its neighbours)."""

    def __missing__(self, token: str) -> str:
        if len(self) >= _CACHE_MAX:
            self.clear()
        value = self[token] = term_of(word_of(token))
        return value


_TOKEN_TERMS = _TokenTerms()
_US_BOTH = frozenset({"us", US_TERM})
_US_ONLY = frozenset({US_TERM})


def _terms_of(tokens: list[str], initials: frozenset[str] | None = None) -> list[Any]:
    """Each token's term (a str), or for the token `US` the set of its terms.

    With `initials` (the first characters of every term looked for), a token not in the
    cache whose word starts with another character gets "" instead of its term, unstemmed:
    its term cannot be one looked for, since a term starts with its word's first character
    (a word holding a dot or no letter is its own term, and Porter2 rewrites only endings:
    every step keeps at least the part before R1, and its exceptional forms keep the first
    letter too; `tests/test_highlight.py` checks it on every word of the dev cables).
    Stemming is most of the cost of highlighting a first page in a new process (~2,400
    distinct words in ten bodies, ~20 us each); a served index has most of them cached."""
    out: list[Any] = list(map(_TOKEN_TERMS.get, tokens))
    if None in out:
        for i in compress(range(len(out)), map(operator.is_, out, repeat(None))):
            token = tokens[i]
            if initials is None or _initial(token) in initials:
                out[i] = _TOKEN_TERMS[token]
            else:
                out[i] = ""
    if "US" in tokens:
        for i, token in enumerate(tokens):
            if token == "US":
                before = tokens[i - 1] if i else ""
                after = tokens[i + 1] if i + 1 < len(tokens) else ""
                mixed = before != before.upper() or after != after.upper()
                out[i] = _US_ONLY if mixed else _US_BOTH
    return out


def _initial(token: str) -> str:
    """The first character of a token's word (`word_of(token)[:1]`): an ASCII character
    lower-cased on its own (lowering and folding keep it as the word's first), else through
    `word_of` (a non-ASCII first character may fold to another, or to nothing)."""
    first = token[:1]
    return first.lower() if first.isascii() else word_of(token)[:1]


def _holds(term: Any, wanted: frozenset[str]) -> bool:
    return term in wanted if isinstance(term, str) else not term.isdisjoint(wanted)


def _indices(token_terms: list[Any], wanted: frozenset[str], us: list[int]) -> list[int]:
    """Token numbers, ascending, whose term is in `wanted`: a set lookup per token in C
    (`map`, `compress`: a text has thousands of tokens and only a few match), the tokens
    `US` (whose terms are sets, never in `wanted` as such) tested apart."""
    found = list(compress(range(len(token_terms)), map(wanted.__contains__, token_terms)))
    extra = [i for i in us if not token_terms[i].isdisjoint(wanted)]
    return sorted(found + extra) if extra else found


def query_terms(q: Any, fields: frozenset[str] = TEXT_FIELDS) -> Terms:
    """The positive terms of a (bound) query in `fields`; negated parts are left out."""
    words: set[str] = set()
    phrases: list[tuple[tuple[Position, ...], int]] = []

    def walk(node: Any) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if isinstance(node, MultiPhrase):
            if node.fieldname in fields:
                phrases.append((tuple(frozenset(p) for p in node.positions), node.slop))
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
    Parts of one hyphenated word marked for the same key become one span."""
    if not terms:
        return []
    words = terms.words
    token_terms, span, us, hits = _tokenized(text, _initials(terms), words)
    marked: dict[int, object] = {}
    if words:
        if hits is None:
            hits = _indices(token_terms, words, us)
        else:  # the compiled tokenizer's (every token but the `US` ones, see `_indices`)
            extra = [i for i in us if not token_terms[i].isdisjoint(words)]
            hits = sorted(hits + extra) if extra else hits
        for i in hits:
            term = token_terms[i]
            marked[i] = term if isinstance(term, str) else US_TERM
    for phrase in terms.phrases:
        for i in _phrase_tokens(token_terms, phrase[0], phrase[1], us):
            marked[i] = phrase
    if not marked:
        return []
    spans: list[tuple[int, int, object]] = []
    for i in sorted(marked):
        start, end = span(i)
        if spans and spans[-1][2] == marked[i] and text[spans[-1][1] : start] == "-":
            spans[-1] = (spans[-1][0], end, marked[i])
        else:
            spans.append((start, end, marked[i]))
    return spans


def _tokenized(
    text: str, initials: frozenset[str] | None, wanted: frozenset[str]
) -> tuple[list[Any], Callable[[int], Match], list[int], list[int] | None]:
    """The terms of the tokens of `text` (see `_terms_of`), a function giving the (start,
    end) offsets of token i, the numbers of the tokens `US`, and (compiled path only, else
    None) the numbers of the other tokens whose term is in `wanted`. An ASCII text is
    tokenized and looked up in compiled code (`TokenCache.text_terms`: no Python string or
    match object per token, ~5x faster), with the same tokens and terms; any other text, or
    any text without the compiled module, through TOKEN_RE and `_terms_of`."""
    cache = _compiled_cache()
    if cache is not None:
        letters = None if initials is None else "".join(initials)
        got = cache.text_terms(text, term_of, letters, wanted)
        if got is not None:
            token_terms, spans, us, hits = got
            for i in us:
                token_terms[i] = _US_ONLY if token_terms[i] is _US_MIXED else _US_BOTH
            offsets = memoryview(spans).cast("I")
            return token_terms, lambda i: (offsets[2 * i], offsets[2 * i + 1]), us, hits
    found = list(TOKEN_RE.finditer(text))
    tokens = [m.group(0) for m in found]
    us = list(compress(range(len(tokens)), map("US".__eq__, tokens))) if "US" in tokens else []
    return _terms_of(tokens, initials), lambda i: found[i].span(), us, None


#: the terms of `US` as the compiled cache gives them: in mixed-case text, in capitals
_US_MIXED = (US_TERM,)
_US_CAPS = ("us", US_TERM)
_COMPILED_CACHE: list[Any] = []


def _compiled_cache() -> Any:
    """The process's compiled token cache for highlighting, or None without the compiled
    module (`speedups`, looked up at call time: `highlight.speedups = None` gives the
    Python path)."""
    if speedups is None:
        return None
    if not _COMPILED_CACHE:
        _COMPILED_CACHE.append(speedups.TokenCache(_US_MIXED, _US_CAPS, _CACHE_MAX))
    return _COMPILED_CACHE[0]


def _initials(terms: Terms) -> frozenset[str] | None:
    """The first characters of every term of `terms` (None: some term is empty)."""
    wanted = set(terms.words)
    for positions, _ in terms.phrases:
        wanted.update(*positions)
    firsts = frozenset(term[:1] for term in wanted)
    return None if "" in firsts else firsts


def _phrase_tokens(
    token_terms: list[Any], positions: tuple[Position, ...], slop: int, us: list[int]
) -> set[int]:
    """Token numbers of every occurrence of a phrase: its positions in order (slop 0), or
    every position within a window of len + slop tokens (as the index's slop allows).
    `us`: the token numbers of `US` (see `_indices`)."""
    out: set[int] = set()
    if not positions:
        return out
    count = len(positions)
    first = positions[0]
    every: Position = frozenset().union(*positions)
    if slop <= 0:
        for i in _indices(token_terms, first, us):
            if i + count > len(token_terms):
                continue
            if all(_holds(token_terms[i + k], positions[k]) for k in range(1, count)):
                out.update(range(i, i + count))
        return out
    reach = count + slop
    for i in _indices(token_terms, every, us):
        window = range(i, min(len(token_terms), i + reach))
        hits = [j for j in window if _holds(token_terms[j], every)]
        if all(any(_holds(token_terms[j], p) for j in hits) for p in positions):
            out.update(j for j in hits)
    return out


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
    piece = text[lo:hi]
    collapsed = " ".join(piece.split())
    if len(collapsed) == len(piece):
        # (most fragments: every run of whitespace was one character, none at either end,
        # so each offset only moves by lo; `split` and `\S+` agree on what whitespace is)
        return Fragment(collapsed, tuple((s - lo, e - lo) for s, e in matches))
    moved = [(_collapsed_at(text, lo, s), _collapsed_at(text, lo, e)) for s, e in matches]
    if all(s is not None and e is not None for s, e in moved):
        return Fragment(collapsed, tuple(moved))  # type: ignore[arg-type]
    return _fragment_by_words(text, lo, hi, matches)


def _collapsed_at(text: str, lo: int, offset: int) -> int | None:
    """Where `offset` (a match's start or end, next to a non-space character) lands in the
    collapsed `text[lo:...]`: the collapsed length of what precedes it, plus the one space
    before a word it starts. None for an offset with whitespace on both sides (left to
    `_fragment_by_words`). A split of a ~200-character prefix per match: cheaper than
    finding every word of the fragment with a regex."""
    before = text[lo:offset].split()
    length = sum(map(len, before)) + len(before) - 1 if before else 0
    if offset > lo and not text[offset - 1].isspace():
        return length  # inside a word, or at its end
    if offset < len(text) and not text[offset].isspace():
        return length + 1 if before else 0  # the start of a word
    return None


def _fragment_by_words(text: str, lo: int, hi: int, matches: list[Match]) -> Fragment:
    """`_fragment` for any offsets: each moved with the word (the run of non-space
    characters) it falls in."""
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
