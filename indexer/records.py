"""The records the search library returns (frozen dataclasses): hits, results, a cable's
view, versions, stats, batch rows, exports. `indexer.output` turns them into JSON and CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .cable import Cable
from .highlight import Fragment, Terms


@dataclass(frozen=True)
class Hit:
    refid: str
    score: float
    subject: str
    created: datetime | None  # UTC
    origin: str
    classification: str
    tags: tuple[str, ...]
    highlights: tuple[Fragment, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int  # exact
    page: int
    pages: int
    limit: int
    hits: tuple[Hit, ...]
    #: field -> [(value, count)] over the whole result set, most frequent first
    facets: dict[str, list[tuple[str, int]]]
    suggestion: str | None
    warnings: tuple[str, ...]
    seconds: float
    #: the stems the query looks for (to mark subjects too); not part of the JSON
    terms: Terms = field(default_factory=Terms, compare=False)


@dataclass(frozen=True)
class Version:
    """One record of a cable that several records carry (from versions.json)."""

    path: str
    record: int | None
    format: str
    sha256: str
    released: str | None
    created: str | None
    subject: str
    indexed: bool
    release: int | None = None


@dataclass(frozen=True)
class CableView:
    cable: Cable
    #: body paragraphs; with a query, each with its matches marked
    paragraphs: tuple[Fragment, ...]
    #: cables this one references: (refid, subject or None when not in the index)
    references: tuple[tuple[str, str | None], ...]
    #: cables that reference this one: (refid, subject)
    cited_by: tuple[tuple[str, str | None], ...]
    versions: tuple[Version, ...]


@dataclass(frozen=True)
class Stats:
    cables: int
    first: datetime | None
    last: datetime | None
    by_classification: tuple[tuple[str, int], ...]
    by_origin: tuple[tuple[str, int], ...]
    by_year: tuple[tuple[str, int], ...]
    size_bytes: int
    updated: datetime | None
    generation: str


@dataclass(frozen=True)
class BatchRow:
    query: str
    total: int
    refids: tuple[str, ...]
    error: str | None = None
    #: what the engine changed in the query (as `SearchResult.warnings`)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Export:
    """Every hit of a query, streamed (`--all`), with what the user must be told first."""

    total: int
    warnings: tuple[str, ...]
    hits: Iterator[Hit]
