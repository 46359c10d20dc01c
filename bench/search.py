"""The search speed benchmark: `cables search` against Whoosh's default query path.

    python bench/search.py [--index DIR] [--count 251287] [--workdir bench/out] [--repeat 3]
                           [--profile]

It opens ONE index (by default the one `bench/index.py --full` builds from the generated
corpus, `WORKDIR/index-full`, or `WORKDIR/index-COUNT` for another `--count`; it is generated
and built here when missing) and times a fixed mix of 20 queries (`QUERIES`) two ways in the
same process:

1. stock Whoosh: `MultifieldParser(["subject", "title", "tags", "body"])` with the default
   plugins plus `FuzzyTermPlugin`, `searcher.search(q, limit=10)`, the default highlighter
   (`hit.highlights("body")`) on each hit, and `len(results)` for the exact total;
2. `cables search`: `indexer.searching.search(opened, text, limit=10)` on an index opened once,
   as a long-running server holds it (hits, highlights, four facets, exact total).

Each query runs once to warm up, then `--repeat` times; the median counts. Per query it prints
both latencies, both totals (flagged where they differ, with the reason when the two query
languages mean different things), the open-per-search latency (`search(index_dir, ...)`, what
one CLI call does after Python has started), and at the end p50/p95/max of both paths, PASS or
MISS against the targets and a Markdown table for the README. `--profile` runs cProfile on our
path for every query slower than the p50 target and prints where the time goes.

The stock path gets the same question in its own syntax where ours has a friendlier one
(`tag:` -> `tags:`, `origin:` -> `origin_words:`, `class:secret` -> `classification:SECRET*`,
`created:>2009-06` -> `created:[2009-07 TO]`, `-word` -> `NOT word`); phrase queries give it
the fields subject, title and body only, because a phrase on `tags` (no positions) fails in
stock Whoosh. Stock's `len(results)` can fall short of the true count (its top-10 collector
prunes the query as it goes); the true count is taken apart, untimed, to tell that case from
a real difference in meaning.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import math
import os
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser  # noqa: E402

import index as index_bench  # noqa: E402
from indexer import store  # noqa: E402
from indexer.searching import INDEX_NAME, Searchable, open_index, search  # noqa: E402

STOCK_FIELDS = ("subject", "title", "tags", "body")
#: stock Whoosh cannot run a phrase on `tags` (no positions), so phrases leave it out
STOCK_PHRASE_FIELDS = ("subject", "title", "body")
LIMIT = 10

T = TypeVar("T")

#: targets of our path (per-query medians over the 20 queries)
TARGET_P50_MS = 30.0
TARGET_P95_MS = 300.0
TARGET_MAX_MS = 1000.0

#: why totals may differ where our query language means something else than Whoosh's
_STEMMED_PREFIX = (
    "ours also tries the stem of the prefix (meant to reach negoti, the stem of negotiate and "
    "negotiations); stock matches the literal prefix against the stems only"
)
_EXPANSION_CAP = "ours expands a pattern to its 512 most frequent words (with a warning)"


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    ours: str
    #: the same question in stock Whoosh's syntax
    stock: str
    #: why the totals may differ (empty: the two must agree)
    differs: str = ""
    #: stock parser without `tags` (phrases)
    phrase: bool = False


#: The fixed mix. Words come from bench/generate.py's lists: `government` ranks 31st of 4,000,
#: `cultivation` ~3,950th; body words are drawn independently, so phrases of common words
#: still occur by chance.
QUERIES: tuple[BenchQuery, ...] = (
    BenchQuery("rare term", "cultivation", "cultivation"),
    BenchQuery("common term", "government", "government"),
    BenchQuery("two terms (AND)", "nuclear sanctions", "nuclear sanctions"),
    BenchQuery("AND", "iran AND oil", "iran AND oil"),
    BenchQuery("OR", "terrorism OR smuggling", "terrorism OR smuggling"),
    BenchQuery("NOT", "security NOT police", "security NOT police"),
    BenchQuery("2-word phrase", '"human rights"', '"human rights"', phrase=True),
    BenchQuery("3-word phrase", '"said government would"', '"said government would"', phrase=True),
    BenchQuery("proximity", '"nuclear program"~3', '"nuclear program"~3', phrase=True),
    BenchQuery("tag:", "tag:pter", "tags:pter"),
    BenchQuery("origin:", "origin:baghdad", "origin_words:baghdad"),
    BenchQuery("class: + term", "class:secret iran", "classification:SECRET* iran"),
    BenchQuery("subject:", "subject:scenesetter", "subject:scenesetter"),
    BenchQuery(
        "date range + term",
        "created:[2005-01 TO 2006-06] election",
        "created:[2005-01 TO 2006-06] election",
    ),
    BenchQuery("date after + term", "created:>2009-06 iran", "created:[2009-07 TO] iran"),
    BenchQuery("year: + term", "year:2008 corruption", "year:2008 corruption"),
    BenchQuery("prefix", "negotiat*", "negotiat*", differs=_STEMMED_PREFIX),
    BenchQuery("wildcard", "*ment", "*ment", differs=_EXPANSION_CAP),
    BenchQuery("fuzzy", "polise~", "polise~"),
    BenchQuery(
        "mixed",
        'tag:prel (iran OR iraq) "foreign minister" -police',
        'tags:prel (iran OR iraq) "foreign minister" NOT police',
        differs="stock's phrase parser leaves TAGS out, so (iran OR iraq) misses the tag IRAN",
        phrase=True,
    ),
)


@dataclass(frozen=True)
class Row:
    query: BenchQuery
    stock_ms: float
    ours_ms: float
    #: open + search + close, once (what a CLI call does after start-up)
    open_ms: float
    #: `len(results)`, as a stock Whoosh user gets it
    stock_total: int
    ours_total: int
    warnings: tuple[str, ...]
    #: the stock query's true count (`docs_for_query`, not timed)
    stock_exact: int

    @property
    def flag(self) -> str:
        if self.stock_total == self.ours_total:
            return ""
        if self.stock_exact == self.ours_total:
            return "stock len() short"
        return "differs (expected)" if self.query.differs else "DIFFERS (unexpected)"

    @property
    def reason(self) -> str:
        if self.flag == "stock len() short":
            return (
                f"stock's true count is {self.stock_exact:,} too: len(results) counts only the "
                "documents its TopCollector visited after matcher.replace(minscore) pruned "
                "union branches that could no longer reach the top 10"
            )
        return self.query.differs or "the two should agree: look into it"


@dataclass(frozen=True)
class Report:
    rows: tuple[Row, ...]
    index_dir: Path
    generation: Path
    cables: int
    index_bytes: int
    #: first search of the process: open the index, load its caches, search
    first_ms: float
    repeat: int


# --------------------------------------------------------------------------- the two paths


class StockPath:
    """Whoosh's default query path on the same generation, with its own searcher."""

    def __init__(self, generation: Path) -> None:
        self.ix: Any = whoosh_index.open_dir(str(generation), indexname=INDEX_NAME)
        self.searcher: Any = self.ix.searcher()
        self.parser = self._parser(STOCK_FIELDS)
        self.phrase_parser = self._parser(STOCK_PHRASE_FIELDS)

    def _parser(self, names: Sequence[str]) -> Any:
        parser = MultifieldParser(list(names), self.ix.schema)
        parser.add_plugin(FuzzyTermPlugin())
        return parser

    def run(self, bq: BenchQuery) -> int:
        parser = self.phrase_parser if bq.phrase else self.parser
        results = self.searcher.search(parser.parse(bq.stock), limit=LIMIT)
        for hit in results:
            hit.highlights("body")
        return len(results)

    def exact(self, bq: BenchQuery) -> int:
        parser = self.phrase_parser if bq.phrase else self.parser
        return sum(1 for _ in self.searcher.docs_for_query(parser.parse(bq.stock)))

    def close(self) -> None:
        self.searcher.close()


def run_ours(s: Searchable, bq: BenchQuery) -> tuple[int, tuple[str, ...]]:
    result = search(s, bq.ours, limit=LIMIT)
    return result.total, result.warnings


def timed(action: Callable[[], T], repeat: int) -> tuple[float, T]:
    """(median wall time in ms of `repeat` runs after one warm-up run, the warm-up's result)."""
    first = action()
    times = []
    for _ in range(max(1, repeat)):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return 1000 * statistics.median(times), first


def measure(index_dir: Path, repeat: int, queries: Sequence[BenchQuery] = QUERIES) -> Report:
    """Time every query on both paths (see the module docstring)."""
    began = time.perf_counter()
    opened = open_index(index_dir)
    search(opened, queries[0].ours, limit=LIMIT)
    first_ms = 1000 * (time.perf_counter() - began)
    cables = int(opened.reader.doc_count())
    size = sum(p.stat().st_size for p in opened.generation.iterdir() if p.is_file())
    stock = StockPath(opened.generation)
    rows: list[Row] = []
    try:
        for bq in queries:
            stock_ms, stock_total = timed(functools.partial(stock.run, bq), repeat)
            ours_ms, (ours_total, warnings) = timed(functools.partial(run_ours, opened, bq), repeat)
            started = time.perf_counter()
            search(index_dir, bq.ours, limit=LIMIT)
            open_ms = 1000 * (time.perf_counter() - started)
            exact = stock.exact(bq)
            rows.append(
                Row(bq, stock_ms, ours_ms, open_ms, stock_total, ours_total, warnings, exact)
            )
    finally:
        stock.close()
        opened.close()
    return Report(
        rows=tuple(rows),
        index_dir=index_dir,
        generation=opened.generation,
        cables=cables,
        index_bytes=size,
        first_ms=first_ms,
        repeat=repeat,
    )


def cli_ms(index_dir: Path, text: str) -> float:
    """Wall time of one `python -m indexer search` process (start-up + open + search)."""
    argv = [sys.executable, "-m", "indexer", "search", text, "--index", str(index_dir)]
    began = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return 1000 * (time.perf_counter() - began)


# --------------------------------------------------------------------------- figures


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        return cls(percentile(values, 50), percentile(values, 95), max(values))


def checks(ours: Summary) -> list[tuple[bool, str]]:
    return [
        (ours.p50 <= TARGET_P50_MS, f"p50 {ours.p50:.1f} ms (target <= {TARGET_P50_MS:.0f} ms)"),
        (ours.p95 <= TARGET_P95_MS, f"p95 {ours.p95:.1f} ms (target <= {TARGET_P95_MS:.0f} ms)"),
        (ours.max <= TARGET_MAX_MS, f"max {ours.max:.1f} ms (target <= {TARGET_MAX_MS:.0f} ms)"),
    ]


def per_query_lines(report: Report) -> list[str]:
    lines = [
        f"{'#':>2}  {'kind':<18} {'stock ms':>9} {'ours ms':>8} {'open+ms':>8} "
        f"{'stock hits':>10} {'our hits':>9}  query"
    ]
    for n, row in enumerate(report.rows, 1):
        q = row.query
        lines.append(
            f"{n:>2}  {q.kind:<18} {row.stock_ms:>9.1f} {row.ours_ms:>8.1f} {row.open_ms:>8.1f} "
            f"{row.stock_total:>10,} {row.ours_total:>9,}  {q.ours}"
            + (f"  [{row.flag}]" if row.flag else "")
        )
    return lines


def difference_lines(report: Report) -> list[str]:
    lines = []
    for n, row in enumerate(report.rows, 1):
        if row.flag:
            lines.append(
                f"  #{n} {row.query.ours!r}: stock {row.stock_total:,} vs ours "
                f"{row.ours_total:,} - {row.reason}"
            )
        for warning in row.warnings:
            lines.append(f"  #{n} warning: {warning}")
        if row.ours_total == 0:
            lines.append(f"  #{n} {row.query.ours!r} found nothing: it measures no real work")
    return lines


def markdown(report: Report, when: datetime | None = None) -> str:
    stock = Summary.of([r.stock_ms for r in report.rows])
    ours = Summary.of([r.ours_ms for r in report.rows])
    opened = Summary.of([r.open_ms for r in report.rows])
    date = (when or datetime.now(UTC)).strftime("%Y-%m-%d")
    head = (
        f"Search benchmark, {date}, {index_bench.machine()}; {report.cables:,} generated cables "
        f"(bench/generate.py), index {report.index_bytes / 2**20:,.0f} MiB; "
        f"{len(report.rows)} fixed queries, top {LIMIT} with highlights, median of "
        f"{report.repeat} warm runs each."
    )
    rows = [
        "| path | p50 | p95 | max |",
        "|---|---:|---:|---:|",
        _md_row("stock Whoosh (parse, search, highlight, exact total)", stock),
        _md_row("cables search, index open (+ 4 facets)", ours),
        _md_row("cables search, open per search", opened),
        f"| speed-up (stock / ours, index open) | {_ratio(stock.p50, ours.p50)} | "
        f"{_ratio(stock.p95, ours.p95)} | {_ratio(stock.max, ours.max)} |",
    ]
    return head + "\n\n" + "\n".join(rows)


def _md_row(name: str, s: Summary) -> str:
    return f"| {name} | {s.p50:.1f} ms | {s.p95:.1f} ms | {s.max:.1f} ms |"


def _ratio(stock_ms: float, ours_ms: float) -> str:
    """Stock time over ours: above 1x ours is faster."""
    return f"{stock_ms / ours_ms:.1f}x" if ours_ms > 0 else "-"


def print_report(report: Report, cli: float | None) -> bool:
    """Print everything; True when all targets pass."""
    print(f"\nindex {report.generation} ({report.cables:,} cables, "
          f"{report.index_bytes / 2**20:,.0f} MiB); median of {report.repeat} runs after a "
          "warm-up\n")  # fmt: skip
    for line in per_query_lines(report):
        print(line)
    differences = difference_lines(report)
    if differences:
        print("\ntotals that differ, warnings, empty results:")
        for line in differences:
            print(line)
    stock = Summary.of([r.stock_ms for r in report.rows])
    ours = Summary.of([r.ours_ms for r in report.rows])
    print(f"\nstock Whoosh : p50 {stock.p50:7.1f} ms  p95 {stock.p95:7.1f} ms  "
          f"max {stock.max:7.1f} ms")
    print(f"cables search: p50 {ours.p50:7.1f} ms  p95 {ours.p95:7.1f} ms  "
          f"max {ours.max:7.1f} ms")
    print(f"ratio (stock / ours): p50 {_ratio(stock.p50, ours.p50)}, "
          f"p95 {_ratio(stock.p95, ours.p95)}, max {_ratio(stock.max, ours.max)}")
    print(f"first search of the process (open + load caches + search): {report.first_ms:.0f} ms")
    if cli is not None:
        print(f"one CLI process (python -m indexer search, start-up included): {cli:.0f} ms")
    print()
    results = checks(ours)
    for ok, text in results:
        print(f"{'PASS' if ok else 'MISS'}  cables search {text}")
    print()
    print(markdown(report))
    return all(ok for ok, _ in results)  # fmt: skip


def profile_slow(index_dir: Path, rows: Sequence[Row], threshold_ms: float, top: int) -> None:
    """cProfile our path on each query slower than `threshold_ms`: where does the time go?"""
    slow = [r for r in rows if r.ours_ms > threshold_ms]
    if not slow:
        print(f"\nno query over {threshold_ms:.0f} ms: nothing to profile")
        return
    with open_index(index_dir) as opened:
        for row in slow:
            run_ours(opened, row.query)
            profiler = cProfile.Profile()
            profiler.enable()
            run_ours(opened, row.query)
            profiler.disable()
            print(f"\n--- profile of {row.query.ours!r} ({row.ours_ms:.0f} ms timed)")
            for line in profile_lines(pstats.Stats(profiler), top):
                print(line)


def profile_lines(stats: pstats.Stats, top: int) -> list[str]:
    """The `top` functions by own time, then our own functions by cumulative time, each with
    its share of the whole profiled run."""
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(e[2] for e in entries.values()) or 1e-9
    own = sorted(entries.items(), key=lambda kv: -kv[1][2])[:top]
    lines = [f"  total {1000 * total:.0f} ms profiled; own time:"]
    lines += [f"  {100 * e[2] / total:5.1f}%  {_where(key)}" for key, e in own]
    ours = [kv for kv in entries.items() if f"{os.sep}indexer{os.sep}" in kv[0][0]]
    lines.append("  indexer/ functions, cumulative:")
    for key, e in sorted(ours, key=lambda kv: -kv[1][3])[:top]:
        lines.append(f"  {100 * e[3] / total:5.1f}%  {_where(key)}")
    return lines


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name
    parts = Path(filename).parts
    if "site-packages" in parts:
        short = "/".join(parts[parts.index("site-packages") + 1 :])
    else:
        short = "/".join(parts[-2:])
    return f"{name}  ({short}:{line})"


# --------------------------------------------------------------------------- the index


def default_index(workdir: Path, count: int) -> Path:
    """The index benchmark's folder for `count` cables (index-full for the full size)."""
    if count == generate.REAL_TOTAL:
        return workdir / "index-full"
    return workdir / f"index-{count}"


def ensure_index(workdir: Path, count: int, seed: int) -> Path:
    index_dir = default_index(workdir, count)
    if store.live_generation(index_dir) is not None:
        print(f"using index {index_dir}")
        return index_dir
    name = "corpus-full" if count == generate.REAL_TOTAL else f"corpus-{count}"
    corpus = workdir / name
    print(f"no index at {index_dir}: generating {count:,} cables in {corpus} and indexing them",
          flush=True)  # fmt: skip
    corpus.parent.mkdir(parents=True, exist_ok=True)
    index_bench.ensure_corpus(corpus, count, seed)
    argv = [sys.executable, "-m", "indexer", "index", str(corpus)]
    subprocess.run([*argv, "--index", str(index_dir), "--quiet"], cwd=ROOT, check=True)
    return index_dir


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an existing index folder (skips building)")
    parser.add_argument("--count", type=int, default=generate.REAL_TOTAL,
                        help="cables in the generated corpus")  # fmt: skip
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", action="store_true",
                        help=f"profile our path on queries over {TARGET_P50_MS:.0f} ms")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI process timing")
    args = parser.parse_args(argv)

    if args.index is not None:
        index_dir: Path = args.index.resolve()
        if store.live_generation(index_dir) is None:
            raise SystemExit(f"no index at {index_dir} (expected {index_dir}/live)")
    else:
        index_dir = ensure_index(args.workdir.resolve(), args.count, args.seed)

    print(f"\n{len(QUERIES)} queries (stock syntax where it differs):")
    for n, bq in enumerate(QUERIES, 1):
        stock = f"   stock: {bq.stock}" if bq.stock != bq.ours else ""
        fields = "   stock fields: subject title body" if bq.phrase else ""
        print(f"{n:>2}. {bq.kind:<18} {bq.ours}{stock}{fields}")

    report = measure(index_dir, args.repeat)
    cli = None if args.no_cli else cli_ms(index_dir, QUERIES[0].ours)
    passed = print_report(report, cli)
    if args.profile:
        profile_slow(index_dir, report.rows, TARGET_P50_MS, top=15)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
