"""Text -> index terms: the one analyzer of the text fields, used by the index and the query.

Rules (Lucene's standard analyzer with a word-delimiter and ASCII-folding step is the model):

* **Tokens** are runs of word characters joined by single dots or apostrophes (`U.S.`,
  `1.5`, `Qadhafi's`, `O'Grady`); anything else separates them, hyphens included, so
  `al-Qaeda` is the tokens `al`, `qaeda` at adjacent positions (the query side turns a
  hyphenated word into that phrase).
* **Every token has a position.** No stop words and no minimum length: `"not guilty"`,
  `"will not"` and `"x-ray"` are phrases of real positions. (The query side may leave
  unquoted common words out of the scoring and says so.)
* **Folding**: lowercase, then accents removed (`Chávez` -> `chavez`, `Erdoğan` -> `erdogan`,
  `ø` -> `o`, `ß` -> `ss`); curly apostrophes become `'`.
* **US**: the upper-case token `US` is the country, indexed as `u.s` (as `U.S.` is), when a
  neighbouring token has a lower-case letter (mixed-case text, where the pronoun would be
  `us`). In all-capitals text it is ambiguous, so both `us` and `u.s` are indexed at its
  position. In a query, upper-case `US` is always the country.
* **Stems**: Porter2 (`negotiations` -> `negoti`); tokens holding a dot (abbreviations,
  numbers) are kept whole, so `U.S.` stays `u.s`.

`CablesAnalyzer` is the Whoosh analyzer of the schema (Whoosh pickles it into every index:
this module and class name must never move). `analyze` gives the same terms with character
offsets for the highlighter, `word_of`/`term_of` the two steps of one token for the
vocabulary and wildcard expansion.

>>> [t.term for t in analyze("Al-Qaeda's US Embassy")]
['al', 'qaeda', 'u.s', 'embassi']
>>> [t.term for t in analyze("LET US KNOW")]
['let', 'us', 'u.s', 'know']
>>> [(t.term, t.pos) for t in analyze("Chávez will not")]
[('chavez', 0), ('will', 1), ('not', 2)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter2 import stem as porter2_stem

#: a token: word characters, joined by single dots or apostrophes (straight or curly)
TOKEN_RE = re.compile(r"\w+(?:[.'\u2019]\w+)*")

#: letters NFKD does not decompose (Lucene's ASCIIFoldingFilter has them too)
_EXTRA_FOLDS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "\u2019": "'",
    }
)

_STEM_CACHE: dict[str, str] = {}
_NO_LETTER = re.compile(r"[^a-z]*")
_STEM_CACHE_MAX = 500_000

#: the term of an upper-case `US` that is the country
US_TERM = "u.s"


def fold(word: str) -> str:
    """A lower-case word with its accents removed (`chávez` -> `chavez`).

    Hand-written on the standard library rather than a transliteration package: those also
    turn other scripts into Latin letters, which is not folding.

    >>> fold("são"), fold("erdoğan"), fold("straße"), fold("plain")
    ('sao', 'erdogan', 'strasse', 'plain')
    """
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.translate(_EXTRA_FOLDS)


def word_of(token: str) -> str:
    """A token as the vocabulary keeps it: lower case, folded."""
    return fold(token.lower())


def term_of(word: str) -> str:
    """The index term of a folded lower-case word: its Porter2 stem, or the word itself when
    it holds a dot (`u.s`, `1.5`).

    >>> term_of("negotiations"), term_of("u.s"), term_of("qadhafi's")
    ('negoti', 'u.s', 'qadhafi')
    """
    found = _STEM_CACHE.get(word)
    if found is None:
        if len(_STEM_CACHE) >= _STEM_CACHE_MAX:
            _STEM_CACHE.clear()
        # Porter2 leaves a word without letters as it is (numbers, most refids): skip it
        plain = "." in word or _NO_LETTER.fullmatch(word) is not None
        found = _STEM_CACHE[word] = word if plain else porter2_stem(word)
    return found


def _has_lower(text: str) -> bool:
    return text != text.upper()


@dataclass(frozen=True)
class Term:
    """One indexed term of a text: the term, its position, and the characters it came from."""

    term: str
    pos: int
    start: int
    end: int
    #: the folded lower-case word (before stemming)
    word: str


def _us_terms(tokens: list[str], i: int, query: bool) -> tuple[str, ...]:
    """The terms of an upper-case `US` token at index i (see the module docstring)."""
    if query:
        return (US_TERM,)
    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    if _has_lower(before) or _has_lower(after):
        return (US_TERM,)
    return ("us", US_TERM)


def analyze(text: str, *, query: bool = False) -> list[Term]:
    """Every term of `text` in order, with positions and character offsets."""
    matches = list(TOKEN_RE.finditer(text))
    tokens = [m.group(0) for m in matches]
    out: list[Term] = []
    for pos, match in enumerate(matches):
        token = tokens[pos]
        start, end = match.span()
        if token == "US":
            for term in _us_terms(tokens, pos, query):
                out.append(Term(term, pos, start, end, "us" if term == "us" else US_TERM))
            continue
        word = word_of(token)
        out.append(Term(term_of(word), pos, start, end, word))
    return out


def terms(text: str, *, query: bool = False) -> list[str]:
    """The terms of `text` in order (a position with two terms gives both)."""
    return [t.term for t in analyze(text, query=query)]


class CablesAnalyzer(Tokenizer):  # type: ignore[misc]
    """The schema's analyzer for subject, title and body (rules: the module docstring).

    A tokenizer that does the whole analysis, so Whoosh (stock writer, query parser,
    highlighter) and this project's own writer give the same terms from one definition.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            items = [Term(term_of(word_of(value)), 0, 0, len(value), word_of(value))]
        else:
            items = analyze(value, query=mode == "query")
        for item in items:
            token.text = item.term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[item.start : item.end]
            if positions:
                token.pos = start_pos + item.pos
            if chars:
                token.startchar = start_char + item.start
                token.endchar = start_char + item.end
            yield token
