"""Tests of `indexer.extract`: one table per field, rows copied from real cables, with the
rows where the field is absent or must not be guessed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from indexer import extract

EXAMPLE_HEADER = (
    "VZCZCXRO7948 PP RUEHBC RUEHDE RUEHDIR RUEHIHL RUEHKUK DE RUEHGB #0113/01 0151648 ZNY CCCCC "
    "ZZH P 151648Z JAN 09 FM AMEMBASSY BAGHDAD TO RUEHC/SECSTATE WASHDC PRIORITY 1244 INFO "
    "RHMFISS/HQ USCENTCOM MACDILL AFB FL PRIORITY RUEKJCS/SECDEF WASHINGTON DC PRIORITY "
    "RUCNIRA/IRAN COLLECTIVE RUCNRAQ/IRAQ COLLECTIVE"
)
MULTILINE_HEADER = """VZCZCXRO7165
OO RUEHBI RUEHCI RUEHLH RUEHPW
DE RUEHNE #5135/01 2020722
ZNY CCCCC ZZH
O 210722Z JUL 06
FM AMEMBASSY NEW DELHI
TO RUEHC/SECSTATE WASHDC IMMEDIATE 6818
INFO RUEHBJ/AMEMBASSY BEIJING 3078
RUEHLM/AMEMBASSY COLOMBO 6415
RHMFISS/HQ USCENTCOM MACDILL AFB FL
RUEKJCS/SECDEF WASHDC"""
OLD_HEADER = """P R 281848Z DEC 66
FM AMEMBASSY BUENOS AIRES
TO SECSTATE WASHDC PRIORITY
INFO USCINCSO
CINCLANT
AMEMBASSY RIO DE JANEIRO
STATE GRNC"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (EXAMPLE_HEADER, (datetime(2009, 1, 15, 16, 48, tzinfo=UTC), "151648Z JAN 09")),
        (OLD_HEADER, (datetime(1966, 12, 28, 18, 48, tzinfo=UTC), "281848Z DEC 66")),
        (
            "O 261055Z JAN 10        ZDK",
            (datetime(2010, 1, 26, 10, 55, tzinfo=UTC), "261055Z JAN 10"),
        ),
        ("R 122020Z FEB 10", (datetime(2010, 2, 12, 20, 20, tzinfo=UTC), "122020Z FEB 10")),
        ("P 311648Z FEB 09", None),  # no such day
        ("DE RUEHGB #0113/01 0151648 ZNY CCCCC ZZH", None),
        ("PAGE 02 HARARE 05461 01 OF 02 271458Z", None),  # no month: not a DTG
        ("", None),
    ],
)
def test_parse_dtg(text: str, expected: tuple[datetime, str] | None) -> None:
    assert extract.parse_dtg(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tuesday, 03 July 2001, 12:03\nC O N F I D E N T I A L SECTION 01 OF 04",
            (datetime(2001, 7, 3, 12, 3, tzinfo=UTC), "Tuesday, 03 July 2001, 12:03"),
        ),
        ("C O N F I D E N T I A L SECTION 01 OF 04", None),
        ("Tuesday, 31 February 2001, 12:03\n", None),
    ],
)
def test_parse_date_line(text: str, expected: tuple[datetime, str] | None) -> None:
    assert extract.parse_date_line(text) == expected


@pytest.mark.parametrize(
    ("text", "header_end", "rest_start"),
    [
        (
            "\nVZCZCXRO7165\nOO RUEHBI\nDE RUEHNE #5135/01 2020722\nO 210722Z JUL 06\n"
            "FM AMEMBASSY NEW DELHI\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 6818\nRHEHNSC/NSC WASHDC\n"
            "CONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135 \n \nSIPDIS",
            "RHEHNSC/NSC WASHDC\n",
            "CONFIDENTIAL SECTION 01 OF 08",
        ),
        (  # alx dump: the banner glued to the last addressee
            "VZCZCXRO2979\nR 122020Z FEB 10\nFM AMEMBASSY CARACAS\nTO RUEHC/SECSTATE WASHDC 0463\n"
            "RHMFISS/HQ USSOUTHCOM MIAMI FLC O N F I D E N T I A L SECTION 01 OF 02 CARACAS 000187",
            "MIAMI FL",
            "C O N F I D E N T I A L SECTION 01 OF 02",
        ),
        (
            "P R 281848Z DEC 66\nFM AMEMBASSY BUENOS AIRES\nTO SECSTATE WASHDC PRIORITY\n\n"
            "UNCLASSIFIED BUENOS AIRES 2481",
            "TO SECSTATE WASHDC PRIORITY",
            "\n\nUNCLASSIFIED",
        ),
    ],
)
def test_split_header(text: str, header_end: str, rest_start: str) -> None:
    header, rest = extract.split_header(text)
    assert header is not None
    assert header.rstrip().endswith(header_end.rstrip())
    assert rest.startswith(rest_start)
    assert header + rest == text


@pytest.mark.parametrize(
    "text",
    [
        "C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113 SIPDIS",
        "This record is a partial extract of the original cable. UNCLAS SECTION 01 OF 02 ADANA",
        "VZCZCXRO7165\nOO RUEHBI\nno FM line here at all",
        "VZCZCXRO7165\nOO RUEHBI\nO 210722Z JUL 06\nTO RUEHC/SECSTATE WASHDC",
        "",
    ],
)
def test_split_header_without_header(text: str) -> None:
    assert extract.split_header(text) == (None, text)


def test_normalize_header() -> None:
    assert extract.normalize_header("VZCZCXYZ0029\nPP RUEHWEB\n\nDE  RUEHBO #2291/01 \n") == (
        "VZCZCXYZ0029\nPP RUEHWEB\nDE RUEHBO #2291/01"
    )


@pytest.mark.parametrize(
    ("header", "origin"),
    [
        (EXAMPLE_HEADER, "Embassy Baghdad"),
        (MULTILINE_HEADER, "Embassy New Delhi"),
        (OLD_HEADER, "Embassy Buenos Aires"),
        ("O 221402Z SEP 09\nFM AMCONSUL ADANA\nTO RUEHC/SECSTATE WASHDC", "Consulate Adana"),
        ("O 221402Z SEP 09\nFM AMEMBASSY RIO DE JANEIRO\nTO X", "Embassy Rio De Janeiro"),
        (
            "O 221402Z SEP 09\nFM SECSTATE WASHDC\nTO RUEHXX/ALL DIPLOMATIC POSTS",
            "Secretary of State",
        ),
        ("P 070927Z JUL 06\nFM USMISSION GENEVA\nTO RUEHC/SECSTATE WASHDC", "US Mission Geneva"),
        ("P 07Z\nFM USMISSION USUN NEW YORK\nTO RUEHC/SECSTATE WASHDC", "USUN New York"),
        ("P 07Z\nFM USMISSION USNATO\nTO RUEHC/SECSTATE WASHDC", "Mission USNATO"),
        ("P 07Z\nFM USINT HAVANA\nTO RUEHC/SECSTATE WASHDC", "US Interests Section Havana"),
        ("P 07Z\nFM USDEL SECRETARY//MEXICO//\nTO RUEHC/SECSTATE", "US Delegation, Secretary"),
        ("P 07Z\nFM CDR USCENTCOM MACDILL AFB FL\nTO RUEHC/SECSTATE", None),  # unknown: no guess
        ("VZCZCXRO7948 PP RUEHBC DE RUEHGB #0113/01", None),
    ],
)
def test_origin_from_header(header: str, origin: str | None) -> None:
    assert extract.origin_from_header(header) == origin


@pytest.mark.parametrize(
    ("header", "recipients", "info"),
    [
        (
            EXAMPLE_HEADER,
            ("SECSTATE WASHDC",),
            (
                "HQ USCENTCOM MACDILL AFB FL",
                "SECDEF WASHINGTON DC",
                "IRAN COLLECTIVE",
                "IRAQ COLLECTIVE",
            ),
        ),
        (
            MULTILINE_HEADER,
            ("SECSTATE WASHDC",),
            (
                "AMEMBASSY BEIJING",
                "AMEMBASSY COLOMBO",
                "HQ USCENTCOM MACDILL AFB FL",
                "SECDEF WASHDC",
            ),
        ),
        (
            OLD_HEADER,
            ("SECSTATE WASHDC",),
            ("USCINCSO", "CINCLANT", "AMEMBASSY RIO DE JANEIRO", "STATE GRNC"),
        ),
        (
            "P 070927Z JUL 06\nFM USMISSION GENEVA\nTO RUEHC/SECSTATE WASHDC PRIORITY 0318\n"
            "RUCNDT/USMISSION USUN NEW YORK PRIORITY 1478\nINFO RUEHZJ/HUMAN RIGHTS COUNCIL "
            "COLLECTIVE PRIORITY\nRHEHNSC/NSC WASHINGTON DC PRIORITy",
            ("SECSTATE WASHDC", "USMISSION USUN NEW YORK"),
            ("HUMAN RIGHTS COUNCIL COLLECTIVE", "NSC WASHINGTON DC"),
        ),
        ("P 151648Z JAN 09 FM AMEMBASSY BAGHDAD", (), ()),  # no TO part
        ("", (), ()),
    ],
)
def test_addressees(header: str, recipients: tuple[str, ...], info: tuple[str, ...]) -> None:
    assert extract.addressees(header) == (recipients, info)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("CONFIDENTIAL", "CONFIDENTIAL"),
        ("SECRET//NOFORN", "SECRET//NOFORN"),
        ("SECRET NOFORN", "SECRET//NOFORN"),
        ("S E C R E T NOFORN", "SECRET//NOFORN"),
        ("Confidential", "CONFIDENTIAL"),
        ("C o n f i d e n t i a l", "CONFIDENTIAL"),
        ("confidential//noforn", "CONFIDENTIAL//NOFORN"),
        ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("LIMITED OFFICIAL USE", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("UNCLAS SENSITIVE", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("SBU", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
        ("UNCLAS", "UNCLASSIFIED"),
        ("unclassified", "UNCLASSIFIED"),
        ("", None),
        ("TOP OF THE PAGE", None),
    ],
)
def test_normalize_classification(value: str, expected: str | None) -> None:
    assert extract.normalize_classification(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113 SIPDIS", "CONFIDENTIAL"),
        (
            "S E C R E T SECTION 01 OF 03 RPO DUBAI 000174  NOFORN SIPDIS  E.O. 12958:",
            "SECRET//NOFORN",
        ),
        (
            "S E C R E T SECTION 01 OF 04 ABU DHABI 001401 \n\nSIPDIS \n\nNOFORN \n\nE.O. 12958",
            "SECRET//NOFORN",
        ),
        (
            "UNCLAS SECTION 01 OF 02 BAGHDAD 002984  SIPDIS  SENSITIVE  LONDON FOR TSOU  "
            "E.O. 12958",
            "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        ),
        ("UNCLAS SECTION 01 OF 02 NEW DELHI 19406  LIMITED OFFICIAL USE", "UNCLASSIFIED"),
        ("CONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135 \n", "CONFIDENTIAL"),
        ("CC O N F I D E N T I A L SECTION 01 OF 04 BEIJING 001378", "CONFIDENTIAL"),
        ("C o n f i d e n t i a l section 01 of 04 ankara 000348Sipdis", "CONFIDENTIAL"),
        ("Tuesday, 03 July 2001, 12:03\nS E C R E T STATE 014577", "SECRET"),
        ("SIPDIS  \n  \nE.O. 12958: DECL: 06/10/2019", None),  # banner missing: no guess
        ("THE SECRET POLICE ARRIVED", None),
    ],
)
def test_classification_from_text(text: str, expected: str | None) -> None:
    assert extract.classification_from_text(text) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "TAGS: PTER\n\nSUBJECT: MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN\n\n"
            "REF: A. X",
            "MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN",
        ),
        ("SUBJ: IRAN: THE GLOVES COME OFF\n\n1. (C) Summary", "IRAN: THE GLOVES COME OFF"),
        ("SUBJECT - VISIT OF CODEL SPECTER\n\n", "VISIT OF CODEL SPECTER"),
        (
            "Subject: turkish p.m. Erdogan goes to washington: how strong a leader in the face of "
            "strong challenges?(U)\n\nClassified by Ambassador Eric Edelman",
            "turkish p.m. Erdogan goes to washington: how strong a leader in the face of strong "
            "challenges?",
        ),
        (
            "SUBJECT: (C) IRANIAN OUTREACH TO LATIN AMERICA (C-AL8-02836)\n\nREF: STATE 1",
            "IRANIAN OUTREACH TO LATIN AMERICA (C-AL8-02836)",
        ),
        (
            "SUBJECT: UK COUNTRY CLEARANCE IS GRANTED REF: SECDEF R162245Z OCT 08",
            "UK COUNTRY CLEARANCE IS GRANTED",
        ),
        (
            "SUBJECT: BRAZIL: BLACKOUT -CAUSES AND IMPLICATIONS Classified By: Charge d'Affaires",
            "BRAZIL: BLACKOUT -CAUSES AND IMPLICATIONS",
        ),
        ("1. (C) The subject was raised. Subject to approval, we will go.", None),
        ("TAGS: PREL\n\nREF: A. BAKU 1761", None),
        ("SUBJECT:\n\n1. (C) Text", None),
        (
            "TAGS EAID, ECON\n\nSUBJECT:\n\nSUBJECT: DEPUTY NSA MICHAEL FROMAN VISIT\n\nSUMMARY",
            "DEPUTY NSA MICHAEL FROMAN VISIT",
        ),
    ],
)
def test_subject(body: str, expected: str | None) -> None:
    assert extract.subject(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "E.O. 12958: DECL: 01/14/2018\n\nTAGS: PTER PHUM PINR PREF PREL IZ IR\n\nSUBJECT: MEK",
            ("PTER", "PHUM", "PINR", "PREF", "PREL", "IZ", "IR"),
        ),
        ("Tags: prel, pgov, pins, tu\n\nSubject: turkish", ("PREL", "PGOV", "PINS", "TU")),
        (
            "TAGS PREL, PHUM, IS, EG, PHUM, IS, EG, VT, VTPREL, VTPREL\n\nSUBJECT: THE VATICAN",
            ("PREL", "PHUM", "IS", "EG", "VT", "VTPREL"),
        ),
        ("TAGS: PGOV, PINS, ZI, MDC, ZANU-PF", ("PGOV", "PINS", "ZI", "MDC", "ZANU-PF")),
        ("TAGS: OVIP (CLINTON, HILLARY) PREL", ("OVIP", "PREL")),
        (
            "TAGS: PREL PGOV TU POLITICAL PARTIES SUBJECT: NO SPLITS",
            ("PREL", "PGOV", "TU"),
        ),
        ("TAGS:\n\nSUBJECT: NOTHING TAGGED", ()),
        ("E.O. 12958: N/A\n\nSUBJECT: NO TAGS LINE", ()),
    ],
)
def test_tags(body: str, expected: tuple[str, ...]) -> None:
    assert extract.tags(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "SUBJECT: X\n\nREF: A. BAGHDAD 003 B. 2008 BAGHDAD 4006\n\nClassified By: Y",
            "A. BAGHDAD 003 B. 2008 BAGHDAD 4006",
        ),
        (
            "REF: A. BAKU 1761\n\nB. BAKU 1819\n\nC. BAKU 1700\n\nClassified By: Charge",
            "A. BAKU 1761 B. BAKU 1819 C. BAKU 1700",
        ),
        (
            "REFS: (A) STATE 52607, (B) STATE 52608\n\n1. (U) Summary",
            "(A) STATE 52607, (B) STATE 52608",
        ),
        (
            "REFTEL: STATE 12345\n\nA. The first point of a list is not a reference.",
            "STATE 12345 A. The first point of a list is not a reference.",
        ),
        ("SUBJECT: X\n\n1. (C) As noted in reftel, nothing.", None),
    ],
)
def test_reference_block(body: str, expected: str | None) -> None:
    assert extract.reference_block(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Classified By: Acting Pol-Mil Counselor Philip Kosnett for reasons 1.4 (b) and (d).",
            "Philip Kosnett",
        ),
        ("CLASSIFIED BY DCM JAMES F. JEFFREY FOR REASONS: 1.5", "James F. Jeffrey"),
        ("CLASSIFIED BY DCM EARL IRVING. REASONS: 1.5 (B) AND (D).", "Earl Irving"),
        ("Classified By: DCM Eric Rubin. Reason: 1.4 (d).", "Eric Rubin"),
        ("Classified by Ambassador Eric Edelman; reasons: 1.5 (b,d).", "Eric Edelman"),
        (
            "CLASSIFIED BY: Robin D. Meyer, Political Counselor, DOS, POL; REASON: 1.4(B), (D)",
            "Robin D. Meyer",
        ),
        (
            "CLASSIFIED BY: Martinez, Vilma, Ambassador, DOS, EXEC; REASON: 1.4(B), (D)",
            "Vilma Martinez",
        ),
        ("CLASSIFIED BY: Stephenson, Ambassador; REASON: 1.4(B), (D)", "Stephenson"),
        ("Classified By: Under Secretary Bill Burns for reasons 1.4(b, d).", "Bill Burns"),
        ("Classified By: CHG: James L Williams for reasons 1.4 (b) and (d)", "James L Williams"),
        (
            "Classified By: Charge D’ Affaires Richard M. Eason for reasons 1.4 (B) and (D).",
            "Richard M. Eason",
        ),
        ("Classified By: Ambassador Margaret Scobey per 1.4 (b) and (d).", "Margaret Scobey"),
        ("Classified By: NINEWA PRT LEADER JASON HYLAND: 1.4 (B) AND (D)", "Jason Hyland"),
        ("Classified By: EAP DAS David Shear for reasons 1.4 (b)", "David Shear"),
        ("CLASSIFIED BY: Suzanne MCCORMICK, Ambassador, DOS", "Suzanne McCormick"),
        ("Classified By: POLITICAL COUNSELOR ROBERT MCCORMICK FOR 1.4 (D)", "Robert McCormick"),
        ("Classified By: Charge d'Affaires, for reasons 1.4 (b) and (d)", None),
        ("Classified By: XXXXXXXXXXXX FOR REASONS 1.4 (B),(D)", None),
        ("CLASSIFIED BY NARA 09/02/2009", None),
        ("Classified By: ...", None),
        ("1. (U) Nothing is classified here.", None),
    ],
)
def test_classified_by(body: str, expected: str | None) -> None:
    assert extract.classified_by(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("E.O. 12958: DECL: 01/14/2018\n\nTAGS: PTER", "2018-01-14"),
        ("EO 12958 DECL: 07/02/11\n\nTAGS PREL", "2011-07-02"),
        ("E.O. 12958: DECL: 2/19/2016", "2016-02-19"),
        ("E.O. 12958: DECL: 2020/02/12", "2020-02-12"),
        ("E.o. 12958: decl: 01/07/2014", "2014-01-07"),
        ("E.O. 12958: DECL: DECLASSIFIED BY NARA 09/02/2009", "DECLASSIFIED BY NARA 09/02/2009"),
        ("E.O. 12958: N/A", "N/A"),
        ("E.O. 12356: N/A TAGS: PTER, PGOV, IN", "N/A"),
        ("E.O. 12958: DECL: OADR", "OADR"),
        ("E.O. 12958: DECL: 25X1-HUMAN", "25X1-HUMAN"),
        ("E.O. 12958: DECL: 13/45/2018", "13/45/2018"),  # not a date: kept raw
        ("TAGS: PREL\n\nSUBJECT: NO E.O. LINE", None),
    ],
)
def test_declassify(body: str, expected: str | None) -> None:
    assert extract.declassify(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("1. (C) SUMMARY: A defector says so. END SUMMARY.\n\n2. (C) Text.", "A defector says so."),
        (
            "SUMMARY\n\n1. (C) ACCORDING TO A SENIOR MDC ADVISOR, THEY AGREE. END SUMMARY.",
            "ACCORDING TO A SENIOR MDC ADVISOR, THEY AGREE.",
        ),
        (
            "1. (C) Summary and Comment: Two parts.\n\nSecond paragraph. End Summary and Comment.",
            "Two parts.\n\nSecond paragraph.",
        ),
        ("SUBJECT: SOUTHEAST TURKEY PRESS SUMMARY\n\n1. This is the press summary.", None),
        ("1. (C) Summary: there is no end to this summary.", None),
    ],
)
def test_summary(body: str, expected: str | None) -> None:
    assert extract.summary(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "8. (C) COMMENT: we cannot discount it, a tactic the MeK used in the past. BUTENIS",
            ("BUTENIS",),
        ),
        ("6. (U) Text.\n\nJEFFREY", ("JEFFREY",)),
        (
            "Visit Baghdad's Classified Website: http://www.state.sgov.gov/p/nea/baghdad\n\nBUTENIS",
            ("BUTENIS",),
        ),
        (
            "37. (U) Visit New Delhi's Classified Website: "
            "(http://www.state.sgov.gov/p/sa/newdelhi/) "
            "PYATT",
            ("PYATT",),
        ),
        ("minimize considered. Satterfield", ("SATTERFIELD",)),
        ("join the European Union as quickly as possible.\n\nvan Voorst", ("VAN VOORST",)),
        ("END COMMENT DELL", ("DELL",)),
        ("8. IF AUTHORIZED, ENVISAGE TWO-STEP APPROACH.\n\nGP-3 SACCIO", ("SACCIO",)),
        ("WILL MEET THEM. WE AGREE", ()),  # all capitals, two words inline: a sentence?
        ("6. (U) Text ends without a signature.", ()),
        ("6. (U) We met the President.", ()),
        ("sources told us the meeting is off. End Comment.", ()),
        ("appendix available upon request. XXXXXXXXXXXX", ()),
        ("", ()),
    ],
)
def test_signed_by(body: str, expected: tuple[str, ...]) -> None:
    assert extract.signed_by(body) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "This record is a partial extract of the original cable. The full text of the original "
            "cable is not available.\n\nUNCLAS",
            True,
        ),
        ("UNCLAS SECTION 01 OF 02 ADANA 0386", False),
    ],
)
def test_is_partial(text: str, expected: bool) -> None:
    assert extract.is_partial(text) is expected


# --------------------------------------------------------------------------- run-on fields


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "SUBJECT: MEETING AT THE VATICAN. REF. STATE 184178 1. (C) TEXT",
            "MEETING AT THE VATICAN.",
        ),
        ("SUBJECT: OUR RESPONSE Refs: A) State 29549 B) Sao Paulo 276", "OUR RESPONSE"),
        ("SUBJECT: LEFT ON THE JOB REF...04 CHENNAI 575", "LEFT ON THE JOB"),
        ("SUBJECT: JAMAHIRIYA-STYLE Q: A) TRIPOLI 199 B) TRIPOLI 200", "JAMAHIRIYA-STYLE"),
        ("SUBJECT: THE DUBAI CRISIS 1.", "THE DUBAI CRISIS"),
        ("SUBJECT: (C) CZECHS SAY NO", "CZECHS SAY NO"),
        ("SUBJECT: (c) TURKISH VIEWS", "TURKISH VIEWS"),
        ("SUBJECT: REFORM OF THE REFERENDUM LAW", "REFORM OF THE REFERENDUM LAW"),
        ("SUBJECT: TALKS WITH A) GROUP", "TALKS WITH A) GROUP"),
    ],
)
def test_subject_stops_where_the_next_field_starts(body: str, expected: str) -> None:
    assert extract.subject(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("TAGS: PREL MX UNCLAS SECTION 01 OF 03 STATE 057530 SENSITIVE", ("PREL", "MX")),
        ("TAGS: ECON BR SAO PAULO 215 05 975", ("ECON", "BR")),
        ("TAGS: PGOV PE RUN-OFF SEEKS ASSISTANCE FROM ABROAD", ("PGOV", "PE")),
        ("TAGS: PHUM, OPRC, IT, HUMAN RIGHTS", ("PHUM", "OPRC", "IT")),
        ("TAGS: KPAO, KMDR, Media Reaction", ("KPAO", "KMDR")),
        ("TAGS: PGOV, IZ, Kurdistan Democratic Party KDP, PREL", ("PGOV", "IZ", "PREL")),
        ("TAGS: Media Reaction", ()),
        ("TAGS: prel, pgov, tu", ("PREL", "PGOV", "TU")),
        ("TAGS: PGOV, ZANU-PF", ("PGOV", "ZANU-PF")),
        (
            "E.O. 12958: N/A EFIN, ECON, EINV, PGOV, CH\n\nSUBJECT: X",
            ("EFIN", "ECON", "EINV", "PGOV", "CH"),
        ),
    ],
)
def test_tags_leave_out_free_text_and_stop_at_run_ons(
    body: str, expected: tuple[str, ...]
) -> None:
    assert extract.tags(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The visit went well. Visit London's Classified Website: http://x.gov/Portal:Unit "
         "ed_Kingdom LEBARON", ("LEBARON",)),
        ("We will report septel.\n\nJONES\n\n...", ("JONES",)),
        ("THE FLEET HARVESTED 6 WHALES THROUGH JANUARY 7. - CLARK", ("CLARK",)),
        ("HE STILL APPEARS TO BE WAVERING. STEIGMAN CONFIDENTIAL", ("STEIGMAN",)),
        ("END OF TEXT.\n\nHELMS\n\nDeclassified/Released US Department of State EO Systematic "
         "Review 30 JUN 2005\n\nNNN", ("HELMS",)),
        ("the government is working on it. Jeffrey\n\n\"Visit Ankara's Classified Web Site at "
         "http://www.intelink.s gov.gov/wiki/Portal:Turkey\"", ("JEFFREY",)),
        (
            "END COMMENT. PETERSON\n\nCONFIDENTIAL\n\n>\n\n2000HANOI00686 - CONFIDENTIAL",
            ("PETERSON",),
        ),
        ("Russian Embassy Alexei Markov and the rest of the delegation Maxim Elovik CLINTON",
         ("CLINTON",)),
        ("This message was cleared by the delegation and all of its members.", ()),
        ("THE REST OF THE TEXT FOLLOWS IN A SECOND PART OF THIS CABLE SO WE STOP HERE", ()),
    ],
)
def test_signer_of_older_closings(body: str, expected: tuple[str, ...]) -> None:
    assert extract.signed_by(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Classified By: Political Counselor Daniel O'Grady for reasons 1.4 (b)", "Daniel O'Grady"),
        ("Classified By: DRC Matthew Goshko, reasons 1.4 (b) and (d)", "Matthew Goshko"),
        ("CLASSIFIED BY: DSCG 05/01 JANUARY 2005, EDITION 1, REASON: 1.4(D)", None),
    ],
)
def test_classified_by_names(body: str, expected: str | None) -> None:
    assert extract.classified_by(body) == expected


def test_signer_search_window_finds_what_a_full_search_finds() -> None:
    """The signer pattern is searched only over the last words of the text: the same first
    match as a search of all of it, on random tails of names, stops and punctuation."""
    import random

    from indexer import extract

    rng = random.Random(7)
    alphabet = ["BUTENIS", "Satterfield", "van Voorst", "END COMMENT", "END TEXT", "GP-1"]
    alphabet += [" ", "\n", ". ", "- ", "/", "http://x.gov/a ", "the", "O'NEILL", ")", ":"]
    matched = 0
    for _ in range(3000):
        tail = "".join(rng.choices(alphabet, k=rng.randint(1, 12))).rstrip()
        window = 0 if "http" in tail else extract._last_words_start(tail, 4)
        full = extract._SIGNER_RE.search(tail)
        fast = extract._SIGNER_RE.search(tail, window)
        assert (full and full.span()) == (fast and fast.span()), tail
        caps = extract._LAST_CAPS_RE.search(tail)
        caps_fast = extract._LAST_CAPS_RE.search(tail, extract._last_words_start(tail, 1))
        assert (caps and caps.span()) == (caps_fast and caps_fast.span()), tail
        matched += full is not None
    assert matched > 300, matched
