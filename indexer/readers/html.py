"""Reader for the WikiLeaks Cablegate "Cable Viewer" HTML pages (cablegate.wikileaks.org).

Every release (the first one of 243 cables in Nov 2010 up to the final one of 251,287 in
Aug/Sep 2011) uses the same page: a left pane with navigation (huge in the final release), then
a right pane (`<div class='pane big'>`) with

* the heading `Viewing cable 10CARACAS187, SUBJECT`,
* the metadata table `<table class='cable'>` (Reference ID, Created or, in the first release,
  Date, Released from the second release on, Classification, Origin),
* two `<code><pre>` blocks: the routing header, then the cable text, with `&#x000A;` for
  newlines, TAGS as links and `<a id='par1' href='#par1'>¶</a>` paragraph anchors.

Release pages from 2010-12 on may also hold an "Appears in these articles" row in the metadata
table: links to press coverage of the cable, kept as `RawRecord.articles`.

This module only undoes the HTML: entities, links and markup. The cable text keeps all of its
own noise (page-break lines, pilcrows, `Q` duplicates); `indexer.normalize` handles that, and
also fixes the wrong "Created" minutes that this module flags.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..cable import RawRecord, ReadError, Source
from ._common import METADATA_COLUMNS, NoCable

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
# Every release writes the pane's tag exactly so: found by a plain string search first
# (the regex above scans the final release's 185 KB of navigation 5x slower)
_CABLE_PANE_LITERAL = "<div class='pane big'>"
_CABLE_PANE_BYTES = _CABLE_PANE_LITERAL.encode()
_CABLE_TABLE = re.compile(r"<table\s+class=['\"]cable['\"]", re.IGNORECASE)
# "Currently released so far... 6693 / 251,287" (left pane).
_RELEASE_COUNTER = re.compile(r"Currently released so far\W*([\d,]+)\s*/\s*([\d,]+)", re.IGNORECASE)
_RELEASE_COUNTER_BYTES = re.compile(_RELEASE_COUNTER.pattern.encode(), re.IGNORECASE)

# A final-release page is ~190 KB, nearly all of it navigation between the release counter
# (in its first KB) and the cable pane (its last few KB): 251,287 such pages are 49 GB. A
# large page is therefore read in two parts, its head and its tail, when the head holds the
# counter and the tail the whole pane; anything else (a long cable, another layout) is read
# whole. The middle holds nothing the record uses, so the record is the same either way
# (tests/test_reader_html.py checks this on every real page).
PARTS_FROM = 96 * 1024  # smaller pages are read whole: a second read would not pay
HEAD_PART = 8 * 1024
TAIL_PART = 32 * 1024
_HEADING = re.compile(r"^Viewing cable\s+(\S+?),\s*(.*)$", re.IGNORECASE | re.DOTALL)
_PRE_OPEN = re.compile(r"<pre[\s>]", re.IGNORECASE)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.IGNORECASE)
_HTML_CLOSE = re.compile(r"</html\s*>", re.IGNORECASE)
# A newline right after `<pre>`, written or as an entity: the HTML parser drops it (HTML5's
# rule for <pre>), but it is part of the cable text as the release wrote it.
_PRE_LEADING_NEWLINE = re.compile(r"<pre[^>]*>(?:\r?\n|&#x0*a;|&#0*10;)", re.IGNORECASE)
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
_ARTICLES_MARK = "appears in these articles"
# a scheme written twice (`http://http://www.spiegel.de/`): the release's own typo
_DOUBLED_SCHEME = re.compile(r"^(?:https?:/*)+(?=https?://)", re.IGNORECASE)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


class _BadPage(Exception):
    """The page cannot give a record; the message is the ReadError reason."""


class _NoCable(_BadPage):
    """The page holds no cable and is no error (see `NoCable`)."""


NO_CABLE_PAGE = "a Cable Viewer page without a cable (no metadata table, no text)"


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
    try:
        with open(path, "rb") as fh:
            data, digest = read_open(fh)
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    yield parse_page(data, str(path), digest)


def read_page(path: Path) -> tuple[bytes, str]:
    """The bytes of a page that the record comes from, and their digest (`Source.sha256`).

    A small page, or one whose parts do not qualify (see PARTS_FROM), is read whole and the
    digest is the file's sha256. A large page is read as head + cable pane; its digest covers
    the file's size and those bytes, so a change to anything the record uses changes it.

    >>> import tempfile
    >>> page = b"<html><title>Cable Viewer</title>Currently released so far... 251287 / 251,287"
    >>> page += b"<li>navigation</li>" * 8000 + b"<div class='pane big'><pre>T</pre></div></html>"
    >>> with tempfile.NamedTemporaryFile(suffix=".html") as fh:
    ...     _ = fh.write(page); fh.flush()
    ...     data, digest = read_page(Path(fh.name))
    >>> len(page) > PARTS_FROM, len(data) < HEAD_PART + TAIL_PART, data.endswith(b"</html>")
    (True, True, True)
    >>> digest == hashlib.sha256(page).hexdigest()
    False
    """
    with open(path, "rb") as fh:
        return read_open(fh)


def read_open(fh: BinaryIO) -> tuple[bytes, str]:
    """`read_page` of an open page, from its start whatever has been read of it already (the
    readers' dispatch sniffs a file on the handle it then reads it with)."""
    size = os.fstat(fh.fileno()).st_size
    if size > PARTS_FROM:
        parts = _read_parts(fh, size)
        if parts is not None:
            return parts
    fh.seek(0)
    data = fh.read()
    return data, hashlib.sha256(data).hexdigest()


def _read_parts(fh: BinaryIO, size: int) -> tuple[bytes, str] | None:
    # only these two reads: no read-ahead into the navigation between them (Linux; macOS
    # and Windows have no posix_fadvise and read ahead as they do)
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_RANDOM)
    fh.seek(0)
    head = fh.read(HEAD_PART)
    fh.seek(size - TAIL_PART)
    tail = fh.read(TAIL_PART + 1)
    at = tail.find(_CABLE_PANE_BYTES)
    # the head ends before a tag's "<" and the tail starts at the pane's: both cuts fall
    # between characters, so decoding cannot break a UTF-8 sequence
    cut = head.rfind(b"<")
    if (
        at < 0
        or len(tail) != TAIL_PART  # the file changed size while read
        or _CABLE_PANE_BYTES in head
        or cut <= 0
        or not _RELEASE_COUNTER_BYTES.search(head, 0, cut)
    ):
        return None
    data = head[:cut] + tail[at:]
    digest = hashlib.sha256(b"cables page parts %d %d\n" % (size, cut) + data).hexdigest()
    return data, digest


def parse_page(data: bytes, path: str, digest: str | None = None) -> RawRecord | ReadError:
    """Parse the bytes of one page; `path` is only recorded in the result, `digest` (default:
    the sha256 of `data`) as its `Source.sha256`."""
    sha256 = digest or hashlib.sha256(data).hexdigest()
    source = Source(path=path, format=FORMAT, record=None, sha256=sha256)
    markup, decode_notes = _decode(data)
    try:
        return _parse(markup, source, decode_notes)
    except _NoCable as exc:
        return NoCable(path, None, str(exc))
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
    # Only the cable pane is parsed as HTML: a tree of the final release's ~185 KB of
    # navigation costs 10x more than the rest of the page. The pane is the page's tail, so
    # the end-of-page and <pre> counts look at it alone too.
    navigation, pane = _split_pane(markup)
    complete = bool(_HTML_CLOSE.search(pane))
    if len(_PRE_CLOSE.findall(pane)) < len(_PRE_OPEN.findall(pane)):
        raise _BadPage("truncated page: the cable text is cut off")
    table_at = _CABLE_TABLE.search(pane)
    if table_at is None:
        if not complete:
            raise _BadPage("truncated page: it ends before the metadata table")
        if not _PRE_OPEN.search(pane):
            # a whole page with neither table nor text: the release site's listing pages
            raise _NoCable(NO_CABLE_PAGE)
        raise _BadPage("not a cable page: no metadata table (<table class='cable'>)")
    tree = _tree(pane)
    table = tree.css_first("table.cable")
    if table is None:
        raise _BadPage("not a cable page: no metadata table (<table class='cable'>)")
    cells, articles = _metadata(table)
    # the cable's blocks are the <pre>s after the metadata table (none come before it in any
    # release; counted, not assumed)
    skip = len(_PRE_OPEN.findall(pane, 0, table_at.start()))
    blocks = _blocks(tree.css("pre")[skip:], pane[table_at.start() :], complete)
    if not complete:
        notes += ("page is cut off after the cable text (no </html>)",)
    created, note = _datetime(cells, "created")
    notes += note
    released, note = _datetime(cells, "released")
    notes += note
    counter = _RELEASE_COUNTER.search(navigation) or _RELEASE_COUNTER.search(pane)
    unreliable, note = _minutes_unreliable(counter, created)
    notes += note
    if counter is not None:
        source = replace(source, release=int(counter.group(1).replace(",", "")))
    refid = cells.get("refid") or None
    if refid is None:
        notes += ("metadata table has no reference id",)
    subject, note = _subject(tree, refid)
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
        articles=articles,
    )


def _split_pane(markup: str) -> tuple[str, str]:
    """(navigation, cable pane): the page before and from `<div class='pane big'>`."""
    at = markup.find(_CABLE_PANE_LITERAL)
    if at < 0:
        m = _CABLE_PANE.search(markup)
        at = m.start() if m else 0
    return markup[:at], markup[at:]


def _tree(markup: str) -> LexborHTMLParser:
    # Lexbor (through selectolax) builds the pane's tree ~10x faster than BeautifulSoup on
    # lxml; it is an HTML5 parser, so it never rejects a page, however broken.
    return LexborHTMLParser(markup)


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _text(node: LexborNode, separator: str = "") -> str:
    return node.text(deep=True, separator=separator, strip=False)


def _metadata(table: LexborNode) -> tuple[dict[str, str], tuple[str, ...]]:
    """Metadata cell texts keyed by field name (see `METADATA_COLUMNS`), from the first data
    row, and the URLs of the "Appears in these articles" row (if any)."""
    names = [_normalize_space(_text(th, " ")).lower() for th in table.css("th")]
    rows = [tr for tr in table.css("tr") if any(c.tag == "td" for c in tr.iter())]
    if not names or not rows:
        raise _BadPage("metadata table is empty")
    tds = [c for c in rows[0].iter() if c.tag == "td"]
    cells: dict[str, str] = {}
    for name, td in zip(names, tds, strict=False):
        field = METADATA_COLUMNS.get(name)
        if field is not None:
            cells[field] = _normalize_space(_text(td, " "))
    if not any(cells.values()):
        raise _BadPage("metadata table is empty")
    articles: list[str] = []
    for tr in rows[1:]:
        if _ARTICLES_MARK in _text(tr).lower():
            for a in tr.css("a"):
                url = _article_url(a.attributes.get("href") or "", _text(a))
                if url is not None and url not in articles:
                    articles.append(url)
    return cells, tuple(articles)


def _article_url(href: str, label: str) -> str | None:
    """The URL of an article link: the href with a doubled scheme repaired; the link text
    when the href is not a web address but the text is."""
    for candidate in (href, label):
        url = _DOUBLED_SCHEME.sub("", candidate.strip())
        if _URL.match(url):
            return url
    return None


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


def _minutes_unreliable(
    counter: re.Match[str] | None, created: datetime | None
) -> tuple[bool, tuple[str, ...]]:
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
    if counter is None:
        return True, ("page shows no release counter; Created minutes may be wrong",)
    released_so_far, total = (int(g.replace(",", "")) for g in counter.groups())
    return released_so_far < max(total, TOTAL_CABLES), ()


def _subject(tree: LexborHTMLParser, refid: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The subject from the heading "Viewing cable ID, SUBJECT" (it may be cut short)."""
    for h3 in tree.css("h3"):
        m = _HEADING.match(_normalize_space(_text(h3, " ")))
        if m is None:
            continue
        notes: tuple[str, ...] = ()
        if refid is not None and m.group(1) != refid:
            notes = (f"heading names cable {m.group(1)}, the metadata table {refid}",)
        return m.group(2) or None, notes
    return None, ()


def _pre_text(pre: LexborNode, leading_newline: bool) -> str:
    # The text keeps the text of links (TAGS, ¶ anchors) and drops stray markup such as the
    # <br> some releases put before each newline; entities are decoded by the parser.
    text = _text(pre)
    if leading_newline:
        text = "\n" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(pres: list[LexborNode], markup: str, complete: bool) -> _Blocks:
    """Header and text from the `<pre>` blocks that follow the metadata table (`markup`: the
    page from the table on, to restore the newlines the parser drops after `<pre>`)."""
    leading = {m.start() for m in _PRE_LEADING_NEWLINE.finditer(markup)}
    starts = [m.start() for m in _PRE_OPEN.finditer(markup)]
    texts = [_pre_text(pre, i < len(starts) and starts[i] in leading) for i, pre in enumerate(pres)]
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
