"""The query objects of our own that binding makes and the engine evaluates.

`Expanded` (several terms of one field as one clause: a pattern, a fuzzy word, name
spellings, with only some of them scored), `MultiPhrase` (a phrase whose every position is
one of several terms) and `Unknown` (the cables without a value for a facet field). Whoosh's
own query classes (`whoosh.query`) make up the rest of a bound query.

Flow: query, between binding (`indexer.query_binding`) and evaluation (`indexer.engine`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from whoosh import query as wq

from .whoosh_private import TermList


class Expanded(TermList):
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
