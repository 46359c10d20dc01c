"""The search library on small hand-made indexes: ranking, totals, paging, facets, did-you-mean,
show, similar, stats, batch, export and the JSON shape."""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import helpers
import numpy as np
import pytest
from conftest import needs_compiled
from helpers import make_cable
from whoosh import index as whoosh_index
from whoosh import query as wq

from indexer import bm25, facets, store
from indexer.cable import Cable
from indexer.errors import IndexMissing, NotFound, QueryError
from indexer.layout import FACETS_FILE, INDEX_NAME
from indexer.query import MultiPhrase
from indexer.schema import BOOSTS
from indexer.searching import (
    batch,
    facet_filter,
    iter_all,
    matching,
    open_index,
    prepare_query,
    result_to_dict,
    scored,
    search,
    show,
    similar,
    stats,
    write_csv,
    write_jsonl,
)
from indexer.whoosh_private import segment_ids

cable = make_cable


def make_index(
    tmp_path: Path,
    cables: Sequence[Cable],
    versions: dict[str, list[dict[str, object]]] | None = None,
    segments: int = 1,
) -> Path:
    return helpers.make_index(tmp_path / "index", cables, versions, segments)


def day(n: int) -> datetime:
    return datetime(2008, 1, 1, tzinfo=UTC).replace(day=1 + n % 28, month=1 + n // 28 % 12)


ORIGINS = ("Embassy Baghdad", "Embassy Paris", "Consulate Basrah")
CLASSES = ("SECRET", "SECRET//NOFORN", "CONFIDENTIAL", "UNCLASSIFIED")
TAG_SETS = (("PREL", "PTER"), ("PREL",), ("ECON", "IZ"), ("PTER", "IZ", "MOPS"))


def corpus(n: int = 60) -> list[Cable]:
    """`n` varied cables: every one mentions Baghdad, every third oil."""
    return [
        cable(
            f"{8 + i % 2:02d}BAGHDAD{i + 1}",
            f"Report {i} on {'oil exports' if i % 3 == 0 else 'security'}",
            f"Officials in Baghdad discussed {'oil and ' if i % 3 == 0 else ''}the situation "
            f"number {i}. " * (1 + i % 4),
            created=day(i).replace(year=2008 + i % 2),
            origin=ORIGINS[i % 3],
            classification=CLASSES[i % 4],
            tags=TAG_SETS[i % 4],
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_index(tmp_path_factory.mktemp("big"), corpus(), segments=3)


# --- opening ---------------------------------------------------------------------------------


def test_missing_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing, match="run `cables index` first"):
        search(tmp_path / "nothing", "baghdad")


def test_boosts_are_applied_at_index_time(big: Path) -> None:
    with open_index(big) as s:
        postings = s.reader.postings("subject", "oil")
        # weights are stored as 32-bit floats
        assert postings.weight() == pytest.approx(BOOSTS["subject"], rel=1e-6)
        assert s.reader.postings("tags", "prel").weight() == pytest.approx(BOOSTS["tags"], rel=1e-6)


# --- ranking ---------------------------------------------------------------------------------


def test_subject_match_ranks_above_body_only_match(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable("09A1", "Weather report", "The pipeline carried crude to the port."),
            cable("09A2", "Pipeline attack", "Insurgents struck near the port."),
        ],
    )
    assert [h.refid for h in search(root, "pipeline").hits] == ["09A2", "09A1"]


def test_equal_scores_are_ordered_newest_first(tmp_path: Path) -> None:
    dates = [datetime(2005 + i, 3, 1, tzinfo=UTC) for i in (2, 0, 4, 1, 3)]
    cables = [
        cable(f"0{i}X{i}", "Same words", "Same body.", created=d) for i, d in enumerate(dates)
    ]
    root = make_index(tmp_path, cables)
    for text in ("same words", "tag:prel"):
        hits = search(root, text, limit=3).hits
        assert [h.created.year for h in hits if h.created] == [2009, 2008, 2007]
        assert len({h.score for h in hits}) == 1


def test_sorts_by_date(big: Path) -> None:
    newest = [h.created for h in search(big, "baghdad", sort="newest", limit=60).hits]
    oldest = [h.created for h in search(big, "baghdad", sort="oldest", limit=60).hits]
    assert newest == sorted(newest, reverse=True)  # type: ignore[type-var]
    assert oldest == list(reversed(newest))
    assert all(h.score > 0 for h in search(big, "oil", sort="newest").hits)
    with pytest.raises(QueryError, match='unknown sort "best"'):
        search(big, "oil", sort="best")


#: queries of every node kind the vectorised evaluation knows, and some it leaves to Whoosh
NODE_KINDS = (
    "baghdad",
    "oil exports",
    "oil OR security",
    "baghdad -oil",
    "baghdad NOT oil NOT exports",
    '"officials in baghdad"',
    '"discussed the situation"',
    'security "officials in baghdad" -oil',
    'tag:pter ("the situation" OR report)',
    "situat*",
    "baghdax~",
    "class:secret oil",
    "created:[2008-03 TO 2008-06] baghdad",
    "created:>2009-01-15",
    "year:2009 oil",
    "year:[2007 TO 2009] baghdad",
    "year:2009",
    "(oil^3 OR security) report^2",
    "tag:pter",
    "from:basrah",
    "id:08baghdad1*",
)


def _as_whoosh(q: Any) -> Any:
    """The bound query with its exact phrases as Whoosh's own Phrase (slop 1: adjacent), so
    Whoosh's scoring pass can check ours; sloppy phrases are checked apart."""
    if isinstance(q, MultiPhrase):
        assert q.slop == 0 and all(len(p) == 1 for p in q.positions)
        return wq.Phrase(q.fieldname, [p[0] for p in q.positions], slop=1, boost=q.boost)
    if q.is_leaf():
        return q
    return q.apply(_as_whoosh)


@pytest.mark.parametrize("text", NODE_KINDS)
def test_scores_and_matches_equal_whoosh_full_scoring(big: Path, text: str) -> None:
    """Every matching document and its score, as Whoosh's own scoring pass gives them."""
    with open_index(big) as s:
        q, _ = prepare_query(s, text)
        whoosh_q = _as_whoosh(q)
        expected = {hit.docnum: hit.score for hit in s.searcher.search(whoosh_q, limit=None)}
        mask, scores = scored(s, q)
        assert expected, text
        assert set(mask.nonzero()[0].tolist()) == set(expected)
        assert set(expected) == set(s.searcher.docs_for_query(whoosh_q))
        assert mask.tolist() == matching(s, q).tolist()
        for docnum, score in expected.items():
            assert scores[docnum] == pytest.approx(score, rel=1e-12), (text, docnum)


@needs_compiled
def test_compiled_bm25_gives_numpys_very_doubles(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_speedups.bm25_add` (one pass per posting list) and the numpy formula give the same
    matches and bit-identical scores for every node kind (and the order of the sums of a
    union's words is kept)."""
    with open_index(big) as s:
        bound = [prepare_query(s, text)[0] for text in NODE_KINDS]
        compiled = [scored(s, q) for q in bound]
    monkeypatch.setattr(bm25, "speedups", None)
    with open_index(big) as s:
        for text, q, (mask, scores) in zip(NODE_KINDS, bound, compiled, strict=True):
            numpy_mask, numpy_scores = scored(s, q)
            assert np.array_equal(mask, numpy_mask), text
            assert scores.tobytes() == numpy_scores.tobytes(), text


@needs_compiled
def test_compiled_bm25_refuses_documents_outside_its_arrays() -> None:
    scores, mask = np.zeros(4), np.zeros(4, dtype=np.uint8)
    ids, tf = np.array([1, 3], dtype=np.int64), np.array([2.0, 1.0])
    bm25.speedups.bm25_add(scores, mask, ids, 0, tf, np.full(4, 3.0), 1.5, 1.2, 0.75, 2.0)
    expected = 1.5 * ((tf * (1.2 + 1)) / (tf + 1.2 * ((1 - 0.75) + 0.75 * 3.0 / 2.0)))
    assert scores[[1, 3]].tolist() == expected.tolist() and mask.tolist() == [0, 1, 0, 1]
    with pytest.raises(ValueError, match="outside"):
        bm25.speedups.bm25_add(scores, mask, ids, 1, tf, None, 0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="different lengths"):
        bm25.speedups.bm25_add(scores, mask, ids, 0, tf[:1], None, 0.0, 0.0, 0.0, 1.0)
    assert scores[[1, 3]].tolist() == expected.tolist()  # a refused list changes nothing


def test_patterns_match_words_not_stems(tmp_path: Path) -> None:
    """A pattern is matched against the index's words; each word found counts with its
    inflections (the index holds stems), and every one counts in the total."""
    root = make_index(
        tmp_path,
        [
            cable("09A1", "Talks", "The negotiations failed."),
            cable("09A2", "Talks", "They will negotiate."),
            cable("09A3", "Talks", "Negotiating again."),
            cable("09A4", "Talks", "A negative answer."),
            cable("09A5", "Talks", "The SEC and the negotiator."),
        ],
    )
    found = {h.refid for h in search(root, "negotiat*", facets=()).hits}
    assert found == {"09A1", "09A2", "09A3", "09A5"}
    assert search(root, "body:negotiat*", facets=()).total == 4
    assert search(root, "nega*", facets=()).total == 1
    assert search(root, "secre*", facets=()).total == 0


def test_sloppy_phrases_match_either_order_within_the_slop(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable("09A1", "Camp", "Residents of camp Ashraf met."),
            cable("09A2", "Camp", "Ashraf camp residents."),
            cable("09A3", "Camp", "Ashraf is far from the camp of others."),
        ],
    )
    assert {h.refid for h in search(root, '"ashraf camp"', facets=()).hits} == {"09A2"}
    assert {h.refid for h in search(root, '"ashraf camp"~3', facets=()).hits} == {"09A1", "09A2"}
    assert search(root, '"ashraf camp"~6', facets=()).total == 3
    assert search(root, '"camp ashraf"~1', facets=()).total == 1


# --- totals, paging, facets ---------------------------------------------------------------------


def test_total_is_exact_and_pages_do_not_overlap(big: Path) -> None:
    first = search(big, "baghdad", limit=25)
    second = search(big, "baghdad", limit=25, page=2)
    third = search(big, "baghdad", limit=25, page=3)
    assert first.total == second.total == 60
    assert first.pages == 3
    refids = [h.refid for r in (first, second, third) for h in r.hits]
    assert len(refids) == 60 == len(set(refids))
    assert refids == [h.refid for h in search(big, "baghdad", limit=60).hits]
    assert search(big, "oil").total == 20
    assert search(big, "baghdad", page=9).hits == ()


def test_iter_all_streams_every_hit_in_order(big: Path) -> None:
    every = list(iter_all(big, "oil"))
    assert [h.refid for h in every] == [h.refid for h in search(big, "oil", limit=100).hits]
    assert len(every) == 20
    assert all(h.highlights == () for h in every)


@pytest.mark.parametrize("query", ["baghdad", "oil class:secret"], ids=["all", "few"])
@pytest.mark.parametrize("field", ["origin", "classification", "year", "tags"])
def test_facet_counts_equal_filtered_totals(big: Path, field: str, query: str) -> None:
    # "all": every document matches; "few": under a quarter do (TAGS are then counted from
    # the matching documents' own entries, not by testing every document)
    result = search(big, query, facet_limit=50)
    if query == "baghdad":
        assert result.total == 60
    else:
        assert 0 < result.total * 4 < 60
    counts = result.facets[field]
    assert counts and sum(n for _, n in counts) >= result.total
    for value, count in counts:
        narrowed = search(big, f"{query} {facet_filter(field, value)}", facets=())
        assert narrowed.total == count, (field, value)


def test_a_facet_limit_cuts_the_full_ranking_ties_included(tmp_path: Path) -> None:
    """The first `facet_limit` values are those of the whole ranking (most frequent first,
    ties by value, UNKNOWN where its count puts it), however many values tie at the cut."""
    rng = random.Random(7)
    cables = [
        make_cable(
            f"09X{n}",
            "Oil",
            "Oil and gas.",
            origin=f"Embassy {rng.choice('ABCDEFGHIJKL')}" if n % 9 else "",
            created=datetime(2000 + rng.randrange(12), 1, 15, tzinfo=UTC) if n % 7 else None,
            tags=tuple(rng.sample(["PREL", "PGOV", "ECON", "ENRG", "PTER", "MARR", "KDEM"], 2)),
        )
        for n in range(90)
    ]
    root = make_index(tmp_path, cables)
    whole = search(root, "oil", facet_limit=1000).facets
    for limit in range(1, 14):
        cut = search(root, "oil", facet_limit=limit).facets
        assert cut == {name: values[:limit] for name, values in whole.items()}, limit


@pytest.mark.parametrize(
    "compiled", [pytest.param(True, marks=needs_compiled), False], ids=["compiled", "numpy"]
)
def test_facet_counts_are_those_of_each_live_matching_cable(
    tmp_path: Path, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facets counted over few matches, over most of the index (numpy: everything less the
    rest) and over all of it, with deleted documents in the segments, in compiled code and
    in numpy: each count is the number of live matching cables with that value."""
    if not compiled:
        monkeypatch.setattr(facets, "speedups", None)
    rng = random.Random(11)
    codes = ["PREL", "PGOV", "ECON", "ENRG", "PTER", "MARR"]
    cables = [
        make_cable(
            f"09Y{n}",
            "Talks",
            "Gas only." if n % 6 == 0 else "Oil and gas.",
            origin=f"Embassy {rng.choice('ABCDE')}" if n % 8 else "",
            classification=rng.choice(["SECRET", "CONFIDENTIAL", "UNCLASSIFIED"]),
            created=datetime(2001 + rng.randrange(9), 3, 1, tzinfo=UTC) if n % 7 else None,
            tags=tuple(rng.sample(codes, rng.randrange(1, 4))),
        )
        for n in range(150)
    ]
    root = make_index(tmp_path, cables, segments=3)
    deleted = {f"09Y{n}" for n in range(0, 150, 11)}
    ix = whoosh_index.open_dir(str(store.live_generation(root)), indexname=INDEX_NAME)
    writer = ix.writer()
    for refid in deleted:
        writer.delete_by_term("refid", refid)
    writer.commit(merge=False)
    live = [c for c in cables if c.refid not in deleted]
    for query, matches in (
        ("gas", live),  # all: everything less nothing
        ("oil", [c for c in live if "Oil and" in c.body]),  # most
        ('"gas only"', [c for c in live if "only" in c.body]),  # few
    ):
        found = search(root, query, facet_limit=1000)
        assert found.total == len(matches), query
        expected = {
            "origin": Counter(c.origin or "unknown" for c in matches),
            "classification": Counter(c.classification for c in matches),
            "year": Counter(str(c.year) if c.year else "unknown" for c in matches),
            "tags": Counter(tag for c in matches for tag in c.tags),
        }
        assert {name: dict(pairs) for name, pairs in found.facets.items()} == expected, query


@needs_compiled
@pytest.mark.parametrize("code_type", [np.int16, np.int32])
def test_compiled_facet_counts_refuse_codes_out_of_their_values(code_type: Any) -> None:
    mask = np.ones(3, dtype=np.uint8)
    with pytest.raises(ValueError, match="out of its values"):
        facets.speedups.tally_codes(mask, np.array([0, 5, -1], dtype=code_type), 5)
    with pytest.raises(ValueError, match="one int16 a document"):
        facets.speedups.tally_codes(mask, np.array([0, 1, 2], dtype=np.int64), 5)


@needs_compiled
@pytest.mark.parametrize("code_type", [np.uint16, np.int32])
def test_compiled_tag_counts_refuse_codes_out_of_their_values(code_type: Any) -> None:
    mask = np.ones(3, dtype=np.uint8)
    width = np.dtype(code_type).itemsize
    starts = np.array([0, 1, 2, 4], dtype=np.int32)
    docs = np.array([0, 1, 2, 2], dtype=np.int32)  # the document of each entry
    tally = facets.speedups.tally_tags
    assert tally(
        mask, starts, np.array([0, 1, 2, 4], dtype=code_type), 5, width, docs
    ) == np.array([1, 1, 1, 0, 1], dtype=np.int64).tobytes()
    with pytest.raises(ValueError, match="out of its values"):
        tally(mask, starts, np.array([0, 1, 2, 9], dtype=code_type), 5, width, docs)
    with pytest.raises(ValueError, match="out of its values"):
        tally(mask, starts, np.array([0, 1, 2], dtype=code_type), 5, width, docs[:3])
    with pytest.raises(ValueError, match="one int32 a document"):
        tally(mask, starts.astype(np.int64), np.zeros(4, code_type), 5, width, docs)
    with pytest.raises(ValueError, match="code_bytes"):
        tally(mask, starts, np.zeros(4, code_type), 5, 8, docs)
    with pytest.raises(ValueError, match="one int32 an entry"):
        tally(mask, starts, np.zeros(4, code_type), 5, width, docs[:3])
    # in groups of eight documents (the counting takes groups whole): an entry's document
    # outside the mask, or a group's range outside the codes, is refused too
    eight, ends = np.ones(8, dtype=np.uint8), np.arange(9, dtype=np.int32)
    with pytest.raises(ValueError, match="out of its values"):
        tally(eight, ends, np.zeros(8, code_type), 5, width, np.full(8, 8, dtype=np.int32))
    with pytest.raises(ValueError, match="out of its values"):
        tally(eight, ends + 1, np.zeros(8, code_type), 5, width, np.zeros(8, dtype=np.int32))


@needs_compiled
@pytest.mark.parametrize("code_type", [np.uint16, np.int32])
@pytest.mark.parametrize("density", [0.0, 0.02, 0.1, 0.3, 0.7, 1.0])
def test_compiled_tag_counts_are_numpys(code_type: Any, density: float) -> None:
    """Sparse groups of eight documents are counted member by member, the others entry by
    entry, the last few documents one by one: every way gives numpy's counts."""
    rng = np.random.default_rng(int(density * 100))
    documents, size = 1_003, 40
    per_doc = rng.integers(0, 6, documents)
    starts = np.concatenate(([0], np.cumsum(per_doc))).astype(np.int32)
    codes = rng.integers(0, size, int(starts[-1])).astype(code_type)
    docs = np.repeat(np.arange(documents, dtype=np.int32), per_doc)
    mask = rng.random(documents) < density
    found = facets.speedups.tally_tags(
        mask.view(np.uint8), starts, codes, size, np.dtype(code_type).itemsize, docs
    )
    expected = np.bincount(codes[mask[docs]], minlength=size)
    assert np.frombuffer(found, dtype=np.int64).tolist() == expected.tolist()


def test_facets_cover_the_whole_result_not_the_page(big: Path) -> None:
    result = search(big, "oil", limit=2)
    assert sum(n for _, n in result.facets["origin"]) == 20
    assert dict(result.facets["tags"])["PREL"] == len(
        [c for c in corpus() if "oil" in c.subject and "PREL" in c.tags]
    )


def test_class_prefix_and_exact(big: Path) -> None:
    assert search(big, "class:secret").total == 30
    assert search(big, 'class:"secret//noforn"').total == 15
    assert search(big, 'origin:"embassy paris"').total == 20
    assert search(big, "from:basrah").total == 20


# --- did you mean, warnings ----------------------------------------------------------------------


def test_did_you_mean(big: Path) -> None:
    result = search(big, "baghdda")
    assert result.total == 0
    assert result.suggestion == "baghdad"
    assert search(big, "oil exprots").suggestion == "oil exports"
    assert search(big, "baghdad").suggestion is None


def test_expansions_are_bounded_and_reported(tmp_path: Path) -> None:
    words = " ".join(f"w{i:03d}stan" for i in range(40))
    root = make_index(tmp_path, [cable("09A1", "Asia", words), cable("09A2", "Asia", "w001stan")])
    result = search(root, "*stan", max_terms=5)
    assert result.total == 2
    assert any(
        "`*stan` matched 40 words: all of them count in the total, the 5 most frequent are "
        "scored" in w
        for w in result.warnings
    )
    # the most frequent word (w001stan, in both cables) is among the five searched
    marked = {h.highlights[0].text[s:e] for h in result.hits for s, e in h.highlights[0].matches}
    assert "w001stan" in marked


# --- hits and highlights ----------------------------------------------------------------------


def test_hits_carry_fields_and_highlights(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable(
                "09BAGHDAD113",
                "MEK defector",
                "A defector said <script>x</script> MEK plans.",
                tags=("PTER", "IZ"),
            )
        ],
    )
    result = search(root, "defector")
    hit = result.hits[0]
    assert (hit.refid, hit.subject, hit.origin, hit.tags) == (
        "09BAGHDAD113",
        "MEK defector",
        "Embassy Baghdad",
        ("PTER", "IZ"),
    )
    assert hit.created == datetime(2009, 1, 15, 12, 0, tzinfo=UTC)
    frag = hit.highlights[0]
    assert [frag.text[s:e] for s, e in frag.matches] == ["defector"]
    assert search(root, "defector", highlight=False).hits[0].highlights == ()


def test_json_shape(big: Path) -> None:
    data = result_to_dict(search(big, "oil", limit=2))
    assert list(data) == [
        "query",
        "total",
        "page",
        "pages",
        "hits",
        "facets",
        "suggestion",
        "warnings",
    ]
    assert list(data["hits"][0]) == [
        "refid",
        "score",
        "subject",
        "created",
        "origin",
        "classification",
        "tags",
        "tag_meanings",
        "highlights",
    ]
    assert list(data["hits"][0]["highlights"][0]) == ["text", "matches"]
    assert all(len(m) == 2 for m in data["hits"][0]["highlights"][0]["matches"])
    assert list(data["facets"]["year"][0]) == ["value", "count"]
    json.dumps(data)  # serializable as is


def test_export_writers(big: Path) -> None:
    hits = list(iter_all(big, "oil", sort="oldest"))
    out = io.StringIO()
    assert write_jsonl(hits, out) == 20
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [x["refid"] for x in lines] == [h.refid for h in hits]
    out = io.StringIO()
    assert write_csv(hits, out) == 20
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][0] == "refid" and len(rows) == 21
    assert rows[1][0] == hits[0].refid


# --- show / similar / stats / batch --------------------------------------------------------------


def test_show_references_both_ways_and_versions(tmp_path: Path) -> None:
    version: dict[str, object] = {
        "path": "/a.html",
        "record": None,
        "format": "html",
        "sha256": "ab",
        "released": "2011-01-01T00:00:00+00:00",
        "created": None,
        "subject": "S",
        "indexed": True,
    }
    root = make_index(
        tmp_path,
        [
            cable(
                "09A1",
                "First",
                "Oil talks.\n\nSecond paragraph about gas.",
                references=("09A2", "08GONE9"),
            ),
            cable("09A2", "Second", "Body."),
            cable("09A3", "Third", "Body.", references=("09A1",)),
        ],
        versions={"09A1": [version, {**version, "path": "/b.csv", "indexed": False}]},
    )
    view = show(root, "09a1", query="oil")
    assert view.cable.refid == "09A1" and view.cable.subject == "First"
    assert view.cable.created == datetime(2009, 1, 15, 12, 0, tzinfo=UTC)
    assert view.cable.source.path == "/corpus/09A1.txt"
    assert view.references == (("09A2", "Second"), ("08GONE9", None))
    assert view.cited_by == (("09A3", "Third"),)
    assert [v.path for v in view.versions] == ["/a.html", "/b.csv"]
    assert [p.text for p in view.paragraphs] == ["Oil talks.", "Second paragraph about gas."]
    assert [len(p.matches) for p in view.paragraphs] == [1, 0]
    with pytest.raises(NotFound, match="no cable 09XYZ1 in the index"):
        show(root, "09XYZ1")


def test_similar(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable("09A1", "Oil pipeline", "Crude oil pipeline exports through Ceyhan pipeline."),
            cable("09A2", "Pipeline", "The Ceyhan oil pipeline exports crude."),
            cable("09A3", "Elections", "Voters went to the polls in Mosul."),
        ],
    )
    found = similar(root, "09A1")
    assert [h.refid for h in found] == ["09A2"]


def test_stats(big: Path) -> None:
    info = stats(big)
    assert info.cables == 60
    assert dict(info.by_classification)["SECRET"] == 15
    assert sum(n for _, n in info.by_origin) == 60
    assert [y for y, _ in info.by_year] == ["2008", "2009"]
    assert info.first is not None and info.last is not None and info.first < info.last
    assert info.updated == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert info.size_bytes > 0 and info.generation == "gen-000001"


def test_batch_reports_bad_lines_and_goes_on(big: Path) -> None:
    rows = list(batch(big, ["oil", "", "# comment", 'bad "quote', "frm:x", "security"], limit=3))
    assert [r.query for r in rows] == ["oil", 'bad "quote', "frm:x", "security"]
    assert rows[0].total == 20 and len(rows[0].refids) == 3 and rows[0].error is None
    assert rows[1].error and "unbalanced quote" in rows[1].error
    assert rows[2].error and 'unknown field "frm:"' in rows[2].error
    assert rows[3].total == 40


def test_deleted_documents_are_not_found_or_counted(tmp_path: Path) -> None:
    root = make_index(tmp_path, corpus(12), segments=2)
    gen = store.require_live(root)
    ix = whoosh_index.open_dir(str(gen), indexname=INDEX_NAME)
    writer = ix.writer()
    writer.delete_by_term("refid", "08BAGHDAD1")  # an oil cable
    writer.commit(merge=False)
    result = search(root, "oil", facet_limit=50)
    assert "08BAGHDAD1" not in [h.refid for h in result.hits]
    assert result.total == 3
    assert sum(n for _, n in result.facets["origin"]) == 3
    assert stats(root).cables == 11


def test_stop_words_in_plain_queries_do_not_become_required_tags(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable("09A1", "MINISTRY OF DEFENSE BUDGET", "The ministry of defense."),
            cable("09A2", "DEFENSE MINISTRY", "Defense ministry talks.", tags=("OF",)),
        ],
    )
    with_stop = search(root, "ministry of defense", facets=())
    without = search(root, "ministry defense", facets=())
    assert with_stop.total == without.total == 2
    assert "ignored common words: of" in with_stop.warnings[0]
    # a stop word asked for as a TAG explicitly is still a TAG query
    assert [h.refid for h in search(root, "tag:of", facets=()).hits] == ["09A2"]


def test_name_spellings_find_each_other_and_say_so(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable("09A1", "Libya", "Qadhafi met the delegation."),
            cable("09A2", "Libya", "Muammar Qaddafi spoke."),
            cable("09A3", "Lebanon", "Hizballah and the army."),
        ],
    )
    result = search(root, "gaddafi", facets=())
    assert {h.refid for h in result.hits} == {"09A1", "09A2"}
    assert any(
        "`gaddafi` also matched the spellings" in w and "qadhafi" in w for w in result.warnings
    )
    marked = {h.highlights[0].text[s:e] for h in result.hits for s, e in h.highlights[0].matches}
    assert marked == {"Qadhafi", "Qaddafi"}
    assert search(root, "=gaddafi", facets=()).total == 0
    assert search(root, "=qadhafi", facets=()).total == 1
    assert search(root, '"muammar gaddafi"', facets=()).total == 1
    assert search(root, '="muammar gaddafi"', facets=()).total == 0
    assert search(root, "hezbollah", facets=()).total == 1


def test_names_of_several_words_find_their_other_spellings_as_phrases(tmp_path: Path) -> None:
    root = make_index(
        tmp_path,
        [
            cable("09A1", "Korea", "Kim Chong-il received the envoy."),
            cable("09A2", "Korea", "Kim Jong Il spoke; Kim was in Pyongyang."),
            cable("09A3", "Korea", "Chong Kim and Il Park met."),  # the words, not the name
            cable("09A4", "Pakistan", "Usama Bin Ladin is hiding."),
        ],
    )
    for query in ("kim jong-il", "kim jong il", '"kim jong il"', "kim chong il"):
        result = search(root, query, facets=())
        assert {h.refid for h in result.hits} >= {"09A1", "09A2"}, query
        assert any("also matched the spellings" in w and "kim" in w for w in result.warnings)
    # a hyphen or quotes make the words a phrase; unquoted words may stand anywhere
    for query in ("kim jong-il", '"kim jong il"', '"kim chong il"'):
        assert "09A3" not in {h.refid for h in search(root, query, facets=()).hits}, query
    assert "09A3" in {h.refid for h in search(root, "kim chong il", facets=()).hits}
    marked = {
        h.highlights[0].text[s:e]
        for h in search(root, "kim jong-il", facets=()).hits
        for s, e in h.highlights[0].matches
        if h.refid == "09A1"
    }
    assert marked == {"Kim", "Chong-il"}  # the whole hyphenated word
    # one spelling only
    assert {h.refid for h in search(root, '="kim jong il"', facets=()).hits} == {"09A2"}
    # one word that another spelling writes as two, and back
    assert [h.refid for h in search(root, "binladen", facets=()).hits] == ["09A4"]
    assert [h.refid for h in search(root, '"osama bin laden"', facets=()).hits] == ["09A4"]
    # the rest of the query still applies
    assert search(root, "kim jong-il pyongyang", facets=()).total == 1


def test_the_facet_table_file_reads_back_what_was_written(big: Path, tmp_path: Path) -> None:
    """The cache file gives the very table it was written from; a file cut short, of
    another kind or for other segments gives None (the table is built again), and a
    search over an index whose cache is damaged gives the same facets."""
    with open_index(big) as s:
        table, ids = s.table, segment_ids(s.ix)
        expected = search(s, "baghdad").facets
    path = tmp_path / "table"
    facets.write_table(path, table, ids)
    assert facets.read_table(path, ids) == table
    assert facets.read_table(path, [*ids, "other"]) is None
    whole = path.read_bytes()
    # a header that says the other byte order, at the same length (JSON ignores the spaces
    # after a value; "little" is the longer name, so a big-endian header gets cut: refused too)
    mine = f'"byteorder": "{sys.byteorder}"'.encode()
    other = f'"byteorder": "{"big" if sys.byteorder == "little" else "little"}"'.encode()
    assert whole.count(mine) == 1
    crossed = whole.replace(mine, other.ljust(len(mine))[: len(mine)])
    for damaged in (whole[:-1], whole + b"\0", b"PK\x03\x04" + whole[4:], b"", crossed):
        path.write_bytes(damaged)
        assert facets.read_table(path, ids) is None
    cache = store.require_live(big) / FACETS_FILE
    cache.write_bytes(whole[: len(whole) // 2])
    with open_index(big) as s:
        assert search(s, "baghdad").facets == expected
        rebuilt = s.table  # (its codes may number the values in another order)
    assert facets.read_table(cache, ids) == rebuilt  # written again, whole
