"""The analysis fast path of the segment writer: `CablesAnalyzer`'s terms in bulk.

Where it sits: file -> reader -> Cable -> document -> index; this is the first step of the
last arrow, inside the segment writer (`indexer.fastwrite`): a document's text fields become
terms and positions here, and go to the in-memory postings (`indexer.postingbuf`).

Text fields whose analyzer is the schema's `indexer.analysis.CablesAnalyzer` are analysed by
`FastAnalyzer`, which gives exactly the terms, positions and field lengths of Whoosh's own
indexing with it (every token positioned, the `US` rule's two terms at one position): for
ASCII text, or text made ASCII without changing its tokens (non-ASCII marks such as pilcrows
become spaces, the curly apostrophe "'"), in one compiled pass that tokenizes, looks terms up
in a per-process cache and adds the postings (`_speedups.TokenCache`); otherwise (a
non-ASCII word character, which needs folding) with the analyzer's regex and a dict cache of
terms. While a segment is built, the distinct words of its text fields are collected
(`SegmentWords`) for the segment's word list (`indexer.wordlist`).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from .analysis import TOKEN_RE, CablesAnalyzer, _us_terms, term_of, word_of
from .compiled import speedups

if TYPE_CHECKING:
    from .postingbuf import PositionsPostings

__all__ = ["FastAnalyzer", "SegmentWords", "asciified", "fast_analyzer_for"]

# Past this many cached tokens the stem cache is emptied, keeping a worker's RAM bounded on
# a corpus with millions of distinct tokens (numbers, redaction strings).
TERM_CACHE_LIMIT = 500_000

# The terms of the token `US` in mixed-case and in all-capitals context, from the
# analyzer's own rule ("x" has a lower-case letter, and a lone token has no neighbour):
# the compiled loop applies them without calling back into Python.
_US = "US"
US_MIXED: tuple[str, ...] = _us_terms(["x", _US], 1, False)
US_CAPS: tuple[str, ...] = _us_terms([_US], 0, False)

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WORD_CHAR = re.compile(r"\w")
_CURLY_APOSTROPHE = "\u2019"


def asciified(text: str) -> str | None:
    """`text` made ASCII with the same tokens, or None when that cannot be done.

    Cables are ASCII but for marks such as the pilcrow of HTML pages. A non-ASCII character
    that is not a word character (regex \\w) separates tokens exactly as a space does, and
    the curly apostrophe joins them as "'" does and folds to it, so replacing those keeps
    every token's position, case (for the `US` rule) and word. A non-ASCII word character
    (an accent) needs folding: None, the Python path.
    """
    others = set(_NON_ASCII.findall(text))
    others.discard(_CURLY_APOSTROPHE)
    if any(_WORD_CHAR.match(char) for char in others):
        return None
    return _NON_ASCII.sub(" ", text.replace(_CURLY_APOSTROPHE, "'"))


class _TermCache(dict[str, "str | None"]):
    """token (as in the text) -> its term; None for `US`, whose terms depend on its
    neighbours. Misses are filled by `__missing__`, so a document's tokens map through the
    cache in one C-level `map(cache.__getitem__, tokens)`."""

    __slots__ = ()

    def __missing__(self, token: str) -> str | None:
        term = self[token] = None if token == _US else term_of(word_of(token))
        return term


# Stamps of SegmentWords (the compiled cache records a token once per stamp); 0 is none
_STAMPS = itertools.count(1)


class SegmentWords:
    """The distinct words (`indexer.analysis.word_of` of each token; for `US` the words of
    its terms, `us` and/or `u.s`) of the texts one segment's text fields were given.

    The compiled loop adds finished words to `words`; the Python path adds the texts'
    tokens as they are to `tokens` (folded at the end, once per distinct token). A field
    given a list of tokens instead of a text (Whoosh indexes those as they are) adds none.
    """

    __slots__ = ("stamp", "tokens", "words")

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.tokens: set[str] = set()
        self.stamp = next(_STAMPS)

    def sorted(self) -> list[str]:
        """The words, sorted by code point (the order of their UTF-8 bytes)."""
        found = set(self.words)
        # the token US itself is never a word: its terms' words were added to `words`
        found.update(map(word_of, self.tokens - {_US}))
        return sorted(found)


class FastAnalyzer:
    """`indexer.analysis.CablesAnalyzer` in bulk: the very terms, positions and field
    lengths that Whoosh's indexing with it gives (`field.index(value)`), without a token
    object per word.

    `add_text` is one compiled pass over an ASCII text (or one made ASCII, `asciified`);
    `positions` is its pure-Python twin, for any text.
    """

    __slots__ = ("_cache", "_compiled")

    def __init__(self) -> None:
        self._cache = _TermCache()
        # the compiled twin of `positions` + `PositionsPostings.add`, with its own cache
        self._compiled = (
            speedups.TokenCache(US_MIXED, US_CAPS, TERM_CACHE_LIMIT)
            if speedups is not None
            else None
        )

    def positions(self, text: str, words: SegmentWords | None = None) -> dict[str, list[int]]:
        """term -> ascending positions, numbered exactly as Whoosh numbers them (every token
        has one, `US` may give two terms at one); the text's words go to `words`."""
        tokens: list[str] = TOKEN_RE.findall(text)
        cache = self._cache
        if len(cache) > TERM_CACHE_LIMIT:
            cache.clear()
        poses: dict[str, list[int]] = {}
        get = poses.get
        for pos, term in enumerate(map(cache.__getitem__, tokens)):
            if term is None:  # US
                for us_term in _us_terms(tokens, pos, False):
                    poses.setdefault(us_term, []).append(pos)
                    if words is not None:
                        words.words.add(us_term)  # the analyzer's word of a US term
                continue
            found = get(term)
            if found is None:
                poses[term] = [pos]
            else:
                found.append(pos)
        if words is not None:
            words.tokens.update(tokens)
        return poses

    def add_text(
        self,
        text: str,
        postings: PositionsPostings,
        docnum: int,
        words: SegmentWords | None = None,
    ) -> int | None:
        """`postings.add(self.positions(text, words), docnum, 1.0)` in one compiled pass
        (tokens, cached terms, postings, new words; see `indexer/_speedups.c`); returns the
        field length, or None when that path does not apply (no compiled module, a
        non-ASCII word character, a term "" ever met): then nothing was added."""
        compiled = self._compiled
        if compiled is None:
            return None
        if not text.isascii():
            found = asciified(text)
            if found is None:
                return None
            text = found
        length: int | None = compiled.index_text(
            text,
            term_of,
            postings.terms,
            postings.bounds,
            postings.owner,
            postings.way,
            docnum,
            None if words is None else words.words,
            1 if words is None else words.stamp,
        )
        return length


# One per process, so the term cache outlives segments.
_FAST_ANALYZER: list[FastAnalyzer] = []


def fast_analyzer_for(analyzer: Any) -> FastAnalyzer | None:
    """The process's `FastAnalyzer` when `analyzer` is a `CablesAnalyzer`, else None (the
    field is then indexed by Whoosh's own `field.index`)."""
    if type(analyzer) is not CablesAnalyzer:
        return None
    if not _FAST_ANALYZER:
        _FAST_ANALYZER.append(FastAnalyzer())
    return _FAST_ANALYZER[0]
