"""The cleaning + extracting benchmark: CPU time of `build_cable` per record.

    python bench/normalize.py [--sample N] [--csv PATH] [--dump FILE] [--profile N]

Two sets of records: (a) every real dev cable under /work/shared/cables (or
$CABLES_SHARED/cables), read with `indexer.readers.read_paths`; (b) the first N (default
3,000) rows of a generated cables.csv, streamed. Reading happens once, before timing; each set
is then built `--passes` times (default 3) and the best `time.process_time()` is shown.

`--dump FILE` writes every result, one JSON line per record in reading order (the Cable's
fields with sorted keys, or the CableError's message), so that a change can be proved to give
byte-identical results: dump before, dump after, `cmp` the two files. `--profile N` prints
cProfile's N costliest functions by own time, per set.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import io
import itertools
import json
import os
import platform
import pstats
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.cable import RawRecord  # noqa: E402
from indexer.normalize import CableError, build_cable  # noqa: E402
from indexer.readers import read_paths  # noqa: E402
from indexer.readers.csvfile import read as read_csv  # noqa: E402

DEFAULT_CSV = Path("/work/benchout/corpus-csv-251287/cables.csv")


def _records(items: Iterable[object]) -> Iterator[RawRecord]:
    return (item for item in items if isinstance(item, RawRecord))


def load_sets(cables: Path, csv: Path, sample: int) -> dict[str, list[RawRecord]]:
    sets = {"real dev cables": list(_records(read_paths([cables])))}
    if csv.exists():
        sets["generated csv"] = list(itertools.islice(_records(read_csv(csv)), sample))
    else:
        print(f"(no {csv}: generated set skipped)", file=sys.stderr)
    return sets


def build_all(records: list[RawRecord]) -> None:
    for raw in records:
        with contextlib.suppress(CableError):
            build_cable(raw)


def best_time(records: list[RawRecord], passes: int) -> float:
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        build_all(records)
        best = min(best, time.process_time() - start)
    return best


def dump(sets: dict[str, list[RawRecord]], fp: TextIO) -> None:
    for name, records in sets.items():
        for raw in records:
            row: dict[str, object]
            try:
                row = {"cable": dataclasses.asdict(build_cable(raw))}
            except CableError as exc:
                row = {"error": str(exc)}
            row["set"] = name
            row["source"] = f"{raw.source.path}#{raw.source.record}"
            fp.write(json.dumps(row, default=str, sort_keys=True, ensure_ascii=False))
            fp.write("\n")


def profile(records: list[RawRecord], top: int) -> str:
    prof = cProfile.Profile()
    prof.runcall(build_all, records)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    shared = Path(os.environ.get("CABLES_SHARED", "/work/shared"))
    parser.add_argument("--cables", type=Path, default=shared / "cables")
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--sample", type=int, default=3000, help="rows of the csv (3000)")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write every result here (JSON lines)")
    parser.add_argument("--profile", type=int, metavar="N", help="show the N costliest functions")
    args = parser.parse_args(argv)

    sets = load_sets(args.cables, args.csv, args.sample)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fp:
            dump(sets, fp)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}")
    for name, records in sets.items():
        seconds = best_time(records, args.passes)
        ms = 1000 * seconds / max(1, len(records))
        print(f"{name}: {len(records):,} records, {ms:.3f} ms/record (best of {args.passes})")
        if args.profile:
            print(profile(records, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
