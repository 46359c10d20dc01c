"""The saved searches on the web: `/alerts` (each saved search with its new matches) and
`/alerts/NAME.atom` (an Atom feed per saved search, for feed readers).

Both are read-only like the rest of `cables serve`: nothing is marked seen here (that is
`cables alert check`), so the page shows what the next check will report.

The feed holds the saved search's most recently noticed matches, newest first (see
`alerts.feed`). Each entry's id is derived from the cable *and the version of its record*, so
a cable that a later release changed (e.g. with redactions lifted) reaches the reader again
as a new entry, while an unchanged one keeps its id however often the feed is fetched.

The Atom document is built with the standard library's ElementTree, which escapes text and
attribute values itself; a feed library would add a dependency for the same dozen elements.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import alerts as lib
from .. import searching as search

if TYPE_CHECKING:
    from .handlers import WebApp

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
#: new matches shown per saved search on the page (the rest are counted)
PAGE_HITS = 20
#: entries per feed
FEED_ENTRIES = 50


@dataclass(frozen=True)
class HitLink:
    refid: str
    url: str
    subject: str
    date: str
    origin: str
    classification: str
    class_css: str
    fragments: list[Markup]


@dataclass(frozen=True)
class AlertView:
    name: str
    query: str
    since: str
    count: int
    hits: list[HitLink]
    more: int
    feed_url: str
    search_url: str


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "undated"


def _hit_link(hit: search.Hit, query: str) -> HitLink:
    from .state import cable_url
    from .views import class_css, html_fragment

    return HitLink(
        refid=hit.refid,
        url=cable_url(hit.refid, query),
        subject=hit.subject,
        date=_date(hit.created),
        origin=hit.origin,
        classification=hit.classification,
        class_css=class_css(hit.classification),
        fragments=[html_fragment(f) for f in hit.highlights],
    )


def alert_views(results: tuple[lib.AlertResult, ...]) -> list[AlertView]:
    from .state import search_url

    return [
        AlertView(
            name=r.name,
            query=r.query,
            since=r.since.strftime("%Y-%m-%d %H:%M UTC"),
            count=len(r.new),
            hits=[_hit_link(m.hit, r.query) for m in r.new[:PAGE_HITS]],
            more=max(0, len(r.new) - PAGE_HITS),
            feed_url=f"/alerts/{r.name}.atom",
            search_url=search_url(r.query),
        )
        for r in results
    ]


def atom_document(feed: lib.Feed, base_url: str) -> bytes:
    """The Atom 1.0 document (RFC 4287) of one saved search's feed; `base_url` ends in /."""
    name, query = feed.search.name, feed.search.query
    root = ET.Element("feed", {"xmlns": ATOM_NS})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, tag, attrs)
        if text is not None:
            el.text = text
        return el

    sub(root, "title", f"Cables matching {query} ({name})")
    sub(root, "subtitle", f'New and changed cables matching the saved search "{name}"')
    sub(root, "id", feed.id)
    sub(root, "updated", feed.updated.isoformat())
    sub(root, "link", rel="self", type="application/atom+xml",
        href=f"{base_url}alerts/{name}.atom")
    sub(root, "link", rel="alternate", type="text/html",
        href=f"{base_url}search?{urlencode({'q': query, 'sort': 'newest'})}")
    author = sub(root, "author")
    sub(author, "name", "cables")
    sub(root, "generator", "cables")
    for entry in feed.entries:
        hit = entry.hit
        el = sub(root, "entry")
        sub(el, "title", f"{hit.refid}: {hit.subject or '(no subject)'}")
        sub(el, "id", entry.id)
        sub(el, "updated", entry.noticed.isoformat())
        if hit.created is not None:
            sub(el, "published", hit.created.isoformat())
        sub(el, "link", rel="alternate", type="text/html",
            href=f"{base_url}cable/{hit.refid}?{urlencode({'q': query})}")
        facts = " · ".join(x for x in (hit.origin, _date(hit.created), hit.classification) if x)
        snippets = " … ".join(f.text for f in hit.highlights)
        sub(el, "summary", f"{facts}. {snippets}" if snippets else facts, type="text")
        for tag in hit.tags:
            sub(el, "category", term=tag)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _name(request: Request) -> str:
    from .state import BadRequest

    name = str(request.path_params.get("name", ""))
    if not lib.NAME_RE.match(name):
        raise BadRequest("not a saved search name - names are letters, digits, - and _")
    return name


def routes(web: WebApp) -> list[Route]:
    """The routes to mount in `create_app`, bound to its handlers' index and templates."""
    run: Callable[[Callable[[search.Searchable], Any]], Any] = web._run

    async def alerts_page(request: Request) -> Response:
        try:
            results = await run(lambda s: lib.pending(s))
        except lib.AlertError as exc:
            return unreadable(request, exc)
        return web.render("alerts.html", alerts=alert_views(results))

    async def alert_feed(request: Request) -> Response:
        name = _name(request)
        try:
            feed = await run(lambda s: lib.feed(s, name, FEED_ENTRIES))
        except lib.AlertError as exc:
            return unreadable(request, exc)
        return Response(atom_document(feed, str(request.base_url)), media_type=ATOM_TYPE)

    def unreadable(request: Request, exc: lib.AlertError) -> Response:
        return web.error(request, 503, "Saved searches unreadable", str(exc))

    return [
        Route("/alerts", alerts_page),
        Route("/alerts/{name}.atom", alert_feed),
    ]
