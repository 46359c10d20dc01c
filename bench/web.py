"""Web page cost beyond the search itself: `cables serve` pages vs the library calls they make.

    python bench/web.py --index bench/out/index-full [--repeat 5]

For each query of bench/search.py's fixed mix, times the library call the search page makes
(`indexer.search.search` with the page's options) and the whole request through Starlette's
test client (routing, the same search, templates, escaping), on one open index, and prints
the difference per query and its p50/p95 (target: p95 <= 20 ms). Cable pages likewise:
`show` alone vs GET /cable/REFID.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search import QUERIES, percentile  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from index import machine  # noqa: E402
from indexer import search as lib  # noqa: E402
from indexer.web import views as web  # noqa: E402
from indexer.web.handlers import create_app  # noqa: E402


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
            return lib.show(s, r, "government")

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
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
