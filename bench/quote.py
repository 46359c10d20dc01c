"""Does `cables quote` find the cable a quoted passage comes from? Against plain `search`.

    .venv/bin/python bench/quote.py [--cables ../shared/cables] [--sample 200] [--seed 13]
        [--keep DIR]

The real cables are indexed into a temporary folder by `build_index` (what `cables index` runs).
A seeded sample of cables whose body has at least 40 words each gives one passage: 8-15
consecutive words of its body (the count drawn too), as they stand in the cable. Each passage
is asked in these variants, the way a news article quotes:

  exact     the words as they are
  dropped   one word (not the first or last) left out
  changed   one word (not the first or last) replaced by a random word of the corpus
  ellipsis  a middle run of 1-3 words replaced by `...` (at least 3 words kept each side)
  framed    2-3 random corpus words of the "journalist's own" before and after
  news      all of it at once: lower case, a line break, ellipsis, one word changed, framed

and each variant is run through `quote.quote` and through `search.search` with the passage as
plain keywords (letters and digits only, lower case, so no word is read as an operator). The
cable's rank in the top 10 gives MRR@10 (mean of 1/rank, 0 beyond 10) and success@1.
Targets (issue 13): quote MRR@10 >= 0.95 exact and >= 0.90 perturbed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import machine

from indexer import build_index
from indexer import quote as quote_lib
from indexer import searching as search_lib
from indexer.errors import QueryError
from indexer.prepare import filtered
from indexer.ranking import rank

VARIANTS = ("exact", "dropped", "changed", "ellipsis", "framed", "news")
MIN_BODY_WORDS = 40
_WORD_RE = re.compile(r"[A-Za-z]{3,}")
_KEYWORD_RE = re.compile(r"[A-Za-z0-9]+")


def variants(words: list[str], vocabulary: list[str], rng: random.Random) -> dict[str, str]:
    """The six forms of one passage (see the module docstring)."""
    n = len(words)

    def inner() -> int:
        return rng.randrange(1, n - 1)

    dropped = list(words)
    del dropped[inner()]
    changed = list(words)
    changed[inner()] = rng.choice(vocabulary)
    cut = rng.randint(1, min(3, n - 6))
    at = rng.randrange(3, n - 3 - cut + 1)
    ellipsis = [*words[:at], "...", *words[at + cut :]]
    before = [rng.choice(vocabulary) for _ in range(rng.randint(2, 3))]
    after = [rng.choice(vocabulary) for _ in range(rng.randint(2, 3))]
    news = [*words[:at], "...", *words[at + cut :]]
    news[rng.randrange(1, at)] = rng.choice(vocabulary)
    news = [*before, *news, *after]
    news_text = " ".join(news).lower()
    middle = len(news_text) // 2
    space = news_text.find(" ", middle)
    if space > 0:
        news_text = news_text[:space] + "\n" + news_text[space + 1 :]
    return {
        "exact": " ".join(words),
        "dropped": " ".join(dropped),
        "changed": " ".join(changed),
        "ellipsis": " ".join(ellipsis),
        "framed": " ".join([*before, *words, *after]),
        "news": news_text,
    }


def keywords(passage: str) -> str:
    return " ".join(w.lower() for w in _KEYWORD_RE.findall(passage))


def search_top(s: search_lib.Searchable, text: str, need: int = 10) -> list[str]:
    """The refids of `search.search(s, text, limit=need)`'s hits, ranked by the same calls
    (`indexer.prepare.filtered`, `indexer.ranking.rank`) without its did-you-mean, which
    perturbed passages (no hits) would ask for every time and which changes no hit."""
    try:
        q, _, _, _ = filtered(s, text, ())
    except QueryError:
        return []
    ranked, _ = rank(s, q, "relevance", need)
    return [str(s.searcher.stored_fields(d).get("refid")) for d, _ in ranked]


def rank_of(refid: str, refids: list[str]) -> int | None:
    return refids.index(refid) + 1 if refid in refids else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("CABLES_SHARED", "../shared")) / "cables"
    parser.add_argument("--cables", type=Path, default=default)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument(
        "--keep", type=Path, help="index into (or reuse the index in) this folder, not a temp one"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="quote-bench-") as tmp:
        root = args.keep or Path(tmp) / "index"
        started = time.perf_counter()
        build_index([args.cables], root, procs=args.procs)
        print(f"indexed in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        s = search_lib.open_index(root)
        try:
            run(s, args)
        finally:
            s.close()


def run(s: search_lib.Searchable, args: argparse.Namespace) -> None:
    docs = [(str(f["refid"]), str(f.get("body") or "")) for f in s.searcher.all_stored_fields()]
    docs.sort()
    vocabulary = sorted({w.upper() for _, body in docs[::10] for w in _WORD_RE.findall(body)})
    rng = random.Random(args.seed)
    eligible = [(r, b.split()) for r, b in docs if len(b.split()) >= MIN_BODY_WORDS]
    sample = rng.sample(eligible, min(args.sample, len(eligible)))
    ranks: dict[tuple[str, str], list[int | None]] = {}
    times: list[float] = []
    for done, (refid, body_words) in enumerate(sample):
        if done and done % 20 == 0:
            print(f"{done} passages", file=sys.stderr)
        n = rng.randint(8, 15)
        at = rng.randrange(0, len(body_words) - n + 1)
        forms = variants(body_words[at : at + n], vocabulary, rng)
        for variant, passage in forms.items():
            t0 = time.perf_counter()
            found = quote_lib.quote(s, passage, limit=10)
            times.append(time.perf_counter() - t0)
            ranks.setdefault(("quote", variant), []).append(
                rank_of(refid, [h.hit.refid for h in found.hits])
            )
            got = search_top(s, keywords(passage))
            ranks.setdefault(("search", variant), []).append(rank_of(refid, got))

    def mrr(values: list[int | None]) -> float:
        return sum(1 / r for r in values if r) / len(values)

    def s1(values: list[int | None]) -> float:
        return sum(1 for r in values if r == 1) / len(values)

    times.sort()
    print(
        f"\nQuote finding (`bench/quote.py --sample {args.sample} --seed {args.seed}`, "
        f"{datetime.now(UTC).date().isoformat()}; {machine()}): {len(docs)} cables, "
        f"{len(sample)} passages of 8-15 words, 6 variants each; quote median "
        f"{times[len(times) // 2] * 1000:.0f} ms, p95 {times[int(len(times) * 0.95)] * 1000:.0f}"
        " ms a passage.\n"
    )
    print("| variant | quote MRR@10 | quote S@1 | search MRR@10 | search S@1 |")
    print("|---|---|---|---|---|")
    for variant in VARIANTS:
        q, k = ranks[("quote", variant)], ranks[("search", variant)]
        print(f"| {variant} | {mrr(q):.3f} | {s1(q):.3f} | {mrr(k):.3f} | {s1(k):.3f} |")
    perturbed = [r for v in VARIANTS[1:] for r in ranks[("quote", v)]]
    exact = mrr(ranks[("quote", "exact")])
    print(
        f"\ntargets: exact MRR@10 {exact:.3f} (>= 0.95: {'met' if exact >= 0.95 else 'MISSED'}), "
        f"perturbed {mrr(perturbed):.3f} (>= 0.90: "
        f"{'met' if mrr(perturbed) >= 0.90 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
