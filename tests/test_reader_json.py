"""Tests for the JSON readers: mongoexport JSON lines (two styles) and the cablesearch JSONP."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REAL_CABLES, needs_real_cables

from indexer.cable import RawRecord, ReadError
from indexer.readers import _common, csvfile, jsonl

TYPECODE = REAL_CABLES / "json-mongoexport-typecode" / "wikileaks-11-28-10.json"
NONELATER = REAL_CABLES / "json-mongoexport-nonelater"
JSONP = REAL_CABLES / "jsonp-cablesearch-qwikileaks" / "cable.json"


def read_all(path: Path) -> list[RawRecord | ReadError]:
    return list(jsonl.read(path))


def records(items: list[RawRecord | ReadError]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


def errors(items: list[RawRecord | ReadError]) -> list[ReadError]:
    return [item for item in items if isinstance(item, ReadError)]


def mongo_line(
    ident: str = "", date: str = "1/15/2009 7:05", body: str = "UNCLAS BAGHDAD 000113 TEXT"
) -> str:
    """A mongoexport line laid out like the real ones (spaces around `:`)."""
    fields = {
        "_id": ident,
        "origin": "Embassy Baghdad",
        "date_time": date,
        "classification": "UNCLASSIFIED",
        "body": body,
    }
    pairs = (f"{json.dumps(k)} : {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items())
    return "{ " + ", ".join(pairs) + " }"


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- sniffing ----------------------------------------------------------------------------

LONG_BODY_LINE = mongo_line(body="WORD " * 20_000).encode()  # cut off by the 64 KiB head

SNIFF_CASES = [
    (mongo_line().encode() + b"\n", True),
    (b"\n\n  " + mongo_line().encode() + b"\n", True),
    (LONG_BODY_LINE[:65536], True),
    # bad escapes (as in Embassy_Islamabad03-06.json) still sniff as JSON lines
    (mongo_line(body="the United States' partners").replace("'", "\\'").encode(), True),
    (b'cablegrab({"info":{"response":"OK"},"items":[]})', True),
    (b'  jQuery123_cb ({"items":[]});', True),
    (b'{"_id": "x", "origin": "Embassy Baghdad", "text": "no body key"}\n', False),
    (b'[{"body": "in an array"}]\n', False),
    (b"{ this is prose in braces, with a body: yes }\n", False),
    (b'"1","12/28/1966 18:48","66BUENOSAIRES2481","Embassy Buenos Aires","UNCLASSIFIED"', False),
    (b"<html><body><pre>UNCLAS</pre></body></html>", False),
    (b"UNCLAS BAGHDAD 000113\nSUBJECT: (cablegrab({ is not at the start)\n", False),
]


@pytest.mark.parametrize(("head", "expected"), SNIFF_CASES)
def test_sniff(head: bytes, expected: bool) -> None:
    assert jsonl.sniff(Path("whatever.txt"), head) is expected


def test_csv_does_not_sniff_json() -> None:
    for head, _expected in SNIFF_CASES[:6]:
        assert not csvfile.sniff(Path("x"), head)


@needs_real_cables
def test_sniff_real_files() -> None:
    json_files = sorted(REAL_CABLES.glob("json*/*.json"))
    assert len(json_files) == 9
    for path in json_files:
        assert jsonl.sniff(path, path.read_bytes()[:65536]), path
    real_csv = REAL_CABLES / "csv-cables-nonelater" / "cables.csv"
    assert not jsonl.sniff(real_csv, real_csv.read_bytes()[:65536])


# --- real JSON lines ---------------------------------------------------------------------

REAL_COUNTS = {
    "json-mongoexport-typecode/wikileaks-11-28-10.json": 151,
    "json-mongoexport-nonelater/delhi.json": 141,
    "json-mongoexport-nonelater/delhi__Embassy_Baghdad03-06.json": 161,
    "json-mongoexport-nonelater/delhi__Embassy_Baghdad08-10.json": 140,
    "json-mongoexport-nonelater/delhi__Embassy_Baghdad80-90.json": 10,
    "json-mongoexport-nonelater/delhi__Embassy_Baghdad90-95.json": 7,
    # 37 of 41 lines have `\'` escapes, repaired
    "json-mongoexport-nonelater/Embassy_Islamabad03-06.json": 41,
    # the last line ends in `}''`, repaired
    "json-mongoexport-nonelater/iran.json": 154,
}


@needs_real_cables
@pytest.mark.parametrize(("name", "count"), sorted(REAL_COUNTS.items()))
def test_real_file_reads_every_record(name: str, count: int) -> None:
    items = read_all(REAL_CABLES / name)
    assert errors(items) == []
    got = records(items)
    assert len(got) == count
    assert [r.source.record for r in got] == list(range(1, count + 1))
    assert {r.source.format for r in got} == {"jsonl"}
    assert all(r.created is not None and r.created.tzinfo is UTC for r in got)
    assert all(r.text.strip() for r in got)


@needs_real_cables
def test_real_typecode_record() -> None:
    got = records(read_all(TYPECODE))
    first = got[0]
    assert first.refid == "04ANKARA348"
    assert first.created == datetime(2004, 1, 20, 12, 12, tzinfo=UTC)
    assert first.created_minutes_unreliable is True
    assert first.origin == "Embassy Ankara"
    assert first.classification == "CONFIDENTIAL"
    assert first.text.startswith("C o n f i d e n t i a l section 01 of 04 ankara 000348Sipdis")
    assert first.header == (
        "This record is a partial extract of the original cable. The full text of the "
        "original cable is not available.201247Z Jan 04"
    )
    assert first.references is None and first.refid_hint is None
    assert first.notes == ()
    assert all(r.refid and r.created_minutes_unreliable for r in got)


@needs_real_cables
def test_real_nonelater_record_ids_are_references_not_refids() -> None:
    got = records(read_all(NONELATER / "delhi.json"))
    first, fourth = got[0], got[3]
    assert first.refid is None and first.refid_hint is None
    assert first.references == ("87NEWDELHI17853",)  # the body is 87NEWDELHI19406
    assert "NEW DELHI 19406" in first.text
    assert first.created == datetime(1987, 8, 7, 12, 11, tzinfo=UTC)
    assert first.created_minutes_unreliable is False
    assert first.header is None
    assert fourth.references == ("04DHAKA3127", "04KOLKATA350", "04NEWDELHI5486")
    assert fourth.classification == "CONFIDENTIAL"
    assert fourth.origin == "Embassy New Delhi"
    assert fourth.text.startswith("C O N F I D E N T I A L  NEW DELHI 005734")
    assert all(r.refid is None and r.refid_hint is None for r in got)
    assert sum(r.references == () for r in got) > 0


@needs_real_cables
def test_real_hash_is_the_line_bytes() -> None:
    lines = TYPECODE.read_bytes().split(b"\n")
    got = records(read_all(TYPECODE))
    assert got[1].source.sha256 == hashlib.sha256(lines[1]).hexdigest()
    assert len({r.source.sha256 for r in got}) == len(got)


@needs_real_cables
def test_real_bad_escapes_are_repaired() -> None:
    got = records(read_all(NONELATER / "Embassy_Islamabad03-06.json"))
    assert sum(bool(r.notes) for r in got) == 37
    first = got[0]
    assert first.references == ("03STATE301352",)
    assert "one of the United States' most important partners" in first.text
    assert not any("\\" in r.text for r in got)


@needs_real_cables
def test_real_trailing_junk_is_dropped_with_a_note() -> None:
    last = records(read_all(NONELATER / "iran.json"))[-1]
    assert last.source.record == 154
    assert last.notes == ("junk after the JSON object ignored: \"''\"",)
    assert last.text.endswith('the "soft threats" now facing the regime. END COMMENT. EYRE ')


# --- real JSONP --------------------------------------------------------------------------


@needs_real_cables
def test_real_jsonp() -> None:
    (item,) = read_all(JSONP)
    assert isinstance(item, RawRecord)
    assert item.source.format == "jsonp" and item.source.record == 1
    assert item.refid == "08MOSCOW3343"
    assert item.subject == "MEDVEDEV’S ADDRESS AND TANDEM POLITICS"
    # the HTML releases' minutes bug, copied: the DTG says 190643Z
    assert item.created == datetime(2008, 11, 19, 6, 6, tzinfo=UTC)
    assert item.created_minutes_unreliable is True
    assert item.released == datetime(2010, 12, 1, 23, 11, tzinfo=UTC)
    assert item.classification == "CONFIDENTIAL" and item.origin == "Embassy Moscow"
    assert item.tags == ("PGOV", "PHUM", "RS", "SOCI")
    assert item.title is None
    assert item.header is not None and item.header.startswith("VZCZCXYZ0000\nPP RUEHWEB\n")
    assert item.text.startswith("Wednesday, 19 November 2008, 06:43\nC O N F I D E N T I A L")
    assert item.text.endswith("\nBEYRLE")
    payload = JSONP.read_text(encoding="utf-8")
    raw_item = json.loads(payload[payload.index("(") + 1 : payload.rindex(")")])["items"][0]
    canonical = json.dumps(raw_item, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert item.source.sha256 == hashlib.sha256(canonical.encode()).hexdigest()


# --- style detection ---------------------------------------------------------------------


def test_style_is_decided_per_record(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "mixed.json",
        mongo_line("09BAGHDAD113", "2009-01-15 07:07"),  # typecode
        mongo_line("09STATE1|09BAGHDAD100", "1/15/2009 7:05"),  # nonelater
        mongo_line("09BAGHDAD113", "1/15/2009 7:05"),  # nonelater: a lone reference
        mongo_line("09BAGHDAD113", "sometime in 2009"),  # unknown: only a hint
        mongo_line("7575LIBREVILLE1895", "1975-11-18 12:12"),  # typecode, odd id kept
    )
    typecode, refs, lone, unknown, odd = records(read_all(path))
    assert (typecode.refid, typecode.references, typecode.created_minutes_unreliable) == (
        "09BAGHDAD113",
        None,
        True,
    )
    assert typecode.created == datetime(2009, 1, 15, 7, 7, tzinfo=UTC)
    assert (refs.refid, refs.refid_hint, refs.references) == (
        None,
        None,
        ("09STATE1", "09BAGHDAD100"),
    )
    assert refs.created == datetime(2009, 1, 15, 7, 5, tzinfo=UTC)
    assert refs.created_minutes_unreliable is False
    assert (lone.refid, lone.refid_hint, lone.references) == (None, None, ("09BAGHDAD113",))
    assert (unknown.refid, unknown.refid_hint, unknown.created) == (None, "09BAGHDAD113", None)
    assert unknown.notes == ("unreadable date 'sometime in 2009'",)
    assert odd.refid == "7575LIBREVILLE1895"
    assert odd.notes == ("oddly shaped reference id '7575LIBREVILLE1895'",)


# --- bad input ---------------------------------------------------------------------------


def test_invalid_line_in_the_middle(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "x.json",
        mongo_line(body="ONE"),
        '{ "_id" : "", "body" : "unterminated',
        mongo_line(body="THREE"),
    )
    items = read_all(path)
    (error,) = errors(items)
    assert error.record == 2
    assert error.reason.startswith("invalid JSON: Unterminated string")
    assert [(r.source.record, r.text) for r in records(items)] == [(1, "ONE"), (3, "THREE")]


def test_two_objects_on_one_line_are_not_half_read(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.json", mongo_line() + " " + mongo_line(), mongo_line())
    items = read_all(path)
    assert errors(items) == [ReadError(str(path), 1, "invalid JSON: extra data after the object")]
    assert len(records(items)) == 1


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2, 3]", "not a JSON object but an array"),
        ('"just a string"', "not a JSON object but a string"),
        ("42", "not a JSON object but a number"),
        ("null", "not a JSON object but null"),
        ('{ "_id" : "", "date_time" : "1/15/2009 7:05" }', "no body"),
        ('{ "_id" : "", "body" : ["a", "b"] }', "body is an array, not a string"),
        ('{ "_id" : "", "body" : null }', "no body"),
    ],
)
def test_lines_that_are_not_cables(tmp_path: Path, line: str, reason: str) -> None:
    path = write_lines(tmp_path / "x.json", mongo_line(body="ONE"), line, mongo_line(body="TWO"))
    items = read_all(path)
    assert errors(items) == [ReadError(str(path), 2, reason)]
    assert [r.text for r in records(items)] == ["ONE", "TWO"]


def test_empty_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.json", "", mongo_line(body="ONE"), "   ", "", mongo_line())
    items = read_all(path)
    assert errors(items) == []
    assert [r.source.record for r in records(items)] == [2, 5]


def test_bad_escapes_are_repaired_and_good_ones_kept(tmp_path: Path) -> None:
    body = r"it\'s a \"test\" with \\ one backslash, \u00b6 and a \q"
    line = '{ "_id" : "", "date_time" : "1/15/2009 7:05", "body" : "' + body + '" }'
    path = write_lines(tmp_path / "x.json", line)
    (item,) = read_all(path)
    assert isinstance(item, RawRecord)
    assert item.text == 'it\'s a "test" with \\ one backslash, ¶ and a q'
    assert item.notes == ("invalid JSON backslash escapes repaired (`\\x` read as `x`)",)
    assert item.source.sha256 == hashlib.sha256(line.encode()).hexdigest()


def test_raw_control_characters_are_accepted_with_a_note(tmp_path: Path) -> None:
    line = '{ "_id" : "", "date_time" : "1/15/2009 7:05", "body" : "COL1\tCOL2\fEND" }'
    path = write_lines(tmp_path / "x.json", line)
    (item,) = read_all(path)
    assert isinstance(item, RawRecord)
    assert item.text == "COL1\tCOL2\fEND"
    assert item.notes == ("raw control characters inside JSON strings accepted",)


def test_undecodable_bytes_and_crlf(tmp_path: Path) -> None:
    good = mongo_line(body="\u00b6 UTF-8").encode()
    bad = mongo_line(body="CAF\u00e9 \u00b6").encode("cp1252")
    path = tmp_path / "x.json"
    path.write_bytes(good + b"\r\n" + bad + b"\r\n")
    first, second = read_all(path)
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert first.text == "¶ UTF-8" and first.notes == ()
    assert second.text == "CAFé ¶"
    assert second.notes == (_common.LOSSY_NOTE,)
    assert second.source.sha256 == hashlib.sha256(bad).hexdigest()


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    (error,) = read_all(tmp_path / "nope.json")
    assert isinstance(error, ReadError) and error.reason.startswith("cannot read")


# --- bad JSONP ---------------------------------------------------------------------------


def jsonp_file(tmp_path: Path, payload: str) -> Path:
    path = tmp_path / "cable.json"
    path.write_text(f"cablegrab({payload})\n", encoding="utf-8")
    return path


def test_jsonp_items_are_numbered_and_bad_items_reported(tmp_path: Path) -> None:
    good = {"id": "09BAGHDAD113", "text": "BODY", "date": "2009-01-15 07:07:00", "tags": ""}
    payload = json.dumps({"info": {}, "items": [good, "oops", {"id": "x"}, good]})
    path = jsonp_file(tmp_path, payload)
    items = read_all(path)
    assert errors(items) == [
        ReadError(str(path), 2, "item is a string, not an object"),
        ReadError(str(path), 3, "item without a `text` string"),
    ]
    got = records(items)
    assert [r.source.record for r in got] == [1, 4]
    assert got[0].created == datetime(2009, 1, 15, 7, 7, tzinfo=UTC)
    assert got[0].tags is None and got[0].subject is None and got[0].released is None


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ('{"info": {}, "items": [', "invalid JSONP: "),
        ('{"info": {}}', "JSONP without an `items` list"),
        ('{"info": {}, "items": {"id": "x"}}', "JSONP without an `items` list"),
    ],
)
def test_broken_jsonp(tmp_path: Path, payload: str, reason: str) -> None:
    path = jsonp_file(tmp_path, payload)
    (error,) = read_all(path)
    assert isinstance(error, ReadError)
    assert error.record is None
    assert error.reason.startswith(reason)
