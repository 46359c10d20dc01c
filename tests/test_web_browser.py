"""End to end in a real browser: `cables serve` (uvicorn, on a free 127.0.0.1 port) over a
small index, driven through Debian's headless Chromium with Playwright's sync API.

Playwright never downloads a browser here: it drives /usr/bin/chromium, which
scripts/install-browser.sh installs. Without it the tests skip, except in CI (CI set),
where a missing browser is a failure. Screenshots land in test-output/ for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, REAL_CABLES, ROOT
from helpers import make_index
from test_graph import write_graph_corpus
from test_web import VERSIONS_DATA, corpus, running_server

from indexer.cable import Cable
from indexer.ingest import update_index
from indexer.parse import parse_file
from indexer.searching import iter_all, open_index, show, view_to_dict
from indexer.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = ROOT / "test-output"


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (run scripts/install-browser.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def browser_corpus() -> list[Cable]:
    """The test corpus, with the bundled real cable in place of the hand-made 09BAGHDAD113."""
    real = [c for c in parse_file(EXAMPLE) if isinstance(c, Cable)]
    assert [c.refid for c in real] == ["09BAGHDAD113"]
    return real + [c for c in corpus() if c.refid != "09BAGHDAD113"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server (uvicorn) in a thread, on a free port of 127.0.0.1."""
    root = make_index(tmp_path_factory.mktemp("browser") / "index", browser_corpus(),
                      VERSIONS_DATA)
    with running_server(create_app(root)) as base:
        yield base


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def browser_page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A page at `viewport`; a phone-sized one as a phone shows it (meta viewport, touch)."""
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    p = context.new_page()
    p.set_default_timeout(10_000)
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield p
    finally:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with browser_page(browser, DESKTOP) as p:
        yield p


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    with browser_page(browser, PHONE) as p:
        yield p


def total(page: Any) -> int:
    text = page.locator("p.total strong").inner_text()
    return int(text.replace(",", ""))


def test_search_facet_histogram_and_cable(page: Any, server: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.goto(server + "/")
    assert page.title() == "Search · Cables"

    # the syntax help is one click away and its examples are links
    page.click("details.syntax summary")
    assert page.locator(".syntax-panel a.example").first.is_visible()
    page.keyboard.press("Escape")

    page.fill("#q", "weekly OR ashraf")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=weekly\+OR\+ashraf"))
    assert total(page) == 38
    assert page.locator("ol.hits > li").count() == 10
    assert page.locator("ol.hits mark").count() > 0
    page.screenshot(path=str(OUTPUT / "search.png"), full_page=True)

    # a facet value filters; the same value again removes the filter
    secret = page.locator('section[data-facet="classification"] a', has_text="SECRET//NOFORN")
    expected = int(secret.locator(".facet-count").inner_text())
    secret.click()
    page.wait_for_url(re.compile(r"classification=SECRET%2F%2FNOFORN"))
    assert total(page) == expected == 9
    page.locator('section[data-facet="classification"] li.active a').click()
    page.wait_for_url(re.compile(r"/search\?q=weekly\+OR\+ashraf$"))
    assert total(page) == 38

    # a histogram bar filters to its year
    page.locator('svg a.bar[data-key="2006"]').click()
    page.wait_for_url(re.compile(r"year=2006"))
    assert total(page) == 5
    assert page.locator("a.chip", has_text="Year: 2006").is_visible()

    # open a cable, then follow the reference it makes
    page.goto(server + "/search?q=ashraf")
    page.locator("ol.hits h3 a", has_text="MEK UPDATE").click()
    page.wait_for_url(re.compile(r"/cable/09BAGHDAD113\?q=ashraf"))
    assert page.locator("h1").inner_text().startswith("MEK UPDATE: DEFECTOR CLAIMS")
    assert page.locator(".body mark").count() > 3
    assert page.locator(".not-in-index").count() == 1  # 08BAGHDAD4006
    page.screenshot(path=str(OUTPUT / "cable.png"), full_page=True)
    page.locator(".reflist a.refid", has_text="09BAGHDAD3").click()
    page.wait_for_url(re.compile(r"/cable/09BAGHDAD3$"))
    assert "CAMP ASHRAF" in page.locator("h1").inner_text()
    # ... and back along the "cited by" link
    page.locator(".reflist a.refid", has_text="09BAGHDAD113").click()
    page.wait_for_url(re.compile(r"/cable/09BAGHDAD113$"))


def test_script_in_a_cable_is_shown_as_text(page: Any, server: str) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(server + "/search?q=attacker")
    page.locator("ol.hits h3 a").first.click()
    page.wait_for_url(re.compile(r"/cable/09PARIS77"))
    body = page.locator(".body").inner_text()
    assert "<script>alert(1)</script>" in body
    assert '<img src=x onerror="alert(2)">' in body
    assert page.locator("h1").inner_text().startswith('<b onmouseover="alert(3)">BOLD</b>')
    assert page.locator(".body script, .body img, h1 b").count() == 0
    page.locator("h1").hover()
    # a query holding markup comes back as text too
    page.goto(server + "/search?q=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E")
    assert page.locator("#q").input_value() == "<img src=x onerror=alert(4)>"
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(200)
    assert dialogs == []


def test_malformed_query_message_in_the_browser(page: Any, server: str) -> None:
    response = page.goto(server + "/search?q=%22unbalanced")
    assert response is not None and response.status == 400
    assert "unbalanced quote" in page.locator(".notice-message").inner_text()
    assert page.locator("#q").input_value() == '"unbalanced'


# --- phone and desktop widths, on real cables --------------------------------------------------

#: real cables in several formats (HTML pages with long header lines and malformed refids,
#: PlusD text with CRLF headers, the community CSV) and a small web of
#: citations; indexed by `cables index`'s own writer
REAL_FOLDERS = (
    "html-cablegate-r6693-2011-avilaroman",
    "txt-pdftotext-paulmathieu",
    "csv-cables-nonelater",
)

#: a page scrolls sideways when its content is wider than the viewport
PAGE_WIDTH = """() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"""


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not REAL_CABLES.is_dir():
        pytest.skip(f"real cables not found at {REAL_CABLES} (set CABLES_SHARED)")
    tmp = tmp_path_factory.mktemp("phone")
    folders = [REAL_CABLES / name for name in REAL_FOLDERS]
    folders.append(write_graph_corpus(tmp / "graph"))
    update_index(folders, tmp / "index", procs=1)
    return tmp / "index"


@pytest.fixture(scope="module")
def real_server(real_index: Path) -> Iterator[str]:
    with running_server(create_app(real_index)) as base:
        yield base


#: cable pages checked for their longest unbroken runs of text
WIDEST = 30


def widest_cables(index: Path, refids: list[str], count: int) -> list[str]:
    """The `count` cables whose page holds the longest runs of text without a space."""
    with open_index(index) as s:
        def longest(refid: str) -> int:
            data = view_to_dict(show(s, refid))
            texts = [str(v) for k, v in data.items() if isinstance(v, str)]
            texts += [v["path"] for v in data["versions"]] + [data["source"]["path"]]
            return max(len(word) for text in texts for word in text.split())

        return sorted(refids, key=longest, reverse=True)[:count]


def page_width(p: Any, url: str) -> int:
    p.goto(url)
    return int(p.evaluate(PAGE_WIDTH))


@pytest.mark.slow
def test_no_page_scrolls_sideways_on_a_phone(
    phone: Any, real_server: str, real_index: Path
) -> None:
    """Every kind of page fits 390 px; cable pages: the ones with the longest unbroken runs
    of text (header tokens, paths, refids, subjects), the likeliest to be too wide, and an
    even spread of the rest."""
    refids = [h.refid for h in iter_all(real_index, "id:*", sort="oldest")]
    assert len(refids) > 400
    refids = sorted(set(widest_cables(real_index, refids, WIDEST) + refids[:: len(refids) // 30]))
    urls = [
        "/",
        "/search?q=iran",
        "/search?q=iran&tag=PREL&sort=cited",
        "/search?q=zzqqxx",
        "/search?q=%22unbalanced",
        "/nope",
        *(f"/cable/{r}" for r in refids),
    ]
    wide = {u: w for u in urls if (w := page_width(phone, real_server + u)) > PHONE["width"]}
    assert wide == {}
    # the syntax help, opened, stays inside the screen too
    phone.goto(real_server + "/search?q=iran")
    phone.click("details.syntax summary")
    panel = phone.locator(".syntax-panel").bounding_box()
    assert panel is not None and panel["x"] >= 0 and panel["x"] + panel["width"] <= 390
    assert int(phone.evaluate(PAGE_WIDTH)) <= PHONE["width"]


def top(p: Any, selector: str) -> float:
    box = p.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return float(box["y"])


@pytest.mark.slow
def test_phone_shows_results_first_and_folds_the_filters(phone: Any, real_server: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    phone.goto(real_server + "/search?q=iran")
    assert phone.locator("details.facets").get_attribute("open") is None
    assert top(phone, "ol.hits > li") < PHONE["height"]  # the first hit on the first screen
    assert top(phone, "ol.hits > li") < top(phone, "details.facets")
    assert not phone.locator('section[data-facet="origin"]').is_visible()
    phone.screenshot(path=str(OUTPUT / "phone-search.png"))
    phone.screenshot(path=str(OUTPUT / "phone-search-full.png"), full_page=True)
    # "Filters" near the total leads to them, open
    phone.click("#to-filters")
    assert phone.locator('section[data-facet="origin"]').is_visible()
    phone.locator('section[data-facet="year"] a').first.click()
    phone.wait_for_url(re.compile(r"year=\d{4}"))
    assert phone.locator("a.chip").count() == 1


@pytest.mark.slow
def test_desktop_keeps_the_filters_beside_the_results(page: Any, real_server: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.goto(real_server + "/search?q=iran")
    facets = page.locator("details.facets").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert facets is not None and results is not None
    assert facets["x"] + facets["width"] <= results["x"]  # a column to the left
    assert page.locator('section[data-facet="origin"]').is_visible()
    assert not page.locator("details.facets > summary").is_visible()
    assert not page.locator("#to-filters").is_visible()
    assert int(page.evaluate(PAGE_WIDTH)) <= DESKTOP["width"]
    page.screenshot(path=str(OUTPUT / "desktop-search.png"))


@pytest.mark.slow
def test_citation_graph_in_the_browser(page: Any, phone: Any, real_server: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    for p, name in ((page, "desktop"), (phone, "phone")):
        p.goto(real_server + "/cable/09BAGHDAD113")
        graph = p.locator("figure.graph")
        assert graph.is_visible()
        assert p.locator("svg .graph-node").count() == 8
        # a wide graph scrolls inside its box, never the page
        assert int(p.evaluate(PAGE_WIDTH)) <= p.viewport_size["width"]
        p.screenshot(path=str(OUTPUT / f"{name}-cable.png"), full_page=True)
        graph.screenshot(path=str(OUTPUT / f"{name}-graph.png"))
    page.locator('svg a.graph-node[data-refid="09BAGHDAD3"]').click()
    page.wait_for_url(re.compile(r"/cable/09BAGHDAD3$"))
    assert "CAMP ASHRAF SECURITY" in page.locator("h1").inner_text()
    # its graph: the cable it cites, and what cites it, two steps on
    assert page.locator("svg .graph-node.cited_by").count() == 4
