"""Query text -> query: the `cables search` query language.

Two steps. `parse(text)` reads the text into a small syntax tree and reports every syntax
error with its column (unbalanced quotes or parentheses, an empty field value, a fuzzy
distance above 2, an unknown field); it needs no index. `bind(tree, view)` turns the tree
into the Whoosh query objects the search engine evaluates, against one open index: words are
analyzed exactly as the index analyzed the text (`indexer.analysis`), patterns and fuzzy
words are expanded over the index's words, name spellings and TAGS meanings are looked up,
and everything the engine did to the query is said in `warnings`.

The parser is hand-written rather than Whoosh's `QueryParser`: that parser reads `al-qaeda`
as "al NOT qaeda", drops stop words inside phrases, accepts `(iran OR iraq` silently and gives
no columns; the grammar below is small enough that a recursive-descent parser is the simplest
correct thing.

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*              (juxtaposed clauses are all required)
    unary    := ("NOT" | "-" | "+") unary | primary   (`-` only at a clause start)
    primary  := "(" or_expr ")" | FIELD ":" value | FIELD ":" "(" or_expr ")" | phrase | word

Meaning, decided here (README "Query syntax" has the tested examples):
  - A word searches subject, title, TAGS and body (any of them; all words required). It is
    analyzed as the text was: `negotiations` finds `negotiated`, `chávez` finds `Chavez`,
    upper-case `US` is the country (`U.S.`).
  - A hyphen inside a word joins its parts: `al-qaeda` is the phrase "al qaeda" or the word
    `alqaeda`. Only `-word` at a clause start excludes.
  - Unquoted common words (`the`, `of`, `not`, ...) are left out, and the result says so; in
    a phrase every word counts. A query of nothing but common words searches them all.
  - `"a b"~N`: the words within N moves of the phrase, in either order (Lucene's slop).
  - `prefix*`, `gr?y`, `*stan` and `word~` / `word~2` are matched against the index's words
    (not stems); every matching word counts in the total, and at most `max_terms` of them are
    scored (the result says so).
  - A transliterated name also finds its other spellings (`gaddafi` -> `qadhafi`); a name of
    several words, or one that another spelling writes as several, its other spellings as
    phrases (`kim jong-il` -> `"kim chong il"`, `binladen` -> `"bin ladin"`); `=gaddafi` and
    `="kim jong il"` are that spelling only. The expansion is in `warnings`.
  - A query of only exclusions (`-iraq`) is everything except them; `*` alone is every cable.
  - Exact fields: `tag:`, `origin:`/`from:`, `class:`, `id:`, `signer:`, `classified_by:`,
    `cites:`, `citedby:`, `created:`/`date:`, `year:` (values folded to the index's case;
    `*`/`?` make a pattern; `unknown` is the cables without a value for origin, class, year
    and created).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS
from whoosh.query.terms import MultiTerm

from .analysis import analyze, fold, term_of
from .errors import QueryError
from .schema import DEFAULT_FIELDS

#: friendly field name -> schema field (or a pseudo field resolved here: "citedby")
FIELD_ALIASES: dict[str, str] = {
    "subject": "subject",
    "title": "title",
    "body": "body",
    "tag": "tags",
    "tags": "tags",
    "origin": "origin",
    "from": "origin",
    "class": "classification",
    "classification": "classification",
    "id": "refid",
    "refid": "refid",
    "signer": "signed_by",
    "signed_by": "signed_by",
    "classified_by": "classified_by",
    "cites": "references",
    "citedby": "citedby",
    "cited_by": "citedby",
    "created": "created",
    "date": "created",
    "year": "year",
}

#: the names listed in the "unknown field" message
SHOWN_FIELDS = (
    "subject, title, body, tag, origin, from, class, id, signer, classified_by, cites, "
    "citedby, created, year"
)

#: fields holding analyzed text (phrases, stems, word positions)
TEXT_FIELDS = frozenset({"subject", "title", "body"})

#: words an unquoted query leaves out (Whoosh's English list: what the old index dropped)
STOP = frozenset(STOP_WORDS)

#: default cap on the words of one pattern or fuzzy term that are *scored* (all count)
MAX_EXPANSIONS = 512
#: the furthest a fuzzy word may be from the words it finds
MAX_FUZZY = 2
#: the value that selects cables without a value for origin, class, year or created
UNKNOWN = "unknown"

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RANGE_RE = re.compile(r"^([\[{])\s*(.*?)\s*([\]}])$", re.DOTALL)
_TO_RE = re.compile(r"(\S*)\s*\bTO\b\s*(\S*)")
_COMPARE_RE = re.compile(r"^(>=|<=|>|<)(.+)$")
_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_BOOST_RE = re.compile(r"^(.*?)\^([0-9]*\.?[0-9]+)$", re.DOTALL)
_FUZZY_RE = re.compile(r"^(.+?)~([0-9]*)$")
_SLOP_RE = re.compile(r"~([0-9]+)")
_NUMBER_RE = re.compile(r"\^([0-9]*\.?[0-9]+)")
#: characters that end a bare word
_WORD_END = frozenset(" \t\r\n()\"")
_OPERATORS = frozenset({"AND", "OR", "NOT"})


# --- the syntax tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A bare word (maybe a pattern, fuzzy, exact `=word`, hyphenated), in `fields`."""

    text: str
    column: int
    fields: tuple[str, ...] | None = None  # None: the default fields
    boost: float = 1.0
    fuzzy: int | None = None
    exact: bool = False


@dataclass(frozen=True)
class PhraseNode:
    text: str
    column: int
    fields: tuple[str, ...] | None = None
    slop: int = 0
    boost: float = 1.0
    #: `="bin laden"`: these spellings only
    exact: bool = False


@dataclass(frozen=True)
class FieldValue:
    """`field:value` on an exact field (`field` is a schema field name or "citedby")."""

    field: str
    value: str
    quoted: bool
    column: int
    boost: float = 1.0


@dataclass(frozen=True)
class Group:
    """`a b` (op "and") or `a OR b` (op "or")."""

    op: str
    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Negated:
    child: Node


@dataclass(frozen=True)
class Everything:
    """`*` alone: every cable."""

    column: int


Node = Word | PhraseNode | FieldValue | Group | Negated | Everything


# --- lexing and parsing --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # "(", ")", "OR", "AND", "NOT", "-", "+", "word", "phrase", "field", "value"
    text: str
    column: int  # 1-based
    #: for "field": the schema field; for "value"/"phrase": whether quoted and the suffix
    extra: str = ""
    quoted: bool = False


def _lex(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        at_start = i == 0 or text[i - 1].isspace() or text[i - 1] in "(+-!"
        if char in "()":
            out.append(_Tok(char, char, i + 1))
            i += 1
            continue
        exact_phrase = char == "=" and text[i + 1 : i + 2] == '"'
        if exact_phrase:
            i += 1
            char = '"'
        if char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError(
                    f'unbalanced quote at column {i + 1} - close the phrase with another "'
                )
            suffix = _suffix(text, end + 1)
            out.append(_Tok("phrase", text[i + 1 : end], i + 1, suffix, quoted=exact_phrase))
            i = end + 1 + len(suffix)
            continue
        if char in "-+!" and at_start and i + 1 < n and not text[i + 1].isspace():
            out.append(_Tok("+" if char == "+" else "-", char, i + 1))
            i += 1
            continue
        field = _FIELD_RE.match(text, i) if at_start else None
        if field is not None:
            name = field.group(1)
            after = field.end()
            schema_field = FIELD_ALIASES.get(name.lower())
            if after >= n or text[after].isspace() or text[after] == ")":
                if schema_field is not None:
                    raise QueryError(
                        f'missing value after "{name}:" at column {after + 1} - write '
                        f"{name}:VALUE, e.g. {_example(schema_field)}"
                    )
                # "re: iran" - a colon in prose, not a field clause
                out.append(_Tok("word", name, i + 1))
                i = after
                continue
            if schema_field is None:
                raise QueryError(
                    f'unknown field "{name}:" at column {i + 1} - fields are {SHOWN_FIELDS}'
                )
            out.append(_Tok("field", name, i + 1, schema_field))
            i = after
            if schema_field in TEXT_FIELDS:
                continue  # a word, phrase or group follows, lexed as usual
            value, quoted, end = _read_value(text, after, name)
            out.append(_Tok("value", value, after + 1, quoted=quoted))
            i = end
            continue
        j = i
        while j < n and text[j] not in _WORD_END:
            j += 1
        word = text[i:j]
        kind = word if word in _OPERATORS else "word"
        if word in ("-", "+", "!", "&&", "||"):
            kind = {"&&": "AND", "||": "OR"}.get(word, "skip")
        if kind != "skip":
            out.append(_Tok(kind, word, i + 1))
        i = j
    return out


def _example(schema_field: str) -> str:
    return {
        "tags": "tag:PTER",
        "origin": "origin:baghdad",
        "classification": "class:secret",
        "refid": "id:09BAGHDAD113",
        "signed_by": "signer:butenis",
        "classified_by": "classified_by:kosnett",
        "references": "cites:08BAGHDAD4006",
        "citedby": "citedby:09BAGHDAD113",
        "created": "created:2009-06",
        "year": "year:2009",
    }.get(schema_field, f"{schema_field}:iraq")


def _suffix(text: str, start: int) -> str:
    """A phrase's `~N` and/or `^B` right after its closing quote."""
    j = start
    while j < len(text) and text[j] not in _WORD_END:
        j += 1
    return text[start:j]


def _read_value(text: str, start: int, name: str) -> tuple[str, bool, int]:
    """The value after `name:` -> (value, quoted, end index)."""
    first = text[start]
    if first == '"':
        end = text.find('"', start + 1)
        if end < 0:
            raise QueryError(
                f'unbalanced quote at column {start + 1} - close the value with another "'
            )
        if not text[start + 1 : end].strip():
            raise QueryError(
                f"empty value at column {start + 1} - write a value between the quotes"
            )
        return text[start + 1 : end], True, end + 1
    if first in "[{":
        close = re.compile(r"[\]}]").search(text, start)
        if close is None:
            raise QueryError(
                f"unclosed range at column {start + 1} - write {name}:[FROM TO UNTIL]"
            )
        return text[start : close.end()], False, close.end()
    j = start
    while j < len(text) and not text[j].isspace() and text[j] not in "()":
        j += 1
    return text[start:j], False, j


class _Parser:
    def __init__(self, tokens: list[_Tok], text: str) -> None:
        self.tokens = tokens
        self.at = 0
        self.text = text

    def peek(self) -> _Tok | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.at]
        self.at += 1
        return tok

    def parse(self) -> Node:
        node = self.or_expr(None)
        tok = self.peek()
        if tok is not None:
            if tok.kind == ")":
                raise QueryError(
                    f'unbalanced parenthesis at column {tok.column} - no "(" opens it'
                )
            raise QueryError(f'unexpected "{tok.text}" at column {tok.column}')
        return node

    def or_expr(self, fields: tuple[str, ...] | None) -> Node:
        parts = [self.and_expr(fields)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            if self.peek() is None or self.peek().kind in (")", "OR", "AND"):  # type: ignore[union-attr]
                raise QueryError(f"nothing after OR at column {tok.column} - write a OR b")
            parts.append(self.and_expr(fields))
        return parts[0] if len(parts) == 1 else Group("or", tuple(parts))

    def and_expr(self, fields: tuple[str, ...] | None) -> Node:
        parts: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in (")", "OR"):
            if tok.kind == "AND":
                self.take()
                if not parts:
                    raise QueryError(f"nothing before AND at column {tok.column}")
                continue
            parts.append(self.unary(fields))
        if not parts:
            tok = self.peek()
            where = f"at column {tok.column}" if tok is not None else "at the end"
            raise QueryError(f"missing a search term {where} - e.g. (iran OR iraq)")
        return parts[0] if len(parts) == 1 else Group("and", tuple(parts))

    def unary(self, fields: tuple[str, ...] | None) -> Node:
        tok = self.take()
        if tok.kind in ("NOT", "-"):
            if self.peek() is None or self.peek().kind in (")", "OR", "AND"):  # type: ignore[union-attr]
                raise QueryError(f"nothing to exclude after {tok.text} at column {tok.column}")
            return Negated(self.unary(fields))
        if tok.kind == "+":
            if self.peek() is None:
                raise QueryError(f"nothing after + at column {tok.column}")
            return self.unary(fields)
        return self.primary(tok, fields)

    def primary(self, tok: _Tok, fields: tuple[str, ...] | None) -> Node:
        if tok.kind == "(":
            inner = self.or_expr(fields)
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError(
                    f'unbalanced parenthesis at column {tok.column} - close it with ")"'
                )
            self.take()
            return inner
        if tok.kind == "field":
            field = tok.extra
            if field in TEXT_FIELDS:
                nxt = self.peek()
                if nxt is None or nxt.kind not in ("word", "phrase", "("):
                    raise QueryError(
                        f'missing value after "{tok.text}:" at column {tok.column} - write '
                        f"{tok.text}:iraq or {tok.text}:\"camp ashraf\""
                    )
                return self.primary(self.take(), (field,))
            value_tok = self.take()
            value, boost = value_tok.text, 1.0
            if not value_tok.quoted:
                found = _BOOST_RE.match(value)
                if found and field not in ("created", "year"):
                    value, boost = found.group(1), float(found.group(2))
            if not value.strip():
                raise QueryError(
                    f'missing value after "{tok.text}:" at column {value_tok.column}'
                )
            if field in ("created", "year") and value.strip().lower() != UNKNOWN:
                # checked here, so that a bad date is an error whatever the index
                check = _date_clause if field == "created" else _year_clause
                check(value.strip(), value_tok.column)
            return FieldValue(field, value, value_tok.quoted, value_tok.column, boost)
        if tok.kind == "phrase":
            return _phrase(tok, fields)
        if tok.kind == "word":
            return _word(tok, fields)
        if tok.kind == ")":
            raise QueryError(f'unbalanced parenthesis at column {tok.column} - no "(" opens it')
        raise QueryError(f'unexpected "{tok.text}" at column {tok.column}')


def _phrase(tok: _Tok, fields: tuple[str, ...] | None) -> Node:
    suffix = tok.extra
    slop, boost = 0, 1.0
    rest = suffix
    found = _SLOP_RE.match(rest) if rest.startswith("~") else None
    if rest.startswith("~"):
        if found is None:
            slop = 1
            rest = rest[1:]
        else:
            slop = int(found.group(1))
            rest = rest[found.end() :]
    boosted = _NUMBER_RE.match(rest)
    if boosted:
        boost = float(boosted.group(1))
        rest = rest[boosted.end() :]
    if rest:
        raise QueryError(
            f'unexpected "{rest}" after the phrase at column {tok.column} - write "a b"~3 '
            'or "a b"^2'
        )
    if not tok.text.strip():
        raise QueryError(f"empty phrase at column {tok.column} - write words between the quotes")
    return PhraseNode(tok.text, tok.column, fields, slop, boost, exact=tok.quoted)


def _word(tok: _Tok, fields: tuple[str, ...] | None) -> Node:
    text, boost, fuzzy = tok.text, 1.0, None
    found = _BOOST_RE.match(text)
    if found:
        text, boost = found.group(1), float(found.group(2))
    fuzzed = _FUZZY_RE.match(text)
    if fuzzed:
        text = fuzzed.group(1)
        fuzzy = int(fuzzed.group(2)) if fuzzed.group(2) else 1
        if fuzzy > MAX_FUZZY or fuzzy < 1:
            raise QueryError(
                f"fuzzy distance {fuzzy} at column {tok.column} is not allowed - use "
                f"{text}~1 or {text}~2 (at most {MAX_FUZZY} edits)"
            )
    if text in ("*", "*:*") and fuzzy is None:
        return Everything(tok.column)
    exact = text.startswith("=") and len(text) > 1
    if exact:
        text = text[1:]
    return Word(text, tok.column, fields, boost, fuzzy, exact)


def parse(text: str) -> Node:
    """The syntax tree of `text`; QueryError (with the column) when it is malformed.

    >>> parse("al-qaeda")
    Word(text='al-qaeda', column=1, fields=None, boost=1.0, fuzzy=None, exact=False)
    >>> parse("-iraq")
    Negated(child=Word(text='iraq', column=2, fields=None, boost=1.0, fuzzy=None, exact=False))
    >>> parse("(iran OR iraq")
    Traceback (most recent call last):
    ...
    indexer.errors.QueryError: unbalanced parenthesis at column 1 - close it with ")"
    """
    if not text.strip():
        raise QueryError("empty query - type some words, e.g. 'mek defector' or 'tag:PTER'")
    return _Parser(_lex(text), text).parse()


# --- query objects the engine evaluates ----------------------------------------------------------


class Expanded(MultiTerm):  # type: ignore[misc]
    """Several terms of one field as one clause (a pattern, a fuzzy word, name spellings).

    A document matches when it holds any of `words`; only `scored` (a subset) add to its
    score. `label` is what the user typed."""

    def __init__(
        self,
        fieldname: str,
        words: tuple[str, ...],
        label: str,
        boost: float = 1.0,
        constant: bool = False,
        scored: tuple[str, ...] | None = None,
    ) -> None:
        self.fieldname = fieldname
        self.words = words
        self.scored = words if scored is None else scored
        self.text = label
        self.boost = boost
        self.constantscore = constant

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expanded) and (
            self.fieldname,
            self.words,
            self.scored,
            self.boost,
        ) == (other.fieldname, other.words, other.scored, other.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, self.words, self.boost))

    def __repr__(self) -> str:
        return f"Expanded({self.fieldname!r}, {self.text!r}, {len(self.words)} words)"

    def _btexts(self, ixreader: Any) -> Iterator[str]:
        return iter(self.words)


class MultiPhrase(wq.Query):  # type: ignore[misc]
    """Words at consecutive positions, each position one of several terms (a hyphenated
    word's parts, a name's spellings). `slop` as Lucene's: the words may stand up to `slop`
    moves away from the phrase, in any order (0: exactly the phrase)."""

    def __init__(
        self,
        fieldname: str,
        positions: Sequence[tuple[str, ...]],
        slop: int = 0,
        boost: float = 1.0,
    ) -> None:
        self.fieldname = fieldname
        self.positions = tuple(tuple(p) for p in positions)
        self.slop = slop
        self.boost = boost

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MultiPhrase) and (
            self.fieldname,
            self.positions,
            self.slop,
            self.boost,
        ) == (other.fieldname, other.positions, other.slop, other.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, self.positions, self.slop, self.boost))

    def __repr__(self) -> str:
        words = " ".join("|".join(p) for p in self.positions)
        return f"MultiPhrase({self.fieldname!r}, {words!r}, slop={self.slop})"

    def is_leaf(self) -> bool:
        return True

    def children(self) -> list[Any]:
        return []

    def field(self) -> str:
        return self.fieldname

    def normalize(self) -> Any:
        return self

    def copy(self) -> MultiPhrase:
        return MultiPhrase(self.fieldname, self.positions, self.slop, self.boost)

    def estimate_size(self, ixreader: Any) -> int:
        return 0


class Unknown(wq.Query):  # type: ignore[misc]
    """The cables without a value for a facet field (origin, classification, year, created)."""

    def __init__(self, fieldname: str) -> None:
        self.fieldname = fieldname
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.fieldname == self.fieldname

    def __hash__(self) -> int:
        return hash(("unknown", self.fieldname))

    def __repr__(self) -> str:
        return f"Unknown({self.fieldname!r})"

    def is_leaf(self) -> bool:
        return True

    def children(self) -> list[Any]:
        return []

    def normalize(self) -> Any:
        return self


# --- binding to an index -------------------------------------------------------------------------


class IndexView(Protocol):
    """What binding needs from an open index (`indexer.searching` provides it)."""

    def words(self) -> Sequence[str]:
        """Every folded lower-case word of the text fields, sorted."""
        ...

    def lexicon(self, field_name: str) -> Sequence[bytes]:
        """Every term of an exact field, sorted."""
        ...

    def doc_frequency(self, field_name: str, term: str) -> int: ...

    def origins(self) -> dict[str, str]:
        """lower-cased origin -> the origin as stored."""
        ...

    def references_of(self, refid: str) -> tuple[str, ...]: ...


#: other spellings of a folded word, most frequent first (`indexer.variants` provides them)
Variants = Callable[[str], tuple[str, ...]]
#: a TAGS code for a meaning word (`terrorism` -> `PTER`), or None
TagForWord = Callable[[str], "str | None"]


#: other spellings of some folded words read as one name, each one or more words, where the
#: name or the spelling has several words (`kim jong il`: `kim chong il`; `binladen`:
#: `bin ladin`); one-word pairs are `Variants`' (`indexer.searching.Searchable.spellings`)
Spellings = Callable[[tuple[str, ...]], tuple[tuple[str, ...], ...]]
#: the longest name (in words) that is looked up for other spellings
MAX_NAME_WORDS = 4
#: at most this many other spellings of one phrase or run of words are searched
MAX_NAME_ALTERNATIVES = 16


def _no_variants(word: str) -> tuple[str, ...]:
    return ()


def _no_spellings(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return ()


def _no_tags(word: str) -> str | None:
    return None


@dataclass(frozen=True)
class Bound:
    """A query bound to one index, and what the user must be told about it."""

    query: Any
    warnings: tuple[str, ...]
    #: the plain words left out as too common (also in `warnings`)
    ignored: tuple[str, ...] = ()
    #: whether the query is `*` alone (browse: newest first by default)
    browse: bool = False


@dataclass
class _Binder:
    view: IndexView
    max_terms: int
    variants: Variants
    tag_for_word: TagForWord
    spellings: Spellings = _no_spellings
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    drop_stops: bool = True

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # -- tree -------------------------------------------------------------------------------

    def bind(self, node: Node) -> Any:
        if isinstance(node, Group):
            return self._group(node)
        if isinstance(node, Negated):
            inner = self.bind(node.child)
            return IGNORED if inner is IGNORED else wq.Not(inner)
        if isinstance(node, Everything):
            return wq.Every()
        if isinstance(node, Word):
            return self._words([node])[0]
        if isinstance(node, PhraseNode):
            return self._phrase(node)
        return self._field(node)

    def _group(self, node: Group) -> Any:
        children = [
            c for c in node.children if not (self.drop_stops and _is_stop(c, node.op == "and"))
        ]
        for c in node.children:
            if c not in children and isinstance(c, Word):
                self.ignored.append(c.text)
        if not children:
            return IGNORED
        if node.op == "or":
            parts = [p for p in (self.bind(c) for c in children) if p is not IGNORED]
            return _or(parts, node.boost) if parts else IGNORED
        # a clause with nothing to search (punctuation) is left out; one that matches
        # nothing (a pattern no word fits, `class:` with no such class) empties the AND
        positive = self._words([c for c in children if not isinstance(c, Negated)])
        negative = [self.bind(c.child) for c in children if isinstance(c, Negated)]
        positive = [p for p in positive if p is not IGNORED]
        negative = [n for n in negative if n is not IGNORED]
        if not positive and not negative:
            return IGNORED
        if not negative:
            return _and(positive, node.boost)
        excluded = negative[0] if len(negative) == 1 else wq.Or(negative)
        if not positive:
            return wq.Not(excluded)
        return wq.AndNot(_and(positive, node.boost), excluded)

    # -- words ------------------------------------------------------------------------------

    def _words(self, nodes: Sequence[Node]) -> list[Any]:
        """The clauses of an AND's children, in order: a run of plain words that spells a name
        with other spellings of several words (`kim jong-il`, `abu mazin`, `binladen`) is one
        clause, those words OR each other spelling as a phrase (`"kim chong il"`)."""
        out: list[Any] = []
        run: list[Word] = []
        for node in [*nodes, None]:
            if isinstance(node, Word) and _plain(node):
                run.append(node)
                continue
            out.extend(self._name_run(run))
            run = []
            if isinstance(node, Word):
                out.append(self._word(node))
            elif node is not None:
                out.append(self.bind(node))
        return [q for q in out if q is not IGNORED] or [IGNORED]

    def _name_run(self, run: Sequence[Word]) -> list[Any]:
        words: list[str] = []
        cuts = [0]
        for node in run:
            words.extend(p.word for p in analyze(node.text, query=True))
            cuts.append(len(words))
        spans = self._name_spans(words, frozenset(cuts))
        out: list[Any] = []
        k = 0  # the next node of `run` to bind
        for start, end, others in spans:
            first, last = cuts.index(start), cuts.index(end)
            out.extend(self._word(n) for n in run[k:first])
            own = [q for q in (self._word(n) for n in run[first:last]) if q is not IGNORED]
            self._warn_spellings(words[start:end], others)
            phrases = [
                self._spelled(f, [(term_of(w),) for w in other])
                for other in others
                for f in DEFAULT_FIELDS
                if f in TEXT_FIELDS
            ]
            out.append(_or([_and(own, 1.0), *phrases], 1.0) if own else _or(phrases, 1.0))
            k = last
        out.extend(self._word(n) for n in run[k:])
        return out

    def _name_spans(
        self, words: Sequence[str], cuts: frozenset[int] | None = None
    ) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
        """Spans `words[i:j]` that spell a name with other spellings (`Spellings`), longest
        first, not overlapping; with `cuts`, only spans that begin and end at one."""
        found: list[tuple[int, int, tuple[tuple[str, ...], ...]]] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
                if cuts is not None and (i not in cuts or j not in cuts):
                    continue
                others = self.spellings(tuple(words[i:j]))[:MAX_NAME_ALTERNATIVES]
                if others:
                    found.append((i, j, others))
                    i = j
                    break
            else:
                i += 1
        return found

    def _warn_spellings(self, words: Sequence[str], others: Sequence[tuple[str, ...]]) -> None:
        name = " ".join(words)
        self.warn(
            f"`{name}` also matched the spellings {', '.join(' '.join(o) for o in others)} "
            f'(write ="{name}" for this spelling only)'
        )

    @staticmethod
    def _spelled(
        f: str, positions: Sequence[tuple[str, ...]], slop: int = 0, label: str = ""
    ) -> Any:
        """One field's clause for a sequence of positions (a phrase unless it is one word)."""
        if len(positions) == 1 and slop == 0:
            terms = positions[0]
            if len(terms) == 1:
                return wq.Term(f, terms[0])
            return Expanded(f, terms, label or terms[0])
        return MultiPhrase(f, positions, slop)

    def _word(self, node: Word) -> Any:
        fields = node.fields or DEFAULT_FIELDS
        if node.fuzzy is not None or "*" in node.text or "?" in node.text:
            return self._expanded_word(node, fields)
        parts = analyze(node.text, query=True)
        if not parts:
            return IGNORED
        if len(parts) == 1:
            return self._single(node, parts[0].word, parts[0].term, fields)
        # a hyphenated (or otherwise joined) word: its parts as a phrase, or written as one
        positions = [self._alternatives(p.word, p.term, node.exact) for p in parts]
        joined = "".join(p.word for p in parts) if "-" in node.text else None
        # the joined spelling has its own other spellings (alqaeda: alqaida)
        joined_terms = self._alternatives(joined, term_of(joined), node.exact) if joined else ()
        clauses: list[Any] = []
        for f in fields:
            if f in TEXT_FIELDS:
                clauses.append(MultiPhrase(f, positions))
                if len(joined_terms) == 1:
                    clauses.append(wq.Term(f, joined_terms[0]))
                elif joined_terms:
                    clauses.append(Expanded(f, joined_terms, str(joined)))
        return _or(clauses, node.boost)

    def _alternatives(self, word: str, term: str, exact: bool) -> tuple[str, ...]:
        """The terms one word position may hold: its own, and its other spellings."""
        if exact:
            return (term,)
        others = [v for v in self.variants(word) if v != word]
        if not others:
            return (term,)
        self.warn(
            f"`{word}` also matched the spellings {', '.join(others)} "
            f"(write ={word} for this spelling only)"
        )
        return tuple(dict.fromkeys([term, *(term_of(v) for v in others)]))

    def _single(self, node: Word, word: str, term: str, fields: Sequence[str]) -> Any:
        terms = self._alternatives(word, term, node.exact)
        clauses = []
        for f in fields:
            if f in TEXT_FIELDS:
                clauses.append(
                    wq.Term(f, terms[0]) if len(terms) == 1 else Expanded(f, terms, word)
                )
            elif f == "tags" and re.fullmatch(r"[a-z0-9]+", word):
                clauses.append(wq.Term("tags", word))
        return _or(clauses, node.boost)

    def _expanded_word(self, node: Word, fields: Sequence[str]) -> Any:
        text = fold(node.text.lower())
        if node.fuzzy is not None:
            label = f"{text}~" if node.fuzzy == 1 else f"{text}~{node.fuzzy}"
            words = fuzzy_words(self.view.words(), text, node.fuzzy)
        else:
            label = text
            words = pattern_words(self.view.words(), text)
        terms = tuple(dict.fromkeys(term_of(w) for w in words))
        scored = self._cap(label, terms, len(words), "body")
        clauses: list[Any] = []
        for f in fields:
            if f in TEXT_FIELDS and terms:
                clauses.append(Expanded(f, terms, label, scored=scored))
            elif f == "tags" and node.fuzzy is None:
                tags = pattern_terms(self.view.lexicon("tags"), text)
                if tags:
                    clauses.append(Expanded("tags", tags, label))
        if not clauses:
            return wq.NullQuery
        return _or(clauses, node.boost)

    def _cap(
        self, label: str, terms: tuple[str, ...], words: int, field_name: str
    ) -> tuple[str, ...]:
        if len(terms) <= self.max_terms:
            return terms
        ranked = sorted(terms, key=lambda t: -self.view.doc_frequency(field_name, t))
        self.warn(
            f"`{label}` matched {words:,} words: all of them count in the total, the "
            f"{self.max_terms:,} most frequent are scored"
        )
        return tuple(ranked[: self.max_terms])

    def _phrase(self, node: PhraseNode) -> Any:
        fields = [f for f in (node.fields or DEFAULT_FIELDS) if f in TEXT_FIELDS]
        positions: list[tuple[str, ...]] = []
        words: list[str] = []
        cuts = {0}  # where `=word` marks cut the phrase: no other spelling spans them
        for part in node.text.split():
            marked = part.startswith("=")
            exact = node.exact or marked
            if exact:
                cuts.add(len(words))
            for item in analyze(part[1:] if marked else part, query=True):
                positions.append(self._alternatives(item.word, item.term, exact))
                words.append(item.word if not exact else "")
            if exact:
                cuts.add(len(words))
        if not positions:
            return IGNORED
        sequences = [positions]
        if not node.exact:
            sequences += self._respelled(positions, words)
        clauses = [
            self._spelled(f, seq, node.slop, node.text) for seq in sequences for f in fields
        ]
        return _or(clauses, node.boost)

    def _respelled(
        self, positions: list[tuple[str, ...]], words: list[str]
    ) -> list[list[tuple[str, ...]]]:
        """The phrase's positions with each name of it spelled another way (`"seif al-islam"`:
        `saif al islam`), at most `MAX_NAME_ALTERNATIVES` sequences."""
        spans = [
            (i, j, others)
            for i, j, others in self._name_spans(words)
            if all(words[i:j])  # no `=word` inside
        ]
        out: list[list[tuple[str, ...]]] = []
        for i, j, others in spans:
            self._warn_spellings(words[i:j], others)
            for other in others:
                if len(out) >= MAX_NAME_ALTERNATIVES:
                    return out
                out.append([*positions[:i], *((term_of(w),) for w in other), *positions[j:]])
        return out

    # -- exact fields -----------------------------------------------------------------------

    def _field(self, node: FieldValue) -> Any:
        q = self._field_query(node)
        if node.boost != 1.0 and q is not wq.NullQuery:
            q = q.copy()
            q.boost = node.boost
        return q

    def _field_query(self, node: FieldValue) -> Any:
        f, value = node.field, node.value.strip()
        if f == "created":
            if value.lower() == UNKNOWN:
                return Unknown("created")
            return _date_clause(value, node.column)
        if f == "year":
            if value.lower() == UNKNOWN:
                return Unknown("year")
            return _year_clause(value, node.column)
        if f in ("origin", "classification") and value.lower() == UNKNOWN and not node.quoted:
            return Unknown(f)
        if f == "origin":
            return self._origin(value, node.quoted)
        if f == "classification":
            folded = value.upper()
            if node.quoted or _is_pattern(folded):
                return self._exact("classification", folded)
            return self._exact("classification", folded + "*")
        if f == "citedby":
            refs = self.view.references_of(value.upper())
            if not refs:
                return wq.NullQuery
            return Expanded("refid", refs, f"citedby:{value.upper()}")
        if f == "classified_by":
            words = [w.lower() for w in value.split()]
            return _and([self._exact("classified_words", w) for w in words], 1.0)
        if f == "signed_by":
            words = [w.lower() for w in value.split()]
            return _and([self._exact("signed_by", w) for w in words], 1.0)
        if f == "tags":
            return self._tags(value, node.quoted)
        fold_case = str.upper if f in ("refid", "references") else str.lower
        words = [fold_case(w) for w in value.split()]
        return _and([self._exact(f, w) for w in words], 1.0)

    def _tags(self, value: str, quoted: bool) -> Any:
        words = [w.lower() for w in value.split()]
        clauses = []
        for word in words:
            if _is_pattern(word) or self.view.doc_frequency("tags", word) or quoted:
                clauses.append(self._exact("tags", word))
                continue
            code = self.tag_for_word(word)
            if code is None:
                clauses.append(self._exact("tags", word))
                continue
            self.warn(f"tag:{word} means the TAGS code {code.upper()}")
            clauses.append(wq.Term("tags", code.lower()))
        return _and(clauses, 1.0)

    def _origin(self, value: str, quoted: bool) -> Any:
        if quoted:
            stored = self.view.origins().get(" ".join(value.split()).lower())
            if stored is not None:
                return wq.Term("origin", stored)
        words = [fold(w.lower()) for w in value.split()]
        return _and([self._exact("origin_words", w) for w in words], 1.0)

    def _exact(self, field_name: str, value: str) -> Any:
        """One value of an exact field; `*`/`?` make it a pattern over the field's terms
        (every matching term counts: exact fields are not scored by word)."""
        if not _is_pattern(value):
            return wq.Term(field_name, value)
        terms = pattern_terms(self.view.lexicon(field_name), value)
        if not terms:
            return wq.NullQuery
        return Expanded(field_name, terms, value, constant=True)


#: a clause with nothing to search for (a word of punctuation only): left out of its group
IGNORED: Any = object()


def _plain(node: Word) -> bool:
    """A word as typed, in the default fields: one that may be part of a name."""
    return (
        node.fields is None
        and node.fuzzy is None
        and not node.exact
        and node.boost == 1.0
        and "*" not in node.text
        and "?" not in node.text
    )


def _is_stop(node: Node, in_and: bool) -> bool:
    return (
        in_and
        and isinstance(node, Word)
        and node.fields is None
        and node.fuzzy is None
        and not node.exact
        and node.text.lower() in STOP
        and node.text != "US"
    )


def _or(parts: list[Any], boost: float) -> Any:
    parts = [p for p in parts if p is not wq.NullQuery]
    if not parts:
        return wq.NullQuery
    if len(parts) == 1:
        if boost != 1.0:
            parts[0] = parts[0].copy()
            parts[0].boost = parts[0].boost * boost
        return parts[0]
    return wq.Or(parts, boost=boost)


def _and(parts: list[Any], boost: float) -> Any:
    if any(p is wq.NullQuery for p in parts):
        return wq.NullQuery
    if len(parts) == 1:
        if boost != 1.0:
            parts[0] = parts[0].copy()
            parts[0].boost = parts[0].boost * boost
        return parts[0]
    return wq.And(parts, boost=boost)


def bind(
    tree: Node,
    view: IndexView,
    *,
    max_terms: int = MAX_EXPANSIONS,
    variants: Variants = _no_variants,
    tag_for_word: TagForWord = _no_tags,
    spellings: Spellings = _no_spellings,
) -> Bound:
    """Bind a parsed query to an open index (see the module docstring)."""
    binder = _Binder(view, max_terms, variants, tag_for_word, spellings)
    binder.drop_stops = not _only_stops(tree)
    q = binder.bind(tree)
    if q is IGNORED:
        q = wq.NullQuery
    if binder.ignored:
        words = ", ".join(dict.fromkeys(w.lower() for w in binder.ignored))
        binder.warnings.insert(
            0,
            f"ignored common words: {words} (quote a phrase to search them, e.g. "
            f'"ministry of defense")',
        )
    return Bound(q, tuple(binder.warnings), tuple(binder.ignored), isinstance(tree, Everything))


def _only_stops(tree: Node) -> bool:
    """A query whose every clause is a plain common word: keep them (else nothing is left)."""
    if isinstance(tree, Word):
        return True
    if not isinstance(tree, Group) or tree.op != "and":
        return False
    return all(_is_stop(c, True) for c in tree.children)


# --- expansions over sorted word lists ---------------------------------------------------------


def _is_pattern(value: str) -> bool:
    return "*" in value or "?" in value


def _pattern_re(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    )


def _literal_prefix(pattern: str) -> str:
    cut = min((i for i, c in enumerate(pattern) if c in "*?"), default=len(pattern))
    return pattern[:cut]


def _prefixed(words: Sequence[str], prefix: str) -> Sequence[str]:
    from bisect import bisect_left

    if not prefix:
        return words
    lo = bisect_left(words, prefix)
    hi = bisect_left(words, prefix + "\U0010ffff")
    return words[lo:hi]


def pattern_words(words: Sequence[str], pattern: str) -> list[str]:
    """The words of a sorted list matching a `*`/`?` pattern (whole words).

    >>> pattern_words(["gray", "greek", "grey", "grow"], "gr?y")
    ['gray', 'grey']
    """
    candidates = _prefixed(words, _literal_prefix(pattern))
    if pattern.endswith("*") and not _is_pattern(pattern[:-1]):
        return list(candidates)
    regex = _pattern_re(pattern)
    return [w for w in candidates if regex.fullmatch(w)]


def pattern_terms(lexicon: Sequence[bytes], pattern: str) -> tuple[str, ...]:
    """The terms of a sorted bytes lexicon matching a pattern (exact fields)."""
    words = [t.decode("utf-8") for t in lexicon]
    return tuple(pattern_words(words, pattern))


def fuzzy_words(words: Sequence[str], word: str, distance: int) -> list[str]:
    """The words within `distance` edits (Damerau-Levenshtein, adjacent swaps count one) of
    `word`, the word itself included when present.

    >>> fuzzy_words(["baghdad", "bagdad", "bangkok"], "baghdda", 1)
    ['baghdad']
    """
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import extract

    found = extract(word, words, scorer=OSA.distance, score_cutoff=distance, limit=None)
    return sorted(choice for choice, _, _ in found)


# --- dates ---------------------------------------------------------------------------------------


def _year_clause(value: str, column: int) -> Any:
    low, high, low_excl, high_excl = _bounds(value, _parse_year, column)
    start = None if low is None else (low[1] + 1 if low_excl else low[0])
    end = None if high is None else (high[0] - 1 if high_excl else high[1])
    return wq.NumericRange("year", start, end)


def _parse_year(text: str, column: int) -> tuple[int, int]:
    if not re.fullmatch(r"\d{4}", text):
        raise QueryError(
            f'bad year "{text}" at column {column} - write a 4-digit year like 2009'
        )
    return int(text), int(text)


def _date_clause(value: str, column: int) -> Any:
    low, high, low_excl, high_excl = _bounds(value, _parse_date_span, column)
    if low is None and high is None:
        return wq.Every("created")
    start = None if low is None else (low[1] if low_excl else low[0])
    end = None if high is None else (high[0] if high_excl else high[1])
    return wq.DateRange("created", start, end, startexcl=low_excl, endexcl=high_excl)


def _bounds(
    value: str, parse_one: Callable[[str, int], tuple[Any, Any]], column: int
) -> tuple[tuple[Any, Any] | None, tuple[Any, Any] | None, bool, bool]:
    """(low span, high span, low exclusive, high exclusive) of a date/year value or range."""
    ranged = _RANGE_RE.match(value)
    if ranged:
        ends = _TO_RE.fullmatch(ranged.group(2))
        if ends is None:
            raise QueryError(
                f'bad range "{value}" at column {column} - write [FROM TO UNTIL], '
                "e.g. [2008 TO 2009]"
            )
        left, right = ends.groups()
        low = parse_one(left, column) if left not in ("", "*") else None
        high = parse_one(right, column) if right not in ("", "*") else None
        return low, high, ranged.group(1) == "{", ranged.group(3) == "}"
    compared = _COMPARE_RE.match(value)
    if compared:
        op, operand = compared.groups()
        span = parse_one(operand.strip(), column)
        if op.startswith(">"):
            return span, None, op == ">", False
        return None, span, False, op == "<"
    span = parse_one(value, column)
    return span, span, False, False


def _parse_date_span(text: str, column: int) -> tuple[datetime, datetime]:
    """`2009` / `2009-06` / `2009-06-15` -> (first instant, last instant) of that span."""
    match = _DATE_RE.match(text)
    message = f'bad date "{text}" at column {column} - write YYYY, YYYY-MM or YYYY-MM-DD'
    if not match:
        raise QueryError(message)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return datetime(year, 1, 1), datetime(year, 12, 31, 23, 59, 59, 999999)
        last_day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        if day is None:
            return datetime(year, month, 1), datetime(year, month, last_day, 23, 59, 59, 999999)
        return datetime(year, month, day), datetime(year, month, day, 23, 59, 59, 999999)
    except ValueError as exc:
        raise QueryError(message) from exc
