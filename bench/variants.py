"""Recall and precision of the name-variant table (`indexer.variants`) on the real cables.

    .venv/bin/python bench/variants.py [--cables ../shared/cables] [--seed 7] [--sample 150]
        [--new-labels]

The corpus is parsed with `indexer.parse.parse_paths`, one document per refid (its first
copy: subject and body), and `count_words` gives the `WordStats` the table is built from.

Recall, over the hand-made groups of true variants in `bench/variants_truth.tsv` (each line
one name's spellings, written from transliteration knowledge, not from the table): for each
spelling the corpus holds whose group has another spelling in the corpus,
  - spellings: the share of those spellings whose expansion reaches every other spelling of
    its group present in the corpus;
  - cables: searching that spelling with its expansion (documents holding any spelling of
    the expansion), the share of the cables of the group's other spellings it finds
    (summed over spellings: found / union).
Each is reported for the whole table, for the corpus-discovered part alone
(`use_curated=False`: how the rules do on names nobody curated) and for the truth groups
that share no spelling with `names.tsv`.

Precision: a seeded random sample of (word, variant) pairs the table produces for words
that the corpus holds, labelled by hand in `bench/variants_labels.tsv` (word, variant,
true/false: "a spelling of the same name"). It reports the share labelled true, overall and
for the discovered pairs and the curated pairs apart. `--new-labels` prints the sampled
pairs that have no label yet, in the file's format, to label by hand; pairs without a label
are counted and never guessed.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from _common import machine

from indexer.cable import Cable
from indexer.parse import parse_paths
from indexer.variants import (
    Spelling,
    VariantTable,
    build_variants,
    count_words,
    curated_groups,
    tokens,
)

HERE = Path(__file__).resolve().parent
TRUTH = HERE / "variants_truth.tsv"
LABELS = HERE / "variants_labels.tsv"
DEFAULT_CABLES = Path(os.environ.get("CABLES_SHARED", HERE.parent.parent / "shared")) / "cables"


class Corpus:
    """One folded word string per document (" a b c "), for word and phrase look-ups."""

    def __init__(self, documents: Iterable[str]) -> None:
        self.texts = tuple(" " + " ".join(tokens(d)) + " " for d in documents)
        postings: defaultdict[str, set[int]] = defaultdict(set)
        for i, text in enumerate(self.texts):
            for word in set(text.split()):
                postings[word].add(i)
        self._words = {w: frozenset(d) for w, d in postings.items()}

    def docs(self, spelling: Spelling) -> frozenset[int]:
        candidates = frozenset.intersection(
            *(self._words.get(w, frozenset()) for w in spelling)
        )
        if len(spelling) == 1:
            return candidates
        needle = " " + " ".join(spelling) + " "
        return frozenset(i for i in candidates if needle in self.texts[i])


@dataclass(frozen=True)
class Recall:
    spellings: int
    reached: int
    other_cables: int
    found_cables: int

    def line(self, name: str) -> str:
        share = self.reached / self.spellings if self.spellings else 0.0
        cables = self.found_cables / self.other_cables if self.other_cables else 0.0
        return (
            f"{name:<34} spellings {self.reached:>4}/{self.spellings:<4} {share:6.1%}   "
            f"cables {self.found_cables:>5}/{self.other_cables:<5} {cables:6.1%}"
        )


def read_documents(cables: Path) -> list[str]:
    seen: set[str] = set()
    documents: list[str] = []
    for item in parse_paths([cables]):
        if isinstance(item, Cable) and item.refid not in seen:
            seen.add(item.refid)
            documents.append(item.subject + "\n" + item.body)
    return documents


def read_groups(path: Path) -> list[tuple[Spelling, ...]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            groups.append(tuple(dict.fromkeys(tokens(s) for s in line.split("\t") if s.strip())))
    return groups


def recall(
    table: VariantTable, groups: Iterable[tuple[Spelling, ...]], corpus: Corpus
) -> Recall:
    spellings = reached = other_cables = found_cables = 0
    for group in groups:
        present = {s: corpus.docs(s) for s in group}
        present = {s: d for s, d in present.items() if d}
        for s in present:
            others = [t for t in present if t != s]
            if not others:
                continue
            expansion = set(table.spellings(s))
            spellings += 1
            reached += all(t in expansion for t in others)
            union = frozenset().union(*(present[t] for t in others))
            found = frozenset().union(*(corpus.docs(t) for t in expansion), present[s])
            other_cables += len(union)
            found_cables += len(union & found)
    return Recall(spellings, reached, other_cables, found_cables)


def read_labels(path: Path) -> dict[tuple[str, str], bool]:
    labels: dict[tuple[str, str], bool] = {}
    if not path.exists():
        return labels
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, variant, label = line.split("\t")[:3]
            labels[(word, variant)] = label.strip() == "true"
    return labels


def sample_pairs(
    table: VariantTable, corpus_words: set[str], n: int, seed: int
) -> list[tuple[str, str]]:
    pairs = sorted(
        (" ".join(k), " ".join(v))
        for k, vs in table.table.items()
        if all(w in corpus_words for w in k)
        for v in vs
    )
    return random.Random(seed).sample(pairs, min(n, len(pairs)))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cables", type=Path, default=DEFAULT_CABLES)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--sample", type=int, default=150)
    ap.add_argument("--new-labels", action="store_true", help="print unlabelled sampled pairs")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    documents = read_documents(args.cables)
    stats = count_words(documents)
    corpus = Corpus(documents)
    built = time.perf_counter()
    table = build_variants(stats)
    discovered = build_variants(stats, use_curated=False)
    table_seconds = time.perf_counter() - built

    corpus_words = {s.word for s in stats}
    sample = sample_pairs(table, corpus_words, args.sample, args.seed)
    labels = read_labels(LABELS)
    if args.new_labels:
        for word, variant in sample:
            if (word, variant) not in labels:
                print(f"{word}\t{variant}\t?")
        return 0

    truth = read_groups(TRUTH)
    curated_spellings = {s for g in curated_groups() for s in g}
    uncurated = [g for g in truth if not curated_spellings & set(g)]
    discovered_keys = {
        (" ".join(k), " ".join(v)) for k, vs in discovered.table.items() for v in vs
    }

    print(f"# name variants, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}")
    print(
        f"corpus: {len(documents)} cables, {len(stats)} words; table: {len(table)} spellings "
        f"with variants ({len(discovered)} from the corpus rules alone), built in "
        f"{table_seconds:.2f} s"
    )
    print(f"recall over {len(truth)} hand-made groups ({len(uncurated)} share nothing with "
          "names.tsv):")
    print(recall(table, truth, corpus).line("  whole table, all groups"))
    print(recall(discovered, truth, corpus).line("  corpus rules alone, all groups"))
    print(recall(table, uncurated, corpus).line("  whole table, uncurated groups"))

    labelled = [(p, labels[p]) for p in sample if p in labels]
    missing = len(sample) - len(labelled)
    print(f"precision over a sample of {len(sample)} expansions (seed {args.seed}), "
          f"{len(labelled)} labelled by hand{f', {missing} NOT LABELLED' if missing else ''}:")
    parts: list[tuple[str, Callable[[tuple[str, str]], bool]]] = [
        ("all", lambda p: True),
        ("discovered by the rules", lambda p: p in discovered_keys),
        ("curated only", lambda p: p not in discovered_keys),
    ]
    for name, keep in parts:
        part = [ok for p, ok in labelled if keep(p)]
        share = sum(part) / len(part) if part else 0.0
        print(f"  {name:<32} {sum(part):>4}/{len(part):<4} {share:6.1%}")
    wrong = [p for p, ok in labelled if not ok]
    if wrong:
        print("  false: " + ", ".join(f"{a}->{b}" for a, b in wrong))
    print(f"total {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
