"""Cable body cleaning: take the cable's own noise out of its text and restore paragraphs.

Readers undo the file format; what is left is the noise of the cable itself and of the way
it was released: page and section-break markers ("BAGHDAD 00000113 002 OF 002", "PAGE 02
HARARE 05461 01 OF 02 271458Z"), the classification banner ("C O N F I D E N T I A L"),
`SIPDIS` captions, pilcrows and leftover HTML, "NNNN" end markers and the `Q`-duplicated
fragments of the Cablegate text. `clean_body` removes these and lays the text out again as
paragraphs separated by one blank line, one paragraph per line, also for sources that
collapsed the whole body onto one line.

Cleaning must never drop a real word. Every edit therefore goes through `_Text`, which keeps,
for each character of the current text, its index in the original text; `CleanText` reports
every removed piece with its kind and original positions, so a test can prove that every
character of the original is either in the body or in a removal of a known noise kind.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# --------------------------------------------------------------------------- records

#: kinds of removed noise (the `kind` of `Removed`)
NOISE_KINDS = (
    "html",  # HTML tags and entities left by a format
    "pilcrow",  # the ¶ paragraph links of the Cablegate pages
    "q-duplicate",  # "Q" + a repeat of the text just before it
    "page-marker",  # "BAGHDAD 00000113 002 OF 002", "PAGE 02 HARARE 05461 01 OF 02 271458Z"
    "banner",  # classification banner ("C O N F I D E N T I A L SECTION 01 OF 02 ...")
    "sipdis",  # the SIPDIS distribution caption
    "end-marker",  # "NNNN" end of message
    "rule",  # runs of dashes/underscores/equal signs drawn as rules under headings
    "partial-note",  # "This record is a partial extract of the original cable. ..."
)


@dataclass(frozen=True)
class Removed:
    """One removed piece of noise: its text (as it was when removed) and original positions."""

    kind: str
    text: str
    #: index in the original text of every character of `text` (-1: inserted by cleaning)
    origin: tuple[int, ...]


@dataclass(frozen=True)
class CleanText:
    """A cleaned body and an exact account of what cleaning took out."""

    text: str
    removed: tuple[Removed, ...]
    #: with `trace`: the index in the original text of each non-space character of `text`,
    #: in order (-1: a character put in by cleaning, such as a decoded entity)
    origin: tuple[int, ...]

    def removed_kinds(self) -> set[str]:
        return {r.kind for r in self.removed}


# --------------------------------------------------------------------------- position-keeping text

#: an edit of the current text: (start, end, replacement); replacement is normally whitespace
Edit = tuple[int, int, str]


def _apply_edits(s: str, edits: Iterable[Edit]) -> str:
    out: list[str] = []
    last = 0
    for start, end, repl in sorted(edits):
        if start < last:  # overlapping edits: the first one wins
            continue
        out.append(s[last:start])
        out.append(repl)
        last = end
    out.append(s[last:])
    return "".join(out)


class _Text:
    """A string that can remember where each of its characters came from in the original."""

    def __init__(self, text: str, trace: bool) -> None:
        self.s = text
        self.trace = trace
        self.pos: list[int] = list(range(len(text))) if trace else []
        self.removed: list[Removed] = []

    def apply(self, edits: Iterable[Edit], kind: str) -> None:
        """Replace non-overlapping spans (any order); the replaced text is recorded as `kind`."""
        edits = sorted(edits)
        if not edits:
            return
        if not self.trace:
            for start, end, _ in edits:
                self.removed.append(Removed(kind, self.s[start:end], ()))
            self.s = _apply_edits(self.s, edits)
            return
        out: list[str] = []
        pos: list[int] = []
        last = 0
        for start, end, repl in edits:
            if start < last:
                continue
            out.append(self.s[last:start])
            pos.extend(self.pos[last:start])
            if end > start:
                self.removed.append(Removed(kind, self.s[start:end], tuple(self.pos[start:end])))
            out.append(repl)
            pos.extend([-1] * len(repl))
            last = end
        out.append(self.s[last:])
        pos.extend(self.pos[last:])
        self.s = "".join(out)
        self.pos = pos

    def sub(
        self, pattern: re.Pattern[str], kind: str, repl: str | Callable[[re.Match[str]], str]
    ) -> None:
        edits = [
            (m.start(), m.end(), repl if isinstance(repl, str) else repl(m))
            for m in pattern.finditer(self.s)
            if m.end() > m.start()
        ]
        self.apply(edits, kind)


#: every whitespace character, mapped to NUL (see `_nonspace_origins`)
_WHITESPACE_TO_NUL = {c: 0 for c in range(0x3001) if chr(c).isspace()}


def _nonspace_origins(text: str, pos: list[int]) -> tuple[int, ...]:
    """The origins of the non-space characters of `text`: a whitespace-only re-layout keeps
    exactly these, in this order, so they are also the origins of the laid-out body's."""
    # (a byte mask keeps this in C: 1-4 s less over the whole corpus than a Python loop)
    mask = text.translate(_WHITESPACE_TO_NUL).encode("latin-1", errors="replace")
    return tuple(itertools.compress(pos, mask))


# --------------------------------------------------------------------------- noise patterns

_HTML_TAG_RE = re.compile(
    r"</?(?:a|code|pre|br|p|b|i|u|em|strong|span|div|font|tt|hr)\b[^<>]*>", re.IGNORECASE
)
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")

#: spaced-out classification words: only ever a banner, never prose
#: (the first letter may be doubled or lost: "CC O N F I D E N T I A L", "O N F I D E N T I A L")
SPACED_BANNER = (
    r"(?:(?:C\ ?){0,2}O\ N\ F\ I\ D\ E\ N\ T\ I\ A\ L|(?:S\ ?){0,2}E\ C\ R\ E\ T"
    r"|(?:U\ ?)?N\ C\ L\ A\ S\ S\ I\ F\ I\ E\ D)"
)
#: a classification word as a banner can start with
BANNER_WORD = (
    SPACED_BANNER + r"|(?-i:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED\ OFFICIAL\ USE)"
)
# Spaced out, it is a banner even when glued to the words around it ("LCAIRO 000079").
# (the leading look-ahead is only there to make the scan fast)
_SPACED_BANNER_RE = re.compile(rf"(?=[CSUONE][ CSONEC])(?:{SPACED_BANNER})", re.IGNORECASE)

#: the banner line at the top of a body: classification word(s), caveats, "SECTION nn OF nn",
#: the station and serial ("C O N F I D E N T I A L SECTION 01 OF 02 BAGHDAD 000113")
BANNER_LINE_RE = re.compile(
    rf"""(?=[CSULONE][ CSONEI])(?P<banner>(?<![A-Za-z])(?P<word>{BANNER_WORD})(?![A-Za-z]))
    (?P<caveat>(?:[ \t]*(?://|/)?[ \t]*
        (?:NOFORN|NO\ FOREIGN\ DISSEM|E\ F\ T\ O|EFTO|SENSITIVE|SBU))*)
    (?P<section>[ \t]+SECTION[ \t]+\d{{1,2}}[ \t]+OF[ \t]+\d{{1,2}})?
    (?P<station>[ \t]+[A-Z][A-Za-z]*(?:[ \t][A-Z][A-Za-z]*){{0,3}}[ \t]+\d{{3,6}}(?![\d/.]))?""",
    re.VERBOSE | re.IGNORECASE,
)
#: how far into a body the top banner may sit (after a date line, a partial-extract note ...)
BANNER_WINDOW = 1500

_PAGE_MARKER_CORE_RE = re.compile(
    r"(?<!\d)\d{8}[ \t]+\d{3}(?:\.\d{1,2})?[ \t]+OF[ \t]+\d{3}(?!\d)", re.I
)
_STATION_WORD_RE = re.compile(r"(?:(?<=\s)|^)([A-Za-z][A-Za-z.'-]*)[ \t]+$")
#: "PAGE 02 HARARE 05461 01 OF 02 271458Z", with the classification line printed before it
_OLD_PAGE_RE = re.compile(
    r"(?=[UCSLP][NOEIA])"
    r"(?:(?<![A-Za-z])(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)\s+"
    r"(?:PTQ\d+\s+)?)?"
    r"(?<![A-Za-z])PAGE[ \t]+\d{2,3}[ \t]+(?:\[LOC[ \t]+)?[A-Z][A-Z ]{0,12}?[ \t]*\]?[ \t]+"
    r"\d{4,6}[ \t]+(?:\d{2}[ \t]+OF[ \t]+\d{2}[ \t]+)?\d{6}Z(?![A-Za-z0-9])"
)
#: "PAGE 02 RUEHFRA2440": the page header of teletype copies, with the routing indicator
_RI_PAGE_RE = re.compile(r"(?<![A-Za-z])PAGE[ \t]+\d{2,3}[ \t]+R[A-Z]{3,6}\d{4}(?![A-Za-z0-9])")
_SIPDIS_RE = re.compile(r"(?<![A-Za-z])(?:(?i:sipdis))+(?![a-z])")
_END_MARKER_RE = re.compile(r"(?<![A-Za-z])NNNN(?![A-Za-z])|=+[ \t]*CABLE ENDS[ \t]*=+")
_RULE_RE = re.compile(r"(?<![^\s])(?:[-_=*]{3,}|(?:- ){3,}-)(?![^\s])")
PARTIAL_NOTE = (
    "This record is a partial extract of the original cable. "
    "The full text of the original cable is not available."
)
_PARTIAL_RE = re.compile(re.escape(PARTIAL_NOTE).replace(r"\ ", r"\s+"))

# A Q-duplicate repeats at least this many non-space characters of the text before the Q;
# real words starting with Q (Qatar, Qom, QF) never repeat that much by chance.
Q_MIN_OVERLAP = 20
Q_WINDOW = 600
_Q_RE = re.compile(r"(?<![A-Za-z0-9])Q")

# --------------------------------------------------------------------------- layout patterns

#: section keywords that start their own paragraph
#: section keywords that start their own paragraph at a line start. Case matters: a wrapped
#: line may well begin with "summary of", "comment on" or "subject to".
KEYWORD_START = (
    r"(?:(?:SUBJECT|SUBJ|Subject)[ \t]*[:.-]|(?:TAGS|Tags)\b|(?:REF|REFS|REFTEL|Ref)[ \t]*:"
    r"|E\.[ \t]?[Oo]\.[ \t]?\d{5}|EO[ \t]+\d{5}|(?:CLASSIFIED|Classified)[ \t]+(?:BY|By|by)\b"
    r"|(?:END[ \t]+)?(?:SUMMARY|COMMENT)[ \t]*(?:[:.]|$)|(?:Summary|Comment)[ \t]*:)"
)
_LINE_STARTER_RE = re.compile(rf"^[ \t]*(?:{KEYWORD_START}|--?[ \t]|\d{{1,2}}\.[ \t])")
#: keywords glued to the previous word ("PARTIESSUBJECT: NO SPLITS", "EgyptREF: CAIRO 493")
_GLUED_KEYWORD_RE = re.compile(
    r"(?=(?:SUBJECT|SUBJ|TAGS|REF)\s?:|E\.\s?[Oo]\.\s?(?:12958|12356|13526|12065)\b)"
    r"(?<=[A-Za-z0-9.,;)'\"])"
)
#: E.O. numbers of classification orders (prose cites others: "designated under E.O. 13224")
_EO = r"E\.?\s?[Oo]\.?\s?(?:12958|12356|13526|12065|11652|13292)\b"
#: keywords that start a paragraph wherever they are written in capitals after a space
_ALWAYS_KEYWORD_RE = re.compile(
    rf"[ \t]+(?=(?:SUBJECT|Subject|SUBJ|TAGS|Tags|REF|REFS|REFTEL)[ \t]?:|{_EO}"
    r"|CLASSIFIED\s+BY\b|Classified\s+By\b)"
)
#: the same keywords in any case, after a space in a collapsed (one-line) body
_INLINE_KEYWORD_RE = re.compile(
    r"[ \t]+(?=(?:SUBJECT|Subject|SUBJ|TAGS|Tags|REF|Ref|REFS|REFTEL)\s?:"
    rf"|{_EO}|EO\s\d{{5}}\s|(?:Classified|CLASSIFIED)\s+(?:By|by|BY)\b"
    r"|TAGS\s+[A-Z]{2,}\b)"
)
#: a numbered paragraph start "3. (C) ...", "3.  THE ..."
_NUMBERED_RE = re.compile(
    r"(?:^|(?<=\s))(\d{1,2})\.[ \t]+(?=(\((?:[A-Z]{1,4}(?:/[A-Z]{1,4})?|[A-Z]+ ?//? ?[A-Z]+)\))"
    r"|[A-Z\"'])"
)
#: a line is "collapsed" (several paragraphs on one line) from this length on
COLLAPSED_LINE = 400


# --------------------------------------------------------------------------- the cleaning steps


def _decode_html(t: _Text) -> None:
    t.sub(_HTML_TAG_RE, "html", lambda m: "\n" if m.group(0).lower().startswith("<br") else "")
    t.sub(_ENTITY_RE, "html", lambda m: html.unescape(m.group(0)))


def _remove_pilcrows(t: _Text) -> None:
    # A pilcrow always starts a paragraph; collapsed bodies keep it as their only break.
    t.sub(re.compile("¶"), "pilcrow", "\n\n")


def _overlap(after: str, before: str) -> int:
    """Length of the longest prefix of `after` that is also a suffix of `before` (KMP)."""
    s = after + "\0" + before
    pi = [0] * len(s)
    for i in range(1, len(s)):
        k = pi[i - 1]
        while k and s[i] != s[k]:
            k = pi[k - 1]
        if s[i] == s[k]:
            k += 1
        pi[i] = k
    return pi[-1]


def _nonspace(text: str, start: int, end: int) -> tuple[str, list[int]]:
    idx = [i for i in range(start, end) if not text[i].isspace()]
    return "".join(text[i] for i in idx), idx


def _remove_q_duplicates(t: _Text) -> None:
    """Drop "Q" + X where X repeats the text just before the Q (whitespace aside)."""
    edits: list[Edit] = []
    s = t.s
    for m in _Q_RE.finditer(s):
        q = m.start()
        head = "".join(s[q + 1 : q + 1 + 3 * Q_MIN_OVERLAP].split())[:Q_MIN_OVERLAP]
        if len(head) < Q_MIN_OVERLAP or head not in "".join(s[max(0, q - Q_WINDOW) : q].split()):
            continue  # cheap test first: the repeat must start with text seen just before
        after, after_idx = _nonspace(s, q + 1, min(len(s), q + 1 + Q_WINDOW))
        before, _ = _nonspace(s, max(0, q - Q_WINDOW), q)
        n = _overlap(after, before)
        if n < Q_MIN_OVERLAP:
            continue
        # the repeat sits inside a paragraph: drop the line breaks around it too
        start, end = q, after_idx[n - 1] + 1
        while start > 0 and s[start - 1].isspace():
            start -= 1
        while end < len(s) and s[end].isspace():
            end += 1
        edits.append((start, end, " "))
    t.apply(edits, "q-duplicate")


def _page_marker_station(s: str, start: int) -> int:
    """Start of the station name written before a page marker's serial at `start`.

    The station is printed cut to 10 characters ("PORT AU PR", "USUN NEW Y"), so it cannot be
    looked up; take the upper-case words just before the serial, as many as are also written
    before this serial elsewhere in the text (in the banner or another marker), else one.
    """
    serial = s[start : start + 8].lstrip("0") or "0"
    words: list[tuple[int, str]] = []
    cut = start
    for _ in range(4):
        m = _STATION_WORD_RE.search(s, max(0, cut - 40), cut)
        if not m:
            break
        words.insert(0, (m.start(1), m.group(1)))
        cut = m.start(1)
    if not words:
        return start
    best = words[-1][0]
    for i in range(len(words) - 2, -1, -1):
        name = s[words[i][0] : start].split()
        if len(" ".join(name)) > 14:
            break
        pat = re.compile(r"\s+".join(map(re.escape, name)) + r"[A-Z]*\s+0*" + serial + r"(?!\d)")
        if any(m.start() != words[i][0] for m in pat.finditer(s)):
            best = words[i][0]
        else:
            break
    return best


def _joining_edit(s: str, start: int, end: int) -> Edit:
    """Remove s[start:end] with the blank lines around it, keeping the paragraph whole when
    the break cut through a sentence (no sentence end before it, or lower case after it)."""
    while start > 0 and s[start - 1].isspace():
        start -= 1
    while end < len(s) and s[end].isspace():
        end += 1
    before = s[start - 1] if start > 0 else "."
    after = s[end] if end < len(s) else "A"
    mid_sentence = before not in ".!?:;\"')”" or after.islower()
    return (start, end, " " if mid_sentence else "\n\n")


def _remove_page_markers(t: _Text) -> None:
    s = t.s
    edits: list[Edit] = []
    for m in _PAGE_MARKER_CORE_RE.finditer(s):
        edits.append(_joining_edit(s, _page_marker_station(s, m.start()), m.end()))
    t.apply(edits, "page-marker")
    for pattern in (_OLD_PAGE_RE, _RI_PAGE_RE):
        s = t.s
        if "PAGE" not in s:
            break
        t.apply([_joining_edit(s, m.start(), m.end()) for m in pattern.finditer(s)], "page-marker")


def _at_line_start(s: str, i: int) -> bool:
    while i > 0 and s[i - 1] in " \t":
        i -= 1
    return i == 0 or s[i - 1] == "\n"


def _remove_banners(t: _Text) -> None:
    """Classification banner lines, at the top and at later section starts."""
    edits: list[Edit] = []
    s = t.s
    for m in BANNER_LINE_RE.finditer(s):
        spaced = " " in m.group("word").strip()
        # A plain word ("SECRET") is a banner only at a line start, before a section mark or
        # as the first thing of the body; a spaced-out one is never prose.
        if not spaced:
            if not _at_line_start(s, m.start()):
                continue
            top = m.start() < BANNER_WINDOW and not s[: m.start()].strip()
            if not (m.group("section") or top):
                continue
        edits.append(_joining_edit(s, m.start(), m.end()))
    t.apply(edits, "banner")


#: a footer some releases end the text with ("CONFIDENTIAL > 2002ROME01196 - Classification:
#: CONFIDENTIAL")
_FOOTER_RE = re.compile(
    r"(?:(?<![A-Za-z])(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s*>\s*)"
    r"(?:\d{4}[A-Z]+\d+\s*-\s*Clas\W*sification:\s*[A-Z/ ]+)?[\s\"]*$"
    r"|(?<![A-Za-z0-9])\d{4}[A-Z]+\d+\s*-\s*Clas\W*sification:\s*[A-Z/ ]+[\s\"]*$"
)


def _remove_spaced_banners(t: _Text) -> None:
    s = t.s
    up = s.upper()
    if "N F I D" in up or "E C R E T" in up or "C L A S S" in up:  # (a cheap test first)
        edits = [_joining_edit(s, m.start(), m.end()) for m in _SPACED_BANNER_RE.finditer(s)]
        t.apply(edits, "banner")
    s = t.s
    tail = max(0, len(s) - 300)
    t.apply([(m.start(), m.end(), "") for m in _FOOTER_RE.finditer(s, tail)], "banner")


_SPACE_RE = re.compile(r"[^\S\n]+")


def is_collapsed(text: str) -> bool:
    """True for a text whose line breaks were lost (one line, or lines far longer than a
    teletype's): all of it then needs its paragraph starts restored."""
    return text.count("\n") * COLLAPSED_LINE < len(text)


def _layout(s: str, collapsed: bool) -> str:
    """One paragraph per line, paragraphs separated by one blank line (whitespace changes only)."""
    s = _SPACE_RE.sub(" ", s)
    s = re.sub(r" ?\n ?", "\n", s)
    s = re.sub(r"\n{3,}", "\n\n", s)
    s = _break_collapsed_lines(s, collapsed)
    s = _join_wrapped_lines(s)
    return s.strip()


def _break_collapsed_lines(s: str, collapsed: bool) -> str:
    """Restore paragraph starts inside long lines (bodies collapsed onto one line)."""
    edits: list[Edit] = []
    long_lines = [
        (m.start(), m.end())
        for m in re.finditer(r"[^\n]+", s)
        if collapsed or m.end() - m.start() >= COLLAPSED_LINE
    ]
    for m in _GLUED_KEYWORD_RE.finditer(s):
        edits.append((m.start(), m.start(), "\n\n"))
    for m in _ALWAYS_KEYWORD_RE.finditer(s):
        edits.append((m.start(), m.end(), "\n\n"))
    for start, end in long_lines:
        for m in _INLINE_KEYWORD_RE.finditer(s, start, end):
            edits.append((m.start(), m.end(), "\n\n"))
    edits.extend(_numbered_breaks(s, long_lines))
    return _apply_edits(s, edits)


def _numbered_breaks(s: str, long_lines: list[tuple[int, int]]) -> list[Edit]:
    """Breaks before numbered paragraphs inside long lines, trusting only the next number."""
    candidates = list(_NUMBERED_RE.finditer(s))
    marked = sum(1 for m in candidates if m.group(2)) >= 2
    edits: list[Edit] = []
    last = 0
    for m in candidates:
        n = int(m.group(1))
        if m.start() == 0 or s[m.start() - 1] == "\n":
            last = n
            continue
        if n != last + 1 or (marked and not m.group(2)):
            continue
        if not any(a <= m.start() < b for a, b in long_lines):
            continue
        last = n
        ws = m.start()
        while ws > 0 and s[ws - 1] in " \t":
            ws -= 1
        edits.append((ws, m.start(), "\n\n"))
    return edits


def _join_wrapped_lines(s: str) -> str:
    """Join the hard-wrapped lines of a paragraph; a starter line begins a new paragraph."""
    out: list[str] = []
    for para in s.split("\n\n"):
        lines = para.split("\n")
        joined = lines[0]
        for line in lines[1:]:
            joined += ("\n\n" if _LINE_STARTER_RE.match(line) else " ") + line
        out.append(joined.strip())
    return "\n\n".join(p for p in out if p)


def clean_body(text: str, trace: bool = False) -> CleanText:
    """The cleaned body of a cable text (header already split off), with what was removed.

    With `trace`, every `Removed` and the result carry the original index of their characters
    (slower; for tests that prove no word is lost).
    """
    # "\r" stays: it is whitespace to every step, and the layout drops it.
    collapsed = is_collapsed(text)
    t = _Text(text, trace)
    if "<" in text or "&" in text:
        _decode_html(t)
    if "partial extract" in text:
        t.sub(_PARTIAL_RE, "partial-note", "\n\n")
    _remove_pilcrows(t)
    _remove_q_duplicates(t)
    _remove_page_markers(t)
    _remove_banners(t)
    _remove_spaced_banners(t)
    t.sub(_SIPDIS_RE, "sipdis", "\n")
    if "NNNN" in t.s or "CABLE ENDS" in t.s:
        t.sub(_END_MARKER_RE, "end-marker", "")
    t.sub(_RULE_RE, "rule", "\n\n")
    body = _layout(t.s, collapsed)
    origin = _nonspace_origins(t.s, t.pos) if trace else ()
    return CleanText(body, tuple(t.removed), origin)


def normalize_space(text: str) -> str:
    """All runs of whitespace as one space, ends stripped."""
    return " ".join(text.split())
