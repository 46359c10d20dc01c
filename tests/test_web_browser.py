"""End to end in a real browser: `cables serve` (uvicorn, on a free 127.0.0.1 port) over a
small index, driven through Debian's headless Chromium with Playwright's sync API.

Playwright never downloads a browser here: it drives /usr/bin/chromium, which
scripts/install-browser.sh installs. Without it the tests skip, except in CI (CI set),
where a missing browser is a failure. Screenshots land in test-output/ for people to look at.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from conftest import EXAMPLE, ROOT
from helpers import make_index
from test_web import VERSIONS_DATA, corpus

from indexer.cable import Cable
from indexer.parse import parse_file
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
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(root), log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
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
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.set_default_timeout(10_000)
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield p
    finally:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"


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
