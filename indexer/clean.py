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

Kept in one module (~770 lines): the cleaning passes run in a fixed order and each one
relies on what the one before it removed; apart, that order would be implicit.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import AnyStr

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

    def replace(self, old: str, kind: str, new: str) -> None:
        """Replace every `old` (one character) with `new`."""
        if self.trace:
            self.apply([(i, i + 1, new) for i in find_all(self.s, old)], kind)
            return
        # (the same as `apply`, without an edit per character)
        self.removed.extend([Removed(kind, old, ())] * self.s.count(old))
        self.s = self.s.replace(old, new)

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
#: the parts every spaced banner contains, looked up in the upper-cased text with `str.find`
#: (much faster than any IGNORECASE scan); a banner starts at most 4 characters before
SPACED_CORES = ("O N F I D E N T I A L", "E C R E T", "N C L A S S I F I E D")
SPACED_LEAD = 4
#: the plain classification words a banner line can start with (case matters), found with
#: `str.find`: that also finds a word overlapping the end of another ("UNCLA[S]ECRET"), which
#: an alternation of them would skip, but a banner never starts right after a letter
_PLAIN_BANNER_WORDS = ("UNCLAS", "CONFIDENTIAL", "SECRET", "LIMITED OFFICIAL USE")
#: characters that IGNORECASE matches to an ASCII letter but that `str.upper` (`str.lower`)
#: does not map to it (dotted and dotless i, long s, Kelvin sign: all the non-ASCII ones
#: that it matches to an ASCII letter): where one occurs, a scan of the upper-cased
#: (lower-cased) text is not exact and the slow pattern is used instead
_UPPER_UNSAFE = ("\u0130", "\u212a")
_LOWER_UNSAFE = ("\u0130", "\u0131", "\u017f", "\u212a")


def find_all(text: AnyStr, needle: AnyStr) -> Iterator[int]:
    """Every position of `needle` in `text`, overlapping ones too."""
    i = text.find(needle)
    while i != -1:
        yield i
        i = text.find(needle, i + 1)


@functools.lru_cache(maxsize=4)  # (the field extractors ask for the same body in turn)
def lower_exact(s: str) -> bytes | None:
    """`s` with its ASCII letters lower-cased, one byte per character (any other non-ASCII
    character as "?"), when its positions and ASCII letters are those an IGNORECASE pattern
    sees: then a word of ASCII letters is in `s` in any case exactly where it is in this.

    (Bytes: `bytes.lower` of the encoded text is several times faster than `str.lower`
    of a text with non-ASCII characters in it, and the same for ASCII ones.)
    """
    if any(c in s for c in _LOWER_UNSAFE):
        return None
    return s.encode("ascii", errors="replace").lower()


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
    r"\d(?<!\d\d)\d{7}[ \t]+\d{3}(?:\.\d{1,2})?[ \t]+OF[ \t]+\d{3}(?!\d)", re.I
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
# These patterns start with the characters they need and look behind afterwards: `re` then
# scans for those characters in C instead of trying the whole pattern at every position.
# ("[Ssſ][Iiİı]": exactly the characters IGNORECASE matches to "s" and "i".)
_SIPDIS_RE = re.compile(
    r"[Ssſ](?<![A-Za-z][Ssſ])[Iiİı][Pp][Dd][Iiİı][Ssſ](?:(?i:sipdis))*(?![a-z])"
)
_END_MARKER_RE = re.compile(r"NNNN(?<![A-Za-z]NNNN)(?![A-Za-z])|==*[ \t]*CABLE ENDS[ \t]*=+")
_RULE = r"{first}(?<![^\s]{first})(?:[-_=*]{{2,}}|(?<=-) (?:- ){{2,}}-)(?![^\s])"
_RULE_RE = re.compile(_RULE.format(first="[-_=*]"))
#: the same for a text with no "_", "=" or "*" (nearly all): a rule then starts with "-", a
#: fixed first character that `re` finds several times faster than the character class
_DASH_RULE_RE = re.compile(_RULE.format(first="-"))


def _rule_matches(s: str) -> Iterator[re.Match[str]]:
    """`_RULE_RE.finditer(s)`."""
    if "_" in s or "=" in s or "*" in s:
        return _RULE_RE.finditer(s)
    return _DASH_RULE_RE.finditer(s)


PARTIAL_NOTE = (
    "This record is a partial extract of the original cable. "
    "The full text of the original cable is not available."
)
_PARTIAL_RE = re.compile(re.escape(PARTIAL_NOTE).replace(r"\ ", r"\s+"))

# A Q-duplicate repeats at least this many non-space characters of the text before the Q;
# real words starting with Q (Qatar, Qom, QF) never repeat that much by chance.
Q_MIN_OVERLAP = 20
Q_WINDOW = 600
# (the look-behind comes after the "Q" so that `re` scans for the letter, not every position)
_Q_RE = re.compile(r"Q(?<![A-Za-z0-9]Q)")

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
# (matched where `_KEYWORD_START_RE` finds a keyword: the break goes before it)
_GLUED_KEYWORD_RE = re.compile(
    r"(?:SUBJECT|SUBJ|TAGS|REF)\s?:|E\.\s?[Oo]\.\s?(?:12958|12356|13526|12065)\b"
)
_GLUED_AFTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,;)'\"")
#: E.O. numbers of classification orders (prose cites others: "designated under E.O. 13224")
_EO = r"E\.?\s?[Oo]\.?\s?(?:12958|12356|13526|12065|11652|13292)\b"
#: keywords that start a paragraph wherever they are written in capitals after a space
_ALWAYS_KEYWORD_RE = re.compile(
    rf"(?:SUBJECT|Subject|SUBJ|TAGS|Tags|REF|REFS|REFTEL)[ \t]?:|{_EO}"
    r"|CLASSIFIED\s+BY\b|Classified\s+By\b"
)
#: the same keywords in any case, after a space in a collapsed (one-line) body
_INLINE_KEYWORD_RE = re.compile(
    r"(?:SUBJECT|Subject|SUBJ|TAGS|Tags|REF|Ref|REFS|REFTEL)\s?:"
    rf"|{_EO}|EO\s\d{{5}}\s|(?:Classified|CLASSIFIED)\s+(?:By|by|BY)\b"
    r"|TAGS\s+[A-Z]{2,}\b"
)
#: where any keyword pattern may start (a superset with fixed first letters, fast to scan)
_KEYWORD_START_RE = re.compile(r"SUBJ|Subject|TAGS|Tags|REF|Ref|E[.\sOo]|CLASSIFIED|Classified")
#: a numbered paragraph start "3. (C) ...", "3.  THE ...": the match starts at the full stop
#: (a fast scan), the number (group 1 or 2) is looked for behind it, after a space
_NUMBERED_RE = re.compile(
    r"\.(?:(?<=(?<![^\s])(\d\d)\.)|(?<=(?<![^\s])(\d)\.))"
    r"[ \t]+(?=(\((?:[A-Z]{1,4}(?:/[A-Z]{1,4})?|[A-Z]+ ?//? ?[A-Z]+)\))|[A-Z\"'])"
)
#: a line is "collapsed" (several paragraphs on one line) from this length on
COLLAPSED_LINE = 400


# --------------------------------------------------------------------------- the cleaning steps


def _decode_html(t: _Text) -> None:
    t.sub(_HTML_TAG_RE, "html", lambda m: "\n" if m.group(0).lower().startswith("<br") else "")
    t.sub(_ENTITY_RE, "html", lambda m: html.unescape(m.group(0)))


def _remove_pilcrows(t: _Text) -> None:
    # A pilcrow always starts a paragraph; collapsed bodies keep it as their only break.
    if "¶" in t.s:
        t.replace("¶", "pilcrow", "\n\n")


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
    tails: list[tuple[int, int]] | None = None
    for i in range(len(words) - 2, -1, -1):
        name = s[words[i][0] : start].split()
        if len(" ".join(name)) > 14:
            break
        if tails is None:  # (the last word is the same for every i)
            tails = _station_serials(s, name[-1], serial)
        if _written_elsewhere(s, name, tails, words[i][0]):
            best = words[i][0]
        else:
            break
    return best


#: what follows a station name before its serial: the rest of a cut word, zeros, the serial
_SERIAL_AFTER_RE = re.compile(r"[A-Z]*\s+0*(\d+)(?!\d)")


def _station_serials(s: str, last: str, serial: str) -> list[tuple[int, int]]:
    """(start, end) of each `last` + `[A-Z]*\\s+0*` + `serial` written in `s`, in order."""
    out: list[tuple[int, int]] = []
    for i in find_all(s, last):
        m = _SERIAL_AFTER_RE.match(s, i + len(last))
        if m is not None and m.group(1) == serial:
            out.append((i, m.end()))
    return out


def _written_elsewhere(s: str, name: list[str], tails: list[tuple[int, int]], here: int) -> bool:
    """True when `name` (words apart by any whitespace, the last one maybe cut short) and the
    serial is written in `s` other than at `here`, as `finditer` would find it.

    The name is matched backwards from each place its last word is followed by the serial
    (`tails`): no pattern is compiled per marker (that cost more than the rest of the marker
    removal) and no place is tried where a common first word ("the") is not before the serial.
    """
    found = sorted(
        (first, end)
        for last, end in tails
        if (first := _words_before(s, last, name[:-1])) is not None
    )
    pos = 0
    for first, end in found:
        if first < pos:  # (inside the previous match: finditer does not see it)
            continue
        if first != here:
            return True
        pos = end
    return False


def _words_before(s: str, pos: int, words: list[str]) -> int | None:
    """Where `words`, each followed by whitespace, are written so that they end at `pos`."""
    for word in reversed(words):
        j = pos
        while j > 0 and s[j - 1].isspace():
            j -= 1
        if j == pos:
            return None
        pos = j - len(word)
        if pos < 0 or not s.startswith(word, pos):
            return None
    return pos


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


#: the "OF nnn" of a page marker, in the lower-cased text (a fixed first letter: a fast scan).
#: Its "?" may be any non-ASCII character (see `lower_exact`), so also a digit of another
#: script, which `\d` matches in the text: this finds a few places too many, never too few.
_PAGE_OF_RE = re.compile(rb"of[ \t]+[0-9?]{3}(?![0-9])")


def _page_marker_matches(s: str) -> Iterator[re.Match[str]]:
    """`_PAGE_MARKER_CORE_RE.finditer(s)`, searching only from just before each "OF nnn".

    A marker is digits, blanks and full stops up to its "OF": so none starts before the run
    of those characters in front of the first "OF nnn" not yet passed, and a search from
    there finds the next marker (if that "OF" was not one, a later one; never an earlier one,
    so the "OF"s that are no marker's only cost a search).
    """
    low = lower_exact(s)
    if low is None:
        yield from _PAGE_MARKER_CORE_RE.finditer(s)
        return
    pos = 0
    for of in _PAGE_OF_RE.finditer(low):
        if of.start() < pos:
            continue
        j = of.start()
        while j > pos and (s[j - 1] in " \t." or s[j - 1].isdecimal()):
            j -= 1
        m = _PAGE_MARKER_CORE_RE.search(s, j)
        if m is None:
            return
        yield m
        pos = m.end()


def _remove_page_markers(t: _Text) -> None:
    s = t.s
    edits: list[Edit] = []
    for m in _page_marker_matches(s):
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


def _spaced_banner_starts(s: str) -> list[int] | None:
    """Every position where a spaced-out banner may start (a superset, in order), or None
    when the text has characters that make the upper-cased scan inexact."""
    up = s.upper()
    if len(up) != len(s) or any(c in s for c in _UPPER_UNSAFE):
        return None
    starts: set[int] = set()
    for core in SPACED_CORES:
        for i in find_all(up, core):
            starts.update(range(max(0, i - SPACED_LEAD), i + 1))
    return sorted(starts)


def _matches_at(pattern: re.Pattern[str], s: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(s)` finds, given (in order) every position where it may match:
    `pattern` is tried only there, which is much faster when it has no fixed first letter."""
    pos = 0
    for start in starts:
        if start < pos:
            continue
        m = pattern.match(s, start)
        if m is not None:
            yield m
            pos = m.end()


def _banner_line_matches(s: str) -> Iterable[re.Match[str]]:
    """`BANNER_LINE_RE.finditer(s)`, trying the pattern only where a banner word starts."""
    spaced = _spaced_banner_starts(s)
    if spaced is None:
        return BANNER_LINE_RE.finditer(s)
    plain = [i for word in _PLAIN_BANNER_WORDS for i in find_all(s, word)]
    # (plain words cannot overlap each other; a position in both lists is tried once)
    return _matches_at(BANNER_LINE_RE, s, sorted(set(plain).union(spaced)))


def _remove_banners(t: _Text) -> None:
    """Classification banner lines, at the top and at later section starts."""
    edits: list[Edit] = []
    s = t.s
    for m in _banner_line_matches(s):
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
        starts = _spaced_banner_starts(s)
        found = (
            _SPACED_BANNER_RE.finditer(s)
            if starts is None
            else _matches_at(_SPACED_BANNER_RE, s, starts)
        )
        t.apply([_joining_edit(s, m.start(), m.end()) for m in found], "banner")
    s = t.s
    tail = max(0, len(s) - 300)
    # (the footer has a ">" or a "Clas": without them the pattern, tried at each of the
    # last 300 positions, cannot match)
    if s.find(">", tail) != -1 or s.find("Clas", tail) != -1:
        t.apply([(m.start(), m.end(), "") for m in _FOOTER_RE.finditer(s, tail)], "banner")


#: a run of whitespace other than newlines (what `_squeezed_lines` makes one space)
_SPACE_RE = re.compile(r"[^\S\n]+")


def is_collapsed(text: str) -> bool:
    """True for a text whose line breaks were lost (one line, or lines far longer than a
    teletype's): all of it then needs its paragraph starts restored."""
    return text.count("\n") * COLLAPSED_LINE < len(text)


def _layout(s: str, collapsed: bool) -> str:
    """One paragraph per line, paragraphs separated by one blank line (whitespace changes only)."""
    lines = _squeezed_lines(s)
    # (collapsing blank lines leaves the longest line as it is)
    has_long_line = max(map(len, lines)) >= COLLAPSED_LINE
    s = _collapse_blank_lines("\n".join(lines))
    s = _break_collapsed_lines(s, collapsed, has_long_line)
    s = _join_wrapped_lines(s)
    return s.strip()


#: (written out, the three newlines are a literal prefix that `re` finds with a fast search;
#: `\n{3,}` is tried at every position, and repeated `str.replace` calls copy the text each time)
_BLANK_LINES_RE = re.compile("\n\n\n+")


def _collapse_blank_lines(s: str) -> str:
    """Runs of 3+ newlines as 2: `re.sub(r"\n{3,}", "\n\n", s)`."""
    return _BLANK_LINES_RE.sub("\n\n", s) if "\n\n\n" in s else s


_SPACES_RE = re.compile("   *")
#: every whitespace character but " " and newline
_OTHER_SPACES = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")


def _squeezed_lines(s: str) -> list[str]:
    """The lines of `s` with each run of whitespace other than newlines as one space, and no
    space next to a newline.

    (Joined, as `_SPACE_RE.sub(" ", s)` followed by `re.sub(" ?\\n ?", "\\n", s)`, which
    replace every single space and try every position, but 5-10 times faster.)
    """
    # A run of whitespace is the same run of spaces after this.
    # (`c in s` is instant for a character wider than any of `s`, as in ASCII text)
    for c in _OTHER_SPACES:
        if c in s:
            s = s.replace(c, " ")
    if "  " in s:
        s = _SPACES_RE.sub(" ", s)
    lines = s.split("\n")
    if len(lines) == 1:
        return lines
    # Spaces now come one at a time: each one next to a newline goes.
    middle = [line.strip(" ") for line in lines[1:-1]]
    return [lines[0].rstrip(" "), *middle, lines[-1].lstrip(" ")]


_LINE_RE = re.compile(r"[^\n]+")


def _break_collapsed_lines(s: str, collapsed: bool, has_long_line: bool) -> str:
    """Restore paragraph starts inside long lines (bodies collapsed onto one line)."""
    edits: list[Edit] = []
    long_lines = (
        [
            (m.start(), m.end())
            for m in _LINE_RE.finditer(s)
            if collapsed or m.end() - m.start() >= COLLAPSED_LINE
        ]
        if collapsed or has_long_line
        else []
    )
    # (without long lines only the keywords written with a colon, an E.O. number or "By"
    # count, which can be found faster)
    keywords = list(_keyword_starts(s)) if long_lines else _marked_keyword_starts(s)
    for i in keywords:
        if i > 0 and s[i - 1] in _GLUED_AFTER and _GLUED_KEYWORD_RE.match(s, i):
            edits.append((i, i, "\n\n"))
    edits.extend(_breaks_before(s, _ALWAYS_KEYWORD_RE, keywords, 0, len(s)))
    for start, end in long_lines:
        edits.extend(_breaks_before(s, _INLINE_KEYWORD_RE, keywords, start, end))
    if long_lines:  # (numbered breaks are only made inside long lines)
        edits.extend(_numbered_breaks(s, long_lines))
    return _apply_edits(s, edits)


def _keyword_starts(s: str) -> Iterator[int]:
    """Every position where `_KEYWORD_START_RE` matches (overlapping ones too)."""
    m = _KEYWORD_START_RE.search(s)
    while m is not None:
        yield m.start()
        m = _KEYWORD_START_RE.search(s, m.start() + 1)


#: a colon after a keyword of `_GLUED_KEYWORD_RE` or `_ALWAYS_KEYWORD_RE` (maybe after a
#: space): look-behinds from a colon, a fixed first character that `re` finds fast
_COLON_KEYWORDS = ("SUBJECT", "Subject", "SUBJ", "TAGS", "Tags", "REF", "REFS", "REFTEL")
_KEYWORD_COLON_RE = re.compile(
    ":(?:"
    + "|".join(
        "(?<=" + "|".join(word + space + ":" for word in _COLON_KEYWORDS if len(word) == n) + ")"
        for n in sorted({len(word) for word in _COLON_KEYWORDS})
        for space in ("", r"\s")
    )
    + ")"
)
_COLON_KEYWORD_LENGTHS = range(
    min(map(len, _COLON_KEYWORDS)), max(map(len, _COLON_KEYWORDS)) + 2
)  # (+ 1 for the space, + 1 for `range`)
#: the first digit of an E.O. number of `_EO`, and how far before it its "E" can be
_EO_NUMBER_RE = re.compile(r"1(?=2958|2356|3526|2065|1652|3292)")
_EO_LENGTHS = range(2, 7)  # "EO" to "E. O. "


def _marked_keyword_starts(s: str) -> list[int]:
    """Every position where `_GLUED_KEYWORD_RE` or `_ALWAYS_KEYWORD_RE` may match (a
    superset, in order): before a colon a keyword can end at, before an E.O. number, and at
    "CLASSIFIED"/"Classified". (`_keyword_starts` has to stop at each of the most common
    letters of upper-case text.)"""
    starts = {
        m.start() - n for m in _KEYWORD_COLON_RE.finditer(s) for n in _COLON_KEYWORD_LENGTHS
    }
    starts.update(m.start() - n for m in _EO_NUMBER_RE.finditer(s) for n in _EO_LENGTHS)
    starts.update(find_all(s, "CLASSIFIED"))
    starts.update(find_all(s, "Classified"))
    return sorted(i for i in starts if i >= 0)


def _breaks_before(
    s: str, keyword: re.Pattern[str], starts: list[int], start: int, end: int
) -> Iterator[Edit]:
    """A paragraph break for the spaces before each `keyword` in s[start:end]: the matches
    `[ \\t]+(?=keyword)` would have, with the keyword looked for only at `starts`."""
    for i in starts:
        if i <= start or i >= end or s[i - 1] not in " \t" or not keyword.match(s, i, end):
            continue
        ws = i - 1
        while ws > start and s[ws - 1] in " \t":
            ws -= 1
        yield (ws, i, "\n\n")


def _numbered_breaks(s: str, long_lines: list[tuple[int, int]]) -> list[Edit]:
    """Breaks before numbered paragraphs inside long lines, trusting only the next number."""
    # (number start, number, marking "(C)" or None)
    candidates = [
        (m.start() - len(number), int(number), m.group(3))
        for m in _NUMBERED_RE.finditer(s)
        for number in (m.group(1) or m.group(2),)
    ]
    marked = sum(1 for _, _, marking in candidates if marking) >= 2
    edits: list[Edit] = []
    last = 0
    for start, n, marking in candidates:
        if start == 0 or s[start - 1] == "\n":
            last = n
            continue
        if n != last + 1 or (marked and not marking):
            continue
        if not any(a <= start < b for a, b in long_lines):
            continue
        last = n
        ws = start
        while ws > 0 and s[ws - 1] in " \t":
            ws -= 1
        edits.append((ws, start, "\n\n"))
    return edits


def _join_wrapped_lines(s: str) -> str:
    """Join the hard-wrapped lines of a paragraph; a starter line begins a new paragraph."""
    out: list[str] = []
    for para in s.split("\n\n"):
        lines = para.split("\n")
        pieces = [lines[0]]
        for line in lines[1:]:
            starter = _could_start_line(line) and _LINE_STARTER_RE.match(line)
            pieces.append("\n\n" if starter else " ")
            pieces.append(line)
        out.append("".join(pieces).strip())
    return "\n\n".join(p for p in out if p)


#: the characters a `_LINE_STARTER_RE` match can start with (and digits)
_LINE_STARTER_FIRST = frozenset("STREC- \t")


def _could_start_line(line: str) -> bool:
    """False for most lines, which `_LINE_STARTER_RE` then need not be tried on."""
    first = line[:1]
    return not first or first in _LINE_STARTER_FIRST or first.isdecimal()


def _remove_sipdis(t: _Text) -> None:
    s = t.s
    low = lower_exact(s)
    if low is None:
        t.sub(_SIPDIS_RE, "sipdis", "\n")
    elif b"sipdis" in low:
        found = _matches_at(_SIPDIS_RE, s, find_all(low, b"sipdis"))
        t.apply([(m.start(), m.end(), "\n") for m in found], "sipdis")


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
    _remove_sipdis(t)
    if "NNNN" in t.s or "CABLE ENDS" in t.s:
        t.sub(_END_MARKER_RE, "end-marker", "")
    t.apply([(m.start(), m.end(), "\n\n") for m in _rule_matches(t.s)], "rule")
    body = _layout(t.s, collapsed)
    origin = _nonspace_origins(t.s, t.pos) if trace else ()
    return CleanText(body, tuple(t.removed), origin)


def normalize_space(text: str) -> str:
    """All runs of whitespace as one space, ends stripped."""
    return " ".join(text.split())
