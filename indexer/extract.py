"""Field extraction: the values a cable states about itself, from its header and cleaned body.

The routing header (ACP-127: "VZCZC...", "P 151648Z JAN 09", "FM AMEMBASSY BAGHDAD",
"TO RUEHC/SECSTATE WASHDC PRIORITY 1244", "INFO ...") gives the date-time group, the origin and
the addressees. The body (after `indexer.clean.clean_body`, one paragraph per line) gives the
classification banner, E.O./DECL, TAGS, SUBJECT, REF, "Classified By", the summary and the
signer. Every function here is total: it returns None / an empty tuple when the cable does not
say, and never guesses a value it cannot read (a wrong field is worse than a missing one).

Kept in one module (~1,000 lines): the fields are read from one header and one cleaned
body, and each field's rules know where the others end (a SUBJECT stops at the REF that
follows it, TAGS at the SUBJECT); the extractors share those boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

from .clean import (
    BANNER_LINE_RE,
    BANNER_WINDOW,
    PARTIAL_NOTE,
    SPACED_BANNER,
    find_all,
    lower_exact,
    normalize_space,
)
from .references import station_code

# --------------------------------------------------------------------------- fast search


# An IGNORECASE pattern with no fixed first letter is tried at every position of the text;
# finding its first word in the lower-cased text with `str.find` and trying it only there
# gives the same matches many times faster.
def _search_at_word(pattern: re.Pattern[str], text: str, word: str) -> re.Match[str] | None:
    """`pattern.search(text)`, for a pattern whose matches all start with `word` (ASCII
    letters, lower case) in any case."""
    low = lower_exact(text)
    if low is None:
        return pattern.search(text)
    for i in find_all(low, word.encode()):
        m = pattern.match(text, i)
        if m is not None:
            return m
    return None


def _finditer_at_word(
    pattern: re.Pattern[str], text: str, word: str, endpos: int
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text, 0, endpos)`, for a pattern like `_search_at_word`'s."""
    low = lower_exact(text)
    if low is None:
        yield from pattern.finditer(text, 0, endpos)
        return
    pos = 0
    for i in find_all(low, word.encode()):
        if i >= endpos:
            return
        if i < pos:
            continue
        m = pattern.match(text, i, endpos)
        if m is not None:
            yield m
            pos = m.end()


# --------------------------------------------------------------------------- header

MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
#: date-time group: day, hour, minute, "Z", month, 2-digit year ("151648Z JAN 09")
DTG_RE = re.compile(
    r"(?<![0-9])(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})Z[ \t]+"
    r"(?P<month>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*[ \t]+"
    r"(?P<year>\d{2})(?![0-9])",
    re.IGNORECASE,
)
#: the start of a routing header written at the top of a text
_HEADER_START_RE = re.compile(
    r"\s*(?:VZCZC|[A-Z]{1,2}(?:[ \t]+[A-Z]{1,2})?[ \t]+\d{6}Z[ \t]+[A-Z]{3}[ \t]+\d{2}\b)"
)
_FM_RE = re.compile(r"(?:^|\s)FM[ \t]+(?P<origin>[^\n]+?)(?=[ \t]+TO[ \t]|[ \t]*\n|[ \t]*$)")
_TO_RE = re.compile(r"(?:^|\s)TO[ \t]+")
_INFO_RE = re.compile(r"(?:^|\s)INFO[ \t]+")
#: routing indicators before an addressee ("RUEHC/", "RHMFISS/", "ZEN/")
_ROUTING_PREFIX_RE = re.compile(r"^(?:[A-Z0-9]{3,8}/)+")
_ROUTING_SPLIT_RE = re.compile(r"\s+(?=[A-Z]{4,8}/[A-Z])")
#: precedence and channel serial after an addressee ("PRIORITY 1244", "IMMEDIATE", "3078")
_PRECEDENCE_RE = re.compile(
    r"(?:\s+(?:NIACT\s+)?(?:FLASH|IMMEDIATE|IMMED|PRIORITY|PRIORIT|ROUTINE))?(?:\s+\d{1,5})?\s*$",
    re.IGNORECASE,
)
_HEADER_END_RE = re.compile(
    # The spaced banner may be glued to the last addressee ("MIAMI FLC O N F I D E N T I A L").
    rf"(?:(?i:{SPACED_BANNER})|(?m:^)[ \t]*(?:UNCLAS|CONFIDENTIAL|SECRET|"
    r"LIMITED OFFICIAL USE)\b|\n[ \t]*\n)"
)


def _fm_line(header: str) -> re.Match[str] | None:
    """The FM line, which follows the date-time group (prose may say "FM" for a minister)."""
    dtg = DTG_RE.search(header)
    return _FM_RE.search(header, dtg.end() if dtg else 0)


def split_header(text: str) -> tuple[str | None, str]:
    """(routing header, rest) when `text` starts with a header, else (None, text).

    The header runs from "VZCZC..." (or the precedence + DTG line) to the classification
    banner (which some dumps glue to the last addressee: "MIAMI FLC O N F I D E N T I A L") or
    the first blank line after the FM line.
    """
    if not _HEADER_START_RE.match(text) or not DTG_RE.search(text, 0, 2000):
        return None, text
    fm = _fm_line(text[:5000])
    if fm is None:
        return None, text
    end = _HEADER_END_RE.search(text, fm.end())
    cut = end.start() if end else len(text)
    return text[:cut], text[cut:]


def normalize_header(header: str) -> str:
    """The header with each line whitespace-normalized and blank lines dropped."""
    lines = (normalize_space(line) for line in header.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def parse_dtg(text: str) -> tuple[datetime, str] | None:
    """The first date-time group in `text` as a UTC datetime, with the DTG as written."""
    for m in DTG_RE.finditer(text):
        yy = int(m.group("year"))
        # Cablegate spans 1966-2010: two-digit years from 50 on are 19xx.
        year = 1900 + yy if yy >= 50 else 2000 + yy
        try:
            when = datetime(
                year,
                MONTHS[m.group("month").upper()[:3]],
                int(m.group("day")),
                int(m.group("hour")),
                int(m.group("minute")),
                tzinfo=UTC,
            )
        except ValueError:
            continue
        return when, normalize_space(m.group(0)).upper()
    return None


_FULL_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
#: the date line some releases put at the top of the body ("Tuesday, 03 July 2001, 12:03")
_DATE_LINE_RE = re.compile(
    r"\s*(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+(?P<day>\d{1,2})\s+"
    r"(?P<month>[A-Za-z]+)\s+(?P<year>\d{4}),\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*\n"
)


def parse_date_line(text: str) -> tuple[datetime, str] | None:
    """The date line at the very top of some bodies, which carries the cable's real time."""
    m = _DATE_LINE_RE.match(text)
    if m is None or m.group("month").lower() not in _FULL_MONTHS:
        return None
    try:
        when = datetime(
            int(m.group("year")),
            _FULL_MONTHS[m.group("month").lower()],
            int(m.group("day")),
            int(m.group("hour")),
            int(m.group("minute")),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return when, normalize_space(m.group(0))


#: FM lines whose Cablegate "Origin" is not "Embassy X" / "Consulate X"
ORIGIN_NAMES = {
    "SECSTATE WASHDC": "Secretary of State",
    "SECSTATE WASHINGTON DC": "Secretary of State",
    "USMISSION USUN NEW YORK": "USUN New York",
    "USUN NEW YORK": "USUN New York",
    "USMISSION USNATO": "Mission USNATO",
    "USNATO": "Mission USNATO",
    "USMISSION USOSCE": "Mission USOSCE",
    "USMISSION GENEVA": "US Mission Geneva",
    "USMISSION UNVIE VIENNA": "UNVIE",
    "UNVIE VIENNA": "UNVIE",
    "USEU BRUSSELS": "USEU Brussels",
    "USINT HAVANA": "US Interests Section Havana",
    "AIT TAIPEI": "American Institute Taiwan, Taipei",
    "IRAN RPO DUBAI": "Iran RPO Dubai",
    "RPO DUBAI": "Iran RPO Dubai",
    "USDEL SECRETARY": "US Delegation, Secretary",
    "USOFFICE PRISTINA": "US Office Pristina",
    "USMISSION UNESCO PARIS": "Mission UNESCO",
    "USUN ROME": "UN Rome",
}
_POST_PREFIXES = {
    "AMEMBASSY": "Embassy",
    "AMCONSUL": "Consulate",
    "AMCONSULATE": "Consulate",
    "AMCONGEN": "Consulate",
    "REO": "REO",
}


def origin_from_header(header: str) -> str | None:
    """The Cablegate "Origin" spelling of the header's FM line ("Embassy Baghdad")."""
    m = _fm_line(header)
    if m is None:
        return None
    name = normalize_space(re.split(r"//|\(", m.group("origin"))[0]).upper()
    name = _PRECEDENCE_RE.sub("", name)
    if name in ORIGIN_NAMES:
        return ORIGIN_NAMES[name]
    first, _, rest = name.partition(" ")
    if first in _POST_PREFIXES and re.fullmatch(r"[A-Z][A-Z .'-]*", rest):
        return f"{_POST_PREFIXES[first]} {rest.title()}"
    return None


def _split_addressees(part: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in part.split("\n"):
        for item in _ROUTING_SPLIT_RE.split(line.strip()):
            name = _PRECEDENCE_RE.sub("", _ROUTING_PREFIX_RE.sub("", item.strip()))
            name = normalize_space(name)
            if name and name not in out:
                out.append(name)
    return tuple(out)


def addressees(header: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(recipients, info): the TO and INFO addressees of a header, as written, minus routing
    indicators ("RUEHC/") and precedence ("PRIORITY 1244")."""
    header = normalize_header(header)
    fm = _fm_line(header)
    if fm is None:
        return (), ()
    to = _TO_RE.search(header, fm.end())
    if to is None:
        return (), ()
    info = _INFO_RE.search(header, to.end())
    to_part = header[to.end() : info.start() if info else len(header)]
    info_part = header[info.end() :] if info else ""
    return _split_addressees(to_part), _split_addressees(info_part)


# --------------------------------------------------------------------------- classification

CLASSIFICATIONS = (
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "CONFIDENTIAL",
    "CONFIDENTIAL//NOFORN",
    "SECRET",
    "SECRET//NOFORN",
)
_FOUO_RE = re.compile(r"LIMITED OFFICIAL USE|SENSITIVE|\bSBU\b|FOR OFFICIAL USE ONLY|\bFOUO\b")
_NOFORN_RE = re.compile(r"NOFORN|\bNF\b|NO FOREIGN")


def _unspace(value: str) -> str:
    """ "C O N F I D E N T I A L" -> "CONFIDENTIAL" (only letter-space-letter runs)."""
    return re.sub(r"\b(?:[A-Za-z] ){3,}[A-Za-z]\b", lambda m: m.group(0).replace(" ", ""), value)


def normalize_classification(value: str) -> str | None:
    """One of `CLASSIFICATIONS` for a classification as written, or None if it is not one."""
    up = normalize_space(_unspace(value)).upper()
    # (a banner may have lost its first letter: "O N F I D E N T I A L")
    if re.search(r"\bS{0,2}ECRET\b", up):
        base = "SECRET"
    elif re.search(r"\bC{0,2}ONFIDENTIAL\b", up):
        base = "CONFIDENTIAL"
    elif _FOUO_RE.search(up):
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    elif re.search(r"\bU?NCLAS", up):
        return "UNCLASSIFIED"
    else:
        return None
    return f"{base}//NOFORN" if _NOFORN_RE.search(up) else base


#: where the caveats of the banner ("NOFORN", "SENSITIVE") may be written: before E.O./TAGS
_CAVEAT_AREA_RE = re.compile(r"\b(?:E\.?\s?O\.?\s*\d{5}|TAGS\b|SUBJECT\b)", re.IGNORECASE)


def classification_from_text(text: str) -> str | None:
    """The classification stated by the banner at the top of a raw cable text."""
    for m in BANNER_LINE_RE.finditer(text, 0, BANNER_WINDOW):
        word = m.group("word")
        if " " not in word.strip() and not (m.group("section") or m.group("station")):
            continue
        area_end = _CAVEAT_AREA_RE.search(text, m.end())
        area = text[m.start() : area_end.start() if area_end else m.end() + 200]
        # Caveats follow the banner before E.O./TAGS, often on lines of their own
        # ("SIPDIS\n\nNOFORN", "SIPDIS SENSITIVE"); only the capitalized words count.
        caveats = " ".join(re.findall(r"\b(?:NOFORN|SENSITIVE|NO FOREIGN DISSEM)\b", area))
        # "CC O N F I D E N T I A L": a doubled first letter is a typo of the banner.
        return normalize_classification(f"{word.replace(' ', '')} {m.group('caveat')} {caveats}")
    return None


# --------------------------------------------------------------------------- body fields

_STOP_WORDS = r"SUBJECT|SUBJ|TAGS|REF|REFS|REFTEL"
#: (the keyword may be written twice: "SUBJECT: SUBJECT: DEPUTY NSA ...")
_SUBJECT_RE = re.compile(
    r"^(?:(?:SUBJECT|SUBJ)\b[ \t]*(?::|-{1,2}|\.)[ \t]*(?:\n\n(?=SUBJ))?)+(?P<value>.*)$",
    re.I | re.M,
)
_SUBJECT_STOP_RE = re.compile(
    # "... VATICAN. REF. STATE 184178", "... RESPONSE Refs: A) State 29549", "THE JOB REF...04"
    r"\s(?:REF|REFS|REFTEL|Ref|Refs|Ref\(s\)|REF\(S\))\s?:|\s(?:REF|REFS|Ref|Refs)(?:\.{1,3}|\s(?=\(?A[.)]))\s?"
    # the handling note of a one-line body ("... IN CAIRO Sensitive but Unclassified. Please")
    r"|\s(?:(?i:this\s+(?:cable|message)\s+is)\s+)?(?i:sensitive,?\s+but\s+unclassified)(?=\s*[.,;-]|\s+(?i:please))"
    # a lettered list after a garbled keyword: "... JAMAHIRIYA-STYLE Q: A) TRIPOLI 199"
    r"|\s\S{1,4}:\s+\(?A[.)]\s"
    r"|\s\(?A\)\s+(?:\d{2,4}\s+)?[A-Z][A-Za-z]+(?:\s[A-Za-z]+){0,3}\s\d{1,6}\b|(?i:classified\s+by)\b|\bE\.\s?O\.\s?\d{5}|\bTAGS:"
    r"|\((?:U|C|S|SBU|LOU|S/NF|C/NF|S//NF|C//NF|U//FOUO|S/REL)\)|\s\d{1,2}\.\s+\(|(?i:\bsipdis\b)"
)


def subject(body: str) -> str | None:
    """The SUBJECT line ("SUBJECT:", "SUBJ:", "SUBJECT -"), continued lines joined."""
    m = _search_at_word(_SUBJECT_RE, body, "subj")
    if m is None:
        return None
    value = m.group("value")
    stop = _SUBJECT_STOP_RE.search(value, 1)
    if stop:
        value = value[: stop.start()]
    value = normalize_space(value)
    # the portion marking before it ("(C) CZECH GOVERNMENT ...") and the number of the
    # paragraph that follows on a one-line body ("... DUBAI CRISIS 1.")
    value = _SUBJECT_MARKING_RE.sub("", value)
    value = re.sub(r"\s+\d{1,2}\.$", "", value)
    return value or None


_SUBJECT_MARKING_RE = re.compile(
    r"^\((?:U|C|S|SBU|LOU|S/NF|C/NF|S//NF|C//NF|U//FOUO|FOUO)\)\s*", re.IGNORECASE
)


_TAGS_RE = re.compile(r"^TAGS\b[ \t]*:?[ \t]*(?P<value>.*)$", re.I | re.M)
_TAG_TOKEN_RE = re.compile(r"^[A-Z0-9][A-Z0-9&/_.-]*$")


def tags(body: str) -> tuple[str, ...]:
    """The TAGS codes, upper-cased, in order, without duplicates.

    Free text written among the codes ("Human Rights", "India-Nepal", "ECON Development",
    "MEDIA REACTION", the person after "OVIP") is left out: it is no tag, and its words would
    flood the TAGS facet. A line that runs on into the banner or the subject ends there. A
    body without the TAGS keyword still has tags where the E.O. line carries the codes
    ("E.O. 12958: N/A EFIN, ECON, CH").
    """
    m = _search_at_word(_TAGS_RE, body, "tags")
    value = m.group("value") if m else None
    if value is None:
        eo = _EO_TAGS_RE.search(body)
        if eo is None:
            return ()
        value = eo.group("value")
    # "OVIP (CLINTON, HILLARY) PREL": the person a visit code is about
    value = re.sub(r"\([^()]*\)", " ", value)
    # a sentence-cased release writes the codes in lower case ("Tags: prel, pgov, tu")
    lower = not any(c.isupper() for c in value)
    elements = [e.split() for e in re.split(r"[,;]", value)]
    out: list[str] = []
    for element in elements:
        if _add_tag_words(element, out, lower):
            break
    return tuple(out)


_EO_TAGS_RE = re.compile(
    r"^E\.?\s?O\.?\s?\d{5}\s*:?\s*(?:N/A|DECL\s*:?\s*\S+)\s+"
    r"(?P<value>[A-Z]{2,6}(?:\s*,\s*[A-Z]{2,6})+)\s*$",
    re.M,
)
#: words that end a TAGS line run into the banner or the subject
_TAGS_END_TEXT = "UNCLAS UNCLASSIFIED CONFIDENTIAL SECRET SENSITIVE SECTION NOFORN SIPDIS"
_TAGS_END_WORDS = frozenset(_TAGS_END_TEXT.split())
#: a code is short; free text has long words ("HUMAN RIGHTS", "RUN-OFF SEEKS ASSISTANCE")
_LONG_WORD = 5


def _is_long(word: str) -> bool:
    return len(word.strip(".:")) >= _LONG_WORD


def _add_tag_words(words: list[str], out: list[str], lower: bool) -> bool:
    """Add the codes of one comma-separated element of a TAGS line to `out`; True when the
    line ends in this element (a keyword, the banner, or free text running on)."""
    i = 0
    while i < len(words):
        tok = words[i].strip(".:")
        up = tok.upper()
        if _ends_tags(words, i):
            return True
        if not lower and any(c.islower() for c in tok):
            # "Kurdistan Democratic Party KDP", "ECON Development", "... AE Terrorism": free
            # text from here to the end of the element
            return any(_ends_tags(words, j) for j in range(i, len(words)))
        if re.fullmatch(r"\d+", tok) and out:
            return True
        if up == "OVIP":
            # the visitor's name follows (written "OVIP (RICE, CONDOLEEZZA)" when kept apart)
            j = i + 1
            while j < len(words) and j <= i + 2 and _is_long(words[j]):
                j += 1
            _add(up, out)
            i = j
            continue
        if _is_long(tok) and i + 1 < len(words) and _is_long(words[i + 1]):
            # free text: two long words in a row. The codes may go on after it ("PGOV
            # PHALANAGE PARTY PINR PREL"), but free text that runs on ends the line.
            j = i
            while j < len(words) and _is_long(words[j]):
                j += 1
            rest = words[j:]
            if any(_is_long(w) or w.upper() in _ENGLISH_WORDS for w in rest):
                return True
            i = j
            continue
        _add(up, out)
        i += 1
    return False


#: short English words that show a TAGS line has run on into a sentence
_ENGLISH_TEXT = """
    A AN THE AND OR OF TO IN ON AT BY FOR FROM WITH OVER INTO OUT BUT NOT IS ARE WAS BE
    WILL SAID SAYS HAS HAVE NEW NO ITS HIS HER AS UP
"""
_ENGLISH_WORDS = frozenset(_ENGLISH_TEXT.split())


def _add(code: str, out: list[str]) -> None:
    if code and _TAG_TOKEN_RE.match(code) and code not in out:
        out.append(code)


def _ends_tags(words: list[str], i: int) -> bool:
    """True when the TAGS line ends at words[i]: a keyword, a banner word, or the banner's
    station and serial ("BR SAO PAULO 215 05 975")."""
    up = words[i].strip(".:").upper()
    if re.fullmatch(_STOP_WORDS, up) or up in _TAGS_END_WORDS:
        return True
    at = re.match(r"((?:[A-Z][A-Z.'-]*\s){1,3})\d{2,6}\b", " ".join(words[i : i + 4]))
    return bool(at and station_code(at.group(1)))


_REF_RE = re.compile(
    r"^(?:REF|REFS|REFTEL|REFTELS)\b(?:\(S\))?[ \t]*[:.]?[ \t]*(?P<value>.*)$", re.I | re.M
)
_REF_ITEM_RE = re.compile(r"^(?:[A-Z][.)]|\([A-Za-z]\))\s?")
#: a REF keyword inside a line, where a one-line body or a line run into the next put it
#: ("... TAGS: KIPR BR IPR Refs: A) 2003 Sao Paulo 2199", "... VATICAN. REF. STATE 184178")
_INLINE_REF_RE = re.compile(
    r"(?<=\s)(?:REF|REFS|REFTEL|REFTELS|Ref|Refs|Reftel|Ref\(s\)|REF\(S\))"
    r"(?:[ \t]?:|\.{1,3}(?=[ \t]?[A-Z0-9(])|[ \t]+(?=\(?A[.)]))[ \t]*(?P<value>[^\n]*)"
)
#: where a REF block that runs on in its line ends: the first numbered paragraph, the
#: "Classified By" line, the summary, the handling note
_REF_END_RE = re.compile(
    r"\s\d{1,2}\.\s?(?=\((?:U|C|S|SBU|LOU|[CS]/NF|[A-Z]{1,3}//?[A-Z]{1,5})\)|[A-Z][a-z]+\s+[a-z])|(?i:\bclassified\s+by\b)|\bE\.\s?O\.\s?\d{5}"
    r"|(?<![A-Za-z])(?:SUMMARY|Summary)\s*[:.]|(?i:\bsensitive,?\s+but\s+unclassified\b)"
)
#: how far into the body an inline REF keyword may sit (it comes before the text)
_INLINE_REF_WINDOW = 2500


def reference_block(body: str) -> str | None:
    """The text of the REF block (without the "REF:" keyword), lettered items included,
    also when the keyword sits inside a line; None when the cable has no REF block."""
    m = _search_at_word(_REF_RE, body, "ref")
    value: str | None = None
    if m is not None:
        value = m.group("value")
    else:
        head = body[:_INLINE_REF_WINDOW]
        first_para = re.search(r"(?m)^\d{1,2}\.\s", head)
        inline = _INLINE_REF_RE.search(head, 0, first_para.start() if first_para else len(head))
        if inline is None:
            return None
        m = inline
        value = inline.group("value")
    parts = [value]
    rest = body[m.end() :].split("\n\n")
    for para in rest[1:] if rest and not rest[0].strip() else rest:
        para = para.strip()
        if not _REF_ITEM_RE.match(para) or len(para) > 300:
            break
        parts.append(para)
    joined = normalize_space(" ".join(parts))
    end = _REF_END_RE.search(joined)
    if end is not None:
        joined = joined[: end.start()].strip()
    return joined or None


_CLASSIFIED_BY_RE = re.compile(r"classified\s+by\s*:?\s*(?P<value>[^\n]*)", re.IGNORECASE)
#: where the name part of "Classified By" ends: the reasons, the E.O., a colon or semicolon
_REASON_RE = re.compile(
    r"(?i:\bfor\b\s*(?:r|\d|$)|\bbased\s+(?:up)?on\b|\breasons?\b|\breason\b|\bunder\s+(?:e\.?\s?o|sec(?:tion|\.)|1\.)"
    r"|\bper\s+(?:1\.|e\.?\s?o|sec|reasons?|$)"
    r"|\.\s+re\s?a|\be\.\s?o\.|\b1\.[4-6]\b)|[;:\\(]"
)
#: words of a job title, not of a name (compared lower-case, final "." dropped)
TITLE_WORDS = frozenset(
    [
        "a/dcm",
        "a/polcouns",
        "acting",
        "affairs",
        "alternate",
        "amb",
        "ambassador",
        "assistant",
        "attache",
        "attaché",
        "cda",
        "charge",
        "chargé",
        "chargé",
        "d'affaires",
        "d'affaires",
        "dcm",
        "defense",
        "deputy",
        "chief",
        "director",
        "econ",
        "econcouns",
        "economic",
        "econoff",
        "embassy",
        "consul",
        "consular",
        "general",
        "counselor",
        "counsellor",
        "couns",
        "head",
        "mission",
        "minister",
        "minister-counselor",
        "officer",
        "pol",
        "polcouns",
        "polcounselor",
        "pol-mil",
        "polmil",
        "poloff",
        "political",
        "political/economic",
        "principal",
        "public",
        "diplomacy",
        "regional",
        "representative",
        "section",
        "senior",
        "special",
        "coordinator",
        "of",
        "the",
        "and",
        "for",
        "to",
        "a.i.",
        "ai",
        "ad",
        "interim",
        "interim",
        "leader",
        "team",
        "prt",
        "mil",
        "military",
        "management",
        "secretary",
        "under",
        "permanent",
        "consulate",
        "office",
        "u.s.",
        "us",
        "usun",
        "usnato",
        "usoscce",
        "affairs/",
        "economics",
        "politics",
        "deputy/chief",
        "pao",
        "rso",
        "lega",
        "attache/",
        "mgmt",
        "ds",
        "dos",
        "pol/econ",
        "polecon",
        "polec",
        "polecouns",
        "econpol",
        "acting/dcm",
        "ambassador's",
        "chief/political",
        "affaires",
        "d'",
        "d’",
        "d’affaires",
        "minster",
        "councelor",
        "counsel",
        "officer-in-charge",
        "classified",
        "by",
        "cg",
        "chg",
        "das",
        "com",
        "eap",
        "isn",
        "m-c",
        "adviser",
        "advisor",
        "ambasador",
        "polmincouns",
        "polmincons",
        "polmin",
        "econmincouns",
        "charge'",
        "chargé'",
        "per",
        "a/s",
        "dep",
        "cons",
    ]
)
_NAME_TOKEN_RE = re.compile(
    r"^(?:[A-Z][A-Za-z'’-]*\.?|[A-Z]\.(?:[A-Z][A-Za-z'’-]+)?|(?:van|von|de|der|den|da|del|al-\w+|bin|le|la))$"
)
#: a user name rather than a name ("RBlau", "TLManlowe")
_USERNAME_RE = re.compile(r"^[A-Z]{2,}[a-z]")
#: "Surname, Given, Title, DOS, Office" (the layout of later cables)
_AGENCIES = frozenset({"DOS", "STATE", "DOD", "USAID", "DHS", "DOJ", "FBI", "CIA"})


def _title_case_name(name: str) -> str:
    """Capitalized words ("JEFFREY", "MCCORMICK") in title case, so one person is one value."""

    def fix(word: str) -> str:
        if not word.isupper() or len(word.rstrip(".")) < 3:
            return word
        return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), word.title())

    return " ".join(fix(w) for w in name.split())


def _name_in(segment: str) -> str | None:
    tokens = segment.split()
    # In mixed-case text an all-capital token is an office or title ("EAP DAS David Shear").
    mixed = not segment.isupper()
    run: list[str] = []
    for tok in reversed(tokens):
        word = tok.rstrip(".,:").lower()
        bare = tok.rstrip(".")
        acronym = mixed and 1 < len(bare) <= 4 and bare.isupper()
        if word in TITLE_WORDS or acronym or not _NAME_TOKEN_RE.match(tok):
            break
        run.insert(0, tok)
    while run and _USERNAME_RE.match(run[0]):
        run.pop(0)
    # "DRC MATTHEW GOSHKO": an office written in the capitals of the name (no vowel, so
    # no given name)
    first = run[0] if run else ""
    if len(run) >= 3 and 2 <= len(first) <= 4 and not re.search(r"[AEIOUYaeiouy.]", first):
        run.pop(0)
    if not run or (len(run) == 1 and not _is_surname(run[0])):
        return None
    titled = len(run) < len(tokens)
    if len(run) > 4 or (len(run) == 1 and not titled):
        return None
    return _title_case_name(" ".join(run).rstrip(".,"))


def classified_by(body: str) -> str | None:
    """The person who classified the cable: the NAME only, without the job title.

    "Classified By: Acting Pol-Mil Counselor Philip Kosnett for reasons 1.4 (b) and (d)" gives
    "Philip Kosnett"; "CLASSIFIED BY DCM JAMES F. JEFFREY FOR REASONS: 1.5" gives "James F.
    Jeffrey" (all-capital names are title-cased so that both spellings are one facet value).
    The name is what users search by; titles change with every posting. None when no person
    is named ("Classified By: Charge d'Affaires, for reasons ...").
    """
    m = _search_at_word(_CLASSIFIED_BY_RE, body, "classified")
    if m is None:
        return None
    # "CHG: James L Williams": a title before a colon
    value = re.sub(r"^\s*[A-Za-z/'.]{1,12}:\s*", "", m.group("value"))
    # Apostrophes written as commas or backquotes ("Daniel O,Grady", "O`Grady", the
    # Cablegate text's "President,s"), and typographic ones, as one apostrophe.
    value = re.sub(r"(?<![A-Za-z])([A-Z]|[Dd])[,`’](?=[A-Z][a-z])", r"\1'", value)
    value = value.replace("’", "'")
    cut = _REASON_RE.search(value)
    if cut:
        value = value[: cut.start()]
    segments = [seg.strip(" -–.") for seg in value.split(",")]
    segments = [seg for seg in segments if seg]
    if not segments:
        return None
    first = _name_in(segments[0])
    if first:
        return first
    # "Martinez, Vilma, Ambassador, DOS, EXEC" / "Stephenson, Ambassador": surname first.
    if len(segments) >= 2 and _is_surname(segments[0]) and any(map(_is_title, segments[1:])):
        given = segments[1]
        if _is_surname(given) and given.upper() not in _AGENCIES:
            return _title_case_name(f"{given} {segments[0]}")
        return _title_case_name(segments[0])
    for segment in segments[1:]:
        name = _name_in(segment)
        if name:
            return name
    return None


def _is_surname(token: str) -> bool:
    return (
        bool(_NAME_TOKEN_RE.match(token))
        and token.lower() not in TITLE_WORDS
        and len(token.rstrip(".")) > 2
        and not _USERNAME_RE.match(token)
    )


def _is_title(segment: str) -> bool:
    word = segment.split()[0].lower() if segment.split() else ""
    return word in TITLE_WORDS or segment.upper() in _AGENCIES


_DECL_RE = re.compile(
    r"\bE\.?\s?O\.?\s*\d{5}\s*:?\s*(?:DECL(?:ASSIFY)?\b\s*:?\s*)?(?P<value>[^\n]*)",
    re.IGNORECASE,
)


def declassify(body: str) -> str | None:
    """The declassification instruction of the E.O. line: an ISO date when it is one date
    ("DECL: 01/14/2018" -> "2018-01-14"), else the raw value ("OADR", "N/A", ...)."""
    m = _DECL_RE.search(body)
    if m is None:
        return None
    value = re.split(r"\s+TAGS\b", m.group("value"), maxsplit=1, flags=re.I)[0]
    value = normalize_space(value).rstrip(".,;")
    if not value:
        return None
    return _iso_date(value) or value


def _iso_date(value: str) -> str | None:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", value)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value)
        if not m:
            return None
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if year < 100:
        year += 1900 if year >= 50 else 2000
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_END_SUMMARY_RE = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY\b", re.IGNORECASE)
_SUMMARY_START_RE = re.compile(
    r"(?<![A-Za-z])(?<!END )(?<!END  )SUMMARY\b(?:\s+AND\s+COMMENT\b)?\s*[:.\-]*", re.IGNORECASE
)


def summary(body: str) -> str | None:
    """The text between "SUMMARY:" and "END SUMMARY" (None when the cable has no such pair)."""
    end = _search_at_word(_END_SUMMARY_RE, body, "end")
    if end is None:
        return None
    starts = list(_finditer_at_word(_SUMMARY_START_RE, body, "summary", end.start()))
    starts = [m for m in starts if not _END_SUMMARY_RE.match(body, max(0, m.start() - 8))]
    if not starts:
        return None
    text = body[starts[-1].end() : end.start()].strip()
    # the number and marking of the paragraph it starts ("SUMMARY\n\n1. (C) ACCORDING ...")
    text = re.sub(r"^\d{1,2}\.\s*", "", text)
    text = re.sub(r"^\((?:U|C|S|SBU|LOU|[A-Z]{1,2}/[A-Z]{1,4}|[A-Z]//[A-Z]{1,4})\)\s*", "", text)
    text = "\n\n".join(normalize_space(p) for p in text.split("\n\n") if p.strip())
    return text.strip(" -") or None


#: words that end bodies but are not signatures
_NOT_SIGNERS = frozenset(
    [
        "END",
        "COMMENT",
        "NOTE",
        "SUMMARY",
        "UNQUOTE",
        "QUOTE",
        "STATE",
        "SIPDIS",
        "NNNN",
        "BT",
        "FYI",
        "THANKS",
        "CONFIDENTIAL",
        "SECRET",
        "UNCLASSIFIED",
        "NOFORN",
        "UNCLAS",
        "LIMITED",
        "OFFICIAL",
        "USE",
        "DECL",
        "DECLASSIFIED",
        "ACTION",
        "INFO",
        "TEXT",
        "MESSAGE",
        "SENSITIVE",
        "PARA",
        "PARAS",
        "REF",
        "REFTEL",
        "XXXXXXXXXXXX",
        "AND",
        "THE",
        "OF",
        "FOR",
        "TO",
        "OK",
        "YES",
        "NO",
        "SBU",
        "REPEAT",
        "RPT",
        "ENDS",
        "ALL",
        "CLASSIFIED",
        "BY",
        "SEPTEL",
        "PLEASE",
        "ADVISE",
        "REGARDS",
        "THANK",
        "YOU",
        "COMMENTS",
        "NOTES",
        "SUMMARY",
        "BEGIN",
        "TEXT",
        "CONSIDERED",
        "MINIMIZE",
        "GREETINGS",
        "ADVISE",
        "CLEARED",
        "DRAFTED",
        "APPROVED",
        "NNN",
        "TRANS",
    ]
)
_SIGNER_RE = re.compile(
    r"(?:^|(?<=[.!?)\"'”\]:])\s+(?:-\s+)?|\n|(?<=END COMMENT)\.?\s+|(?<=END TEXT)\.?\s+"
    r"|https?://\S+\s+(?:/\s+)?|(?<![A-Za-z])GP-\d\s+)"
    r"(?P<names>[A-Z][A-Z'-]+(?:[ /][A-Z][A-Z'-]+){0,2}"
    # A surname in its own case ("Satterfield", "van Voorst", "LeBaron", "Thompson-Jones"),
    # not followed by a full stop (a sentence would end with one).
    r"|(?:(?:[Vv]an|[Vv]on|[Dd]e|[Dd]el|[Dd]a|[Aa]l|[Ll]a)[ ])?[A-Z][a-z]*[A-Z]?[a-z]+"
    r"(?:-[A-Z][a-z]+)?)$"
)


def signed_by(body: str) -> tuple[str, ...]:
    """The signer at the end of the body ("BUTENIS"), as upper-case names; () when unsure.

    Only the last line (or the end of the last sentence of a collapsed body) counts: one to
    three capitalized words, or one surname in its own case ("Satterfield"), after a sentence
    end, a URL or "END COMMENT", and not followed by a full stop. In all-capital text, where a
    short last sentence cannot be told from a name, only one word on its own line or a single
    word counts.
    """
    tail = _without_trailer(body)[-300:]
    # (the pattern is tried at every position: only where the text ends as it can end)
    if tail.endswith((".", "\\", ".\n", "\\\n")):
        tail = _TAIL_DOTS_RE.sub("", tail)
    tail = tail.rstrip()
    found = _signer_in(tail)
    if found:
        return found
    # "... Portal:Unit ed_Kingdom LEBARON", "... Maxim Elovik CLINTON": in mixed-case text a
    # last word in capitals is the signature even where no sentence ends before it.
    m = _LAST_CAPS_RE.search(tail, _last_words_start(tail, 1))
    if m is None or m.group(1) in _NOT_SIGNERS or set(m.group(1)) <= {"X"}:
        return ()
    before = tail[: m.start(1)]
    previous = before.split()[-1] if before.split() else ""
    if re.fullmatch(r"[A-Z][A-Z'-]+", previous) and set(previous) != {"X"}:
        return ()
    last_para = before[before.rfind("\n") + 1 :]
    letters = [c for c in last_para if c.isalpha() and c not in "Xx"]
    if len(letters) < 20 or sum(map(str.isupper, letters)) > 0.5 * len(letters):
        return ()
    return (m.group(1),)


#: the last word of a body when it is one capitalized name ("CLINTON", "O'NEILL"), not
#: the end of a sentence in capitals ("END COMMENT AND GUIDANCE REQUES")
_LAST_CAPS_RE = re.compile(r"(?<![A-Za-z'-])([A-Z][A-Z'-]{2,})$")
#: full stops and backslashes left at the end of a body
_TAIL_DOTS_RE = re.compile(r"(?:\s+\.|\s*\\)+$")
#: a name after the URL of a "Visit ... Website" line ("... /p/nea/amman Beecroft")
_LINE_END_NAME_RE = re.compile(r"\s(?:/\s+)?[A-Z][A-Za-z'-]+$")
#: end-of-body lines that come after the signature: classification lines, "NNN", "...",
#: declassification stamps, "Visit ... Classified Website" lines, id footers
_TRAILER_RE = re.compile(
    r"(?:\s|^)(?:\.{2,}|>|NNNN?|(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)"
    r"(?:\s*//\s*NOFORN)?|\d{4}[A-Z]+\d+\s*-\s*[A-Z]+|Declassified/Released[^\n]*"
    r"|\"?(?:Please\s+)?Visit\s[^\n]*(?:Web\s?site|Web\s+Site)[^\n]*|You can also access[^\n]*"
    r"|[^\n]{0,30}@[^\n]{0,30}|SELECT \* FROM [^\n]*)\s*$"
)


def _without_trailer(body: str) -> str:
    """The body without the lines that may follow its signature (see `_TRAILER_RE`)."""
    text = body.rstrip()
    while True:
        m = _TRAILER_RE.search(text, max(0, len(text) - 400))
        # a trailer stands on its own line, or is a classification word after the name
        if m is None or not m.group(0).strip():
            return text
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        line_start = text.rfind("\n", 0, start) + 1
        on_own_line = not text[line_start:start].strip()
        word = m.group(0).strip()
        if not on_own_line and not re.fullmatch(r"[A-Z /]+|NNNN?|\.{2,}|SELECT .*", word):
            return text
        # "Visit Amman's Classified Website at http://... Beecroft": the name ends the line
        if word.startswith(("Visit", '"Visit', "Please")) and _LINE_END_NAME_RE.search(word):
            return text
        text = text[:start].rstrip()


def _last_words_start(text: str, n: int) -> int:
    """Where the last `n` words of `text` (apart by whitespace) and the whitespace before
    them start, or 0 when it has no more words than these."""
    parts = text.rsplit(None, n)
    return len(parts[0]) if len(parts) > n else 0


def _signer_in(tail: str) -> tuple[str, ...]:
    # A match ends the text and holds at most four of its words (three names and "-",
    # "GP-1" or "COMMENT.") with the whitespace before them, or a URL: the pattern, which
    # has no fixed first letter, is tried only there.
    m = _SIGNER_RE.search(tail, 0 if "http" in tail else _last_words_start(tail, 4))
    # "END COMMENT DELL": the match may start too early; try again after each stop word.
    while m is not None and m.group("names").split()[0].upper() in _NOT_SIGNERS:
        m = _SIGNER_RE.search(tail, m.start("names") + len(m.group("names").split()[0]))
    if m is None:
        return ()
    names = m.group("names")
    words = re.split(r"[ /]", names.upper())
    if any(w in _NOT_SIGNERS or len(w) < 2 for w in words) or set("".join(words)) <= {"X"}:
        return ()
    before = tail[: m.start("names")]
    own_line = before.rstrip(" ").endswith("\n") or not before.strip()
    last_para = before[before.rfind("\n") + 1 :]
    letters = list(filter(str.isalpha, last_para))
    mostly_upper = bool(letters) and sum(map(str.isupper, letters)) > 0.8 * len(letters)
    if names.isupper() and mostly_upper and not own_line and (len(words) > 1 or len(names) < 3):
        return ()
    out: list[str] = []
    for name in names.upper().split("/"):
        # "BOYCE BOYCE": the signature line printed twice
        name = " ".join(dict.fromkeys(name.split()))
        if name and name not in out:
            out.append(name)
    return tuple(out)


def is_partial(text: str) -> bool:
    # (the note's words are in the text as written: most texts need no normalizing)
    return text.find("partial", 0, 400) != -1 and _PARTIAL_NOTE in normalize_space(text[:400])


_PARTIAL_NOTE = normalize_space(PARTIAL_NOTE)
