"""The server's state: the open index shared by concurrent searches, and each search's state
as it lives in the URL.

Concurrency, the way datasette runs SQLite reads: searches run on a small pool of worker
threads of their own (not the thread limiter Starlette shares with static files), and each
worker reads the index through its own Whoosh searcher (Whoosh's matchers seek and read
shared file objects, so a searcher serves one thread at a time) while the per-generation
caches (facet table, term lists, field lengths) are built once and shared (`Searchable.twin`).
Nothing serializes the requests: a slow search holds up only its own worker.

Each request has a time limit (`time_limit`, seconds): past it the visitor gets a clear
message (`SearchTimeout`, a 503) at once. Python cannot stop a thread, so the abandoned search
runs on in its worker to its end; a search still waiting for a worker when its time is up
is dropped without running.

Generations: a worker keeps its view while `index/live` points at the same generation and
opens the new one when an update publishes it, so a request costs one `readlink` plus the
search itself. Views of an old generation are closed by the thread that owns them (no other
thread reads them).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from .. import searching as lib
from .. import store
from ..errors import IndexMissing

T = TypeVar("T")

#: longest query text accepted (a longer one is a 400, not a slow search)
MAX_QUERY = 1000
#: worker threads for searches (several, so that one slow search never holds up the rest)
WORKERS = 4
#: seconds a request may take before the visitor is told so
TIME_LIMIT = 10.0

SORTS: tuple[tuple[str, str], ...] = (
    ("relevance", "Relevance"),
    ("newest", "Newest"),
    ("oldest", "Oldest"),
    ("cited", "Most cited"),
)

#: any refid the index could hold, including the malformed ones of the real releases
#: (`7575LIBREVILLE1895`); nothing else gets near a lookup
REFID_RE = re.compile(r"^[0-9A-Z]{3,64}$")
_YEAR_RE = re.compile(r"^(\d{4}|unknown)$")
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: facet values come from the index: printable text of reasonable length; no `"`, which
#: cannot be put in a quoted query value
_VALUE_RE = re.compile(r'^[^\x00-\x1f\x7f"]{1,200}$')


class BadRequest(Exception):
    """A malformed parameter: a 400 with this message."""


class SearchTimeout(Exception):
    """A request ran past the time limit: a 503 with this message."""


# --- the open index, shared by the workers ------------------------------------------------------


class IndexPool:
    """Runs library calls on worker threads, each with its own view of the live generation."""

    def __init__(
        self, root: Path, workers: int = WORKERS, time_limit: float = TIME_LIMIT
    ) -> None:
        self.root = root
        self.time_limit = time_limit
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="search")
        self._lock = threading.Lock()  # guards the fields below
        self._primary: lib.Searchable | None = None
        self._views: list[lib.Searchable] = []  # every view opened, to close at the end
        self._local = threading.local()

    def _view(self) -> lib.Searchable:
        """This thread's view of the live generation (called on a worker thread)."""
        gen = store.live_generation(self.root)
        if gen is None:
            raise IndexMissing(str(self.root))
        mine: lib.Searchable | None = getattr(self._local, "view", None)
        if mine is not None and mine.generation == gen:
            return mine
        with self._lock:
            primary = self._primary
            if primary is None or primary.generation != gen:
                # opened once per generation for all workers; each one takes a twin of it
                primary = lib.open_index(self.root)
                if self._primary is not None:
                    # requests read only twins (own searchers), never the primary itself
                    self._views.remove(self._primary)
                    self._primary.close()
                self._views.append(primary)
                self._primary = primary
            twin = primary.twin()
            self._views.append(twin)
            if mine is not None:
                self._views.remove(mine)
        if mine is not None:
            mine.close()
        self._local.view = twin
        return twin

    def _call(self, fn: Callable[[lib.Searchable], T]) -> T:
        view = self._view()
        try:
            return fn(view)
        finally:
            # the index pages this request mapped go back to the page cache: otherwise the
            # server's RSS grows with every part of the index ever read (462 MiB after the
            # 20 bench queries at full size, 363 of it mapped index pages)
            view.drop_pages()

    async def run(self, fn: Callable[[lib.Searchable], T]) -> T:
        """`fn(view)` on a worker thread; SearchTimeout past the time limit."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.executor, self._call, fn)
        try:
            return await asyncio.wait_for(future, self.time_limit)
        except TimeoutError:
            raise SearchTimeout(
                f"this search took longer than {self.time_limit:g} s and was given up"
            ) from None

    def close(self) -> None:
        """Stop the workers (waiting for searches still running), then close every view."""
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            views, self._views, self._primary = self._views, [], None
        for view in views:
            view.close()


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

    def filters(self) -> tuple[str, ...]:
        """One query clause per filter; the library parses each on its own and joins them
        to the user's query as query objects (never as text)."""
        clauses = []
        if self.origin:
            clauses.append(lib.facet_filter("origin", self.origin))
        if self.classification:
            clauses.append(lib.facet_filter("classification", self.classification))
        if self.year:
            clauses.append(lib.facet_filter("year", self.year))
        if self.month:
            clauses.append(lib.facet_filter("month", self.month))
        clauses.extend(lib.facet_filter("tags", t) for t in self.tags)
        return tuple(clauses)


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
        names = ", ".join(key for key, _ in SORTS)
        raise BadRequest(f'unknown sort "{sort}" - sorts are {names}')
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


def fmt_date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "undated"


def cable_url(refid: str, q: str = "") -> str:
    # refids are [0-9A-Z] only (checked), so they need no quoting in the path
    return f"/cable/{refid}?{urlencode({'q': q})}" if q else f"/cable/{refid}"
