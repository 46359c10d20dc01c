"""Web page cost beyond the search itself, and simple searches while a slow one runs.

    python bench/web.py --index bench/out/index-full [--repeat 5] [--patterns 50]

For each query of bench/search.py's fixed mix, times the library call the search page makes
(`indexer.searching.search` with the page's options) and the whole request through Starlette's
test client (routing, the same search, templates, escaping), on one open index, and prints
the difference per query and its p50/p95 (target: p95 <= 20 ms). Cable pages likewise:
`show` and the citation graph alone vs GET /cable/REFID.

Then, on a real server (uvicorn on 127.0.0.1), a slow search (`--patterns` wildcard patterns
`*x*y*` OR'ed, each matched against the whole word list) runs while simple searches of the
same mix are sent one after another, with one search worker (what one lock around every
search gave) and with `cables serve`'s default pool; it prints how long those took (target:
the slowest under a second) against the slow search's own time.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import string
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import uvicorn  # noqa: E402
from search import QUERIES, percentile  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from index import machine  # noqa: E402
from indexer import searching as lib  # noqa: E402
from indexer.graph import citation_graph  # noqa: E402
from indexer.web import views as web  # noqa: E402
from indexer.web.handlers import create_app  # noqa: E402
from indexer.web.state import WORKERS  # noqa: E402


def best_ms(action: Callable[[], Any], repeat: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--patterns", type=int, default=50, help="wildcards of the slow query")
    args = parser.parse_args(argv)

    client = TestClient(create_app(args.index))
    s = lib.open_index(args.index)
    rows: list[tuple[str, float, float]] = []
    for bq in QUERIES:
        def library(q: str = bq.ours) -> object:
            return lib.search(
                s, q, limit=web.PAGE_SIZE, facets=web.PAGE_FACETS, facet_limit=web.FACET_FETCH
            )

        def page(q: str = bq.ours) -> object:
            response = client.get("/search?" + urlencode({"q": q}))
            assert response.status_code == 200, (q, response.status_code)
            return response

        rows.append(
            (f"search {bq.ours}", best_ms(library, args.repeat), best_ms(page, args.repeat))
        )
    refids = [h.refid for h in lib.search(s, "government", limit=10, facets=()).hits]
    for refid in refids:
        def show(r: str = refid) -> object:
            return lib.show(s, r, "government"), citation_graph(s, r)

        def cable(r: str = refid) -> object:
            response = client.get(f"/cable/{r}?q=government")
            assert response.status_code == 200
            return response

        rows.append((f"cable {refid}", best_ms(show, args.repeat), best_ms(cable, args.repeat)))
    s.close()

    print(f"{'page':<48} {'library ms':>10} {'page ms':>9} {'beyond':>8}")
    for name, lib_ms, page_ms in rows:
        print(f"{name[:48]:<48} {lib_ms:>10.1f} {page_ms:>9.1f} {page_ms - lib_ms:>8.1f}")
    extra = [page_ms - lib_ms for _, lib_ms, page_ms in rows]
    p50, p95 = percentile(extra, 50), percentile(extra, 95)
    verdict = "PASS" if p95 <= 20 else "MISS"
    print(f"\n{verdict}  page time beyond the search: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
          "(target p95 <= 20 ms)")
    print(f"\nWeb benchmark, {date.today().isoformat()}, {machine()}: {len(rows)} pages over "
          f"{args.index}; time beyond the search p50 {p50:.1f} ms, p95 {p95:.1f} ms.")
    # one worker is how the server was before (one lock around every search)
    while_slow(args.index, args.patterns, workers=1)
    busy = while_slow(args.index, args.patterns, workers=WORKERS)
    return 0 if verdict == "PASS" and busy else 1


def fetch_ms(url: str) -> float:
    began = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - began) * 1000


def while_slow(index: Path, patterns: int, workers: int) -> bool:
    """Simple searches (no wildcard or fuzzy word) on a real server with `workers` search
    threads while a slow search runs; True when the slowest stays under a second."""
    letters = string.ascii_lowercase
    slow = " OR ".join([f"*{a}*{b}*" for a in letters for b in letters if a != b][:patterns])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(
        uvicorn.Config(create_app(index, workers=workers, time_limit=3600), log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    simple = [
        f"{base}/search?q={quote(bq.ours)}" for bq in QUERIES if not set("*?~") & set(bq.ours)
    ]
    for url in simple:
        fetch_ms(url)  # warm: each query's first run reads term lists
    alone = [fetch_ms(url) for url in simple]
    slow_ms: list[float] = []
    runner = threading.Thread(
        target=lambda: slow_ms.append(fetch_ms(f"{base}/search?q={quote(slow)}"))
    )
    runner.start()
    time.sleep(0.5)
    during: list[float] = []
    while runner.is_alive():
        during.extend(fetch_ms(url) for url in simple)
    runner.join()
    server.should_exit = True
    thread.join()
    worst = max(during) if during else float("nan")
    ok = bool(during) and worst < 1000
    print(f"\n{'PASS' if ok else 'MISS'}  {workers} worker(s), while a slow search ran "
          f"({slow_ms[0] / 1000:.1f} s, {patterns} patterns): {len(during)} simple searches, p50 "
          f"{percentile(during, 50):.1f} ms, max {worst:.1f} ms (alone: p50 "
          f"{percentile(alone, 50):.1f} ms, max {max(alone):.1f} ms; target: max < 1 s)")
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
