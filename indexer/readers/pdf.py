"""Reader for WikiLeaks PlusD cable PDFs.

PlusD's PDFs (wkhtmltopdf prints of the cable page) hold the cable text as it is: routing
header, then body. There are no page headers or footers of PlusD's own; a PDF page break
just continues the text. Partial records start with PlusD's "This record is a partial
extract..." sentence and a title line `2000HANOI00686 - CONFIDENTIAL` (canonical id,
classification), which gives the refid hint.

The text is extracted with pypdf page by page and then read like pdftotext output (the
header/body split lives in `plaintext`). pypdf puts each hyperlink on a line of its own: the
`¶` paragraph anchors and every TAGS link. Those breaks belong to the PDF, not to the cable,
so they are joined back here to give the same text as pdftotext.

Not in the sniffing registry: `readers.read_file` sends every `%PDF` file here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from ..cable import RawRecord, ReadError
from ._common import is_plausible_refid, read_bytes
from .plaintext import read_routed_text

FORMAT = "pdf"

_TAGS_ONLY_RE = re.compile(r"^\s*TAGS:\s*$")
#: One TAGS link as pypdf prints it: a short code, no field label.
_TAG_RE = re.compile(r"^\s*[A-Za-z0-9][\w&/.,()' -]{0,39}$")


def _join_pilcrows(lines: list[str]) -> list[str]:
    """`¶` on its own line followed by `1. (C) ...` -> `¶1. (C) ...`."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() == "¶":
            out[-1] = "¶" + line.lstrip()
        else:
            out.append(line)
    return out


def _join_tags(lines: list[str]) -> list[str]:
    """`TAGS:`, `PREL`, ` `, `XF`, ` `, `TC` -> `TAGS: PREL XF TC`.

    Tags come one per line, separated by a blank line; the last one is followed directly by
    the next field (`SUBJECT: ...`), which has a colon and ends the run.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not _TAGS_ONLY_RE.match(line):
            out.append(line)
            continue
        tags: list[str] = []
        while i < len(lines) and _is_tag(lines[i]):
            tags.append(lines[i].strip())
            # A blank line continues the run only when another tag follows it.
            if i + 2 < len(lines) and not lines[i + 1].strip() and _is_tag(lines[i + 2]):
                i += 2
            else:
                i += 1
                break
        out.append(" ".join(["TAGS:", *tags]))
    return out


def _is_tag(line: str) -> bool:
    return bool(_TAG_RE.match(line)) and ":" not in line


def undo_link_breaks(text: str) -> str:
    return "\n".join(_join_tags(_join_pilcrows(text.split("\n"))))


def _extract(path: Path) -> tuple[str, str | None] | str:
    """(text of all pages, document title) or the reason the PDF cannot be read."""
    try:
        # pypdf warns about recoverable damage; the text is still good, so keep going.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(path)
            if reader.is_encrypted:
                return "encrypted PDF"
            pages = [page.extract_text() or "" for page in reader.pages]
            title = reader.metadata.title if reader.metadata else None
    # pypdf raises many exception types on broken files (PdfReadError, ValueError,
    # KeyError, ...); whatever it is, this file is unreadable and the run must go on.
    except Exception as exc:
        return f"unreadable PDF: {exc}"
    return "\n".join(pages), title.strip() if title else None


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    data = read_bytes(path)
    if isinstance(data, ReadError):
        yield data
        return
    extracted = _extract(path)
    if isinstance(extracted, str):
        yield ReadError(str(path), None, extracted)
        return
    text, title = extracted
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        yield ReadError(str(path), None, "PDF has no text layer (a scan?)")
        return
    record = read_routed_text(path, data, FORMAT, undo_link_breaks(text), ())
    # PlusD leaves /Title empty, but a PDF made elsewhere may name the cable there.
    candidate = (title or "").upper().replace(" ", "")
    if isinstance(record, RawRecord) and not record.refid_hint and is_plausible_refid(candidate):
        record = replace(record, refid_hint=candidate)
    yield record
