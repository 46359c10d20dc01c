"""The records that flow through the pipeline: `RawRecord` (what a reader saw) and `Cable`.

file -> reader (`indexer.readers`) -> `RawRecord` -> `indexer.normalize.build_cable` -> `Cable`.

Readers only undo the *file format* (HTML markup, CSV quoting, JSON escapes, encodings).
Everything that is about the *cable text* (page breaks, `Q` duplicates, SUBJECT/TAGS/REF
extraction, the HTML releases' wrong "Created" minutes) happens once, in `normalize`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

#: A well-formed Cablegate reference id: 2-digit year, station (letters, spaces removed),
#: serial number. `09BAGHDAD113`, `66BUENOSAIRES2481`, `08USUNNEWYORK1097`, `09STATE12345`.
REFID_RE = re.compile(r"^(\d{2})([A-Z][A-Z]*?)(\d+)$")


def refid_year(refid: str | None) -> int | None:
    """The year a reference id starts with: 66-99 are 19xx, 00-10 are 20xx (Cablegate runs
    from 1966 to 2010); None for an id without a Cablegate year. Malformed ids keep their
    year in front too ("08SCTION02OF02SAOPAULO335")."""
    m = re.match(r"(\d{2})[A-Z]", refid or "")
    if m is None:
        return None
    yy = int(m.group(1))
    if yy >= 66:
        return 1900 + yy
    return 2000 + yy if yy <= 10 else None


def is_wellformed_refid(refid: str) -> bool:
    """True for ids shaped like `09BAGHDAD113` (year, station letters, serial without zeros)."""
    m = REFID_RE.match(refid)
    return m is not None and not m.group(3).startswith("0")


@dataclass(frozen=True)
class Source:
    """Where a record came from, precisely enough to find it again and to detect changes."""

    path: str
    #: pagetext, html, csv, jsonl, jsonp, pre, pdftotext, alx or pdf
    format: str
    #: 1-based record number in multi-record files (CSV row, JSON line); None for one-cable files
    record: int | None
    #: sha256 (hex) of the raw bytes of this record (the whole file for one-cable files)
    sha256: str
    #: the Cablegate release the record comes from, as the number of cables released so far
    #: (243 for the first release of 2010-11-29 ... 251287 for the final one), where known
    release: int | None = None


@dataclass(frozen=True)
class RawRecord:
    """One cable as a reader found it: the format's metadata plus the cable text.

    `text` is the cable text with the file format undone (no HTML tags or entities, CSV/JSON
    unescaped, decoded to str) but with all of the cable's own noise still in it. When the
    format keeps the routing header apart (HTML, CSV, page text), it is in `header` and `text`
    is the rest; otherwise `header` is None and `normalize` splits it off.
    """

    source: Source
    text: str
    header: str | None = None
    refid: str | None = None
    created: datetime | None = None
    #: True when `created` comes from a Cablegate HTML release whose minutes are unreliable
    created_minutes_unreliable: bool = False
    released: datetime | None = None
    classification: str | None = None
    origin: str | None = None
    #: "WikiLeaks: TITLE" of the page text layout, or the heading of later HTML releases
    title: str | None = None
    #: a subject given by the format's metadata (JSONP, alx dump, HTML heading)
    subject: str | None = None
    #: TAGS given apart from the text (HTML links), in order
    tags: tuple[str, ...] | None = None
    #: reference ids given apart from the text (cables.csv column)
    references: tuple[str, ...] | None = None
    #: an id from a weak source (file name, a mongoexport `_id` that may hold the references
    #: column): used only when neither `refid` nor the text's station/serial + year give one
    refid_hint: str | None = None
    #: things the reader noticed and the user should know
    notes: tuple[str, ...] = ()
    #: press coverage: the release pages' "Appears in these articles" links (URLs)
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cable:
    """One clean cable. All datetimes are timezone-aware UTC."""

    refid: str
    created: datetime | None
    classification: str
    origin: str
    title: str
    subject: str
    tags: tuple[str, ...]
    references: tuple[str, ...]
    signed_by: tuple[str, ...]
    classified_by: str | None
    recipients: tuple[str, ...]
    info: tuple[str, ...]
    header: str
    body: str
    summary: str | None
    released: datetime | None
    declassify: str | None
    source: Source
    notes: tuple[str, ...] = field(default=())
    #: press coverage: the release pages' "Appears in these articles" links (URLs)
    articles: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        """The year the cable was written: its creation year, else its reference id's."""
        return self.created.year if self.created else refid_year(self.refid)


@dataclass(frozen=True)
class ReadError:
    """A record that could not be read. Printed as `path[:record]: reason`; never stops a run."""

    path: str
    record: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.record is None else f"{self.path}:{self.record}"
        return f"{where}: {self.reason}"


def cable_to_dict(cable: Cable) -> dict[str, Any]:
    """The JSON form of a cable (fields documented in README, "JSON fields: parse")."""
    data = asdict(cable)
    for key in ("created", "released"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, datetime) else None
    for key, value in data.items():
        if isinstance(value, tuple):
            data[key] = list(value)
    data["year"] = cable.year
    return data
