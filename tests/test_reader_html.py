"""Tests of the Cable Viewer HTML reader on every real HTML page and on small made-up pages."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REAL_CABLES, needs_real_cables

from indexer.cable import RawRecord, ReadError
from indexer.readers import HEAD_BYTES, NoCable, file_digest, read_file
from indexer.readers import html as reader

R243 = "html-cablegate-r243-20101129-typecode/cable"
R6693 = "html-cablegate-r6693-2011-avilaroman/cable"
FINAL = "html-cablegate-r251287-final-markchips/cable"


# --- helpers ---------------------------------------------------------------------------------


def _page(
    table: str | None = None,
    pres: tuple[str, ...] = ("R 011200Z JAN 10&#x000A;FM AMEMBASSY X", "TEXT&#x000A;BODY"),
    *,
    counter: str = "6693 / 251,287",
    heading: str = "Viewing cable 10X1, A SUBJECT",
) -> str:
    """A minimal page laid out like the real ones (left pane, right pane, table, pre blocks)."""
    if table is None:
        table = (
            "<table class='cable'><tr><th>Reference ID</th><th>Created</th><th>Released</th>"
            "<th>Classification</th><th>Origin</th></tr><tr>"
            "<td><a href='/cable/2010/01/10X1.html'>10X1</a></td>"
            "<td><a href='/date/2010-01_0.html'>2010-01-01 12:12</a></td>"
            "<td><a href='/reldate/2011-03-03_0.html'>2011-03-03 16:04</a></td>"
            "<td><a href='/classification/1_0.html' title='unclassified'>CONFIDENTIAL</a></td>"
            "<td><a href='/origin/1_0.html'>Embassy X</a></td></tr></table>"
        )
    blocks = "\n".join(f"<code><pre>{p}</pre></code>" for p in pres)
    return (
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        "<html lang='en'><head><title>Cable Viewer</title></head><body><div class='main'>\n"
        f"<div class='pane small'><p>Currently released so far... {counter}</p></div>\n"
        f"<div class='pane big'><h3>{heading}</h3>\n{table}\n{blocks}\n</div></div></body></html>\n"
    )


def _read(path: Path) -> RawRecord | ReadError:
    results = list(reader.read(path))
    assert len(results) == 1
    return results[0]


def _record(path: Path) -> RawRecord:
    result = _read(path)
    assert isinstance(result, RawRecord), result
    return result


def _error(path: Path) -> ReadError:
    result = _read(path)
    assert isinstance(result, ReadError), result
    assert result.path == str(path) and result.record is None
    return result


def _write(tmp_path: Path, text: str | bytes, name: str = "page.html") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return path


def _html_files() -> Iterator[Path]:
    yield from sorted(REAL_CABLES.glob("html-*/**/*.html"))


def _expected_refid(path: Path) -> str:
    """The cable id the real file's path names (see the shared README's folder table)."""
    if path.parent.parent.name == "html-cablegate-revisions-anarchivist":
        return path.parent.name  # <REFID>/<date>_<commit>_r<release>.html
    if path.name == "sample.html":
        return "10CARACAS187"  # the README names the r597 sample's cable
    return path.stem


@pytest.fixture(scope="module")
def all_real() -> dict[Path, list[RawRecord | ReadError]]:
    """Every real HTML page read once (about 1.5 s), shared by the tests below."""
    if not REAL_CABLES.is_dir():
        pytest.skip(f"real cables not found at {REAL_CABLES} (set CABLES_SHARED)")
    return {path: list(reader.read(path)) for path in _html_files()}


def _real(all_real: dict[Path, list[RawRecord | ReadError]], rel: str) -> RawRecord:
    [result] = all_real[REAL_CABLES / rel]
    assert isinstance(result, RawRecord), result
    return result


# --- sniffing --------------------------------------------------------------------------------


def test_sniff_accepts_a_viewer_page() -> None:
    assert reader.sniff(Path("x.txt"), _page().encode())


@pytest.mark.parametrize(
    "head",
    [
        # the bare <pre> extract another reader handles: no <html>, no metadata table
        b"<code><pre>C O N F I D E N T I A L ANKARA 000348\n<a href='/tag/PREL_0.html'>PREL</a>",
        b"<html><head><title>My blog</title></head><body><p>Hello</p></body></html>",
        b"Reference ID: 10X1\n<table class='cable'> is mentioned in this text file\n<html>",
        b'{"_id": "10X1", "body": "<html>"}',
        b"P 111046Z OCT 90\nFM AMEMBASSY KHARTOUM\nTO SECSTATE WASHDC\n",
        b"",
    ],
)
def test_sniff_rejects_other_content(head: bytes) -> None:
    assert not reader.sniff(Path("x.html"), head)


@needs_real_cables
def test_sniff_on_every_real_file() -> None:
    """True for every HTML page, False for every other real file (pre extracts included)."""
    wrong = []
    for path in sorted(p for p in REAL_CABLES.rglob("*") if p.is_file()):
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        expected = path.relative_to(REAL_CABLES).parts[0].startswith("html-")
        if reader.sniff(path, head) != expected:
            wrong.append(path)
    assert wrong == []


@needs_real_cables
def test_sniff_final_release_page_whose_table_is_beyond_the_head() -> None:
    path = REAL_CABLES / FINAL / "1966/12/66BUENOSAIRES2481.html"
    data = path.read_bytes()
    assert data.index(b"<table class='cable'>") > HEAD_BYTES
    assert reader.sniff(path, data[:HEAD_BYTES])


# --- every real page -------------------------------------------------------------------------


def test_every_real_page_gives_one_full_record(
    all_real: dict[Path, list[RawRecord | ReadError]],
) -> None:
    assert len(all_real) >= 1000
    for path, results in all_real.items():
        assert len(results) == 1, path
        [rec] = results
        assert isinstance(rec, RawRecord), rec
        assert rec.refid == _expected_refid(path), path
        assert rec.created is not None and rec.created.tzinfo is UTC, path
        assert rec.classification and rec.origin, path
        assert rec.header and rec.header.strip(), path
        assert rec.text.strip(), path
        assert rec.source.format == "html" and rec.source.record is None
        assert rec.source.path == str(path)
        assert rec.tags is None and rec.references is None and rec.title is None
        # the file format is fully undone: no markup, entities or carriage returns left
        for block in (rec.header, rec.text):
            assert "\r" not in block, path
            assert "&#x" not in block and "&amp;" not in block and "&lt;" not in block, path
            assert "<a " not in block and "</a>" not in block and "<br" not in block, path
        assert rec.notes == (), (path, rec.notes)


def test_sha256_is_of_the_file_bytes(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    path = REAL_CABLES / R243 / "1966/12/66BUENOSAIRES2481.html"
    rec = _real(all_real, str(path.relative_to(REAL_CABLES)))
    assert rec.source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_minutes_flag_by_release(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    """Only the final release (r251287) has real Created minutes."""
    seen: set[tuple[str, bool]] = set()
    for path, [rec] in all_real.items():
        assert isinstance(rec, RawRecord)
        folder = path.relative_to(REAL_CABLES).parts[0]
        final = folder == "html-cablegate-r251287-final-markchips"
        assert rec.created_minutes_unreliable is not final, path
        seen.add((folder, final))
    assert ("html-cablegate-r251287-final-markchips", True) in seen
    assert len(seen) == 9  # every release folder was checked


def test_released_column_absent_only_in_first_release(
    all_real: dict[Path, list[RawRecord | ReadError]],
) -> None:
    for path, [rec] in all_real.items():
        assert isinstance(rec, RawRecord)
        first = path.relative_to(REAL_CABLES).parts[0].startswith("html-cablegate-r243-")
        assert (rec.released is None) is first, path


# --- spot checks per release -----------------------------------------------------------------


def test_first_release_date_column(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    rec = _real(all_real, f"{R243}/1966/12/66BUENOSAIRES2481.html")
    assert rec.refid == "66BUENOSAIRES2481"
    # the r243 page shows 18:06 (12-hour-clock hour as minutes); the DTG says 1848Z
    assert rec.created == datetime(1966, 12, 28, 18, 6, tzinfo=UTC)
    assert rec.created_minutes_unreliable is True
    assert rec.released is None
    assert rec.classification == "UNCLASSIFIED"
    assert rec.origin == "Embassy Buenos Aires"
    assert rec.subject == "EXTENDED NATIONAL JURISDICTIONS OVER HIGH SEAS"
    assert rec.header is not None
    assert rec.header.startswith("P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\n")
    assert rec.header.endswith("AMEMBASSY LONDON\nSTATE GRNC")
    assert rec.text.startswith("UNCLASSIFIED BUENOS AIRES 2481 \n \nOriginal Telegram was")
    # TAG links become their text, paragraph anchors keep the pilcrow
    assert "TAGS: EFIS PBTS AR\nSUBJECT:  EXTENDED NATIONAL" in rec.text
    assert "\n¶1.  PRESS REPORTS AND VARIETY EMBASSY SOURCES CONFIRM \n" in rec.text
    assert rec.text.endswith("\nGP-3 \nSACCIO")


def test_final_release_same_cable(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    rec = _real(all_real, f"{FINAL}/1966/12/66BUENOSAIRES2481.html")
    first = _real(all_real, f"{R243}/1966/12/66BUENOSAIRES2481.html")
    assert rec.created == datetime(1966, 12, 28, 18, 48, tzinfo=UTC)
    assert rec.created_minutes_unreliable is False
    assert rec.released == datetime(2011, 8, 30, 1, 44, tzinfo=UTC)
    assert rec.origin == "Embassy Buenos Aires"
    # 190 KB of navigation around it, yet the cable is the same as in the first release
    assert (rec.header, rec.text, rec.subject) == (first.header, first.text, first.subject)


def test_final_release_malformed_id_kept(
    all_real: dict[Path, list[RawRecord | ReadError]],
) -> None:
    rec = _real(all_real, f"{FINAL}/1975/11/7575LIBREVILLE1895.html")
    assert rec.refid == "7575LIBREVILLE1895"
    assert rec.created == datetime(1975, 11, 18, 12, 5, tzinfo=UTC)
    assert rec.subject is None  # its heading is "Viewing cable 7575LIBREVILLE1895," only
    assert rec.text.startswith("C O N F I D E N T I A L 75 LIBREVILLE 1895 \n")


def test_r6693_released_and_heading(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    # also one of the pages with CRLF line ends (in its "Appears in these articles" list)
    path = REAL_CABLES / R6693 / "2006/07/06SANJOSE1622.html"
    assert b"\r\n" in path.read_bytes()
    rec = _real(all_real, f"{R6693}/2006/07/06SANJOSE1622.html")
    assert rec.created == datetime(2006, 7, 24, 22, 10, tzinfo=UTC)
    assert rec.released == datetime(2011, 3, 3, 16, 4, tzinfo=UTC)
    assert rec.classification == "UNCLASSIFIED"
    assert rec.origin == "Embassy San Jose"
    assert rec.subject == "Costa Rica to Construct Plasma-Propelled Space Rocket"
    assert rec.title is None
    assert rec.header is not None and "R 242214Z JUL 06\nFM AMEMBASSY SAN JOSE\n" in rec.header
    assert "TAGS: ECON EINV NASA CS\nSUBJECT: Costa Rica" in rec.text
    assert "nacion.com" not in rec.text  # the articles list is not cable text


def test_r597_sample_caracas(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    rec = _real(all_real, "html-cablegate-r597-socialgraph-sample/sample.html")
    assert rec.refid == "10CARACAS187"
    assert rec.created == datetime(2010, 2, 12, 20, 8, tzinfo=UTC)
    assert rec.released == datetime(2010, 11, 30, 21, 9, tzinfo=UTC)
    assert rec.classification == "CONFIDENTIAL"
    assert rec.origin == "Embassy Caracas"
    assert rec.subject == "Increased Harassment of Approved Cuban Medical Parolees"
    assert rec.header is not None and "R 122020Z FEB 10\nFM AMEMBASSY CARACAS\n" in rec.header
    assert rec.text.startswith("C O N F I D E N T I A L SECTION 01 OF 02 CARACAS 000187 \n")
    assert rec.text.endswith("\nDUDDY")


def test_r243_sentence_cased_ankara_kept_as_is(
    all_real: dict[Path, list[RawRecord | ReadError]],
) -> None:
    rec = _real(all_real, f"{R243}/2004/01/04ANKARA348.html")
    # the link's title attribute says 'unclassified'; the cell text is what counts
    assert rec.classification == "CONFIDENTIAL"
    assert rec.subject == (
        "turkish p.m. Erdogan goes to washington: how strong a leader in the face of strong "
        "challenges?"
    )
    assert rec.header == (
        "This record is a partial extract of the original cable. The full text of the "
        "original cable is not available.\n\n201247Z Jan 04"
    )
    assert rec.text.startswith("C o n f i d e n t i a l section 01 of 04 ankara 000348\n\nSipdis\n")
    assert "Tags: prel, pgov, pins, tu Subject: turkish p.m. Erdogan" in rec.text
    assert rec.text.endswith("integrated into Europe. Edelman")


def test_glued_second_cable_kept(all_real: dict[Path, list[RawRecord | ReadError]]) -> None:
    # The text block starts with a cables.csv-style record (raw "<<225330>>" in the HTML)
    rec = _real(
        all_real, "html-cablegate-r1862-20101222-anarchivist/cable/2009/09/09NAIROBI1938.html"
    )
    assert rec.text.startswith("<<225330>>\n9/16/2009 9:24\n09NAIROBI1938\nEmbassy Nairobi\n")
    assert "\nO 160924Z SEP 09\nFM AMEMBASSY NAIROBI\n" in rec.text


def test_stray_markup_in_text_dropped_and_text_kept(
    all_real: dict[Path, list[RawRecord | ReadError]],
) -> None:
    # <br> before every newline and a stray "</td></tr></table>" inside the <pre>
    rec = _real(all_real, f"{R6693}/2008/07/08BUCHAREST608.html")
    assert rec.text.startswith("S E C R E T BUCHAREST 000608 \n \nSIPDIS \n \nSTATE PLEASE PASS")
    assert rec.text.endswith("End Comment. \nTAUBMAN \n\n")
    # a raw "<" and "<_protect>" that are not tags stay in the text
    madrid = _real(
        all_real, "html-cablegate-r1862-20101222-anarchivist/cable/2010/01/10MADRID87.html"
    )
    assert "FEBRUARY 3 VISIT TO SPAIN \n <\nREF: A. 2009 MADRID 59" in madrid.text
    manama = _real(all_real, f"{R6693}/2009/07/09MANAMA435.html")
    assert "ERELI\n\n<_protect>0 07/16/2009 3889" in manama.text


def test_parse_without_the_pane_shortcut_gives_the_same_record() -> None:
    """Pages without the `pane big` marker are parsed whole; the result must not change."""
    if not REAL_CABLES.is_dir():
        pytest.skip("real cables not found")
    path = REAL_CABLES / FINAL / "1972/03/72TEHRAN1381.html"
    data = path.read_bytes()
    whole = data.replace(b"<div class='pane big'>", b"<div class='pane-big'>")
    assert whole != data
    a = reader.parse_page(data, "a")
    b = reader.parse_page(whole, "a")
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord)
    assert (a.refid, a.created, a.header, a.text, a.subject, a.created_minutes_unreliable) == (
        b.refid,
        b.created,
        b.header,
        b.text,
        b.subject,
        b.created_minutes_unreliable,
    )


# --- made-up pages: odd layouts --------------------------------------------------------------


def test_minimal_page(tmp_path: Path) -> None:
    rec = _record(_write(tmp_path, _page()))
    assert rec.refid == "10X1"
    assert rec.created == datetime(2010, 1, 1, 12, 12, tzinfo=UTC)
    assert rec.released == datetime(2011, 3, 3, 16, 4, tzinfo=UTC)
    assert (rec.classification, rec.origin, rec.subject) == (
        "CONFIDENTIAL",
        "Embassy X",
        "A SUBJECT",
    )
    assert rec.header == "R 011200Z JAN 10\nFM AMEMBASSY X"
    assert rec.text == "TEXT\nBODY"
    assert rec.created_minutes_unreliable is True
    assert rec.notes == ()


def test_final_release_counter_clears_the_flag(tmp_path: Path) -> None:
    rec = _record(_write(tmp_path, _page(counter="251287 / 251,287")))
    assert rec.created_minutes_unreliable is False


def test_no_release_counter_flags_and_notes(tmp_path: Path) -> None:
    page = _page().replace("Currently released so far... 6693 / 251,287", "")
    rec = _record(_write(tmp_path, page))
    assert rec.created_minutes_unreliable is True
    assert any("release counter" in n for n in rec.notes)


def test_crlf_and_entities_in_text(tmp_path: Path) -> None:
    # literal CRLF (the whole page is CRLF) and CR LF as entities
    pres = ("HDR\nLINE", "A &amp; B&#x000D;&#x000A;C\nD &lt;E&gt; <a href='/tag/X_0.html'>X</a>")
    page = _page(pres=pres).replace("\n", "\r\n")
    assert "HDR\r\nLINE" in page
    rec = _record(_write(tmp_path, page))
    assert rec.header == "HDR\nLINE"
    assert rec.text == "A & B\nC\nD <E> X"


def test_one_pre_block_is_the_text(tmp_path: Path) -> None:
    rec = _record(_write(tmp_path, _page(pres=("ONLY&#x000A;TEXT",))))
    assert rec.header is None
    assert rec.text == "ONLY\nTEXT"
    assert rec.notes == ("page has no header block; its only block is the text",)


def test_three_pre_blocks_are_joined(tmp_path: Path) -> None:
    rec = _record(_write(tmp_path, _page(pres=("HDR", "PART 1", "PART 2"))))
    assert rec.header == "HDR"
    assert rec.text == "PART 1\nPART 2"
    assert rec.notes == ("page has 2 text blocks after the header; joined",)


def test_empty_header_block(tmp_path: Path) -> None:
    rec = _record(_write(tmp_path, _page(pres=("  ", "BODY"))))
    assert rec.header is None
    assert rec.notes == ("page has an empty header block",)


def test_first_release_table_without_released(tmp_path: Path) -> None:
    table = (
        "<table class='cable'><tr><th>Reference ID</th><th>Date</th><th>Classification</th>"
        "<th>Origin</th></tr><tr><td>04X9</td><td>2004-01-20 12:12</td>"
        "<td>SECRET//NOFORN</td><td>Embassy\n  Ankara</td></tr>"
        "<tr><td colspan='4'></td></tr></table>"
    )
    rec = _record(_write(tmp_path, _page(table=table, counter="243 / 251,287")))
    assert rec.refid == "04X9"
    assert rec.created == datetime(2004, 1, 20, 12, 12, tzinfo=UTC)
    assert rec.released is None
    assert (rec.classification, rec.origin) == ("SECRET//NOFORN", "Embassy Ankara")


def test_bad_date_is_a_note_not_an_error(tmp_path: Path) -> None:
    rec = _record(_write(tmp_path, _page().replace("2010-01-01 12:12", "sometime")))
    assert rec.created is None
    assert rec.created_minutes_unreliable is False
    assert rec.notes == ("created date 'sometime' is not a date",)


def test_invalid_utf8_is_replaced_and_noted(tmp_path: Path) -> None:
    data = _page(pres=("HDR", "CAF\x00")).encode().replace(b"\x00", b"\xe9")
    rec = _record(_write(tmp_path, data))
    assert rec.text == "CAF\ufffd"
    assert "not valid UTF-8" in rec.notes[0]


# --- bad input -------------------------------------------------------------------------------


@needs_real_cables
def test_real_page_cut_in_the_cable_text(tmp_path: Path) -> None:
    data = (REAL_CABLES / R243 / "1966/12/66BUENOSAIRES2481.html").read_bytes()
    cut = data[: data.index(b"FALKLAND ISLANDS")]
    assert _error(_write(tmp_path, cut)).reason == "truncated page: the cable text is cut off"


@needs_real_cables
def test_final_page_cut_in_the_navigation(tmp_path: Path) -> None:
    data = (REAL_CABLES / FINAL / "1966/12/66BUENOSAIRES2481.html").read_bytes()
    cut = data[: len(data) // 2]
    err = _error(_write(tmp_path, cut))
    assert err.reason == "truncated page: it ends before the metadata table"


@needs_real_cables
def test_real_page_cut_after_the_header_block(tmp_path: Path) -> None:
    data = (REAL_CABLES / R243 / "1966/12/66BUENOSAIRES2481.html").read_bytes()
    cut = data[: data.index(b"</pre></code>") + len(b"</pre></code>\n")]
    err = _error(_write(tmp_path, cut))
    assert err.reason == "truncated page: it ends after the header block"


def test_page_cut_after_the_cable_text_is_kept_with_a_note(tmp_path: Path) -> None:
    page = _page()
    rec = _record(_write(tmp_path, page[: page.index("</div></div></body>")]))
    assert rec.text == "TEXT\nBODY"
    assert rec.notes == ("page is cut off after the cable text (no </html>)",)


def test_html_page_without_a_cable_is_no_cable_not_a_failure(tmp_path: Path) -> None:
    # the release site's listing pages (tags, origins, dates) hold no cable at all
    page = "<html><head><title>Cable Viewer</title></head><body><p>Hello</p></body></html>"
    err = _error(_write(tmp_path, page))
    assert isinstance(err, NoCable)
    assert err.reason == reader.NO_CABLE_PAGE


def test_html_page_with_text_but_no_metadata_table_is_a_failure(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Cable Viewer</title></head><body>"
        "<code><pre>SOME TEXT</pre></code></body></html>"
    )
    err = _error(_write(tmp_path, page))
    assert not isinstance(err, NoCable)
    assert err.reason == "not a cable page: no metadata table (<table class='cable'>)"


def test_empty_metadata_table(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, _page(table="<table class='cable'></table>")))
    assert err.reason == "metadata table is empty"


def test_metadata_table_with_headings_but_empty_cells(tmp_path: Path) -> None:
    table = (
        "<table class='cable'><tr><th>Reference ID</th><th>Created</th></tr>"
        "<tr><td> </td><td></td></tr></table>"
    )
    err = _error(_write(tmp_path, _page(table=table)))
    assert err.reason == "metadata table is empty"


def test_table_but_no_cable_text(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, _page(pres=())))
    assert err.reason == "page has a metadata table but no cable text"


def test_empty_cable_text_block(tmp_path: Path) -> None:
    err = _error(_write(tmp_path, _page(pres=("HDR", " &#x000A; "))))
    assert err.reason == "cable text block is empty"


def test_missing_file(tmp_path: Path) -> None:
    err = _error(tmp_path / "gone.html")
    assert err.reason.startswith("cannot read:")


# --- "Appears in these articles" -------------------------------------------------------------

_ARTICLES_TABLE = (
    "<table class='cable'><tr><th>Reference ID</th><th>Created</th><th>Released</th>"
    "<th>Classification</th><th>Origin</th></tr><tr>"
    "<td><a href='/cable/2010/01/10X1.html'>10X1</a></td><td>2010-01-01 12:12</td>"
    "<td>2011-03-03 16:04</td><td>CONFIDENTIAL</td><td>Embassy X</td></tr>"
    "<tr><td colspan='5'>\nAppears in these articles:<br />\n{links}</td></tr></table>"
)


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ("", ()),
        (  # the releases' doubled scheme is repaired
            "<a href='http://http://www.spiegel.de/'>http://www.spiegel.de/</a><br />",
            ("http://www.spiegel.de/",),
        ),
        (  # order kept, duplicates dropped, https kept
            "<a href='https://a.example/x?y=1&amp;z=2'>A</a><br />"
            "<a href='http://b.example/'>B</a><br /><a href='https://a.example/x?y=1&z=2'>A</a>",
            ("https://a.example/x?y=1&z=2", "http://b.example/"),
        ),
        (  # an href that is no web address, but a link text that is
            "<a href='www.elpais.com/articulo'>http://www.elpais.com/articulo</a>",
            ("http://www.elpais.com/articulo",),
        ),
        ("<a href='javascript:void(0)'>more</a>", ()),  # neither is: not an article
    ],
)
def test_articles_links(tmp_path: Path, links: str, expected: tuple[str, ...]) -> None:
    rec = _record(_write(tmp_path, _page(table=_ARTICLES_TABLE.format(links=links))))
    assert rec.articles == expected
    assert rec.refid == "10X1" and rec.origin == "Embassy X"  # the metadata row is still first


def test_page_without_articles_row_has_none(tmp_path: Path) -> None:
    assert _record(_write(tmp_path, _page())).articles == ()


@needs_real_cables
def test_real_articles_links_are_urls_and_repaired() -> None:
    pages = sorted(REAL_CABLES.glob("html-*/**/*.html"))
    found = [r for p in pages for r in reader.read(p) if isinstance(r, RawRecord) and r.articles]
    # 162 pages of the dev set have the row; every link is a URL, none with a doubled scheme
    assert len(found) >= 150
    urls = [u for r in found for u in r.articles]
    assert all(u.startswith(("http://", "https://")) for u in urls)
    assert not any("http://http" in u for u in urls)
    beijing = next(r for r in found if r.refid == "09BEIJING2964" and "r1295" in r.source.path)
    assert beijing.articles == ("http://www.spiegel.de/",)


# --- large pages are read in two parts ------------------------------------------------------


def _big_page(text: str = "TEXT&#x000A;BODY", counter: str = "251287 / 251,287") -> bytes:
    """A final-release-sized page: the counter at its top, ~150 KB of navigation, the pane."""
    page = _page(pres=("R 011200Z JAN 10&#x000A;FM AMEMBASSY X", text), counter=counter)
    at = page.index("<div class='pane big'>")
    navigation = "<li><a href='/tag/X_0.html'>X</a> (ü)</li>" * 4000
    return (page[:at] + navigation + page[at:]).encode()


def _same_record(a: RawRecord | ReadError, b: RawRecord | ReadError) -> bool:
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord)
    return a == replace(b, source=replace(b.source, sha256=a.source.sha256))


def _read_one(path: Path) -> RawRecord | ReadError:
    (item,) = read_file(path)
    return item


@pytest.mark.parametrize(
    ("name", "page", "in_parts"),
    [
        ("big page", _big_page(), True),
        # the pane does not fit in the tail: read whole
        ("long cable", _big_page("LONG&#x000A;" + "WORDS " * 8000), False),
        # no release counter in the head: read whole (the counter sets the minutes flag)
        ("no counter", _big_page(counter="").replace(b"Currently released", b"Released"), False),
        ("small page", _page().encode(), False),
    ],
)
def test_large_pages_read_in_parts_give_the_record_of_the_whole_page(
    tmp_path: Path, name: str, page: bytes, in_parts: bool
) -> None:
    path = tmp_path / "10X1.html"
    path.write_bytes(page)
    whole = reader.parse_page(page, str(path))
    data, digest = reader.read_page(path)
    assert (len(data) < len(page)) is in_parts, name
    assert (digest != hashlib.sha256(page).hexdigest()) is in_parts
    got = _read_one(path)
    assert _same_record(whole, got)
    assert isinstance(got, RawRecord) and got.source.sha256 == digest == file_digest(path)


@needs_real_cables
def test_every_real_page_gives_the_same_record_read_in_parts_or_whole() -> None:
    """Every real page, read as users' runs read it, equals the record of its whole bytes; the
    final release's pages (~190 KB) are the ones read in parts."""
    pages = sorted(p for p in REAL_CABLES.glob("html-*/**/*.html") if p.is_file())
    in_parts = 0
    for path in pages:
        whole = reader.parse_page(path.read_bytes(), str(path))
        got = _read_one(path)
        if isinstance(whole, ReadError):
            assert got == whole, path
            continue
        assert _same_record(whole, got), path
        assert isinstance(got, RawRecord) and got.source.sha256 == file_digest(path)
        in_parts += got.source.sha256 != hashlib.sha256(path.read_bytes()).hexdigest()
    assert in_parts == len(list(REAL_CABLES.glob(f"{FINAL}/**/*.html")))


def test_page_digest_changes_with_the_pane_not_with_the_navigation(tmp_path: Path) -> None:
    path = tmp_path / "10X1.html"
    page = _big_page()
    path.write_bytes(page)
    before = file_digest(path)
    middle = page.index(b"(\xc3\xbc)", len(page) // 2)
    path.write_bytes(page[:middle] + b"(ue)" + page[middle + 4 :])  # navigation, same size
    assert file_digest(path) == before
    path.write_bytes(page.replace(b"BODY", b"BODZ"))
    assert file_digest(path) != before
