"""Reader for the community `cables.csv`: 8 quoted columns, one cable per row, no header row.

Columns: row number, `M/D/YYYY H:MM` date (UTC, real minutes), refid, origin, classification,
`|`-separated references, header, body. Quotes and apostrophes inside fields are escaped with a
backslash (`\\"`, `\\'`), fields span many lines, lines end in LF.

The full file is 1.7 GB, so it is read streaming: the binary file is fed line by line to
`csv.reader`, and the feed remembers which raw lines the reader pulled for the current row.
That gives each row's exact raw bytes (for `Source.sha256`) without holding more than one row
in memory and without re-serialising anything.

Broken rows become `ReadError`s and reading goes on: after a CSV syntax error the reader
re-synchronises on the next line that starts like a row (`"<digits>","`). A last row cut off
inside its body (a truncated or split download) is kept, with a note, as far as it goes.

`read_range` reads the rows that start within a byte range, so that the workers of
`cables index` can share one big file (see `split_points`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import mmap
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
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

#: Where a row starts, for splitting a file between workers: a line that starts like a row.
#: In a well-formed file only a row's first line can: a quote inside a field is escaped
#: (`\\"`), and an unescaped one that is not followed by `,` or a line end is an error.
_SPLIT_RE = re.compile(rb'\n(?="\d+",")')
_FIRST_ROW_RE = re.compile(rb'^(\xef\xbb\xbf)?"\d+","')

TRUNCATED_NOTE = "the file ends inside this row's text: the cable is cut off there"


@contextmanager
def _field_limit() -> Iterator[None]:
    """The csv module's field size limit raised to ours while a row is read, and put back at
    once: the limit is process-wide, and other csv users in the process must not see ours."""
    before = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def sniff(path: Path, head: bytes) -> bool:
    """True when the file starts with a cables.csv row: `"<digits>","<date>","<refid>",`."""
    return bool(_SNIFF_RE.match(head))


class _LineFeed:
    """Hands decoded lines to `csv.reader` and keeps the raw bytes of the row being read."""

    def __init__(self, fh: BinaryIO, end: int | None = None) -> None:
        self._fh = fh
        self._row: list[bytes] = []
        self._lossy = False
        self._first_line = fh.tell() == 0
        # rows that start at or after `end` are the next range's (see read_range)
        self._end = end
        self._offset = fh.tell()  # of the next line to read

    def _readline(self) -> bytes:
        if self._end is not None and not self._row and self._offset >= self._end:
            return b""
        raw = self._fh.readline()
        self._offset += len(raw)
        return raw

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        raw = self._readline()
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

    def resync(self) -> bool:
        """After a syntax error: end the broken row just before the next line that starts a row,
        and say whether there is one.

        The csv reader may already have pulled that line (a row missing its closing quote runs
        into the next row), so look among the pulled lines first and read the rest again.
        """
        for i in range(1, len(self._row)):
            if _ROW_START_RE.match(self._row[i].decode("utf-8", "replace")):
                self._rewind(sum(map(len, self._row[i:])))
                del self._row[i:]
                return True
        while True:
            raw = self._readline()
            if not raw:
                return False
            if _ROW_START_RE.match(raw.decode("utf-8", "replace")):
                self._rewind(len(raw))
                return True
            self._row.append(raw)

    def _rewind(self, nbytes: int) -> None:
        self._offset -= nbytes
        self._fh.seek(self._offset)


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    """Every row of a cables.csv file, in order; broken rows as `ReadError`s."""
    return read_range(path, 0, None, 0)


def read_range(
    path: Path, start: int, end: int | None, rows_before: int
) -> Iterator[RawRecord | ReadError]:
    """The rows that start at byte `start` (a row start: 0 or one of `split_points`) up to
    the first row that starts at or after `end` (None: to the end of the file), numbered
    after `rows_before` rows."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed by the `with` below)
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        fh.seek(start)
        yield from _read_rows(path, fh, end, rows_before)


def split_points(path: Path, parts: int) -> list[tuple[int, int]]:
    """Row starts that cut the file into about `parts` ranges of similar size, each with the
    number of rows before it: `[(0, 0), (offset, rows before), ...]`.

    Rows are counted by their first lines (`_SPLIT_RE`), so a split read numbers its rows as
    a whole read does wherever rows are separated by nothing but blank lines. A file that does
    not start with a row is not split.
    """
    size = os.path.getsize(path)
    if parts <= 1 or size == 0:
        return [(0, 0)]
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if not _FIRST_ROW_RE.match(data):
            return [(0, 0)]
        points = [(0, 0)]
        rows = 1  # the file's first row, which has no line end before it
        searched = 0
        for k in range(1, parts):
            m = _SPLIT_RE.search(data, max(size * k // parts, searched))
            if m is None:
                break
            # the row starts in [searched, m.end()): the one at m is not among them (its
            # look-ahead reaches past the end of the search)
            rows += sum(1 for _ in _SPLIT_RE.finditer(data, searched, m.end()))
            points.append((m.end(), rows))
            rows += 1
            searched = m.end()
        return points


def _read_rows(
    path: Path, fh: BinaryIO, end: int | None, number: int
) -> Iterator[RawRecord | ReadError]:
    feed = _LineFeed(fh, end)
    # strict: a quote in the wrong place or a file ending inside a quoted field is an error,
    # not silently glued into a field. doublequote stays on so `""` still reads as one quote.
    rows = _csv_rows(feed)
    while True:
        try:
            with _field_limit():
                fields = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            more = feed.resync()
            raw, lossy = feed.take_row()
            if "unexpected end of data" in str(exc) and not more:
                # the last row, cut inside a quoted field: keep what there is of it
                yield _truncated(path, number, raw, exc)
            else:
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


def _csv_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    return csv.reader(lines, delimiter=",", quotechar='"', escapechar="\\", strict=True)


def _truncated(path: Path, number: int, raw: bytes, exc: csv.Error) -> RawRecord | ReadError:
    """A last row cut off inside its body, closed where it ends; other cuts stay errors."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        # final=False: a character cut in half at the very end is dropped, not an error
        text, lossy = decoder.decode(raw, final=False), False
    except UnicodeDecodeError:
        text, lossy = decode_text(raw)
    text = text.removeprefix("\ufeff")
    if (len(text) - len(text.rstrip("\\"))) % 2:
        text = text[:-1]  # a cut between an escape and the character it escapes
    try:
        with _field_limit():
            fields = next(_csv_rows(io.StringIO(text + '"')))
    except (csv.Error, StopIteration):
        return ReadError(str(path), number, _describe(exc))
    if len(fields) != COLUMNS:
        return ReadError(str(path), number, _describe(exc))
    record = _record(path, number, fields, raw, lossy)
    if isinstance(record, RawRecord):
        record = replace(record, notes=(*record.notes, TRUNCATED_NOTE))
    return record


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
