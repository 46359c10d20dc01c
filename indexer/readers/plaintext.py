"""Reader for cables kept as plain text: `pre` extracts, `pdftotext` output and the `alx` dump.

Three one-cable-per-file layouts, told apart by content:

- `pre`: the body `<pre>` block cut out of a cablegate HTML page (`<code><pre>...`), still
  holding tag links and `¶` anchors. No metadata, no routing header.
- `pdftotext`: text of a WikiLeaks PlusD PDF: the full ACP-127 routing header (VZCZC..., FM,
  TO, INFO) on its own lines, then the body starting at the classification line.
- `alx`: five metadata lines (refid, subject, Ruby `Time`, classification, origin), then the
  header and body with the HTML stripped and glued together without a newline.

This module also holds the helpers the other text-layout readers (`pagetext`, `pdf`) share:
decoding, `Source` building, file-name refid hints and the header/body split.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from ..cable import RawRecord, ReadError
from ._common import (
    NoCable,
    decode_bytes,
    file_source,
    head_text,
    is_plausible_refid,
    read_bytes,
    refid_hint_from_name,
)

FORMAT = "pre"
FORMATS = ("pre", "pdftotext", "alx")

# ---------------------------------------------------------------------------------------------
# Helpers shared by the text-layout readers


# ---------------------------------------------------------------------------------------------
# ACP-127 header / body split (pdftotext, alx, pdf)


def _spaced(word: str) -> str:
    """`SECRET` -> pattern for `SECRET` and the spaced-out banner `S E C R E T`."""
    return r"[ ]?".join(re.escape(c) if c != " " else r"[ ]{1,3}" for c in word)


_CLASSES = (
    "TOP SECRET",
    "UNCLASSIFIED",
    "UNCLAS",
    "CONFIDENTIAL",
    "SECRET",
    "LIMITED OFFICIAL USE",
)
_BANNER = "(?:" + "|".join(_spaced(w) for w in _CLASSES) + ")"
#: The classification line that opens the body (`C O N F I D E N T I A L SECTION 01 OF 02`).
#: The look-ahead keeps `SECRETARY` or `UNCLASSIFIED//x` words from matching half a word.
BANNER_LINE_RE = re.compile(rf"^[ ]{{0,3}}{_BANNER}(?![A-Za-z])", re.IGNORECASE)
#: The same banner glued to the end of the header (`...MIAMI FLC O N F I D E N T I A L`), as
#: the alx dump has it. Upper case only and followed by what follows a banner, because a
#: banner word in the middle of a routing line is otherwise too easy to hit.
GLUED_BANNER_RE = re.compile(
    rf"(?P<banner>{_BANNER})(?=[ ]+SECTION[ ]+\d|[ ]+[A-Z][A-Z .]*[ ]\d{{2,7}}\b|[ ]*$)"
)
#: `C O N` in a banner: a spaced-out banner is safe to find anywhere in a line.
_SPACED_OUT_RE = re.compile(r"[A-Z] [A-Z] [A-Z]")
_FM_LINE_RE = re.compile(r"^\s*FM\s+\S")
_PAGE_LINE_RE = re.compile(r"^\s*PAGE\s+\d+\b")


def _is_page_banner(lines: list[str], i: int) -> bool:
    """True when line i is the classification of an old telegram's page heading, which is
    followed by `PAGE 02 HANOI 00686 ...` and is not the start of the body."""
    for line in lines[i + 1 : i + 4]:
        if line.strip():
            return bool(_PAGE_LINE_RE.match(line))
    return False


def _is_glued(line: str, m: re.Match[str]) -> bool:
    """A spaced-out banner is safe anywhere; a plain one only glued to the word before it."""
    if _SPACED_OUT_RE.search(m[0]):
        return True
    return m.start() > 0 and line[m.start() - 1] != " "


def _find_split(lines: list[str], allow_glued: bool) -> tuple[int, int] | None:
    """(line, column) where the body starts, searched after the `FM` line when there is one."""
    start = next((i for i, line in enumerate(lines) if _FM_LINE_RE.match(line)), 0)
    for i in range(start, len(lines)):
        line = lines[i]
        if BANNER_LINE_RE.match(line) and not _is_page_banner(lines, i):
            return i, 0
        if allow_glued:
            m = GLUED_BANNER_RE.search(line)
            if m and _is_glued(line, m):
                return i, m.start()
    return None


def split_header(text: str, *, allow_glued: bool = False) -> tuple[str | None, str, str | None]:
    """(header, body, note): the routing lines before the classification line, and the rest.

    header is None when the text starts with the classification line or when no
    classification line can be found (then the whole text is the body and note says so).
    """
    lines = text.split("\n")
    found = _find_split(lines, allow_glued)
    if found is None:
        return None, text.strip(), "no classification line found: header not split off"
    row, col = found
    header = "\n".join([*lines[:row], lines[row][:col]]).strip()
    body = "\n".join([lines[row][col:], *lines[row + 1 :]]).strip()
    return header or None, body, None


#: PlusD's title line, `2000HANOI00686 - CONFIDENTIAL` (canonical id with 4-digit year and
#: zero-padded serial).
_PLUSD_TITLE_RE = re.compile(r"^\s*(\d{4})([A-Z][A-Z]*?)(\d+)\s+-\s+([A-Z][A-Z /]+?)\s*$")


def take_plusd_title(text: str) -> tuple[str, str | None, str | None]:
    """(text without the PlusD title line, refid from it, classification from it)."""
    lines = text.split("\n")
    content = [i for i, line in enumerate(lines) if line.strip()][:3]
    for i in content:
        m = _PLUSD_TITLE_RE.match(lines[i])
        if m:
            refid = f"{m[1][2:]}{m[2]}{int(m[3])}"
            return "\n".join(lines[:i] + lines[i + 1 :]), refid, m[4]
    return text, None, None


def read_routed_text(
    path: Path, data: bytes, fmt: str, text: str, notes: tuple[str, ...]
) -> RawRecord | ReadError:
    """A record from text laid out as routing header lines then body (pdftotext, pdf)."""
    text, plusd_refid, plusd_class = take_plusd_title(text)
    if not text.strip():
        return ReadError(str(path), None, "no text")
    header, body, note = split_header(text)
    name_hint = refid_hint_from_name(path)
    if plusd_refid and name_hint and plusd_refid != name_hint:
        notes += (f"file name {path.name} disagrees with the PlusD id {plusd_refid}",)
    return RawRecord(
        source=file_source(path, fmt, data),
        text=body,
        header=header,
        classification=plusd_class,
        refid_hint=plusd_refid or name_hint,
        notes=notes + ((note,) if note else ()),
    )


# ---------------------------------------------------------------------------------------------
# Sniffing

_DTG_RE = re.compile(r"^\s*[ZOPRM]{1,2}\s+\d{6}Z\s+[A-Z]{3}\s+\d{2}\b")
_RUBY_TIME_RE = re.compile(
    r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} (?:[+-]\d{4}|UTC|GMT) \d{4}$"
)
_APPEARS = "Appears in these articles"


def _content_lines(text: str, limit: int) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()][:limit]


def _is_alx(text: str) -> bool:
    lines = text.lstrip("\n").split("\n")
    return (
        len(lines) >= 5
        and is_plausible_refid(lines[0].strip())
        and bool(_RUBY_TIME_RE.match(lines[2].strip()))
    )


def _is_pre(text: str) -> bool:
    start = text.lstrip().lower()
    return start.startswith(("<code><pre", "<pre")) or start.startswith(_APPEARS.lower())


def _is_pdftotext(text: str) -> bool:
    """An ACP-127 header near the top: an `FM` line with a VZCZC, DTG or `PAGE 01` line above.

    What comes first varies (VZCZC, the DTG, an `INFO LOG-00` distribution block, PlusD's
    partial-extract sentence), so the test is on the pair, not on the first line; quoted,
    bracketed or tagged first lines are CSV, JSON or HTML, never this layout.
    """
    lines = _content_lines(text, 60)
    if not lines or lines[0][0] in "\"'{[<":
        return False
    fm = next((i for i, line in enumerate(lines) if _FM_LINE_RE.match(line)), None)
    if fm is None:
        return False
    return any(
        line.startswith("VZCZC") or _DTG_RE.match(line) or _PAGE_LINE_RE.match(line)
        for line in lines[:fm]
    )


def _layout(text: str) -> str | None:
    if _is_alx(text):
        return "alx"
    if _is_pre(text):
        return "pre"
    if _is_pdftotext(text):
        return "pdftotext"
    return None


def sniff(path: Path, head: bytes) -> bool:
    return _layout(head_text(head)) is not None


# ---------------------------------------------------------------------------------------------
# Reading


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    data = read_bytes(path)
    if isinstance(data, ReadError):
        yield data
        return
    text, notes = decode_bytes(data)
    layout = _layout(text)
    if layout == "pre":
        yield _read_pre(path, data, text, notes)
    elif layout == "pdftotext":
        yield read_routed_text(path, data, "pdftotext", text, notes)
    elif layout == "alx":
        yield _read_alx(path, data, text, notes)
    else:
        yield ReadError(str(path), None, "not a pre extract, pdftotext output or alx dump")


def _pre_text(soup: BeautifulSoup) -> str | None:
    """The text of the `<pre>` blocks, or None when there are none."""
    for br in soup.find_all("br"):
        # `<br>` is followed by a real newline in these extracts; add one only where it is not.
        nxt = br.next_sibling
        if isinstance(nxt, NavigableString) and nxt.startswith("\n"):
            br.decompose()
        else:
            br.replace_with("\n")
    blocks = [pre.get_text() for pre in soup.find_all("pre") if isinstance(pre, Tag)]
    return "\n".join(blocks) if blocks else None


def _read_pre(path: Path, data: bytes, text: str, notes: tuple[str, ...]) -> RawRecord | ReadError:
    soup = BeautifulSoup(text, "lxml")
    body = _pre_text(soup)
    if body is None:
        if _APPEARS.lower() in text.lower():
            return NoCable(
                str(path),
                None,
                "only the 'Appears in these articles' links of a cablegate page, no cable text",
            )
        return ReadError(str(path), None, "no <pre> block")
    body = body.strip()
    if not body:
        return ReadError(str(path), None, "empty <pre> block: no cable text")
    return RawRecord(
        source=file_source(path, "pre", data),
        text=body,
        refid_hint=refid_hint_from_name(path),
        notes=notes,
    )


def parse_ruby_time(value: str) -> tuple[datetime | None, str | None]:
    """(UTC datetime, note) from Ruby's `Time#to_s`, e.g. `Wed Nov 20 00:00:00 +0100 2002`.

    The alx dump stored dates without a time of day, printed as local midnight. Converting
    that midnight to UTC would move the cable to the day before, so midnight keeps its
    calendar date (at 00:00 UTC) and says so in the note.
    """
    value = re.sub(r" (?:UTC|GMT) ", " +0000 ", value.strip())
    try:
        local = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return None, f"unreadable date {value!r}"
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day = datetime(local.year, local.month, local.day, tzinfo=UTC)
        return day, "alx date has no time of day: kept its calendar date at 00:00 UTC"
    return local.astimezone(UTC), None


def _read_alx(path: Path, data: bytes, text: str, notes: tuple[str, ...]) -> RawRecord | ReadError:
    lines = text.lstrip("\n").split("\n")
    if len(lines) < 6 or not "\n".join(lines[5:]).strip():
        return ReadError(str(path), None, "alx dump truncated: no cable text after the metadata")
    refid, subject, when, classification, origin = (line.strip() for line in lines[:5])
    created, date_note = parse_ruby_time(when)
    header, body, split_note = split_header("\n".join(lines[5:]), allow_glued=True)
    extra = tuple(n for n in (date_note, split_note) if n)
    return RawRecord(
        source=file_source(path, "alx", data),
        text=body,
        header=header,
        refid=refid or None,
        created=created,
        classification=classification or None,
        origin=origin or None,
        subject=subject or None,
        refid_hint=refid_hint_from_name(path),
        notes=notes + extra,
    )
