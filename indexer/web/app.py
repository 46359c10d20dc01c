"""`cables serve`: a read-only web UI and JSON API over the index (Starlette + Jinja2).

Pages render on the server; the little JavaScript there is only adds keyboard shortcuts.
Every search state (query, page, sort, facet filters) lives in the URL, so any view can be
bookmarked or shared. The JSON API returns the same dicts as the CLI's `--json`.

Safety: Jinja2 autoescapes every value; the only markup not escaped by Jinja2 is the output
of `highlight.to_html`, which escapes the text itself. Template names are constants, refids
are checked against a strict shape before any lookup, and the index is never written.
Library errors become friendly pages (400 bad query, 404 unknown cable, 503 no index); any
other error becomes a plain 500 page without details.

Speed: the opened index (`search.Searchable`: Whoosh searcher plus per-generation caches) is
kept while `index/live` points at the same generation and replaced when an update publishes
a new one, so a request costs one `readlink` plus the search itself. Whoosh searchers are not
made for concurrent use, so searches run one at a time in a worker thread (under a lock),
keeping the event loop free for static files.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import search as lib
from .. import store
from ..errors import IndexMissing, NotFound, QueryError
from ..highlight import Fragment, Terms, mark_all, to_html

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

PAGE_SIZE = 10
#: longest query text accepted (a longer one is a 400, not a slow search)
MAX_QUERY = 1000
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

SORTS: tuple[tuple[str, str], ...] = (
    ("relevance", "Relevance"),
    ("newest", "Newest"),
    ("oldest", "Oldest"),
)
#: (URL parameter, library facet field, sidebar title)
FACETS: tuple[tuple[str, str, str], ...] = (
    ("classification", "classification", "Classification"),
    ("origin", "origin", "Origin"),
    ("year", "year", "Year"),
    ("tag", "tags", "TAGS"),
)
#: query examples for the syntax panel and the home page: (query, meaning)
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("mek defector", "both words, anywhere (subject, TAGS, text)"),
    ('"human rights"', "the exact phrase"),
    ('"arrest warrants"~3', "these words within 3 words of each other"),
    ("iran OR iraq", "either word"),
    ("nuclear -iran", "without a word (also NOT iran)"),
    ("negotiat*", "words starting with negotiat"),
    ("baghdda~", "fuzzy: words spelt nearly so"),
    ("tag:PTER", "a TAG"),
    ("origin:baghdad", "from any post whose name has this word"),
    ('class:"secret//noforn"', "a classification (class:secret also finds SECRET//NOFORN)"),
    ("created:2009-06", "created in June 2009; also [2008 TO 2009], >2009-01-15"),
    ("cites:09BAGHDAD113", "cables that reference a cable"),
    ("subject:ashraf", "a word in the subject only"),
)

#: any refid the index could hold, including the malformed ones of the real releases
#: (`7575LIBREVILLE1895`); nothing else gets near a lookup
_REFID_RE = re.compile(r"^[0-9A-Z]{3,64}$")
_YEAR_RE = re.compile(r"^\d{4}$")
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: facet values come from the index: printable text of reasonable length; no `"`, which
#: cannot be put in a quoted query value
_VALUE_RE = re.compile(r'^[^\x00-\x1f\x7f"]{1,200}$')
#: a numbered, classification-marked paragraph start: `2. (C) `, `12. (S//NF) `, `3. (SBU) `
_PARA_MARK_RE = re.compile(r"(?<=\s)(?=\d{1,3}\. \([A-Z]{1,4}(?://[A-Z]+)*\) )")
#: a hard-wrapped line is at least this long; shorter lines end on purpose (headings, lists)
_WRAP_MIN = 55
_LIST_START_RE = re.compile(r"^\s*(?:[-*•]|\(?[A-Za-z0-9]{1,3}[.)]\s)")

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


class BadRequest(Exception):
    """A malformed parameter: a 400 with this message."""


# --- the opened index, per generation ----------------------------------------------------------


class IndexHolder:
    """Keeps one `Searchable` open while `live` points at its generation.

    The previous generation's searcher is not closed at once: a request may still be reading
    it. It is closed when the one after it is opened (requests are serialized by `lock`).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self._current: lib.Searchable | None = None
        self._retired: lib.Searchable | None = None

    def get(self) -> lib.Searchable:
        """The open index of the live generation (call with `lock` held)."""
        gen = store.live_generation(self.root)
        if gen is None:
            raise IndexMissing(str(self.root))
        current = self._current
        if current is None or current.generation != gen:
            opened = lib.open_index(self.root)
            if self._retired is not None:
                self._retired.close()
            self._retired, self._current = current, opened
            current = opened
        return current

    def run(self, fn: Callable[[lib.Searchable], Any]) -> Any:
        with self.lock:
            return fn(self.get())

    def close(self) -> None:
        for s in (self._current, self._retired):
            if s is not None:
                s.close()
        self._current = self._retired = None


# --- search state: everything in the URL --------------------------------------------------------


@dataclass(frozen=True)
class SearchState:
    """One search view. `url()` gives its canonical, shareable address."""

    q: str = ""
    page: int = 1
    sort: str = "relevance"
    origin: str | None = None
    classification: str | None = None
    year: str | None = None
    month: str | None = None  # YYYY-MM
    tags: tuple[str, ...] = ()

    def params(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in ("origin", "classification", "year", "month"):
            value = getattr(self, name)
            if value:
                out.append((name, value))
        out.extend(("tag", t) for t in self.tags)
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def url(self, path: str = "/search") -> str:
        params = self.params()
        return f"{path}?{urlencode(params)}" if params else "/"

    def has_filters(self) -> bool:
        return bool(self.origin or self.classification or self.year or self.month or self.tags)

    def is_active(self, param: str, value: str) -> bool:
        if param == "tag":
            return value in self.tags
        return bool(getattr(self, param) == value)

    def toggle(self, param: str, value: str) -> SearchState:
        """Add the filter, or remove it when already on. Origin, classification, year and
        month hold one value (two would match nothing); TAGS add up."""
        if param == "tag":
            tags = tuple(t for t in self.tags if t != value)
            if tags == self.tags:
                tags = (*self.tags, value)
            return replace(self, tags=tags, page=1)
        new = None if getattr(self, param) == value else value
        changes: dict[str, Any] = {param: new, "page": 1}
        if param == "year":
            changes["month"] = None  # a month of another year would contradict it
        return replace(self, **changes)

    def cleared(self) -> SearchState:
        return SearchState(q=self.q, sort=self.sort)

    def query_text(self) -> str:
        """The query the library runs: the user's text AND every filter clause."""
        clauses = []
        if self.origin:
            clauses.append(lib.facet_filter("origin", self.origin))
        if self.classification:
            clauses.append(lib.facet_filter("classification", self.classification))
        if self.year:
            clauses.append(lib.facet_filter("year", self.year))
        if self.month:
            clauses.append(f"created:{self.month}")
        clauses.extend(lib.facet_filter("tags", t) for t in self.tags)
        if not clauses:
            return self.q
        if not self.q.strip():
            return " AND ".join(clauses)
        return " AND ".join([f"({self.q})", *clauses])


def _one(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if not _VALUE_RE.match(value):
        raise BadRequest(f"bad {name} value - use the links on the page to filter")
    return value


def parse_state(query_params: Any) -> SearchState:
    """The search state from the URL parameters; BadRequest on a malformed one."""
    q = (query_params.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise BadRequest(f"the query is {len(q):,} characters long - at most {MAX_QUERY:,}")
    if "\x00" in q:
        raise BadRequest("the query holds a NUL character")
    sort = query_params.get("sort") or "relevance"
    if sort not in dict(SORTS):
        raise BadRequest(f'unknown sort "{sort}" - sorts are relevance, newest, oldest')
    page_text = query_params.get("page") or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= 100_000:
        raise BadRequest(f'bad page "{page_text}" - pages are numbered from 1')
    year = _one(query_params, "year")
    if year is not None and not _YEAR_RE.match(year):
        raise BadRequest(f'bad year "{year}" - use four digits, e.g. 2009')
    month = _one(query_params, "month")
    if month is not None and not _MONTH_RE.match(month):
        raise BadRequest(f'bad month "{month}" - use YYYY-MM, e.g. 2009-06')
    tags = [t for t in query_params.getlist("tag") if t]
    for tag in tags:
        if not _VALUE_RE.match(tag):
            raise BadRequest("bad tag value - use the links on the page to filter")
    return SearchState(
        q=q,
        page=int(page_text),
        sort=sort,
        origin=_one(query_params, "origin"),
        classification=_one(query_params, "classification"),
        year=year,
        month=month,
        tags=tuple(dict.fromkeys(tags)),
    )


def search_url(q: str) -> str:
    return SearchState(q=q).url()


def cable_url(refid: str, q: str = "") -> str:
    # refids are [0-9A-Z] only (checked), so they need no quoting in the path
    return f"/cable/{refid}?{urlencode({'q': q})}" if q else f"/cable/{refid}"


# --- view models -------------------------------------------------------------------------------


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


def fmt_date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "undated"


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
    if not months:
        return None
    # whole calendar years: bars keep their width and place from one query to the next
    first, last = f"{min(months)[:4]}-01", f"{max(months)[:4]}-12"
    year, month = int(first[:4]), 1
    items = []
    while True:
        key = f"{year:04d}-{month:02d}"
        label = _MONTHS[month - 1] if month != 1 else str(year)
        items.append((key, label, months.get(key, 0),
                      f"{_MONTHS[month - 1]} {year}: {months.get(key, 0):,} cables"))
        if key >= last:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    slot = min(HIST_MAX_SLOT, max(HIST_MIN_SLOT, HIST_WIDTH / len(items)))
    plot_height = 110
    every = 1 if slot >= 30 else 3
    bars, top = _bars(state, items, "month", every, plot_height, slot)
    span = f"{first[:4]}" if first[:4] == last[:4] else f"{first[:4]}–{last[:4]}"
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


def cable_context(view: lib.CableView, q: str) -> dict[str, Any]:
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
             "url": cable_url(r) if subject is not None and _REFID_RE.match(r) else None}
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
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return value


# --- the application ---------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["examples"] = [
        {"query": q, "meaning": m, "url": search_url(q)} for q, m in EXAMPLES
    ]
    env.globals["max_query"] = MAX_QUERY
    return env


class WebApp:
    """The request handlers, bound to one index folder."""

    def __init__(self, index_root: Path) -> None:
        self.index = IndexHolder(index_root)
        self.env = _environment()
        self._stats_cache: tuple[Path, lib.Stats] | None = None

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("q", "")
        context.setdefault("sort", "relevance")
        return HTMLResponse(self.env.get_template(name).render(context), status_code=status)

    # pages

    async def home_or_search(self, request: Request) -> Response:
        state = parse_state(request.query_params)
        if not state.q and not state.has_filters():
            return await self.home(request)
        return await self.search_page(state)

    def _stats(self, s: lib.Searchable) -> lib.Stats:
        # a generation never changes, and stats walk every document: once per generation
        cached = self._stats_cache
        if cached is None or cached[0] != s.generation:
            cached = self._stats_cache = (s.generation, lib.stats(s))
        return cached[1]

    async def home(self, request: Request) -> Response:
        st: lib.Stats = await self._run(self._stats)
        span = ""
        if st.first and st.last:
            span = f"{st.first.year}–{st.last.year}"
        classes = [
            Link(v, SearchState().toggle("classification", v).url(), n)
            for v, n in st.by_classification
        ]
        updated = st.updated.strftime("%Y-%m-%d %H:%M UTC") if st.updated else ""
        return self.render(
            "home.html",
            stats={"cables": st.cables, "span": span, "classifications": classes,
                   "updated": updated},
        )

    async def search_page(self, state: SearchState) -> Response:
        result, months = await self._run(lambda s: self._search(s, state))
        return self.render("search.html", **self.search_context(state, result, months))

    def _search(
        self, s: lib.Searchable, state: SearchState
    ) -> tuple[lib.SearchResult, Counter[str] | None]:
        text = state.query_text()
        try:
            result = lib.search(
                s, text, limit=PAGE_SIZE, page=state.page, sort=state.sort,
                facets=PAGE_FACETS, facet_limit=FACET_FETCH,
            )
        except QueryError as exc:
            raise QueryError(_own_error(s, state, exc)) from exc
        years = year_counts(result.facets.get("year", []))
        if not wants_months(years):
            return result, None
        return result, Counter(dict(result.facets["month"]))

    def search_context(
        self, state: SearchState, result: lib.SearchResult, months: Counter[str] | None
    ) -> dict[str, Any]:
        terms = result.terms
        hits = [self._hit_view(h, terms, state.q) for h in result.hits]
        histogram = (
            month_histogram(state, months)
            if months is not None
            else year_histogram(state, year_counts(result.facets.get("year", [])))
        )
        suggestion = None
        if result.suggestion and result.suggestion != state.query_text():
            # the library corrects the whole query text; offer the user's part, filters kept
            fixed = result.suggestion
            if state.has_filters() and state.q:
                fixed = _strip_filters(result.suggestion, state)
            suggestion = {"query": fixed, "url": replace(state, q=fixed, page=1).url()}
        return {
            "q": state.q,
            "sort": state.sort,
            "result": result,
            "hits": hits,
            "first_number": (result.page - 1) * result.limit + 1,
            "facets": facet_boxes(state, result.facets),
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

    def _hit_view(self, hit: lib.Hit, terms: Terms, q: str) -> HitView:
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

    async def cable_page(self, request: Request) -> Response:
        refid = _refid(request)
        q = (request.query_params.get("q") or "").strip()[:MAX_QUERY]
        view = await self._run(lambda s: _show(s, refid, q))
        return self.render(
            "cable.html",
            q=q,
            cable=cable_context(view, q),
            back_url=search_url(q) if q else None,
            api_url=f"/api/cable/{view.cable.refid}",
        )

    # JSON API

    async def api_search(self, request: Request) -> Response:
        state = parse_state(request.query_params)
        if not state.q and not state.has_filters():
            raise BadRequest("missing q - pass a query, e.g. /api/search?q=baghdad")
        result, _ = await self._run(lambda s: (_api_search(s, state), None))
        return JSONResponse(lib.result_to_dict(result))

    async def api_cable(self, request: Request) -> Response:
        refid = _refid(request)
        q = (request.query_params.get("q") or "").strip()[:MAX_QUERY]
        view = await self._run(lambda s: _show(s, refid, q))
        return JSONResponse(lib.view_to_dict(view))

    async def api_stats(self, request: Request) -> Response:
        st = await self._run(self._stats)
        return JSONResponse(lib.stats_to_dict(st))

    async def _run(self, fn: Callable[[lib.Searchable], Any]) -> Any:
        return await run_in_threadpool(self.index.run, fn)

    # errors

    def error(self, request: Request, status: int, heading: str, message: str,
              hint: str = "", kind: str = "error") -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message, "status": status}, status_code=status)
        # the query stays in the box, so a malformed one can be fixed in place
        q = (request.query_params.get("q") or "")[:MAX_QUERY]
        return self.render("error.html", status=status, heading=heading, message=message,
                           hint=hint, kind=kind, q=q)

    async def on_bad_request(self, request: Request, exc: Exception) -> Response:
        return self.error(request, 400, "Bad request", str(exc))

    async def on_query_error(self, request: Request, exc: Exception) -> Response:
        return self.error(
            request, 400, "This query cannot be read", str(exc),
            "Open “Search syntax” above for the forms a query can take.", "query",
        )

    async def on_not_found(self, request: Request, exc: Exception) -> Response:
        return self.error(request, 404, "Not found", _web_message(str(exc)))

    async def on_index_missing(self, request: Request, exc: Exception) -> Response:
        return self.error(
            request, 503, "No index yet",
            "There is no search index to read yet.",
            "Build it with `cables index` (then reload this page).", "setup",
        )

    async def on_http(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = "There is no page at this address." if exc.status_code == 404 else str(
            exc.detail
        )
        return self.error(request, exc.status_code, "Not found" if exc.status_code == 404
                          else "Error", message)

    async def on_crash(self, request: Request, exc: Exception) -> Response:
        # no details to the client: they may hold paths or index internals
        return PlainTextResponse("Internal server error", status_code=500)


def _refid(request: Request) -> str:
    refid = str(request.path_params.get("refid", "")).strip().upper()
    if not _REFID_RE.match(refid):
        raise BadRequest("not a cable reference id - ids look like 09BAGHDAD113")
    return refid


def _show(s: lib.Searchable, refid: str, q: str) -> lib.CableView:
    try:
        return lib.show(s, refid, q or None)
    except QueryError:
        # a cable page with an unreadable query is still the cable, just unmarked
        return lib.show(s, refid, None)


def _api_search(s: lib.Searchable, state: SearchState) -> lib.SearchResult:
    try:
        return lib.search(s, state.query_text(), limit=PAGE_SIZE, page=state.page,
                          sort=state.sort)
    except QueryError as exc:
        raise QueryError(_own_error(s, state, exc)) from exc


def _own_error(s: lib.Searchable, state: SearchState, exc: QueryError) -> str:
    """The error in terms of what the user typed: with filters on, the library saw
    `(text) AND ...`, whose columns are off by one; re-check the text alone."""
    if not state.has_filters() or not state.q:
        return str(exc)
    try:
        lib.prepare_query(s, state.q)
    except QueryError as own:
        return str(own)
    return str(exc)


def _strip_filters(suggestion: str, state: SearchState) -> str:
    prefix = "("
    marker = ") AND "
    if suggestion.startswith(prefix) and marker in suggestion:
        return suggestion[len(prefix) : suggestion.rindex(marker)]
    return suggestion


def _web_message(message: str) -> str:
    # the library's hint names the CLI; on the web a search link says the same
    return message.replace(" or search for it: cables search", " or search for")


class SecurityHeaders:
    """Adds CSP and friends to every response: a second line of defence behind escaping."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(index_root: Path) -> Starlette:
    """The web application over the index at `index_root` (read-only)."""
    web = WebApp(Path(index_root))
    routes = [
        Route("/", web.home_or_search),
        Route("/search", web.home_or_search),
        Route("/cable/{refid}", web.cable_page),
        Route("/api/search", web.api_search),
        Route("/api/cable/{refid}", web.api_cable),
        Route("/api/stats", web.api_stats),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    handlers: dict[Any, Any] = {
        BadRequest: web.on_bad_request,
        QueryError: web.on_query_error,
        NotFound: web.on_not_found,
        IndexMissing: web.on_index_missing,
        HTTPException: web.on_http,
        Exception: web.on_crash,
    }
    app = Starlette(
        routes=routes, exception_handlers=handlers, middleware=[Middleware(SecurityHeaders)]
    )
    app.state.web = web
    return app


def run_server(index_root: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the UI with uvicorn until interrupted (localhost only unless `host` says so)."""
    import uvicorn

    uvicorn.run(create_app(index_root), host=host, port=port, log_level="info", server_header=False)


__all__ = ["create_app", "run_server"]
