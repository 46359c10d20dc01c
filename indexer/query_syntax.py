"""Query text -> syntax tree: the lexer and recursive-descent parser of the query language.

`parse(text)` reads the text into a small tree (`Word`, `PhraseNode`, `FieldValue`, `Group`,
`Negated`, `Everything`) and reports every syntax error with its column (unbalanced quotes
or parentheses, an empty field value, a fuzzy distance above 2, an unknown field); it needs
no index. The grammar and what each construct means: `indexer.query`.

Flow: the first half of query text -> query; `indexer.query_binding` binds the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryError
from .query_expand import date_clause, year_clause

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


#: the furthest a fuzzy word may be from the words it finds
MAX_FUZZY = 2
#: the value that selects cables without a value for origin, class, year or created
UNKNOWN = "unknown"

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
                check = date_clause if field == "created" else year_clause
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
