"""Tests of `indexer.clean`: one table row per cleaning rule, on snippets of real cables.

The test that no real word is ever dropped runs over every real cable in test_normalize.py
(`test_cleaning_never_drops_a_word`), next to the loaders of the real formats.
"""

from __future__ import annotations

import itertools
import re

import pytest

from indexer.clean import NOISE_KINDS, clean_body, is_collapsed

_WHITESPACE_TO_NUL = {c: 0 for c in range(0x3001) if chr(c).isspace()}

CLEAN_CASES = [
    # --- page and section-break markers
    pytest.param(
        "of the camp. ---------- Cooperation BAGHDAD 00000113 002 OF 002 ----------- "
        "5. (C) Rafii said",
        "of the camp.\n\nCooperation\n\n5. (C) Rafii said",
        id="page-marker-mid-line",
    ),
    pytest.param(
        "REF: A. BAKU 1761 \n \nBAKU 00001835  001.2 OF 003 \n \n \nClassified By: Charge Jason "
        "P. Hyland for reasons 1.4 (b) and (d). \n",
        "REF: A. BAKU 1761\n\nClassified By: Charge Jason P. Hyland for reasons 1.4 (b) and (d).",
        id="page-marker-line-dotted-page",
    ),
    pytest.param(
        "UNCLAS PORT AU PRINCE 000408\n\nnegotiations with gang leaders, his focus throughout the "
        "\n\nPORT AU PR 00000408 002 OF 007 \n\n\nsummer of 2006. Due to a lack of results\n",
        "negotiations with gang leaders, his focus throughout the summer of 2006. Due to a lack "
        "of results",
        id="page-marker-truncated-station-joins-sentence",
    ),
    pytest.param(
        "the Brazilian security and law enforcement agencies understand that the BRASILIA "
        "00000043 004 OF 004 full scope of the problem",
        "the Brazilian security and law enforcement agencies understand that the full scope of "
        "the problem",
        id="page-marker-keeps-words-before-station",
    ),
    pytest.param(
        "REF: HARARE 5346  CONFIDENTIAL\nPAGE 02 HARARE 05461 01 OF 02 271458Z\n\nCLASSIFIED BY "
        "DCM EARL IRVING. REASONS: 1.5 (B) AND (D).\n",
        "REF: HARARE 5346\n\nCLASSIFIED BY DCM EARL IRVING. REASONS: 1.5 (B) AND (D).",
        id="old-page-line",
    ),
    pytest.param(
        "FRANCK GELLET, FRENCH DAS-EQUIVALENT FOR THE PAGE 02 RUEHFRA2440\n"
        "C O N F I D E N T I A L PARIS 002440\n\nPERSIAN GULF, SHARED HIS VIEWS",
        "FRANCK GELLET, FRENCH DAS-EQUIVALENT FOR THE PERSIAN GULF, SHARED HIS VIEWS",
        id="old-page-line-with-routing-indicator",
    ),
    # --- Q-duplicates
    pytest.param(
        "trying to convince him to change his mind. When he refused, however, Qconvince him to "
        "change his mind. When he refused, however, they offered to drive him to Irbil",
        "trying to convince him to change his mind. When he refused, however, they offered to "
        "drive him to Irbil",
        id="q-duplicate-one-line",
    ),
    pytest.param(
        "Bolivia \n------- \n\n¶9. (C) Stokvis said that the Dutch give 42 million euros \n"
        "Q9. (C) Stokvis said that the Dutch give 42 million euros \nannually toward Bolivian "
        "development.\n",
        "Bolivia\n\n9. (C) Stokvis said that the Dutch give 42 million euros annually toward "
        "Bolivian development.",
        id="q-duplicate-paragraph-line",
    ),
    pytest.param(
        "an effect.  Hadas noted that Qatar could only get its \nhumanitarian relief supplies",
        "an effect. Hadas noted that Qatar could only get its humanitarian relief supplies",
        id="q-word-qatar-untouched",
    ),
    pytest.param(
        "Q: Why wait until the new government? Q: Will waiting help?",
        "Q: Why wait until the new government? Q: Will waiting help?",
        id="q-question-untouched",
    ),
    # --- pilcrows, HTML, SIPDIS, end markers
    pytest.param(
        "REF: A. ANKARA 6543      ¶B. ANKARA 6251",
        "REF: A. ANKARA 6543\n\nB. ANKARA 6251",
        id="pilcrow-collapsed",
    ),
    pytest.param(
        "TAGS: <a href='../../../tag/PGOV_0.html'>PGOV</a> <a href='../../../tag/PINR_0.html'>"
        "PINR</a>\nSUBJECT: AT&amp;T IN <a id='par1' href='#par1'>¶</a>IRAQ",
        "TAGS: PGOV PINR\n\nSUBJECT: AT&T IN\n\nIRAQ",
        id="html-remnants",
    ),
    pytest.param(
        "C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113 SIPDIS DEPARTMENT FOR NEA/I "
        "AND NEA/IR",
        "DEPARTMENT FOR NEA/I AND NEA/IR",
        id="banner-section-station-sipdis-collapsed",
    ),
    pytest.param(
        "S E C R E T CAIRO 003126SIPDISSIPDISE.O. 12958: DECL: 10/24/2017",
        "E.O. 12958: DECL: 10/24/2017",
        id="sipdis-glued-twice",
    ),
    pytest.param(
        "C o n f i d e n t i a l section 01 of 04 ankara 000348SipdisE.o. 12958: decl: 01/07/2014",
        "E.o. 12958: decl: 01/07/2014",
        id="sentence-cased-banner",
    ),
    pytest.param(
        "CONFIDENTIAL SECTION 01 OF 08 NEW DELHI 005135 \n \nSIPDIS \n \nSTATE FOR INR/B \n",
        "STATE FOR INR/B",
        id="plain-banner",
    ),
    pytest.param(
        "UNCLAS E F T O TRIPOLI 000704\n\nSENSITIVE NOFORN SIPDIS\n\nDEPT FOR NEA/MAG",
        "SENSITIVE NOFORN\n\nDEPT FOR NEA/MAG",
        id="banner-with-efto",
    ),
    pytest.param(
        "MEETING.\n\nSECRET POLICE OFFICERS IN 2009 WERE PAID\n",
        "MEETING.\n\nSECRET POLICE OFFICERS IN 2009 WERE PAID",
        id="secret-word-in-prose-kept",
    ),
    pytest.param(
        "GUARDIANS OF THE FAITH.\n\nHELMS\n\nNNNN\n",
        "GUARDIANS OF THE FAITH.\n\nHELMS",
        id="end-marker",
    ),
    pytest.param(
        "EXIT FOR MUGABE. MCDONALD CONFIDENTIAL > 2000HARARE05461 - Classification: CONFIDENTIAL",
        "EXIT FOR MUGABE. MCDONALD",
        id="release-footer",
    ),
    pytest.param(
        "6. (U) Baghdad minimize considered. SEMBLER NNNN 2005ROME01593 - Classification: SECRET",
        "6. (U) Baghdad minimize considered. SEMBLER",
        id="release-footer-after-end-marker",
    ),
    # --- paragraphs
    pytest.param(
        "TAGS: PREL PGOV TU POLITICAL PARTIESSUBJECT: NO SPLITS IN TURKEY'S GOVERNING AKP",
        "TAGS: PREL PGOV TU POLITICAL PARTIES\n\nSUBJECT: NO SPLITS IN TURKEY'S GOVERNING AKP",
        id="glued-keyword",
    ),
    pytest.param(
        "E.O. 12958: N/A TAGS: AMGT\n\nSUBJECT: UK COUNTRY CLEARANCE IS GRANTED REF: SECDEF "
        "R162245Z OCT 08\n",
        "E.O. 12958: N/A\n\nTAGS: AMGT\n\nSUBJECT: UK COUNTRY CLEARANCE IS GRANTED\n\nREF: SECDEF "
        "R162245Z OCT 08",
        id="keywords-on-one-line",
    ),
    pytest.param(
        "E.o. 12958: decl: 01/07/2014 Tags: prel, pgov, pins, tu Subject: turkish p.m. "
        "Erdogan goes to washington\n",
        "E.o. 12958: decl: 01/07/2014\n\nTags: prel, pgov, pins, tu\n\nSubject: turkish p.m. "
        "Erdogan goes to washington",
        id="sentence-cased-keywords-on-one-line",
    ),
    pytest.param(
        "SUBJECT: GOAJ INCREASINGLY CONCERNED ABOUT USG POLICY \nTOWARD IRAN - ACTION REQUEST \n"
        " \nREF: A. BAKU 1761 \n",
        "SUBJECT: GOAJ INCREASINGLY CONCERNED ABOUT USG POLICY TOWARD IRAN - ACTION REQUEST\n\n"
        "REF: A. BAKU 1761",
        id="wrapped-lines-joined",
    ),
    pytest.param(
        "E.O. 12958: DECL: 07/11/2016 \nTAGS: PREL PGOV PTER PINR IN\nSUBJECT: INDIA'S NATIONAL "
        "SECURITY ADVISORY BOARD: ADVISING \nTHE ADVISORS \n",
        "E.O. 12958: DECL: 07/11/2016\n\nTAGS: PREL PGOV PTER PINR IN\n\nSUBJECT: INDIA'S "
        "NATIONAL SECURITY ADVISORY BOARD: ADVISING THE ADVISORS",
        id="keyword-lines-start-paragraphs",
    ),
    pytest.param(
        "Classified By: Acting Pol-Mil Counselor Philip Kosnett for reasons 1.4 (b) and (d). "
        "1. (C) SUMMARY: A defector from Camp Ashraf says so. END SUMMARY. 2. (C) The MeK is "
        "a U.S. designated foreign terrorist organization. It operates as a personality cult "
        "centered on Iranian dissidents Massoud and Maryam Rajavi. The 3,400 residents of Camp "
        "Ashraf live communally, supported by light manufacturing and donations from abroad. "
        "They claim to have turned over all their arms to U.S. forces in 2003. 3. (C) On "
        "January 13, Ashraf resident Maky Rafii, 34, left the camp.",
        "Classified By: Acting Pol-Mil Counselor Philip Kosnett for reasons 1.4 (b) and (d).\n\n"
        "1. (C) SUMMARY: A defector from Camp Ashraf says so. END SUMMARY.\n\n2. (C) The MeK is "
        "a U.S. designated foreign terrorist organization. It operates as a personality cult "
        "centered on Iranian dissidents Massoud and Maryam Rajavi. The 3,400 residents of Camp "
        "Ashraf live communally, supported by light manufacturing and donations from abroad. "
        "They claim to have turned over all their arms to U.S. forces in 2003.\n\n3. (C) On "
        "January 13, Ashraf resident Maky Rafii, 34, left the camp.",
        id="numbered-paragraphs-collapsed",
    ),
    pytest.param(
        "a demarche asking the Grand Hyatt, per E.O. 13224, where the money came from. " * 6,
        (
            "a demarche asking the Grand Hyatt, per E.O. 13224, where the money came from. " * 6
        ).strip(),
        id="eo-in-prose-not-a-paragraph",
    ),
    pytest.param(
        "SUMMARY\n------- \n\n¶1. (C) ACCORDING TO A SENIOR MDC ADVISOR",
        "SUMMARY\n\n1. (C) ACCORDING TO A SENIOR MDC ADVISOR",
        id="underlined-heading",
    ),
    pytest.param(
        "--------------------------------------------- ---- \nCopy from the National Archives "
        "\n--------------------------------------------- ---- \n",
        "Copy from the National Archives",
        id="rules-around-text",
    ),
    pytest.param(
        "\r\nline one\r\ncontinues here\r\n\r\n-- a bullet\r\n-- another\r\n",
        "line one continues here\n\n-- a bullet\n\n-- another",
        id="crlf-and-bullets",
    ),
    pytest.param("", "", id="empty"),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES)
def test_clean_body(raw: str, expected: str) -> None:
    assert clean_body(raw).text == expected


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES)
def test_removed_pieces_account_for_every_character(raw: str, expected: str) -> None:
    cleaned = clean_body(raw, trace=True)
    assert_all_accounted(raw, cleaned)


def assert_all_accounted(raw: str, cleaned: object) -> None:
    """Every non-space character of `raw` is in the body or in a removal of a noise kind,
    and every removal really is that kind of noise."""
    from indexer.clean import CleanText

    assert isinstance(cleaned, CleanText)
    kept = {i for i in cleaned.origin if i >= 0}
    assert len(cleaned.origin) == len("".join(cleaned.text.split()))
    removed: set[int] = set()
    for piece in cleaned.removed:
        assert piece.kind in NOISE_KINDS
        assert is_noise(piece.kind, piece.text, cleaned.text), (piece.kind, piece.text)
        removed.update(i for i in piece.origin if i >= 0)
    # the original's non-space characters (a byte mask keeps this fast on the whole corpus)
    mask = raw.translate(_WHITESPACE_TO_NUL).encode("latin-1", errors="replace")
    lost = sorted(set(itertools.compress(range(len(raw)), mask)) - kept - removed)
    assert not lost, "".join(raw[i] for i in lost)
    # the body keeps its characters in their original order
    order = [i for i in cleaned.origin if i >= 0]
    assert order == sorted(order)


_NOISE_PATTERNS = {
    "html": r"</?[a-zA-Z][^<>]*>|&#?[0-9a-zA-Z]+;",
    "pilcrow": r"¶",
    "sipdis": r"(?i:sipdis)+",
    "end-marker": r"NNNN|=+\s*CABLE ENDS\s*=+",
    "rule": r"[-_=* ]+",
    "partial-note": r"This record is a partial extract of the original cable\.\s+The full text "
    r"of the original cable is not available\.",
    "page-marker": r"(?:[A-Za-z.'-]+\s+){0,4}\d{8}\s+\d{3}(?:\.\d+)?\s+(?i:OF)\s+\d{3}"
    r"|(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s+(?:PTQ\d+\s+)?)?PAGE\s+\d{2,3}\s+.{0,30}?"
    r"(?:\d{6}Z|R[A-Z]{3,6}\d{4})",
    # classification word, caveats, "SECTION nn OF nn", station and serial; or a footer
    "banner": r"(?i:(?:c ?){0,2}o n f i d e n t i a l|(?:s ?){0,2}e c r e t"
    r"|u ?n c l a s s i f i e d"
    r"|(?-i:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE))"
    r"(?:[\s/]*(?:NOFORN|E F T O|EFTO|SENSITIVE|SBU))*(?i:\s+SECTION\s+\d+\s+OF\s+\d+)?"
    r"(?:\s+[A-Za-z]+(?:\s[A-Za-z]+){0,3}\s+\d{3,6})?"
    r"|(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s*>\s*)?"
    r"(?:\d{4}[A-Z]+\d+\s*-\s*Clas\W*sification:\s*[A-Z/ ]+)?[\s\"]*",
}


def is_noise(kind: str, text: str, body: str) -> bool:
    text = " ".join(text.split())
    if kind == "q-duplicate":
        # "Q" + a repeat of text that is still in the body just before it
        squeezed = re.sub(r"\s+", "", text[1:])
        return text.startswith("Q") and squeezed in re.sub(r"\s+", "", body)
    return bool(re.fullmatch(_NOISE_PATTERNS[kind], text, re.DOTALL))


def test_trace_on_example_accounts_for_everything() -> None:
    from conftest import EXAMPLE

    body = EXAMPLE.read_text(encoding="utf-8").splitlines()[5]
    cleaned = clean_body(body, trace=True)
    assert_all_accounted(body, cleaned)
    kinds = [r.kind for r in cleaned.removed]
    assert kinds.count("q-duplicate") == 1
    assert kinds.count("page-marker") == 1
    assert "BAGHDAD 00000113 002 OF 002" not in cleaned.text


@pytest.mark.parametrize(
    ("text", "collapsed"),
    [
        ("x" * 900, True),
        ("line\n" * 200, False),
        ("one paragraph per line " * 30 + "\n" + "another " * 40, True),
    ],
)
def test_is_collapsed(text: str, collapsed: bool) -> None:
    assert is_collapsed(text) is collapsed


def test_fast_scans_agree_with_the_plain_patterns() -> None:
    """A dotted capital I (which `str.lower`/`upper` do not map letter for letter) makes every
    step use its plain IGNORECASE pattern instead of the fast lower/upper-case scans: the
    body must come out the same."""
    from conftest import EXAMPLE

    from indexer import extract
    from indexer.clean import lower_exact

    body = EXAMPLE.read_text(encoding="utf-8").splitlines()[5]
    assert lower_exact(body) is not None and lower_exact(body + " \u0130") is None
    fast = clean_body(body).text
    slow = clean_body(body + " \u0130").text
    assert "SIPDIS" not in fast and "00000113 002 OF 002" not in fast
    assert slow == fast + " \u0130"
    for field in (extract.subject, extract.summary, extract.classified_by):
        assert field(fast) is not None
        assert field(fast) == field(fast + " \u0130"), field.__name__


def test_prefilters_never_skip_a_match() -> None:
    """The C-speed checks that stand in for regex scans find everything the patterns find:
    random texts of rule characters, spaces, newlines and banner words."""
    import random

    from indexer import clean

    rng = random.Random(3)
    alphabet = ["-", "_", "=", "*", " ", "\n", "\n\n\n", "A", "x", "- - -", "é"]
    alphabet += ["SECRET", "UNCLAS", "ECRET", "CONFIDENTIAL", "LIMITED OFFICIAL USE"]
    alphabet += [" SECTION 01 OF 02", "S E C R E T", "C O N F I D E N T I A L"]
    # page markers, also in other cases and with a digit of another script ("\u0662")
    alphabet += ["BAGHDAD 00000113", " 002 OF 002", " Of 00\u0662", "7", " \t"]
    rules = banners = markers = 0
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
        found_rules = [m.span() for m in clean._rule_matches(text)]
        assert found_rules == [m.span() for m in clean._RULE_RE.finditer(text)], text
        rules += bool(found_rules)
        found = [m.span() for m in clean._banner_line_matches(text)]
        assert found == [m.span() for m in clean.BANNER_LINE_RE.finditer(text)], text
        banners += bool(found)
        assert clean._collapse_blank_lines(text) == re.sub(r"\n{3,}", "\n\n", text)
        found = [m.span() for m in clean._page_marker_matches(text)]
        assert found == [m.span() for m in clean._PAGE_MARKER_CORE_RE.finditer(text)], text
        markers += bool(found)
    # the patterns did match, often
    assert rules > 20 and banners > 20 and markers > 20, (rules, banners, markers)


def test_keyword_prefilter_finds_every_keyword() -> None:
    """`_marked_keyword_starts` (a faster stand-in for `_keyword_starts` in texts without
    long lines) holds every place where a glued or always-breaking keyword matches."""
    import random

    from indexer import clean

    rng = random.Random(5)
    alphabet = ["SUBJECT", "Subject", "SUBJ", "TAGS", "Tags", "REF", "REFS", "REFTEL", ":"]
    alphabet += [" ", "\t", "\n", "E", ".", "O", "o", "12958", "13292", "1", "x", "BY", "By"]
    alphabet += ["CLASSIFIED", "Classified", "EO", "E.O. 12958"]
    found = 0
    for _ in range(3000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 10)))
        starts = set(clean._marked_keyword_starts(text))
        for pattern in (clean._GLUED_KEYWORD_RE, clean._ALWAYS_KEYWORD_RE):
            for i in range(len(text)):
                if pattern.match(text, i):
                    found += 1
                    assert i in starts, (text, i, pattern.pattern)
    assert found > 500, found
