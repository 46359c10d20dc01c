"""Known-item relevance of our ranking against plain BM25F, and a grid search over field boosts.

    .venv/bin/python bench/relevance.py [--cables ../shared/cables] [--queries 500] [--seed 7]
        [--boosts subject=3,title=3,tags=2,body=1] [--grid] [--procs 2] [--writer fast|stock]
        [--keep-stop-words]

A known-item query is written from one cable and should find that cable. For a seeded sample
of cables (those whose subject has at least 2 keywords and whose body at least 40 words) we
ask
  - its subject, and
  - a random span of 8 consecutive words of its body,
both as plain keywords (query syntax, operator words and stop words removed: see
`keywords`), and note where the cable ranks. MRR@10 (mean of 1/rank, 0 beyond rank 10) and
success@1 (share ranked first) are reported per query kind for two systems:
  - ours: the ranking of `indexer.searching` (see `top_refids`) on an index built with the
    given field boosts;
  - baseline: the same documents and schema with every field boost 1.0, searched by Whoosh's
    plain `MultifieldParser` over the default fields and Whoosh's default BM25F.
Each setting is also compared with the baseline query by query on the body spans (the
queries that keep a high subject boost honest): how many rank the cable better / worse, and
the mean difference of reciprocal ranks with two standard errors. A setting "loses on body
spans" when that difference is below zero by more than two standard errors.

Documents: the corpus is parsed once, by `update_index`, so that the one document kept per
refid is chosen by the index's own rule; the documents are then read back from that index and
written again once per boost setting. The boosts are index-time (`field_boost` on each
field's format: Whoosh multiplies every posting's weight by it), so each setting needs its own
index; `--writer fast` (default) writes it with `indexer.fastwrite` (the same postings as
stock Whoosh, ~3x faster: 8 s against 28 s for the 3,077 dev cables), `--writer stock` with
Whoosh's own writer.

`--grid` tries subject=title in {1, 2, 3, 5} x tags in {1, 2}, body 1. Subject and title are
tied: in the indexed dev documents the title is the subject (3,077 of 3,077), so their boosts
simply add up and varying them apart measures nothing. It samples twice as many cables and
keeps the second half out of the tuning: the setting is chosen on the first half (the
mildest boosts that the data cannot tell apart from the best mean of the four figures, among
the settings that do not lose on body spans: see `choose`), then measured on the held-out
half next to the baseline and the current `schema.BOOSTS`; the README table shows the
held-out figures.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import math
import multiprocessing
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import machine
from whoosh import fields as whoosh_fields
from whoosh import index as whoosh_index
from whoosh.qparser import MultifieldParser

from indexer import plainindex, store
from indexer.document import to_document
from indexer.errors import QueryError
from indexer.ingest import update_index
from indexer.layout import INDEX_NAME
from indexer.query import STOP
from indexer.schema import ANALYZER, BOOSTS, DEFAULT_FIELDS, build_schema
from indexer.searching import (
    Searchable,
    cable_from_stored,
    iter_all,
    open_index,
    search,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CABLES = ROOT.parent / "shared" / "cables"

CUTOFF = 10
SPAN_WORDS = 8
SPAN_DRAWS = 20
MIN_SUBJECT_WORDS = 2
MIN_BODY_WORDS = 40
#: queries per run also asked through `search` itself (see `top_refids`)
CHECKED = 25
KINDS: tuple[str, ...] = ("subject", "body")
BOOSTED_FIELDS: tuple[str, ...] = ("subject", "title", "tags", "body")
TUNE, HELD = "tune", "held"

#: the grid (subject and title share a value: see the module docstring)
GRID_SUBJECT = (1.0, 2.0, 3.0, 5.0)
GRID_TAGS = (1.0, 2.0)
GRID_BODY = (1.0,)

#: characters that mean something to the query parsers (ours and Whoosh's): fields, phrases,
#: groups, ranges, wildcards, fuzzy, boosts, +/- prefixes. Replaced by spaces, which the
#: analyzer would split on anyway (it keeps only word characters and inner dots).
_SYNTAX_RE = re.compile(r"""[:"'()\[\]{}*?~^+\-!\\/<>=&|@#$%`,;]""")
#: operator words (the query is lowercased too, and Whoosh only takes upper-case operators,
#: but they are stop words anyway, so dropping them loses nothing)
_OPERATORS = frozenset({"and", "or", "not", "andnot", "andmaybe", "to"})


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Boosts:
    subject: float
    title: float
    tags: float
    body: float

    @property
    def label(self) -> str:
        return "/".join(f"{v:g}" for v in self.values())

    @property
    def spec(self) -> str:
        return ",".join(
            f"{name}={v:g}" for name, v in zip(BOOSTED_FIELDS, self.values(), strict=True)
        )

    def values(self) -> tuple[float, float, float, float]:
        return (self.subject, self.title, self.tags, self.body)


UNBOOSTED = Boosts(1.0, 1.0, 1.0, 1.0)
CURRENT = Boosts(*(float(BOOSTS[name]) for name in BOOSTED_FIELDS))


@dataclass(frozen=True)
class KnownItem:
    kind: str  # "subject" or "body"
    query: str
    refid: str


@dataclass(frozen=True)
class Figures:
    """MRR@10 and success@1 per query kind."""

    mrr: dict[str, float]
    s1: dict[str, float]

    @property
    def mean(self) -> float:
        return statistics.fmean([*self.mrr.values(), *self.s1.values()])


@dataclass(frozen=True)
class Run:
    """One system with one boost setting on one query set: the target's rank per query."""

    system: str  # "ours" or "baseline"
    boosts: Boosts
    queries: str  # TUNE or HELD
    ranks: tuple[int | None, ...]
    errors: tuple[str, ...]
    build_seconds: float
    query_seconds: float


@dataclass(frozen=True)
class Paired:
    """A run against the baseline, query by query, on one query kind."""

    better: int
    worse: int
    diff: float  # mean difference of reciprocal ranks (run - baseline)
    se: float  # its standard error

    @property
    def loses(self) -> bool:
        return self.diff + 2 * self.se < 0


@dataclass(frozen=True)
class Corpus:
    docs: list[dict[str, Any]]
    failed: int
    seconds: float


# --- metrics ---------------------------------------------------------------------------------


def rank_of(target: str, refids: Sequence[str], cutoff: int = CUTOFF) -> int | None:
    """1-based rank of `target` among the first `cutoff` refids, None when absent."""
    for position, refid in enumerate(refids[:cutoff], start=1):
        if refid == target:
            return position
    return None


def reciprocal(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / rank


def mean_reciprocal_rank(ranks: Sequence[int | None]) -> float:
    """MRR: a miss (None) counts 0. Empty input gives 0.0, not an error."""
    return statistics.fmean(map(reciprocal, ranks)) if ranks else 0.0


def success_at_1(ranks: Sequence[int | None]) -> float:
    return sum(1 for r in ranks if r == 1) / len(ranks) if ranks else 0.0


def by_kind(items: Sequence[KnownItem], ranks: Sequence[int | None]) -> dict[str, list[int | None]]:
    grouped: dict[str, list[int | None]] = {kind: [] for kind in KINDS}
    for item, rank in zip(items, ranks, strict=True):
        grouped.setdefault(item.kind, []).append(rank)
    return grouped


def figures(items: Sequence[KnownItem], ranks: Sequence[int | None]) -> Figures:
    grouped = by_kind(items, ranks)
    return Figures(
        mrr={kind: mean_reciprocal_rank(r) for kind, r in grouped.items()},
        s1={kind: success_at_1(r) for kind, r in grouped.items()},
    )


def paired(
    items: Sequence[KnownItem],
    ranks: Sequence[int | None],
    baseline: Sequence[int | None],
    kind: str | None = "body",
) -> Paired:
    """`ranks` against `baseline` on the queries of `kind` (None: all), query by query."""
    mine = list(ranks) if kind is None else by_kind(items, ranks)[kind]
    theirs = list(baseline) if kind is None else by_kind(items, baseline)[kind]
    diffs = [reciprocal(a) - reciprocal(b) for a, b in zip(mine, theirs, strict=True)]
    if not diffs:
        return Paired(0, 0, 0.0, 0.0)
    se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else 0.0
    return Paired(
        better=sum(1 for d in diffs if d > 0),
        worse=sum(1 for d in diffs if d < 0),
        diff=statistics.fmean(diffs),
        se=se,
    )


# --- queries ---------------------------------------------------------------------------------


def plain_words(text: str) -> list[str]:
    """`text` as plain words: lowercased, query syntax and operator words removed."""
    return [w for w in _SYNTAX_RE.sub(" ", text.lower()).split() if w not in _OPERATORS]


@functools.lru_cache(maxsize=1 << 18)
def indexed(word: str) -> bool:
    """True when `word` is worth a keyword query: not one of the common words the query
    side leaves out (`indexer.query.STOP`), not one letter (the `s` of a split `'s`)."""
    return len(word) > 1 and word not in STOP and any(True for _ in ANALYZER(word))


def keywords(words: Sequence[str], keep_stop_words: bool) -> list[str]:
    """`words` without the ones the text fields never index, unless `keep_stop_words`.

    Why drop them: the query side leaves unquoted common words out (with a warning), so the
    baseline (Whoosh's parser over every default field) gets the same words as ours."""
    return list(words) if keep_stop_words else [w for w in words if indexed(w)]


def eligible(doc: dict[str, Any], keep_stop_words: bool = False) -> bool:
    subject = keywords(plain_words(doc.get("subject") or ""), keep_stop_words)
    return (
        len(subject) >= MIN_SUBJECT_WORDS
        and len(plain_words(doc.get("body") or "")) >= MIN_BODY_WORDS
    )


def known_items(
    doc: dict[str, Any], seed: int, keep_stop_words: bool = False
) -> tuple[KnownItem, KnownItem]:
    """The subject query and a body-span query of one (`eligible`) cable.

    The span is SPAN_WORDS consecutive words of the body, drawn again (a few times at most)
    when fewer than 2 keywords are left in it. The generator is seeded by (seed, refid), so a
    cable's span does not depend on which other cables are sampled."""
    refid = str(doc["refid"])
    words = plain_words(doc["body"])
    rng = random.Random(f"{seed}:{refid}")
    span: list[str] = []
    for _ in range(SPAN_DRAWS):
        start = rng.randrange(len(words) - SPAN_WORDS + 1)
        span = keywords(words[start : start + SPAN_WORDS], keep_stop_words)
        if len(span) >= 2:
            break
    subject = keywords(plain_words(doc["subject"]), keep_stop_words)
    return KnownItem("subject", " ".join(subject), refid), KnownItem("body", " ".join(span), refid)


def sample_items(
    docs: Sequence[dict[str, Any]],
    count: int,
    seed: int,
    held_out: bool = False,
    keep_stop_words: bool = False,
) -> dict[str, list[KnownItem]]:
    """Known items of `count` sampled cables (TUNE) and, when `held_out`, of up to `count`
    other cables (HELD)."""
    pool = sorted((d for d in docs if eligible(d, keep_stop_words)), key=lambda d: str(d["refid"]))
    order = random.Random(seed).sample(pool, len(pool))
    parts = {TUNE: order[:count], HELD: order[count : 2 * count] if held_out else []}
    return {
        name: [item for d in part for item in known_items(d, seed, keep_stop_words)]
        for name, part in parts.items()
    }


# --- documents and indexes -------------------------------------------------------------------


def load_documents(cables: Path, work: Path, procs: int) -> Corpus:
    """Parse the corpus once with `update_index` (one document per refid, by the index's own
    rule) and read the indexed documents back."""
    started = time.perf_counter()
    root = work / "source-index"
    report = update_index([cables], root, procs=procs)
    with open_index(root) as s:
        docs = [to_document(cable_from_stored(f)) for f in s.searcher.all_stored_fields()]
    shutil.rmtree(root, ignore_errors=True)
    docs.sort(key=lambda d: str(d["refid"]))
    return Corpus(docs, report.failed, time.perf_counter() - started)


def schema_with(boosts: Boosts) -> whoosh_fields.Schema:
    """The project's schema with other field boosts. Whoosh keeps a field's boost on its
    format (`field_boost` given to the field's constructor lands there), and the schema is
    pickled into the index, so the index carries its own boosts."""
    schema = build_schema()
    for name, value in zip(BOOSTED_FIELDS, boosts.values(), strict=True):
        schema[name].format.field_boost = float(value)
    return schema


def build_index(root: Path, docs: Sequence[dict[str, Any]], boosts: Boosts, writer: str) -> Path:
    """A published one-generation index (the project's layout) of `docs`; returns its
    generation folder."""
    gen = store.new_generation(root, None)
    schema = schema_with(boosts)
    if writer == "fast":
        plainindex.add_documents(gen, docs, procs=1, schema=schema, indexname=INDEX_NAME)
    elif writer == "stock":
        ix = whoosh_index.create_in(str(gen), schema, indexname=INDEX_NAME)
        w = ix.writer()
        for doc in docs:
            w.add_document(**doc)
        w.commit()
    else:
        raise ValueError(f"unknown writer {writer!r} - use fast or stock")
    store.publish(root, gen)
    return gen


# --- ranking ---------------------------------------------------------------------------------


def top_refids(s: Searchable, query: str) -> list[str]:
    """Our first CUTOFF hits for `query`.

    `iter_all` ranks exactly as `search` does (the same `prepare_query` and `_rank`) but
    skips did-you-mean, which does not change the hits yet costs ~3/4 of `search`'s time on
    known-item queries (most have 1 or 2 hits, where did-you-mean runs). The first CHECKED
    queries of every run are also asked through `search` itself, to prove it."""
    return [h.refid for h in itertools.islice(iter_all(s, query), CUTOFF)]


def ranks_ours(root: Path, items: Sequence[KnownItem]) -> tuple[list[int | None], list[str]]:
    ranks: list[int | None] = []
    errors: list[str] = []
    with open_index(root) as s:
        for number, item in enumerate(items):
            try:
                refids = top_refids(s, item.query)
                if number < CHECKED:
                    result = search(s, item.query, limit=CUTOFF, facets=(), highlight=False)
                    if [h.refid for h in result.hits] != refids:
                        raise RuntimeError(f"search() ranks {item.query!r} differently")
            except QueryError as exc:
                errors.append(f"{item.refid} {item.kind} {item.query!r}: {exc}")
                ranks.append(None)
                continue
            ranks.append(rank_of(item.refid, refids))
    return ranks, errors


def ranks_baseline(gen: Path, items: Sequence[KnownItem]) -> tuple[list[int | None], list[str]]:
    ranks: list[int | None] = []
    errors: list[str] = []
    ix = whoosh_index.open_dir(str(gen), indexname=INDEX_NAME)
    parser = MultifieldParser(list(DEFAULT_FIELDS), ix.schema)
    with ix.searcher() as searcher:
        for item in items:
            try:
                hits = searcher.search(parser.parse(item.query), limit=CUTOFF)
                refids = [str(hit["refid"]) for hit in hits]
            except Exception as exc:  # Whoosh raises assorted errors on odd input
                errors.append(f"{item.refid} {item.kind} {item.query!r}: {exc}")
                ranks.append(None)
                continue
            ranks.append(rank_of(item.refid, refids))
    return ranks, errors


# --- tasks (one index each, run in worker processes) -----------------------------------------

#: set before the pool forks, so workers share the documents instead of pickling them
_DOCS: list[dict[str, Any]] = []
_ITEMS: dict[str, list[KnownItem]] = {}


@dataclass(frozen=True)
class Task:
    boosts: Boosts
    systems: tuple[str, ...]  # "ours", "baseline"
    queries: str  # TUNE or HELD
    work: str
    writer: str


def index_root(work: str, boosts: Boosts) -> Path:
    return Path(work) / f"boosts-{boosts.label.replace('/', '-')}"


def run_task(task: Task) -> list[Run]:
    """Build the setting's index unless an earlier task did, then run its queries."""
    root = index_root(task.work, task.boosts)
    started = time.perf_counter()
    gen = store.live_generation(root) or build_index(root, _DOCS, task.boosts, task.writer)
    build_seconds = time.perf_counter() - started
    items = _ITEMS[task.queries]
    runs = []
    for system in task.systems:
        started = time.perf_counter()
        if system == "ours":
            ranks, errors = ranks_ours(root, items)
        else:
            ranks, errors = ranks_baseline(gen, items)
        elapsed = time.perf_counter() - started
        runs.append(
            Run(
                system,
                task.boosts,
                task.queries,
                tuple(ranks),
                tuple(errors),
                build_seconds,
                elapsed,
            )
        )
    return runs


def run_tasks(tasks: Sequence[Task], procs: int, on_done: Callable[[Run], None]) -> list[Run]:
    runs: list[Run] = []

    def done(batch: list[Run]) -> None:
        for run in batch:
            on_done(run)
        runs.extend(batch)

    if procs <= 1 or len(tasks) == 1:
        for task in tasks:
            done(run_task(task))
        return runs
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(min(procs, len(tasks))) as pool:
        for batch in pool.imap_unordered(run_task, tasks):
            done(batch)
    return runs


def grid() -> list[Boosts]:
    return [Boosts(s, s, t, b) for s, t, b in itertools.product(GRID_SUBJECT, GRID_TAGS, GRID_BODY)]


def tuning_tasks(settings: Sequence[Boosts], work: Path, writer: str) -> list[Task]:
    """One task per setting; the unboosted index also serves the baseline."""
    tasks = [
        Task(b, ("ours", "baseline") if b == UNBOOSTED else ("ours",), TUNE, str(work), writer)
        for b in settings
    ]
    if UNBOOSTED not in settings:
        tasks.append(Task(UNBOOSTED, ("baseline",), TUNE, str(work), writer))
    # the longest first, so the last round is not one lone slow task
    return sorted(tasks, key=lambda t: -len(t.systems))


# --- choosing and printing -------------------------------------------------------------------


def mildness(boosts: Boosts) -> float:
    """How far a setting is from no boosts at all (0 for all 1.0)."""
    return sum(abs(math.log(v)) for v in boosts.values())


def choose(ours: Sequence[Run], baseline: Run, items: Sequence[KnownItem]) -> Run:
    """The mildest setting the data cannot tell apart from the best one.

    Only settings that do not lose on body spans take part (all of them if none holds). The
    best is the one with the highest mean of the four figures; a setting ties with it unless
    it is worse query by query (all queries, reciprocal ranks) by more than two standard
    errors. Among the ties the mildest boosts win: a boost the data cannot justify is noise
    fitted to this sample."""
    fair = [r for r in ours if not paired(items, r.ranks, baseline.ranks).loses] or list(ours)
    best = max(fair, key=lambda r: figures(items, r.ranks).mean)
    tied = [r for r in fair if not paired(items, r.ranks, best.ranks, kind=None).loses]
    return min(tied, key=lambda r: (mildness(r.boosts), -figures(items, r.ranks).mean))


HEADER = (
    "| system | boosts | subject MRR@10 | subject S@1 | body-span MRR@10 | body-span S@1 | "
    "mean | body spans vs baseline: better/worse, ΔMRR ± 2 SE | errors |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def row(name: str, run: Run, baseline: Run, items: Sequence[KnownItem]) -> str:
    f = figures(items, run.ranks)
    if run is baseline:
        versus = "-"
    else:
        p = paired(items, run.ranks, baseline.ranks)
        versus = f"{p.better}/{p.worse}, {p.diff:+.4f} ± {2 * p.se:.4f}"
        versus += " **loses**" if p.loses else ""
    return (
        f"| {name} | {run.boosts.label} | {f.mrr['subject']:.3f} | {f.s1['subject']:.3f} | "
        f"{f.mrr['body']:.3f} | {f.s1['body']:.3f} | {f.mean:.4f} | {versus} | "
        f"{len(run.errors)} |"
    )


def print_table(
    title: str, rows: Sequence[tuple[str, Run]], baseline: Run, items: Sequence[KnownItem]
) -> None:
    print(f"\n{title}: {len(items)} queries ({len(items) // len(KINDS)} cables x {len(KINDS)})")
    print(HEADER)
    for name, run in rows:
        print(row(name, run, baseline, items))
    for _, run in rows:
        for line in run.errors[:5]:
            print(f"  error ({run.system} {run.boosts.label}): {line}")
        if len(run.errors) > 5:
            print(f"  ... and {len(run.errors) - 5} more errors")


def readme_table(
    args: argparse.Namespace,
    corpus: Corpus,
    rows: Sequence[tuple[str, Run]],
    items: Sequence[KnownItem],
    chosen: Boosts,
) -> None:
    held = bool(rows) and rows[0][1].queries == HELD
    print("\n--- README ---\n")
    print(
        f"Known-item evaluation (`bench/relevance.py{' --grid' if args.grid else ''}`, "
        f"{datetime.now(UTC).date().isoformat()}; {machine()}): {len(corpus.docs)} cables; "
        f"{len(items) // len(KINDS)} {'held-out ' if held else ''}cables sampled (seed "
        f"{args.seed}), each asked for by its subject and by a random {SPAN_WORDS}-word span "
        "of its body, as plain keywords. Boosts are subject/title/tags/body."
    )
    print()
    print("| ranking | boosts | subject MRR@10 | subject S@1 | body-span MRR@10 | body-span S@1 |")
    print("|---|---|---|---|---|---|")
    for name, run in rows:
        f = figures(items, run.ranks)
        print(
            f"| {name} | {run.boosts.label} | {f.mrr['subject']:.3f} | {f.s1['subject']:.3f} | "
            f"{f.mrr['body']:.3f} | {f.s1['body']:.3f} |"
        )
    print(f"\nChosen boosts: {chosen.spec}")


# --- command line ----------------------------------------------------------------------------


def parse_boosts(text: str) -> Boosts:
    """`subject=3,title=3,tags=2,body=1`; fields left out keep their `schema.BOOSTS` value."""
    values = dict(zip(BOOSTED_FIELDS, CURRENT.values(), strict=True))
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in values:
            raise argparse.ArgumentTypeError(
                f"bad boost {part!r} - use NAME=NUMBER with NAME in {', '.join(BOOSTED_FIELDS)}"
            )
        try:
            number = float(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"bad boost value {value!r}") from exc
        if not number > 0:
            raise argparse.ArgumentTypeError(f"boost {name} must be > 0")
        values[name] = number
    return Boosts(*(values[name] for name in BOOSTED_FIELDS))


def progress(run: Run) -> None:
    print(
        f"  {run.system:<8} {run.boosts.label:<10} {run.queries}: build {run.build_seconds:5.1f}"
        f" s, queries {run.query_seconds:5.1f} s",
        flush=True,
    )


def evaluate(args: argparse.Namespace, corpus: Corpus, work: Path) -> Boosts:
    settings = grid() if args.grid else [args.boosts]
    if args.boosts not in settings:
        settings.append(args.boosts)
    tasks = tuning_tasks(settings, work, args.writer)
    print(f"{len(tasks)} indexes ({args.writer} writer), {args.procs} processes", flush=True)
    runs = run_tasks(tasks, args.procs, progress)
    baseline = next(r for r in runs if r.system == "baseline")
    ours = sorted(
        (r for r in runs if r.system == "ours"),
        key=lambda r: (-figures(_ITEMS[TUNE], r.ranks).mean, r.boosts.values()),
    )
    rows = [("baseline (plain BM25F)", baseline)] + [("ours", r) for r in ours]
    title = "Tuning queries" if args.grid else "Known-item queries"
    print_table(title, rows, baseline, _ITEMS[TUNE])
    if not args.grid:
        only = ours[0]
        names = [("plain BM25F, no boosts", baseline), ("ours (`cables search`)", only)]
        readme_table(args, corpus, names, _ITEMS[TUNE], only.boosts)
        return only.boosts

    chosen = choose(ours, baseline, _ITEMS[TUNE]).boosts
    print(f"\nRecommended boosts (tuning queries): {chosen.spec}")
    if not _ITEMS[HELD]:
        return chosen
    finals = [(UNBOOSTED, "baseline", "plain BM25F, no boosts")]
    if chosen != CURRENT:
        finals.append((CURRENT, "ours", "ours, current `schema.BOOSTS`"))
    finals.append((chosen, "ours", "ours, recommended"))
    held_tasks = [Task(b, (system,), HELD, str(work), args.writer) for b, system, _ in finals]
    held_runs = run_tasks(held_tasks, args.procs, progress)
    find = {(r.boosts, r.system): r for r in held_runs}
    final_rows = [(name, find[(b, system)]) for b, system, name in finals]
    held_baseline = final_rows[0][1]
    print_table("Held-out queries", final_rows, held_baseline, _ITEMS[HELD])
    if paired(_ITEMS[HELD], find[(chosen, "ours")].ranks, held_baseline.ranks).loses:
        print("WARNING: the recommended setting loses to the baseline on held-out body spans")
    readme_table(args, corpus, final_rows, _ITEMS[HELD], chosen)
    return chosen


def run(args: argparse.Namespace) -> int:
    global _DOCS, _ITEMS
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="cables-relevance-"))
    try:
        print(f"parsing {args.cables} ...", flush=True)
        corpus = load_documents(args.cables, work, args.procs)
        print(
            f"{len(corpus.docs)} cables indexed ({corpus.failed} records failed to parse) "
            f"in {corpus.seconds:.1f} s",
            flush=True,
        )
        items = sample_items(corpus.docs, args.queries, args.seed, args.grid, args.keep_stop_words)
        if not items[TUNE]:
            print("no cable has a subject of 2+ keywords and a body of 40+ words", file=sys.stderr)
            return 1
        _DOCS, _ITEMS = corpus.docs, items
        print(f"{len(items[TUNE])} queries, {len(items[HELD])} held out", flush=True)
        evaluate(args, corpus, work)
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cables", type=Path, default=DEFAULT_CABLES)
    parser.add_argument("--queries", type=int, default=500, help="cables to sample (default 500)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--boosts", type=parse_boosts, default=CURRENT, help="our field boosts")
    parser.add_argument("--grid", action="store_true", help="try a grid of boosts")
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--writer", choices=("fast", "stock"), default="fast")
    parser.add_argument(
        "--keep-stop-words",
        action="store_true",
        help="leave stop words in the queries (what users type; see `keywords`)",
    )
    args = parser.parse_args(argv)
    if args.queries < 1:
        parser.error("--queries must be at least 1")
    if not args.cables.is_dir():
        parser.error(f"no cables folder at {args.cables}")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
