"""The records of the search library as JSON and CSV: the stable fields README documents
("JSON fields"). Every writer takes the stream it writes to."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any, TextIO

from . import tagcodes
from .cable import cable_to_dict
from .highlight import Fragment
from .records import CableView, Hit, SearchResult, Stats


def fragment_to_dict(fragment: Fragment) -> dict[str, Any]:
    return {"text": fragment.text, "matches": [[s, e] for s, e in fragment.matches]}


def hit_to_dict(hit: Hit) -> dict[str, Any]:
    return {
        "refid": hit.refid,
        "score": round(hit.score, 6),
        "subject": hit.subject,
        "created": hit.created.isoformat() if hit.created else None,
        "origin": hit.origin,
        "classification": hit.classification,
        "tags": list(hit.tags),
        "tag_meanings": tagcodes.meanings(hit.tags),
        "highlights": [fragment_to_dict(f) for f in hit.highlights],
    }


def view_to_dict(view: CableView) -> dict[str, Any]:
    """The JSON form of `show` (README, "JSON fields: show"): the cable as `cables parse
    --json` gives it, plus `paragraphs` (the body's paragraphs with query matches), `cites`
    (its references with their subjects; `in_index` false for absent ones), `cited_by`,
    `versions` and `tag_meanings` (each TAGS code with its meaning, null when unknown)."""
    data = cable_to_dict(view.cable)
    data["tag_meanings"] = tagcodes.meanings(view.cable.tags)
    data["paragraphs"] = [fragment_to_dict(p) for p in view.paragraphs]
    data["cites"] = [
        {"refid": r, "subject": s, "in_index": s is not None} for r, s in view.references
    ]
    data["cited_by"] = [{"refid": r, "subject": s} for r, s in view.cited_by]
    data["versions"] = [asdict(v) for v in view.versions]
    return data


def stats_to_dict(st: Stats) -> dict[str, Any]:
    """The JSON form of `stats` (README, "JSON fields: stats")."""
    return {
        "cables": st.cables,
        "first": st.first.isoformat() if st.first else None,
        "last": st.last.isoformat() if st.last else None,
        "by_classification": [{"value": v, "count": n} for v, n in st.by_classification],
        "by_origin": [{"value": v, "count": n} for v, n in st.by_origin],
        "by_year": [{"value": v, "count": n} for v, n in st.by_year],
        "size_bytes": st.size_bytes,
        "updated": st.updated.isoformat() if st.updated else None,
        "generation": st.generation,
    }


def result_to_dict(result: SearchResult) -> dict[str, Any]:
    """The stable JSON form of a search result (README, "JSON fields: search")."""
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "hits": [hit_to_dict(h) for h in result.hits],
        "facets": {
            name: [{"value": v, "count": n} for v, n in counts]
            for name, counts in result.facets.items()
        },
        "suggestion": result.suggestion,
        "warnings": list(result.warnings),
    }


def write_jsonl(hits: Iterable[Hit], fp: TextIO) -> int:
    """One JSON object per hit per line; returns the number written."""
    written = 0
    for hit in hits:
        fp.write(json.dumps(hit_to_dict(hit), ensure_ascii=False))
        fp.write("\n")
        written += 1
    return written


CSV_COLUMNS = ("refid", "score", "created", "classification", "origin", "tags", "subject")


def write_csv(hits: Iterable[Hit], fp: TextIO) -> int:
    """A header row, then one row per hit (tags space-separated); returns the rows written."""
    writer = csv.writer(fp)
    writer.writerow(CSV_COLUMNS)
    written = 0
    for hit in hits:
        writer.writerow(
            [
                hit.refid,
                f"{hit.score:.6f}",
                hit.created.isoformat() if hit.created else "",
                hit.classification,
                hit.origin,
                " ".join(hit.tags),
                hit.subject,
            ]
        )
        written += 1
    return written
