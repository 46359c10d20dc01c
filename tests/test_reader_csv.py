"""Tests for the cables.csv reader: sniffing, the real file, every kind of bad row, memory."""

from __future__ import annotations

import hashlib
import re
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REAL_CABLES, needs_real_cables

from indexer.cable import RawRecord, ReadError
from indexer.readers import _common, csvfile

REAL_CSV = REAL_CABLES / "csv-cables-nonelater" / "cables.csv"

REAL_REFIDS = [
    "66BUENOSAIRES2481", "72TEHRAN1381", "72TEHRAN4789", "72TEHRAN5055", "73TEHRAN7005",
    "73TEHRAN8233", "7575LIBREVILLE1895", "78KABUL3619", "79ANKARA6618", "79TEHRAN12130",
    "79TEHRAN11260", "85TOKYO364", "85GABORONE97", "85BEIRUT240", "85BOGOTA555",
    "85MOGADISHU1175", "85MOGADISHU1242", "85MOGADISHU1292", "85GABORONE501", "85STATE38496",
    "85MOGADISHU1643", "85BEIRUT992", "85BEIRUT1013", "85BEIRUT1351",
]  # fmt: skip


def row(
    n: int,
    refid: str = "09BAGHDAD113",
    body: str = 'UNCLAS BAGHDAD 113\nSUBJECT: A \\"QUOTED\\" WORD\n\n1. TEXT.\n',
    refs: str = "09STATE1|09STATE2",
    date: str = "1/15/2009 7:05",
) -> str:
    """One cables.csv row, quoted and escaped the way the real file is."""
    header = "R 150705Z JAN 09\nFM AMEMBASSY BAGHDAD\nTO SECSTATE WASHDC"
    fields = [str(n), date, refid, "Embassy Baghdad", "UNCLASSIFIED", refs, header, body]
    return ",".join(f'"{field}"' for field in fields) + "\n"


def read_all(path: Path) -> list[RawRecord | ReadError]:
    return list(csvfile.read(path))


def records(items: list[RawRecord | ReadError]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


def errors(items: list[RawRecord | ReadError]) -> list[ReadError]:
    return [item for item in items if isinstance(item, ReadError)]


# --- sniffing ----------------------------------------------------------------------------

SNIFF_CASES = [
    (row(1).encode(), True),
    (b"\xef\xbb\xbf" + row(1).encode(), True),
    (b'"24","1/31/1985 5:31","85MOGADISHU1175","Embassy Mogadishu","UNCLASSIFIED","","', True),
    (b'{ "_id" : "04ANKARA348", "date_time" : "2004-01-20 12:12", "body" : "X" }\n', False),
    (b'cablegrab({"info":{},"items":[]})', False),
    (b"<!DOCTYPE html>\n<html><head><title>Cable</title>", False),
    (b"UNCLAS BAGHDAD 000113\nSIPDIS\n", False),
    (b"id,date,refid,origin\n1,1/15/2009 7:05,09BAGHDAD113,x\n", False),
    (b'"1","2009-01-15","09BAGHDAD113","Embassy Baghdad"\n', False),
    (b'"a","1/15/2009 7:05","09BAGHDAD113","Embassy Baghdad"\n', False),
]


@pytest.mark.parametrize(("head", "expected"), SNIFF_CASES)
def test_sniff(head: bytes, expected: bool) -> None:
    assert csvfile.sniff(Path("whatever.txt"), head) is expected


@needs_real_cables
def test_sniff_real_file_and_not_the_json_files() -> None:
    assert csvfile.sniff(REAL_CSV, REAL_CSV.read_bytes()[:65536])
    for other in sorted(REAL_CABLES.glob("json*/*.json")):
        assert not csvfile.sniff(other, other.read_bytes()[:65536]), other


# --- the real file -----------------------------------------------------------------------


@needs_real_cables
def test_real_file_refids_in_order() -> None:
    items = read_all(REAL_CSV)
    assert errors(items) == []
    got = records(items)
    assert [r.refid for r in got] == REAL_REFIDS
    assert [r.source.record for r in got] == list(range(1, 25))
    assert {r.source.format for r in got} == {"csv"}


@needs_real_cables
def test_real_file_first_record_field_by_field() -> None:
    first = records(read_all(REAL_CSV))[0]
    assert first.refid == "66BUENOSAIRES2481"
    assert first.created == datetime(1966, 12, 28, 18, 48, tzinfo=UTC)
    assert first.created_minutes_unreliable is False
    assert first.origin == "Embassy Buenos Aires"
    assert first.classification == "UNCLASSIFIED"
    assert first.references == ("66STATE106206",)
    assert first.header is not None
    assert first.header.startswith("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\n")
    assert first.header.endswith("AMEMBASSY OTTAWA\nAMEMBASSY LONDON\nSTATE GRNC")
    assert first.text.startswith("UNCLASSIFIED BUENOS AIRES 2481 \n \nOriginal Telegram")
    assert first.text.endswith("\nGP-3 \nSACCIO \n")
    # `\"` in the file is a plain quote in the text
    assert 'OF "PREFERENTIAL JURISDICTION" FOR FISHING' in first.text
    assert "\\" not in first.text
    assert first.notes == ()
    assert first.refid_hint is None and first.title is None and first.subject is None


@needs_real_cables
def test_real_file_references_and_apostrophes() -> None:
    got = {r.refid: r for r in records(read_all(REAL_CSV))}
    assert got["85STATE38496"].references == ("85ROME1902", "85STATE14859", "85STATE31565")
    assert got["72TEHRAN1381"].references == ()
    assert got["85GABORONE501"].classification == "SECRET//NOFORN"
    # the file escapes apostrophes as `\'`; no backslash survives anywhere
    assert any("'" in r.text for r in got.values())
    assert not any("\\" in r.text or "\\" in (r.header or "") for r in got.values())


@needs_real_cables
def test_real_file_hashes_are_the_raw_row_bytes() -> None:
    # Independent cut of the file into rows: every row of this file starts with `"<digits>","`
    # at the start of a line, and no body line does.
    data = REAL_CSV.read_bytes()
    starts = [m.start() for m in re.finditer(rb'^"\d+","', data, re.MULTILINE)]
    slices = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
    expected = [hashlib.sha256(s.removesuffix(b"\n")).hexdigest() for s in slices]
    assert [r.source.sha256 for r in records(read_all(REAL_CSV))] == expected


# --- bad input ---------------------------------------------------------------------------


def test_seven_columns_in_the_middle(tmp_path: Path) -> None:
    seven = '"2","1/15/2009 7:05","09BAGHDAD114","Embassy Baghdad","UNCLASSIFIED","","HEADER"\n'
    path = tmp_path / "cables.csv"
    path.write_text(row(1) + seven + row(3, "09BAGHDAD115") + row(4, "09BAGHDAD116"))
    items = read_all(path)
    assert errors(items) == [ReadError(str(path), 2, "expected 8 columns, found 7")]
    assert [(r.source.record, r.refid) for r in records(items)] == [
        (1, "09BAGHDAD113"),
        (3, "09BAGHDAD115"),
        (4, "09BAGHDAD116"),
    ]


def test_nine_columns(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    path.write_text(row(1).rstrip("\n") + ',"extra"\n' + row(2, "09BAGHDAD114"))
    items = read_all(path)
    assert [str(e) for e in errors(items)] == [f"{path}:1: expected 8 columns, found 9"]
    assert [r.refid for r in records(items)] == ["09BAGHDAD114"]


def test_truncated_final_row_keeps_the_cable_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    whole = row(1) + row(2, "09BAGHDAD114")
    cut = row(3, "09BAGHDAD115")[:-20]  # cut inside the body (a split or broken download)
    path.write_text(whole + cut)
    items = read_all(path)
    assert errors(items) == []
    got = records(items)
    assert [r.refid for r in got] == ["09BAGHDAD113", "09BAGHDAD114", "09BAGHDAD115"]
    last = got[2]
    assert last.source.record == 3
    assert csvfile.TRUNCATED_NOTE in last.notes
    assert csvfile.TRUNCATED_NOTE not in got[1].notes
    assert last.text == "UNCLAS BAGHDAD 113\nSUBJECT: A \"QUOTED"  # what there is of it
    assert last.source.sha256 == hashlib.sha256(cut.encode()).hexdigest()


@pytest.mark.parametrize(
    "tail",
    [
        "\\",  # cut between an escape and the character it escapes
        "\u00e9",  # cut in the middle of a two-byte character
    ],
)
def test_truncated_final_row_cut_at_an_awkward_byte(tmp_path: Path, tail: str) -> None:
    path = tmp_path / "cables.csv"
    cut = row(1, body="UNCLAS BAGHDAD 113\nSUBJECT: SOME WORDS " + tail + "X\n").encode()
    cut = cut[: cut.index(b"X")]
    if tail == "\u00e9":
        cut = cut[:-1]  # the first byte of the character only
    path.write_bytes(cut)
    (rec,) = read_all(path)
    assert isinstance(rec, RawRecord)
    assert rec.text.startswith("UNCLAS BAGHDAD 113\nSUBJECT: SOME WORDS")
    assert csvfile.TRUNCATED_NOTE in rec.notes


def test_unclosed_quote_in_the_middle_is_still_an_error(tmp_path: Path) -> None:
    # a row that runs into the next rows is broken, not cut off: the cut rule is for the end
    broken = row(2, "09BAGHDAD114").replace('1. TEXT.\n"', "1. TEXT.\n")
    path = tmp_path / "cables.csv"
    path.write_text(row(1) + broken + row(3, "09BAGHDAD115")[:-20])
    items = read_all(path)
    assert [e.record for e in errors(items)] == [2]
    assert [r.source.record for r in records(items)] == [1, 3]


def test_reading_leaves_the_process_wide_csv_limit_alone(tmp_path: Path) -> None:
    import csv

    body = ("WORD " * 12 + "\n") * 4000  # over the csv module's default limit
    path = tmp_path / "cables.csv"
    path.write_text(row(1, body=body) + row(2, "09BAGHDAD114"))
    before = csv.field_size_limit()
    items = csvfile.read(path)
    first = next(items)
    assert isinstance(first, RawRecord) and len(first.text) > before
    assert csv.field_size_limit() == before  # also while the reader is suspended
    assert len(list(items)) == 1
    assert csv.field_size_limit() == before


@pytest.mark.parametrize("parts", [2, 3, 5])
def test_split_reads_give_the_rows_of_a_whole_read(tmp_path: Path, parts: int) -> None:
    path = tmp_path / "cables.csv"
    rows = [row(n, f"09BAGHDAD{100 + n}") for n in range(1, 40)]
    rows[7] = rows[7].replace('1. TEXT.\n"', "1. TEXT.\n")  # a broken row
    rows[20] = rows[20] + "\n"  # a blank line between rows
    path.write_text("".join(rows))
    whole = [(str(i), getattr(i, "refid", None)) for i in read_all(path)]
    points = csvfile.split_points(path, parts)
    assert len(points) == parts and points[0] == (0, 0)
    ends = [p for p, _ in points[1:]] + [None]
    split = [
        (str(i), getattr(i, "refid", None))
        for (start, before), end in zip(points, ends, strict=True)
        for i in csvfile.read_range(path, start, end, before)
    ]
    assert split == whole


def test_truncated_between_fields(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    path.write_text(row(1) + '"2","1/15/2009 7:05","09BAGHDAD114",')
    items = read_all(path)
    assert [r.refid for r in records(items)] == ["09BAGHDAD113"]
    assert errors(items) == [ReadError(str(path), 2, "expected 8 columns, found 4")]


def test_unclosed_quote_in_the_middle_does_not_eat_the_next_row(tmp_path: Path) -> None:
    broken = row(2, "09BAGHDAD114").replace('1. TEXT.\n"', "1. TEXT.\n")
    path = tmp_path / "cables.csv"
    path.write_text(row(1) + broken + row(3, "09BAGHDAD115") + row(4, "09BAGHDAD116"))
    items = read_all(path)
    (error,) = errors(items)
    assert error.record == 2
    assert error.reason.startswith("bad CSV:")
    assert [(r.source.record, r.refid) for r in records(items)] == [
        (1, "09BAGHDAD113"),
        (3, "09BAGHDAD115"),
        (4, "09BAGHDAD116"),
    ]
    # the good rows after the bad one still hash their own bytes only
    assert (
        records(items)[1].source.sha256
        == hashlib.sha256(row(3, "09BAGHDAD115").removesuffix("\n").encode()).hexdigest()
    )


def test_field_longer_than_the_csv_default_limit(tmp_path: Path) -> None:
    body = ("WORD " * 12 + "\n") * 4000  # 244,000 chars, default limit is 131,072
    path = tmp_path / "cables.csv"
    path.write_text(row(1, body=body) + row(2, "09BAGHDAD114"))
    items = read_all(path)
    assert errors(items) == []
    got = records(items)
    assert len(got[0].text) == len(body) > 131_072
    assert got[0].text == body
    assert got[1].refid == "09BAGHDAD114"


def test_field_over_our_limit_is_an_error_and_reading_goes_on(tmp_path: Path) -> None:
    line = "X" * 1023 + "\n"
    body = line * (csvfile.FIELD_SIZE_LIMIT // len(line) + 16)
    path = tmp_path / "cables.csv"
    path.write_text(row(1) + row(2, "09BAGHDAD114", body=body) + row(3, "09BAGHDAD115"))
    items = read_all(path)
    (error,) = errors(items)
    assert error.record == 2
    assert "field longer than" in error.reason
    assert [r.refid for r in records(items)] == ["09BAGHDAD113", "09BAGHDAD115"]


def test_undecodable_bytes_are_kept_as_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    raw = row(1, body="\xb61. CAF\xe9 “QUOTE” and UTF-8 \u00e9\n")
    # cp1252 for the odd bytes, but the last é as real UTF-8: a mixed row
    data = raw.replace("\u00e9\n", "@@").encode("cp1252").replace(b"@@", "\u00e9\n".encode())
    path.write_bytes(data + row(2, "09BAGHDAD114").encode())
    items = read_all(path)
    assert errors(items) == []
    first, second = records(items)
    assert first.text == "¶1. CAFé “QUOTE” and UTF-8 é\n"
    assert first.notes == (_common.LOSSY_NOTE,)
    assert first.source.sha256 == hashlib.sha256(data.removesuffix(b"\n")).hexdigest()
    assert second.notes == ()


def test_bad_date_keeps_the_cable_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    path.write_text(row(1, date="13/45/2009 7:05") + row(2, date=""))
    first, second = records(read_all(path))
    assert first.created is None
    assert first.notes == ("unreadable date '13/45/2009 7:05'",)
    assert second.created is None and second.notes == ()


def test_blank_lines_between_rows_are_not_records(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    path.write_text(row(1) + "\n\n" + row(2, "09BAGHDAD114", refs=""))
    items = read_all(path)
    assert [(r.source.record, r.refid) for r in records(items)] == [
        (1, "09BAGHDAD113"),
        (2, "09BAGHDAD114"),
    ]
    assert records(items)[0].references == ("09STATE1", "09STATE2")
    assert records(items)[1].references == ()
    assert records(items)[0].text == 'UNCLAS BAGHDAD 113\nSUBJECT: A "QUOTED" WORD\n\n1. TEXT.\n'


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    (error,) = read_all(tmp_path / "nope.csv")
    assert isinstance(error, ReadError)
    assert error.reason.startswith("cannot read")


# --- constant memory ---------------------------------------------------------------------


def _peak_memory_reading(path: Path) -> tuple[int, int]:
    """(records read, peak traced bytes) while streaming `path` and dropping each record."""
    tracemalloc.start()
    try:
        count = sum(1 for item in csvfile.read(path) if isinstance(item, RawRecord))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_row_count(tmp_path: Path) -> None:
    body = '1. (C) SOME PARAGRAPH OF CABLE TEXT, \\"QUOTED\\" HERE.\n \n' * 8
    rows = [row(n, f"09BAGHDAD{n}", body=body) for n in range(1, 20_001)]
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_text("".join(rows[:2_000]))
    large.write_text("".join(rows))
    del rows
    _peak_memory_reading(small)  # warm-up: one-time costs (strptime's regex cache) not counted
    small_count, small_peak = _peak_memory_reading(small)
    large_count, large_peak = _peak_memory_reading(large)
    assert (small_count, large_count) == (2_000, 20_000)
    assert large.stat().st_size > 9 * small.stat().st_size
    # Ten times the rows: the peak may wobble, but must stay near one row's worth, not 10x.
    assert large_peak < small_peak + 32 * 1024, (small_peak, large_peak)
