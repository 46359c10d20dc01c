"""`cables serve`: the request handlers of the read-only web UI and JSON API (Starlette +
Jinja2), and the application that routes to them.

Pages render on the server; the little JavaScript there is only adds keyboard shortcuts and
folds the filters on narrow screens. Every search state (query, page, sort, facet filters)
lives in the URL (`state.SearchState`), so any view can be bookmarked or shared. The JSON API
returns the same dicts as the CLI's `--json`.

Safety: Jinja2 autoescapes every value; the only markup not escaped by Jinja2 comes from
`views` (see there). Template names are constants, refids are checked against a strict shape
before any lookup, and the index is never written. Library errors become friendly pages (400
bad query, 404 unknown cable, 503 no index or over the time limit); any other error becomes a
plain 500 page without details.

Every library call runs on the index pool's workers (`state.IndexPool`): requests never wait
for one another, and each has a time limit.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import searching as lib
from .. import tagcodes
from ..diff import PAGE_MAX_FILE_BYTES, cable_diff
from ..errors import IndexMissing, NotFound, QueryError
from ..graph import CitationGraph, citation_graph, graph_to_dict
from .alerts import routes as alert_routes
from .quoteview import routes as quote_routes
from .state import (
    MAX_QUERY,
    REFID_RE,
    TIME_LIMIT,
    WORKERS,
    BadRequest,
    IndexPool,
    SearchState,
    SearchTimeout,
    parse_state,
    search_url,
)
from .views import (
    FACET_FETCH,
    PAGE_FACETS,
    PAGE_SIZE,
    Link,
    cable_context,
    search_context,
    wants_months,
    year_counts,
)

T = TypeVar("T")

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

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

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


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
    env.filters["tag_meaning"] = tagcodes.meaning
    return env


class WebApp:
    """The request handlers, bound to one index folder."""

    def __init__(self, index_root: Path, workers: int, time_limit: float) -> None:
        self.index = IndexPool(index_root, workers=workers, time_limit=time_limit)
        self.env = _environment()
        self._stats_cache: tuple[Path, lib.Stats] | None = None

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("q", "")
        context.setdefault("sort", "relevance")
        return HTMLResponse(self.env.get_template(name).render(context), status_code=status)

    async def _run(self, fn: Callable[[lib.Searchable], T]) -> T:
        return await self.index.run(fn)

    # pages

    async def home_or_search(self, request: Request) -> Response:
        state = parse_state(request.query_params)
        if not state.q and not state.has_filters():
            if request.url.path == "/" and "q" not in request.query_params:
                return await self.home(request)
            # an empty search box lists every cable, newest first (as `*` does)
            state = dataclasses.replace(state, q="*")
        return await self.search_page(state)

    def _stats(self, s: lib.Searchable) -> lib.Stats:
        # a generation never changes, and stats walk every document: once per generation
        cached = self._stats_cache
        if cached is None or cached[0] != s.generation:
            cached = self._stats_cache = (s.generation, lib.stats(s))
        return cached[1]

    async def home(self, request: Request) -> Response:
        st = await self._run(self._stats)
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
        result, months = await self._run(lambda s: _page_search(s, state))
        return self.render("search.html", **search_context(state, result, months))

    async def cable_page(self, request: Request) -> Response:
        refid = _refid(request)
        q = (request.query_params.get("q") or "").strip()[:MAX_QUERY]
        view, graph = await self._run(lambda s: (_show(s, refid, q), citation_graph(s, refid)))
        diff = (
            await self._run(lambda s: cable_diff(s, refid, max_file_bytes=PAGE_MAX_FILE_BYTES))
            if view.versions
            else None
        )
        return self.render(
            "cable.html",
            q=q,
            diff=diff,
            cable=cable_context(view, q, graph),
            back_url=search_url(q) if q else None,
            api_url=f"/api/cable/{view.cable.refid}",
        )

    # JSON API

    async def api_search(self, request: Request) -> Response:
        state = parse_state(request.query_params)
        if not state.q and not state.has_filters():
            raise BadRequest("missing q - pass a query, e.g. /api/search?q=baghdad")
        result = await self._run(
            lambda s: lib.search(s, state.q, limit=PAGE_SIZE, page=state.page,
                                 sort=state.sort, filters=state.filters())
        )
        return JSONResponse(lib.result_to_dict(result))

    async def api_cable(self, request: Request) -> Response:
        refid = _refid(request)
        q = (request.query_params.get("q") or "").strip()[:MAX_QUERY]
        view = await self._run(lambda s: _show(s, refid, q))
        return JSONResponse(lib.view_to_dict(view))

    async def api_graph(self, request: Request) -> Response:
        refid = _refid(request)
        graph: CitationGraph = await self._run(lambda s: citation_graph(s, refid))
        return JSONResponse(graph_to_dict(graph))

    async def api_stats(self, request: Request) -> Response:
        st = await self._run(self._stats)
        return JSONResponse(lib.stats_to_dict(st))

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

    async def on_timeout(self, request: Request, exc: Exception) -> Response:
        return self.error(
            request, 503, "This search took too long", str(exc),
            "Narrow it down: fewer wildcards (*) and fuzzy words (~), a phrase instead of "
            "common words, or a filter; then try again.", "query",
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
    if not REFID_RE.match(refid):
        raise BadRequest("not a cable reference id - ids look like 09BAGHDAD113")
    return refid


def _page_search(
    s: lib.Searchable, state: SearchState
) -> tuple[lib.SearchResult, Counter[str] | None]:
    result = lib.search(
        s, state.q, limit=PAGE_SIZE, page=state.page, sort=state.sort,
        facets=PAGE_FACETS, facet_limit=FACET_FETCH, filters=state.filters(),
    )
    years = year_counts(result.facets.get("year", []))
    if not wants_months(years):
        return result, None
    return result, Counter(dict(result.facets["month"]))


def _show(s: lib.Searchable, refid: str, q: str) -> lib.CableView:
    try:
        return lib.show(s, refid, q or None)
    except QueryError:
        # a cable page with an unreadable query is still the cable, just unmarked
        return lib.show(s, refid, None)


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


def create_app(
    index_root: Path, *, workers: int = WORKERS, time_limit: float = TIME_LIMIT
) -> Starlette:
    """The web application over the index at `index_root` (read-only): searches on
    `workers` threads, each request answered within `time_limit` seconds."""
    web = WebApp(Path(index_root), workers, time_limit)
    routes = [
        Route("/", web.home_or_search),
        Route("/search", web.home_or_search),
        Route("/cable/{refid}", web.cable_page),
        Route("/api/search", web.api_search),
        Route("/api/cable/{refid}", web.api_cable),
        Route("/api/graph/{refid}", web.api_graph),
        Route("/api/stats", web.api_stats),
        *alert_routes(web),
        *quote_routes(web),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    handlers: dict[Any, Any] = {
        BadRequest: web.on_bad_request,
        QueryError: web.on_query_error,
        SearchTimeout: web.on_timeout,
        NotFound: web.on_not_found,
        IndexMissing: web.on_index_missing,
        HTTPException: web.on_http,
        Exception: web.on_crash,
    }

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            web.index.close()

    app = Starlette(
        routes=routes,
        exception_handlers=handlers,
        middleware=[Middleware(SecurityHeaders)],
        lifespan=lifespan,
    )
    app.state.web = web
    return app


def run_server(
    index_root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = WORKERS,
    time_limit: float = TIME_LIMIT,
) -> None:
    """Serve the UI with uvicorn until interrupted (localhost only unless `host` says so)."""
    import uvicorn

    app = create_app(index_root, workers=workers, time_limit=time_limit)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


__all__ = ["create_app", "run_server"]
