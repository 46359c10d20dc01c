"""The index benchmark: `cables index` against stock Whoosh on a synthetic Cablegate corpus.

    python bench/index.py [--count 20000] [--full] [--workdir bench/out] [--procs 2]
    python bench/index.py --formats html,csv [--html-count N] [--csv-count N] [--compare-procs]

One run generates (or reuses) a corpus with `bench/generate.py`, then builds it three ways,
each in its own child process so that its peak memory can be read apart:

1. stock Whoosh, one process: reader -> `build_cable` -> `to_document` -> `add_document`;
2. stock Whoosh, `ix.writer(procs=N)`;
3. `cables index CORPUS --index DIR --json --quiet`.

It then checks that the stock index and ours answer a fixed query set identically (same
refids, order and scores to 1e-6) and exits non-zero if not. `--full` adds the targets run:
the whole 251,287-cable corpus, then 1,000 new cables, then a run with nothing to do.

`--formats` measures `cables index` on the layouts users really have (see `bench/generate.py
--format`): final-release HTML pages (~190 KB each) and one cables.csv, each at the given
count (full size: 251,287 pages, ~48 GB; one 1.8 GB file), with parsing alone per record
(reading the format, then cleaning and extracting), and the time extrapolated to the full
archive when the count is smaller. `--compare-procs` runs each with `--procs 1` and 2.

Peak RSS is the `ru_maxrss` that `os.wait4` reports for the build's child process: the
largest resident set of that process or of any worker process it waited for (a maximum over
processes, not a sum; Whoosh's `procs=N` workers are counted one at a time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
from _common import machine  # noqa: E402

STAMP = ".generated.json"

#: Fixed queries for the stock-vs-ours comparison (plain keywords, phrases, field queries).
QUERIES: tuple[str, ...] = (
    "iran",
    "nuclear program",
    "minister meeting",
    "human rights",
    "security assistance",
    "oil energy gas",
    "election president",
    'body:"foreign minister"',
    "terrorism OR terrorist",
    "ambassador AND visit",
    "negotiations",
    "prel",
    "tags:pter",
    "subject:scenesetter",
    "corruption -police",
    "reconstruction",
)
TOP_N = 50

#: Targets of the `--full` run.
TARGET_SPEEDUP = 10.0
TARGET_FULL_SECONDS = 300.0
TARGET_RSS_BYTES = 2 * 1024**3
TARGET_NEW_SECONDS = 15.0
TARGET_NOCHANGE_SECONDS = 30.0
NEW_CABLES = 1_000


@dataclass(frozen=True)
class Build:
    name: str
    cables: int
    seconds: float
    rss_bytes: int
    index_bytes: int
    failed: int

    @property
    def rate(self) -> float:
        return self.cables / self.seconds if self.seconds > 0 else 0.0


# --------------------------------------------------------------------------- corpus


def _read_stamp(corpus: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((corpus / STAMP).read_text())
    except (OSError, ValueError):
        return None
    return data


def _write_stamp(corpus: Path, seed: int, ranges: list[list[int]]) -> None:
    stamp = {"version": generate.GENERATOR_VERSION, "seed": seed, "ranges": ranges}
    (corpus / STAMP).write_text(json.dumps(stamp))


def ensure_corpus(corpus: Path, count: int, seed: int) -> None:
    """`corpus` holds exactly cables 0..count-1 of `seed` (reused when the stamp says so)."""
    stamp = _read_stamp(corpus)
    fresh = {"version": generate.GENERATOR_VERSION, "seed": seed}
    if stamp and all(stamp.get(k) == v for k, v in fresh.items()):
        ranges = stamp["ranges"]
        if ranges == [[0, count]]:
            print(f"reusing corpus {corpus} ({count:,} cables)")
            return
        if ranges and ranges[0] == [0, count]:
            # an earlier --full run left the new cables in: take them out again
            for start, n in ranges[1:]:
                remove_range(corpus, seed, start, n)
            _write_stamp(corpus, seed, [[0, count]])
            print(f"reusing corpus {corpus} ({count:,} cables)")
            return
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    print(f"generating {count:,} cables into {corpus} ...", flush=True)
    began = time.monotonic()
    paths = generate.generate(corpus, count, seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"  {size / 1e6:,.0f} MB in {time.monotonic() - began:.0f} s")
    _write_stamp(corpus, seed, [[0, count]])


def add_range(corpus: Path, seed: int, start: int, count: int) -> None:
    generate.generate(corpus, count, seed, start)
    stamp = _read_stamp(corpus) or {"ranges": []}
    _write_stamp(corpus, seed, [*stamp["ranges"], [start, count]])


def remove_range(corpus: Path, seed: int, start: int, count: int) -> None:
    gen = generate.Generator(seed)
    for number in range(start, start + count):
        meta = gen.meta(number)
        created = meta.created
        (corpus / f"{created.year:04d}" / f"{created.month:02d}" / f"{meta.refid}.txt").unlink(
            missing_ok=True
        )


# --------------------------------------------------------------------------- builds


def _tree_bytes(path: Path) -> int:
    """Bytes on disk under `path`, hard-linked files (shared by index generations) once."""
    seen: dict[tuple[int, int], int] = {}
    for p in path.rglob("*"):
        if p.is_file():
            st = p.stat()
            seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


def _run_child(argv: Sequence[str]) -> tuple[float, int, str]:
    """Run a command; return its wall seconds, its peak RSS in bytes, and its stdout."""
    seconds, rss, out, _ = _run_child_cpu(argv)
    return seconds, rss, out


def _run_child_cpu(argv: Sequence[str]) -> tuple[float, int, str, float]:
    """`_run_child`, plus the CPU seconds of the child and the workers it waited for."""
    began = time.monotonic()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    # wait4, not RUSAGE_CHILDREN: that one is a maximum over *all* children so far
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {proc.returncode}")
    # Linux reports ru_maxrss in KiB
    return seconds, usage.ru_maxrss * 1024, out, usage.ru_utime + usage.ru_stime


def build_stock(corpus: Path, index_dir: Path, procs: int) -> Build:
    if index_dir.exists():
        shutil.rmtree(index_dir)
    argv = [sys.executable, __file__, "_stock", str(corpus), str(index_dir), str(procs)]
    seconds, rss, out = _run_child(argv)
    result = json.loads(out.strip().splitlines()[-1])
    name = "stock Whoosh, 1 process" if procs == 1 else f"stock Whoosh, procs={procs}"
    return Build(name, result["added"], seconds, rss, _tree_bytes(index_dir), result["failed"])


def build_ours(corpus: Path, index_dir: Path, name: str, fresh: bool = True) -> Build:
    if fresh and index_dir.exists():
        shutil.rmtree(index_dir)
    argv = [sys.executable, "-m", "indexer", "index", str(corpus)]
    argv += ["--index", str(index_dir), "--json", "--quiet"]
    seconds, rss, out = _run_child(argv)
    summary = _last_json(out)
    cables = int(summary["added"]) + int(summary["updated"])
    return Build(name, cables, seconds, rss, _tree_bytes(index_dir), int(summary["failed"]))


# --------------------------------------------------------------------------- real formats


def ensure_format_corpus(corpus: Path, fmt: str, count: int, seed: int) -> None:
    """`corpus` holds cables 0..count-1 of `seed` in layout `fmt` (reused when stamped so)."""
    want = {"version": generate.GENERATOR_VERSION, "seed": seed, "format": fmt, "count": count}
    if _read_stamp(corpus) == want:
        print(f"reusing corpus {corpus} ({count:,} cables, {fmt})")
        return
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    print(f"generating {count:,} cables ({fmt}) into {corpus} ...", flush=True)
    began = time.monotonic()
    paths = generate.generate(corpus, count, seed, fmt=fmt)
    size = sum(p.stat().st_size for p in paths)
    print(f"  {size / 1e6:,.0f} MB in {time.monotonic() - began:.0f} s")
    (corpus / STAMP).write_text(json.dumps(want))


@dataclass(frozen=True)
class ParseCost:
    records: int
    read_ms: float  # CPU ms a record: the format's reader (HTML, CSV)
    build_ms: float  # CPU ms a record: cleaning and extracting (normalize)


def parse_cost(corpus: Path, fmt: str, sample: int) -> ParseCost:
    """CPU time a record of the first `sample` records, reading apart from normalizing (CPU
    time, not wall time: the machine is shared, and a parse is one process)."""
    from indexer.cable import RawRecord
    from indexer.normalize import build_cable
    from indexer.readers import csvfile
    from indexer.readers import html as html_reader

    raws: list[RawRecord] = []
    # the pages are listed before the clock starts: listing 251,287 files is no parse cost
    pages = [] if fmt == "csv" else sorted(corpus.rglob("*.html"))[:sample]
    began = time.process_time()
    if fmt == "csv":
        for item in csvfile.read(corpus / "cables.csv"):
            if isinstance(item, RawRecord):
                raws.append(item)
            if len(raws) >= sample:
                break
    else:
        for path in pages:
            raws += [r for r in html_reader.read(path) if isinstance(r, RawRecord)]
    read = time.process_time() - began
    began = time.process_time()
    for raw in raws:
        build_cable(raw)
    build = time.process_time() - began
    n = max(1, len(raws))
    return ParseCost(len(raws), 1000 * read / n, 1000 * build / n)


def drop_page_cache() -> str:
    """Empty the kernel's page cache (root only), so that a run reads its corpus from disk as
    a first run on a newsroom machine would: "cold", or why the cache stays "warm"."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as exc:
        print(f"  page cache not dropped ({exc.strerror}): the run may read from memory")
        return "warm (not dropped)"
    return "cold"


def run_formats(args: argparse.Namespace) -> int:
    work: Path = args.workdir.resolve()
    counts = {"html": args.html_count, "csv": args.csv_count}
    lines = [
        "| format | cables | corpus | procs | seconds | CPU s | full size (extrapolated) "
        "| peak RSS | page cache | parse ms/record (read + clean) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for fmt in args.formats.split(","):
        count = counts[fmt]
        corpus = work / f"corpus-{fmt}-{count}"
        ensure_format_corpus(corpus, fmt, count, args.seed)
        size = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
        cost = parse_cost(corpus, fmt, args.parse_sample)
        for procs in (1, 2) if args.compare_procs else (None,):
            index_dir = work / f"index-{fmt}"
            if index_dir.exists():
                shutil.rmtree(index_dir)
            argv = [sys.executable, "-m", "indexer", "index", str(corpus)]
            argv += ["--index", str(index_dir), "--json", "--quiet"]
            if procs is not None:
                argv += ["--procs", str(procs)]
            cache = drop_page_cache() if args.cold else "warm"
            seconds, rss, out, cpu = _run_child_cpu(argv)
            summary = _last_json(out)
            cables = int(summary["added"])
            full = seconds * generate.REAL_TOTAL / max(1, cables)
            label = "auto" if procs is None else str(procs)
            extrapolated = "" if cables >= generate.REAL_TOTAL else " (extrapolated)"
            lines.append(
                f"| {fmt} | {cables:,} | {size / 1e6:,.0f} MB | {label} | {seconds:.1f} | "
                f"{cpu:.1f} | {full:.0f} s{extrapolated} | {rss / 2**20:,.0f} MiB | {cache} | "
                f"{cost.read_ms:.2f} + {cost.build_ms:.2f} ({cost.records:,} records) |"
            )
            print(lines[-1], flush=True)
            shutil.rmtree(index_dir)
    # (machine() ends with the load average)
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    print(f"\nIndex benchmark, real formats, {when}, {machine()}.\n")
    print("\n".join(lines))
    return 0


def _last_json(out: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(out)
        return data
    except ValueError:
        last: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return last


def stock_child(corpus: Path, index_dir: Path, procs: int) -> None:
    """The body of a stock build (runs in the child process)."""
    from whoosh import index

    from indexer.cable import ReadError
    from indexer.document import to_document
    from indexer.normalize import CableError, build_cable
    from indexer.readers import read_paths
    from indexer.schema import build_schema

    index_dir.mkdir(parents=True)
    ix = index.create_in(str(index_dir), build_schema())
    writer = ix.writer(procs=procs) if procs > 1 else ix.writer()
    added = failed = 0
    for record in read_paths([corpus]):
        if isinstance(record, ReadError):
            failed += 1
            continue
        try:
            doc = to_document(build_cable(record))
        except CableError:
            failed += 1
            continue
        writer.add_document(**doc)
        added += 1
    writer.commit()
    print(json.dumps({"added": added, "failed": failed}))


# --------------------------------------------------------------------------- comparison


def search_all(index_dir: Path) -> dict[str, list[tuple[str, float]]]:
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    from indexer import store

    # `cables index` publishes generations under index_dir/live; stock writes index_dir itself
    folder = store.require_live(index_dir) if (index_dir / store.LIVE).is_symlink() else index_dir
    ix = index.open_dir(str(folder))
    parser = MultifieldParser(["subject", "title", "tags", "body"], ix.schema)
    results: dict[str, list[tuple[str, float]]] = {}
    with ix.searcher() as searcher:
        for text in QUERIES:
            hits = searcher.search(parser.parse(text), limit=None)
            scored = [(hit["refid"], round(hit.score, 6)) for hit in hits]
            # equal scores come in document-number order, which depends on how the index
            # was written; order ties by refid so that only real differences count
            results[text] = sorted(scored, key=lambda h: (-h[1], h[0]))[:TOP_N]
    return results


def compare(stock_dir: Path, ours_dir: Path) -> list[str]:
    """Differences between the two indexes' answers to `QUERIES` (empty when identical)."""
    stock, ours = search_all(stock_dir), search_all(ours_dir)
    problems: list[str] = []
    for text in QUERIES:
        a, b = stock[text], ours[text]
        if a == b:
            continue
        first = next(
            (k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        at_a = a[first] if first < len(a) else "no hit"
        at_b = b[first] if first < len(b) else "no hit"
        problems.append(
            f"{text!r}: {len(a)} stock hits vs {len(b)} ours; "
            f"rank {first + 1}: stock {at_a}, ours {at_b}"
        )
    return problems


# --------------------------------------------------------------------------- report


def table(builds: Sequence[Build], baseline: Build) -> str:
    rows = [
        "| build | cables | seconds | cables/s | vs stock | index size | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for b in builds:
        ratio = b.rate / baseline.rate if baseline.rate else 0.0
        rows.append(
            f"| {b.name} | {b.cables:,} | {b.seconds:.1f} | {b.rate:,.0f} | {ratio:.1f}x | "
            f"{b.index_bytes / 2**20:,.0f} MiB | {b.rss_bytes / 2**20:,.0f} MiB |"
        )
    return "\n".join(rows)


def verdict(label: str, value: str, ok: bool, target: str) -> str:
    return f"{'PASS' if ok else 'MISS'}  {label}: {value} (target {target})"


def run(args: argparse.Namespace) -> int:
    work: Path = args.workdir.resolve()
    corpus = work / f"corpus-{args.count}"
    ensure_corpus(corpus, args.count, args.seed)

    print("building ...", flush=True)
    single = build_stock(corpus, work / "index-stock-1", 1)
    multi = build_stock(corpus, work / f"index-stock-{args.procs}", args.procs)
    ours = build_ours(corpus, work / "index-cables", "cables index")
    builds = [single, multi, ours]

    problems = compare(work / "index-stock-1", work / "index-cables")
    checks: list[str] = []
    speedup = ours.rate / single.rate if single.rate else 0.0
    checks.append(
        verdict("speed-up over stock", f"{speedup:.1f}x", speedup >= TARGET_SPEEDUP, ">= 10x")
    )

    if args.full:
        big = work / "corpus-full"
        ensure_corpus(big, generate.REAL_TOTAL, args.seed)
        full_dir = work / "index-full"
        full = build_ours(big, full_dir, f"cables index, full {generate.REAL_TOTAL:,}")
        add_range(big, args.seed, generate.REAL_TOTAL, NEW_CABLES)
        new = build_ours(big, full_dir, f"cables index, +{NEW_CABLES:,} new", fresh=False)
        same = build_ours(big, full_dir, "cables index, no change", fresh=False)
        builds += [full, new, same]
        checks += [
            verdict("full build", f"{full.seconds:.0f} s", full.seconds < TARGET_FULL_SECONDS,
                    "< 300 s"),
            verdict("full build peak RSS", f"{full.rss_bytes / 2**30:.2f} GiB",
                    full.rss_bytes <= TARGET_RSS_BYTES, "<= 2 GiB"),
            verdict(f"{NEW_CABLES:,} new cables", f"{new.seconds:.1f} s",
                    new.seconds <= TARGET_NEW_SECONDS, "<= 15 s"),
            verdict("no-change run", f"{same.seconds:.1f} s",
                    same.seconds <= TARGET_NOCHANGE_SECONDS, "<= 30 s"),
        ]  # fmt: skip

    failed = [b for b in builds if b.failed]
    print()
    for b in failed:
        print(f"note: {b.name}: {b.failed:,} records failed to parse")
    for line in checks:
        print(line)
    if problems:
        print(f"\nMISMATCH: stock Whoosh and cables index answer {len(problems)} of "
              f"{len(QUERIES)} queries differently:")  # fmt: skip
        for p in problems:
            print(f"  {p}")
    else:
        print(f"\nsame answers: {len(QUERIES)} queries, top {TOP_N}, scores to 1e-6")

    print(f"\nIndex benchmark, {datetime.now(UTC):%Y-%m-%d}, {machine()}; "
          f"synthetic corpus (bench/generate.py, seed {args.seed}).\n")  # fmt: skip
    print(table(builds, single))
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_stock"]:
        # internal: the child process of one stock build
        stock_child(Path(argv[1]), Path(argv[2]), int(argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000, help="cables in the compared corpus")
    parser.add_argument("--full", action="store_true", help="also run the 251,287-cable targets")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--procs", type=int, default=2, help="processes of the stock procs= run")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--formats", help="measure these layouts instead: html,csv")
    parser.add_argument("--html-count", type=int, default=generate.REAL_TOTAL)
    parser.add_argument("--csv-count", type=int, default=generate.REAL_TOTAL)
    parser.add_argument("--parse-sample", type=int, default=2000)
    parser.add_argument("--compare-procs", action="store_true")
    parser.add_argument(
        "--cold", action="store_true", help="drop the page cache before each build (root only)"
    )
    args = parser.parse_args(argv)
    return run_formats(args) if args.formats else run(args)


if __name__ == "__main__":
    sys.exit(main())
