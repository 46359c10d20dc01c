"""Station names and reference ids: making, recognising and resolving them in cable text.

A Cablegate reference id (refid) is a 2-digit year, the sending station's name in upper-case
letters with spaces and punctuation removed, and the serial number without leading zeros:
`09BAGHDAD113`, `87NEWDELHI19406`, `08USUNNEWYORK1097`, `09STATE12345`.

This module answers three questions for `indexer.normalize`:

* `station_code`: which station does a post name ("AMEMBASSY NEW DELHI", "SECSTATE WASHDC")
  stand for?
* `derive_refid`: what is a cable's own id, judged from the classification banner at the top
  of its text ("C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113")?
* `parse_references`: which cables does its REF block cite ("A. BAGHDAD 003 B. 2008 BAGHDAD
  4006")?

Multi-word stations ("NEW DELHI", "USUN NEW YORK", "RIO DE JANEIRO") make the text ambiguous,
so known stations come from `stations.txt` (loaded once). An upper-case word that is not in the
list still counts as a station where the context clearly is a reference (after a list marker
such as "A." or after a year), so cables from posts nobody listed still resolve.

These functions only ever produce well-formed ids; malformed ids found in metadata
(`09EFTOLONDON2187`) are kept by the caller, never made here.

Kept in one module (~530 lines): making, recognising and resolving reference ids
share the station list and its spellings; a rule changed in one must hold in the others.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

__all__ = [
    "StationTable",
    "derive_refid",
    "glued_cable_start",
    "make_refid",
    "parse_references",
    "station_code",
    "station_origin",
    "stations",
]

#: Cablegate serials have at most 6 significant digits (STATE 272523); more is some other number.
MAX_SERIAL_DIGITS = 6

#: Words that introduce a post name and are not part of it ("AMEMBASSY BAGHDAD" -> BAGHDAD).
#: "E F T O" (Encrypt For Transmission Only) is a handling caveat that got into a few ids.
_POST_PREFIXES = (
    "FM",
    "FROM",
    "AMEMBASSY",
    "AMEMB",
    "AMCONSUL",
    "AMCONSULATE",
    "AMCON",
    "AMERICAN EMBASSY",
    "AMERICAN CONSULATE",
    "AMERICAN CONSULATE GENERAL",
    "EMBASSY",
    "EMB",
    "CONSULATE GENERAL",
    "CONSULATE",
    "US MISSION",
    "USMISSION",
    "MISSION",
    "US INTERESTS SECTION",
    "USINT",
    "USLO",
    "US OFFICE",
    "USOFFICE",
    "REO",
    "E F T O",
    "EFTO",
)

#: Upper-case words that precede numbers in REF blocks without being stations: months,
#: document series (Foreign Affairs Manual, intelligence reports, airgrams), section words.
_NOT_STATION_WORDS = """
    JAN JANUARY FEB FEBRUARY MAR MARCH APR APRIL MAY JUN JUNE JUL JULY AUG AUGUST SEP SEPT
    SEPTEMBER OCT OCTOBER NOV NOVEMBER DEC DECEMBER MON MONDAY TUE TUES TUESDAY WED WEDNESDAY
    THU THUR THURS THURSDAY FRI FRIDAY SAT SATURDAY SUN SUNDAY
    FAM FAH IIR TD TDX OSC FBIS DTG CA AIRGRAM EMAIL MAIL TELCON MEMCON TELECON LETTER FAX
    NOTE MEMO DIPNOTE SEPTEL REF REFS REFTEL REFTELS REFERENCE PARA PARAS PARAGRAPH PAGE
    SECTION PART ITEM ANNEX TAB NO NR NUMBER ARTICLE ART CHAPTER VOL RES RESOLUTION UNSCR PL
    USC CFR EO FY OPORD FRAGO AND THE FOR OF ON IN AT TO BY NOTAL EXDIS NODIS LIMDIS AS OR
    DATED FROM OUR YOUR ALL SEE PREVIOUS PREV ET AL SBU NOFORN SIPDIS SENSITIVE LOC
    UNCLAS UNCLASSIFIED CONFIDENTIAL SECRET LIMITED OFFICIAL USE ONLY
"""
_NOT_STATIONS = frozenset(_NOT_STATION_WORDS.split())

#: Classification banners, plain or letter-spaced ("C O N F I D E N T I A L").
_CLASSIFICATIONS = (
    "TOP SECRET",
    "SECRET",
    "CONFIDENTIAL",
    "LIMITED OFFICIAL USE",
    "UNCLASSIFIED",
    "UNCLAS",
)
#: Banners sit on one line: spaces only, so that a CSV row or a routing header that ends in a
#: classification ("CONFIDENTIAL" then a new line with "VZCZCXRO5655") is not read as one.
_SP = r"[ \u00a0]"
#: Caveats that can sit between the classification and the station in a banner.
_BANNER_CAVEATS = (
    rf"(?:{_SP}*//?{_SP}*(?:FOR{_SP}+OFFICIAL{_SP}+USE{_SP}+ONLY|[A-Z]+)"
    rf"|{_SP}+NOFORN|{_SP}+SENSITIVE|{_SP}+SBU|{_SP}+E{_SP}?F{_SP}?T{_SP}?O)*"
)
#: "SECTION 01 OF 02", also with the typos real banners have ("SCTION", "ECTION", "01 GF 02").
_SECTION = rf"(?:[A-Z]{{0,3}}CTION{_SP}*\d+{_SP}+[A-Z]{{2}}{_SP}+\d+{_SP}*)"


@dataclass(frozen=True)
class StationTable:
    """The known stations: codes, and every written form (spaced name, alias) -> code."""

    codes: frozenset[str]
    #: upper-case written form with single spaces ("NEW DELHI", "SECSTATE") -> code
    names: dict[str, str]
    #: code -> its spaced name ("NEWDELHI" -> "NEW DELHI")
    spaced: dict[str, str]
    #: code -> the Cablegate "Origin" of its cables ("SAOPAULO" -> "Consulate Sao Paulo")
    origins: dict[str, str]


@functools.cache
def stations() -> StationTable:
    """The station list from `stations.txt`, parsed once."""
    text = resources.files("indexer").joinpath("stations.txt").read_text(encoding="utf-8")
    return _parse_station_lines(text.splitlines())


def _parse_station_lines(lines: list[str]) -> StationTable:
    codes: set[str] = set()
    names: dict[str, str] = {}
    spaced: dict[str, str] = {}
    origins: dict[str, str] = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        code, name = fields[0].strip(), fields[1].strip()
        aliases = [a for a in fields[2].split("|") if a.strip()] if len(fields) > 2 else []
        codes.add(code)
        spaced[code] = name
        origin = fields[3].strip() if len(fields) > 3 else ""
        origins[code] = origin or f"Embassy {name.title()}"
        for form in (code, name, *aliases):
            names.setdefault(_clean_name(form), code)
    return StationTable(frozenset(codes), names, spaced, origins)


def station_origin(code: str) -> str | None:
    """The Cablegate "Origin" of a known station's cables ("MOSCOW" -> "Embassy Moscow",
    "STATE" -> "Secretary of State"); None for a station not in the list."""
    return stations().origins.get(code)


def _clean_name(name: str) -> str:
    """Upper-case, accents dropped, punctuation turned into spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Apostrophes vanish (N'DJAMENA -> NDJAMENA); other punctuation separates words.
    letters = re.sub(r"[^A-Za-z]+", " ", ascii_only.replace("'", "").replace("’", ""))
    return " ".join(letters.upper().split())


def _strip_prefixes(name: str) -> tuple[str, bool]:
    """`name` without post prefixes ("AMEMBASSY", "E F T O"...), and whether any was removed."""
    stripped = False
    changed = True
    while changed:
        changed = False
        for prefix in _POST_PREFIXES:
            if name.startswith(prefix + " "):
                name = name[len(prefix) + 1 :]
                stripped = changed = True
    return name, stripped


def _lookup(name: str) -> str | None:
    """The code of a cleaned name when it is a known station (spaced or compact form)."""
    table = stations()
    if name in table.names:
        return table.names[name]
    compact = name.replace(" ", "")
    if compact in table.codes:
        return compact
    return table.names.get(compact)


def station_code(name: str) -> str | None:
    """The station code of a post name, or None when the name is not a station.

    "NEW DELHI" -> "NEWDELHI", "AMEMBASSY BAGHDAD" -> "BAGHDAD", "SECSTATE WASHDC" -> "STATE",
    "USMISSION GENEVA" -> "GENEVA" (ids are `06GENEVA1673`), "E F T O LONDON" -> "LONDON".
    A name not in the station list is accepted only when a post prefix ("AMEMBASSY",
    "AMCONSUL", ...) says it is a post; its letters then make the code.
    """
    cleaned = _clean_name(name)
    if not cleaned:
        return None
    known = _lookup(cleaned)
    if known:
        return known
    bare, had_prefix = _strip_prefixes(cleaned)
    known = _lookup(bare)
    if known:
        return known
    if had_prefix and _plausible_station(bare):
        return bare.replace(" ", "")
    return None


def _plausible_station(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= 4 and not any(word in _NOT_STATIONS for word in words)


def make_refid(year: int, station: str, serial: str | int) -> str:
    """A well-formed refid: (2009, "BAGHDAD", "000113") -> "09BAGHDAD113".

    `year` may have 2 or 4 digits; `station` may be a code or a spaced name ("NEW DELHI").
    Raises ValueError for anything that would not make a well-formed id.
    """
    if not 0 <= year <= 99 and not 1900 <= year <= 2099:
        raise ValueError(f"not a year: {year}")
    code = "".join(ch for ch in station.upper() if "A" <= ch <= "Z")
    if not code:
        raise ValueError(f"not a station: {station!r}")
    digits = str(serial).strip()
    if not digits.isdigit() or int(digits) == 0:
        raise ValueError(f"not a serial number: {serial!r}")
    return f"{year % 100:02d}{code}{int(digits)}"


# --- REF blocks -------------------------------------------------------------------------


@functools.cache
def _known_names_pattern() -> str:
    """Alternation of every known written form, longest first, spaces as `\\s+`."""
    forms = sorted(stations().names, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(word) for word in form.split()) for form in forms)


#: A year before a station: 4 digits (1950-2039) or 2 digits, not glued to other digits.
_YEAR = r"(?<![\d/.-])(?P<year>19[5-9]\d|20[0-3]\d|\d{2})(?!\d)"


@functools.cache
def _reference_re() -> re.Pattern[str]:
    # Known stations match in any case (sentence-cased releases, "Sao Paulo 1110"); an unknown
    # station must be written in upper case, which is how posts are written in REF lines.
    return re.compile(
        rf"(?:{_YEAR}\s*)?"
        rf"(?<![A-Za-z])(?:(?P<known>{_known_names_pattern()})|(?-i:(?P<unknown>[A-Z]{{3,}})))"
        r"\s*(?P<serial>\d{1,8})"
        # A serial is a whole number: not a DTG (131939Z), a date (1/5/09), a decimal (42.1),
        # a range (08-001) or the start of a longer token.
        r"(?![\dA-Za-z]|[./:-]\d)"
        # ... and not the first of a series of numbers ("IIR 6 847 0129 05").
        r"(?!\s+\d+\s+\d)"
        r"(?:\s*\((?P<late_year>\d{2}|\d{4})\))?",
        re.IGNORECASE,
    )


#: More serials of the same station and year: "BRASILIA 2799 AND 2764", "BUENOS AIRES 496, 407".
_MORE_SERIALS_RE = re.compile(
    r"\s*(?:,|;|&|\bAND\b)\s*(?P<serial>\d{1,8})"
    r"(?![\dA-Za-z]|[./:)-]|\s*(?!(?:AND|and|&)\s+\d)[A-Za-z])",
    re.IGNORECASE,
)

#: What a reference may follow when its station is not a known one: the start of the block,
#: a list marker ("A.", "B)", "(C)", "D:", "1."), or a separator.
_LIST_CONTEXT_RE = re.compile(
    r"(?:^|[\s;,(:])(?:\(?[A-Za-z]{1,2}[.):]|\(?\d{1,2}[.)]|REF[A-Z]*\s*:?)\s*$|[;,]\s*$|^[\s:;,.-]*$"
)

#: Page and section breaks that land inside REF blocks; they carry the *citing* cable's id.
_PAGE_BREAK_RES = (
    # "BAGHDAD 00000113 001.2 OF 002"
    re.compile(r"(?:[A-Za-z]+\s+){1,4}?\d{8}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}", re.IGNORECASE),
    # "CONFIDENTIAL PAGE 02 ROME 01196 01 OF 02 082030Z"
    re.compile(
        r"(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)\s+)?PAGE\s+\d+\s+"
        r"(?:[A-Za-z]+\s+){1,4}?\d+\s+\d+\s+OF\s+\d+(?:\s+\d{6}Z)?",
        re.IGNORECASE,
    ),
    # "SECTION 01 OF 02"
    re.compile(r"SECTION\s+\d+\s+OF\s+\d+", re.IGNORECASE),
)


def parse_references(ref_text: str, year: int | None) -> list[str]:
    """Canonical refids cited by a REF block, in order of appearance, without duplicates.

    `year` is the citing cable's creation year, used for references written without one
    ("BAGHDAD 003" in a 2009 cable is 09BAGHDAD3); references without any year are dropped
    when `year` is None. E-mails, telcons, airgrams ("CA-3400"), intelligence reports
    ("TD-314/00123-09"), dates and paragraph numbers give no id.
    """
    # (some releases mark places as "[LOC HARARE  ] 5346")
    text = ref_text.replace("¶", " ").replace("[LOC ", " ").replace("[", " ").replace("]", " ")
    for page_break in _PAGE_BREAK_RES:
        text = page_break.sub(" ", text)
    found: list[str] = []
    for match in _reference_re().finditer(text):
        station = _reference_station(match, text)
        if station is None:
            continue
        ref_year = _reference_year(match, year)
        if ref_year is None:
            continue
        station = _renamed_station(station, ref_year)
        serials = [match.group("serial")]
        serials += _more_serials(text, match.end())
        for serial in serials:
            refid = _safe_refid(ref_year, station, serial)
            if refid and refid not in found:
                found.append(refid)
    return found


def _reference_station(match: re.Match[str], text: str) -> str | None:
    if match.group("known"):
        return _lookup(_clean_name(match.group("known")))
    word = match.group("unknown")
    # "QIIR": a `Q`-duplicated line start glued to a word that is not a station.
    if word in _NOT_STATIONS or (word.startswith("Q") and word[1:] in _NOT_STATIONS):
        return None
    # Unknown words need a clear reference context: a year before them, or a list marker.
    if match.group("year") or _LIST_CONTEXT_RE.search(text[: match.start()]):
        return _correct_typo(word)
    return None


#: Typos are only corrected in long names, where one wrong letter cannot make another post.
_MIN_TYPO_LENGTH = 6


def _correct_typo(word: str) -> str:
    """The known station one typo away from `word` ("TRIPOLII", "BAGHADAD"), else `word`."""
    if len(word) < _MIN_TYPO_LENGTH:
        return word
    matches = [code for code in stations().codes if _one_edit_apart(word, code)]
    return matches[0] if len(matches) == 1 else word


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns `a` into `b`."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


#: Posts whose station code changed while both written names stayed in use in REF lines:
#: either code -> (code up to and including `last_old_year`, last_old_year, later code).
#: The Iran Regional Presence Office's cables are IRANRPODUBAI up to 2008 (its banner read
#: "IRAN RPO DUBAI") and RPODUBAI after, but REF lines write "RPO DUBAI 0013" in 2007 for
#: 07IRANRPODUBAI13 and "IRAN RPO DUBAI 50" in 2009 for 09RPODUBAI50: the year decides.
_RENAMED: dict[str, tuple[str, int, str]] = {
    code: ("IRANRPODUBAI", 2008, "RPODUBAI") for code in ("IRANRPODUBAI", "RPODUBAI")
}


def _renamed_station(station: str, year: int) -> str:
    if station not in _RENAMED:
        return station
    old_code, last_old_year, new_code = _RENAMED[station]
    return old_code if _full_year(year) <= last_old_year else new_code


def _full_year(year: int) -> int:
    """4-digit year; 2-digit years are 1950-2049 (Cablegate runs from 1966 to 2010)."""
    if year >= 100:
        return year
    return 1900 + year if year >= 50 else 2000 + year


def _reference_year(match: re.Match[str], default: int | None) -> int | None:
    written = match.group("late_year") or match.group("year")
    if written:
        return int(written)
    return default


def _more_serials(text: str, pos: int) -> list[str]:
    serials: list[str] = []
    while more := _MORE_SERIALS_RE.match(text, pos):
        serials.append(more.group("serial"))
        pos = more.end()
    return serials


def _safe_refid(year: int, station: str, serial: str) -> str | None:
    significant = serial.lstrip("0")
    if not significant or len(significant) > MAX_SERIAL_DIGITS:
        return None
    try:
        return make_refid(year, station, serial)
    except ValueError:
        return None


# --- a cable's own id -------------------------------------------------------------------


def _classification_pattern() -> str:
    """Classifications written plainly or letter-spaced ("C O N F I D E N T I A L", "C o n f
    i d e n t i a l", "SE C R E T"). A letter-spaced one may run into the station when a
    space was lost ("C O N F I D E N T I A LCAIRO"); a plain one needs a space after it, or
    "SECRETARY" would match.
    """
    words = "|".join(
        f"{_SP}?".join(letter for letter in word.replace(" ", "")) for word in _CLASSIFICATIONS
    )
    return rf"(?:{words})(?:(?={_SP}|/)|(?<={_SP}[A-Za-z]))"


#: One to five words of a station name, as written in banners and page breaks.
_STATION_WORDS = rf"(?P<station>[A-Z][A-Z'.-]*(?:{_SP}+[A-Z][A-Z'.-]*){{0,4}}?)"


@functools.cache
def _banner_re() -> re.Pattern[str]:
    return re.compile(
        # Two letters before would make it part of a word; one is a stray ("SS E C R E T").
        rf"(?<![A-Za-z]{{2}}){_classification_pattern()}{_BANNER_CAVEATS}"
        rf"{_SP}*{_SECTION}?"
        # Old cables may repeat the year: "CONFIDENTIAL 75 LIBREVILLE 1895".
        rf"(?:\d{{2}}{_SP}+)?{_STATION_WORDS}"
        # The serial may run into the next word when newlines were lost ("000348Sipdis").
        rf"{_SP}*(?P<serial>\d{{1,8}})(?!\d)",
        re.IGNORECASE,
    )


#: Where the banner is missing or garbled: modern page breaks and old teletype page headers.
_PAGE_ID_RES = (
    re.compile(
        rf"(?<![A-Za-z]){_STATION_WORDS}{_SP}+(?P<serial>\d{{8}}){_SP}+\d{{3}}(?:\.\d+)?"
        rf"{_SP}+OF{_SP}+\d{{3}}",
    ),
    re.compile(
        rf"PAGE{_SP}+\d+{_SP}+{_STATION_WORDS}{_SP}+(?P<serial>\d{{3,8}}){_SP}+\d+{_SP}+OF"
        rf"{_SP}+\d+",
    ),
)


def derive_refid(text: str, year: int | None) -> str | None:
    """The cable's own refid from the classification banner at the start of its text.

    "C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113" with year 2009 gives
    "09BAGHDAD113". Falls back on page-break lines ("BAGHDAD 00000113 001.2 OF 002") and old
    page headers ("PAGE 01 HARARE 05461 01 OF 02"). None when `year` is None or no station and
    serial are found.
    """
    if year is None:
        return None
    # Some releases mark places as "[LOC HARARE  ]".
    text = text.replace("[", " ").replace("]", " ")
    unknown: str | None = None
    for pattern in (_banner_re(), *_PAGE_ID_RES):
        for match in pattern.finditer(text):
            station, known = _banner_station(match.group("station"))
            refid = _safe_refid(year, station, match.group("serial")) if station else None
            if refid and known:
                return refid
            # A station nobody listed may be a garbled banner ("03QRIPOLI 000583"): keep it
            # only when no page break names a known one.
            unknown = unknown or refid
    return unknown


def _banner_station(words: str) -> tuple[str | None, bool]:
    """The station of a banner and whether it is a known one.

    The longest known station that ends the words wins ("SENSITIVE BAGHDAD" -> BAGHDAD);
    otherwise all the words make the code.
    """
    cleaned, _ = _strip_prefixes(_clean_name(words))
    if not cleaned:
        return None, False
    parts = cleaned.split()
    for start in range(len(parts)):
        known = _lookup(" ".join(parts[start:]))
        if known:
            return known, True
    if _plausible_station(cleaned):
        return cleaned.replace(" ", ""), False
    return None, False


#: how far after a "..." cut the banner of a glued cable may start (its routing lines between)
_GLUE_WINDOW = 400


def glued_cable_start(text: str, refid: str) -> int | None:
    """Where another cable starts in a text that was cut short, or None.

    Some release pages end a truncated cable ("I ASKED TO ST...") and go on with a different
    cable, banner and all ("S E C R E T THE HAGUE 000174"); its signer, "Classified By" and
    REF are not this cable's. Only the banner of another station a few lines after a "..."
    counts: a cable that quotes another one in full ("QUOTE ... UNQUOTE") is not cut short
    before it, and a text that repeats its own cable names its own station.
    """
    own = re.match(r"\d{2}([A-Z]+?)\d+$", refid)
    # (most texts have no cut at all; `in` finds that faster than the pattern's scan)
    if own is None or ("..." not in text and "\u2026" not in text):
        return None
    cuts = [m.start() for m in _CUT.finditer(text)]
    banner = _banner_re()
    # The cable's own banner, looked for only once a banner after a cut is found: the scan
    # of the whole text is slow, and most cuts have no banner after them. (With no banner
    # in the whole text, none counts: the same answer as looking first.)
    first: re.Match[str] | None = None
    # Only banners a few lines after a cut count, so only those windows are searched (a scan
    # of the whole text for banners was a fifth of the time of parsing a cable).
    seen = -1
    for cut in cuts:
        lo = max(cut, seen + 1)
        for match in banner.finditer(text, lo, min(len(text), cut + _GLUE_WINDOW + _BANNER_MAX)):
            if match.start() > cut + _GLUE_WINDOW:
                break
            seen = match.start()
            if first is None:
                first = banner.search(text)
                if first is None:
                    return None
            if match.start() == first.start():
                continue
            station, _ = _banner_station(match.group("station"))
            if station is None or station == own.group(1):
                continue
            before = text[max(0, match.start() - _GLUE_WINDOW) : match.start()]
            if "..." in before or "\u2026" in before:
                return match.start()
    return None


_CUT = re.compile("\\.\\.\\.|\u2026")
#: longer than any banner (classification, caveats, section, year, station, serial)
_BANNER_MAX = 400
