"""Small builders shared by tests: cables in the example's page text layout, corpora, indexes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conftest import EXAMPLE
from whoosh import index as whoosh_index

from indexer import plainindex, store
from indexer.cable import Cable, Source
from indexer.document import to_document
from indexer.layout import INDEX_NAME, MANIFEST, VERSIONS
from indexer.schema import build_schema

EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def page_cable(
    refid: str,
    *,
    subject: str | None = None,
    created: str = "2009-01-15 16:48",
    classification: str = "CONFIDENTIAL",
    origin: str = "Embassy Baghdad",
    extra: str = "",
) -> str:
    """The example cable with another refid (and optionally subject, date, ...)."""
    text = EXAMPLE_TEXT.replace(
        "09BAGHDAD113 | 2009-01-15 16:48 | CONFIDENTIAL | Embassy Baghdad |",
        f"{refid} | {created} | {classification} | {origin} |",
    )
    if subject is not None:
        text = text.replace(
            "SUBJECT: MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN FOR MASS SUICIDE; "
            "MEK, IRAQI AUTHORITIES BOOST ENGAGEMENT",
            f"SUBJECT: {subject}",
        )
    if extra:
        text = text.replace("BUTENIS", f"{extra} BUTENIS")
    return text


def write_cable(folder: Path, refid: str, **kwargs: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{refid}.txt"
    path.write_text(page_cable(refid, **kwargs), encoding="utf-8")
    return path


def make_cable(
    refid: str,
    subject: str = "",
    body: str = "",
    *,
    created: datetime | None = datetime(2009, 1, 15, 12, 0, tzinfo=UTC),
    classification: str = "CONFIDENTIAL",
    origin: str = "Embassy Baghdad",
    tags: tuple[str, ...] = ("PREL",),
    references: tuple[str, ...] = (),
    header: str = "",
    released: datetime | None = None,
) -> Cable:
    """A hand-made Cable (all other fields plain defaults)."""
    return Cable(
        refid=refid,
        created=created,
        classification=classification,
        origin=origin,
        title="",
        subject=subject,
        tags=tags,
        references=references,
        signed_by=("BUTENIS",),
        classified_by="Patricia Butenis",
        recipients=("SECSTATE WASHDC",),
        info=(),
        header=header,
        body=body,
        summary=None,
        released=released,
        declassify=None,
        source=Source(f"/corpus/{refid}.txt", "pagetext", None, "0" * 64),
    )


def stock_index(folder: Path, docs: Sequence[dict[str, Any]]) -> Path:
    """A plain Whoosh index at `folder` of `docs`, written by stock Whoosh's own writer: the
    reference our writer and readers are compared with."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), build_schema())
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(**doc)
    return folder


def make_index(
    root: Path,
    cables: Sequence[Cable],
    versions: dict[str, list[dict[str, object]]] | None = None,
    segments: int = 1,
) -> Path:
    """A published one-generation index at `root` (the layout `cables index` writes) holding
    `cables`, written by the writer users run (`indexer.fastwrite`) in `segments` segments."""
    gen = root / "gen-000001"
    gen.mkdir(parents=True)
    size = max(1, -(-len(cables) // segments))
    whoosh_index.create_in(str(gen), build_schema(), indexname=INDEX_NAME)
    plainindex.add_documents(gen, [to_document(c) for c in cables], procs=1, segment_docs=size)
    (gen / VERSIONS).write_text(json.dumps(versions or {}), encoding="utf-8")
    (gen / MANIFEST).write_text(
        json.dumps({"version": 1, "updated": "2024-05-01T10:00:00+00:00", "files": {}}),
        encoding="utf-8",
    )
    store.publish(root, gen)
    return root
