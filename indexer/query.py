"""Query text -> Whoosh query: the `cables search` query language.

Plain words search the DEFAULT_FIELDS (subject, title, tags, body) at once, all of them
required (AND). Whoosh's grammar does the rest: `AND`/`OR`/`NOT`, `-word`, `"phrase"`,
`"phrase"~N` (words within N positions), `prefix*`, `wild?card`, `word~` / `word~2` (fuzzy),
`word^2` (boost), parentheses.

Field clauses use friendly names (`FIELD_ALIASES`). The text fields (`subject:`, `title:`,
`body:`) are left to Whoosh, so they take phrases and groups like plain words. Every other
field clause is cut out of the text before Whoosh sees it, built here into an exact query
(values folded to the case the index stores, dates parsed) and put back in the parsed tree
through a placeholder term. That keeps all value handling in one place and lets Whoosh keep
the boolean grammar.

Value semantics, decided here:
  - `class:secret` is a prefix match: SECRET and SECRET//NOFORN. A quoted value is exact:
    `class:"secret//noforn"` finds only SECRET//NOFORN.
  - `origin:baghdad` matches any word of the origin; `origin:"embassy baghdad"` is the
    whole origin, case-insensitive (folded against the index's origins in `resolve`); a quoted
    value that is no origin falls back to "all of these words".
  - `id:`/`cites:`/`citedby:` take a refid; `*`/`?` in any exact value make it a pattern.
  - dates: `created:2009`, `created:2009-06`, `created:2009-06-15`, ranges
    `created:[2008-01 TO 2009-06]` (`*` or nothing for an open end), `created:>2009-01-15`,
    `>=`, `<`, `<=`. A date means its whole span: `created:>2009` starts in 2010.

`resolve` then binds the parsed query to an index reader: pattern/fuzzy terms are expanded to
at most `max_terms` words (the most frequent ones; the caller gets a warning), origins are
case-folded and `citedby:` is looked up. Nothing here can run unbounded.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh import fields, query
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser, PlusMinusPlugin
from whoosh.qparser.plugins import SingleQuotePlugin
from whoosh.query.terms import MultiTerm

from .errors import QueryError
from .schema import ANALYZER, DEFAULT_FIELDS, STEMMER

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

#: fields whose clauses Whoosh parses itself (analyzed text: phrases and groups work)
TEXT_FIELDS = frozenset({"subject", "title", "body"})

#: how each exact field's values are stored (see schema.py): fold user input the same way
_FOLD: dict[str, Callable[[str], str]] = {
    "refid": str.upper,
    "classification": str.upper,
    "references": str.upper,
    "citedby": str.upper,
    "tags": str.lower,
    "signed_by": str.lower,
    "classified_by": str.lower,
    "origin_words": str.lower,
}

#: default cap on the words one pattern or fuzzy term may expand to
MAX_EXPANSIONS = 512

_SLOT_FIELD = "qslot"
_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_BOOST_RE = re.compile(r"^(.*?)(\^[0-9]*\.?[0-9]+)$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RANGE_RE = re.compile(r"^([\[{])\s*(.*?)\s*([\]}])$", re.DOTALL)
_TO_RE = re.compile(r"(\S*)\s*\bTO\b\s*(\S*)")
_COMPARE_RE = re.compile(r"^(>=|<=|>|<)(.+)$")
#: a clause may start at the beginning, after a space, a parenthesis or a +/-/! prefix
_CLAUSE_START = frozenset(" \t\r\n(+-!")


class OriginExact(query.Term):  # type: ignore[misc]
    """`origin:"..."`: the whole origin, matched case-insensitively once a reader is known."""


class CitedBy(query.Term):  # type: ignore[misc]
    """`citedby:REFID`: the cables REFID references, looked up once a reader is known."""


class Expanded(MultiTerm):  # type: ignore[misc]
    """A pattern or fuzzy term bound to the words it expands to (at most MAX_EXPANSIONS)."""

    def __init__(
        self, fieldname: str, words: tuple[str, ...], label: str, boost: float, constant: bool
    ) -> None:
        self.fieldname = fieldname
        self.words = words
        self.text = label
        self.boost = boost
        self.constantscore = constant

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expanded) and (self.fieldname, self.words, self.boost) == (
            other.fieldname,
            other.words,
            other.boost,
        )

    def __hash__(self) -> int:
        return hash((self.fieldname, self.words, self.boost))

    def __repr__(self) -> str:
        return f"Expanded({self.fieldname!r}, {self.text!r}, {len(self.words)} words)"

    def _btexts(self, ixreader: Any) -> Iterator[str]:
        return iter(self.words)


@dataclass(frozen=True)
class Resolved:
    """A query bound to one index generation, plus what the user should be told."""

    query: Any
    warnings: tuple[str, ...]


# --- parsing ---------------------------------------------------------------------------------


def parse_query(text: str, schema: fields.Schema) -> Any:
    """Parse `text` into a Whoosh query for `schema`; QueryError says what is wrong and where."""
    if not text.strip():
        raise QueryError("empty query - type some words, e.g. 'mek defector' or 'tag:PTER'")
    rewritten, slots = _extract_clauses(text)
    parser = MultifieldParser(list(DEFAULT_FIELDS), _parser_schema(schema))
    # single quotes are apostrophes in cables (o'neill), not Whoosh's literal-term quotes
    parser.remove_plugin_class(SingleQuotePlugin)
    parser.add_plugin(FuzzyTermPlugin())
    parser.add_plugin(PlusMinusPlugin())
    try:
        parsed = parser.parse(rewritten)
    except Exception as exc:  # Whoosh raises assorted errors on odd input
        raise QueryError(f"cannot parse the query: {exc} - check operators and brackets") from exc

    def fill(node: Any) -> Any:
        if isinstance(node, query.Term) and node.fieldname == _SLOT_FIELD:
            clause = slots[int(str(node.text)[1:])]
            if node.boost != 1.0:
                clause = clause.copy()
                clause.boost = node.boost
            return clause
        if (
            isinstance(node, query.Term)
            and node.fieldname == "tags"
            and not any(True for _ in ANALYZER(str(node.text)))
        ):
            # a plain word the text fields drop (a stop word, one letter) must not become a
            # required TAG: "ministry of defense" would only find cables tagged "OF"
            return query.NullQuery
        if isinstance(node, query.Phrase) and not schema[node.fieldname].format.supports(
            "positions"
        ):
            # a plain phrase is tried on every default field; tags keep no word positions
            return query.NullQuery
        return node

    return parsed.accept(fill).normalize()


def _parser_schema(schema: fields.Schema) -> fields.Schema:
    """Only the default fields plus the placeholder field: anything else is ours to handle."""
    names = {name: schema[name] for name in DEFAULT_FIELDS}
    return fields.Schema(**names, **{_SLOT_FIELD: fields.ID()})


def _extract_clauses(text: str) -> tuple[str, list[Any]]:
    """Replace every exact-field clause by a `qslot:qN` placeholder; check quotes and fields."""
    out: list[str] = []
    slots: list[Any] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = _closing_quote(text, i)
            out.append(text[i : end + 1])
            i = end + 1
            continue
        at_start = i == 0 or text[i - 1] in _CLAUSE_START
        match = _FIELD_RE.match(text, i) if at_start else None
        if match is None:
            out.append(char)
            i += 1
            continue
        name = match.group(1)
        after = match.end()
        if after >= n or text[after].isspace():
            # "re: iran" - a colon in prose, not a field clause
            out.append(name + " ")
            i = after
            continue
        field = FIELD_ALIASES.get(name.lower())
        if field is None:
            raise QueryError(
                f'unknown field "{name}:" at column {i + 1} - fields are {SHOWN_FIELDS}'
            )
        if field in TEXT_FIELDS:
            out.append(field + ":")
            i = after
            continue
        value, quoted, end = _read_value(text, after, name)
        boost = ""
        if not quoted:
            boosted = _BOOST_RE.match(value)
            if boosted:
                value, boost = boosted.group(1), boosted.group(2)
        slots.append(build_clause(field, value, quoted=quoted, column=after + 1))
        out.append(f"{_SLOT_FIELD}:q{len(slots) - 1}{boost}")
        i = end
    return "".join(out), slots


def _closing_quote(text: str, start: int) -> int:
    end = text.find('"', start + 1)
    if end < 0:
        raise QueryError(
            f'unbalanced quote at column {start + 1} - close the phrase with another "'
        )
    return end


def _read_value(text: str, start: int, name: str) -> tuple[str, bool, int]:
    """The value after `name:` -> (value, quoted, end index)."""
    first = text[start]
    if first == '"':
        end = _closing_quote(text, start)
        return text[start + 1 : end], True, end + 1
    if first in "[{":
        close = re.compile(r"[\]}]").search(text, start)
        if close is None:
            raise QueryError(f"unclosed range at column {start + 1} - write {name}:[FROM TO UNTIL]")
        return text[start : close.end()], False, close.end()
    match = re.compile(r"[^\s()]+").match(text, start)
    if match is None:
        raise QueryError(
            f'missing value after "{name}:" at column {start + 1} - write {name}:VALUE '
            f"(one value; use OR between clauses: {name}:A OR {name}:B)"
        )
    return match.group(0), False, match.end()


# --- one field clause ----------------------------------------------------------------------


def build_clause(field: str, value: str, *, quoted: bool = False, column: int = 0) -> Any:
    """The query for one `field:value` clause (`field` is a schema field name or "citedby")."""
    if field == "created":
        return _date_clause(value)
    if field == "year":
        return _year_clause(value)
    if not value.strip():
        raise QueryError(f"empty value at column {column} - write a value between the quotes")
    if field == "origin":
        return _origin_clause(value, quoted)
    if field == "classification":
        folded = value.strip().upper()
        if quoted or _is_pattern(folded):
            return _exact_or_pattern("classification", folded)
        return query.Prefix("classification", folded)
    if field == "citedby":
        return CitedBy("citedby", value.strip().upper())
    fold = _FOLD[field]
    words = [fold(w) for w in value.split()]
    if len(words) == 1:
        return _exact_or_pattern(field, words[0])
    return query.And([_exact_or_pattern(field, w) for w in words])


def _is_pattern(value: str) -> bool:
    return "*" in value or "?" in value


def _exact_or_pattern(field: str, value: str) -> Any:
    if not _is_pattern(value):
        return query.Term(field, value)
    if value.endswith("*") and not _is_pattern(value[:-1]):
        return query.Prefix(field, value[:-1])
    return query.Wildcard(field, value)


def _origin_clause(value: str, quoted: bool) -> Any:
    words = [w.lower() for w in value.split()]
    if quoted:
        return OriginExact("origin", " ".join(value.split()))
    if len(words) == 1:
        return _exact_or_pattern("origin_words", words[0])
    return query.And([_exact_or_pattern("origin_words", w) for w in words])


def _year_clause(value: str) -> Any:
    low, high, low_excl, high_excl = _bounds(value, _parse_year)
    start = None if low is None else (low[1] + 1 if low_excl else low[0])
    end = None if high is None else (high[0] - 1 if high_excl else high[1])
    return query.NumericRange("year", start, end)


def _parse_year(text: str) -> tuple[int, int]:
    if not re.fullmatch(r"\d{4}", text):
        raise QueryError(f'bad year "{text}" - write a 4-digit year like 2009')
    return int(text), int(text)


def _date_clause(value: str) -> Any:
    low, high, low_excl, high_excl = _bounds(value, _parse_date_span)
    if low is None and high is None:
        return query.Every("created")
    start = None if low is None else (low[1] if low_excl else low[0])
    end = None if high is None else (high[0] if high_excl else high[1])
    return query.DateRange("created", start, end, startexcl=low_excl, endexcl=high_excl)


def _bounds(
    value: str, parse: Callable[[str], tuple[Any, Any]]
) -> tuple[tuple[Any, Any] | None, tuple[Any, Any] | None, bool, bool]:
    """(low span, high span, low exclusive, high exclusive) of a date/year value or range."""
    ranged = _RANGE_RE.match(value)
    if ranged:
        ends = _TO_RE.fullmatch(ranged.group(2))
        if ends is None:
            raise QueryError(f'bad range "{value}" - write [FROM TO UNTIL], e.g. [2008 TO 2009]')
        left, right = ends.groups()
        low = parse(left) if left not in ("", "*") else None
        high = parse(right) if right not in ("", "*") else None
        return low, high, ranged.group(1) == "{", ranged.group(3) == "}"
    compared = _COMPARE_RE.match(value)
    if compared:
        op, operand = compared.groups()
        span = parse(operand.strip())
        if op.startswith(">"):
            return span, None, op == ">", False
        return None, span, False, op == "<"
    span = parse(value)
    return span, span, False, False


def _parse_date_span(text: str) -> tuple[datetime, datetime]:
    """`2009` / `2009-06` / `2009-06-15` -> (first instant, last instant) of that span."""
    match = _DATE_RE.match(text)
    if not match:
        raise QueryError(f'bad date "{text}" - write YYYY, YYYY-MM or YYYY-MM-DD')
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
        raise QueryError(f'bad date "{text}" - write YYYY, YYYY-MM or YYYY-MM-DD') from exc


# --- binding to an index -------------------------------------------------------------------


def resolve(q: Any, reader: Any, max_terms: int = MAX_EXPANSIONS) -> Resolved:
    """Bind `q` to `reader`: bounded expansions, case-folded origins, `citedby:` lookups."""
    warnings: list[str] = []
    origins: dict[str, str] | None = None

    def bind(node: Any) -> Any:
        nonlocal origins
        if isinstance(node, OriginExact):
            if origins is None:
                origins = {_b2s(o).lower(): _b2s(o) for o in reader.lexicon("origin")}
            stored = origins.get(str(node.text).lower())
            if stored is not None:
                return query.Term("origin", stored, boost=node.boost)
            words = [query.Term("origin_words", w.lower()) for w in str(node.text).split()]
            return query.And(words, boost=node.boost)
        if isinstance(node, CitedBy):
            return _cited_by(reader, str(node.text), node.boost)
        if isinstance(node, MultiTerm) and not isinstance(node, Expanded):
            return _expand(node, reader, max_terms, warnings)
        return node

    bound = q.accept(bind)
    return Resolved(bound, tuple(dict.fromkeys(warnings)))


def _b2s(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _cited_by(reader: Any, refid: str, boost: float) -> Any:
    refs: list[str] = []
    for docnum in reader.postings("refid", refid).all_ids() if ("refid", refid) in reader else ():
        refs.extend(str(reader.stored_fields(docnum).get("references") or "").split())
    if not refs:
        return query.NullQuery
    return query.Or([query.Term("refid", r) for r in dict.fromkeys(refs)], boost=boost)


def _label(node: Any) -> str:
    text = str(node.text)
    if isinstance(node, query.Prefix):
        return f"{text}*"
    if isinstance(node, query.FuzzyTerm):
        return f"{text}~{node.maxdist}" if node.maxdist != 1 else f"{text}~"
    return text


#: a typed prefix may run this many letters past the stem of the word it starts
#: ("negotiat" is "negoti" + "at": Porter2 strips "-ate", "-ation", "-ing", "-ly", ...)
STEM_SLACK = 3
#: endings that complete a typed prefix into words (any one letter, or a common suffix), to
#: tell which shorter stems it can reach
_ENDINGS = (
    "", *"abcdefghijklmnopqrstuvwxyz", "es", "ed", "ing", "on", "ons", "ion", "ions", "ies",
    "ly", "al", "ally", "ive", "ment", "ness", "ity", "ate", "ated", "ation", "ations", "er",
    "ers", "or", "ors", "rs",
)  # fmt: skip


def _stem_prefixes(prefix: str, field: str, reader: Any) -> list[str]:
    """Index words a prefix of a stemmed field should reach besides the words it starts.

    The text fields hold Porter2 stems, and the stem of a prefix is not a prefix of the stems
    of its words: `negotiat*` must reach `negoti` (negotiate, negotiations). So: index terms
    the prefix itself starts with, at most STEM_SLACK letters shorter, that are the stem of
    the prefix plus a common ending (so `secur*` does not reach an unrelated `sec`), plus the
    words starting with the prefix's own stem.
    """
    prefix = prefix.lower()
    reachable = {STEMMER(prefix + ending) for ending in _ENDINGS}
    found = [
        prefix[:-cut]
        for cut in range(1, STEM_SLACK + 1)
        if prefix[:-cut] in reachable and (field, prefix[:-cut]) in reader
    ]
    stemmed = STEMMER(prefix)
    if stemmed != prefix:
        found.extend(_b2s(w) for w in reader.expand_prefix(field, stemmed))
    return found


def _expand(node: Any, reader: Any, max_terms: int, warnings: list[str]) -> Any:
    field = node.field()
    words = [_b2s(w) for w in node._btexts(reader)]
    if isinstance(node, query.Prefix) and field in TEXT_FIELDS:
        words = list(dict.fromkeys([*words, *_stem_prefixes(str(node.text), field, reader)]))
    label = _label(node)
    if len(words) > max_terms:
        ranked = sorted(words, key=lambda w: -reader.doc_frequency(field, w))
        words = ranked[:max_terms]
        warnings.append(
            f"`{label}` matched {len(ranked):,} words; searched the {max_terms:,} most frequent"
        )
    return Expanded(field, tuple(words), label, node.boost, bool(node.constantscore))
