"""Reader for the JSON cable dumps: mongoexport JSON lines and the cablesearch.org JSONP file.

JSON lines (`Source.format == "jsonl"`): one object per line with `_id`, `origin`,
`date_time`, `classification`, `body` (and, in some dumps, `header` and `reference_id`).
Read line by line, so a file of any size is read in constant memory. Two dumps exist:

* typecode style: built from the first HTML release. `_id` is the refid and `date_time` is
  ISO-like (`2004-01-20 12:12`) with that release's wrong minutes; newlines were deleted.
* nonelater style: built from cables.csv. `date_time` is `M/D/YYYY H:MM` with the real
  minutes, and `_id` is NOT the refid but the references column (`""`, `A`, `A|B`). The refid
  is derived later (normalize) from the body's station/serial and the year.

JSONP (`Source.format == "jsonp"`): `cablegrab({"info": ..., "items": [{...}, ...]})` from
the cablesearch.org API. One record per item. The file is a single API response and is read
whole.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..cable import RawRecord, ReadError, Source, is_wellformed_refid
from ._common import LOSSY_NOTE, decode_text, parse_utc, read_bytes, strip_line_end

FORMAT = "jsonl"
FORMATS = ("jsonl", "jsonp")

_ISO_DATE_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?\s*$")
_US_DATE_RE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}\s*$")

#: `callback(` then `{`: a JavaScript identifier (dots allowed, as in `api.cb`) wrapping JSON.
_JSONP_START_RE = re.compile(rb"^(\xef\xbb\xbf)?\s*[A-Za-z_$][\w$.]*\s*\(\s*\{")
#: The start of a JSON-lines record cut off by the sniffing head: `{ "key" :` ... `"body" :`.
_CUT_OBJECT_RE = re.compile(r'^\{\s*"[^"]*"\s*:')
_BODY_KEY_RE = re.compile(r'"body"\s*:')

#: A JSON string escape, valid (`\n`, `\u00b6`, ...) or not (`\'`, `\x`).
_ESCAPE_RE = re.compile(r'\\(u[0-9a-fA-F]{4}|["\\/bfnrt]|.?)', re.DOTALL)
_VALID_ESCAPES = frozenset('"\\/bfnrt')


def sniff(path: Path, head: bytes) -> bool:
    """True for JSON lines whose first object has a `body`, or for a JSONP `callback({`."""
    if _JSONP_START_RE.match(head):
        return True
    text, _lossy = decode_text(head.lstrip(b"\xef\xbb\xbf"))
    first = text.lstrip().partition("\n")[0]
    first = first.strip()
    if not first.startswith("{"):
        return False
    obj = _loads_lenient(first)[0]
    if obj is not None:
        return isinstance(obj, dict) and "body" in obj
    # Broken beyond repair, or a long first record cut off by the 64 KiB head: judge from its
    # shape, so that `read` reports the bad lines instead of the file being left unread.
    return bool(_CUT_OBJECT_RE.match(first)) and bool(_BODY_KEY_RE.search(first))


def read(path: Path) -> Iterator[RawRecord | ReadError]:
    """Every record of a JSON-lines or JSONP file, in order; bad records as `ReadError`s."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")
        return
    if _JSONP_START_RE.match(head):
        yield from _read_jsonp(path)
    else:
        yield from _read_lines(path)


# --- JSON lines --------------------------------------------------------------------------


def _read_lines(path: Path) -> Iterator[RawRecord | ReadError]:
    try:
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                raw = strip_line_end(line)
                if raw.strip():
                    yield _line_record(path, number, raw)
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")


def _line_record(path: Path, number: int, raw: bytes) -> RawRecord | ReadError:
    text, lossy = decode_text(raw)
    obj, repairs, error = _loads_lenient(text)
    if error is not None:
        return ReadError(str(path), number, f"invalid JSON: {error}")
    if not isinstance(obj, dict):
        return ReadError(str(path), number, f"not a JSON object but {_json_type(obj)}")
    body = obj.get("body")
    if not isinstance(body, str):
        what = "no body" if body is None else f"body is {_json_type(body)}, not a string"
        return ReadError(str(path), number, what)
    notes = ([LOSSY_NOTE] if lossy else []) + repairs
    source = Source(str(path), "jsonl", number, hashlib.sha256(raw).hexdigest())
    return _mongo_record(source, obj, body, notes)


def _loads_lenient(text: str) -> tuple[Any, list[str], str | None]:
    """Parse one JSON document, repairing what broken exporters are known to produce.

    Returns (value, notes on the repairs made, None) or (None, [], the first parse error).
    Repairs: invalid backslash escapes (`\\'` from MySQL/PHP-style escaping), raw control
    characters inside strings, and junk after the closing brace (`}''`).
    """
    try:
        return json.loads(text), [], None
    except json.JSONDecodeError as exc:
        first_error = str(exc) if exc.msg != "Extra data" else "extra data after the object"
    notes: list[str] = []
    repaired = _ESCAPE_RE.sub(_fix_escape, text)
    if repaired != text:
        notes.append("invalid JSON backslash escapes repaired (`\\x` read as `x`)")
    try:
        value, end = json.JSONDecoder(strict=False).raw_decode(repaired.strip())
    except json.JSONDecodeError:
        return None, [], first_error
    junk = repaired.strip()[end:].strip()
    if junk:
        if "{" in junk:  # maybe a second record glued on: do not silently drop it
            return None, [], first_error
        notes.append(f"junk after the JSON object ignored: {junk[:40]!r}")
    if not notes:  # neither escapes nor junk: what the strict parser refused was control chars
        notes.append("raw control characters inside JSON strings accepted")
    return value, notes, None


def _fix_escape(m: re.Match[str]) -> str:
    # JavaScript reads an unknown escape `\x` as `x`; the dumps use `\'` for an apostrophe
    # (the same data in cables.csv has `\'` too), so dropping the backslash restores the text.
    # A lone backslash at the very end becomes a literal backslash.
    escape = m.group(1)
    if len(escape) == 5 or escape in _VALID_ESCAPES:  # `\uXXXX` or a one-letter JSON escape
        return m.group(0)
    if escape == "":
        return "\\\\"
    return escape


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number")


def _mongo_record(source: Source, obj: dict[str, Any], body: str, notes: list[str]) -> RawRecord:
    date_time = _string(obj, "date_time") or ""
    ident = (_string(obj, "_id") or "").strip()
    reference_id = (_string(obj, "reference_id") or "").strip()
    header = _string(obj, "header")
    common: dict[str, Any] = {
        "source": source,
        "text": body,
        # Some typecode dumps keep the release's header line apart; otherwise the body has it.
        "header": header if header and header.strip() else None,
        "classification": _clean(_string(obj, "classification")),
        "origin": _clean(_string(obj, "origin")),
    }
    # Style, judged per record from what the record says, never from the file name:
    # * `M/D/YYYY H:MM` is cables.csv's date, so the record came from cables.csv and `_id` holds
    #   its references column (even when that looks like one well-formed refid).
    # * an ISO-like date or a `reference_id` field is the typecode dump of the first HTML
    #   release: `_id` is the refid, and the minutes carry that release's bug.
    # * anything else: `_id` may be either, so it is only a hint.
    if _US_DATE_RE.match(date_time) and not reference_id:
        created = parse_utc(date_time, "%m/%d/%Y %H:%M")
        refs = tuple(ref.strip() for ref in ident.split("|") if ref.strip())
        return RawRecord(**common, created=created, references=refs, notes=tuple(notes))
    if _ISO_DATE_RE.match(date_time) or reference_id:
        refid = reference_id or ident
        if reference_id and ident and ident != reference_id:
            notes.append(f"_id {ident!r} differs from reference_id {reference_id!r}")
        if refid and not is_wellformed_refid(refid):
            notes.append(f"oddly shaped reference id {refid!r}")
        return RawRecord(
            **common,
            refid=refid or None,
            created=_parse_iso(date_time),
            created_minutes_unreliable=True,
            notes=tuple(notes),
        )
    if date_time.strip():
        notes.append(f"unreadable date {date_time.strip()!r}")
    hint = ident if is_wellformed_refid(ident) else None
    return RawRecord(**common, refid_hint=hint, notes=tuple(notes))


def _parse_iso(value: str) -> datetime | None:
    value = value.strip().replace("T", " ")
    return parse_utc(value, "%Y-%m-%d %H:%M:%S") or parse_utc(value, "%Y-%m-%d %H:%M")


def _string(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else None


def _clean(value: str | None) -> str | None:
    return (value.strip() or None) if value else None


# --- JSONP -------------------------------------------------------------------------------


def _read_jsonp(path: Path) -> Iterator[RawRecord | ReadError]:
    data = read_bytes(path)
    if isinstance(data, ReadError):
        yield data
        return
    text, lossy = decode_text(data.lstrip(b"\xef\xbb\xbf"))
    payload = text[text.index("(") + 1 : text.rindex(")")] if ")" in text else ""
    obj, repairs, error = _loads_lenient(payload)
    if error is not None:
        yield ReadError(str(path), None, f"invalid JSONP: {error}")
        return
    items = obj.get("items") if isinstance(obj, dict) else None
    if not isinstance(items, list):
        yield ReadError(str(path), None, "JSONP without an `items` list")
        return
    notes = ([LOSSY_NOTE] if lossy else []) + repairs
    for number, item in enumerate(items, start=1):
        yield _jsonp_record(path, number, item, notes)


def _jsonp_record(path: Path, number: int, item: object, notes: list[str]) -> RawRecord | ReadError:
    if not isinstance(item, dict):
        return ReadError(str(path), number, f"item is {_json_type(item)}, not an object")
    text = item.get("text")
    if not isinstance(text, str):
        return ReadError(str(path), number, "item without a `text` string")
    # The json module gives no byte offsets, so an item's raw bytes are out of reach. A
    # canonical re-serialisation (sorted keys, fixed separators) changes exactly when the
    # item's content changes, which is what the hash is for.
    canonical = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    header = _string(item, "header")
    tags = _string(item, "tags")
    date = _string(item, "date") or ""
    added = _string(item, "added") or ""
    return RawRecord(
        source=Source(str(path), "jsonp", number, hashlib.sha256(canonical.encode()).hexdigest()),
        text=text,
        header=header if header and header.strip() else None,
        refid=_clean(_string(item, "id")),
        created=_parse_iso(date),
        # cablesearch.org copied the dates of the HTML releases, minutes bug included
        # (08MOSCOW3343: "2008-11-19 06:06:00", DTG 190643Z).
        created_minutes_unreliable=True,
        # When cablesearch.org added the cable, i.e. shortly after WikiLeaks released it.
        released=_parse_iso(added),
        classification=_clean(_string(item, "classification")),
        origin=_clean(_string(item, "origin")),
        title=None,
        subject=_clean(_string(item, "subject")),
        tags=tuple(tags.split()) if tags and tags.strip() else None,
        notes=tuple(notes),
    )
