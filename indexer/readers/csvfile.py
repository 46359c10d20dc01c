"""Reader for the community `cables.csv`: 8 quoted columns, one cable per row, no header row.

Columns: row number, `M/D/YYYY H:MM` date (UTC, real minutes), refid, origin, classification,
`|`-separated references, header, body. Quotes and apostrophes inside fields are escaped with a
backslash (`\\"`, `\\'`), fields span many lines, lines end in LF.

The full file is 1.7 GB, so it is read streaming: the binary file is fed line by line to
`csv.reader`, and the feed remembers which raw lines the reader pulled for the current row.
That gives each row's exact raw bytes (for `Source.sha256`) without holding more than one row
in memory and without re-serialising anything.

Broken rows become `ReadError`s and reading goes on: after a CSV syntax error the reader
re-synchronises on the next line that starts like a row (`"<digits>","`).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..cable import RawRecord, ReadError, Source
from ._common import LOSSY_NOTE, decode_text, parse_utc, strip_line_end

FORMAT = "csv"
COLUMNS = 8

#: Largest field we accept. The biggest cables are well under 1 MB; the csv module's default
#: (131,072 chars) is too small for some of them, but an unbounded limit would let one missing
#: closing quote swallow the rest of a 1.7 GB file into memory.
FIELD_SIZE_LIMIT = 32 * 1024 * 1024

#: What the first row of the file looks like: "<row no.>","<M/D/YYYY H:MM>","<refid>",
_SNIFF_RE = re.compile(
    rb'^(\xef\xbb\xbf)?\s*"\d+","\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}","[^"\r\n]*",'
)

#: A line that starts a new row; used only to re-synchronise after a broken row.
_ROW_START_RE = re.compile(r'^\ufeff?"\d+","')

def sniff(path: Path, head: bytes) -> bool:
    """True when the file starts with a cables.csv row: `"<digits>","<date>","<refid>",`."""
    return bool(_SNIFF_RE.match(head))


class _LineFeed:
    """Hands decoded lines to `csv.reader` and keeps the raw bytes of the row being read."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self._pushed_back: list[bytes] = []
        self._row: list[bytes] = []
        self._lossy = False
        self._first_line = True

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        raw = self._pushed_back.pop() if self._pushed_back else self._fh.readline()
        if not raw:
            raise StopIteration
        self._row.append(raw)
        text, lossy = decode_text(raw)
        self._lossy |= lossy
        if self._first_line:
            # A BOM would hide the opening quote of the first field from the csv module.
            self._first_line = False
            text = text.removeprefix("\ufeff")
        return text

    def take_row(self) -> tuple[bytes, bool]:
        """The raw bytes (without the final line end) of the row just read, and its lossiness."""
        raw, lossy = strip_line_end(b"".join(self._row)), self._lossy
        self._row, self._lossy = [], False
        return raw, lossy

    def resync(self) -> None:
        """After a syntax error: end the broken row just before the next line that starts a row.

        The csv reader may already have pulled that line (a row missing its closing quote runs
        into the next row), so look among the pulled lines first and give the rest back.
        """
        for i in range(1, len(self._row)):
            if _ROW_START_RE.match(self._row[i].decode("utf-8", "replace")):
                self._pushed_back.extend(reversed(self._row[i:]))
                del self._row[i:]
                return
        while True:
            raw = self._pushed_back.pop() if self._pushed_back else self._fh.readline()
            if not raw:
                return
            if _ROW_START_RE.match(raw.decode("utf-8", "replace")):
                self._pushed_back.append(raw)
                return
            self._row.append(raw)


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    """Every row of a cables.csv file, in order; broken rows as `ReadError`s."""
    # Process-wide setting; only ever raised, never lowered below what someone else needs.
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed by the `with` below)
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        yield from _read_rows(path, fh)


def _read_rows(path: Path, fh: BinaryIO) -> Iterator[RawRecord | ReadError]:
    feed = _LineFeed(fh)
    # strict: a quote in the wrong place or a file ending inside a quoted field is an error,
    # not silently glued into a field. doublequote stays on so `""` still reads as one quote.
    rows = csv.reader(feed, delimiter=",", quotechar='"', escapechar="\\", strict=True)
    number = 0
    while True:
        try:
            fields = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            feed.resync()
            feed.take_row()
            yield ReadError(str(path), number, _describe(exc))
            continue
        except OSError as exc:
            yield ReadError(str(path), number + 1, f"cannot read: {exc.strerror or exc}")
            return
        raw, lossy = feed.take_row()
        if not fields:  # a blank line between rows is not a record
            continue
        number += 1
        yield _record(path, number, fields, raw, lossy)


def _describe(exc: csv.Error) -> str:
    message = str(exc)
    if "unexpected end of data" in message:
        return "truncated row: the file ends inside a quoted field"
    if "field larger than field limit" in message:
        return f"field longer than {FIELD_SIZE_LIMIT:,} characters (missing closing quote?)"
    return f"bad CSV: {message}"


def _record(
    path: Path, number: int, fields: list[str], raw: bytes, lossy: bool
) -> RawRecord | ReadError:
    if len(fields) != COLUMNS:
        return ReadError(str(path), number, f"expected {COLUMNS} columns, found {len(fields)}")
    _row_no, date, refid, origin, classification, references, header, body = fields
    notes: list[str] = [LOSSY_NOTE] if lossy else []
    created = parse_utc(date, "%m/%d/%Y %H:%M")
    if created is None and date.strip():
        notes.append(f"unreadable date {date.strip()!r}")
    return RawRecord(
        source=Source(str(path), FORMAT, number, hashlib.sha256(raw).hexdigest()),
        text=body,
        # An empty header column means the header was not split off; let normalize look.
        header=header if header.strip() else None,
        refid=refid.strip() or None,
        created=created,
        created_minutes_unreliable=False,
        classification=classification.strip() or None,
        origin=origin.strip() or None,
        references=tuple(ref.strip() for ref in references.split("|") if ref.strip()),
        notes=tuple(notes),
    )
