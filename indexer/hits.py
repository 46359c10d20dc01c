"""A search: query text -> one page of ranked hits with the exact total and facets.

`search` prepares the query (`indexer.prepare`), ranks the matches (`indexer.ranking`),
loads the stored fields of the page's hits only (`load_hit`), marks their highlights
(`indexer.highlight`), counts facets (`indexer.facets`) and asks for a did-you-mean
(`indexer.suggest`) when there are few hits. `export` gives every hit, lazily.

Flow: query -> hits -> highlights; `indexer.output` and `indexer.render` write the records.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from .engine import matching
from .errors import QueryError
from .facets import ALL_FACETS, FACET_FIELDS, count_facet
from .highlight import Terms, fragments, query_terms
from .opening import Searchable, open_index, opened
from .prepare import filtered
from .query import MAX_EXPANSIONS
from .ranking import SORTS, rank
from .records import Export, Hit, SearchResult
from .suggest import SUGGEST_BELOW, suggest


def search(
    index: Path | Searchable,
    query_text: str,
    *,
    limit: int = 10,
    page: int = 1,
    sort: str = "relevance",
    facets: Sequence[str] = FACET_FIELDS,
    facet_limit: int = 10,
    highlight: bool = True,
    max_terms: int = MAX_EXPANSIONS,
    filters: Sequence[str] = (),
) -> SearchResult:
    """One page of ranked hits for `query_text`, with the exact total and facets; every
    clause of `filters` (e.g. `facet_filter("tags", "PTER")`) must match too."""
    started = time.perf_counter()
    check_options(limit, page, sort, facets)
    with opened(index) as s:
        q, main, warnings, browse = filtered(s, query_text, filters, max_terms)
        if browse and sort == "relevance":
            sort = "newest"  # every cable scores alike: newest first
        ranked, mask = rank(s, q, sort, page * limit)
        terms = query_terms(main) if highlight else Terms()
        page_items = ranked[(page - 1) * limit : page * limit]
        hits = tuple(load_hit(s, d, score, terms if highlight else None) for d, score in page_items)
        counts = {name: count_facet(s, name, mask, facet_limit) for name in facets}
        total = int(np.count_nonzero(mask))
        suggestion = suggest(s, query_text, total) if total <= SUGGEST_BELOW else None
    return SearchResult(
        query=query_text,
        total=total,
        page=page,
        pages=math.ceil(total / limit),
        limit=limit,
        hits=hits,
        facets=counts,
        suggestion=suggestion,
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
        terms=terms,
    )


def check_options(limit: int, page: int, sort: str, facets: Sequence[str]) -> None:
    if limit < 1:
        raise QueryError(f"bad limit {limit} - show at least 1 hit per page")
    if page < 1:
        raise QueryError(f"bad page {page} - pages start at 1")
    if sort not in SORTS:
        raise QueryError(f'unknown sort "{sort}" - sorts are {", ".join(SORTS)}')
    for name in facets:
        if name not in ALL_FACETS:
            raise QueryError(f'unknown facet "{name}" - facets are {", ".join(ALL_FACETS)}')


def _utc(value: Any) -> datetime | None:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) else None


def load_hit(s: Searchable, docnum: int, score: float, terms: Terms | None) -> Hit:
    stored = s.searcher.stored_fields(docnum)
    highlights = () if terms is None else tuple(fragments(stored.get("body") or "", terms))
    return Hit(
        refid=stored.get("refid", ""),
        score=score,
        subject=stored.get("subject") or "",
        created=_utc(stored.get("created")),
        origin=stored.get("origin") or "",
        classification=stored.get("classification") or "",
        tags=tuple((stored.get("tags") or "").split()),
        highlights=highlights,
    )


def iter_all(
    index: Path | Searchable,
    query_text: str,
    sort: str = "relevance",
    *,
    filters: Sequence[str] = (),
) -> Iterator[Hit]:
    """Every hit of `query_text` (and `filters`, as in `search`) in `sort` order, without
    highlights (for `--all` export)."""
    yield from export(index, query_text, sort, filters=filters).hits


def export(
    index: Path | Searchable,
    query_text: str,
    sort: str = "relevance",
    *,
    filters: Sequence[str] = (),
) -> Export:
    """Every hit of `query_text` (and `filters`) in `sort` order (no highlights), the exact
    total and the warnings (capped scoring, words left out, spellings added) before the
    first hit."""
    check_options(1, 1, sort, ())
    s = index if isinstance(index, Searchable) else open_index(Path(index))
    try:
        q, _, warnings, browse = filtered(s, query_text, filters)
        if browse and sort == "relevance":
            sort = "newest"
        total = int(np.count_nonzero(matching(s, q)))
        ranked, _ = rank(s, q, sort, total)
    except BaseException:
        if s is not index:
            s.close()
        raise

    def hits() -> Iterator[Hit]:
        try:
            for docnum, score in ranked:
                yield load_hit(s, docnum, score, None)
        finally:
            if s is not index:
                s.close()

    return Export(total, tuple(warnings), hits())
