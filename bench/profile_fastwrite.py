"""Stock Whoosh vs `indexer.fastwrite`: docs/s on generated 7 KB cables, and a profile.

    .venv/bin/python bench/profile_fastwrite.py [--docs 3000] [--procs 2] [--no-stock]
        [--profile] [--keep DIR]

Documents are made here (Zipf-distributed English-like words, upper-case runs like real
cables, numbers, refids, dotted abbreviations) with random.Random(1), so every run indexes
the same text. Stock is timed single-process (`ix.writer()`, what the index used before),
fast with `add_documents(procs=...)`; both include the commit. `--profile` runs the fast
writer in-process (procs=1) under cProfile and prints the top 15 functions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from whoosh import index

from indexer.plainindex import add_documents
from indexer.schema import build_schema

_STOP = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "that",
    "is",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "it",
    "be",
    "this",
    "from",
    "was",
    "are",
    "an",
    "or",
    "not",
    "will",
    "has",
    "have",
    "said",
    "his",
    "he",
    "which",
    "but",
    "its",
    "their",
    "they",
    "would",
    "also",
    "were",
    "been",
    "more",
]
_TAGS = [
    "PREL",
    "PGOV",
    "ECON",
    "EFIN",
    "MARR",
    "PTER",
    "KDEM",
    "PHUM",
    "ETRD",
    "ENRG",
    "IZ",
    "IR",
    "AF",
    "PK",
    "RU",
    "CH",
    "FR",
    "TU",
]
_ORIGINS = ["Embassy Baghdad", "Embassy Paris", "Secretary of State", "Embassy Ankara"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [
        12,
        9,
        8,
        7.5,
        7,
        6.7,
        6.3,
        6,
        5.9,
        4.3,
        4,
        2.8,
        2.8,
        2.4,
        2.4,
        2.2,
        2,
        2,
        1.9,
        1.5,
        1,
        0.8,
        0.2,
        0.15,
        0.1,
        0.07,
    ]
    words = set(_STOP)
    vocab = list(_STOP)
    while len(vocab) < size:
        word = "".join(rng.choices(letters, weights, k=rng.choice((3, 4, 5, 6, 7, 8, 9, 11))))
        if word not in words:
            words.add(word)
            vocab.append(word)
    return vocab


def generate_documents(
    count: int, *, seed: int = 1, body_bytes: int = 7000
) -> list[dict[str, Any]]:
    """`count` cable-like documents (the dicts `indexer.document.to_document` makes)."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 40_000)
    zipf = list(accumulate(1.0 / (rank + 2.7) for rank in range(len(vocab))))
    docs = []
    start = datetime(1985, 1, 1)
    for number in range(count):
        created = start + timedelta(minutes=rng.randrange(13_000_000))
        origin = rng.choice(_ORIGINS)
        refid = f"{created:%y}{origin.split()[-1].upper()}{number}"
        body = _body(rng, vocab, zipf, body_bytes, refid)
        tags = rng.sample(_TAGS, rng.randint(1, 5))
        docs.append(
            {
                "refid": refid,
                "created": created,
                "year": created.year,
                "classification": rng.choice(("UNCLASSIFIED", "CONFIDENTIAL", "SECRET")),
                "origin": origin,
                "origin_words": origin,
                "tags": " ".join(tags),
                "references": " ".join(f"09BAGHDAD{rng.randint(1, 3000)}" for _ in range(2)),
                "signed_by": rng.choice(("crocker", "hill", "rice clinton")),
                "subject": " ".join(rng.choices(vocab, cum_weights=zipf, k=8)).upper(),
                "title": " ".join(rng.choices(vocab, cum_weights=zipf, k=6)).upper(),
                "body": body,
                "record_hash": f"{rng.getrandbits(256):064x}",
                "source": json.dumps({"path": f"cable/{refid}.html", "format": "html"}),
                "cable": json.dumps({"refid": refid, "tags": tags, "origin": origin}),
            }
        )
    return docs


def _body(rng: random.Random, vocab: list[str], zipf: list[float], size: int, refid: str) -> str:
    parts = [f"C O N F I D E N T I A L SECTION 01 OF 02 {refid}\n\nSUBJECT: "]
    length = 0
    paragraph = 1
    while length < size:
        words = rng.choices(vocab, cum_weights=zipf, k=rng.randint(8, 25))
        if rng.random() < 0.3:
            words.append(str(rng.randint(1, 99999)))
        if rng.random() < 0.1:
            words.append(rng.choice(("U.S.", "U.N.", "1.5", "(C)", "xxxxxxxxxxxx")))
        sentence = " ".join(words).capitalize() + ". "
        if rng.random() < 0.6:  # most cables are in capitals
            sentence = sentence.upper()
        if rng.random() < 0.15:
            sentence = f"\n\n{paragraph}. (C) " + sentence
            paragraph += 1
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the fast writer's workers).

    On a shared machine wall-clock time depends on the neighbours; CPU time much less.
    """
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _time_stock(folder: Path, docs: list[dict[str, Any]]) -> tuple[float, float]:
    ix = index.create_in(str(folder), build_schema())
    started, cpu = time.perf_counter(), _cpu()
    writer = ix.writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    return time.perf_counter() - started, _cpu() - cpu


def _time_fast(folder: Path, docs: list[dict[str, Any]], procs: int) -> tuple[float, float]:
    started, cpu = time.perf_counter(), _cpu()
    add_documents(folder, docs, procs=procs)
    return time.perf_counter() - started, _cpu() - cpu


def _iter_profile(folder: Path, docs: list[dict[str, Any]]) -> Iterator[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    add_documents(folder, iter(docs), procs=1)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(15)
    yield "profile printed above (fast writer, procs=1, tottime order)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--no-stock", action="store_true", help="skip the slow stock run")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", type=Path, help="build the fast index here (kept)")
    args = parser.parse_args()

    docs = generate_documents(args.docs)
    mean = sum(len(d["body"]) for d in docs) / len(docs)
    print(f"{len(docs)} documents, mean body {mean:,.0f} chars")
    scratch = Path(tempfile.mkdtemp(prefix="fastwrite-bench-"))
    try:
        fast_dir = args.keep or scratch / "fast"
        if args.keep and args.keep.exists():
            shutil.rmtree(args.keep)
        fast, fast_cpu = _time_fast(fast_dir, docs, args.procs)
        n = len(docs)
        print(
            f"fast  (procs={args.procs}): {n / fast:6.0f} docs/s wall ({fast:.2f} s), "
            f"{fast_cpu / n * 1000:.2f} ms CPU/doc"
        )
        if not args.no_stock:
            (scratch / "stock").mkdir()
            stock, stock_cpu = _time_stock(scratch / "stock", docs)
            print(
                f"stock (procs=1): {n / stock:6.0f} docs/s wall ({stock:.2f} s), "
                f"{stock_cpu / n * 1000:.2f} ms CPU/doc"
            )
            print(
                f"ratio fast/stock: {stock / fast:.1f}x wall-clock, "
                f"{stock_cpu / fast_cpu:.1f}x CPU per document"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS: parent {rss:.0f} MB, largest child {kids:.0f} MB")
        if args.profile:
            for line in _iter_profile(scratch / "profiled", docs):
                print(line)
    finally:
        shutil.rmtree(scratch)


if __name__ == "__main__":
    main()
