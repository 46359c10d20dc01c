"""Web page cost beyond the search itself; simple requests while a slow search runs; the
time limit.

    python bench/web.py --index /work/benchout/devidx [--repeat 5] [--patterns 50] [--samples 10]

The index is only read (servers over it are read-only), so a shared one can be named.

1. Page cost: for each query of bench/search.py's fixed mix, the library call the search page
   makes (`indexer.searching.search` with the page's options) against the whole request
   through Starlette's test client (routing, the same search, templates, escaping), on one
   open index; likewise `show` and the citation graph against GET /cable/REFID. Prints the
   difference per page and its p50/p95 (target: p95 <= 20 ms).
2. Issue 12's figure, on a real server (`cables serve` on 127.0.0.1, a process of its own):
   simple requests (search `iran`, the same with a TAGS filter, a cable page) are timed on
   the idle server, then sent one after another while a deliberately slow search runs
   (`--patterns` patterns `*x*y*` OR'ed, each matched against the whole word list, then
   hundreds of words scored: seconds); with one search worker (what one lock around every
   search gave) and with `cables serve`'s default pool. Target: with the pool, the slowest
   simple request under a second, against a slow search of several seconds.
3. The time limit: the slow search on a server with `--time-limit` seconds gets the clear
   message (503, HTML and JSON) after about the limit; simple requests are timed again while
   the given-up searches run on in their workers (Python cannot stop a thread).
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import load_average, machine  # noqa: E402
from search import QUERIES, percentile  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from indexer import searching as lib  # noqa: E402
from indexer.graph import citation_graph  # noqa: E402
from indexer.web import views as web  # noqa: E402
from indexer.web.handlers import create_app  # noqa: E402
from indexer.web.state import WORKERS  # noqa: E402

#: a slow search shorter than this is not slow enough to show anything
SLOW_ENOUGH_S = 3.0
#: a time limit that lets every search of part 2 run to its end
NO_LIMIT_S = 3600.0


def best_ms(action: Callable[[], Any], repeat: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


# --- 1. page cost -------------------------------------------------------------------------------


def page_cost(index: Path, repeat: int) -> tuple[list[tuple[str, float, float]], bool]:
    rows: list[tuple[str, float, float]] = []
    with TestClient(create_app(index)) as client:
        s = lib.open_index(index)
        try:
            for bq in QUERIES:
                def library(q: str = bq.ours) -> object:
                    return lib.search(
                        s, q, limit=web.PAGE_SIZE, facets=web.PAGE_FACETS,
                        facet_limit=web.FACET_FETCH,
                    )

                def page(q: str = bq.ours) -> object:
                    response = client.get("/search?" + urlencode({"q": q}))
                    assert response.status_code == 200, (q, response.status_code)
                    return response

                rows.append(
                    (f"search {bq.ours}", best_ms(library, repeat), best_ms(page, repeat))
                )
            refids = [h.refid for h in lib.search(s, "government", limit=10, facets=()).hits]
            for refid in refids:
                def show(r: str = refid) -> object:
                    return lib.show(s, r, "government"), citation_graph(s, r)

                def cable(r: str = refid) -> object:
                    response = client.get(f"/cable/{r}?q=government")
                    assert response.status_code == 200
                    return response

                rows.append(
                    (f"cable {refid}", best_ms(show, repeat), best_ms(cable, repeat))
                )
        finally:
            s.close()
    print(f"{'page':<48} {'library ms':>10} {'page ms':>9} {'beyond':>8}")
    for name, lib_ms, page_ms in rows:
        print(f"{name[:48]:<48} {lib_ms:>10.1f} {page_ms:>9.1f} {page_ms - lib_ms:>8.1f}")
    extra = [page_ms - lib_ms for _, lib_ms, page_ms in rows]
    p50, p95 = percentile(extra, 50), percentile(extra, 95)
    ok = p95 <= 20
    print(f"\n{'PASS' if ok else 'MISS'}  page time beyond the search over {len(rows)} pages: "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 <= 20 ms)")
    return rows, ok


# --- a real server ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    ms: float
    body: str


def fetch(url: str) -> Answer:
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    return Answer(status, (time.perf_counter() - began) * 1000, body.decode("utf-8"))


@dataclass
class Server:
    base: str
    #: how long the server took to stop once asked (it waits for the searches still running)
    stopped_s: float = 0.0


def fetch_ok(url: str) -> float:
    answer = fetch(url)
    assert answer.status == 200, (url, answer.status, answer.body[:300])
    return answer.ms


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(index: Path, workers: int, time_limit: float) -> Iterator[Server]:
    """`cables serve` in a process of its own, as users run it (the client timing it then
    does not share the server's Python lock). Leaving stops it with Ctrl-C (SIGINT), which
    waits for the searches still running in its workers."""
    port = free_port()
    # its log (a line per request) to a file: a pipe nobody reads would fill and stall it
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "indexer", "serve", "--index", str(index),
             "--port", str(port), "--workers", str(workers), "--time-limit", f"{time_limit:g}"],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        server = Server(f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"cables serve ended ({process.returncode}): {log.read()}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("cables serve did not listen within 120 s") from None
                    time.sleep(0.05)
            yield server
        finally:
            stopping = time.perf_counter()
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=600)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            server.stopped_s = time.perf_counter() - stopping


def slow_query(patterns: int) -> str:
    letters = string.ascii_lowercase
    return " OR ".join([f"*{a}*{b}*" for a in letters for b in letters if a != b][:patterns])


def simple_requests(index: Path) -> list[tuple[str, str]]:
    """(name, path) of the simple requests: a search, the same with a filter, a cable page."""
    s = lib.open_index(index)
    try:
        hits = lib.search(s, "iran", limit=1, facets=()).hits
    finally:
        s.close()
    assert hits, "no cable matches iran in this index"
    return [
        ("search `iran`", "/search?q=iran"),
        ("search `iran`, filter tag PREL", "/search?q=iran&tag=PREL"),
        (f"cable page {hits[0].refid}", f"/cable/{hits[0].refid}?q=iran"),
    ]


Samples = dict[str, list[float]]


def rounds(base: str, simple: Sequence[tuple[str, str]], n: int) -> Samples:
    out: Samples = {name: [] for name, _ in simple}
    for _ in range(n):
        for name, path in simple:
            out[name].append(fetch_ok(base + path))
    return out


def during_slow(base: str, slow: str, simple: Sequence[tuple[str, str]]) -> tuple[float, Samples]:
    """The simple requests, one after another, for as long as the slow search runs; its
    duration in seconds and theirs in ms."""
    answers: list[Answer] = []
    runner = threading.Thread(
        target=lambda: answers.append(fetch(f"{base}/search?{urlencode({'q': slow})}"))
    )
    runner.start()
    time.sleep(0.5)  # let it start
    out: Samples = {name: [] for name, _ in simple}
    while runner.is_alive():
        for name, path in simple:
            out[name].append(fetch_ok(base + path))
    runner.join()
    assert answers and answers[0].status == 200, answers[0].status if answers else "no answer"
    return answers[0].ms / 1000, out


def summary(values: Sequence[float]) -> str:
    if not values:
        return "no samples"
    return f"n {len(values)}, p50 {percentile(values, 50):,.1f} ms, max {max(values):,.1f} ms"


def pooled(samples: Samples) -> list[float]:
    return [ms for values in samples.values() for ms in values]


def stats(values: Sequence[float]) -> str:
    if not values:
        return "| 0 | - | - "
    return f"| {len(values)} | {percentile(values, 50):,.1f} ms | {max(values):,.1f} ms "


@dataclass(frozen=True)
class Concurrency:
    workers: int
    slow_s: float
    idle: Samples
    during: Samples


def concurrency(index: Path, patterns: int, workers: int, samples: int,
                simple: Sequence[tuple[str, str]]) -> Concurrency:
    slow = slow_query(patterns)
    with serving(index, workers, NO_LIMIT_S) as server:
        base = server.base
        fetch_ok(f"{base}/search?q=%2Aab%2A")  # the word list, read once per generation
        rounds(base, simple, 1)  # warm: each request's first run reads its term lists
        idle = rounds(base, simple, samples)
        slow_s, during = during_slow(base, slow, simple)
    return Concurrency(workers, slow_s, idle, during)


# --- 3. the time limit --------------------------------------------------------------------------


@dataclass(frozen=True)
class Limited:
    limit_s: float
    page: Answer
    api: Answer
    meanwhile: Samples
    #: simple requests that got anything but a 200 meanwhile (e.g. their own time-out)
    failed: int
    ran_on_s: float


def time_limit(index: Path, patterns: int, limit: float, samples: int,
               simple: Sequence[tuple[str, str]]) -> Limited:
    q = urlencode({"q": slow_query(patterns)})
    with serving(index, WORKERS, limit) as server:
        base = server.base
        rounds(base, simple, 1)
        page = fetch(f"{base}/search?{q}")
        api = fetch(f"{base}/api/search?{q}")
        meanwhile: Samples = {name: [] for name, _ in simple}
        failed = 0
        for _ in range(samples):
            for name, path in simple:
                answer = fetch(base + path)
                meanwhile[name].append(answer.ms)
                failed += answer.status != 200
    # the server's shutdown waited for the two given-up searches
    return Limited(limit, page, api, meanwhile, failed, server.stopped_s)


def limit_ok(r: Limited) -> bool:
    said = f"took longer than {r.limit_s:g} s"
    try:
        api_error = str(json.loads(r.api.body).get("error", ""))
    except json.JSONDecodeError:
        api_error = ""
    return (
        r.page.status == 503 and "This search took too long" in r.page.body
        and said in r.page.body
        and r.api.status == 503 and said in api_error
        and r.failed == 0
        # answered at the limit, not when the search would have ended
        and max(r.page.ms, r.api.ms) < (r.limit_s + 1) * 1000
    )


# --- report -------------------------------------------------------------------------------------


def report(runs: Sequence[Concurrency], limited: Limited, patterns: int) -> bool:
    one, pool = runs
    print(f"\nSimple requests on a real server while a slow search runs ({patterns} patterns "
          "`*x*y*` OR'ed); each request sent one after another:\n")
    print("| request | server | idle: n | p50 | max | during the slow search: n | p50 | max |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for run in (pool, one):
        label = (f"{run.workers} workers (`cables serve` default)" if run is pool
                 else "1 worker (what one lock around every search gave)")
        names = list(run.idle) if run is pool else []
        for name in names:
            print(f"| {name} | {label} {stats(run.idle[name])}{stats(run.during[name])}|")
        print(f"| **all three** | {label} {stats(pooled(run.idle))}{stats(pooled(run.during))}|")
    print(f"\nThe slow search itself: {one.slow_s:.1f} s with 1 worker (alone: the simple "
          f"requests waited), {pool.slow_s:.1f} s with {pool.workers} workers (sharing the CPU "
          "and Python's lock with the simple requests).")
    during = pooled(pool.during)
    worst = max(during) if during else float("inf")
    slow_enough = min(one.slow_s, pool.slow_s) >= SLOW_ENOUGH_S
    concurrent_ok = bool(during) and worst < 1000 and slow_enough
    print(f"{'PASS' if concurrent_ok else 'MISS'}  {pool.workers} workers: slowest simple request "
          f"while the slow search ran {worst:,.1f} ms (target < 1,000 ms; the slow search "
          f"{pool.slow_s:.1f} s, at least {SLOW_ENOUGH_S:g} s wanted)")

    r = limited
    print(f"\nThe time limit ({r.limit_s:g} s, {WORKERS} workers), the same slow search:\n")
    print("| request | status | answered after | message |")
    print("|---|---:|---:|---|")
    message = f"this search took longer than {r.limit_s:g} s and was given up"
    heading = "This search took too long"
    page_says = " + ".join(
        f"“{m}”" for m in (heading, message) if m in r.page.body
    ) or "(neither heading nor message)"
    print(f"| GET /search | {r.page.status} | {r.page.ms / 1000:.2f} s | {page_says} |")
    print(f"| GET /api/search | {r.api.status} | {r.api.ms / 1000:.2f} s | `{r.api.body}` |")
    print(f"\nSimple requests while the two given-up searches ran on: "
          f"{summary(pooled(r.meanwhile))}, {r.failed} not answered 200; the server then took "
          f"{r.ran_on_s:.1f} s to stop (Ctrl-C waits for searches still running).")
    ok = limit_ok(r)
    print(f"{'PASS' if ok else 'MISS'}  time limit: 503 with the message on both, answered "
          "within the limit + 1 s; every simple request meanwhile a 200")
    return concurrent_ok and ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per page (part 1)")
    parser.add_argument("--patterns", type=int, default=50, help="wildcards of the slow query")
    parser.add_argument("--samples", type=int, default=10,
                        help="rounds of the simple requests on the idle server")
    parser.add_argument("--time-limit", type=float, default=2.0,
                        help="seconds, for part 3 (the server's default is longer)")
    args = parser.parse_args(argv)

    began = time.perf_counter()
    print(f"Web benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}; "
          f"over {args.index}\n")
    _rows, pages_ok = page_cost(args.index, args.repeat)
    simple = simple_requests(args.index)
    runs = [
        concurrency(args.index, args.patterns, workers, args.samples, simple)
        for workers in (1, WORKERS)
    ]
    limited = time_limit(args.index, args.patterns, args.time_limit, args.samples, simple)
    ok = report(runs, limited, args.patterns)
    print(f"\n{time.perf_counter() - began:.0f} s in all; load average at the end "
          f"{load_average()}")
    return 0 if pages_ok and ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
