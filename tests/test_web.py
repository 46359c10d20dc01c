"""The web UI and JSON API over a small hand-made index, through Starlette's TestClient:
pages, API shapes, every search state in the URL, escaping, and the error statuses."""

from __future__ import annotations

import json
import mmap
import random
import re
import shutil
import socket
import string
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import uvicorn
from helpers import make_cable, make_index
from starlette.applications import Starlette
from starlette.testclient import TestClient
from test_graph import build_filter_index, build_graph_index, ref_cable

from indexer import store
from indexer.cable import Cable
from indexer.ingest import update_index
from indexer.layout import VERSIONS
from indexer.searching import result_to_dict, search
from indexer.web import create_app

XSS_BODY = (
    "1. (C) The attacker wrote <script>alert(1)</script> into the report.\n\n"
    '2. (C) And an image: <img src=x onerror="alert(2)"> & more.'
)
XSS_SUBJECT = '<b onmouseover="alert(3)">BOLD</b> & "QUOTED" SUBJECT'

MEK_BODY = (
    "1. (C) SUMMARY: A defector from Camp Ashraf says the leadership is prepared to order\n"
    "residents to kill themselves to protest any arrests of Ashraf residents. END SUMMARY.\n\n"
    "2. (C) The MeK is a designated foreign terrorist organization. 3. (C) On January 13\n"
    "the defector presented himself to Iraqi troops outside the gate."
)


#: the web tests' cables carry a routing header and a release date, to show them
cable = partial(
    make_cable, header="VZCZCXRO7948 PP RUEHBC", released=datetime(2010, 11, 28, tzinfo=UTC)
)


ORIGINS = ("Embassy Paris", "Embassy Baghdad", "Consulate Basrah")
CLASSES = ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET", "SECRET//NOFORN")
TAGS = ("PREL", "PGOV", "ECON", "PHUM")


def corpus() -> list[Cable]:
    """Three hand-written cables and 36 `weekly report`s over 2003-2010."""
    cables = [
        cable(
            "09BAGHDAD113",
            "MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN",
            MEK_BODY,
            created=datetime(2009, 1, 15, 16, 48, tzinfo=UTC),
            tags=("PTER", "PHUM", "IZ"),
            references=("09BAGHDAD3", "08BAGHDAD4006"),
        ),
        cable(
            "09BAGHDAD3",
            "CAMP ASHRAF: IRAQI AUTHORITIES TAKE OVER SECURITY",
            "1. (C) Iraqi forces assumed responsibility for Camp Ashraf security.",
            created=datetime(2009, 1, 2, 9, 0, tzinfo=UTC),
            tags=("PTER", "IZ"),
        ),
        cable(
            "09PARIS77",
            XSS_SUBJECT,
            XSS_BODY,
            created=datetime(2009, 3, 3, tzinfo=UTC),
            origin="Embassy Paris",
            classification="UNCLASSIFIED",
            tags=("FR",),
        ),
    ]
    for i in range(36):
        cables.append(
            cable(
                f"0{3 + i % 8}EMBASSY{100 + i}",
                f"WEEKLY REPORT NUMBER {i}",
                f"1. (U) The weekly report on trade and politics, issue {i}.",
                created=datetime(2003 + i % 8, 1 + i % 12, 1 + i % 27, tzinfo=UTC),
                origin=ORIGINS[i % 3],
                classification=CLASSES[i % 4],
                tags=(TAGS[i % 4], "XX"),
            )
        )
    return cables


VERSIONS_DATA: dict[str, list[dict[str, object]]] = {
    "09BAGHDAD113": [
        {
            "path": "/corpus/09BAGHDAD113.txt",
            "record": None,
            "format": "pagetext",
            "sha256": "0" * 64,
            "released": None,
            "created": "2009-01-15T16:48:00+00:00",
            "subject": "MEK UPDATE",
            "indexed": True,
        },
        {
            "path": "/corpus/cable/2009/01/09BAGHDAD113.html",
            "record": None,
            "format": "html",
            "sha256": "1" * 64,
            "released": None,
            "created": "2009-01-15T16:01:00+00:00",
            "subject": "MEK UPDATE",
            "indexed": False,
        },
    ]
}


@pytest.fixture(scope="module")
def index_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_index(tmp_path_factory.mktemp("web") / "index", corpus(), VERSIONS_DATA)


@pytest.fixture(scope="module")
def client(index_root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(index_root)) as c:
        yield c


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def total_of(html: str) -> int:
    m = re.search(r'<p class="total"><strong>([\d,]+)</strong>', html)
    assert m, "no total on the page"
    return int(m.group(1).replace(",", ""))


def hit_refids(html: str) -> list[str]:
    return re.findall(r'<a class="refid" href="/cable/([0-9A-Z]+)', html)


# --- pages -------------------------------------------------------------------------------------


def test_home_page_shows_the_index_and_examples(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "39 cables, 2003–2010" in r.text
    # the syntax help is on the page (one click away) and its examples are real searches
    assert '<details class="syntax"' in r.text
    example = next(u for u in links(r.text) if u.startswith("/search?q=tag"))
    assert client.get(example).status_code == 200


def test_search_page_lists_highlighted_hits(client: TestClient) -> None:
    r = client.get("/search", params={"q": "defector"})
    assert r.status_code == 200
    assert total_of(r.text) == 1
    assert hit_refids(r.text) == ["09BAGHDAD113"]
    assert "<mark>defector</mark>" in r.text
    assert "<mark>DEFECTOR</mark> CLAIMS" in r.text  # the subject is marked too
    assert "/cable/09BAGHDAD113?q=defector" in links(r.text)
    assert "2009-01-15" in r.text and "Embassy Baghdad" in r.text
    assert 'class="badge badge-confidential"' in r.text


def test_search_total_matches_the_library(client: TestClient, index_root: Path) -> None:
    r = client.get("/search", params={"q": "weekly"})
    assert total_of(r.text) == search(index_root, "weekly").total == 36
    assert "page 1 of 4" in r.text


def test_paging_keeps_the_state_and_does_not_overlap(client: TestClient) -> None:
    first = client.get("/search", params={"q": "weekly", "sort": "oldest", "tag": "XX"}).text
    nxt = next(u for u in links(first) if "page=2" in u)
    assert params(nxt) == {"q": ["weekly"], "tag": ["XX"], "sort": ["oldest"], "page": ["2"]}
    second = client.get(nxt).text
    assert set(hit_refids(first)).isdisjoint(hit_refids(second))
    assert len(hit_refids(second)) == 10
    assert 'rel="prev" href="/search?q=weekly&amp;tag=XX&amp;sort=oldest"' in second


def test_sort_links_and_order(client: TestClient) -> None:
    r = client.get("/search", params={"q": "weekly", "sort": "newest"})
    dates = re.findall(r'<span class="date">([\d-]+)</span>', r.text)
    assert dates == sorted(dates, reverse=True) and len(dates) == 10
    sort_links = [u for u in links(r.text) if "sort=" in u or u == "/search?q=weekly"]
    assert "/search?q=weekly&sort=oldest" in sort_links
    assert "/search?q=weekly" in sort_links  # relevance is the default: no parameter
    oldest = client.get("/search?q=weekly&sort=oldest").text
    assert re.findall(r'<span class="date">([\d-]+)</span>', oldest)[0] == "2003-01-01"


def facet_links(html: str, facet: str) -> dict[str, tuple[str, int]]:
    """label -> (url, count) of one sidebar box."""
    box = re.search(rf'data-facet="{facet}">(.*?)</section>', html, re.S)
    assert box, f"no {facet} box"
    found = re.findall(
        r'<a href="([^"]*)"[^>]*>\s*<span class="facet-label">([^<]*)</span>\s*'
        r'<span class="facet-count">([\d,]+)</span>',
        box.group(1),
    )
    return {unescape(label): (unescape(url), int(n.replace(",", ""))) for url, label, n in found}


@pytest.mark.parametrize(
    ("facet", "value", "param"),
    [
        ("origin", "Embassy Paris", "origin"),
        ("classification", "SECRET", "classification"),
        ("year", "2005", "year"),
        ("tag", "PGOV", "tag"),
    ],
)
def test_facet_click_filters_and_second_click_removes(
    client: TestClient, facet: str, value: str, param: str
) -> None:
    page = client.get("/search", params={"q": "weekly"}).text
    url, count = facet_links(page, facet)[value]
    assert params(url)[param] == [value] and params(url)["q"] == ["weekly"]
    filtered = client.get(url).text
    assert total_of(filtered) == count > 0
    # the active value is marked and its link removes the filter again
    again, _ = facet_links(filtered, facet)[value]
    assert param not in params(again)
    assert total_of(client.get(again).text) == 36
    assert 'class="chip"' in filtered


def test_filters_alone_search_everything(client: TestClient) -> None:
    r = client.get("/search", params={"origin": "Embassy Paris"})
    assert r.status_code == 200
    assert total_of(r.text) == 13  # 12 weekly reports + the Paris cable
    assert "match the filters" in r.text


def test_year_histogram_bars_link_to_a_year(client: TestClient) -> None:
    html = client.get("/search", params={"q": "weekly"}).text
    bars = re.findall(r'<a href="([^"]*)" class="bar[^"]*" data-key="(\d{4})">', html)
    assert [key for _, key in bars] == [str(y) for y in range(2003, 2011)]
    url = unescape(dict((k, u) for u, k in bars)["2006"])
    assert params(url) == {"q": ["weekly"], "year": ["2006"]}
    assert total_of(client.get(url).text) == 5  # i % 8 == 3 for 36 reports: 3, 11, 19, 27, 35


def test_narrow_results_get_a_month_histogram(client: TestClient) -> None:
    html = client.get("/search", params={"q": "ashraf"}).text
    bars = re.findall(r'class="bar([^"]*)" data-key="(\d{4}-\d{2})"', html)
    # the whole year, only January holding cables
    assert [key for _, key in bars] == [f"2009-{m:02d}" for m in range(1, 13)]
    assert [key for css, key in bars if "empty" not in css] == ["2009-01"]
    url = unescape(re.findall(r'<a href="([^"]*)" class="bar[^"]*" data-key="2009-01"', html)[0])
    assert params(url)["month"] == ["2009-01"]
    assert total_of(client.get(url).text) == 2
    assert "Matching cables per month" in html


def test_month_histogram_with_cables_of_a_known_year_but_no_date(tmp_path: Path) -> None:
    """A cable with no date gets its year from its reference id, and "unknown" in the month
    facet: the month histogram leaves it out (the page once walked the months forever, since
    "unknown" sorts after every YYYY-MM, and stalled the whole server)."""
    cables = [
        cable(f"08PARIS{i}", "ELECTION REPORT", "1. (C) The election.",
              created=datetime(2008, 1 + i, 3, tzinfo=UTC))
        for i in range(3)
    ] + [cable("08PARIS99", "ELECTION UNDATED", "1. (C) The election.", created=None)]
    root = make_index(tmp_path / "index", cables)
    with TestClient(create_app(root)) as c:
        r = c.get("/search", params={"q": "election"})
    assert r.status_code == 200 and total_of(r.text) == 4
    html = r.text
    bars = re.findall(r'class="bar([^"]*)" data-key="([^"]*)"', html)
    assert [key for _, key in bars] == [f"2008-{m:02d}" for m in range(1, 13)]
    assert [key for css, key in bars if "empty" not in css] == ["2008-01", "2008-02", "2008-03"]


def test_did_you_mean(client: TestClient) -> None:
    r = client.get("/search", params={"q": "ashrf", "sort": "newest"})
    assert "Did you mean" in r.text
    m = re.search(r'Did you mean <a href="([^"]*)">ashraf</a>', r.text)
    assert m
    url = unescape(m.group(1))
    assert params(url) == {"q": ["ashraf"], "sort": ["newest"]}
    assert total_of(client.get(url).text) == 2


# --- cable page --------------------------------------------------------------------------------


def test_cable_page(client: TestClient) -> None:
    r = client.get("/cable/09BAGHDAD113", params={"q": "ashraf residents"})
    assert r.status_code == 200
    html = r.text
    assert "<h1>MEK UPDATE: DEFECTOR CLAIMS MEK HAS CONTINGENCY PLAN</h1>" in html
    assert "<mark>Ashraf</mark>" in html and "<mark>residents</mark>" in html
    # the one-line body is split at its numbered paragraphs, wrapped lines joined
    assert "<p>2. (C) The MeK is a designated" in html
    assert "<p>3. (C) On January 13 the defector presented" in html
    all_links = links(html)
    assert "/search?q=tag%3APTER" in all_links
    assert "/cable/09BAGHDAD3" in all_links
    assert 'class="refid missing">08BAGHDAD4006</span><span class="not-in-index">' in html
    assert "/cable/08BAGHDAD4006" not in all_links
    assert "/corpus/cable/2009/01/09BAGHDAD113.html" in html  # the other version
    assert "/search?q=ashraf+residents" in all_links  # back to the results


def test_cited_by_links_back(client: TestClient) -> None:
    html = client.get("/cable/09baghdad3").text  # ids are case-insensitive
    assert "Cited by <span class=\"count\">1</span>" in html
    assert "/cable/09BAGHDAD113" in links(html)


# --- escaping ----------------------------------------------------------------------------------


def test_cable_text_is_escaped_everywhere(client: TestClient) -> None:
    for url in ("/search?q=attacker", "/cable/09PARIS77", "/cable/09PARIS77?q=script"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "<b onmouseover" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html.replace("<mark>", "").replace(
            "</mark>", ""
        )
    assert "&lt;b onmouseover=&#34;alert(3)&#34;&gt;BOLD&lt;/b&gt; &amp;" in client.get(
        "/cable/09PARIS77"
    ).text


def test_query_with_html_is_escaped(client: TestClient) -> None:
    evil = '"><script>alert(9)</script>'
    for url in (f"/search?q={evil}", f"/cable/09PARIS77?q={evil}"):
        html = client.get(url).text
        assert "<script>alert(9)" not in html
    html = client.get("/search", params={"q": "<img src=x onerror=alert(1)>"}).text
    assert "<img src=x" not in html
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in html


def test_facet_values_with_markup_are_escaped(client: TestClient) -> None:
    r = client.get("/search", params={"q": "weekly", "origin": '"><script>x</script>'})
    assert r.status_code == 400  # a quote cannot be in a facet value: not from our links
    assert "<script>x" not in r.text
    r = client.get("/search", params={"q": "weekly", "origin": "<script>x</script>"})
    assert r.status_code == 200
    assert "<script>x" not in r.text and "Origin: &lt;script&gt;x&lt;/script&gt;" in r.text
    assert total_of(r.text) == 0


def test_security_headers(client: TestClient) -> None:
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


# --- errors ------------------------------------------------------------------------------------


def test_malformed_query_is_a_friendly_400(client: TestClient) -> None:
    r = client.get("/search", params={"q": 'mek "defector'})
    assert r.status_code == 400
    assert "unbalanced quote" in r.text and "Traceback" not in r.text
    api = client.get("/api/search", params={"q": 'mek "defector'})
    assert api.status_code == 400
    assert "unbalanced quote" in api.json()["error"]


def test_query_error_points_at_the_users_text_with_filters_on(client: TestClient) -> None:
    r = client.get("/search", params={"q": "frm:paris", "tag": "PREL"})
    assert r.status_code == 400
    assert 'unknown field "frm:" at column 1' in unescape(r.text)
    assert 'value="frm:paris"' in r.text  # kept in the box, to fix it


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=-1",
        "sort=random",
        "year=20x9",
        "month=2009-13",
        "q=" + "a" * 1001,
    ],
)
def test_bad_parameters_are_400(client: TestClient, query: str) -> None:
    r = client.get(f"/search?q=weekly&{query}")
    assert r.status_code == 400
    assert "Bad request" in r.text


def test_unknown_refid_is_404(client: TestClient) -> None:
    r = client.get("/cable/09NOWHERE1")
    assert r.status_code == 404
    assert "no cable 09NOWHERE1 in the index" in r.text
    assert client.get("/api/cable/09NOWHERE1").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/cable/..%2F..%2Fetc%2Fpasswd",
        "/cable/../../etc/passwd",
        "/cable/%2e%2e",
        "/cable/09BAGHDAD113%00",
        "/cable/{{7*7}}",
        "/api/cable/..%2Fversions.json",
        "/static/..%2F..%2Fapp.py",
    ],
)
def test_path_tricks_are_refused(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "49" not in r.text and "def create_app" not in r.text


def test_missing_index_is_503(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "nothing")) as c:
        r = c.get("/")
        assert r.status_code == 503
        assert "cables index" in r.text
        assert c.get("/api/search?q=x").status_code == 503


def test_crash_shows_no_details(tmp_path: Path) -> None:
    root = make_index(tmp_path / "index", corpus()[:1], {})
    # a damaged versions.json (a list, not an object) makes `show` fail inside the library
    (root / "gen-000001" / VERSIONS).write_text("[1, 2]", encoding="utf-8")
    with TestClient(create_app(root), raise_server_exceptions=False) as c:
        r = c.get("/cable/09BAGHDAD113")
        assert r.status_code == 500
        assert r.text == "Internal server error"
        assert c.get("/api/cable/09BAGHDAD113").text == "Internal server error"


def test_unknown_page_is_404(client: TestClient) -> None:
    r = client.get("/nope")
    assert r.status_code == 404
    assert "There is no page at this address." in r.text


# --- JSON API ----------------------------------------------------------------------------------


def test_api_search_is_the_library_dict(client: TestClient, index_root: Path) -> None:
    r = client.get("/api/search", params={"q": "weekly", "page": "2", "sort": "newest"})
    assert r.status_code == 200
    data = r.json()
    expected = result_to_dict(search(index_root, "weekly", page=2, sort="newest"))
    assert data["hits"] == expected["hits"]
    assert set(data) == set(expected)
    assert data["total"] == 36 and data["page"] == 2


def test_api_search_applies_filters(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "weekly", "tag": "ECON"}).json()
    assert data["total"] == 9
    assert all("ECON" in h["tags"] for h in data["hits"])


def test_api_cable(client: TestClient) -> None:
    data = client.get("/api/cable/09BAGHDAD113").json()
    assert data["refid"] == "09BAGHDAD113"
    assert data["created"] == "2009-01-15T16:48:00+00:00"
    assert data["references"] == ["09BAGHDAD3", "08BAGHDAD4006"]
    assert data["year"] == 2009
    assert data["cites"] == [
        {"refid": "09BAGHDAD3", "subject": "CAMP ASHRAF: IRAQI AUTHORITIES TAKE OVER SECURITY",
         "in_index": True},
        {"refid": "08BAGHDAD4006", "subject": None, "in_index": False},
    ]
    assert len(data["versions"]) == 2
    assert data["body"] == MEK_BODY


def test_api_stats(client: TestClient) -> None:
    data = client.get("/api/stats").json()
    assert data["cables"] == 39
    assert {"value": "UNCLASSIFIED", "count": 10} in data["by_classification"]


def test_new_generation_is_picked_up(tmp_path: Path) -> None:
    root = make_index(tmp_path / "index", corpus()[:2], {})
    with TestClient(create_app(root)) as c:
        assert total_of(c.get("/search?q=attacker").text) == 0
        new = tmp_path / "next"
        make_index(new, corpus()[:3], {})
        shutil.move(new / "gen-000001", root / "gen-000002")
        store.publish(root, root / "gen-000002")
        assert total_of(c.get("/search?q=attacker").text) == 1


# --- the citation graph, sort by citations, filters ---------------------------------------------


@pytest.fixture(scope="module")
def graph_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(build_graph_index(tmp_path_factory.mktemp("g")))) as c:
        yield c


def graph_nodes(html: str) -> dict[str, str]:
    """refid -> the CSS classes of its box in the graph's SVG."""
    svg = re.search(r"<svg [^>]*aria-label=\"Cables cited by.*?</svg>", html, re.S)
    assert svg, "no citation graph on the page"
    return {
        refid: css
        for css, refid in re.findall(r'class="graph-node ([^"]*)" data-refid="([0-9A-Z]+)"',
                                     svg.group(0))
    }


def test_cable_page_draws_the_citation_graph(graph_client: TestClient) -> None:
    html = graph_client.get("/cable/09BAGHDAD113", params={"q": "talks"}).text
    assert graph_nodes(html) == {
        "08BAGHDAD10": "cites",
        "09BAGHDAD3": "cites",
        "08BAGHDAD4006": "cites missing",
        "09BAGHDAD113": "center",
        "09BAGHDAD202": "cited_by",
        "09BAGHDAD201": "cited_by",
        "09BAGHDAD200": "cited_by",
        "09BAGHDAD300": "cited_by",
    }
    assert html.count('class="graph-edge"') == 8
    # cables in the index are links (keeping the query); the centre and missing ones are not
    assert '<a href="/cable/09BAGHDAD300?q=talks" class="graph-node cited_by"' in html
    assert '<g class="graph-node cites missing" data-refid="08BAGHDAD4006">' in html
    assert '<g class="graph-node center" data-refid="09BAGHDAD113">' in html
    assert "<title>09BAGHDAD3: CAMP ASHRAF SECURITY (2009-01-02)</title>" in html
    assert "3 cables cited, 4 citing" in html


def test_cable_without_citations_has_no_graph(graph_client: TestClient) -> None:
    html = graph_client.get("/cable/09BAGHDAD500").text
    assert 'class="graph"' not in html and "No references." in html


def test_api_graph(graph_client: TestClient) -> None:
    data = graph_client.get("/api/graph/09baghdad200").json()
    assert data["center"] == "09BAGHDAD200"
    assert {"source": "09BAGHDAD300", "target": "09BAGHDAD200"} in data["edges"]
    assert graph_client.get("/api/graph/09NOWHERE1").status_code == 404


def test_sort_by_citations(graph_client: TestClient) -> None:
    html = graph_client.get("/search", params={"q": "embassy", "sort": "cited"}).text
    assert hit_refids(html)[:2] == ["09BAGHDAD113", "09BAGHDAD200"]
    assert '<strong aria-current="true">Most cited</strong>' in html
    relevance = graph_client.get("/search", params={"q": "embassy"}).text
    assert "/search?q=embassy&sort=cited" in links(relevance)
    api = graph_client.get("/api/search", params={"q": "embassy", "sort": "cited"}).json()
    assert [h["refid"] for h in api["hits"]][:2] == ["09BAGHDAD113", "09BAGHDAD200"]


def test_filters_are_not_spliced_into_the_query(tmp_path: Path) -> None:
    with TestClient(create_app(build_filter_index(tmp_path))) as c:
        for path in ("/search", "/api/search"):
            r = c.get(path, params={"q": "iran) OR (iraq", "tag": "PTER"})
            if r.status_code == 400:
                continue  # refused: fine; the spliced meaning is not
            assert r.status_code == 200
            refids = (
                hit_refids(r.text) if path == "/search"
                else [h["refid"] for h in r.json()["hits"]]
            )
            assert sorted(refids) == ["09BAGHDAD2", "09BAGHDAD4"]


# --- concurrency and the time limit --------------------------------------------------------------

#: the slow index: word-salad cables; a query of many `*x*y*` patterns matches each one against
#: the whole word list and then scores hundreds of words (seconds)
SALAD_CABLES = 40
SALAD_WORDS = 500


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(8))


@pytest.fixture(scope="module")
def slow_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("slow")
    rng = random.Random(12)
    corpus = tmp / "corpus"
    corpus.mkdir()
    for i in range(SALAD_CABLES):
        words = ". ".join(" ".join(_word(rng) for _ in range(10)) for _ in range(SALAD_WORDS // 10))
        (corpus / f"09BAGHDAD{i + 1}.txt").write_text(
            ref_cable(f"09BAGHDAD{i + 1}", "WORDS", "2009-03-01", body=words + "."), "utf-8"
        )
    (corpus / "09BAGHDAD99.txt").write_text(
        ref_cable("09BAGHDAD99", "TALKS", "2009-04-01"), "utf-8"
    )
    root = tmp / "index"
    update_index([corpus], root, procs=1)
    return root


def slow_query(patterns: int = 50) -> str:
    letters = string.ascii_lowercase
    every = [f"*{a}*{b}*" for a in letters[:10] for b in letters[10:15]]
    return " OR ".join(every[:patterns])


@contextmanager
def running_server(app: Starlette) -> Iterator[str]:
    """The real server (uvicorn) in a thread, on a free port of 127.0.0.1."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start in 10 s"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=60)
        sock.close()


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.mark.slow
def test_time_limit_gives_a_clear_message(slow_index: Path) -> None:
    q = slow_query(15)
    with TestClient(create_app(slow_index, time_limit=0.05)) as c:
        r = c.get("/search", params={"q": q})
        assert r.status_code == 503
        assert "This search took too long" in r.text
        assert "took longer than 0.05 s" in r.text and "fewer wildcards" in r.text
        assert f'value="{q}"' in r.text  # the query stays in the box, to narrow it
        api = c.get("/api/search", params={"q": q})
        assert api.status_code == 503
        assert "took longer than 0.05 s" in api.json()["error"]


@pytest.mark.slow
def test_a_simple_search_answers_while_a_slow_one_runs(slow_index: Path) -> None:
    """Requests are not serialized: a slow search holds up only its own worker. (The order
    of the answers is asserted; bench/web.py measures how long the simple one takes.)"""
    app = create_app(slow_index, workers=4, time_limit=120)
    with running_server(app) as base:
        assert fetch(f"{base}/api/search?q=talks")[0] == 200  # the index is open and warm
        slow: dict[str, object] = {}

        def run_slow() -> None:
            slow["answer"] = fetch(f"{base}/api/search?q={quote(slow_query())}")
            slow["done"] = time.monotonic()

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.3)  # let the slow search start (not an assertion)
        status, body = fetch(f"{base}/api/search?q=talks")
        answered = time.monotonic()
        assert status == 200 and json.loads(body)["total"] == 1
        assert "done" not in slow, "the simple search waited for the slow one"
        thread.join(timeout=120)
        answer = slow["answer"]
        assert isinstance(answer, tuple) and answer[0] == 200
        assert isinstance(slow["done"], float) and slow["done"] > answered


@pytest.mark.slow
def test_concurrent_searches_give_the_libraries_answers(graph_client: TestClient) -> None:
    """Several threads at once through the worker pool: each answer is the library's."""
    index = graph_client.app.state.web.index.root  # type: ignore[attr-defined]
    queries = ["embassy", "talks", "follow*", "note", "camp ashraf", "id:09baghdad*", "repotr~"]
    expected = {q: result_to_dict(search(index, q, sort="cited"))["hits"] for q in queries}
    app = create_app(index, workers=3)
    with running_server(app) as base:
        failures: list[str] = []

        def run(q: str) -> None:
            for _ in range(5):
                status, body = fetch(f"{base}/api/search?sort=cited&q={quote(q)}")
                if status != 200 or json.loads(body)["hits"] != expected[q]:
                    failures.append(q)

        threads = [threading.Thread(target=run, args=(q,)) for q in queries * 2]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=120)
        assert failures == []


def test_serve_options_default_to_the_servers_own() -> None:
    from indexer.cli import serve
    from indexer.web import state

    defaults = {p.name: p.default for p in serve.params}
    assert defaults["workers"] == state.WORKERS
    assert defaults["time_limit"] == state.TIME_LIMIT


def test_cable_page_lists_the_articles_links(tmp_path: Path) -> None:
    covered = replace(
        cable("09BAGHDAD400", "COVERED IN THE PRESS", "1. (U) Some text."),
        articles=("http://www.example.org/story", "https://news.example.com/a?b=1&c=2"),
    )
    root = make_index(tmp_path / "index", [covered, cable("09BAGHDAD401", "NOT COVERED")])
    with TestClient(create_app(root)) as c:
        html = c.get("/cable/09BAGHDAD400").text
        assert "Appears in these articles" in html
        assert "http://www.example.org/story" in links(html)
        assert "https://news.example.com/a?b=1&c=2" in links(html)  # escaped, and back
        assert "Appears in these articles" not in c.get("/cable/09BAGHDAD401").text


@pytest.mark.skipif(not hasattr(mmap, "MADV_DONTNEED"), reason="no madvise(MADV_DONTNEED)")
def test_a_request_leaves_no_index_pages_mapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the server's RSS must not grow with every part of the index it has read
    from test_viewfile import _mapped_kib

    from indexer import viewfile

    monkeypatch.setattr(viewfile, "MAP_MIN_BYTES", 0)  # map every file, however small
    root = make_index(tmp_path / "index", corpus())
    with TestClient(create_app(root)) as c:
        for url in ("/api/search?q=weekly+report", "/search?q=ashraf", "/cable/09BAGHDAD113"):
            assert c.get(url).status_code == 200
            assert _mapped_kib(root) == 0, url

