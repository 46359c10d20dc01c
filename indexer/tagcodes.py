"""What the TAGS codes mean: `PTER` -> "Terrorists and Terrorism", `IZ` -> "Iraq".

The table is `tagcodes.tsv` beside this module (its header names the public sources: the
State Department's TAGS handbook as PlusD shows it, the GEC/FIPS 10-4 country codes, the
organization TAGS of heuer/cablemap). Lookups are case-insensitive; a code that is not in
the table has no meaning (None) rather than a guess: real TAGS lines also carry free-form
words, names and mistyped codes.

`code_for_word` goes the other way, for `tag:terrorism` style queries: a word (or a whole
meaning) that belongs to exactly one code's meaning gives that code.

`tag_counts` is `cables tags`: every TAGS value of an index with its meaning and the number
of cables that carry it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from .searching import Searchable

DATA_FILE = "tagcodes.tsv"

#: the kinds of TAGS the table knows (its `kind` column)
KINDS: tuple[str, ...] = ("subject", "program", "organization", "country")

#: words that say nothing about which code is meant; never looked up by `code_for_word`
_STOP_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the"}
    | {"to", "with", "de", "da", "du", "la", "le"}
)
_WORD_RE = re.compile(r"[a-z0-9]+")
_CODE_WIDTH = 8


@dataclass(frozen=True)
class TagCode:
    """One row of the table."""

    code: str
    kind: str
    meaning: str
    source: str


@dataclass(frozen=True)
class TagCount:
    """One TAGS value of an index: its meaning (None when unknown) and how many cables carry
    it."""

    code: str
    meaning: str | None
    count: int


def parse_table(lines: list[str]) -> dict[str, TagCode]:
    """The rows of a table in the `tagcodes.tsv` layout, by upper-case code. A header row
    (`code<TAB>kind...`), blank lines and `#` comments are skipped."""
    table: dict[str, TagCode] = {}
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\n")
        if not text.strip() or text.startswith("#"):
            continue
        fields = text.split("\t")
        if fields[0] == "code":
            continue
        if len(fields) != 4 or not all(f.strip() for f in fields):
            raise ValueError(f"{DATA_FILE} line {number}: expected 4 tab-separated fields")
        code, kind, meaning, source = (f.strip() for f in fields)
        if kind not in KINDS:
            raise ValueError(f"{DATA_FILE} line {number}: unknown kind {kind!r}")
        key = code.upper()
        if key in table:
            raise ValueError(f"{DATA_FILE} line {number}: {key} is listed twice")
        table[key] = TagCode(key, kind, meaning, source)
    return table


@cache
def table() -> dict[str, TagCode]:
    """The shipped table, read once."""
    # beside this module, as `variants` reads its names (no `importlib.resources`: zipfile)
    text = Path(__file__).with_name(DATA_FILE).read_text(encoding="utf-8")
    return parse_table(text.splitlines())


def _fold(text: str) -> str:
    """Lower case without accents, so that `Côte` and `cote` are one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _words(text: str) -> list[str]:
    return [w for w in _WORD_RE.findall(_fold(text)) if w not in _STOP_WORDS]


@cache
def _by_meaning() -> dict[str, frozenset[str]]:
    """Whole meaning (folded, words joined by one space) -> the codes that have it."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in table().values():
        found[" ".join(_WORD_RE.findall(_fold(row.meaning)))].add(row.code)
    return {k: frozenset(v) for k, v in found.items()}


@cache
def _by_word() -> dict[str, frozenset[str]]:
    """Meaning word -> the codes whose meaning has it."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in table().values():
        for word in _words(row.meaning):
            found[word].add(row.code)
    return {k: frozenset(v) for k, v in found.items()}


def entry(code: str) -> TagCode | None:
    """The table row of `code` (any case), or None."""
    return table().get(code.strip().upper())


def meaning(code: str) -> str | None:
    """What `code` means (`PTER` -> "Terrorists and Terrorism"), or None when the table does
    not know it. A TAGS value that spells out a table meaning in full (`IRAN`, `Saudi
    Arabia`), as some drafters wrote them, means that (`UNITED NATIONS`: the meaning of both
    UN and UNO)."""
    found = entry(code)
    if found is not None:
        return found.meaning
    spelled = _by_meaning().get(" ".join(_WORD_RE.findall(_fold(code))), frozenset())
    names = {table()[c].meaning for c in spelled}
    return names.pop() if len(names) == 1 else None


def kind(code: str) -> str | None:
    """subject, program, organization or country; None for a code the table does not know."""
    found = entry(code)
    return found.kind if found is not None else None


def code_for_word(word: str) -> str | None:
    """The one code whose meaning is `word` or has it as a word (`terrorism` -> PTER, `iraq`
    -> IZ, `human rights` -> PHUM); None when no code or several codes fit (`korea`: North
    and South). Codes themselves are not looked up here: `in` is a word, not India."""
    words = _WORD_RE.findall(_fold(word))
    if not words:
        return None
    whole = _by_meaning().get(" ".join(words), frozenset())
    if len(whole) == 1:
        return next(iter(whole))
    kept = [w for w in words if w not in _STOP_WORDS]
    if len(kept) != 1:
        return None
    codes = _by_word().get(kept[0], frozenset())
    return next(iter(codes)) if len(codes) == 1 else None


def meanings(codes: Iterable[str]) -> list[dict[str, str | None]]:
    """The `tag_meanings` JSON field: `{"code", "meaning"}` per code, in the cable's order."""
    return [{"code": c, "meaning": meaning(c)} for c in codes]


def label(code: str) -> str:
    """`PTER — Terrorists and Terrorism`, or the bare code when its meaning is unknown."""
    found = meaning(code)
    return f"{code} — {found}" if found else code


# --- `cables tags` ---------------------------------------------------------------------------


def tag_counts(index: Path | Searchable) -> tuple[TagCount, ...]:
    """Every TAGS value in the index with its meaning and the number of live cables that
    carry it, most frequent first (then by code)."""
    # imported here: `indexer.query` imports this module, and the read side imports it
    from .facets import count_facet
    from .opening import opened

    with opened(index) as s:
        counts = count_facet(s, "tags", s.arrays.live, None)
    return tuple(TagCount(code, meaning(code), n) for code, n in counts)


def tag_counts_to_dict(counts: tuple[TagCount, ...]) -> dict[str, Any]:
    """The JSON form of `cables tags` (README, "JSON fields: tags")."""
    return {"tags": [{"code": t.code, "meaning": t.meaning, "count": t.count} for t in counts]}


def write_tag_counts(counts: tuple[TagCount, ...], fp: TextIO) -> None:
    """One line per code: count, code, meaning (blank when unknown)."""
    # capped: a few TAGS values are whole glued-together lines and would push every meaning
    # off to the right
    width = min(max((len(t.code) for t in counts), default=4), _CODE_WIDTH)
    for t in counts:
        fp.write(f"{t.count:>9,}  {t.code:<{width}}  {t.meaning or ''}".rstrip() + "\n")


def write_tag_counts_json(counts: tuple[TagCount, ...], fp: TextIO) -> None:
    json.dump(tag_counts_to_dict(counts), fp, ensure_ascii=False, indent=2)
    fp.write("\n")
