"""Tests for the text-layout readers: page text, pre extracts, pdftotext, alx dump and PDF."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
from conftest import EXAMPLE, REAL_CABLES, needs_real_cables
from pypdf import PdfWriter

from indexer.cable import RawRecord, ReadError
from indexer.readers import NoCable, _common, pagetext, pdf, plaintext

PRE_DIR = REAL_CABLES / "txt-pre-extract-tathagata" / "cables"
PDFTOTEXT_DIR = REAL_CABLES / "txt-pdftotext-paulmathieu"
ALX_DIR = REAL_CABLES / "txt-alx-cablegate" / "cables"
PDF_DIR = REAL_CABLES / "pdf-plusd-paulmathieu"
APPEARS_ONLY = "only the 'Appears in these articles' links of a cablegate page, no cable text"


def one(module: ModuleType, path: Path) -> RawRecord | ReadError:
    records = list(module.read(path))
    assert len(records) == 1
    result = records[0]
    assert isinstance(result, RawRecord | ReadError)
    return result


def record(module: ModuleType, path: Path) -> RawRecord:
    result = one(module, path)
    assert isinstance(result, RawRecord), result
    return result


def error(module: ModuleType, path: Path) -> ReadError:
    result = one(module, path)
    assert isinstance(result, ReadError), result
    return result


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ------------------------------------------------------------------------------------------
# Samples, small but shaped like the real files

PRE = (
    "<code><pre>C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461 \n\nSIPDIS \n\n"
    "TAGS: <a href='/tag/PGOV_0.html'>PGOV</a> <a href='/tag/ZI_0.html'>ZI</a>\n"
    "SUBJECT: TALKS &amp; DEALS\n\n"
    "<a id='par1' href='#par1'>¶</a>1. (C) TEXT.\nMCDONALD</pre></code>\n"
)
PDFTOTEXT = (
    "\r\nVZCZCXRO7165\r\nOO RUEHBI\r\nDE RUEHNE #5135/01 2020722\r\nZNY CCCCC ZZH\r\n"
    "O 210722Z JUL 06\r\nFM AMEMBASSY NEW DELHI\r\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 6818\r\n"
    "INFO RUEHBJ/AMEMBASSY BEIJING 3078\r\nCONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135 \r\n"
    " \r\nSIPDIS \r\n \r\nTAGS: PREL IN\r\n\xb61.  (C) Summary: TEXT.\r\nPYATT"
).encode("latin-1")
ALX = (
    "10CARACAS187\nIncreased Harassment\nFri Feb 12 00:00:00 +0100 2010\nCONFIDENTIAL\n"
    "Embassy Caracas\nVZCZCXRO2979\nR 122020Z FEB 10\nFM AMEMBASSY CARACAS\n"
    "TO RUEHC/SECSTATE WASHDC 0463\nRHMFISS/HQ USSOUTHCOM MIAMI FL"
    "C O N F I D E N T I A L SECTION 01 OF 02 CARACAS 000187 \n\nSIPDIS \n¶1. (C) TEXT.\nDUDDY\n"
)
HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Cable 09BAGHDAD113</title></head><body>"
    "<code><pre>VZCZC</pre></code></body></html>"
)
CSV_ROW = (
    '"1","1/15/2009 16:48","09BAGHDAD113","Embassy Baghdad","CONFIDENTIAL","",'
    '"VZCZCXRO7948\nP 151648Z JAN 09\nFM AMEMBASSY BAGHDAD\nTO SECSTATE WASHDC",'
    '"C O N F I D E N T I A L BAGHDAD 000113\n"\n'
)
JSON_LINE = (
    '{"_id": "", "origin": "Embassy Baghdad", "date_time": "1/15/2009 16:48", '
    '"body": "VZCZC FM AMEMBASSY BAGHDAD TO SECSTATE"}\n'
)
PROSE = "Meeting notes\n\nWe met on Tuesday. FM radio was on.\nTO DO: buy milk.\n"


def sample(name: str) -> bytes:
    samples: dict[str, str | bytes] = {
        "pagetext": EXAMPLE.read_bytes(),
        "pre": PRE,
        "pdftotext": PDFTOTEXT,
        "alx": ALX,
        "html": HTML_PAGE,
        "csv": CSV_ROW,
        "json": JSON_LINE,
        "prose": PROSE,
        "empty pre": "<code><pre></pre></code>",
    }
    content = samples[name]
    return content.encode("utf-8") if isinstance(content, str) else content


# ------------------------------------------------------------------------------------------
# Page text (the bundled example)


def test_example_golden() -> None:
    rec = record(pagetext, EXAMPLE)
    assert rec.source.path == str(EXAMPLE)
    assert rec.source.format == "pagetext"
    assert rec.source.record is None
    assert rec.source.sha256 == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert rec.refid == "09BAGHDAD113"
    assert rec.created == datetime(2009, 1, 15, 16, 48, tzinfo=UTC)
    assert rec.created_minutes_unreliable is True
    assert rec.released is None
    assert rec.classification == "CONFIDENTIAL"
    assert rec.origin == "Embassy Baghdad"
    assert rec.title == "DEFECTOR CLAIMS MEK HAS CONTINGENCY"
    assert rec.subject is None
    assert rec.tags is None
    assert rec.references is None
    assert rec.refid_hint == "09BAGHDAD113"
    assert rec.notes == ()
    assert rec.header is not None
    assert rec.header.startswith("VZCZCXRO7948 PP RUEHBC")
    assert rec.header.endswith("RUCNIRA/IRAN COLLECTIVE RUCNRAQ/IRAQ COLLECTIVE")
    assert "\n" not in rec.header
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113 SIPDIS")
    assert rec.text.endswith("a tactic the MeK used in the past. BUTENIS")


def example_lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").split("\n")


def test_pagetext_variants_released_column_crlf_blank_lines(tmp_path: Path) -> None:
    lines = example_lines()
    lines[1] = "Reference ID | Created | Released | Classification | Origin |"
    lines[2] = "---|---|---|---|---|"
    lines[3] = (
        "09BAGHDAD113 | 2009-01-15 16:48 | 2011-08-30 01:44 | CONFIDENTIAL | Embassy Baghdad |"
    )
    path = write(tmp_path, "cable.md", "\r\n\r\n".join(lines) + "\r\n")
    assert pagetext.sniff(path, path.read_bytes())
    rec = record(pagetext, path)
    assert rec.released == datetime(2011, 8, 30, 1, 44, tzinfo=UTC)
    assert rec.created == datetime(2009, 1, 15, 16, 48, tzinfo=UTC)
    assert rec.classification == "CONFIDENTIAL"
    assert rec.origin == "Embassy Baghdad"
    assert rec.refid_hint is None  # "cable" is not an id
    assert rec.header is not None and rec.header.startswith("VZCZCXRO7948")
    assert "\r" not in rec.text and rec.text.startswith("C O N F I D E N T I A L")


def test_pagetext_columns_by_name_not_position(tmp_path: Path) -> None:
    lines = example_lines()
    lines[1] = "| Origin | Classification | Date | Reference ID |"
    lines[3] = "| Embassy Baghdad | SECRET | 2009-01-15 | 09BAGHDAD113 |"
    rec = record(pagetext, write(tmp_path, "x.txt", "\n".join(lines)))
    assert (rec.refid, rec.classification, rec.origin) == (
        "09BAGHDAD113",
        "SECRET",
        "Embassy Baghdad",
    )
    assert rec.created == datetime(2009, 1, 15, tzinfo=UTC)


def test_pagetext_without_header_line(tmp_path: Path) -> None:
    lines = [line for line in example_lines() if not line.startswith("VZCZC")]
    rec = record(pagetext, write(tmp_path, "09BAGHDAD113.txt", "\n".join(lines)))
    assert rec.header is None
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 02")


@pytest.mark.parametrize(
    ("keep", "reason"),
    [
        (1, "no 'Reference ID |' table"),
        (2, "metadata table has no value row"),
        (3, "metadata table has no value row"),
    ],
)
def test_pagetext_truncated_is_an_error(tmp_path: Path, keep: int, reason: str) -> None:
    path = write(tmp_path, "t.txt", "\n".join(example_lines()[:keep]) + "\n")
    assert pagetext.sniff(path, path.read_bytes())
    assert reason in error(pagetext, path).reason


def test_pagetext_short_value_row_is_an_error(tmp_path: Path) -> None:
    lines = example_lines()
    lines[3] = "09BAGHDAD113 | 2009-01-15 16:48 |"
    assert (
        "2 cells for 4 columns"
        in error(pagetext, write(tmp_path, "t.txt", "\n".join(lines))).reason
    )


def test_pagetext_bad_date_is_a_note_not_an_error(tmp_path: Path) -> None:
    lines = example_lines()
    lines[3] = lines[3].replace("2009-01-15 16:48", "15 Jan 2009")
    rec = record(pagetext, write(tmp_path, "t.txt", "\n".join(lines)))
    assert rec.created is None
    assert rec.notes == ("unreadable created date '15 Jan 2009'",)


# ------------------------------------------------------------------------------------------
# Sniffing: each format against the others and against things that are not ours

SNIFF_TABLE = [
    ("pagetext", {"pagetext"}),
    ("pre", {"plaintext"}),
    ("pdftotext", {"plaintext"}),
    ("alx", {"plaintext"}),
    ("empty pre", {"plaintext"}),
    ("html", set()),
    ("csv", set()),
    ("json", set()),
    ("prose", set()),
]


@pytest.mark.parametrize(("name", "owners"), SNIFF_TABLE)
def test_sniff_table(name: str, owners: set[str]) -> None:
    head = sample(name)
    for module in (pagetext, plaintext):
        owner = module.__name__.rsplit(".", 1)[-1]
        assert module.sniff(Path("whatever.bin"), head) == (owner in owners), (name, owner)


@pytest.mark.parametrize("fmt", ["pre", "pdftotext", "alx"])
def test_plaintext_formats_by_content_not_extension(tmp_path: Path, fmt: str) -> None:
    rec = record(plaintext, write(tmp_path, "09BAGHDAD113.dat", sample(fmt)))
    assert rec.source.format == fmt
    assert rec.source.sha256 == hashlib.sha256(sample(fmt)).hexdigest()


def test_sniff_survives_a_utf8_character_cut_by_the_head() -> None:
    head = sample("pre")[: sample("pre").index("¶".encode()) + 1]  # half of the ¶
    assert plaintext.sniff(Path("x"), head)


# ------------------------------------------------------------------------------------------
# Sample files in tmp_path: what each layout gives, and bad input


def test_pre_sample(tmp_path: Path) -> None:
    rec = record(plaintext, write(tmp_path, "00HARARE5461.txt", sample("pre")))
    assert rec.text == (
        "C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461 \n\nSIPDIS \n\n"
        "TAGS: PGOV ZI\nSUBJECT: TALKS & DEALS\n\n¶1. (C) TEXT.\nMCDONALD"
    )
    assert (rec.header, rec.refid, rec.created, rec.refid_hint) == (
        None,
        None,
        None,
        "00HARARE5461",
    )


def test_pre_br_without_newline_becomes_one(tmp_path: Path) -> None:
    content = "<code><pre>SIPDIS <br>\n<br>\nE.O. 12958<br>TAGS: PREL<br></pre></code>"
    rec = record(plaintext, write(tmp_path, "09LAPAZ96.txt", content))
    assert rec.text == "SIPDIS \n\nE.O. 12958\nTAGS: PREL"


def test_pre_empty_block_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "09BAGHDAD113.txt", sample("empty pre"))
    assert error(plaintext, path).reason == "empty <pre> block: no cable text"


def test_pre_appears_in_articles_fragment_is_no_cable(tmp_path: Path) -> None:
    path = write(tmp_path, "04OTTAWA3115.txt", "Appears in these articles:<br />\n")
    err = error(plaintext, path)
    assert isinstance(err, NoCable)
    assert err.reason == APPEARS_ONLY


def test_pre_refid_hint_accepts_odd_ids_and_rejects_names() -> None:
    hint = _common.refid_hint_from_name
    assert hint(Path("08SCTION02OF02SAOPAULO335.txt")) == "08SCTION02OF02SAOPAULO335"
    assert hint(Path("7575LIBREVILLE1895.txt")) == "7575LIBREVILLE1895"
    assert hint(Path("09baghdad113.txt")) == "09BAGHDAD113"
    assert hint(Path("cable.txt")) is None
    assert hint(Path("notes2009.txt")) is None
    assert hint(Path("2009.txt")) is None


def test_pdftotext_latin1_crlf_sample(tmp_path: Path) -> None:
    rec = record(plaintext, write(tmp_path, "06NEWDELHI5135.txt", sample("pdftotext")))
    assert rec.notes == ("decoded as Latin-1",)
    assert rec.header == (
        "VZCZCXRO7165\nOO RUEHBI\nDE RUEHNE #5135/01 2020722\nZNY CCCCC ZZH\nO 210722Z JUL 06\n"
        "FM AMEMBASSY NEW DELHI\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 6818\n"
        "INFO RUEHBJ/AMEMBASSY BEIJING 3078"
    )
    assert rec.text == (
        "CONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135 \n \nSIPDIS \n \nTAGS: PREL IN\n"
        "¶1.  (C) Summary: TEXT.\nPYATT"
    )
    assert rec.refid_hint == "06NEWDELHI5135"


def test_utf8_text_gets_no_latin1_note(tmp_path: Path) -> None:
    content = sample("pdftotext").decode("latin-1").encode("utf-8")
    rec = record(plaintext, write(tmp_path, "x.txt", content))
    assert rec.notes == ()
    assert "¶1." in rec.text


def test_alx_sample(tmp_path: Path) -> None:
    rec = record(plaintext, write(tmp_path, "a.txt", sample("alx")))
    assert rec.refid == "10CARACAS187"
    assert rec.subject == "Increased Harassment"
    assert rec.created == datetime(2010, 2, 12, tzinfo=UTC)
    assert (rec.classification, rec.origin) == ("CONFIDENTIAL", "Embassy Caracas")
    assert rec.header is not None and rec.header.endswith("\nRHMFISS/HQ USSOUTHCOM MIAMI FL")
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 02 CARACAS 000187")
    assert rec.notes == ("alx date has no time of day: kept its calendar date at 00:00 UTC",)


def test_alx_with_blank_first_line_and_no_header(tmp_path: Path) -> None:
    content = (
        "\n02ADANA386\nPRESS SUMMARY\nWed Nov 20 00:00:00 +0100 2002\nUNCLASSIFIED\n"
        "Consulate Adana\nThis record is a partial extract of the original cable. The full "
        "text of the original cable is not available.UNCLAS SECTION 01 OF 02 ADANA 0386 \n"
        "TEXT\nHOLTZ\n"
    )
    rec = record(plaintext, write(tmp_path, "b.txt", content))
    assert rec.refid == "02ADANA386"
    assert rec.header == (
        "This record is a partial extract of the original cable. The full text of the "
        "original cable is not available."
    )
    assert rec.text == "UNCLAS SECTION 01 OF 02 ADANA 0386 \nTEXT\nHOLTZ"


def test_alx_without_a_banner_keeps_header_in_text(tmp_path: Path) -> None:
    content = ALX.replace("C O N F I D E N T I A L SECTION 01 OF 02 CARACAS 000187", "")
    rec = record(plaintext, write(tmp_path, "c.txt", content))
    assert rec.header is None
    assert rec.text.startswith("VZCZCXRO2979\nR 122020Z FEB 10")
    assert "no classification line found: header not split off" in rec.notes


def test_alx_truncated_after_metadata_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "d.txt", "\n".join(ALX.split("\n")[:5]) + "\n")
    assert plaintext.sniff(path, path.read_bytes())
    assert "truncated" in error(plaintext, path).reason


def test_ruby_time_with_a_time_of_day_is_converted_to_utc() -> None:
    when, note = plaintext.parse_ruby_time("Fri Feb 12 20:20:00 +0100 2010")
    assert when == datetime(2010, 2, 12, 19, 20, tzinfo=UTC)
    assert note is None
    assert plaintext.parse_ruby_time("Fri Feb 12 20:20:00 UTC 2010")[0] == datetime(
        2010, 2, 12, 20, 20, tzinfo=UTC
    )
    assert plaintext.parse_ruby_time("yesterday") == (None, "unreadable date 'yesterday'")


def test_split_skips_old_telegram_page_banners() -> None:
    text = (
        "R 281848Z DEC 66\nFM AMEMBASSY HANOI\nTO SECSTATE WASHDC\n"
        "                CONFIDENTIAL\n\nPAGE 02 HANOI 00686 01 OF 07 050821Z\n"
        "INFO AMEMBASSY TOKYO\nC O N F I D E N T I A L HANOI 000686\nBODY"
    )
    header, body, note = plaintext.split_header(text)
    assert header is not None and header.endswith("INFO AMEMBASSY TOKYO")
    assert body == "C O N F I D E N T I A L HANOI 000686\nBODY"
    assert note is None


def test_split_ignores_banner_words_inside_routing_lines() -> None:
    text = "FM AMEMBASSY X\nTO RUEHC/US SECRET SERVICE WASHDC 0463\nUNCLAS X 000001\nBODY"
    header, body, _ = plaintext.split_header(text, allow_glued=True)
    assert header == "FM AMEMBASSY X\nTO RUEHC/US SECRET SERVICE WASHDC 0463"
    assert body == "UNCLAS X 000001\nBODY"


def test_text_that_is_not_a_cable_is_not_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path, "09BAGHDAD113.txt", PROSE)
    assert not pagetext.sniff(path, path.read_bytes())
    assert not plaintext.sniff(path, path.read_bytes())
    assert "not a pre extract" in error(plaintext, path).reason


# ------------------------------------------------------------------------------------------
# PDF


def test_corrupt_pdf_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "00HANOI686.pdf", b"%PDF-1.4\n%garbage, no objects, no xref\n")
    assert error(pdf, path).reason.startswith("unreadable PDF")


def test_encrypted_pdf_is_an_error(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    path = tmp_path / "x.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    assert error(pdf, path).reason == "encrypted PDF"


def test_pdf_without_text_is_an_error(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    assert error(pdf, path).reason == "PDF has no text layer (a scan?)"


def test_pdf_link_lines_are_joined() -> None:
    text = "E.O. 12958: N/A\nTAGS: \nPREL\n \nXF\n \nTC\nSUBJECT: X\n \n¶\n1. (C) TEXT\n¶\nB. REF"
    assert pdf.undo_link_breaks(text) == (
        "E.O. 12958: N/A\nTAGS: PREL XF TC\nSUBJECT: X\n \n¶1. (C) TEXT\n¶B. REF"
    )


# ------------------------------------------------------------------------------------------
# All real files


def read_all(module: ModuleType, files: list[Path]) -> tuple[list[RawRecord], list[ReadError]]:
    records: list[RawRecord] = []
    errors: list[ReadError] = []
    for path in files:
        assert module.sniff(path, path.read_bytes()[:65536]), path
        for item in module.read(path):
            if isinstance(item, RawRecord):
                records.append(item)
            else:
                errors.append(item)
    return records, errors


@needs_real_cables
def test_all_pre_files() -> None:
    files = sorted(PRE_DIR.iterdir())
    assert len(files) == 2162
    records, errors = read_all(plaintext, files)
    # 114 files hold only the "Appears in these articles:" links, not the <pre> block.
    assert len(records) == 2048
    assert Counter(e.reason for e in errors) == {APPEARS_ONLY: 114}
    assert {r.source.format for r in records} == {"pre"}
    assert all(r.text and "<a " not in r.text and "</pre>" not in r.text for r in records)
    assert all(r.refid_hint == Path(r.source.path).stem for r in records)
    # The ¶ anchors lose their markup but keep their text.
    with_pilcrow = sum("¶".encode() in Path(r.source.path).read_bytes() for r in records)
    assert with_pilcrow > 1800
    assert sum("¶" in r.text for r in records) == with_pilcrow


@needs_real_cables
def test_all_pdftotext_files() -> None:
    files = sorted(PDFTOTEXT_DIR.glob("*.txt"))
    assert len(files) == 17
    records, errors = read_all(plaintext, files)
    assert errors == []
    assert len(records) == 17
    assert {r.source.format for r in records} == {"pdftotext"}
    assert sum(r.notes == ("decoded as Latin-1",) for r in records) == 16
    for r in records:
        assert r.header is not None and "\nFM " in r.header, r.source.path
        assert plaintext.BANNER_LINE_RE.match(r.text), r.source.path
        assert "\r" not in r.text


@needs_real_cables
def test_all_alx_files() -> None:
    records, errors = read_all(plaintext, sorted(ALX_DIR.glob("*.txt")))
    assert errors == []
    assert [r.refid for r in records] == ["02ADANA386", "10CARACAS187"]
    assert all(r.source.format == "alx" and r.header for r in records)


@needs_real_cables
def test_all_pdf_files() -> None:
    files = sorted(PDF_DIR.glob("*.pdf"))
    assert len(files) == 9
    records = [record(pdf, path) for path in files]
    assert [r.refid_hint for r in records] == [path.stem for path in files]
    split = [r for r in records if r.header is not None]
    # 00DAMASCUS3013.pdf holds only the routing header: nothing to split off.
    assert [Path(r.source.path).name for r in records if r.header is None] == ["00DAMASCUS3013.pdf"]
    for r in split:
        assert plaintext.BANNER_LINE_RE.match(r.text), r.source.path
        assert "\n¶\n" not in r.text
        assert not any(line.strip() == "TAGS:" for line in r.text.split("\n"))


# ------------------------------------------------------------------------------------------
# Exact values for one real file of each format


@needs_real_cables
def test_real_pre_file() -> None:
    path = PRE_DIR / "00HARARE5461.txt"
    rec = record(plaintext, path)
    assert rec.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert rec.text.startswith(
        "C O N F I D E N T I A L SECTION 01 OF 02 HARARE 005461 \n\nSIPDIS \n\n"
        "NSC FOR SENIOR AFRICA DIRECTOR GAYLE SMITH \n"
    )
    assert "\n¶1. (C) ACCORDING TO A SENIOR MDC ADVISOR" in rec.text
    assert "MUGABE’S DEPARTURE" in rec.text
    assert rec.text.endswith("LATER THIS YEAR.\nMCDONALD\n CONFIDENTIAL\n>")
    assert (rec.refid, rec.refid_hint, rec.header, rec.notes) == (None, "00HARARE5461", None, ())


@needs_real_cables
def test_real_pdftotext_file() -> None:
    rec = record(plaintext, PDFTOTEXT_DIR / "06NEWDELHI5135.txt")
    assert rec.header is not None
    assert rec.header.split("\n")[:3] == [
        "VZCZCXRO7165",
        "OO RUEHBI RUEHCI RUEHLH RUEHPW",
        "DE RUEHNE #5135/01 2020722",
    ]
    assert rec.header.endswith("\nRUEKJCS/JOINT STAFF WASHDC\nRHEHNSC/NSC WASHDC")
    assert rec.text.startswith("CONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135 \n \nSIPDIS")
    assert "\n¶1.  (C) Summary: The National Security Advisory Board --" in rec.text
    assert rec.text.endswith("(http://www.state.sgov.gov/p/sa/newdelhi/) \nPYATT")
    assert (rec.refid_hint, rec.notes) == ("06NEWDELHI5135", ("decoded as Latin-1",))


@needs_real_cables
def test_real_pdftotext_file_starting_with_distribution_block() -> None:
    rec = record(plaintext, PDFTOTEXT_DIR / "09USEUBRUSSELS1177.txt")
    assert rec.header is not None and rec.header.startswith("INFO  LOG-00   AF-00")
    assert rec.header.endswith(
        "FM USEU BRUSSELS\nTO SECSTATE WASHDC\nUS CUSTOMS AND BORDER PROTECTION WASHINGTON DC"
    )
    assert rec.text.startswith("UNCLAS USEU BRUSSELS 001177 ")
    assert rec.notes == ()  # valid UTF-8


@needs_real_cables
def test_real_alx_file() -> None:
    rec = record(plaintext, ALX_DIR / "10CARACAS187.txt")
    assert rec.refid == "10CARACAS187"
    assert rec.subject == "Increased Harassment of Approved Cuban Medical Parolees"
    assert rec.created == datetime(2010, 2, 12, tzinfo=UTC)
    assert (rec.classification, rec.origin) == ("CONFIDENTIAL", "Embassy Caracas")
    assert rec.header is not None
    assert rec.header.startswith("VZCZCXRO2979\nRR RUEHAG RUEHAO")
    assert rec.header.endswith("\nRHMFISS/HQ USSOUTHCOM MIAMI FL")
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 02 CARACAS 000187 \n\nSIPDIS")
    assert "Venezuela through the MaiquetC-a (Caracas) airport" in rec.text
    assert rec.text.endswith("as it is on improving health. \nDUDDY")


@needs_real_cables
def test_real_pdf_file_partial_extract() -> None:
    rec = record(pdf, PDF_DIR / "00HANOI686.pdf")
    assert rec.source.format == "pdf"
    assert rec.refid_hint == "00HANOI686"  # from PlusD's "2000HANOI00686 - CONFIDENTIAL"
    assert rec.classification == "CONFIDENTIAL"
    assert rec.header is not None
    assert rec.header.startswith("This record is a partial extract of the original cable.")
    assert "2000HANOI00686" not in rec.header
    assert "\nFM AMEMBASSY HANOI\nTO SECSTATE WASHDC PRIORITY 9479\n" in rec.header
    assert rec.header.endswith("\nDIA WASHDC PRIORITY")
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 07 HANOI 000686 ")
    assert (
        "\nTAGS: PGOV PREL ECON ETRD PINR PHUM VM DPOL\nSUBJECT: VIETNAM IDEOLOGICALLY" in rec.text
    )
    assert "\n¶1. (C) SENIOR LEADERS RECENTLY" in rec.text


@needs_real_cables
def test_real_pdf_file() -> None:
    rec = record(pdf, PDF_DIR / "00ABUDHABI5893.pdf")
    assert rec.header == (
        "R 310838Z OCT 00\nFM AMEMBASSY ABU DHABI\nTO SECSTATE WASHDC 7529\n"
        "INFO ARAB ISRAELI COLLECTIVE\nNSC WASHINGTON DC\nSECDEF WASHDC\nCIA WASHINGTON DC\n"
        "DIA WASHINGTON DC"
    )
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 02 ABU DHABI 005893 ")
    assert "\nTAGS: PREL XF TC\nSUBJECT:  SULTAN BIN ZAYID" in rec.text
    assert "\n¶2.  (C) SUMMARY:  A FRIENDLY BUT CLEARLY FRUSTRATED" in rec.text
    # PDF page breaks just continue the text.
    assert "THE ARABS \nWOULD ACCEPT THE ISRAELIS" in rec.text
    assert rec.text.endswith("CONTACTS. \n \n \nKATTOUF")
    assert (rec.refid_hint, rec.classification, rec.notes) == ("00ABUDHABI5893", None, ())
