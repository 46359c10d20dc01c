"""Reader for the "page text" layout: a cablegate HTML page saved as text.

This is the layout of the bundled example `corpus/09BAGHDAD113.txt`:

    WikiLeaks: TITLE
    Reference ID | Created | Classification | Origin |
    ---|---|---|---|
    09BAGHDAD113 | 2009-01-15 16:48 | CONFIDENTIAL | Embassy Baghdad |
    VZCZC... FM AMEMBASSY BAGHDAD TO ...          (routing header, one line)
    C O N F I D E N T I A L SECTION 01 OF 02 ...  (body, collapsed onto one line)

Columns are found by name (a "Released" column may be there, r243 says "Date" for
"Created"), blank lines are skipped, and the header line may be missing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ..cable import RawRecord, ReadError
from ._common import (
    METADATA_COLUMNS,
    decode_bytes,
    file_source,
    head_text,
    read_bytes,
    refid_hint_from_name,
)

FORMAT = "pagetext"

_TITLE_PREFIX = "WikiLeaks:"
#: The metadata table's header row: a `|` row with a "Reference ID" cell anywhere.
_TABLE_HEADER_RE = re.compile(r"^(?=.*\|)(?:.*\|)?\s*Reference ID\s*(?:\||$)", re.IGNORECASE)
_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?\s*$")
#: First words of a routing header line (the HTML header block collapsed onto one line).
_HEADER_START_RE = re.compile(
    r"^(VZCZC|[ZOPRM]{1,2}\s+\d{6}Z\s|FM\s|This record is a partial extract)"
)
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def sniff(path: Path, head: bytes) -> bool:
    lines = [line for line in head_text(head).split("\n") if line.strip()][:10]
    if not lines:
        return False
    return lines[0].lstrip().startswith(_TITLE_PREFIX) or any(
        _TABLE_HEADER_RE.match(line) for line in lines
    )


def _cells(line: str) -> list[str]:
    """Cells of a `a | b | c |` row; the outer pipes are optional."""
    row = next(csv.reader([line.strip()], delimiter="|", quoting=csv.QUOTE_NONE))
    cells = [cell.strip() for cell in row]
    if cells and not cells[0] and line.strip().startswith("|"):
        cells = cells[1:]
    if cells and not cells[-1] and line.strip().endswith("|"):
        cells = cells[:-1]
    return cells


def _parse_date(value: str) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    data = read_bytes(path)
    if isinstance(data, ReadError):
        yield data
        return
    text, notes = decode_bytes(data)
    yield _parse(path, data, text, notes)


def _parse(path: Path, data: bytes, text: str, notes: tuple[str, ...]) -> RawRecord | ReadError:
    lines = [line for line in text.split("\n") if line.strip()]
    title = None
    if lines and lines[0].lstrip().startswith(_TITLE_PREFIX):
        title = lines.pop(0).strip().removeprefix(_TITLE_PREFIX).strip() or None
    if not lines or not _TABLE_HEADER_RE.match(lines[0]):
        return ReadError(str(path), None, "page text truncated: no 'Reference ID |' table")
    names = [name.lower() for name in _cells(lines.pop(0))]
    if lines and _RULE_RE.match(lines[0]):
        lines.pop(0)
    if not lines or "|" not in lines[0]:
        return ReadError(str(path), None, "page text truncated: metadata table has no value row")
    values = _cells(lines.pop(0))
    if len(values) != len(names):
        return ReadError(
            str(path), None, f"metadata row has {len(values)} cells for {len(names)} columns"
        )
    meta = {
        METADATA_COLUMNS[n]: v
        for n, v in zip(names, values, strict=True)
        if n in METADATA_COLUMNS and v
    }
    dates: dict[str, datetime | None] = {}
    for key in ("created", "released"):
        if key in meta:
            dates[key] = _parse_date(meta[key])
            if dates[key] is None:
                notes += (f"unreadable {key} date {meta[key]!r}",)
    header = lines.pop(0).strip() if lines and _HEADER_START_RE.match(lines[0].lstrip()) else None
    return RawRecord(
        source=file_source(path, FORMAT, data),
        text="\n".join(lines).strip(),
        header=header,
        refid=meta.get("refid"),
        created=dates.get("created"),
        # This layout is copied from the HTML releases, whose "Created" minutes are unreliable.
        created_minutes_unreliable="created" in meta,
        released=dates.get("released"),
        classification=meta.get("classification"),
        origin=meta.get("origin"),
        title=title,
        refid_hint=refid_hint_from_name(path),
        notes=notes,
    )
