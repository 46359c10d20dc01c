"""Tests of `indexer.normalize.build_cable` on the bundled example and on every real cable.

The real cables are turned into `RawRecord`s by the small loaders below (one per format),
written apart from the reader modules on purpose: these tests check the cleaning and the
field extraction, and must not fail because a reader is unfinished.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import EXAMPLE, REAL_CABLES, needs_real_cables
from test_clean import assert_all_accounted

from indexer.cable import Cable, RawRecord, ReadError, Source
from indexer.clean import clean_body
from indexer.extract import CLASSIFICATIONS, split_header
from indexer.normalize import CableError, build_cable

# --------------------------------------------------------------------------- loaders


def _source(path: Path, fmt: str, data: bytes, record: int | None = None) -> Source:
    return Source(str(path), fmt, record, hashlib.sha256(data).hexdigest())


def _utc(text: str, fmt: str) -> datetime:
    return datetime.strptime(text.strip(), fmt).replace(tzinfo=UTC)


def example_record(path: Path = EXAMPLE) -> RawRecord:
    """The page text layout: title line, metadata table, header line, body line."""
    data = path.read_bytes()
    lines = data.decode("utf-8").splitlines()
    title = lines[0].removeprefix("WikiLeaks:").strip()
    cells = [c.strip() for c in lines[3].strip().strip("|").split("|")]
    return RawRecord(
        source=_source(path, "pagetext", data),
        text=lines[5],
        header=lines[4],
        refid=cells[0],
        created=_utc(cells[1], "%Y-%m-%d %H:%M"),
        created_minutes_unreliable=True,
        classification=cells[2],
        origin=cells[3],
        title=title,
    )


def html_record(path: Path) -> RawRecord:
    data = path.read_bytes()
    page = data.decode("utf-8")
    # Only the metadata table and the two <pre> blocks matter; the navigation is most of a
    # page, so cut it away before parsing (keeps the whole test file fast).
    start = page.index("<table class='cable'>")
    soup = BeautifulSoup(page[start : page.rindex("</pre>") + 6], "lxml")
    table = soup.find("table", class_="cable")
    assert table is not None, path
    heads = [th.get_text(strip=True) for th in table.find_all("th")]
    cells = [td.get_text(strip=True) for td in table.find_all("tr")[1].find_all("td")]
    meta = dict(zip(heads, cells, strict=False))
    pres = [pre.get_text().replace("\r\n", "\n") for pre in soup.find_all("pre")]
    header: str | None = pres[0] if len(pres) > 1 else None
    if header is not None and header.startswith("This record is a partial extract"):
        header = None
    released = meta.get("Released")
    final = "r251287" in str(path)
    return RawRecord(
        source=_source(path, "html", data),
        text=pres[-1],
        header=header,
        refid=meta["Reference ID"],
        created=_utc(meta.get("Created") or meta["Date"], "%Y-%m-%d %H:%M"),
        created_minutes_unreliable=not final,
        released=_utc(released, "%Y-%m-%d %H:%M") if released else None,
        classification=meta["Classification"],
        origin=meta["Origin"],
    )


def csv_records(path: Path) -> Iterator[RawRecord]:
    raw_lines = path.read_bytes()
    with open(path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh, escapechar="\\"), start=1):
            _, date, refid, origin, classification, refs, header, body = row
            references = tuple(r for r in refs.split("|") if r)
            yield RawRecord(
                source=_source(path, "csv", raw_lines, n),
                text=body,
                header=header,
                refid=refid,
                created=_utc(date, "%m/%d/%Y %H:%M"),
                classification=classification,
                origin=origin,
                references=references or None,
            )


def jsonl_records(path: Path) -> Iterator[RawRecord]:
    """mongoexport JSON lines; lines that are not valid JSON are skipped (as a reader would)."""
    typecode = "typecode" in str(path)
    for n, line in enumerate(path.read_bytes().splitlines(), start=1):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        date = obj["date_time"]
        fmt = "%Y-%m-%d %H:%M" if "-" in date else "%m/%d/%Y %H:%M"
        yield RawRecord(
            source=_source(path, "jsonl", line, n),
            text=obj["body"],
            refid=obj["_id"] if typecode else None,
            refid_hint=None if typecode else (obj["_id"] or None),
            created=_utc(date, fmt),
            created_minutes_unreliable=typecode,
            classification=obj["classification"],
            origin=obj["origin"],
        )


def jsonp_record(path: Path) -> RawRecord:
    data = path.read_bytes()
    text = data.decode("utf-8")
    obj = json.loads(text[text.index("(") + 1 : text.rindex(")")])["items"][0]
    return RawRecord(
        source=_source(path, "jsonp", data),
        text=obj["text"],
        refid=obj["id"],
        created=_utc(obj["date"], "%Y-%m-%d %H:%M:%S"),
        created_minutes_unreliable=True,
        classification=obj["classification"],
        origin=obj["origin"],
        subject=obj["subject"],
    )


#: what some pre extracts hold instead of a cable: the page's articles box
ARTICLES_BOX = "Appears in these articles:"


def pre_record(path: Path) -> RawRecord:
    data = path.read_bytes()
    text = BeautifulSoup(data.decode("utf-8"), "lxml").get_text()
    return RawRecord(source=_source(path, "pre", data), text=text, refid_hint=path.stem)


def pdftotext_record(path: Path) -> RawRecord:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\f", "\n")
    return RawRecord(source=_source(path, "pdftotext", data), text=text, refid_hint=path.stem)


def alx_record(path: Path) -> RawRecord:
    data = path.read_bytes()
    lines = data.decode("utf-8").split("\n", 5)
    refid, subject, date, classification, origin, text = lines
    return RawRecord(
        source=_source(path, "alx", data),
        text=text,
        refid=refid,
        created=datetime.strptime(date, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC),
        classification=classification,
        origin=origin,
        subject=subject,
    )


def real_records(root: Path = REAL_CABLES) -> Iterator[RawRecord]:
    """Every loadable real record, all formats (PDFs excepted: the text layer is a reader's)."""
    yield example_record()
    for path in sorted(root.glob("html-*/**/*.html")):
        yield html_record(path)
    yield from csv_records(root / "csv-cables-nonelater" / "cables.csv")
    for path in sorted(root.glob("json-mongoexport-*/*.json")):
        yield from jsonl_records(path)
    yield jsonp_record(root / "jsonp-cablesearch-qwikileaks" / "cable.json")
    for path in sorted((root / "txt-pre-extract-tathagata" / "cables").glob("*.txt")):
        record = pre_record(path)
        if record.text.strip() != ARTICLES_BOX:  # no cable in it (see test below)
            yield record
    for path in sorted((root / "txt-pdftotext-paulmathieu").glob("*.txt")):
        yield pdftotext_record(path)
    for path in sorted((root / "txt-alx-cablegate" / "cables").glob("*.txt")):
        yield alx_record(path)


# --------------------------------------------------------------------------- the example

EXAMPLE_BODY_START = (
    "DEPARTMENT FOR NEA/I AND NEA/IR NSC STAFF FOR OLLIVANT AND MAGSAMEN\n\n"
    "E.O. 12958: DECL: 01/14/2018\n\n"
    "TAGS: PTER PHUM PINR PREF PREL IZ IR\n\n"
    "SUBJECT: MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN FOR MASS SUICIDE; MEK, "
    "IRAQI AUTHORITIES BOOST ENGAGEMENT\n\n"
    "REF: A. BAGHDAD 003 B. 2008 BAGHDAD 4006\n\n"
    "Classified By: Acting Pol-Mil Counselor Philip Kosnett for reasons 1.4 (b) and (d).\n\n"
    "1. (C) SUMMARY: A defector from Camp Ashraf,"
)


@pytest.fixture(scope="module")
def example() -> Cable:
    return build_cable(example_record())


def test_example_fields(example: Cable) -> None:
    assert example.refid == "09BAGHDAD113"
    assert example.created == datetime(2009, 1, 15, 16, 48, tzinfo=UTC)
    assert example.classification == "CONFIDENTIAL"
    assert example.origin == "Embassy Baghdad"
    assert example.title == "DEFECTOR CLAIMS MEK HAS CONTINGENCY"
    assert example.subject == (
        "MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN FOR MASS SUICIDE; MEK, IRAQI "
        "AUTHORITIES BOOST ENGAGEMENT"
    )
    assert example.tags == ("PTER", "PHUM", "PINR", "PREF", "PREL", "IZ", "IR")
    assert example.references == ("09BAGHDAD3", "08BAGHDAD4006")
    assert example.signed_by == ("BUTENIS",)
    assert example.classified_by == "Philip Kosnett"
    assert example.declassify == "2018-01-14"
    assert example.recipients == ("SECSTATE WASHDC",)
    assert example.info == (
        "HQ USCENTCOM MACDILL AFB FL",
        "SECDEF WASHINGTON DC",
        "IRAN COLLECTIVE",
        "IRAQ COLLECTIVE",
    )
    assert example.header == EXAMPLE.read_text(encoding="utf-8").splitlines()[4].strip()
    assert example.released is None
    assert example.source == example_record().source
    # the DTG agrees with the page's time: nothing to correct, nothing to note
    assert example.notes == ()


def test_example_summary(example: Cable) -> None:
    assert example.summary is not None
    assert example.summary.startswith("A defector from Camp Ashraf, home to the Mujahedin e-Khalq")
    assert example.summary.endswith(
        "neither can we discount the possibility of contingency plans by the group for protest "
        "suicides."
    )
    assert "END SUMMARY" not in example.summary


def test_example_body(example: Cable) -> None:
    body = example.body
    assert body.startswith(EXAMPLE_BODY_START)
    paragraphs = body.split("\n\n")
    numbered = [p[:7] for p in paragraphs if re.match(r"\d\. \(C\)", p)]
    assert numbered == [f"{n}. (C) " for n in range(1, 9)]
    assert "Background" in paragraphs and "Defector" in paragraphs and "Cooperation" in paragraphs
    assert body.endswith("a tactic the MeK used in the past. BUTENIS")
    # noise gone, words kept
    assert "00000113" not in body and "C O N F I D" not in body and "SIPDIS" not in body
    assert "Qconvince" not in body
    assert body.count("convince him to change his mind. When he refused, however,") == 1
    assert "When he refused, however, they offered to drive him to Irbil" in body
    assert "--" not in body


# --------------------------------------------------------------------------- rules on records


def _example_with(**changes: object) -> RawRecord:
    return dataclasses.replace(example_record(), **changes)  # type: ignore[arg-type]


def test_created_minutes_fixed_from_dtg() -> None:
    cable = build_cable(_example_with(created=datetime(2009, 1, 15, 16, 4, tzinfo=UTC)))
    assert cable.created == datetime(2009, 1, 15, 16, 48, tzinfo=UTC)
    assert cable.notes == (
        "created time 16:48 taken from the header's date-time group 151648Z JAN 09 "
        "(the release showed 16:04)",
    )


def test_created_keeps_metadata_date_when_dtg_is_far() -> None:
    # re-sent cable: the DTG is a month later than the metadata date
    raw = _example_with(
        header=example_record().header.replace("151648Z JAN 09", "151648Z FEB 09"),  # type: ignore[union-attr]
        created=datetime(2009, 1, 15, 16, 4, tzinfo=UTC),
    )
    cable = build_cable(raw)
    assert cable.created == datetime(2009, 1, 15, 16, 48, tzinfo=UTC)
    assert "151648Z FEB 09" in cable.notes[0]


def test_created_from_dtg_when_metadata_has_none() -> None:
    cable = build_cable(_example_with(created=None))
    assert cable.created == datetime(2009, 1, 15, 16, 48, tzinfo=UTC)
    assert cable.notes == ("created taken from the header's date-time group 151648Z JAN 09",)


def test_unreliable_minutes_without_dtg_are_kept_with_a_note() -> None:
    cable = build_cable(
        _example_with(header=None, created=datetime(2009, 1, 15, 16, 4, tzinfo=UTC))
    )
    assert cable.created == datetime(2009, 1, 15, 16, 4, tzinfo=UTC)
    assert "may be wrong" in cable.notes[0]
    assert cable.recipients == () and cable.info == () and cable.header == ""


def test_refid_derived_from_banner_over_weak_hint() -> None:
    cable = build_cable(_example_with(refid=None, refid_hint="09BAGHDAD3|08BAGHDAD4006"))
    assert cable.refid == "09BAGHDAD113"
    assert cable.notes == (
        "reference id 09BAGHDAD113 derived from the cable's banner "
        "(the record suggested 09BAGHDAD3|08BAGHDAD4006)",
    )


def test_refid_hint_when_nothing_else() -> None:
    raw = _example_with(refid=None, created=None, header=None, refid_hint="09BAGHDAD113")
    assert build_cable(raw).refid == "09BAGHDAD113"


def test_metadata_wins_over_text() -> None:
    raw = _example_with(
        classification="secret noforn",
        origin="Embassy Somewhere",
        references=("09BAGHDAD1",),
        tags=("ZZZZ",),
    )
    cable = build_cable(raw)
    assert cable.classification == "SECRET//NOFORN"
    assert cable.origin == "Embassy Somewhere"
    # the text's REF block and TAGS first; the source's columns only as a fallback
    assert cable.references == ("09BAGHDAD3", "08BAGHDAD4006")
    assert cable.tags[0] == "PTER"


def test_references_column_fills_in_when_the_text_has_no_ref_block() -> None:
    text = example_record().text.replace("REF: A. BAGHDAD 003 B. 2008 BAGHDAD 4006 ", "")
    assert "REF:" not in text
    raw = _example_with(text=text, references=("09baghdad1", "09BAGHDAD113", "not-an-id"))
    # canonical, well formed, and never the cable itself
    assert build_cable(raw).references == ("09BAGHDAD1",)


def test_fields_from_text_when_metadata_is_missing() -> None:
    raw = _example_with(classification=None, origin=None, title=None)
    cable = build_cable(raw)
    assert cable.classification == "CONFIDENTIAL"
    assert cable.origin == "Embassy Baghdad"
    assert cable.title == cable.subject


def test_header_split_off_the_text() -> None:
    record = example_record()
    assert record.header is not None
    header = record.header.replace(" FM ", "\nFM ")
    raw = _example_with(header=None, text=header + "\n" + record.text)
    cable = build_cable(raw)
    assert cable.header.startswith("VZCZCXRO7948")
    assert cable.body.startswith("DEPARTMENT FOR NEA/I")
    assert cable.recipients == ("SECSTATE WASHDC",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"text": "", "header": None}, "no cable text"),
        ({"text": "  \n ", "header": None}, "no cable text"),
        ({"text": ARTICLES_BOX, "header": None}, "no cable text"),
        ({"refid": None, "created": None, "header": None, "refid_hint": None}, "no reference id"),
    ],
)
def test_cable_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(CableError, match=message):
        build_cable(_example_with(**changes))


# --------------------------------------------------------------------------- real cables


@pytest.fixture(scope="module")
def records() -> list[RawRecord]:
    if not REAL_CABLES.is_dir():
        pytest.skip(f"real cables not found at {REAL_CABLES}")
    return list(real_records())


@pytest.fixture(scope="module")
def built(records: list[RawRecord]) -> list[tuple[RawRecord, Cable | CableError]]:
    out: list[tuple[RawRecord, Cable | CableError]] = []
    for raw in records:
        try:
            out.append((raw, build_cable(raw)))
        except CableError as exc:
            out.append((raw, exc))
    return out


def _cables(built: list[tuple[RawRecord, Cable | CableError]]) -> list[tuple[RawRecord, Cable]]:
    return [(raw, c) for raw, c in built if isinstance(c, Cable)]


@needs_real_cables
@pytest.mark.slow
def test_build_cable_succeeds_on_real_records(
    built: list[tuple[RawRecord, Cable | CableError]],
) -> None:
    failed = [(raw.source.path, str(c)) for raw, c in built if isinstance(c, CableError)]
    assert len(built) > 3500
    assert len(failed) <= 0.005 * len(built), failed[:10]


@needs_real_cables
def test_pre_extracts_without_cable_text_raise(real_cables: Path) -> None:
    folder = real_cables / "txt-pre-extract-tathagata" / "cables"
    boxes = [p for p in sorted(folder.glob("*.txt")) if pre_record(p).text.strip() == ARTICLES_BOX]
    assert boxes  # the dev set has such files (the extract took the wrong <pre>)
    for path in boxes[:5]:
        with pytest.raises(CableError, match="no cable text"):
            build_cable(pre_record(path))


@needs_real_cables
@pytest.mark.slow
def test_classification_in_cablegate_set(built: list[tuple[RawRecord, Cable | CableError]]) -> None:
    for raw, cable in _cables(built):
        assert cable.classification in (*CLASSIFICATIONS, ""), raw.source.path
        if raw.classification or raw.header:
            assert cable.classification, raw.source.path


@needs_real_cables
@pytest.mark.slow
def test_origin_is_metadata_spelling(built: list[tuple[RawRecord, Cable | CableError]]) -> None:
    """Where both exist, the origin read from the FM line is the metadata's own spelling."""
    from indexer.extract import origin_from_header

    checked = 0
    for raw, cable in _cables(built):
        if raw.origin and cable.header:
            assert origin_from_header(cable.header) == raw.origin, raw.source.path
            checked += 1
        assert cable.origin == cable.origin.strip()
    assert checked > 500


def _norm(text: str) -> str:
    text = " ".join(text.split()).upper()
    return re.sub(r"^(?:SUBJECT: )+", "", text).lstrip("([\"'“‘")


@needs_real_cables
@pytest.mark.slow
def test_html_subject_and_tags_match_the_page(
    built: list[tuple[RawRecord, Cable | CableError]],
) -> None:
    """The page's own TAGS links and its "Viewing cable ID, SUBJECT" heading (which shows the
    first line of the SUBJECT) agree with what is extracted from the text."""
    tags_checked = subjects_checked = 0
    for raw, cable in _cables(built):
        if raw.source.format != "html":
            continue
        page = Path(raw.source.path).read_text(encoding="utf-8")
        body_pre = page[page.rfind("<pre") :]
        links = [
            html.unescape(t).strip().upper()
            for t in re.findall(r"/tag/[^'\"]*['\"]>([^<]*)</a>", body_pre)
        ]
        if links:
            tags_checked += 1
            linked = tuple(dict.fromkeys(links))
            # The page links the tags of the TAGS line (a continued line is not linked) and
            # splits free text written there into words ("HUMAN", "RIGHTS"), which we leave
            # out: our codes are the page's, in order, less those words.
            kept = [t for t in cable.tags if t in linked]
            assert kept == [t for t in linked if t in cable.tags], raw.source.path
            dropped = [t for t in linked if t not in cable.tags]
            assert all(len(t) >= 4 or not t.isalpha() for t in dropped), (raw.source.path, dropped)
        heading = re.search(r"<h3>Viewing cable [^,]*, (.*?)</h3>", page, re.DOTALL)
        if heading:
            subjects_checked += 1
            # (the subject leaves out its portion marking, which the heading may show cut:
            # "S) FURTHER SCHEMING ...")
            heading_text = re.sub(r"^\s*\(?[A-Za-z/]{1,5}\)\s*", "", heading.group(1))
            shown, ours = _norm(html.unescape(heading_text)), _norm(cable.subject)
            assert ours, raw.source.path
            # the heading is the first line of the subject (sometimes run into the next line)
            assert shown.startswith(ours) or ours.startswith(shown), raw.source.path
    assert tags_checked > 800 and subjects_checked > 300


@needs_real_cables
def test_ankara_348_sentence_cased_release(real_cables: Path) -> None:
    path = real_cables / "json-mongoexport-typecode" / "wikileaks-11-28-10.json"
    raw = next(r for r in jsonl_records(path) if r.refid == "04ANKARA348")
    cable = build_cable(raw)
    assert cable.tags == ("PREL", "PGOV", "PINS", "TU")
    assert cable.subject == (
        "turkish p.m. Erdogan goes to washington: how strong a leader in the face of strong "
        "challenges?"
    )
    assert cable.classification == "CONFIDENTIAL"
    assert cable.classified_by == "Eric Edelman"
    assert cable.declassify == "2014-01-07"
    assert not cable.body.lower().startswith("c o n f")
    assert "\n\n2. (C) P.M. Erdogan appears" in cable.body


@needs_real_cables
def test_the_hague_404_loses_its_q_duplicates(real_cables: Path) -> None:
    raw = pre_record(real_cables / "txt-pre-extract-tathagata" / "cables" / "09THEHAGUE404.txt")
    assert "\nQ9. (C) Stokvis" in raw.text
    cable = build_cable(raw)
    assert cable.refid == "09THEHAGUE404"
    assert cable.body.count("Stokvis said that the Dutch give 42 million euros") == 1
    assert "9. (C) Stokvis said that the Dutch give 42 million euros annually" in cable.body
    assert cable.body.count("Operating Locations in the Caribbean will be extended") == 1
    assert not re.search(r"(?<![A-Za-z])Q\d", cable.body)


@needs_real_cables
@pytest.mark.slow
def test_cleaning_never_drops_a_word(records: list[RawRecord]) -> None:
    """Every character of every real text is in the cleaned body or in a removal that is
    provably noise of its kind (page marker, Q-duplicate, banner, pilcrow, SIPDIS, ...)."""
    seen: set[str] = set()
    for raw in records:
        _, text = (raw.header, raw.text) if raw.header is not None else split_header(raw.text)
        if text in seen:  # the same text in several releases
            continue
        seen.add(text)
        assert_all_accounted(text, clean_body(text, trace=True))
    assert len(seen) > 3000


# --------------------------------------------------------------------------- year and origin


def _pre(text: str, hint: str) -> RawRecord:
    data = text.encode()
    return RawRecord(
        source=Source(f"{hint}.txt", "pre", None, hashlib.sha256(data).hexdigest()),
        text=text,
        refid_hint=hint,
    )


_PRE_BODY = (
    "C O N F I D E N T I A L {banner}\n\nE.O. 12958: DECL: 03/03/2019\n"
    "TAGS: PREL RS\nSUBJECT: A SUBJECT OF SOME LENGTH\n\n1. (C) The text of the cable.\n"
)


@pytest.mark.parametrize(
    ("banner", "hint", "refid", "year", "origin"),
    [
        ("MOSCOW 001108", "09MOSCOW1108", "09MOSCOW1108", 2009, "Embassy Moscow"),
        ("STATE 012345", "09STATE12345", "09STATE12345", 2009, "Secretary of State"),
        ("SAO PAULO 000276", "88SAOPAULO276", "88SAOPAULO276", 1988, "Consulate Sao Paulo"),
        ("RPO DUBAI 000288", "09RPODUBAI288", "09RPODUBAI288", 2009, "Iran RPO Dubai"),
        # a banner cut short in the source does not override the file's id
        ("TRIPOLI 00011", "10TRIPOLI112", "10TRIPOLI112", 2010, "Embassy Tripoli"),
        # a station nobody listed: the year still comes from the id, no origin is guessed
        ("ZZYZX 000012", "09ZZYZX12", "09ZZYZX12", 2009, ""),
    ],
)
def test_year_and_origin_come_from_the_refid_when_the_text_has_none(
    banner: str, hint: str, refid: str, year: int, origin: str
) -> None:
    cable = build_cable(_pre(_PRE_BODY.format(banner=banner), hint))
    assert (cable.refid, cable.year, cable.origin) == (refid, year, origin)
    assert cable.created is None  # never invented
    assert any("origin" in n for n in cable.notes) == bool(origin)


def test_year_of_an_id_outside_cablegate_is_unknown() -> None:
    from indexer.cable import refid_year

    assert [refid_year(r) for r in ("66X1", "99X1", "00X1", "10X1", "11X1", "7575X1", None)] == [
        1966, 1999, 2000, 2010, None, None, None,
    ]


@needs_real_cables
def test_every_real_cable_has_a_year_and_nearly_every_one_an_origin(
    real_parsed: tuple[Cable | ReadError, ...],
) -> None:
    cables = [c for c in real_parsed if isinstance(c, Cable)]
    assert all(c.year is not None for c in cables)
    assert sum(1 for c in cables if c.origin) >= 0.995 * len(cables)
    pre = [c for c in cables if c.source.format == "pre"]
    assert sum(1 for c in pre if c.origin) >= 0.99 * len(pre)
    moscow = [(c.year, c.origin) for c in pre if c.refid.startswith("09MOSCOW")]
    assert moscow and set(moscow) == {(2009, "Embassy Moscow")}


_CUT = (
    "S E C R E T TEHRAN 8233\n\nE.O. 11652: GDS\nTAGS: PINT IR\nSUBJECT: SHAH ON CORRUPTION\n\n"
    "1. AFTER THE AUDIENCE WITH THE SHAH WAS FINISHED, I ASKED TO ST...\n\n\n\n08STATE15228\n"
    "S E C R E T THE HAGUE 000174\nSIPDIS\nE.O. 12958: DECL: 02/25/2018\nTAGS: PINT IR\n"
    "SUBJECT: NETHERLANDS: A DUTCH FIRM\nREF: STATE 15228\n"
    "Classified By: CDA Andrew Schofer, reasons 1.4 (b,d)\n1. (S) Polmiloff discussed reftel "
    "points with the ministry on February 25 and will report more.\nSchofer\n"
)
_QUOTED = (
    "C O N F I D E N T I A L STATE 012345\n\nE.O. 12958: DECL: 02/25/2018\nTAGS: PREL IR\n"
    "SUBJECT: REPEAT OF A CABLE FROM THE HAGUE\n\n1. FOLLOWING REPEAT OF A CABLE SENT TO US."
    " QUOTE\nC O N F I D E N T I A L THE HAGUE 000174\nSUBJECT: NETHERLANDS\n"
    "Classified By: CDA Andrew Schofer, reasons 1.4 (b,d)\n1. THE TEXT OF IT.\nSCHOFER\n"
    "UNQUOTE\n\nRICE\n"
)


def test_a_cable_glued_after_one_cut_short_gives_it_no_fields() -> None:
    cable = build_cable(_pre(_CUT, "73TEHRAN8233"))
    assert (cable.refid, cable.subject) == ("73TEHRAN8233", "SHAH ON CORRUPTION")
    assert (cable.signed_by, cable.classified_by, cable.references) == ((), None, ())
    assert "Polmiloff" in cable.body  # the text itself is kept
    assert any("another cable" in note for note in cable.notes)


def test_a_quoted_cable_is_not_taken_for_a_glued_one() -> None:
    cable = build_cable(_pre(_QUOTED, "09STATE12345"))
    assert cable.signed_by == ("RICE",)
    assert not any("another cable" in note for note in cable.notes)


def test_only_a_banner_a_few_lines_after_the_cut_makes_a_glued_cable() -> None:
    cut = "I ASKED TO ST...\n\n\n\n08STATE15228\n"
    far = cut + "PARAGRAPH OF THE SAME CABLE GOES ON AT LENGTH. " * 12  # > 400 characters
    glued = _CUT.replace(cut, far)
    cable = build_cable(_pre(glued, "73TEHRAN8233"))
    assert not any("another cable" in note for note in cable.notes)
    # many cuts before it, the banner right after the last one
    many = _CUT.replace(cut, "WE SAW... AND... THEN... " * 30 + cut)
    cable = build_cable(_pre(many, "73TEHRAN8233"))
    assert any("another cable" in note for note in cable.notes)
    assert cable.signed_by == ()
