"""Cable -> Whoosh document: the field values one cable contributes to the index.

Plain Python (no Whoosh import): both the fast writer and stock Whoosh take these dicts, so
the benchmark can feed the very same documents to both.

Where it sits: file -> reader -> Cable -> document -> index; this is the Cable -> document
step, run by the parse workers (`indexer.parsework`) before the segment writer
(`indexer.fastwrite`). `record_hash` is what saved searches compare (`indexer.alerts`);
`source` repeats the `source` object of `cable` and is read by nothing (kept: dropping a
stored field changes the schema, so every index would need `--rebuild`).
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime
from typing import Any

from .cable import Cable, Source

_CABLE_FIELDS = tuple(f.name for f in fields(Cable) if f.name not in ("body", "source"))
_SOURCE_FIELDS = tuple(f.name for f in fields(Source))


def _source_dict(source: Source) -> dict[str, Any]:
    return {name: getattr(source, name) for name in _SOURCE_FIELDS}


def cable_to_json(cable: Cable) -> str:
    """The whole cable minus its body (stored apart), for `show` and the JSON API."""
    # field by field: dataclasses.asdict deep-copies and costs more than the rest of this
    data = {name: getattr(cable, name) for name in _CABLE_FIELDS}
    data["source"] = _source_dict(cable.source)
    return json.dumps(data, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def to_document(cable: Cable) -> dict[str, Any]:
    """The Whoosh document for one cable (keys are schema field names)."""
    doc: dict[str, Any] = {
        "refid": cable.refid,
        "classification": cable.classification,
        "origin": cable.origin,
        "origin_words": cable.origin,
        "tags": " ".join(cable.tags),
        "references": " ".join(cable.references),
        "signed_by": " ".join(cable.signed_by),
        "subject": cable.subject,
        # most titles repeat the subject: indexing both would count subject words twice
        "title": cable.title if cable.title != cable.subject else "",
        "body": cable.body,
        "record_hash": cable.source.sha256,
        "source": json.dumps(_source_dict(cable.source), separators=(",", ":")),
        "cable": cable_to_json(cable),
    }
    if cable.created is not None:
        # Whoosh DATETIME stores naive datetimes; ours are always UTC
        doc["created"] = cable.created.replace(tzinfo=None)
    if cable.year is not None:
        # the reference id's year when the text gives no date
        doc["year"] = cable.year
    if cable.classified_by:
        doc["classified_by"] = cable.classified_by.lower()
        doc["classified_words"] = cable.classified_by
    return doc
