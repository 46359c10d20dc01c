"""Smoke tests of `bench/relevance.py` (the known-item relevance benchmark) on a tiny corpus:
the metrics on known values, the query sanitising, the boosted indexes, and a whole run."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from helpers import write_cable
from whoosh import index as whoosh_index

from indexer.cable import Cable
from indexer.document import to_document
from indexer.layout import INDEX_NAME
from indexer.parse import parse_paths
from indexer.schema import BOOSTS
from indexer.searching import search

sys.path.insert(0, str(ROOT / "bench"))
import relevance
from relevance import (
    CURRENT,
    HELD,
    TUNE,
    UNBOOSTED,
    Boosts,
    KnownItem,
    Run,
    build_index,
    figures,
    keywords,
    load_documents,
    mean_reciprocal_rank,
    paired,
    parse_boosts,
    plain_words,
    rank_of,
    ranks_baseline,
    ranks_ours,
    sample_items,
    success_at_1,
)

#: distinct subjects, so each subject query has one right answer
SUBJECTS = (
    "ZAMBIAN COPPER EXPORTS FALL AGAIN",
    "MALDIVES FISHERIES MINISTER VISITS",
    "ICELANDIC VOLCANO ASH GROUNDS FLIGHTS",
    "PERUVIAN QUINOA GROWERS PROTEST TARIFFS",
    "NEPALESE HYDROPOWER DAM DELAYED",
    "MONGOLIAN CASHMERE HERDERS FACE DROUGHT",
    "URUGUAYAN BEEF QUOTA TALKS STALL",
    "LATVIAN BANKING REGULATOR RESIGNS",
    "FIJIAN SUGAR MILL STRIKE ENDS",
    "ESTONIAN CYBER DEFENSE CENTER OPENS",
)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for number, subject in enumerate(SUBJECTS, start=1):
        write_cable(folder, f"09BAGHDAD{100 + number}", subject=subject, extra=subject.lower())
    return folder


@pytest.fixture(scope="module")
def docs(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return load_documents(corpus_dir, tmp_path_factory.mktemp("work"), procs=1).docs


# --- metrics ---------------------------------------------------------------------------------


def test_mean_reciprocal_rank_of_known_ranks() -> None:
    assert mean_reciprocal_rank([1, 2, None]) == pytest.approx((1 + 0.5 + 0) / 3)
    assert mean_reciprocal_rank([4]) == pytest.approx(0.25)
    assert mean_reciprocal_rank([]) == 0.0


def test_success_at_1_counts_only_first_places() -> None:
    assert success_at_1([1, 2, None, 1]) == 0.5
    assert success_at_1([None]) == 0.0


def test_rank_of_stops_at_the_cutoff() -> None:
    refids = [f"R{i}" for i in range(1, 13)]
    assert rank_of("R1", refids) == 1
    assert rank_of("R10", refids) == 10
    assert rank_of("R11", refids) is None  # beyond @10
    assert rank_of("X", refids) is None


def test_figures_split_by_query_kind() -> None:
    items = [
        KnownItem("subject", "a b", "A"),
        KnownItem("body", "c d", "A"),
        KnownItem("subject", "e f", "B"),
        KnownItem("body", "g h", "B"),
    ]
    f = figures(items, [1, 2, None, 1])
    assert f.mrr == {"subject": 0.5, "body": pytest.approx(0.75)}
    assert f.s1 == {"subject": 0.5, "body": 0.5}
    assert f.mean == pytest.approx((0.5 + 0.75 + 0.5 + 0.5) / 4)


def test_paired_comparison_on_body_spans() -> None:
    items = [KnownItem("body", str(i), "A") for i in range(4)] + [KnownItem("subject", "s", "A")]
    p = paired(items, [1, 1, 2, None, None], [2, 1, 1, 1, 1])
    assert (p.better, p.worse) == (1, 2)
    assert p.diff == pytest.approx(((1 - 0.5) + 0 + (0.5 - 1) + (0 - 1)) / 4)
    assert p.se > 0
    clearly_worse = [KnownItem("body", str(i), "A") for i in range(20)]
    assert paired(clearly_worse, [None] * 20, [1] * 20).loses
    assert not paired(clearly_worse, [1] * 20, [1] * 20).loses


def _run(boosts: Boosts, ranks: Sequence[int | None]) -> Run:
    return Run("ours", boosts, TUNE, tuple(ranks), (), 0.0, 0.0)


def test_choose_prefers_mild_boosts_unless_the_data_says_otherwise() -> None:
    items = [KnownItem(kind, str(i), "A") for kind in ("subject", "body") for i in range(40)]
    base: list[int | None] = [*[1] * 20, *[2] * 20, *[1] * 20, *[2] * 20]
    baseline = Run("baseline", UNBOOSTED, TUNE, tuple(base), (), 0.0, 0.0)
    plain = _run(UNBOOSTED, base)
    one_better = _run(Boosts(5.0, 5.0, 2.0, 1.0), [*[1] * 21, *[2] * 19, *base[40:]])
    assert relevance.choose([one_better, plain], baseline, items) is plain
    much_better = _run(Boosts(2.0, 2.0, 1.0, 1.0), [*[1] * 40, *base[40:]])
    assert relevance.choose([one_better, plain, much_better], baseline, items) is much_better
    # better on subjects, but clearly worse on body spans: not eligible
    body_loser = _run(Boosts(3.0, 3.0, 1.0, 1.0), [1] * 40 + [None] * 40)
    assert relevance.choose([body_loser, plain], baseline, items) is plain


# --- queries ---------------------------------------------------------------------------------


def test_plain_words_strip_query_syntax_and_operators() -> None:
    text = 'IRAN: "NUCLEAR" (TALKS) AND title:U.S.-EU* OR NOT ~x^2 [A TO B]'
    words = plain_words(text)
    assert words == ["iran", "nuclear", "talks", "title", "u.s.", "eu", "x", "2", "a", "b"]
    assert not any(set(w) & set(':"()*~^[]') for w in words)


def test_keywords_drop_what_the_text_fields_never_index() -> None:
    words = plain_words("MINISTRY OF DEFENSE'S VIEW ON THE U.S. PLAN")
    assert keywords(words, keep_stop_words=False) == ["ministry", "defense", "view", "u.s.", "plan"]
    assert keywords(words, keep_stop_words=True) == words


def test_sample_items_are_seeded_and_disjoint(docs: list[dict[str, Any]]) -> None:
    first = sample_items(docs, 4, seed=3, held_out=True)
    assert first == sample_items(docs, 4, seed=3, held_out=True)
    assert len(first[TUNE]) == 8 and len(first[HELD]) == 8
    assert {i.refid for i in first[TUNE]}.isdisjoint({i.refid for i in first[HELD]})
    by_refid = {str(d["refid"]): d for d in docs}
    for item in first[TUNE]:
        words = item.query.split()
        if item.kind == "subject":
            assert words == keywords(plain_words(str(by_refid[item.refid]["subject"])), False)
        else:
            assert 2 <= len(words) <= relevance.SPAN_WORDS
            body = plain_words(str(by_refid[item.refid]["body"]))
            spans = range(len(body) - relevance.SPAN_WORDS + 1)
            assert any(keywords(body[i : i + relevance.SPAN_WORDS], False) == words for i in spans)
    # all 10 cables when fewer than asked for; no held-out set without --grid
    everything = sample_items(docs, 50, seed=3)
    assert len(everything[TUNE]) == 2 * len(SUBJECTS) and everything[HELD] == []


# --- documents and indexes -------------------------------------------------------------------


def test_documents_are_the_indexed_ones(corpus_dir: Path, docs: list[dict[str, Any]]) -> None:
    parsed = sorted(
        (to_document(c) for c in parse_paths([corpus_dir]) if isinstance(c, Cable)),
        key=lambda d: str(d["refid"]),
    )
    assert len(docs) == len(SUBJECTS)
    assert docs == parsed


def test_index_carries_its_boosts(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    boosts = Boosts(5.0, 4.0, 1.5, 0.5)
    gen = build_index(tmp_path / "ix", docs, boosts, "fast")
    schema = whoosh_index.open_dir(str(gen), indexname=INDEX_NAME).schema
    assert [schema[f].format.field_boost for f in ("subject", "title", "tags", "body")] == [
        5.0,
        4.0,
        1.5,
        0.5,
    ]


def test_subject_boost_raises_subject_scores(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    hits = {}
    for boosts in (UNBOOSTED, Boosts(5.0, 1.0, 1.0, 1.0)):
        root = tmp_path / boosts.label.replace("/", "-")
        build_index(root, docs, boosts, "fast")
        hits[boosts] = search(root, "icelandic volcano", facets=(), highlight=False).hits[0]
    boosted, plain = hits[Boosts(5.0, 1.0, 1.0, 1.0)], hits[UNBOOSTED]
    assert boosted.refid == plain.refid == "09BAGHDAD103"
    assert boosted.score > plain.score


def test_fast_and_stock_writers_rank_alike(tmp_path: Path, docs: list[dict[str, Any]]) -> None:
    items = sample_items(docs, 10, seed=1)[TUNE]
    ranks = {}
    for writer in ("fast", "stock"):
        root = tmp_path / writer
        gen = build_index(root, docs, CURRENT, writer)
        ranks[writer] = (ranks_ours(root, items), ranks_baseline(gen, items))
    assert ranks["fast"] == ranks["stock"]
    (ours, errors), _ = ranks["fast"]
    assert errors == []
    subject_ranks = [r for i, r in zip(items, ours, strict=True) if i.kind == "subject"]
    assert subject_ranks == [1] * len(SUBJECTS)  # each subject is unique to its cable


def test_parse_boosts() -> None:
    assert parse_boosts("subject=5,tags=1") == Boosts(5.0, BOOSTS["title"], 1.0, BOOSTS["body"])
    assert parse_boosts("") == CURRENT
    for bad in ("colour=2", "subject", "subject=x", "body=0"):
        with pytest.raises(Exception, match="boost"):
            parse_boosts(bad)


# --- a whole run -----------------------------------------------------------------------------


def test_a_whole_grid_run(corpus_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert relevance.main(["--cables", str(corpus_dir), "--queries", "5", "--grid"]) == 0
    out = capsys.readouterr().out
    assert "Tuning queries: 10 queries (5 cables x 2)" in out
    assert "Held-out queries: 10 queries (5 cables x 2)" in out
    readme = out.split("--- README ---", 1)[1]
    assert "| plain BM25F, no boosts | 1/1/1/1 |" in readme
    assert "| ours, recommended |" in readme
    assert "Chosen boosts: subject=" in readme
