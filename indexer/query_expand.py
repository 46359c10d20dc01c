"""Expansions over sorted word lists (patterns, fuzzy words) and date values into ranges.

Pure functions of the index's sorted words or terms and of the query's values: which words a
`prefix*`, `gr?y` or `word~2` stands for, and the `DateRange` / `NumericRange` of a
`created:` or `year:` value.

Flow: query text -> query, called by the binder (`indexer.query_binding`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from whoosh import query as wq

from .errors import QueryError

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_RANGE_RE = re.compile(r"^([\[{])\s*(.*?)\s*([\]}])$", re.DOTALL)
_TO_RE = re.compile(r"(\S*)\s*\bTO\b\s*(\S*)")
_COMPARE_RE = re.compile(r"^(>=|<=|>|<)(.+)$")


# --- expansions over sorted word lists ---------------------------------------------------------


def is_pattern(value: str) -> bool:
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
    if pattern.endswith("*") and not is_pattern(pattern[:-1]):
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


def year_clause(value: str, column: int) -> Any:
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


def date_clause(value: str, column: int) -> Any:
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
