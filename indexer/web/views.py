"""What the pages show: view models built from the library's records (facet boxes, filter
chips, pager, the histogram of matches over time, the cable page's paragraphs and its
citation graph), ready for the templates. No request handling here (`handlers.py`), no
index access (`state.py`).

Safety: the only markup made here is the output of `highlight.to_html`, which escapes the
text itself, and the SVG geometry of the graph (numbers); every other value is escaped by
Jinja2's autoescape in the templates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from itertools import pairwise
from typing import Any

from markupsafe import Markup

from .. import searching as lib
from ..graph import CitationGraph
from ..highlight import Fragment, Terms, mark_all, to_html
from ..query import UNKNOWN
from .graphview import graph_view
from .state import REFID_RE, SORTS, SearchState, cable_url, fmt_date, search_url

PAGE_SIZE = 10
#: facet values shown per sidebar box
FACET_SHOWN = 12
#: asked of the library: enough for every year of the corpus (1966-2010) in the histogram
FACET_FETCH = 80
#: the facets the search page asks for; "month" draws the histogram of narrow result sets
#: (at most MONTHLY_MAX_YEARS * 12 months, well under FACET_FETCH)
PAGE_FACETS: tuple[str, ...] = ("origin", "classification", "year", "tags", "month")
#: a histogram by month when all dated hits fall within this many calendar years
MONTHLY_MAX_YEARS = 2
#: histogram drawing units: the whole width, and the narrowest bar
HIST_WIDTH = 860
HIST_MIN_SLOT = 14.0
HIST_MAX_SLOT = 72.0
#: pages linked around the current one in the pager
PAGER_RADIUS = 3

#: (URL parameter, library facet field, sidebar title)
FACETS: tuple[tuple[str, str, str], ...] = (
    ("classification", "classification", "Classification"),
    ("origin", "origin", "Origin"),
    ("year", "year", "Year"),
    ("tag", "tags", "TAGS"),
)

#: a numbered, classification-marked paragraph start: `2. (C) `, `12. (S//NF) `, `3. (SBU) `
_PARA_MARK_RE = re.compile(r"(?<=\s)(?=\d{1,3}\. \([A-Z]{1,4}(?://[A-Z]+)*\) )")
#: a hard-wrapped line is at least this long; shorter lines end on purpose (headings, lists)
_WRAP_MIN = 55
_LIST_START_RE = re.compile(r"^\s*(?:[-*•]|\(?[A-Za-z0-9]{1,3}[.)]\s)")
#: a month facet value (the facet also holds "unknown")
_MONTH_KEY = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


# --- search page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int = 0
    active: bool = False


@dataclass(frozen=True)
class FacetBox:
    param: str
    title: str
    values: list[Link]


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    url: str
    title: str
    active: bool
    x: float
    y: float
    h: float
    slot: float


@dataclass(frozen=True)
class Histogram:
    unit: str  # "year" or "month"
    bars: list[Bar]
    width: int
    height: int
    plot_height: int
    max_count: int
    span: str = ""
    #: matching cables without a year (the year facet's "unknown" bucket), and their filter
    unknown: int = 0
    unknown_url: str = ""


@dataclass(frozen=True)
class HitView:
    refid: str
    url: str
    subject: Markup
    date: str
    origin: str
    classification: str
    class_css: str
    fragments: list[Markup]
    tags: list[Link]


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str | None  # None: a gap
    current: bool = False


@dataclass(frozen=True)
class Pager:
    prev_url: str | None
    next_url: str | None
    pages: list[PageLink] = field(default_factory=list)


def class_css(classification: str) -> str:
    """A CSS class from a fixed set (never from the value itself)."""
    upper = classification.upper()
    if "SECRET" in upper:
        return "secret"
    if "CONFIDENTIAL" in upper:
        return "confidential"
    if "UNCLASSIFIED" in upper:
        return "unclassified"
    return "other"


def html_fragment(fragment: Fragment) -> Markup:
    # to_html escapes every character of the text itself; only its <mark> tags are markup
    return Markup(to_html(fragment))


def facet_boxes(state: SearchState, facets: Mapping[str, list[tuple[str, int]]]) -> list[FacetBox]:
    boxes = []
    for param, field_name, title in FACETS:
        counts = facets.get(field_name, [])
        if param == "year":
            counts = sorted(counts, key=lambda vc: vc[0], reverse=True)
        links = [
            Link(str(v), state.toggle(param, str(v)).url(), n, state.is_active(param, str(v)))
            for v, n in counts[:FACET_SHOWN]
        ]
        shown = {link.label for link in links}
        # an active filter stays visible (and removable) even when outside the top values
        for value in _active_values(state, param):
            if value not in shown:
                links.insert(0, Link(value, state.toggle(param, value).url(), 0, True))
        boxes.append(FacetBox(param, title, links))
    return boxes


def _active_values(state: SearchState, param: str) -> list[str]:
    if param == "tag":
        return list(state.tags)
    value = getattr(state, param)
    return [value] if value else []


def chips(state: SearchState) -> list[Link]:
    out = [
        Link(f"{label}: {value}", state.toggle(param, value).url())
        for param, label in (
            ("classification", "Classification"),
            ("origin", "Origin"),
            ("year", "Year"),
            ("month", "Month"),
        )
        for value in _active_values(state, param)
    ]
    out.extend(Link(f"TAG: {t}", state.toggle("tag", t).url()) for t in state.tags)
    return out


def pager(state: SearchState, pages: int) -> Pager | None:
    if pages <= 1:
        return None
    page = min(state.page, pages)

    def at(n: int) -> str:
        return replace(state, page=n).url()

    numbers = sorted(
        {1, pages, *range(max(1, page - PAGER_RADIUS), min(pages, page + PAGER_RADIUS) + 1)}
    )
    links: list[PageLink] = []
    for n in numbers:
        if links and n > links[-1].number + 1:
            links.append(PageLink(n - 1, None))
        links.append(PageLink(n, at(n), n == page))
    return Pager(
        prev_url=at(page - 1) if page > 1 else None,
        next_url=at(page + 1) if page < pages else None,
        pages=links,
    )


# --- histogram ---------------------------------------------------------------------------------

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def year_counts(facet: Iterable[tuple[str, int]]) -> dict[int, int]:
    return {int(v): n for v, n in facet if str(v).isdigit()}


def _bars(
    state: SearchState,
    items: list[tuple[str, str, int, str]],
    param: str,
    every: int,
    plot_height: int,
    slot: float,
) -> tuple[list[Bar], int]:
    """items: (key, label, count, title)."""
    top = max((n for _, _, n, _ in items), default=0) or 1
    bars = []
    for i, (key, label, n, title) in enumerate(items):
        h = 0.0 if n == 0 else max(2.0, (plot_height - 14) * n / top)
        bars.append(
            Bar(
                key=key,
                label=label if i % every == 0 else "",
                count=n,
                url=state.toggle(param, key).url(),
                title=title,
                active=state.is_active(param, key),
                x=round(i * slot, 2),
                y=round(plot_height - h, 2),
                h=round(h, 2),
                slot=slot,
            )
        )
    return bars, top


def year_histogram(state: SearchState, years: dict[int, int]) -> Histogram | None:
    if not years:
        return None
    first, last = min(years), max(years)
    items = [
        (str(y), f"{y % 100:02d}" if last - first > 12 else str(y), years.get(y, 0),
         f"{y}: {years.get(y, 0):,} cables")
        for y in range(first, last + 1)
    ]
    slot = min(HIST_MAX_SLOT, max(HIST_MIN_SLOT, HIST_WIDTH / len(items)))
    every = 1 if slot >= 22 else 2
    plot_height = 110
    bars, top = _bars(state, items, "year", every, plot_height, slot)
    return Histogram("year", bars, max(HIST_WIDTH, math.ceil(slot * len(items))),
                     plot_height + 18, plot_height, top)


def month_histogram(state: SearchState, months: Counter[str]) -> Histogram | None:
    # a cable with a year (from its reference id) but no date is the month facet's "unknown":
    # it has no bar (it once sorted after every month and the walk never ended)
    years = sorted({int(k[:4]) for k in months if _MONTH_KEY.fullmatch(k)})
    if not years:
        return None
    # whole calendar years: bars keep their width and place from one query to the next
    first, last = years[0], years[-1]
    items = []
    for year in range(first, last + 1):
        for month in range(1, 13):
            key = f"{year:04d}-{month:02d}"
            n = months.get(key, 0)
            label = _MONTHS[month - 1] if month != 1 else str(year)
            items.append((key, label, n, f"{_MONTHS[month - 1]} {year}: {n:,} cables"))
    slot = min(HIST_MAX_SLOT, max(HIST_MIN_SLOT, HIST_WIDTH / len(items)))
    plot_height = 110
    every = 1 if slot >= 30 else 3
    bars, top = _bars(state, items, "month", every, plot_height, slot)
    span = f"{first}" if first == last else f"{first}–{last}"
    return Histogram("month", bars, max(HIST_WIDTH, math.ceil(slot * len(items))), plot_height + 18,
                     plot_height, top, span)


def wants_months(years: dict[int, int]) -> bool:
    return bool(years) and max(years) - min(years) < MONTHLY_MAX_YEARS


# --- cable page --------------------------------------------------------------------------------


def reflow(fragment: Fragment) -> Fragment:
    """Join hard-wrapped lines (a long line followed by more text) into one line.

    Only newlines turn into spaces, so match offsets stay valid. Short lines and lines
    starting a list item keep their break: they end on purpose.
    """
    text = fragment.text
    if "\n" not in text:
        return fragment
    lines = text.split("\n")
    out = [lines[0]]
    for prev, line in pairwise(lines):
        soft = len(prev.rstrip()) >= _WRAP_MIN and line.strip() and not _LIST_START_RE.match(line)
        out.append((" " if soft else "\n") + line)
    return Fragment("".join(out), fragment.matches)


def split_marked(fragment: Fragment) -> list[Fragment]:
    """Split a paragraph at numbered paragraph markings (`2. (C) `).

    Bodies whose line breaks were lost in a release arrive as one long line; the cable's own
    paragraph numbers are where its paragraphs began.
    """
    cuts = [m.start() for m in _PARA_MARK_RE.finditer(fragment.text)]
    if not cuts:
        return [fragment]
    bounds = [0, *cuts, len(fragment.text)]
    pieces = []
    for lo, hi in pairwise(bounds):
        matches = tuple(
            (max(s, lo) - lo, min(e, hi) - lo) for s, e in fragment.matches if s < hi and e > lo
        )
        text = fragment.text[lo:hi]
        stripped = len(text) - len(text.rstrip())
        end = hi - lo - stripped
        matches = tuple((s, min(e, end)) for s, e in matches if s < end)
        if text.strip():
            pieces.append(Fragment(text[:end], matches))
    return pieces


def body_paragraphs(view: lib.CableView) -> list[Markup]:
    out = []
    for para in view.paragraphs:
        for piece in split_marked(para):
            out.append(html_fragment(reflow(piece)))
    return out


def _join(values: Iterable[str]) -> str:
    return ", ".join(v for v in values if v)


def cable_context(
    view: lib.CableView, q: str, graph: CitationGraph | None = None
) -> dict[str, Any]:
    c = view.cable
    metadata: list[tuple[str, str]] = [
        ("Reference ID", c.refid),
        ("Created", c.created.strftime("%Y-%m-%d %H:%M UTC") if c.created else "unknown"),
        ("Released", c.released.strftime("%Y-%m-%d") if c.released else "unknown"),
        ("Classification", c.classification),
        ("Origin", c.origin),
    ]
    optional = (
        ("Signed by", _join(c.signed_by)),
        ("Classified by", c.classified_by or ""),
        ("Declassify", c.declassify or ""),
        ("To", _join(c.recipients)),
        ("Info", _join(c.info)),
        ("Source", f"{c.source.format}: {c.source.path}"),
    )
    metadata.extend((label, value) for label, value in optional if value)
    return {
        "refid": c.refid,
        "subject": c.subject or c.title,
        "classification": c.classification,
        "class_css": class_css(c.classification),
        "origin": c.origin,
        "created": fmt_date(c.created),
        "metadata": metadata,
        "tags": [Link(t, search_url(f"tag:{t}")) for t in c.tags],
        "articles": list(c.articles),
        "summary": c.summary,
        "paragraphs": body_paragraphs(view),
        "header": c.header,
        "references": [
            {"refid": r, "subject": subject or "",
             "url": cable_url(r) if subject is not None and REFID_RE.match(r) else None}
            for r, subject in view.references
        ],
        "cited_by": [
            {"refid": r, "subject": subject or "", "url": cable_url(r)}
            for r, subject in view.cited_by
        ],
        "versions": [
            asdict(v) for v in view.versions
        ],
        "source": f"{c.source.format}: {c.source.path}",
        "graph": graph_view(graph, q) if graph is not None else None,
    }



def search_context(
    state: SearchState, result: lib.SearchResult, months: Counter[str] | None
) -> dict[str, Any]:
    """Everything search.html shows for one result page."""
    histogram = (
        month_histogram(state, months)
        if months is not None
        else year_histogram(state, year_counts(result.facets.get("year", [])))
    )
    undated = dict(result.facets.get("year", [])).get(UNKNOWN, 0)
    if histogram is not None and undated:
        histogram = replace(
            histogram, unknown=undated, unknown_url=state.toggle("year", UNKNOWN).url()
        )
    suggestion = None
    if result.suggestion and result.suggestion != state.q:
        # the library corrects the user's text alone (filters are apart): keep the filters
        fixed = result.suggestion
        suggestion = {"query": fixed, "url": replace(state, q=fixed, page=1).url()}
    return {
        "q": state.q,
        "sort": state.sort,
        "result": result,
        "hits": [hit_view(h, result.terms, state.q) for h in result.hits],
        "first_number": (result.page - 1) * result.limit + 1,
        "facets": facet_boxes(state, result.facets),
        "facets_active": state.has_filters(),
        "chips": chips(state),
        "clear_url": state.cleared().url(),
        "sorts": [
            Link(label, replace(state, sort=key, page=1).url(), active=key == state.sort)
            for key, label in SORTS
        ],
        "histogram": histogram,
        "suggestion": suggestion,
        "pager": pager(state, result.pages),
        "api_url": state.url("/api/search"),
    }


def hit_view(hit: lib.Hit, terms: Terms, q: str) -> HitView:
    return HitView(
        refid=hit.refid,
        url=cable_url(hit.refid, q),
        subject=html_fragment(mark_all(hit.subject, terms)) if hit.subject else Markup(""),
        date=fmt_date(hit.created),
        origin=hit.origin,
        classification=hit.classification,
        class_css=class_css(hit.classification),
        fragments=[html_fragment(f) for f in hit.highlights],
        tags=[Link(t, search_url(f"tag:{t}")) for t in hit.tags],
    )
