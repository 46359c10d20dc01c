"""Reader for the WikiLeaks Cablegate "Cable Viewer" HTML pages (cablegate.wikileaks.org).

Every release (the first one of 243 cables in Nov 2010 up to the final one of 251,287 in
Aug/Sep 2011) uses the same page: a left pane with navigation (huge in the final release), then
a right pane (`<div class='pane big'>`) with

* the heading `Viewing cable 10CARACAS187, SUBJECT`,
* the metadata table `<table class='cable'>` (Reference ID, Created or, in the first release,
  Date, Released from the second release on, Classification, Origin),
* two `<code><pre>` blocks: the routing header, then the cable text, with `&#x000A;` for
  newlines, TAGS as links and `<a id='par1' href='#par1'>¶</a>` paragraph anchors.

This module only undoes the HTML: entities, links and markup. The cable text keeps all of its
own noise (page-break lines, pilcrows, `Q` duplicates); `indexer.normalize` handles that, and
also fixes the wrong "Created" minutes that this module flags.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup, Tag, XMLParsedAsHTMLWarning
from bs4.exceptions import ParserRejectedMarkup

from ..cable import RawRecord, ReadError, Source
from ._common import METADATA_COLUMNS, read_bytes

FORMAT = "html"

#: number of cables in the whole Cablegate archive, as the pages' release counter states it
TOTAL_CABLES = 251_287

# An HTML document (not a text that merely contains tags, such as the bare `<code><pre>`
# extracts another reader handles): an `<html` tag near the start.
_HTML_TAG = re.compile(rb"<html[\s>]", re.IGNORECASE)
# Marks of a Cable Viewer page. The final release's pages carry ~185 KB of navigation before
# the metadata table, beyond the 64 KiB head, so the title and the release counter count too.
_VIEWER_MARKS = re.compile(
    rb"<table\s+class=['\"]cable['\"]|<title>\s*Cable Viewer\s*</title>"
    rb"|Currently released so far|<code>\s*<pre>",
    re.IGNORECASE,
)
# The right-hand pane: everything the reader needs except the release counter.
_CABLE_PANE = re.compile(r"<div\s+class=['\"]pane big['\"]\s*>", re.IGNORECASE)
# "Currently released so far... 6693 / 251,287" (left pane).
_RELEASE_COUNTER = re.compile(r"Currently released so far\W*([\d,]+)\s*/\s*([\d,]+)", re.IGNORECASE)
_HEADING = re.compile(r"^Viewing cable\s+(\S+?),\s*(.*)$", re.IGNORECASE | re.DOTALL)
_PRE_OPEN = re.compile(r"<pre[\s>]", re.IGNORECASE)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.IGNORECASE)
_HTML_CLOSE = re.compile(r"</html\s*>", re.IGNORECASE)
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")



class _BadPage(Exception):
    """The page cannot give a record; the message is the ReadError reason."""


@dataclass(frozen=True)
class _Blocks:
    """The `<pre>` blocks of a page, split into routing header and cable text."""

    header: str | None
    text: str
    notes: tuple[str, ...]


def sniff(path: Path, head: bytes) -> bool:
    """True for a Cable Viewer page: an HTML document with the viewer's marks."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if not start.startswith(b"<") or not _HTML_TAG.search(start):
        return False
    return bool(_VIEWER_MARKS.search(head))


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    """The one cable of a Cable Viewer page, or a ReadError saying why there is none."""
    data = read_bytes(path)
    if isinstance(data, ReadError):
        yield data
        return
    yield parse_page(data, str(path))


def parse_page(data: bytes, path: str) -> RawRecord | ReadError:
    """Parse the bytes of one page; `path` is only recorded in the result."""
    source = Source(path=path, format=FORMAT, record=None, sha256=hashlib.sha256(data).hexdigest())
    markup, decode_notes = _decode(data)
    try:
        return _parse(markup, source, decode_notes)
    except _BadPage as exc:
        return ReadError(path, None, str(exc))


def _decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    # Every release is UTF-8 (the pages say so); decode ourselves rather than let the parser
    # guess, and say so when a page breaks that rule.
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        return data.decode("utf-8-sig", errors="replace"), (
            "page is not valid UTF-8; bad bytes replaced with U+FFFD",
        )


def _parse(markup: str, source: Source, notes: tuple[str, ...]) -> RawRecord:
    complete = bool(_HTML_CLOSE.search(markup))
    if len(_PRE_CLOSE.findall(markup)) < len(_PRE_OPEN.findall(markup)):
        raise _BadPage("truncated page: the cable text is cut off")
    soup = _soup(_cable_pane(markup))
    table = soup.find("table", class_="cable")
    if not isinstance(table, Tag):
        if not complete:
            raise _BadPage("truncated page: it ends before the metadata table")
        raise _BadPage("not a cable page: no metadata table (<table class='cable'>)")
    cells = _metadata(table)
    blocks = _blocks(table, complete)
    if not complete:
        notes += ("page is cut off after the cable text (no </html>)",)
    created, note = _datetime(cells, "created")
    notes += note
    released, note = _datetime(cells, "released")
    notes += note
    unreliable, note = _minutes_unreliable(markup, created)
    notes += note
    counter = _RELEASE_COUNTER.search(markup)
    if counter is not None:
        source = replace(source, release=int(counter.group(1).replace(",", "")))
    refid = cells.get("refid") or None
    if refid is None:
        notes += ("metadata table has no reference id",)
    subject, note = _subject(soup, refid)
    notes += note
    return RawRecord(
        source=source,
        text=blocks.text,
        header=blocks.header,
        refid=refid,
        created=created,
        created_minutes_unreliable=unreliable,
        released=released,
        classification=cells.get("classification") or None,
        origin=cells.get("origin") or None,
        title=None,
        subject=subject,
        tags=None,
        references=None,
        notes=notes + blocks.notes,
    )


def _soup(markup: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # Pages start with an <?xml?> declaration but are HTML (XHTML served as text/html).
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        try:
            return BeautifulSoup(markup, "lxml")
        except ParserRejectedMarkup as exc:
            raise _BadPage(f"not parseable as HTML: {exc}") from exc


def _cable_pane(markup: str) -> str:
    # Building a tree of the navigation pane costs 10x more than the rest of the page (the
    # final release has ~185 KB of it), so parse from the cable pane on when there is one.
    m = _CABLE_PANE.search(markup)
    return markup[m.start() :] if m else markup


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _metadata(table: Tag) -> dict[str, str]:
    """Metadata cell texts keyed by field name (see `METADATA_COLUMNS`), from the first data row."""
    names = [_normalize_space(th.get_text(" ")).lower() for th in table.find_all("th")]
    row = next((tr for tr in table.find_all("tr") if tr.find("td") is not None), None)
    if not names or row is None:
        raise _BadPage("metadata table is empty")
    tds = row.find_all("td", recursive=False)
    cells: dict[str, str] = {}
    for name, td in zip(names, tds, strict=False):
        field = METADATA_COLUMNS.get(name)
        if field is not None:
            cells[field] = _normalize_space(td.get_text(" "))
    if not any(cells.values()):
        raise _BadPage("metadata table is empty")
    return cells


def _datetime(cells: dict[str, str], field: str) -> tuple[datetime | None, tuple[str, ...]]:
    value = cells.get(field)
    if not value:
        # A missing Released column is normal (first release); a missing Created is not.
        return None, (("metadata table has no creation date",) if field == "created" else ())
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC), ()
        except ValueError:
            continue
    return None, (f"{field} date {value!r} is not a date",)


def _minutes_unreliable(markup: str, created: datetime | None) -> tuple[bool, tuple[str, ...]]:
    """Whether the page's Created minutes may hold the hour (see the README's time bug).

    We key on the release counter in the left pane, "Currently released so far... N / 251,287":
    only the final release shows N equal to the total, and only it has correct times. The bug
    was fixed somewhere between release 6693 (Apr 2011, still wrong) and the final release, but
    nobody knows where, so every page of a partial release is flagged. (The final release's
    pages also differ in layout: a "Browse latest releases" section and a "Keep Us Strong"
    banner, but the counter states the release itself, so it is the safer mark.)
    """
    if created is None:
        return False, ()
    m = _RELEASE_COUNTER.search(markup)
    if m is None:
        return True, ("page shows no release counter; Created minutes may be wrong",)
    released_so_far, total = (int(g.replace(",", "")) for g in m.groups())
    return released_so_far < max(total, TOTAL_CABLES), ()


def _subject(soup: BeautifulSoup, refid: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The subject from the heading "Viewing cable ID, SUBJECT" (it may be cut short)."""
    for h3 in soup.find_all("h3"):
        m = _HEADING.match(_normalize_space(h3.get_text(" ")))
        if m is None:
            continue
        notes: tuple[str, ...] = ()
        if refid is not None and m.group(1) != refid:
            notes = (f"heading names cable {m.group(1)}, the metadata table {refid}",)
        return m.group(2) or None, notes
    return None, ()


def _pre_text(pre: Tag) -> str:
    # get_text() keeps the text of links (TAGS, ¶ anchors) and drops stray markup such as the
    # <br> some releases put before each newline; entities are already decoded by the parser.
    text = pre.get_text()
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(table: Tag, complete: bool) -> _Blocks:
    """Header and text from the `<pre>` blocks that follow the metadata table."""
    texts = [_pre_text(pre) for pre in table.find_all_next("pre")]
    if not texts:
        if not complete:
            raise _BadPage("truncated page: it ends before the cable text")
        raise _BadPage("page has a metadata table but no cable text")
    if len(texts) == 1:
        if not complete:
            raise _BadPage("truncated page: it ends after the header block")
        header, body = None, texts[0]
        notes: tuple[str, ...] = ("page has no header block; its only block is the text",)
    else:
        header, body = texts[0], "\n".join(texts[1:])
        notes = ()
        if len(texts) > 2:
            notes = (f"page has {len(texts) - 1} text blocks after the header; joined",)
    if not body.strip():
        raise _BadPage("cable text block is empty")
    if header is not None and not header.strip():
        header = None
        notes += ("page has an empty header block",)
    return _Blocks(header=header, text=body, notes=notes)
