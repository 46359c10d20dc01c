"""Finding a quote on the web: `/quote?q=PASSAGE` (a box for a passage copied from an article,
and the cables it may come from, best first, with the matched span marked) and
`/api/quote?q=PASSAGE` (the JSON of `cables quote --json`).

Kept apart from `handlers` so the quote page is one route list mounted in `create_app`; it
reuses the search results markup (`views.hit_view`, the `.hits` list of search.html).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import quote as lib
from .. import searching as search
from ..highlight import Terms
from .state import BadRequest
from .views import HitView, hit_view

if TYPE_CHECKING:
    from .handlers import WebApp

#: characters of a passage taken from the box (a paragraph or two)
MAX_PASSAGE = 5000
#: hits listed
PAGE_HITS = 10


@dataclass(frozen=True)
class QuoteHitView:
    hit: HitView
    #: the share of the passage found, as a whole percentage
    percent: int


def _passage(request: Request) -> str:
    return (request.query_params.get("q") or "").strip()[:MAX_PASSAGE]


def routes(web: WebApp) -> list[Route]:
    """The routes to mount in `create_app`, bound to its handlers' index and templates."""
    run: Callable[[Callable[[search.Searchable], Any]], Any] = web._run

    async def quote_page(request: Request) -> Response:
        passage = _passage(request)
        if not passage:
            return web.render("quote.html", passage="", result=None, hits=[])
        result: lib.QuoteResult = await run(lambda s: lib.quote(s, passage, limit=PAGE_HITS))
        hits = [
            QuoteHitView(hit_view(qh.hit, Terms(), ""), round(qh.matched * 100))
            for qh in result.hits
        ]
        return web.render("quote.html", passage=passage, result=result, hits=hits)

    async def api_quote(request: Request) -> Response:
        passage = _passage(request)
        if not passage:
            raise BadRequest("missing q - pass a passage, e.g. /api/quote?q=the+defector+said")
        result = await run(lambda s: lib.quote(s, passage, limit=PAGE_HITS))
        return JSONResponse(lib.result_to_dict(result))

    return [Route("/quote", quote_page), Route("/api/quote", api_quote)]
