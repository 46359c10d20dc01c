"""RawRecord -> Cable: split off the header, clean the body, extract and reconcile the fields.

A reader's metadata wins over what the text says when the metadata is trustworthy (reference
id, classification, origin, the cables.csv references column). The text fills the gaps, and
the header's date-time group (DTG) corrects the "Created" time of the Cablegate HTML releases,
whose minutes were wrong. Every correction is written into `Cable.notes`: nothing is changed
silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import extract
from .cable import REFID_RE, Cable, RawRecord, is_wellformed_refid, refid_year
from .clean import clean_body
from .references import derive_refid, glued_cable_start, parse_references, station_origin

#: a text with no header and fewer words than this is not a cable (e.g. a page's
#: "Appears in these articles:" box cut out instead of the cable text)
MIN_WORDS = 5


class CableError(ValueError):
    """A record that holds no usable cable (no text, no way to tell its reference id)."""


def build_cable(raw: RawRecord) -> Cable:
    """The clean `Cable` of a reader's record; `CableError` when it holds no usable cable."""
    header, text = (
        (raw.header, raw.text) if raw.header is not None else extract.split_header(raw.text)
    )
    if not text.strip() and not (header or "").strip():
        raise CableError("no cable text")
    notes = list(raw.notes)
    body = clean_body(text).text
    # (maxsplit: only the first words are counted, the body is not split up whole)
    if not header and len(body.split(None, MIN_WORDS - 1)) < MIN_WORDS:
        raise CableError(f"no cable text: {body[:60]!r}" if body else "no cable text")
    header = extract.normalize_header(header or "")

    # Only a header's DTG is the cable's own: a body cites other cables' DTGs in its REF block.
    dtg = _time_source(header, text)
    created = _created(raw, dtg, notes)
    refid = _refid(raw, text, dtg[0] if dtg else created, notes)

    classification = _classification(raw, text, notes)
    origin = (
        raw.origin
        or (extract.origin_from_header(header) if header else None)
        or _origin_from_refid(refid, notes)
    )
    subject = extract.subject(body) or _normalize_or_none(raw.subject) or ""
    tags = extract.tags(body) or tuple(raw.tags or ())
    # A page that glues another cable onto this one cut short: the signer, "Classified By"
    # and REF are read in this cable's part only.
    glued = glued_cable_start(text, refid)
    own = body
    if glued is not None:
        own = clean_body(text[:glued]).text
        notes.append(
            "the text goes on with another cable after this one was cut short; signer, "
            "Classified By and references are read before it"
        )
    references = _references(raw, own, _year(created, refid), refid)
    recipients, info = extract.addressees(header) if header else ((), ())
    if extract.is_partial(raw.text) and not any("partial extract" in n for n in notes):
        notes.append("partial extract: the full text of the original cable is not available")

    return Cable(
        refid=refid,
        created=created,
        classification=classification,
        origin=origin,
        title=raw.title or subject,
        subject=subject,
        tags=tags,
        references=references,
        signed_by=extract.signed_by(own),
        classified_by=extract.classified_by(own),
        recipients=recipients,
        info=info,
        header=header,
        body=body,
        summary=extract.summary(body),
        released=raw.released,
        declassify=extract.declassify(body),
        source=raw.source,
        notes=tuple(notes),
        articles=raw.articles,
    )


def _normalize_or_none(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value else None


def _time_source(header: str, text: str) -> tuple[datetime, str] | None:
    """The cable's own send time and where it was read (for the note)."""
    if header:
        dtg = extract.parse_dtg(header)
        return (dtg[0], f"the header's date-time group {dtg[1]}") if dtg else None
    line = extract.parse_date_line(text)
    return (line[0], f"the body's date line '{line[1]}'") if line else None


def _created(raw: RawRecord, dtg: tuple[datetime, str] | None, notes: list[str]) -> datetime | None:
    """The creation time: the metadata's, with its time corrected from the header's DTG.

    The DTG is the time the cable was sent. When the metadata time is known to be unreliable
    (Cablegate HTML releases) or disagrees with the DTG, the DTG's time is used; its date too
    when it is within a day of the metadata's (a cable re-sent later keeps its first date).
    """
    if raw.created is None:
        if dtg is None:
            return None
        notes.append(f"created taken from {dtg[1]}")
        return dtg[0]
    created = raw.created
    if dtg is None:
        if raw.created_minutes_unreliable:
            notes.append(
                f"created time {created:%H:%M} may be wrong: the release's minutes are "
                "unreliable and the cable has no header date-time group to check them"
            )
        return created
    when, written = dtg
    if when == created:
        return created
    if abs(when - created) <= timedelta(days=1):
        fixed = when
    else:
        fixed = created.replace(hour=when.hour, minute=when.minute)
    if fixed == created:
        return created
    what = "created" if fixed.date() != created.date() else "created time"
    shown = f"{created:%Y-%m-%d %H:%M}" if fixed.date() != created.date() else f"{created:%H:%M}"
    value = f"{fixed:%Y-%m-%d %H:%M}" if fixed.date() != created.date() else f"{fixed:%H:%M}"
    notes.append(f"{what} {value} taken from {written} (the release showed {shown})")
    return fixed


def _refid(raw: RawRecord, text: str, sent: datetime | None, notes: list[str]) -> str:
    """The metadata's id, else the banner's station and serial with the year the cable was
    sent (its DTG's year, which makes the id even where a date column says otherwise)."""
    if raw.refid:
        return raw.refid
    derived = derive_refid(text, _year(sent, raw.refid_hint))
    if derived and raw.refid_hint and _truncated(derived, raw.refid_hint):
        notes.append(
            f"reference id {raw.refid_hint} of the record kept: the cable's banner gives "
            f"{derived}, the same id with its serial cut short"
        )
        return raw.refid_hint
    if derived:
        if raw.refid_hint and raw.refid_hint != derived:
            notes.append(
                f"reference id {derived} derived from the cable's banner "
                f"(the record suggested {raw.refid_hint})"
            )
        return derived
    if raw.refid_hint:
        return raw.refid_hint
    raise CableError("no reference id: none in the record and none in the cable's banner")


def _truncated(derived: str, hint: str) -> bool:
    """True when `derived` is `hint` with the end of its serial lost (a banner cut short in
    the source: "TRIPOLI 00011" in the file of 10TRIPOLI112)."""
    a, b = REFID_RE.match(derived), REFID_RE.match(hint)
    if a is None or b is None or not is_wellformed_refid(hint):
        return False
    return (
        a.group(1, 2) == b.group(1, 2)
        and len(b.group(3)) > len(a.group(3))
        and b.group(3).startswith(a.group(3))
    )


def _classification(raw: RawRecord, text: str, notes: list[str]) -> str:
    if raw.classification:
        value = extract.normalize_classification(raw.classification)
        if value:
            return value
        notes.append(f"classification {raw.classification!r} not understood")
    return extract.classification_from_text(text) or ""


def _year(created: datetime | None, refid: str | None) -> int | None:
    """The cable's year: from its creation time, else from the 2-digit year its id starts with."""
    if created is not None:
        return created.year
    return refid_year(refid)


def _origin_from_refid(refid: str, notes: list[str]) -> str:
    """The origin named by the station of the reference id, for texts that do not say it
    (no metadata, no header): every cable of a station comes from the same post."""
    m = REFID_RE.match(refid)
    origin = station_origin(m.group(2)) if m else None
    if origin is None:
        return ""
    notes.append(f"origin {origin} taken from the reference id {refid}")
    return origin


def _references(
    raw: RawRecord, body: str, year: int | None, refid: str
) -> tuple[str, ...]:
    """The cables this one cites: its own REF block first. The source's references column
    (cables.csv, the nonelater `_id`) is WikiLeaks' parse of the same block and often worse
    (later list items missed, page-break ids and typos kept), so it only fills in when the
    text has no REF block we can read. A cable never cites itself."""
    block = extract.reference_block(body)
    found = parse_references(block, year) if block is not None else []
    if not found and raw.references:
        found = [r.strip().upper() for r in raw.references]
        found = [r for r in found if is_wellformed_refid(r)]
    return tuple(dict.fromkeys(r for r in found if not _same_cable(r, refid)))


def _same_cable(ref: str, refid: str) -> bool:
    """True for the cable's own id, also under a shorter station name (09DUBAI187 in the
    references column of 09RPODUBAI187)."""
    if ref == refid:
        return True
    a, b = REFID_RE.match(ref), REFID_RE.match(refid)
    if a is None or b is None or a.group(1, 3) != b.group(1, 3):
        return False
    return b.group(2).endswith(a.group(2)) or a.group(2).endswith(b.group(2))
