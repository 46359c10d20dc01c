"""What several readers share: decoding bytes without losing text, metadata column names,
file sources and reference-id hints from file names."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..cable import ReadError, Source, is_wellformed_refid

#: Column headings of the releases' metadata tables (lower case) -> RawRecord field;
#: the first release says "Date" where later ones say "Created".
METADATA_COLUMNS = {
    "reference id": "refid",
    "created": "created",
    "date": "created",
    "released": "released",
    "classification": "classification",
    "origin": "origin",
}


@dataclass(frozen=True)
class NoCable(ReadError):
    """A file that holds no cable at all and is no error: an "Appears in these articles" box
    cut out of a release page, a release site's listing page. Runs count these files in one
    line instead of listing each as a failure."""


def read_bytes(path: Path) -> bytes | ReadError:
    """The whole file, or the ReadError that says why it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        return ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")


#: Undecodable bytes come back from `surrogateescape` as U+DC80..U+DCFF.
_ESCAPED_BYTE_RE = re.compile("[\udc80-\udcff]")

LOSSY_NOTE = "not valid UTF-8: the undecodable bytes were read as Windows-1252"


def decode_text(raw: bytes) -> tuple[str, bool]:
    """Decode UTF-8; bytes that are not UTF-8 are read as Windows-1252 so no text is lost.

    Returns the text and whether any byte needed the fallback. Per byte rather than per record
    because a record can mix valid UTF-8 with stray Windows bytes; decoding the whole record as
    Windows-1252 would turn its good UTF-8 into mojibake.
    """
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "surrogateescape")
        return _ESCAPED_BYTE_RE.sub(lambda m: _windows_1252(ord(m.group()) - 0xDC00), text), True


def _windows_1252(byte: int) -> str:
    # Five bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) are undefined in Windows-1252; Latin-1 keeps them.
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def strip_line_end(raw: bytes) -> bytes:
    """The bytes without their final LF or CRLF (hashes do not depend on the last newline)."""
    if raw.endswith(b"\r\n"):
        return raw[:-2]
    if raw.endswith(b"\n"):
        return raw[:-1]
    return raw


def parse_utc(value: str, fmt: str) -> datetime | None:
    """`value` parsed with `fmt` as a UTC time, or None when it does not fit."""
    try:
        return datetime.strptime(value.strip(), fmt).replace(tzinfo=UTC)
    except ValueError:
        return None


def decode_bytes(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Text of a file: UTF-8 if it is valid, else Latin-1 (never fails); CRLF/CR -> LF."""
    notes: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Latin-1 maps every byte, so this cannot fail; the PlusD pdftotext files are Latin-1.
        text = data.decode("latin-1")
        notes = ("decoded as Latin-1",)
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n"), notes


def head_text(head: bytes) -> str:
    """The sniffing head as text; a multi-byte character cut at the end must not matter."""
    text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_source(path: Path, fmt: str, data: bytes) -> Source:
    return Source(str(path), fmt, None, hashlib.sha256(data).hexdigest())


#: Ids that are malformed but real (`7575LIBREVILLE1895`, `08ECTION01OF02MANAMA492`): digits,
#: then a station that may hold digits, then the serial.
PLAUSIBLE_REFID_RE = re.compile(r"^\d{2,4}[A-Z][A-Z0-9]*?\d+$")


def is_plausible_refid(candidate: str) -> bool:
    return is_wellformed_refid(candidate) or (
        len(candidate) <= 40 and bool(PLAUSIBLE_REFID_RE.match(candidate))
    )


def refid_hint_from_name(path: Path) -> str | None:
    """The file name's stem when it looks like a reference id (a weak hint, see RawRecord)."""
    stem = path.stem.strip().upper()
    return stem if is_plausible_refid(stem) else None
