"""Synthetic Cablegate corpus: cables in the page-text layout of `corpus/09BAGHDAD113.txt`,
or in the two layouts of the full archive that users really have.

    python bench/generate.py OUT_DIR [--count 20000] [--seed 42] [--start 0]
                                     [--format pagetext|html|csv]

`--format html` writes Cable Viewer pages of the final release (251,287 cables, Aug/Sep
2011): a left pane of navigation of that release's size (~185 KB, so every page is ~190 KB),
then the metadata table and the two `<pre>` blocks with `&#x000A;` newlines, TAGS links and
pilcrow anchors, as in `shared/cables/html-cablegate-r251287-final-markchips`. Files go to
`OUT_DIR/cable/YYYY/MM/REFID.html`. `--format csv` writes one `OUT_DIR/cables.csv` in the
community format (8 quoted columns, backslash-escaped quotes, multi-line fields, no header
row: ~1.8 GB for 251,287 cables). Both carry the cable in the real text layout: a routing
header of several lines, and a body wrapped at 69 columns with blank lines between
paragraphs, where the page-text layout has one line each.

The benchmark needs a corpus as large as the real one (251,287 cables, ~1.8 GB) that we may
ship and rebuild anywhere, so this script makes one with the real corpus's statistics:
Zipf-distributed English words, ~270 real-looking origins, the real classification mix, TAGS,
REF lines that cite earlier generated cables, dates skewed to 2005-2010, ~7 KB bodies with
page-break markers, and a signer.

Cable number `i` depends only on (`seed`, `i`): `--start 251287 --count 1000` adds 1,000 new
cables to an existing corpus, and any slice of the numbers gives the same files. Files go to
`OUT_DIR/YYYY/MM/REFID.txt`.

Reference ids are unique by construction: `i` picks a (year, station) pair through a fixed
table of `SLOTS` slots (drawn once from the year and origin weights), and the serial counts
how many times that pair came up before, so serials stay small and dense like real ones.

The word lists at the end of this file are ranked by frequency in a sample of real cables
(no text, only single words); weights are a Zipf-Mandelbrot law, not the observed counts.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import math
import random
import re
import sys
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path

#: Bump when the output changes, so `bench/index.py` regenerates stale corpora.
GENERATOR_VERSION = 2

#: What `generate` writes (see the module docstring).
FORMATS = ("pagetext", "html", "csv")

#: Bytes of the final release's left pane (navigation), which every one of its pages carries.
NAVIGATION_BYTES = 185_000

#: Columns the real cables' lines are wrapped at.
LINE_WIDTH = 69

#: Number of (year, station) slots that cable numbers cycle through (see module docstring).
SLOTS = 16384

#: Size of the real Cablegate corpus; `--start REAL_TOTAL` adds cables after it.
REAL_TOTAL = 251_287

ZIPF_EXPONENT = 1.07
#: Zipf-Mandelbrot offset: flattens the head a little, as in real text
ZIPF_OFFSET = 2.7

#: The real corpus's classification counts (they sum to 251,287).
CLASSIFICATIONS: tuple[tuple[str, int], ...] = (
    ("UNCLASSIFIED", 75_792),
    ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", 58_095),
    ("CONFIDENTIAL", 97_070),
    ("CONFIDENTIAL//NOFORN", 4_678),
    ("SECRET", 11_322),
    ("SECRET//NOFORN", 4_330),
)

#: Approximate cables per year in the real corpus (1966-12 to 2010-02; most 2005-2010).
YEAR_WEIGHTS: dict[int, int] = {
    **{year: 1 for year in range(1966, 1972)},
    1972: 5, 1973: 10, 1974: 10, 1975: 15, 1976: 15, 1977: 10, 1978: 20, 1979: 40,
    1980: 15, 1981: 10, 1982: 10, 1983: 15, 1984: 20, 1985: 500, 1986: 1000, 1987: 900,
    1988: 800, 1989: 900, 1990: 1100, 1991: 500, 1992: 300, 1993: 300, 1994: 300,
    1995: 250, 1996: 250, 1997: 250, 1998: 300, 1999: 350, 2000: 600, 2001: 1500,
    2002: 3000, 2003: 5000, 2004: 14_000, 2005: 22_000, 2006: 40_000, 2007: 50_000,
    2008: 52_000, 2009: 50_000, 2010: 7_000,
}  # fmt: skip

#: The corpus ends in February 2010.
LAST_YEAR_DAYS = 59

#: Body characters per page; longer bodies get "STATION 000SERIAL 002 OF 003" markers.
PAGE_CHARS = 4500

#: Log-normal body length (characters): median ~5.3 KB, mean ~7 KB.
BODY_LOG_MEDIAN = math.log(4850)
BODY_LOG_SIGMA = 0.75
BODY_MIN_CHARS = 300
BODY_MAX_CHARS = 150_000

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


# --------------------------------------------------------------------------- static tables


@dataclass(frozen=True)
class Origin:
    name: str  # "Embassy New Delhi", as in the metadata table
    station: str  # "NEW DELHI", as the text writes it
    fm: str  # "AMEMBASSY NEW DELHI", the routing header's FM line
    country: str | None  # the 2-letter TAG of its country, if any
    weight: int
    #: routing indicator "RUEHxx"
    rueh: str

    @property
    def refid_station(self) -> str:
        return self.station.replace(" ", "")


@dataclass(frozen=True)
class Weighted:
    """A population with cumulative weights, ready for `random.choices`."""

    items: tuple[str, ...]
    cum: tuple[float, ...]

    @classmethod
    def zipf(cls, items: Sequence[str]) -> Weighted:
        weights = [1.0 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT for rank in range(len(items))]
        return cls(tuple(items), tuple(accumulate(weights)))

    @classmethod
    def of(cls, pairs: Sequence[tuple[str, float]]) -> Weighted:
        return cls(tuple(p[0] for p in pairs), tuple(accumulate(p[1] for p in pairs)))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def draw_many(self, rng: random.Random, k: int) -> list[str]:
        """Like `draw`, ~4x faster for bulk draws: one `randbytes` call + a lookup table.

        Each 32-bit random number keeps its top `LOOKUP_BITS` bits as an index into a table
        where every item fills a share of slots proportional to its weight.
        """
        table = self._lookup()
        shift = 32 - LOOKUP_BITS
        return [table[x >> shift] for x in memoryview(rng.randbytes(4 * k)).cast("I")]

    def _lookup(self) -> tuple[str, ...]:
        table = _LOOKUPS.get(self.items)
        if table is None:
            size = 1 << LOOKUP_BITS
            step = self.cum[-1] / size
            table = tuple(
                self.items[bisect.bisect_right(self.cum, (j + 0.5) * step)] for j in range(size)
            )
            _LOOKUPS[self.items] = table
        return table

    def one(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cum)[0]

    def mean_length(self) -> float:
        total = self.cum[-1]
        prev = 0.0
        acc = 0.0
        for item, cum in zip(self.items, self.cum, strict=True):
            acc += (cum - prev) * len(item)
            prev = cum
        return acc / total


#: Lookup tables of `Weighted.draw_many`, by population (built once per process).
_LOOKUPS: dict[tuple[str, ...], tuple[str, ...]] = {}
#: 2**18 slots: the rarest of 4,000 Zipf words still gets a few
LOOKUP_BITS = 18


def _rueh(station: str) -> str:
    # crc32, not hash(): str hashes change between runs
    code = zlib.crc32(station.encode())
    return "RUEH" + chr(65 + code % 26) + chr(65 + (code // 26) % 26)


def _parse_origins(spec: str) -> tuple[Origin, ...]:
    out: list[Origin] = []
    for line in spec.strip().splitlines():
        weight, name, country, *rest = line.split("|")
        kind, _, place = name.partition(" ")
        station = rest[0] if rest else place.upper()
        if len(rest) > 1:
            fm = rest[1]
        else:
            fm = ("AMCONSUL " if kind == "Consulate" else "AMEMBASSY ") + station
        rueh = "RUEHC" if station == "STATE" else _rueh(station)
        out.append(Origin(name, station, fm, country or None, int(weight), rueh))
    stations = [o.refid_station for o in out]
    # Unique stations are what makes (year, station, serial) refids unique.
    assert len(set(stations)) == len(stations), "duplicate station in ORIGINS"
    return tuple(out)


@cache
def origins() -> tuple[Origin, ...]:
    return _parse_origins(ORIGINS)


def _demote_places(words: list[str]) -> list[str]:
    """Move country and city names off the head of a ranked list.

    The ranks come from a small sample of cables whose places (Iceland, Dubai, Brazil...)
    are over-represented; a real corpus spreads its places over ~270 posts.
    """
    # one-word stations only: "THE HAGUE" or "NEW DELHI" must not demote "the" or "new"
    places = {w.upper() for w in PLACE_WORDS.split()} | {
        o.station for o in origins() if " " not in o.station
    }
    kept = [w for w in words if w.upper() not in places]
    moved = [w for w in words if w.upper() in places]
    for k, word in enumerate(moved):
        kept.insert(min(len(kept), PLACE_RANK_START + PLACE_RANK_STEP * k), word)
    return kept


PLACE_RANK_START = 150
PLACE_RANK_STEP = 20


@cache
def vocabulary() -> Weighted:
    return Weighted.zipf(_demote_places(VOCABULARY.split()))


#: Small words that subjects use between content words; drawn apart from the Zipf list.
SUBJECT_CONNECTORS = ("TO", "OF", "ON", "FOR", "AND", "IN", "WITH", "THE", "AS", "FROM", "AT")


@cache
def subject_words() -> Weighted:
    stop = {*SUBJECT_CONNECTORS, "A", "AN", "BY", "IS", "BUT", "NOT", "BE", "ARE", "IT", "HE"}
    return Weighted.zipf(_demote_places([w for w in SUBJECT_WORDS.split() if w not in stop]))


@cache
def body_forms() -> dict[str, str]:
    """Upper-case word -> how the body writes it ("IRAN" -> "Iran", "VISIT" -> "visit")."""
    return {w.upper(): w for w in reversed(VOCABULARY.split())}


@cache
def subject_tags() -> Weighted:
    pairs = [(t, float(n)) for t, n in (x.split(":") for x in SUBJECT_TAGS.split())]
    return Weighted.of(pairs)


@cache
def country_tags() -> tuple[str, ...]:
    return tuple(sorted({o.country for o in origins() if o.country and len(o.country) == 2}))


CLASS_TABLE = Weighted.of([(c, float(n)) for c, n in CLASSIFICATIONS])

#: How the first body line spells each classification, and the paragraph marking.
CLASS_BANNER = {
    "UNCLASSIFIED": ("UNCLAS", "", "U"),
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": ("UNCLAS", "SENSITIVE", "SBU"),
    "CONFIDENTIAL": ("C O N F I D E N T I A L", "", "C"),
    "CONFIDENTIAL//NOFORN": ("C O N F I D E N T I A L", "NOFORN", "C/NF"),
    "SECRET": ("S E C R E T", "", "S"),
    "SECRET//NOFORN": ("S E C R E T", "NOFORN", "S/NF"),
}
CLASS_HEADER = {"U": "ZNR UUUUU ZZH", "C": "ZNY CCCCC ZZH", "S": "ZNY SSSSS ZZH"}
PRECEDENCE = Weighted.of([("R", 45.0), ("P", 45.0), ("O", 10.0)])
PRECEDENCE_WORD = {"R": "ROUTINE", "P": "PRIORITY", "O": "IMMEDIATE"}

SECRETARIES: tuple[tuple[int, str], ...] = (
    (1969, "RUSK"), (1973, "ROGERS"), (1977, "KISSINGER"), (1981, "VANCE"), (1983, "HAIG"),
    (1989, "SHULTZ"), (1993, "BAKER"), (1997, "CHRISTOPHER"), (2001, "ALBRIGHT"),
    (2005, "POWELL"), (2009, "RICE"), (9999, "CLINTON"),
)  # fmt: skip


# --------------------------------------------------------------------------- one cable


@dataclass(frozen=True)
class CableMeta:
    """What other cables need to know about cable `number` (to cite it)."""

    number: int
    refid: str
    origin: Origin
    serial: int
    created: datetime
    classification: str


@dataclass(frozen=True)
class GeneratedCable:
    meta: CableMeta
    title: str
    subject: str
    tags: tuple[str, ...]
    references: tuple[str, ...]  # refids of the cited (earlier) cables
    signer: str
    text: str

    @property
    def relpath(self) -> Path:
        created = self.meta.created
        return Path(f"{created.year:04d}", f"{created.month:02d}", f"{self.meta.refid}.txt")


class Generator:
    """Cables of one seed. `cable(i)` depends on nothing but (seed, i)."""

    def __init__(self, seed: int = 42) -> None:
        self.seed = seed
        self.origins = origins()
        self.vocab = vocabulary()
        self.subjects = subject_words()
        self.forms = body_forms()
        # mean characters per body word, with its space and some punctuation
        self.chars_per_word = self.vocab.mean_length() + 1.08
        self._build_slots()

    # -- numbering

    def _build_slots(self) -> None:
        # A string seed is hashed with SHA-512: stable across Python versions and runs.
        rng = random.Random(f"cables-slots:{self.seed}")
        years = Weighted.of([(str(y), float(n)) for y, n in YEAR_WEIGHTS.items()])
        places = Weighted.of([(str(k), float(o.weight)) for k, o in enumerate(self.origins)])
        # one slot for every year so that the corpus spans 1966-2010, the rest by weight
        slot_years = [int(y) for y in years.items]
        slot_years += [int(y) for y in years.draw(rng, SLOTS - len(slot_years))]
        slots = [(year, int(places.one(rng))) for year in slot_years]
        rng.shuffle(slots)
        seen: dict[tuple[int, int], int] = {}
        ranks: list[int] = []
        for pair in slots:
            ranks.append(seen.get(pair, 0))
            seen[pair] = ranks[-1] + 1
        self.slots = slots
        self.slot_rank = ranks
        self.slot_mult = [seen[pair] for pair in slots]

    def _rng(self, number: int) -> random.Random:
        return random.Random(self.seed * (1 << 40) + number)

    def meta(self, number: int) -> CableMeta:
        return self._meta(number, self._rng(number))

    def _meta(self, number: int, rng: random.Random) -> CableMeta:
        slot = number % SLOTS
        year, place = self.slots[slot]
        # the k-th cable of a (year, station) pair gets serial k+1: unique and dense
        serial = 1 + (number // SLOTS) * self.slot_mult[slot] + self.slot_rank[slot]
        origin = self.origins[place]
        days = LAST_YEAR_DAYS if year == max(YEAR_WEIGHTS) else 365 + calendar.isleap(year)
        created = datetime(year, 1, 1) + timedelta(
            days=rng.randrange(days), minutes=rng.randrange(1440)
        )
        refid = f"{year % 100:02d}{origin.refid_station}{serial}"
        classification = CLASS_TABLE.one(rng)
        return CableMeta(number, refid, origin, serial, created, classification)

    # -- text

    def cable(self, number: int) -> GeneratedCable:
        rng = self._rng(number)
        meta = self._meta(number, rng)
        origin = meta.origin
        banner, caveat, para_mark = CLASS_BANNER[meta.classification]
        subject = self._subject(rng, origin)
        title = self._title(rng, subject)
        tags = self._tags(rng, origin)
        refs = self._references(rng, meta)
        signer = self._signer(rng, meta)
        topic = [self.forms.get(w, w.lower()) for w in subject.split() if len(w) > 3]
        topic = [w.strip(":;,") for w in topic] or ["embassy"]
        paragraphs = self._paragraphs(rng, para_mark, topic)
        pages = min(99, 1 + len(paragraphs) // PAGE_CHARS)
        paragraphs = self._page_breaks(paragraphs, meta, pages)

        parts = [banner]
        if pages > 1:
            parts.append(f"SECTION 01 OF {pages:02d}")
        parts.append(f"{origin.station} {meta.serial:06d}")
        if caveat:
            parts.append(caveat)
        if meta.created.year >= 2002:
            parts.append("SIPDIS")
        if rng.random() < 0.4:
            parts.append(self._address_line(rng))
        parts.append(f"E.O. {_executive_order(meta.created.year)}: {self._decl(meta)}")
        parts.append("TAGS: " + " ".join(tags))
        parts.append("SUBJECT: " + subject)
        if refs:
            parts.append("REF: " + _ref_line(refs, meta.created.year))
        if para_mark not in ("U", "SBU"):
            parts.append(self._classified_by(rng))
        parts.append(paragraphs)
        parts.append(signer)
        body = " ".join(parts)

        header = self._header(rng, meta, para_mark[0])
        text = (
            f"WikiLeaks: {title}\n"
            "Reference ID | Created | Classification | Origin |\n"
            "---|---|---|---|\n"
            f"{meta.refid} | {meta.created:%Y-%m-%d %H:%M} | {meta.classification} | "
            f"{origin.name} |\n"
            f"{header}\n{body}"
        )
        return GeneratedCable(
            meta, title, subject, tuple(tags), tuple(r.refid for r in refs), signer, text
        )

    def _subject(self, rng: random.Random, origin: Origin) -> str:
        n = int(rng.triangular(5, 16, 8))
        words = self.subjects.draw(rng, n)
        for k in range(n - 2, 0, -2):
            if rng.random() < 0.45:
                words[k] = rng.choice(SUBJECT_CONNECTORS)
        if rng.random() < 0.3:
            # many subjects name the place: "NEW DELHI: ..." / "IRAQ: ..."
            words.insert(0, origin.station.split()[0] if origin.station != "STATE" else words[0])
            words = words[:n]
        if rng.random() < 0.4:
            cut = rng.randint(1, 2)
            words[cut - 1] += ":"
        return " ".join(words)

    @staticmethod
    def _title(rng: random.Random, subject: str) -> str:
        _, colon, rest = subject.partition(":")
        words = (rest if colon and rest.strip() else subject).split()
        return " ".join(words[: rng.randint(3, 7)]).rstrip(":;,")

    def _tags(self, rng: random.Random, origin: Origin) -> list[str]:
        n = rng.randint(2, 8)
        n_countries = rng.choices((0, 1, 2), weights=(50, 35, 15))[0]
        tags: list[str] = []
        if origin.country and rng.random() < 0.85:
            tags.append(origin.country)
        tags += rng.sample(country_tags(), n_countries)
        while len(tags) < n:
            tags.append(subject_tags().one(rng))
        unique = list(dict.fromkeys(tags))
        # subject tags first, then countries, as in most real cables
        return sorted(unique, key=lambda t: len(t) == 2)

    def _references(self, rng: random.Random, meta: CableMeta) -> list[CableMeta]:
        if meta.number == 0 or rng.random() > 0.45:
            return []
        want = rng.choices((1, 2, 3, 4), weights=(50, 30, 13, 7))[0]
        found: dict[str, CableMeta] = {}
        for _ in range(want * 4):
            if len(found) >= want:
                break
            back = meta.number - SLOTS * rng.randint(1, 3)
            if back >= 0 and rng.random() < 0.5:
                cited = back  # same slot: same station and year, earlier serial
            else:
                cited = rng.randrange(max(0, meta.number - 30_000), meta.number)
            other = self.meta(cited)
            if other.created <= meta.created and other.refid != meta.refid:
                found.setdefault(other.refid, other)
        return list(found.values())

    def _signer(self, rng: random.Random, meta: CableMeta) -> str:
        year = meta.created.year
        if meta.origin.station == "STATE":
            return next(name for until, name in SECRETARIES if year < until)
        names = SURNAMES.split()
        if rng.random() < 0.85:
            # the same chief of mission signs a post's cables for a year
            return names[zlib.crc32(f"{meta.origin.station}{year}".encode()) % len(names)]
        return rng.choice(names)

    @staticmethod
    def _address_line(rng: random.Random) -> str:
        bureaus = BUREAUS.split()
        first, second = rng.sample(bureaus, 2)
        lead = rng.choice(("DEPARTMENT FOR", "STATE FOR", "DEPT FOR", "PASS TO"))
        if rng.random() < 0.5:
            return f"{lead} {first}"
        return f"{lead} {first} AND {second}"

    @staticmethod
    def _decl(meta: CableMeta) -> str:
        if meta.classification.startswith("UNCLASSIFIED"):
            return "N/A"
        until = meta.created + timedelta(days=365 * 10 - 1)
        return f"DECL: {until:%m/%d/%Y}"

    @staticmethod
    def _classified_by(rng: random.Random) -> str:
        role = rng.choice(ROLES.split("|"))
        first = rng.choice(FIRST_NAMES.split())
        last = rng.choice(SURNAMES.split()).title()
        reasons = rng.choice(("1.4 (b) and (d)", "1.4 (d)", "1.4 (b), (c) and (d)", "1.4 (c)"))
        return f"Classified By: {role} {first} {last} for reasons {reasons}."

    def _paragraphs(self, rng: random.Random, mark: str, topic: list[str]) -> str:
        target = rng.lognormvariate(BODY_LOG_MEDIAN, BODY_LOG_SIGMA)
        target = min(BODY_MAX_CHARS, max(BODY_MIN_CHARS, target))
        n_words = max(8, int(target / self.chars_per_word))
        n_par = max(1, min(20, round(n_words / rng.uniform(70, 140))))
        shares = [rng.uniform(0.5, 1.5) for _ in range(n_par)]
        total = sum(shares)
        words = self.vocab.draw_many(rng, n_words)
        # topic words recur through the text, as in a real report
        for _ in range(max(1, n_words // 60)):
            words[rng.randrange(n_words)] = rng.choice(topic)
        out: list[str] = []
        start = 0
        for k, share in enumerate(shares, 1):
            size = max(4, round(n_words * share / total))
            end = n_words if k == n_par else min(n_words, start + size)
            text = _sentences(rng, words[start:end] or [rng.choice(topic)])
            start = end
            if k == 1 and n_par >= 3 and rng.random() < 0.5:
                text = f"SUMMARY: {text} END SUMMARY."
            elif k == n_par and n_par >= 3 and rng.random() < 0.4:
                text = f"COMMENT: {text} END COMMENT."
            if k > 1 and rng.random() < 0.12:
                heading = " ".join(w.title() for w in self.vocab.draw(rng, rng.randint(1, 3)))
                rule = "-" * len(heading)
                out.append(f"{rule} {heading} {rule}")
            out.append(f"{k}. ({mark}) {text}")
        return " ".join(out)

    @staticmethod
    def _page_breaks(text: str, meta: CableMeta, pages: int) -> str:
        if pages < 2:
            return text
        pieces: list[str] = []
        start = 0
        for page in range(2, pages + 1):
            cut = text.find(" ", len(text) * (page - 1) // pages)
            if cut < 0:
                break
            pieces.append(text[start:cut])
            pieces.append(f"{meta.origin.station} {meta.serial:08d} {page:03d} OF {pages:03d}")
            start = cut + 1
        pieces.append(text[start:])
        return " ".join(pieces)

    def _header(self, rng: random.Random, meta: CableMeta, level: str) -> str:
        origin = meta.origin
        created = meta.created
        prec = PRECEDENCE.one(rng)
        word = PRECEDENCE_WORD[prec]
        others = [self.origins[k] for k in rng.sample(range(len(self.origins)), rng.randint(1, 6))]
        others = [o for o in others if o is not origin and o.station != "STATE"] or [
            self.origins[1]
        ]
        if origin.station == "STATE":
            to, info = others[0], others[1:]
            to_line = f"{to.rueh}/{to.fm}"
        else:
            info = others
            to_line = "RUEHC/SECSTATE WASHDC"
        routing = " ".join(o.rueh for o in info)
        julian = f"{created.timetuple().tm_yday:03d}{created:%H%M}"
        dtg = f"{created:%d%H%M}Z {MONTHS[created.month - 1]} {created:%y}"
        line = (
            f"VZCZCXRO{rng.randrange(10000):04d} {prec}{prec} {routing} DE {origin.rueh} "
            f"#{meta.serial % 10000:04d}/01 {julian} {CLASS_HEADER[level]} {prec} {dtg} "
            f"FM {origin.fm} TO {to_line} {word} {rng.randrange(1, 10000):04d}"
        )
        if info:
            line += " INFO " + " ".join(f"{o.rueh}/{o.fm} {word}" for o in info)
        return line


def _sentences(rng: random.Random, words: list[str]) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(words):
        sentence = words[pos : pos + rng.randint(6, 28)]
        pos += len(sentence)
        sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
        if len(sentence) > 10:
            sentence[rng.randrange(3, len(sentence) - 3)] += ","
        sentence[-1] += "."
        out.append(" ".join(sentence))
    return " ".join(out)


def _ref_line(refs: Sequence[CableMeta], year: int) -> str:
    """`A. BAGHDAD 003 B. 2008 BAGHDAD 4006`: the year is written only when it differs."""
    cited = []
    for ref in refs:
        if ref.created.year == year:
            cited.append(f"{ref.origin.station} {ref.serial:03d}")
        else:
            cited.append(f"{ref.created.year} {ref.origin.station} {ref.serial}")
    if len(cited) == 1:
        return cited[0]
    return " ".join(f"{chr(65 + k)}. {c}" for k, c in enumerate(cited))


def _executive_order(year: int) -> str:
    if year >= 1995:
        return "12958"
    return "12356" if year >= 1982 else "12065"


# --------------------------------------------------------------------------- corpus


def generate(
    out_dir: Path, count: int, seed: int = 42, start: int = 0, fmt: str = "pagetext"
) -> list[Path]:
    """Write cables `start` .. `start+count-1` under `out_dir`; returns their paths (for
    `csv`, the one file, appended to when `start` > 0)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    gen = Generator(seed)
    paths: list[Path] = []
    made: set[Path] = set()
    show = sys.stderr.isatty()
    began = time.monotonic()
    navigation = final_release_navigation(gen) if fmt == "html" else ""
    csv_out = None
    if fmt == "csv":
        out_dir.mkdir(parents=True, exist_ok=True)
        paths.append(out_dir / "cables.csv")
        csv_out = open(paths[0], "ab" if start else "wb")  # noqa: SIM115 (closed below)
    try:
        for number in range(start, start + count):
            cable = gen.cable(number)
            if csv_out is not None:
                csv_out.write(csv_row(cable, number + 1).encode("utf-8"))
            else:
                relpath = cable.relpath
                if fmt == "html":
                    relpath = Path("cable", relpath.with_suffix(".html"))
                    data = html_page(cable, navigation)
                else:
                    data = cable.text
                path = out_dir / relpath
                if path.parent not in made:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    made.add(path.parent)
                path.write_bytes(data.encode("utf-8"))
                paths.append(path)
            done = number - start + 1
            if show and done % 2000 == 0:
                rate = done / max(1e-9, time.monotonic() - began)
                print(f"\r{done:,}/{count:,} cables ({rate:,.0f}/s)", end="", file=sys.stderr)
    finally:
        if csv_out is not None:
            csv_out.close()
    if show and count >= 2000:
        print(file=sys.stderr)
    return paths


# --------------------------------------------------------------------------- real layouts


def real_layout(cable: GeneratedCable) -> tuple[str, str]:
    """(routing header, body) of a cable as the releases and cables.csv carry them: the
    header one line per routing field, the body in blocks (banner, E.O., TAGS, SUBJECT, REF,
    paragraphs, page markers) wrapped at LINE_WIDTH, with blank lines between."""
    lines = cable.text.split("\n")
    header_line, body_line = lines[4], lines[5]
    first, _, rest = header_line.partition(" ")
    header = first + "\n" + _HEADER_BREAKS.sub(lambda m: "\n" + m.group(1), rest)
    meta = cable.meta
    marker = re.compile(
        rf" ({re.escape(meta.origin.station)} {meta.serial:08d} \d{{3}} OF \d{{3}}) "
    )
    body = marker.sub(lambda m: "\n\n" + m.group(1) + "\n\n\n", body_line)
    body = _BODY_BREAKS.sub("\n\n", body)
    if body.endswith(" " + cable.signer):
        body = body[: -len(cable.signer) - 1] + "\n" + cable.signer
    blocks = [
        "\n".join(_wrap(line) for line in block.split("\n")) for block in body.split("\n\n")
    ]
    return header, "\n\n".join(blocks)


_HEADER_BREAKS = re.compile(r" (DE |Z[A-Z]{2} |[ZOPR]{1,2} \d{6}Z |FM |TO |INFO )")
_BODY_BREAKS = re.compile(
    r" (?=SIPDIS |E\.O\. |TAGS: |SUBJECT: |REF: |Classified By: "
    r"|\d{1,2}\. \((?:U|SBU|C|S|C/NF|S/NF)\) |-{3,} )"
)


def _wrap(line: str, width: int = LINE_WIDTH) -> str:
    # (textwrap.fill takes ~4x longer for a 7 KB body; this is plain greedy filling)
    out: list[str] = []
    current: list[str] = []
    used = -1
    for word in line.split(" "):
        if current and used + 1 + len(word) > width:
            out.append(" ".join(current))
            current, used = [], -1
        current.append(word)
        used += 1 + len(word)
    out.append(" ".join(current))
    return "\n".join(out)


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_PARAGRAPH_START = re.compile(r"^(\d{1,2})\. \(", re.MULTILINE)
_TAGS_LINE = re.compile(r"^TAGS: (.*)$", re.MULTILINE)


def html_page(cable: GeneratedCable, navigation: str) -> str:
    """A final-release Cable Viewer page of `cable` (see the module docstring)."""
    header, body = real_layout(cable)
    meta = cable.meta
    body = _html_escape(body)
    body = _TAGS_LINE.sub(
        lambda m: "TAGS: "
        + " ".join(f"<a href='/tag/{t}_0.html'>{t}</a>" for t in m.group(1).split()),
        body,
    )
    body = _PARAGRAPH_START.sub(
        lambda m: f"<a id='par{m.group(1)}' href='#par{m.group(1)}'>¶</a>{m.group(1)}. (",
        body,
    )
    created = meta.created
    released = datetime(2011, 8, 30, 1, 44) + timedelta(minutes=meta.number % 20_000)
    return (
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        "<html lang='en' xml:lang='en' xmlns='http://www.w3.org/1999/xhtml'>\n<head>\n"
        "<title>Cable Viewer</title>\n"
        "<link href='/static/css/cables.css' rel='stylesheet' type='text/css' />\n"
        "</head>\n<body>\n<div class='main'>\n"
        f"{navigation}"
        "<div class='pane big'>\n"
        f"<h3>Viewing cable {meta.refid}, {_html_escape(cable.subject)}</h3>\n"
        "<div>\nIf you are new to these pages, please read an introduction on the "
        "<a href=\"#help_1\">structure of a cable</a>.\n<br />\n</div>\n"
        "<table class='cable'>\n<tr>\n<th>Reference ID</th>\n<th>Created</th>\n"
        "<th>Released</th>\n<th>Classification</th>\n<th>Origin</th>\n</tr>\n<tr>\n"
        f"<td>\n<a href='/cable/{created:%Y/%m}/{meta.refid}.html'>{meta.refid}</a>\n</td>\n"
        f"<td>\n<a href='/date/{created:%Y-%m}_0.html'>{created:%Y-%m-%d %H:%M}</a>\n</td>\n"
        f"<td>\n<a href='/reldate/{released:%Y-%m-%d}_0.html'>{released:%Y-%m-%d %H:%M}</a>"
        "\n</td>\n"
        f"<td>\n<a href='/classification/1_0.html' title='x'>{meta.classification}</a>\n</td>\n"
        f"<td>\n<a href='/origin/1_0.html'>{_html_escape(meta.origin.name)}</a>\n</td>\n"
        "</tr>\n</table>\n"
        f"<code><pre>{_html_escape(header).replace(chr(10), '&#x000A;')}</pre></code>\n"
        f"<code><pre>{body.replace(chr(10), '&#x000A;')}</pre></code>\n"
        "</div>\n</div>\n"
        "<script src='/static/js/cables.js' type='text/javascript'></script>\n"
        "</body>\n</html>\n"
    )


def final_release_navigation(gen: Generator) -> str:
    """The final release's left pane: release counter, then links to browse by release date,
    creation month, classification, origin and TAGS, to NAVIGATION_BYTES (one string for every
    page, as in the release)."""
    parts = [
        "<div class='pane small'>\n<a href='/index.html'>\n"
        f"<p>Currently released so far... {REAL_TOTAL} / {REAL_TOTAL:,}</p>\n</a>\n"
        "<div id='browse'>\n<h3>Browse latest releases</h3>\n<div class='sort'>\n"
    ]
    day = datetime(2010, 11, 28)
    for _ in range(311):
        parts.append(f"<a href='/reldate/{day:%Y-%m-%d}_0.html'>{day:%Y/%m/%d}</a>\n")
        day += timedelta(days=1)
    parts.append("</div>\n<h3>Browse by creation date</h3>\n")
    for year in YEAR_WEIGHTS:
        parts.append(f"<div class='sort' id='year_{year}'>\n")
        parts += [
            f"<a href='/date/{year}-{m:02d}_0.html'>{year}/{m:02d}</a>\n" for m in range(1, 13)
        ]
        parts.append("</div>\n")
    parts.append("<h3>Browse by origin</h3>\n<div class='sort'>\n")
    parts += [f"<a href='/origin/{k}_0.html'>{o.name}</a>\n" for k, o in enumerate(gen.origins)]
    parts.append("</div>\n<h3>Browse by tag</h3>\n<div class='sort'>\n")
    tags = list(subject_tags().items) + list(country_tags())
    size = sum(map(len, parts))
    k = 0
    while size < NAVIGATION_BYTES:
        tag = tags[k % len(tags)] + ("" if k < len(tags) else str(k // len(tags)))
        link = f"<a href='/tag/{tag}_0.html'>{tag}</a>\n"
        parts.append(link)
        size += len(link)
        k += 1
    parts.append("</div>\n</div>\n</div>\n")
    return "".join(parts)


def _csv_field(value: str) -> str:
    # the community file escapes quotes and apostrophes with a backslash
    return '"' + value.replace("\\", "/").replace('"', '\\"').replace("'", "\\'") + '"'


def csv_row(cable: GeneratedCable, row_number: int) -> str:
    """One cables.csv row of `cable` (see the module docstring)."""
    header, body = real_layout(cable)
    meta = cable.meta
    c = meta.created
    fields = (
        str(row_number),
        f"{c.month}/{c.day}/{c.year} {c.hour}:{c.minute:02d}",
        meta.refid,
        meta.origin.name,
        meta.classification,
        "|".join(cable.references),
        header,
        body,
    )
    return ",".join(map(_csv_field, fields)) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--format", choices=FORMATS, default="pagetext")
    args = parser.parse_args(argv)
    began = time.monotonic()
    paths = generate(args.out_dir, args.count, args.seed, args.start, args.format)
    seconds = time.monotonic() - began
    size = sum(p.stat().st_size for p in paths)
    per_second = 1 / max(seconds, 1e-9)
    print(
        f"{len(paths):,} cables, {size:,} bytes ({size / 1e6:,.1f} MB) in {seconds:.1f} s "
        f"({len(paths) * per_second:,.0f} cables/s, {size / 1e6 * per_second:.1f} MB/s)"
    )
    return 0


# --------------------------------------------------------------------------- word lists

BUREAUS = """
NEA/I NEA/IR NEA/ELA NEA/ARP NEA/MAG NEA/IPA EUR/WE EUR/CE EUR/NB EUR/SCE EUR/RUS EUR/UMB
EUR/CARC EUR/ERA EUR/PGI WHA/AND WHA/BSC WHA/CEN WHA/MEX WHA/CAR WHA/EPSC EAP/CM EAP/J EAP/K
EAP/MLS EAP/MTS EAP/ANP SCA/A SCA/PB SCA/INS SCA/CEN AF/E AF/S AF/W AF/C AF/SPG ISN/RA ISN/NESS
INR/B INR/TNA DRL/NESCA EEB/TPP EEB/ESC PM/RSAT PRM/ANE CA/OCS INL/LP S/CT S/P NSC USTR OSD
"""

ROLES = (
    "Ambassador|Charge d'Affaires|Deputy Chief of Mission|DCM|Political Counselor"
    "|Acting Political Counselor|Pol-Mil Counselor|Economic Counselor|PolOff|Consul General"
    "|Principal Officer|A/DCM|Political Officer|Acting Deputy Chief of Mission"
)

FIRST_NAMES = """
James John Robert Michael William David Richard Charles Joseph Thomas Christopher Daniel Paul
Mark Donald George Kenneth Steven Edward Brian Ronald Anthony Kevin Jason Matthew Gary Timothy
Jose Larry Jeffrey Frank Scott Eric Stephen Andrew Raymond Gregory Joshua Jerry Dennis Walter
Patricia Mary Linda Barbara Elizabeth Jennifer Maria Susan Margaret Dorothy Lisa Nancy Karen
Betty Helen Sandra Donna Carol Ruth Sharon Michelle Laura Sarah Kimberly Deborah Jessica
Philip Alan Marcie Gene Roberta Hugo Stuart Nicholas Cynthia Gerald Ryan Dana Vincent Janet
"""

SURNAMES = """
SMITH JOHNSON WILLIAMS BROWN JONES MILLER DAVIS WILSON ANDERSON TAYLOR THOMAS MOORE MARTIN
JACKSON THOMPSON WHITE HARRIS CLARK LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT HILL
GREEN ADAMS NELSON BAKER HALL CAMPBELL MITCHELL CARTER ROBERTS PHILLIPS EVANS TURNER PARKER
COLLINS EDWARDS STEWART MORRIS MURPHY COOK ROGERS MORGAN COOPER PETERSON REED BAILEY BELL
KELLY HOWARD WARD COX RICHARDSON WOOD WATSON BROOKS BENNETT GRAY HUGHES PRICE SANDERS MYERS
LONG ROSS FOSTER POWELL JENKINS PERRY RUSSELL SULLIVAN FISHER HAYES MCDONALD PATTERSON
BUTENIS CROCKER KHALILZAD PATTERSON NEUMANN HILL FELTMAN WELCH RICCIARDONE JEFFREY DUNCAN
MULFORD ROEMER FREEMAN EIKENBERRY WOOD CHAPMAN BURNS BEYRLE HOAGLAND KUBISKE SOBEL WAYNE
SCHIEFFER TEFFT FORD LEBARON SISON GODEC MCCARTHY LOFTIS JORDAN BOUCHER CUNNINGHAM WHITMAN
HOLMES GREENLEE DURKEE FULTON KENNEY MARSHALL RASPOLIC TATE SEARS GARVEY BARKS POLASCHIK
HARTWICK WHITTEN HUDDLESTON DODMAN STEPHENSON ROWE CRETZ ABERCROMBIE LEONARD
"""

PLACE_WORDS = """
Iran Iranian Iranians Iraq Iraqi Iraqis Iceland Icelandic Dubai Brazil Brazilian Brazilians
Libya Libyan Libyans Spain Spanish India Indian Indians Costa Rica Rican Netherlands Dutch
Egypt Egyptian France French Russia Russian Russians China Chinese Turkey Turkish Pakistan
Pakistani Afghanistan Afghan Afghans Syria Syrian Lebanon Lebanese Israel Israeli Israelis
Palestinian Palestinians Germany German Italy Italian UK British Britain Japan Japanese Korea
Korean Mexico Mexican Venezuela Venezuelan Colombia Colombian Cuba Cuban Argentina Argentine
Chile Chilean Peru Peruvian Bolivia Bolivian Ecuador Saudi Arabia Yemen Kuwait Qatar Bahrain
Jordan Jordanian Morocco Moroccan Algeria Algerian Tunisia Sudan Sudanese Somalia Ethiopia
Kenya Nigeria Nigerian Zimbabwe Africa African Europe European Asia Asian America American
Americans Latin Kosovo Serbia Serbian Georgia Georgian Ukraine Ukrainian Armenia Azerbaijan
Kazakhstan Uzbekistan Turkmenistan Kyrgyzstan Tajikistan Burma Burmese Thailand Thai Vietnam
Indonesia Indonesian Philippines Malaysia Sri Lanka Nepal Bangladesh Canada Canadian
Australia Australian Sweden Swedish Norway Norwegian Denmark Danish Finland Poland Polish
Greece Greek Cyprus Belgium Austria Swiss Portugal Ireland Eritrea Basra Kurdish Kurdistan
"""

ORIGINS = """
800|Secretary of State||STATE|SECSTATE WASHDC
790|Embassy Ankara|TU
670|Embassy Baghdad|IZ
570|Embassy Tokyo|JA
420|Embassy Kabul|AF
390|Embassy Beijing|CH
380|Embassy Paris|FR
360|Embassy Moscow|RS
350|Embassy Tel Aviv|IS
340|Embassy Amman|JO
330|Embassy Islamabad|PK
320|Embassy Seoul|KS
310|Embassy Cairo|EG
300|Embassy Caracas|VE
300|Embassy Beirut|LE
300|Embassy Mexico|MX
300|Embassy New Delhi|IN
290|American Institute Taiwan, Taipei|TW|AIT TAIPEI|AIT TAIPEI
280|Embassy London|UK
280|Embassy Kuwait|KU
280|Embassy Bogota|CO
270|Embassy Berlin|GM
270|Embassy Brasilia|BR
260|Embassy Rome|IT
250|Embassy Madrid|SP
250|Embassy Buenos Aires|AR
250|Embassy Bangkok|TH
230|Embassy Ottawa|CA
220|USUN New York|UNSC|USUN NEW YORK|USMISSION USUN NEW YORK
210|Embassy Riyadh|SA
210|Embassy Abu Dhabi|AE
200|Embassy Jakarta|ID
200|Embassy Manila|RP
200|Embassy Nairobi|KE
200|Embassy Khartoum|SU
200|Embassy Addis Ababa|ET
200|US Interests Section Havana|CU|HAVANA|USINT HAVANA
200|Consulate Hong Kong|HK|HONG KONG|AMCONSUL HONG KONG
180|Embassy Brussels|BE
180|Embassy The Hague|NL
170|Embassy Vienna|AU
170|Embassy Athens|GR
170|Embassy Kyiv|UP
170|Embassy Tbilisi|GG
160|Embassy Astana|KZ
160|Embassy Baku|AJ
160|Mission USNATO|NATO|USNATO|USMISSION USNATO
160|USEU Brussels|EU|USEU BRUSSELS|USEU BRUSSELS
150|US Mission Geneva|SZ|GENEVA|USMISSION GENEVA
150|UNVIE|IAEA|UNVIE VIENNA|USMISSION UNVIE VIENNA
150|Embassy Sofia|BU
150|Embassy Pretoria|SF
150|Embassy Rabat|MO
150|Embassy Sanaa|YM
150|Embassy Damascus|SY
150|Embassy Manama|BA
150|Embassy Kuala Lumpur|MY
150|Embassy Tripoli|LY
140|Embassy Abuja|NI
140|Embassy Lima|PE
140|Embassy La Paz|BL
140|Embassy Quito|EC
140|Embassy Santiago|CI
130|Embassy Harare|ZI
130|Embassy Colombo|CE
130|Embassy Dhaka|BG
130|Embassy Kathmandu|NP
130|Embassy Hanoi|VM
130|Embassy Rangoon|BM
130|Embassy Tashkent|UZ
120|Embassy Tunis|TS
120|Embassy Algiers|AG
120|Embassy Doha|QA
120|Embassy Muscat|MU
120|Embassy Stockholm|SW
120|Embassy Oslo|NO
120|Embassy Copenhagen|DA
120|Embassy Helsinki|FI
120|Embassy Warsaw|PL
120|Embassy Prague|EZ
120|Embassy Budapest|HU
120|Embassy Bucharest|RO
120|Embassy Belgrade|SR
120|Embassy Pristina|KV
120|Embassy Sarajevo|BK
120|Embassy Zagreb|HR
120|Embassy Lisbon|PO
120|Embassy Dublin|EI
120|Embassy Bern|SZ
110|Embassy Canberra|AS
110|Embassy Wellington|NZ
110|Embassy Singapore|SN
110|Embassy Phnom Penh|CB
110|Embassy Dushanbe|TI
110|Embassy Bishkek|KG
110|Embassy Ashgabat|TX
110|Embassy Yerevan|AM
110|Embassy Minsk|BO
110|Embassy Chisinau|MD
110|Embassy Skopje|MK
110|Embassy Tirana|AL
110|Embassy Nicosia|CY
110|Embassy Vatican|VT
110|Embassy Managua|NU
110|Embassy Tegucigalpa|HO
110|Embassy Guatemala|GT
110|Embassy San Salvador|ES
110|Embassy San Jose|CS
110|Embassy Panama|PM
110|Embassy Santo Domingo|DR
110|Embassy Port Au Prince|HA
110|Embassy Montevideo|UY
110|Embassy Asuncion|PA
100|Embassy Kinshasa|CG
100|Embassy Kampala|UG
100|Embassy Kigali|RW
100|Embassy Dar Es Salaam|TZ
100|Embassy Lusaka|ZA
100|Embassy Maputo|MZ
100|Embassy Luanda|AO
100|Embassy Accra|GH
100|Embassy Dakar|SG
100|Embassy Bamako|ML
100|Embassy Niamey|NG
100|Embassy Ndjamena|CD|NDJAMENA
100|Embassy Nouakchott|MR
100|Embassy Ouagadougou|UV
100|Embassy Abidjan|IV
100|Embassy Monrovia|LI
100|Embassy Freetown|SL
100|Embassy Conakry|GV
100|Embassy Asmara|ER
100|Embassy Djibouti|DJ
100|Embassy Riga|LG
100|Embassy Vilnius|LH
100|Embassy Tallinn|EN
100|Embassy Reykjavik|IC
100|Embassy Ljubljana|SI
100|Embassy Bratislava|LO
100|Embassy Luxembourg|LU
100|Embassy Valletta|MT
100|Embassy Podgorica|MW
100|Embassy Ulaanbaatar|MG
100|Embassy Vientiane|LA
90|Embassy Bujumbura|BY
90|Embassy Bangui|CT
90|Embassy Brazzaville|CF
90|Embassy Yaounde|CM
90|Embassy Libreville|GB
90|Embassy Malabo|EK
90|Embassy Lome|TO
90|Embassy Cotonou|BN
90|Embassy Banjul|GA
90|Embassy Bissau|PU
90|Embassy Praia|CV
90|Embassy Antananarivo|MA
90|Embassy Port Louis|MP
90|Embassy Lilongwe|MI
90|Embassy Gaborone|BC
90|Embassy Windhoek|WA
90|Embassy Maseru|LT
90|Embassy Mbabane|WZ
90|Embassy Kingston|JM
90|Embassy Georgetown|GY
90|Embassy Paramaribo|NS
90|Embassy Belmopan|BH
90|Embassy Nassau|BF
90|Embassy Bridgetown|BB
90|Embassy Port Of Spain|TD
90|Embassy Suva|FJ
90|Embassy Port Moresby|PP
90|Embassy Dili|TT
90|Embassy Bandar Seri Begawan|BX
60|Embassy Kolonia|FM
60|Embassy Majuro|RM
60|Embassy Koror|PS
60|Embassy Apia|WS
60|Embassy Moroni|CN
60|Embassy Victoria|SE
50|Embassy Mogadishu|SO
50|Embassy Tehran|IR
50|Embassy Bonn|GM
50|Embassy Almaty|KZ
150|Iran RPO Dubai|IR|RPO DUBAI|AMCONSUL RPO DUBAI
130|Consulate Istanbul|TU
120|Consulate Adana|TU
130|Consulate Jerusalem|KWBG
120|Consulate Jeddah|SA
100|Consulate Dhahran|SA
130|Consulate Dubai|AE
130|Consulate Karachi|PK
120|Consulate Lahore|PK
120|Consulate Peshawar|PK
130|Consulate Mumbai|IN
110|Consulate Chennai|IN
100|Consulate Kolkata|IN
100|Consulate Hyderabad|IN
200|Consulate Shanghai|CH
150|Consulate Guangzhou|CH
120|Consulate Shenyang|CH
120|Consulate Chengdu|CH
120|Consulate Osaka Kobe|JA
100|Consulate Naha|JA
80|Consulate Sapporo|JA
80|Consulate Fukuoka|JA
80|Consulate Nagoya|JA
80|Consulate Busan|KS
90|Consulate Chiang Mai|TH
100|Consulate Ho Chi Minh City|VM
80|Consulate Surabaya|ID
120|Consulate Frankfurt|GM
100|Consulate Munich|GM
90|Consulate Hamburg|GM
80|Consulate Leipzig|GM
80|Consulate Dusseldorf|GM
100|Consulate Milan|IT
80|Consulate Florence|IT
80|Consulate Naples|IT
100|Consulate Barcelona|SP
80|Consulate Marseille|FR
80|Consulate Strasbourg|FR
100|Consulate Montreal|CA
100|Consulate Toronto|CA
90|Consulate Vancouver|CA
80|Consulate Calgary|CA
80|Consulate Halifax|CA
80|Consulate Quebec|CA
120|Consulate Monterrey|MX
110|Consulate Guadalajara|MX
110|Consulate Tijuana|MX
110|Consulate Ciudad Juarez|MX
100|Consulate Matamoros|MX
100|Consulate Nuevo Laredo|MX
90|Consulate Hermosillo|MX
90|Consulate Merida|MX
90|Consulate Nogales|MX
150|Consulate Sao Paulo|BR
130|Consulate Rio De Janeiro|BR
90|Consulate Recife|BR
100|Consulate Guayaquil|EC
80|Consulate Auckland|NZ
90|Consulate Sydney|AS
80|Consulate Melbourne|AS
80|Consulate Perth|AS
100|Consulate Johannesburg|SF
90|Consulate Cape Town|SF
80|Consulate Durban|SF
120|Consulate Lagos|NI
110|Consulate Casablanca|MO
80|Consulate Alexandria|EG
90|Consulate Krakow|PL
110|Consulate St Petersburg|RS
100|Consulate Yekaterinburg|RS
100|Consulate Vladivostok|RS
90|Consulate Thessaloniki|GR
80|Consulate Ponta Delgada|PO
80|Consulate Curacao|NA
80|Consulate Hamilton|BD
80|Consulate Belfast|UK
80|Consulate Edinburgh|UK
80|Consulate Amsterdam|NL
90|REO Basrah|IZ|BASRAH|REO BASRAH
80|REO Hillah|IZ|HILLAH|REO HILLAH
80|REO Kirkuk|IZ|KIRKUK|REO KIRKUK
80|REO Mosul|IZ|MOSUL|REO MOSUL
100|Mission USOSCE|OSCE|USOSCE|USMISSION USOSCE
90|US Mission to the OECD|OECD|USOECD PARIS|USMISSION USOECD PARIS
80|US Mission UNESCO|UNESCO|UNESCO PARIS|USMISSION UNESCO PARIS
90|US Mission USUN Rome|UN|UN ROME|USMISSION UN ROME
90|US Delegation, Secretary||PARTO|USDEL SECRETARY
80|Mission CD Geneva|PARM|CD GENEVA|USMISSION CD GENEVA
"""

SUBJECT_TAGS = """
PREL:2165 PGOV:1782 ECON:627 PTER:519 PHUM:510 PINR:435 MARR:284 MOPS:254 EFIN:235 PARM:218
ETRD:215 ENRG:211 KDEM:181 MASS:176 EAID:174 PINS:163 ASEC:152 EINV:151 SOCI:138 KNNP:137
SNAR:134 ETTC:123 KPAO:112 NATO:109 EPET:109 KCRM:107 SENV:82 KISL:77 PREF:75 MNUC:75 EAGR:69
KJUS:58 ELAB:56 SCUL:56 CASC:54 EAIR:53 CVIS:52 OPRC:51 UNGA:50 OVIP:49 KPAL:47 KMDR:47 MCAP:44
AORC:44 KCOR:43 TRGY:42 UNSC:39 KSCA:38 AEMR:36 KIRF:32 IAEA:32 SMIG:31 KWMN:30 KWBG:29 PBTS:29
ARAB:29 KIPR:28 KPKO:28 KTFN:27 EWWT:27 EIND:25 OIIP:25 TBIO:24 AMGT:22 KTIP:22 KGHG:20 KFRD:20
ECIN:19 ECPS:18 TSPL:17 NSSP:17 KTIA:16 OREP:16 EFIS:14 OTRA:13 CMGT:13 TSPA:13 KGIC:12 PROP:12
BEXP:12 PHSA:12 ABLD:12 KAWC:10 FTAA:10 KHLS:9 KSUM:9 APER:9 OEXC:9 KFLU:9 AFIN:8 KRAD:8 EMIN:8
KDRG:8 PINT:8 TPHY:8 KUNR:7 SHIA:7 OPDC:6 ELTN:6 KOMC:6 IRAN:6 CJAN:5 KSPR:5 BTIO:5 AMED:5
KSTC:5 PNAT:5 CPAS:5 OSCE:4 KCFE:4 KBCT:4 KAWK:4 FARC:4 INRB:4 KACT:4 KPRP:4 NIPP:4 ICRC:4
KSTH:4 KSEP:4 TNGD:4 ENGR:4 KMCA:4 ODIP:4 KBIO:3 OFDP:3 KHIV:3 NASA:3 WTRO:3 KGIT:3 KOLY:3
OPCW:3 ICTY:2 EINT:2 KLIG:2 ICAO:2 PFOR:2 KIDE:2 PEPR:2 TINT:2 KCIP:2 KPLS:2 KHUM:2 USUN:2
KINR:2 NBTS:2 KNEI:2 ASIG:2 UNDP:2 HURI:2 ABUD:2 ASUP:2 KVPR:2
"""

VOCABULARY = """
the to and of in a that for on with is he as be by was not has would from it are said will have
his this an at had but government its or their also we they which Iran been were President more
security other political about end Minister new state Ambassador there who I us if one could no
support all foreign Summary over some two these may al any such meeting military while
international national party our public told out should than officials noted up Comment only
between Iraq however against issues during including both most economic note into time states
USG Brazil general when issue after policy visit well can efforts Secretary first Iranian under
do cooperation EU many Embassy country law what now defense India information nuclear them
United him year did recent through made Ministry according work need police years so people
countries she since agreement Russia even because take rights Libya process SECTION relations
how asked Iraqi make press program forces post elections French China Council three Afghanistan
members continue development group current leaders office likely although does assistance
Iceland case percent those several within former high see GOI Director Pakistan decision before
human long January regional very use local role being still media provide working France
relationship million reasons level election oil Dutch possible opposition last agreed UK part
energy leader control important must key power UN Deputy system like her further February chief
Prime March much future report Brazilian next region among bilateral position Spain expressed
action financial number Russian where based Affairs own leadership situation stated concerns
October strong response way given help without plans areas following then business regarding
BAGHDAD same operations Department June committee December clear groups whether training world
change de plan place American trade community interest force term non added GOB bank coalition
might senior September met November Libyan company Egypt reported July major day order official
trafficking terrorism good despite parties MFA Spanish past Lula request member continued
another you Indian months recently concern point reports dialogue regime already anti companies
back progress North legal potential TRIPOLI date gas intelligence European Washington conference
border additional Sarkozy April air approach view mission forward Congress significant
activities close contacts believe social Charge problem domestic meetings August provided South
staff down negotiations currently services cases influence called crisis joint Venezuela second
positive corruption remains remain reform used want private programs sector Chinese investment
central threat problems focus particularly pressure deal increase open just include Israel yet
four large effort early needs move Turkey until administration women presidential able economy
Arab reason few team market lack get received claimed right weapons center due message suggested
rather access especially interests area justice court difficult left contact off less come
discussion views project presence meet needed related Chavez terrorist talks civil address far
engagement discuss DUBAI parliament lead expected better taken strategy return Ahmadinejad
making campaign Icelandic authorities Cuba sensitive Delhi increased peace described attacks
example violence special Africa each become believes money head Qadhafi though Islamic others
noting fact too war reportedly stressed importance five addition result explained production
London week held strategic full little BRASILIA points discussions ties statement proposed East
poloff greater health Europe victims billion organization involved drug led days priority
opportunity pass best representatives Saudi actions least labor Sunni go diplomatic projects
society counter status middle six steps resources cabinet set re army USD family run
organizations Commission continues commitment GOL release advisor put serious city small
delegation measures saying name industry PARIS EUR line Tehran service proposal personal
enforcement el appears question provincial allow review offer global exchange real publicly
taking announced seen concerned specific raised start summit necessary discussed article budget
follow present Governor internal arms university toward ensure Vice NEA planning democracy
previous having authority third evidence vote democratic officer attack Mexico UAE Syria focused
Muslim soon along offered policies critical cannot later USAID outside personnel crime
infrastructure course list technology presidency officers Interior resolution give DCM growing
travel unit your keep again often movement sanctions constitution Iranians himself missile
building UNCLAS capacity export per took funding impact wants federal together ability indicated
agenda believed ministers Costa investigation source King population call seek Zapatero
equipment western direct education similar responded participation majority reporting MADRID
engage confirmed technical statements directly free finance here Supreme comments America CAIRO
Moscow side province share emphasized GOC GOE considered results late near hard step success
Afghan itself effective troops leading REYKJAVIK period agency limited Karzai available Dr
providing commercial protection base governments terms partners short politics coordination face
improve around representative included board letter Ali once food successful details seeking
either bring develop using civilian Union common particular conflict religious weeks find argued
committed relief wanted maintain independent attention trying fuel matter Paulo Sao Chairman
sources say month top urged land TIP legislation Putin British changes transfer management
requested play low news risk clearly conditions throughout candidate funds criminal front
initiative Germany prior consider Egyptian begin institutions great home Assembly Obama protect
done earlier water Colombia create Pakistani children West desire times text going stability
known final different implementation medical GOP various agencies visa requests thought
increasing events questions Palestinian Taliban citizens build show never parliamentary
individuals shared approximately detainees speech positions GOS sides organized cable Israeli
planned coming debate Counselor increasingly NGOs instead accept prevent please Netherlands aid
hold possibility activity claims looking goal required know acknowledged draft act construction
main MOD ongoing avoid operation hand willing upcoming upon growth airport challenges armed
price banks African expect elements established event nations assessment closely German HAGUE
responsible behind look language Vatican confidence thus quickly immediate levels decisions hope
longer involvement why signed aircraft Islam fund means developing receive active found
encourage enough partner largely popular van pointed facilities total agreements reaction
illegal largest overall environment PRT Shia climate continuing trip beyond every interested
opportunities alliance sign district challenge workers Turkish Korea Venezuelan perhaps away
respect certain Kosovo began fight electoral understand towards idea almost laws effect tax
attempt criticism approval data prison fully doing themselves generally basis acting supported
internet appropriate separate commander reach old numbers ready candidates Italy establish
opinion agree aware think form terrorists northern host pro Lebanon Bolivia sent appear probably
reconstruction Treasury Talabani Cuban Italian sharing IRGC seems moving previously pay cost
Hamas humanitarian across raise allowed whom judicial Rica consensus experts leave win
partnership released young alleged threats mentioned commented prepared allies combat Morales
experience fall contract range Brown Assistant participants came life prices asserted Georgia
half session therefore supporting forced systems immediately ago research initial persons
understanding Jose reiterated poor beginning Latin command ground rule responsibility failed
above ways via negative goals specifically higher worked regard unlikely interlocutors Haiti
individual narcotics send try field house institution round daily solution Arabia participate
turn calls announcement delivered coverage paper reforms NSC constitutional site independence
approved executive conversation proliferation NGO Chile initiatives sales informed incident WHA
visits proposals job Islamabad facility sense natural bill owned mid existing Kirkuk emergency
th ahead BJP observed issued treaty Argentina Khamenei Kabul primary passed appeared care
figures adding nor Rio framework scheduled youth willingness hoped hopes engaged favor capital
arrest gave firm students conduct cited Swiss promote Kurdish voters PolCouns reduce southern
earthquake Beijing respond concluded brought stop vetting push judge hours families conservative
treatment went history permanent assist capabilities advance lost supply death highly provides
finally demand freedom arrested attend value guard ministries heard formal require Gaza Maliki
sought presented improved nothing membership identified lower secure child whose relatively la
Burns getting sees served charges exports politically serve man something remained operating men
detention requirements Republic strongly assets opening implement Senator space broad Singh
complained visas spoke decided Mr Kurds criticized complete simply created resolve Abu document
co observers replied investigations operational always eastern welcomed promised costs benefits
Burma context visited network priorities nature sale credit Commerce gov strengthen Church
Medvedev establishment Mosul mass record port employees Uribe rank claim profile Asia shelter
talk birth communities calling predicted school immigration includes Sudan mandate cash firms
HMG light Gulf benefit today distribution IMF Iraqis ISAF website nearly David IRPO Moratinos
septel fear expand procedures trial ethanol self crimes makes stay REO neither seemed
politicians cause failure mayor broader won developed judges fighting stage REL Ahmed DAS
reached supporters track encouraged drugs Prince Amorim rate ever remarks effectively property
alternative series wide goods accused lines person seven personally tell BERLIN pursue true
Mubarak bad DOB developments welcome chair basic saw exercise Khatami intended RPO traditional
prosecutor elected don followed objectives DPRK standing son cultural commitments electricity
Musharraf primarily controls neighbors jobs debt options Erdogan ruling returned financing
Jordan Morocco things prominent ethnic victory join purchase outreach ten safety contracts
Megrahi pipeline pre supports Garcia intentions material cut target agriculture Pol entire
outcome transition San equivalent Saif bid highlighted Muslims CDA parts gain trust affected
below possibly single supplies Libyans eight task markets documents unable Syrian legislative
viewed Sheikh IRIG felt allegations Americans traffic background annual ministerial Japan
assured killed MEA science talking produce got considering counterterrorism fraud speak Mohamed
phone referendum flights Russians facilitate account analysis Saddam nation Ecuador obtain polls
suggest became cooperate agricultural demarche useful larger monitoring paragraph Hizballah
direction opposed launch linked Bush takes centers conducted transportation says comprehensive
Colombian amount tried transparency Mohammed widely controlled accompanied external closed
involving Mousavi improving matters let plus cover subsequent negotiating attended residents
seem division phase Commissioner moderate Kusa model removed integration banking association
latest dispute associated DEA expansion holding stand protests keeping tribal Azerbaijan extent
actually customs products street guidance nonetheless becoming Institute protocol Chalabi comes
Ukraine laundering entities reconciliation maintained Qatar attempts unity units counterparts
seat Lebanese piracy cleared dealing allowing refused closer Nevertheless warned recommendations
governance remaining MOI CROCKER John repeatedly consultations seats estimated published
interview appeal understood insisted creating Rome culture deliver study deployment uranium
ultimately extremely class friends items obligations cross environmental payments Saleh AKP
spent paid practice big delay deep achieve revolution structure Castro road differences
communication perceived camp turning inter summer test Convention eventually York borders chance
DART detained identify visiting separately indicate MNF para determine abroad smuggling inside
essential damage contrast prospects demonstrate territory turned NOC rest completed schools
cautioned links Secretariat advisors tourism successfully expects seriously table invited
transport helpful anything father Guantanamo businesses ISN ask Affaires red capability
activists placed Navy opened declared performance plant rules significantly sufficient numerous
implementing encouraging Econoff credible explain running indeed rise GOF Arabs flight strike
prisoners Zelaya potentially actively moved pressed provinces suspected traffickers pending
addressed advantage outlined Robert denied concrete Somalia alone option diplomats determined
detailed Berlusconi figure room rates Pope feel foundation unclear peaceful disarmament regular
accepted Christian fire carry coordinated Bahrain helped communications degree transit sometimes
violations designed expanding UPA characterized behavior GoA leaving intention addressing
soldiers refugees live missions administrative elsewhere extremist represent terror Kuwait
tensions begun code contributions violent forum newspaper principal apparently balance offers
hosted Clinton Zardari CARACAS opined scale materials caused television entry weak cities
indigenous Attorney Ba ban corrupt hands INR Dirceu radical image living white Rafsanjani League
thinking brief seeks appointed spending departure revolutionary accounts repeated industrial
written ideas articles Soliman rumors Labour Yemen started stating credibility establishing
citing changed block Chamber standards story generation housing highest quality Sunnis
coordinate kind maintaining monitor promoting restrictions camps vision located MAG Bot Haarde
heavy manner analysts multi recognize sites relationships Holy offices withdrawal powers
employment sell accord giving Moreover operate briefed Geneva doubt convinced perception protest
sectors congressional speaking fiscal consistent purpose Baku factors incidents enter station
English CODEL Kouchner green Gisladottir negotiate relevant Socialist buy considerable votes
appointment corps practices rice powerful apparent named refs IPR Bolivian Majles pleased
prosecution donors none core extremists signs investments hospital petroleum http confident
works nine targets location receiving privately break quick slow showed creation liaison
referred Havana faces NPT UNSCR measure whole concerning compromise demonstrated peacekeeping
mutual ally extensive VARIG bringing sgov moment flow speaker demands investors replace Jahmi
occurred played consequences journalists minority hear expanded admitted confidential
implemented limit choice targeted requires worried investigate signing initially shift thanked
diplomacy recognition recognized joined Brussels vehicles tactics aviation names facing murder
delivery Allawi certainly normal age exchanges extremism courts consideration MRE CRETZ CoR
carried express circumstances Poland insurgency Abdullah difficulties Sobel suggests absence
content regions package responding Kashmir emboffs engaging aimed intends da mostly concept
asking Catholic Ankara me speculation latter zone channels allegedly UNHCR constructive
Netanyahu Moroccan connection perspective reflect informal Coordinator car contribution identity
vehicle reviewed really signal regulations underscored elite intervention raising tough hour Ben
behalf secret built recovery notes occur oppose mil Calderon MbZ disaster produced professor
standard competition knows focusing scandal FDP widespread remove missiles advice citizen
regularly Panama funded enrichment sea average dollars principles conversations legitimate GOR
update Senate Satterfield CSU KRG Meanwhile cell urge income frequently knowledge type
Palestinians Chancellor starting resistance discussing rural multiple Canada frustration
exercises sure Carlos Qaeda governing gone insurgents town institutional urban provision
briefing learned shares manager aspects resolved inflation channel condition DHS Kirchner abuse
advised worth returning strength dismissed deployed strengthening GOM GDP launched dangerous
demonstrations reaching loss charged rejected excellent my heads fair combined Mexican sub
Additionally networks reduction lose scenario impossible nationals affect Sri Balkenende
resulted compared tour substantial complex loan aside sponsored provisions AIDS optimistic
businessman Fernandez reduced colleagues body unless radio scope RSO fears Kingdom sexual
prostitution manage carefully helping shortly trend judiciary CPI Taiwan multilateral
subsequently drafting suggesting influential undermine messages referring Barzani Ninewa
claiming directed mechanism completely Merkel substantive recommended Serbia appreciation
Petrobras read factor invitation era gasoline unemployment praised shipment wife exploration
decide ensuring liberal threatened coast questioned illicit Muammar Anbar battle timing newly
interference rising Communist imports evening otherwise refugee ownership Westerwelle VOORST
Saran proceed faced Algeria combating districts happen knew migration warning envoy resolutions
implications prosecutors ambassadors Buenos complaints everyone temporary topic objective
professional Bangladesh contribute risks origin title black walk MULFORD quite intent acts Royal
helicopters Amb cocaine TNK reducing offering represented copy detail militants reputation
dinner Mumbai Nepal arrival extended satellite principle participated values controversial
minimize subsidies everything transfers Khan ETA assurances Copenhagen Ivoire Sadr showing
supportive somewhat mean Ibrahim submitted mixed coup municipal Kim deals fighters link
practical pursuing currency DRL MPs regardless posts Leon Shannon Jafari SDA physical worse
reality deputies sending defeat represents Mohammad stock waiting Chirac revenue DOE embassies
ITG passport safe pressing coordinating attempted renewed Consulate formally permit MANPADS QDF
transparent convince expectations conclusion officially friend schedule Gamal student deadline
victim governmental Le succeed heavily original purposes holds tone ports words goes spokesman
Soviet euros visitors industries lunch changing settlement revenues Aires Brazilians answer
investigating wing connected stronger eager estimates pledged Ahmadi interagency Gen productive
draw finding deeply capable kept pushing lives crossing thing stance Itamaraty CDU Kenya
sovereignty ideological wake bases train decree Gandhi Cubans registered reference emphasis
careful faith born Istanbul residence registration defend license Aznar attempting path
responsibilities formed anyone struggle prepare Amazon presidents agents worst interim surprise
door blame confirm Directorate granted night killing understands civilians cooperative
prevention Islamist prove Americas mark com Hakim commanders aggressive handling platform lot
surrounding places compliance trained arrangement wrong bin headed surveillance presentation
collaboration easily setting etc consistently declaration torture Indo awareness concessions
playing DHABI payment momentum Darfur arrests voter disputes Gazprom Polish arrived stress shown
guarantee poverty troop lamented pragmatic ceremony FCO Jobim anniversary popularity
headquarters Abbas telling indication actors unrest style stations someone successor affiliated
voting Bureau Mercosul Argentine fourth Abdel convicted mind Nejad convey acceptable am suspects
limits instability expressing effects topics destruction emerging consortium universities
Hashimi preparing wealth add uses Kurdistan vulnerable sentence file pushed editorial abuses
smaller DPM passports passage ordered ended similarly PRC guards chemical wait Holbrooke Pak
managed conservatives OAS resulting Korean indications donor GOCR difficulty overseas Portugal
academic improvements argue shows stable Indians HIV Silva MOU Lanka Zebari hearing indicates
winter arguing brother players candidacy plants skeptical loans seized Cote Damascus religion
solutions CEO Tajikistan size extradition moves Ayatollah withdraw critics stake procurement
search plane arrangements race unlike allows apply hit Doha serving compensation application
increases naval PKK detainee Georgian requirement exception surprised Rubaie Chad assess
thousands mention cyber extend scene intellectual neighborhood underway closure delegations ship
businessmen transactions actual overcome nationalist meant amendments accession expert reluctant
designated revealed SCA removal Shell Riyadh putting happy regulatory Peru trading yes picture
consumption variety participating investigative Gordon Sweden neighboring studies originally
newspapers Tunisia Jaishankar dos GBRV minimum roughly driven attributed ranks managing
collective voted custody Honduras wish extension Arias reliable delayed inform spread follows
carrying sugar import complicated reformist Friday Chilean resolving except poll divided decline
equal biggest robust speculated stressing governors users Levey Muatassim route spring leverage
orders resignation medium opponents approached teams rapid grant visible usually transferred
farmers fields minute suffered entering voice respected vital mechanisms film JSF morning
exploitation decades palace formation Shi enhance FBI declined greatly hotel margins Jones cargo
impression advanced maintains BOGOTA explore looked violation biofuels DOD delays word friendly
divisions insurance st approaches element feels promises invest intense choose drop secular
danger ex branch promotion rescue Furthermore sustainable assume Uganda statistics posed Michael
selected Chechnya grounds grow Aliyev approve legitimacy nonproliferation counternarcotics
Juarez Uruzgan Hussein Rican traveled Boeing belief watch quiet prospect losing appreciate Asian
Hu CAFTA GONL William selling replaced split representation negotiation whatever effectiveness
maritime Corporation portion emphasize connections vis NSA consular echoed version Canadian
Larijani unclassified TNA collection destination permission audience massive generals exist
activist accusations email huge directors Ireland reintegration ISCI authorized appreciated
collapse listed streets crucial sold forms leftist explanation disappointment doctor game book
describing argument preventing grand locations fighter solid Abd product Ortega SPD doctors
letters Hugo frank explaining improvement Richard unknown easier DCA resource hospitals Mehdi
applicants inclusion roles generated conducting cuts Bihar Egyptians Arabic reactor safeguards
coca polling sort paying minutes Janeiro interlocutor winning bloc percentage reflects notably
entity prefer entirely announce indicating protecting Ward Irish whaling Icesave planes usual
remarked themes bombing pace gives obtained campaigns assassination Sharif conveyed ships ve OSD
covered modern offensive serves tactical expertise enhanced frustrated economics vessels mobile
methods Abdul attitude succession skills adopted radicalization adequate movements technologies
assessed Lee kidnapping flexibility citizenship Santiago Icelanders responses instructions
contrary considers cease promise strictly bus unified sectarian obtaining handle Japanese
analyst Lima imposed preparations Lavrov asylum IIP mosque Attache sex weekly easy treated
minorities dominated Transitional driving suspect tool Mahmoud virtually Mugabe applications
replacement Portuguese meets historical highlight relative looks tons euro stories inability
soft circle telecommunications Vershbow embargo sustained federalism Rousseff integrated blamed
programming educational bio Qaida eye shipping EEB proper factions urgent clean lawyers
Turkmenistan Turkmen Ethiopia Zimbabwe ballistic boycott PMDB vast interviews CIA intend
journalist bureaucracy spoken rapidly ambitions acceptance openly gains gap achieved SECDEF veto
Basrah Rajoy dates emphasizing patrol meaningful assigned accepting historic casualties
logistics ed Nigeria diplomat Bachelet tents traveling frequent landing threatening twenty ones
strategies militia expense lists Badr James INFO female Adel migrants Sahara check urging
bombings instance viable obstacles reserves career stopped islands ISF renewable positively
perceptions salaries Israelis progressive cold TAL permits Juan controversy isolated Manuel
educated conventional drive attract houses deficit WMD ends tension desk anger happened laid
anticipated hundreds adviser Miliband employee component RABAT Ukrainian Keflavik SCIRI applied
greatest jihad difference negotiated ideology jurisdiction solve targeting scientific guarantees
WTO dollar Atlantic doesn resident shut unilateral populations telephone parliamentarians
Eritrea USDOC attitudes determination lethal sentiment Omar TEL Burmese weapon presumably Luis
Saudis Petraeus Felix Verhagen indictment passing territorial entered militant mail criminals
commit waters Consul achieving fired parallel dual pose acknowledge quoted friendship trouble
taxes learn bomb owner shipments conceded thinks oversight else survey Djibouti Jeffrey duty
accordance fail prisons ITA occasions dissidents assessments contributed genuine turnout
liberation resettlement gender Schengen Sawani receives Welch persuade examples arguments theme
skepticism rival consult uncertainty reflected venture retain bodies outstanding Belgrade
helicopter backing deploy Carson ran initiated freeze organize outlets necessarily structures
worry worldwide joining realistic criteria reception processing season estimate Paraguay Mahdi
fellow ICC hostages PAZ amnesty upper Baradei Najaf reserve militias dead ambitious licensing
solidarity counterpart thanks eventual homes severe immigrants conflicts recalled lacks
typically eliminate Europeans favorable requiring caught managers cautious filed securing
posture preparation Mrs Correa ad seeing accountability quietly fill refusal island Swedish
cluster Monday INL mosques MAS Baltic suggestion foreigners causing Asgard experienced ranging
Aguirre confrontation player motivated insurgent prevented grown privatization pointing grants
advocated identifying false backed ASD Turks records designation Eikenberry closing notice
lawyer Bono legacy leads reactions profit reinforce demonstration hostage relating suicide
strikes recommend double owners mining requesting Atomic Tauscher Fatah Antonio attendance ALBA
clerics PAC Musa WFP Unfortunately keen Lisbon competing broadly highlighting rally drawn
dropped prosecuted Jewish maintenance preference offshore contingency Admiral elect adopt
engineering extreme trafficked gathering deployments dramatic fundamental Jordanian tend enjoy
involve twice circles agent honor disappointed harsh respective Shah recognizing Aziz RevCon
Switzerland NRC instructed contributing handed judgment politician ratification Khalid permitted
routes appearance substance acquisition Caribbean Santos clarified complaint comply accordingly
length sentences Ja MINUSTAH Nordic briefly Paul corporate boost oriented lifting broke
traditionally tribes estate register tsunami handled enjoyed consumer advocate credentials
voiced proof balanced absent consultation deny Salvador QUITO reviewing becomes marked drawing
contained roads attacked functions window logistical enjoys LOC resigned Sistani recommendation
enable mistake factory video KDP CAPT marriage equally tenure Fidel comfortable homeland burden
tools appeals Serbian incentives tangible agrees Li Thomas stands cast Britain runs Evo village
Armenia Tunisian maximum Kremlin proven introduction tier monetary underlined intel Barcelona
marine bridge formerly ROYG exists conclusions premier thereby Ms Althingi distance century
Persian aftermath recognizes generate readiness index depend zero touch Rangoon suspicious enemy
lay storage waste Guardian suspension signals Bouteflika suggestions Ecuadorian prompted Gilani
Ma quarter Serra predecessor didn pledge proved portfolio constraints merely card firmly
affirmed losses Raul Tribunal Colonel undertake Afghans processes IOM Karbala Scottish MoH
amounts wishes assisting Peter couple bit allied ranking suspicion contain enforce restructuring
coupled Gonzalez insufficient inquiry weekend wall Hassan producing fleet notable Valley
uncertain Vienna afford makers facilitating Basra Jharkhand legally existence Algerian Martin
preferred reminded suffering kill ill realize protected PSDB threaten steel younger broadcast
AVIV Yemeni FATA SCOBEY conferences ordinary CEN Vietnam scientists radar competitive chances
unique enormous net hosting Asad refer killings submit normally identification Canal overview
completion angry criticize function ENI covering commodities BSC reasonable correct consulting
pan Imam dramatically deaths exploit books forest amendment Williams ROK attending Crown
likewise conclude blocked calm Jean Andrew cards Norway cooperating rehabilitation pull Patriota
Gul Biato MANAMA strip patients travelers missing weight duties design alternatives spend Maoist
Narayanan conviction representing proceedings exploring speed SYG Perez shape Kubiske recommends
Tajik explicitly hurt Repsol Nawaz JAM Kayani Ghana contacted transatlantic assumed dynamic
enterprises challenging asset Brigade interaction conspiracy atmosphere games fine resign Fried
scheme Jan Rwanda pilot annually rely Ahmad buying munitions discovered parents CENTCOM
Pakistanis mills immigrant bribes describe confront save strict innovation constant mainstream
propose facilitated profits internationally minimal mainly scandals cutting explosive insist EAP
commenting piece minded promising criticizing pressures advocacy Guinea monthly testing councils
problematic item tourists Isaias PDVSA AFRICOM patent questioning predict faction recounted
restore govern halt map territories combination remote observer imminent hoping sentenced Blair
licenses fell fulfill Cameron Chacon inspection IOCs Chevron optimism Democrats Wilson Feltman
agreeing Algiers revised shortages OFDA fairly electorate familiar simple obvious SCENESETTER
CBI fora Basque acknowledging hemisphere illegally emissions bolster transnational departments
trips NOTAL arrive facts Tunis Jong disputed CAT failing reporters Greece unacceptable hostile
chose gaining Ossetia enemies strengthened impose Croatia km ISI tech fast defensive succeeded
spectrum ruled respectively suspend lift Daniel ratified MOJ consumers Aboul Hezbollah tied
cultivation villages Jimenez committees Bay Wang Sadrist destroyed slowly causes dynamics
Federation Muhammad nationalism slightly plays holders expensive Amman purchased resume aluminum
GIRoA mines define Nicaragua rebel countering HEU unprecedented IDF Stagno invested passengers
interesting FSB Joseph capture brothers chiefs reluctance ease unwilling objections dependent
trends shall daughter jail implied aim examine harder extending ignored absolute scrutiny web
drafted lived Amir flexible jointly academy music settlements Bulgarian mafia Bashir Fallujah
Embraer thousand retired wrote clarify likelihood closest dedicated expression associate
instances inner complain fifth Moreno sharp voices
"""

SUBJECT_WORDS = """
TO OF ON THE AND IN FOR WITH IRAN A ICELAND MINISTER MEETING VISIT BRAZIL AMBASSADOR PRESIDENT
NEW IRAQ DUBAI FOREIGN SECURITY SCENESETTER SECRETARY LIBYA US FROM BUT AS POLITICAL INDIA
DEMARCHE RESPONSE SPAIN GOVERNMENT PAKISTAN IS REQUEST DEFENSE DISCUSSES POLICY AFGHANISTAN NOT
REPORT UK NETHERLANDS NUCLEAR BY RIGHTS WILL SUPPORT IRANIAN EU AL COOPERATION HUMAN UPDATE
ISSUES MEDIA FM JANUARY RELATIONS IRAQI USG GENERAL CASE AT ABOUT REACTION DEPUTY COSTA
EARTHQUAKE FRENCH PM CODEL ICELANDIC RUSSIA MFA THAT CHINA NO UP ELECTION RICA DUTCH EGYPT OVER
ECONOMIC OFFICIALS NATIONAL ELECTIONS BAGHDAD MEETS VENEZUELA REGIONAL BRAZILIAN GOI
INTERNATIONAL MILITARY OIL TALKS PRIME UNDER CHIEF UN TERRORISM FIRST DELIVERED SPANISH MORE
ENERGY BE RUSSIAN PRESENCE LIBYAN OFFICE COUNCIL PART PARTY STILL NEXT CORRUPTION STATE
SITUATION TWO AIR LEADER FRANCE AGAINST OUT DIRECTOR CONFERENCE TRIPOLI MAY CUBA FEBRUARY MARCH
AN PRT SAYS MINISTRY CABINET INDIAN HIS OFFICIAL SUMMARY SUNNI STRATEGY PRESIDENTIAL GROUP SEEKS
SUMMIT EMBASSY TURKEY PLANS CONCERNS VIEWS COMMITTEE CRISIS ONE PROGRESS OPPOSITION EFFORTS RPO
NATO ACTION DIALOGUE ANTI HIGH LAW SAUDI BILATERAL ENGAGEMENT ARE ITS INTO SENSITIVE SENIOR
WINDOW DISCUSS VETTING AHMADINEJAD CONTROL STEPS QADHAFI CONSTITUTION ARGENTINA PROGRAM VICE
KOSOVO GAS POST WHAT ECONOMY THIS ASSISTANCE MEETINGS ARMS PUBLIC JUNE HAS BANK TIP NINEWA
FUTURE KEY APRIL GERMANY FORMER RELATIONSHIP DETAINEES POSSIBLE TRADE JULY LULA AGREEMENT
COALITION ADVISOR PARLIAMENT POLITICS LEADERS FINANCIAL REQUESTS OCTOBER TRAINING WASHINGTON
BURMA SPECIAL ARAB AFTER END IT ACT SEPTEMBER OPERATIONS EGYPTIAN SOUTH ATTACKS PLAN INTERIOR EL
ITALY DEAL ANNUAL SEE CT WORKING TEAM POWER GOVERNOR KARZAI AUGUST TIES TRANSFER NEEDS CALL
GUANTANAMO SARKOZY RELEASE NEGOTIATIONS LIKELY CAIRO REVIEW PROVINCIAL GOE POLICE CAN SYRIA
COMMENTS INTERNET HE PLANNING BACK SECOND INFORMATION FARC CONSULTATIONS ZAPATERO CHINESE
NOVEMBER TERRORIST OTHER FINANCE AFRICA PRESSURE LEADERSHIP HAVE REFORM LEAHY CHARGE JOINT HOW
FORCE MEXICO COURT NARCOTICS WE PEACE AFFAIRS RE YEAR TRAFFICKING SAO DE FOLLOW GERMAN CHANGE
MOD GEORGIA BAHRAIN CONGRESS CONVERSATION PROPOSAL FRAUD BUDGET SECTOR MOSUL ICESAVE THREAT
AMERICAN DIPLOMATIC WAY YOUR FORWARD WHO PRESS SCANDAL BORDER PAULO THEIR LETTER LEBANON TAKES
CONTINUES STRONG GLOBAL VATICAN TIME LEAD PLEASE INVESTMENT ONLY REYKJAVIK BP COUNTRY USAID DART
DISTRIBUTION TALABANI COTE IVOIRE WAR PRIORITIES VISA IAEA REPORTS HEALTH URGES BOLIVIA TH
DECEMBER STATUS DRUG DELEGATION ALLEGED MISSILE PRINCE ROLE BURNS UAE PERSONS ASSESSMENT ISRAEL
POSITION OR DPRK REPORTING VIOLENCE CIVIL STEP DEVELOPMENT INVESTIGATION BUSINESS SYSTEM SEEKING
OFFER WAS NON SOCIAL GOOD PROCESS RELIEF TAKE WELCOMES COMMISSION RESOLUTION NEPAL CENTRAL CUBAN
APPROACH DECISION USE VISAS COUNTER DISCUSSIONS AU AFRICAN CLIMATE COMMISSIONER SANCTIONS
MOVEMENT RIO HELP EARLY VISITS EFFORT TRIP FOLLOWING AMERICA ISLAMIC REGIME DEMOCRACY COLOMBIA
BASED BETWEEN ALL ANC OUTREACH JUSTICE UNSC COORDINATION HAITI MINISTERIAL GOL INDO HEAD THAN
PRESIDENCY CONCERNED HOLBROOKE TITLE LIBERTAD VIEW PRC PIRACY LONDON ARTICLE ASSISTANT CLAIMS
MESSAGE NPT CHALLENGES CLOSE CONTINUE AHEAD SUPPORTS NORTH ASSEMBLY FLIGHTS LEAGUE CLINTON WANTS
CAMPAIGN IMPACT POTENTIAL DETAINEE BROWN EAST DOWN SEES BEHIND DAS FUNDING CHAIRMAN PROBLEMS
ADDITIONAL CONCERN AGENDA COMMITMENT PROPOSED MADRID OPEN ACCORDINGLY VP ETHANOL INITIATIVE
MEGRAHI IMF JSF BRASILIA MISSION RECENT DISPUTE LEGISLATION PARTICIPATION PAK WOMEN USEB THRU
SEEK TOWARD RECONCILIATION PRESSES EUROPE TERM ROUND TEHRAN RESISTANCE LEVEL NOW AFGHAN
BERLUSCONI PARIS REGARDING LOCAL COUNTERTERRORISM FIRM SUCCESSFUL COMPANY FOCUS INFLUENCE
ADDRESS REACHES AGAIN FORCES LATIN YET HIZBALLAH FACES INTELLIGENCE CONSTITUTIONAL CHANGES
EXPORT INCIDENT SALES CABLE SHARES IRGC OFFERS THEY RAISES UPCOMING DAY BEFORE CHILE CITY BEEN
RELIGIOUS COMPANIES WEST CENTER SOME NEED INDUSTRY CLEARANCE LABOR STATEMENT MEA AIRPORT WESTERN
TOUR HORIZON HOLY SPEECH ACTIONS MUBARAK RELATED MOSCOW START GOP NIGERIA PUTIN UPBEAT OUR
TURKMENISTAN SRI LANKA AZERBAIJAN ENVOY IPR UKRAINE PROTECT MIDDLE OPPORTUNITIES INFRASTRUCTURE
SUPPORTING KING STATES ISRAELI URANIUM DO RUN SESSION SHIPMENT READOUT APPROVES UNSCR STAGE
ARABIA STRATEGIC MOVING DESPITE MARKET CHAVEZ FURTHER MEASURES RELEASED ADMIRAL PROSECUTOR HAGUE
MONEY UNITED WHERE JORDAN COULD DOMESTIC GOES OUTLINES TOP THIRD THREE ZUMA MOST HEU URIBE
WITHDRAWAL STAFF TRANSITION LEGAL HMG DELHI GAZA DEVELOPMENTS PRODUCTION SWISS CONFIRMS TALK
SHIA FRAMEWORK BJP WHALING BANGLADESH NSSP MINISTERS KURDISH KIRKUK MURDER ISSUE JAHMI APPROVED
POPE SUCCESSION REFORMS CASES GUIDANCE QATAR DISCUSSION NSA MOMENTUM MEDVEDEV PAKISTANI YOUTH
TRAVEL LONG MOHAMMED PROJECT GORDON FIGHT FBI MUELLER ACTIVITIES SALE WHA SHANNON PARLIAMENTARY
PROGRAMS REMAINS NORTHERN MAKES BANKING KEEP CHANGING CONTINUING INTEL DEBATE RAISE TURKISH
MULLEN TECH ENGAGING FIRMS EXCHANGE INCREASE PROLIFERATION TERROR SOCIETY NOTE CANAL MAJOR
OPERATION RICE THERE CANDIDACY WITHOUT SUSPENSION CALLS ACCESS TEXT TRIAL SERVICES AUTHORITY
SUDAN PAPER ACTIVIST DEFENDS VICTORY DIRCEU ATTACK GOB UNGA VOTE NEIGHBORS PHASE PROBLEM SARAN
TSUNAMI JAFARI LAUNCH IRIG ANBAR CHALABI CONTRACT TRANSPORT FATHI SAHARA TRACK IMPLEMENTATION
WOULD SRAP CIVILIAN OPENING QUESTIONS REMOVAL INITIATIVES MEET ENVIRONMENT SHELL GTMO STEINBERG
FEW ARMY ALLIES COMMANDER PROTESTS MOROCCO COMMERCIAL BATTLE MEMBER AGREES REPSOL LEON LOOKING
PARTNER JUDGE BOYCOTT MUSHARRAF CONGRESSIONAL SOURCE FUEL DHS EUR ITALIAN WEAPONS CROWN THREATS
COLLECTION PLEDGES ISAF EXPLORATION SUCCESS DR RIGHT EX MCCAIN GOC TEST MANDATE DEATH FIRE
MUSLIM GOS ICTY WARD BRIEFING STRIKES WORLD KOREA FACE IRANIANS FTAA REACTIONS FINAL ANNOUNCES
PANAMA INVITATION LIFE APARTHEID RETURN FREEDOM NUMBER INDIGENOUS UGANDA CASTRO BEST ALSO IRISH
PORTUGAL MORALES ORGANIZED COLOMBIAN UNION PROVINCE WHILE CALDERON GROWING POSITIVE GENEVA ASKS
SOUTHERN INFLUENZA MOH EUROPEAN ARRESTED WORK UNIVERSITY OPENS AMAZON SOMALIA MEMBERS MOVES
REPRESENTATIVE EVE TNK COMBAT REMAIN EXTREMISM TORTURE RED SERVICE REFUGEE WIN PALESTINIAN
BRITISH HIT ANOTHER EMERGENCY KURDS SPONSORED POPULAR TREASURY NOC THROUGH DCA CRIME SCENE
TRAFFIC INCLUSION SNAPSHOT MEMBERSHIP ASSASSINATION ANGER MANPADS DETAILS PROFILE VS RESULTS
IMPLICATIONS FAMILY SITREP PETRAEUS WANT CARSON OPINION SERBIA INDEPENDENCE REINTEGRATION
MORATINOS PIPELINE ERDOGAN MONTHS GREAT IMPORTANCE AID DRUGS GOVERNANCE BETTER BIN PRESENTS
ADVISER ALLIANCE MERKEL ASYLUM SHOULD EXTRADITION MILLION DRC KAZAKHSTAN ABU ZIMBABWE
PARTNERSHIP RESETTLEMENT IMPORTANT RECEIVES CAUTIOUS HARD BEGINS CONSIDER THINKING CONFIDENCE
ESTONIA LICENSE WILLIAM WAKE ADVANCE COORDINATOR NEA BIG CONTACT RAFSANJANI KHAMENEI PUSH
ECONOMICS LEVIN ISA FOCUSES WITHIN STAFFDEL KUWAIT KERRY STOP PARTIES DINNER KUNDUZ PRISON ZULU
PESSIMISTIC DG LOW MOROCCAN ALLEGATIONS DETENTION TELLS WELCH DELAY OFF HANDLE OFFICER STUDENTS
MAYOR BUSH DENIES ANNOUNCED WHICH GROWTH VOTERS PERSONAL PROSPECTS SUPPLY PENDING CPI ENDS
COLLABORATION PROPOSES CONSERVATIVE ECUADOR PROTOCOL SHOW CITES REVOLUTION INCREASING AMB SAME
TROUBLE NONPROLIFERATION TREATY CANADA SERIOUS REPORTED LAUNDERING RULE BID RING COUNTRIES
TENSIONS EXPECTED ABUSE VARIG COME BIOFUELS OPTIMISTIC BEIJING ARABS REJECTS OVERVIEW MUST
INTERESTED TOWARDS INTEREST AMERICANS MAKE GIVE INSIDER TOURISM TAKING INTERIM SADR BOARD ZEBARI
UNITY COMMUNITY ABDEL MEHDI PRIVATE PROPOSALS EXECUTIVE WASIT MCNS MALIKI CURFEW EXPLOSION
NEEDED VENEZUELAN AVIATION ATTEND EXTENSION BOMBER LIBYANS BALKENENDE CONTACTS CORPORATION
UKRAINIAN UAV DOES INCSR CHEMICAL SAY SUSPECTS ISLAM MIGRATION JOSE AMCIT CHAGHCHARAN MEDICAL
LEGACY WORDS SOCIALIST LUNCH BA LOVE SELL LITTLE DYNAMICS HER SHOOTDOWN DENIAL NE BIDEN BRIEFS
ATTORNEY UNCERTAIN PREMIER NEWS BERLIN UNIT RULING GUINEA SWEDISH DESIGNATION FOUR TOUGH BOUCHER
RUBAIE CONFIDENT NOTES ANNIVERSARY PLANE ARREST COUNTERPART BRUSSELS CRIMES PERSPECTIVE PATH
INVOLVEMENT SALEH NGO FAVOR FUND ADMINISTRATION OPPOSE RECOGNITION GAERC SAG HIGHLIGHTS AREA
SOFT NEGOTIATING BAKU ECON CIA GEN SPEAKER SOBEL RECOMMENDATIONS ERITREA CHANCELLOR ANY INTERNAL
FUNES UPDATES MAFIA TUNISIA FOUND ENGAGES PRELIMINARY SETTLEMENT FLIGHT STABILITY RESIGNS
ILLICIT JONES COUNTERNARCOTICS IF LOOKS PASSES REAFFIRMS CONTRIBUTION MISSILES CJCS WESTERWELLE
ACTING AREAS GOOGLE FAREWELL HOSTAGE USES REP HERO LEADING TRANSPARENCY WEALTH FACILITATE
INVESTORS BAVARIA HOPES SET PROMISES POL ACTIVITY CYBER SOLIMAN INSIGHTS WEIGHS ELECTORAL UNHCR
TOWNSEND GUARD MUSLIMS VERSHBOW HOSTAGES SOUNDS GET GO SEPT NETANYAHU RWANDA RISE DESCRIBES
DRIVING TAUSCHER EQUIPMENT EXPECTATIONS DAYS HEADS LACK SENATOR GATES PRESSING YEARS TRYING LINE
TOPICS LOOK EXPANSION FOURTH LAST SUCH EVEN WELL PRISONERS ASSET SMALL AMONG PLANT MATERIAL
POTUS BIOTECH SHIELD TERMS HAND WOMAN RECOVERY PARTNERS AGREE AFTERMATH VALENZUELA SIGNING LAND
YORK DECLARATION ROYAL ENTITIES DURING BOLIVIAN REQUIREMENTS SHAH CHILEAN INAUGURATION NUMBERS
SPACE BAD PEOPLE EVIDENCE SHARE SUPPORTIVE PREPARES COMPETITION SAID COMMAND LESS GOLDSTONE USED
SMUGGLING CURRENT BASE STAY TOLD IMPLEMENT GROUPS INFORMAL MAKING WEEK ACTIVISTS MIXED CHIEFS
DEMARCHES TOGETHER SCHENGEN ARRESTS WERE MAN CONTROVERSY SKEPTICAL NOMINATION PROJECTS ASIA
UNESCO CAFTA CANDIDATE HAMAS SCIENCE BLUE LANTERN APPROVAL ZOELLICK CONTRIBUTIONS DELIVERS OAS
ILLEGAL IMMIGRATION COMPLIANCE CLOSER MUMBAI TFGG DRAFT GOING AMID CONSIDERING JEWISH SUPREME
MARKETS ASSURANCES GRANTS REFERENDUM EASTERN CHURCH CHARGES BHUTANESE COURSE OFFICERS CEASEFIRE
SIGNALS CONTINUED RESPOND THOUGHTS NGOS HIV SIGN WHETHER MODERATE MAJLES ENGAGE BRINGS HIGHLIGHT
COMPROMISE SADDAM SURVEY RECONSTRUCTION DONOR IMAGE FOOD SUNNIS MARINE SLOW IMPROVING
ORGANIZATION FY OUTLOOK DIPLOMATS ITG PRISONER PARLIAMENTARIAN INQUIRY PREPARATIONS POWERS
SIGNED HASHIMI TROUBLES CONDITIONS SADRIST WEEKLY MAYSAN ALREADY HUSSEIN LTSR CHAIR FIGHTER
MAURITANIA RENEWAL NORDIC SUBMISSION INDEPENDENT ASSIST AMORIM GOVT PERCENT ZELAYA BOT SHEIKH
LOAN TECHNICAL HAD SURVEILLANCE ALCANTARA SOLOMONT BILL DEMOCRATS ENCOURAGING PEACEKEEPERS
CRITICAL COMBATING EMBARGO SETTER SAIF SILVA MISSING PACKAGE NSG THOMAS CONVENTION LUKASHENKO
BANKS PROHIBITION INCREASED PILOTS POLAND GAMAL RAFAH LED INCREASINGLY ATH QUEEN REDUCE FALL
CRIMINAL WEN PUSHES FAILURE HELMAND GAO TRENDS CONTINGENCY BALTIC CAUSES DETAINED MENON CENTCOM
JAN EXERCISES REVCON SUCCESSES RESOURCES ELN STRONGLY TSA TAMIL ROME INTERAGENCY SHARING KOREAN
SLOWLY TIBETAN REFUGEES BERNARDINO BEYOND OTHERS MAKERS ORDERS LATEST CREDENTIALS NAMES POSSIBLY
BRENNAN ABDULLAH MARGINS NAME HIGHLY ENRICHED DONE NAPOLITANO DIRECTORS WILLIAMSON KOUCHNER
DHABI FINANCING ASIAN BULGARIA DAILY GAIN ENOUGH NARCO OPPORTUNITY UNREST FELIX SETS AKP
BALLISTIC TALE PARTS FALKLANDS FRATTINI MIL CAMPBELL DEBT EMBASSIES REMOVED TARGETED DATA
DIFFICULT MOBILIZING PERSUADE PUT COMMUNICATIONS EXPAND PRAISES BACKGROUND OUTLINE WARY LOSES
REPLACE FCO EXTERNAL RENEWED CHEVRON REFLECTS POSTURE SPECULATION DAMASCUS RETURNED PAYMENTS
ADDRESSING COMMUNITIES EGIS SIGNS EXPERIENCE LOWER DEFEAT DIPLOMAT RAPP IMPROVE IRELAND HOMELAND
CRUMPTON REVOLUTIONARY WHY WINS CONDEMN ATTEMPT ASD CANCER ALARM NATIONS IDF DELIVERY CZECH
LIEBERMAN TRANSIT THEM NAM USING CONSIDERATION AHMED LIMITED TAX FEB FOCUSED PATRIOT DOMINATES
STRUGGLE TROOP YOU LEVEY REGION PEACEKEEPING ROK LAUNCHES ACCESSION SURPRISE BELARUS ERA
RESEARCH HOLD MESSAGES REVEAL COMPREHENSIVE PICTURE LONGER INVOLVED REPATRIATION THOSE SPIRAL
VERY RISK TERRORISTS SCHOLARS FIDEL RETURNS CULTURE TELSTAR DILMA ROUSSEFF BECOMES CENTERS JOBIM
RESPONSIBILITY MEGAPORTS CONFUSION WAIVER READY NAMED EXPRESS BIDDING REVIEWS OUTBREAK INDIANS
ROMANIA ACCEPT FALLOUT DISKIN TIGERS FUNDS CRITICISM VILLEPIN BACHELET MODI POLL ALCKMIN CIVIC
VOTER POLLS LARGE EVENTS SCANDALS NATIONALIZATION DEMAND WTO RESUME RESIGNATION GOCR IOM EPG
MILIBAND MOVE DIFFERENT GICNT WILSON TOOLS PILGRIMAGES POINTS EDUCATION AWARENESS INDIVIDUALS
PAC SCRUTINY KIRCHNER LOCKERBIE PAGE PMDB CRITICIZES CANDIDATES OPPOSES SEA TN GANDHI
BUSINESSMAN BOUSHI CORREA ENFORCEMENT MEXICAN FLYING STORM COMMENT BOOST MADE DIVISIONS AUC
DORMITORY HOSPITAL NSC INITIAL PROVISION WALL WORRIED MINI DUBLIN UNCLEAR STALLED SECTION
OFFICIALLY NAVY GARCIA FALLS RICAN SEX HITS INDONESIA CHECK URGE EVENT ALTERNATIVE RESOLUTIONS
FAVORS STATEMENTS CONDEMNING BOEING BILLION DOLLAR FOUNDATION FIGHTING BUILDING OMAR WIRETAP
SEVENTH REGULATOR MONTH HUMANITARIAN ASAD MODEL FELLOW FORCED HOST AG JUDICIAL DOING GOJ
BOTSWANA RUMORS FORUM BIO ENCOURAGES BHUTAN NOMINEE COMMITMENTS DOCUMENT DARFUR CHILDREN
EXPRESSES AFFECTED LIAISON SAARC LOC WORRIES IDEOLOGICAL ISLAMABAD NRC MERRIFIELD KASHMIR HOME
UNLIKELY ENTHUSIASTIC GASOLINE PROGRESSIVE PRICES DIPLOMACY REFORMISTS ANALYSIS CAUGHT EXCHANGES
KHATAMI PLAY LIST UNDERWAY HALT ALLEGES SHUT DISASTER FIELD DISTRICT WARNING SATAN INFORMED
DEPARTMENT SHAWAYS BADR CORPS CONDUCT DPM KILLED MNF SATTERFIELD JEC FALLUJAH SCIRI IECI PONDERS
TNA DAOUD FLEXIBILITY CONSENSUS BOTH COMPLAINTS FEDERALISM TRIBUNAL AUTHORITIES REGISTRATION
ABUSES BARZANI REAL COOPERATE ALI DA ADEL DOMINATE WATER AMIDST MASSIVE DON LIMITS LIFTED
COMPENSATION VICTIMS BROAD CAMP MEDDLING AHTISAARI SURINAME HONDURAS FAVELA ASSETS NAVAL STATION
KEFLAVIK GHANA KEEPING FMLN SHOWS PAN AM ICC FIVE ZARDARI LIGHT ELECT CFK ROBUST VERENEX CLUSTER
MUNITIONS VENTURE HAARDE NUN URUZGAN MIGRANTS IDEA AGREEMENTS CONNECTION ANTILLES OBSERVATIONS
CURRENCY REPORTEDLY ILSA KUSA ACQUIRE WMD IRA ELECTED JOHN SAVE OLD DCM CONSTRUCTIVE PERFORMANCE
ETA SELLING PROTECTION SWEDEN PDAS ODYSSEY CHAD DOROTHY STANG ISLANDS ALERT TRANSFERS JEM
TRILATERAL USS LIBERAL DEA AIRCRAFT SLA PASF
"""


if __name__ == "__main__":
    sys.exit(main())
