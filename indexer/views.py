"""The per-command views: `show` (one cable), `similar`, `stats` and `batch`.

Each takes the index folder or an open `Searchable` and returns frozen records
(`indexer.records`); the CLI and the web pages render them.

Flow: beside query -> hits -> highlights -> output: `show` marks a query's matches in the
cable's paragraphs, `similar` ranks through the engine, `batch` runs `search` per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.util.times import long_to_datetime

from .cable import Cable, Source
from .engine import scored
from .errors import NotFound, QueryError
from .facets import NO_DATE, count_facet
from .highlight import Terms, paragraphs, query_terms
from .hits import load_hit, search
from .layout import MANIFEST, VERSIONS
from .opening import Searchable, opened
from .prepare import prepare_query
from .ranking import by_score
from .records import BatchRow, CableView, Hit, Stats, Version


def _require(s: Searchable, refid: str) -> int:
    docnum = s.docnum(refid)
    if docnum is None:
        raise NotFound(
            f"no cable {refid} in the index - check the id, or search for it: "
            f"cables search 'id:{refid}*'"
        )
    return docnum


def _subject_of(s: Searchable, refid: str) -> str | None:
    docnum = s.docnum(refid)
    if docnum is None:
        return None
    return str(s.searcher.stored_fields(docnum).get("subject") or "")


def _parse_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def cable_from_stored(stored: dict[str, Any]) -> Cable:
    """The Cable a document was made from (its `cable` JSON plus the stored body)."""
    data = json.loads(stored["cable"])
    data["body"] = stored.get("body") or ""
    data["source"] = Source(**data["source"])
    for key in ("created", "released"):
        data[key] = _parse_dt(data.get(key))
    for key, value in list(data.items()):
        if isinstance(value, list):
            data[key] = tuple(value)
    return Cable(**data)


def _versions(s: Searchable, refid: str) -> tuple[Version, ...]:
    try:
        data = json.loads((s.generation / VERSIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    return tuple(Version(**entry) for entry in data.get(refid, ()))


def show(index: Path | Searchable, refid: str, query: str | None = None) -> CableView:
    """One cable with its references both ways and its versions; matches of `query` marked."""
    refid = refid.strip().upper()
    with opened(index) as s:
        stored = s.searcher.stored_fields(_require(s, refid))
        cable = cable_from_stored(stored)
        terms = Terms()
        if query:
            q, _ = prepare_query(s, query)
            terms = query_terms(q)
        references = tuple((r, _subject_of(s, r)) for r in cable.references)
        citing = sorted(
            (str(f.get("refid")), f.get("subject")) for f in s.searcher.documents(references=refid)
        )
        return CableView(
            cable=cable,
            paragraphs=tuple(paragraphs(cable.body, terms)),
            references=references,
            cited_by=tuple(citing),
            versions=_versions(s, refid),
        )


def similar(index: Path | Searchable, refid: str, limit: int = 10) -> tuple[Hit, ...]:
    """Cables most like `refid` (more-like-this on its subject and body)."""
    refid = refid.strip().upper()
    with opened(index) as s:
        docnum = _require(s, refid)
        stored = s.searcher.stored_fields(docnum)
        text = f"{stored.get('subject') or ''}\n{stored.get('body') or ''}"
        keys = s.searcher.key_terms_from_text("body", text, numterms=20)
        if not keys:
            return ()
        q = wq.Or(
            [wq.Term(f, word, boost=weight) for word, weight in keys for f in ("subject", "body")]
        )
        mask, scores = scored(s, q)
        ranked = by_score(s, mask, scores, limit + 1)
        return tuple(load_hit(s, d, score, None) for d, score in ranked if d != docnum)[:limit]


def stats(index: Path | Searchable) -> Stats:
    """What the index holds: counts, date span, size, last update."""
    with opened(index) as s:
        live = s.arrays.live
        created = s.arrays.created
        dates = created[live & (created != NO_DATE)]
        size = sum(p.stat().st_size for p in s.generation.iterdir() if p.is_file())
        return Stats(
            cables=int(np.count_nonzero(live)),
            first=long_to_datetime(int(dates.min())).replace(tzinfo=UTC) if len(dates) else None,
            last=long_to_datetime(int(dates.max())).replace(tzinfo=UTC) if len(dates) else None,
            by_classification=tuple(count_facet(s, "classification", live, None)),
            by_origin=tuple(count_facet(s, "origin", live, None)),
            by_year=tuple(sorted(count_facet(s, "year", live, None))),
            size_bytes=size,
            updated=_manifest_updated(s.generation),
            generation=s.generation.name,
        )


_UPDATED_RE = re.compile(rb'^\{\s*"version"\s*:\s*\d+\s*,\s*"updated"\s*:\s*"([^"]*)"')


def _manifest_updated(gen: Path) -> datetime | None:
    """The manifest's "updated" time. `cables index` writes it at the very start of the file,
    so only the head is read: the whole manifest is ~1 KB a file (250 MB at Cablegate size)."""
    try:
        with open(gen / MANIFEST, "rb") as fh:
            found = _UPDATED_RE.match(fh.read(256))
        if found:
            return _parse_dt(found.group(1).decode("ascii", "replace"))
        data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
        return _parse_dt(data.get("updated"))
    except (OSError, ValueError):
        return None


def batch(index: Path | Searchable, lines: Iterable[str], limit: int = 5) -> Iterator[BatchRow]:
    """Run one query per line (blank lines and `#` comments skipped); a bad line gives a row
    with its error instead of stopping the batch."""
    with opened(index) as s:
        for line in lines:
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            try:
                result = search(s, text, limit=limit, facets=(), highlight=False)
            except QueryError as exc:
                yield BatchRow(text, 0, (), str(exc))
                continue
            yield BatchRow(
                text, result.total, tuple(h.refid for h in result.hits), None, result.warnings
            )
