"""The fast segment writer against stock Whoosh: same postings, lengths, columns, hits.

One stock index (`ix.writer().add_document(**doc)` per document) is built per module and
compared with indexes written by `indexer.fastwrite`: in one segment, in many segments by
worker processes, byte for byte in `exact` mode, and after appends and stock deletions.
"""

from __future__ import annotations

import functools
import json
import pickle
import random
import re
import warnings
from array import array
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.filter import SoupStrainer
from conftest import REAL_CABLES, needs_compiled, needs_real_cables
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import LockError
from whoosh.lang import porter, porter2
from whoosh.qparser import MultifieldParser, QueryParser
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F

from indexer import fastwrite
from indexer.fastwrite import (
    _TOKEN_PATTERN,
    RAW_BLOCK_HEAD,
    _ascii_tokens,
    _frame,
    _framed_positions,
    _hand_pickle,
    _tokens,
    _unframe,
    add_documents,
    fast_analyzer_for,
)
from indexer.schema import ANALYZER, DEFAULT_FIELDS, build_schema

Doc = dict[str, Any]

_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "minister",
    "said",
    "government",
    "embassy",
    "ambassador",
    "talks",
    "negotiations",
    "negotiate",
    "negotiated",
    "security",
    "baghdad",
    "iraq",
    "turkey",
    "election",
    "parliament",
    "party",
    "oil",
    "forces",
    "military",
    "nuclear",
    "program",
    "sanctions",
    "u.s.",
    "1.5",
    "09baghdad113",
    "İstanbul",
    "ÉLYSÉE",
    "straße",
    "x",
    "y",
    "2009",
    "pm",
    "p.m.",
    "bogotC!",
    "maiquetC-a",
    "xxxxxxxxxxxx",
    "president,s",
]


def _documents(count: int, seed: int, prefix: str) -> list[Doc]:
    """Cable-like documents with the quirks that matter for analysis and weights."""
    rng = random.Random(seed)
    vocab = _WORDS + [f"w{rng.getrandbits(20):x}" for _ in range(600)]
    cum = list(accumulate(1.0 / (rank + 1.5) for rank in range(len(vocab))))
    docs = []
    for number in range(count):
        words = rng.choices(vocab, cum_weights=cum, k=rng.choice((0, 5, 80, 250, 400)))
        body = " ".join(w.upper() if rng.random() < 0.4 else w for w in words)
        doc: Doc = {
            "refid": f"{prefix}{number:04d}",
            "classification": rng.choice(("SECRET", "CONFIDENTIAL", "UNCLASSIFIED")),
            "origin": rng.choice(("Embassy Baghdad", "Embassy Ankara", "Secretary of State")),
            "tags": " ".join(rng.sample(["PREL", "PGOV", "IZ", "TU", "ECON", "MARR"], 3)),
            "references": " ".join(f"09BAGHDAD{rng.randint(1, 50)}" for _ in range(2)),
            "signed_by": rng.choice(("crocker", "hill", "rice clinton")),
            "subject": " ".join(rng.choices(vocab, cum_weights=cum, k=6)).upper(),
            "title": " ".join(rng.choices(vocab, cum_weights=cum, k=4)),
            "body": body,
            "record_hash": f"{rng.getrandbits(128):032x}",
            "source": json.dumps({"path": f"{prefix}{number}.html"}),
            "cable": json.dumps({"refid": f"{prefix}{number:04d}"}),
        }
        doc["origin_words"] = doc["origin"]
        if number % 9:
            created = datetime(2003, 1, 1) + timedelta(minutes=rng.randrange(4_000_000))
            doc["created"] = created
            doc["year"] = created.year
        if number % 4 == 0:
            doc["classified_by"] = "robert s. ford"
        docs.append(doc)
    return docs


DOCS = _documents(300, seed=7, prefix="09TEST")
MORE = _documents(40, seed=8, prefix="10MORE")

QUERIES = [
    "baghdad",
    "negotiations",  # stems: finds negotiate, negotiated
    "minister AND government",
    "minister OR ambassador",
    "security NOT iraq",
    'body:"oil forces"~2',
    'body:"talks negotiations" OR subject:"security baghdad"',
    "nego*",
    "tags:prel",
    "subject:election title:nuclear",
    "origin:EMBASSY*",
    "created:[20040101 TO 20051231]",
    "year:[2005 TO 2006]",
    "classification:SECRET security",
    "u.s. 1.5",
    "İstanbul straße",
]


def _stock_index(folder: Path, docs: list[Doc]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(folder), build_schema())
    with ix.writer() as writer:
        for doc in docs:
            writer.add_document(**doc)


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stock")
    _stock_index(folder, DOCS)
    return folder


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fast")
    add_documents(folder, iter(DOCS), procs=1)
    return folder


# --- helpers ------------------------------------------------------------------------------


def _refids(reader: IndexReader) -> dict[int, str]:
    return {docnum: fields["refid"] for docnum, fields in reader.iter_docs()}


def _postings(reader: IndexReader) -> dict[tuple[str, bytes], list[tuple[str, float, bytes]]]:
    """(field, term) -> [(refid, weight, raw value)] in docnum order."""
    refids = _refids(reader)
    out = {}
    for fieldname, term in reader.all_terms():
        matcher = reader.postings(fieldname, term)
        rows = []
        while matcher.is_active():
            rows.append((refids[matcher.id()], matcher.weight(), matcher.value()))
            matcher.next()
        out[fieldname, term] = rows
    return out


def _search(folder: Path, query: str) -> list[tuple[str, float]]:
    ix = index.open_dir(str(folder))
    parser = MultifieldParser(list(DEFAULT_FIELDS), ix.schema)
    with ix.searcher(weighting=BM25F()) as searcher:
        return [
            (hit["refid"], hit.score) for hit in searcher.search(parser.parse(query), limit=None)
        ]


def _assert_same_index(expected: Path, actual: Path) -> None:
    with index.open_dir(str(expected)).reader() as ref, index.open_dir(str(actual)).reader() as got:
        assert got.doc_count() == ref.doc_count()
        ref_ids, got_ids = _refids(ref), _refids(got)
        ref_stored = {f["refid"]: f for _, f in ref.iter_docs()}
        assert {f["refid"]: f for _, f in got.iter_docs()} == ref_stored
        assert _postings(got) == _postings(ref)
        for fieldname in ("subject", "title", "body", "tags"):
            assert got.field_length(fieldname) == ref.field_length(fieldname)
            assert got.max_field_length(fieldname) == ref.max_field_length(fieldname)
            assert got.min_field_length(fieldname) == ref.min_field_length(fieldname)
            ref_lengths = {ref_ids[d]: ref.doc_field_length(d, fieldname) for d in ref_ids}
            got_lengths = {got_ids[d]: got.doc_field_length(d, fieldname) for d in got_ids}
            assert got_lengths == ref_lengths
        for fieldname in ("refid", "created", "year", "classification", "origin"):
            assert got.has_column(fieldname) == ref.has_column(fieldname)
            if not ref.has_column(fieldname):
                continue
            # raw values: a missing DATETIME reads back as a default Whoosh cannot translate
            ref_col = ref.column_reader(fieldname, translate=False)
            got_col = got.column_reader(fieldname, translate=False)
            ref_values = {ref_ids[d]: ref_col[d] for d in ref_ids}
            assert {got_ids[d]: got_col[d] for d in got_ids} == ref_values
    for query in QUERIES:
        assert _search(actual, query) == _search(expected, query), query


# --- analysis -----------------------------------------------------------------------------

_TRICKY = [
    "The talks; the NEGOTIATIONS were negotiated by U.S. and U.N. officials in 1.5 hours.",
    "a an the of",  # nothing kept
    "İSTANBUL İstanbul ǅemal Straße ÉLYSÉE x y z 09BAGHDAD113 pres.,s",
    "1966 12345 00000113 1.5 3_000 ΑΘΗΝΑ Москва K 42km 7TH",  # K: Kelvin sign lowers to k
    "",
    "of of of talks of talks",  # renumbering after leading stop words
]


@pytest.mark.parametrize("text", _TRICKY)
@pytest.mark.parametrize("analyzer", [StemmingAnalyzer(), ANALYZER], ids=["porter", "schema"])
def test_fast_analyzer_matches_whoosh(text: str, analyzer: Any) -> None:
    fast = fast_analyzer_for(analyzer)
    assert fast is not None
    expected: dict[str, list[int]] = {}
    for token in analyzer(text, positions=True, mode="index"):
        expected.setdefault(token.text, []).append(token.pos)
    assert fast.positions(text) == expected
    assert fast.terms(text) == [t.text for t in analyzer(text, mode="query")]


@pytest.mark.parametrize("stemfn", [porter.stem, porter2.stem])
def test_stemmers_keep_tokens_without_ascii_letters(stemfn: Callable[[str], str]) -> None:
    # FastAnalyzer skips the stemmer for such tokens; this pins the property it relies on
    rng = random.Random(5)
    pools = ["0123456789", "0123456789_", "αβγδεηικλμνοςστυ", "абвгдеёжзийклмнопрсты", "éèçàùß_0"]
    tokens = ["".join(rng.choices(rng.choice(pools), k=rng.randint(2, 14))) for _ in range(3000)]
    tokens += ["1.5", "2009", "00000113", "___"]
    assert [t for t in tokens if stemfn(t) != t] == []
    assert stemfn("negotiations") != "negotiations"  # the stemmer does stem letters


def test_fast_analyzer_only_for_the_exact_chain() -> None:
    assert fast_analyzer_for(StemmingAnalyzer(stoplist=None)) is None
    assert fast_analyzer_for(StemmingAnalyzer(expression=r"\w+")) is None
    assert fast_analyzer_for(build_schema()["tags"].analyzer) is None
    assert fast_analyzer_for(build_schema()["body"].analyzer) is not None


def test_ascii_tokens_are_the_regex_tokens() -> None:
    rng = random.Random(3)
    alphabet = "aZ9_.. .,\n\t-'()xY0"
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(20_000)]
    texts += ["...", ".a.", "u.s.", "a..b", "a. .b", "1.5.", " .x", "x. ", "_._", ""]
    for text in texts:
        assert _ascii_tokens(text) == _TOKEN_PATTERN.findall(text.lower()), repr(text)
    # and the same language as Whoosh's own default pattern
    assert _TOKEN_PATTERN.pattern == r"\w+(?:\.?\w+)*"


def test_tokens_with_non_ascii_marks() -> None:
    rng = random.Random(6)
    alphabet = "aZ9_.. ,\n¶§\u00a0–’é\u0130K"  # separators, and word chars that lower oddly
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(20_000)]
    texts += ["¶1. (C) U.S.¶", "x¶.y", "a.¶b", "İSTANBUL ¶"]
    for text in texts:
        assert _tokens(text) == [t.lower() for t in _TOKEN_PATTERN.findall(text)], repr(text)


@needs_real_cables
def test_tokens_on_real_cable_text() -> None:
    texts = _real_bodies()
    assert sum(not t.isascii() for t in texts) >= 30  # pilcrows: the mixed path is tested
    for text in texts:
        assert _tokens(text) == [t.lower() for t in _TOKEN_PATTERN.findall(text)]


def test_framed_positions_are_whoosh_values() -> None:
    rng = random.Random(4)
    fmt = Positions()
    lists = [[0], [255], [256], [65535], [65536], [3, 70_000, 70_001], list(range(1001))]
    for _ in range(3000):
        gaps = rng.choices((1, 2, 7, 300, 70_000), k=rng.randint(1, 30))
        lists.append(list(accumulate(gaps, initial=rng.randrange(5))))
    for poslist in lists:
        assert _framed_positions(poslist) == _frame(fmt.encode(poslist)), poslist
    frames = b"".join(_framed_positions(p) for p in lists)
    assert _unframe(frames) == [fmt.encode(p) for p in lists]


@pytest.mark.parametrize("weights", [[1.0, 1.0], [2.0, 2.0], [1.0, 3.0]])
@pytest.mark.parametrize("ids", [[5, 9], [300, 70_000]])
def test_hand_pickled_block_loads_as_stock_tuple(ids: list[int], weights: list[float]) -> None:
    fmt = Positions()
    values = [fmt.encode([1, 4]), fmt.encode([7])]
    stored = array("f", weights)
    known: dict[tuple[float, ...], Any] = {(1.0, 1.0): None, (2.0, 2.0): 2.0}
    expected_weights = known.get(tuple(weights), tuple(stored))
    frames = b"".join(map(_frame, values))
    deltas = (ids[0], ids[1] - ids[0])
    block = _hand_pickle(array("I", ids), stored, frames)
    assert block.startswith(RAW_BLOCK_HEAD)
    loaded_ids, loaded_weights, loaded_values = pickle.loads(block)
    # arrays where stock has tuples: its reader only iterates and indexes them
    assert isinstance(loaded_ids, array) and loaded_ids.typecode == "I"
    assert tuple(loaded_ids) == deltas
    if isinstance(expected_weights, tuple):
        assert isinstance(loaded_weights, array) and loaded_weights.typecode == "f"
        assert tuple(loaded_weights) == expected_weights
    else:
        assert loaded_weights == expected_weights
    assert loaded_values == tuple(values)


@needs_real_cables
def test_fast_analyzer_on_real_cable_text() -> None:
    analyzer = StemmingAnalyzer()
    fast = fast_analyzer_for(analyzer)
    assert fast is not None
    for text in _real_bodies()[:40]:
        expected: dict[str, list[int]] = {}
        for token in analyzer(text, positions=True):
            expected.setdefault(token.text, []).append(token.pos)
        assert fast.positions(text) == expected


# --- whole indexes ------------------------------------------------------------------------


def test_same_index_as_stock(stock: Path, fast: Path) -> None:
    _assert_same_index(stock, fast)
    assert all(_search(fast, q) for q in QUERIES[:8])  # the queries do find things


@pytest.mark.usefixtures("python_path")
def test_python_path_same_index_as_stock(stock: Path, tmp_path: Path) -> None:
    add_documents(tmp_path, iter(DOCS), procs=1)
    _assert_same_index(stock, tmp_path)


def _position_lists(rng: random.Random) -> list[list[str]]:
    """Documents as kept-term lists: repeats, > 1000 positions, gaps past 255 and 65535."""
    vocab = [f"t{k}" for k in range(40)]
    docs = [[], ["solo"], ["a", "b", "a"], ["x"] * 1001, ["y"] * 300]
    for _ in range(300):
        docs.append(rng.choices(vocab, k=rng.choice((1, 3, 50, 400))))
    return docs


@needs_compiled
def test_compiled_loop_same_postings_as_python() -> None:
    rng = random.Random(5)
    compiled = fastwrite._PositionsPostings()
    python = fastwrite._PositionsPostings()
    expected: dict[str, list[list[int]]] = {}
    for docnum, kept in enumerate(_position_lists(rng)):
        start = rng.choice((0, 3, 70_000))
        assert compiled.add_kept(list(kept), start, docnum, 1.0) == len(kept)
        poses: dict[str, list[int]] = {}
        for pos, term in enumerate(kept, start):
            poses.setdefault(term, []).append(pos)
        python.add(poses, docnum, 1.0)
        for term, poslist in poses.items():
            expected.setdefault(term, []).append(poslist)
    assert compiled.terms == python.terms
    assert compiled.bounds == python.bounds
    assert "t0" in compiled.bounds  # a term past one block of 128 postings
    # and every value is Whoosh's own encoding of the document's positions
    fmt = Positions()
    for term, lists in expected.items():
        _, _, frames, _ = compiled.expand(term, 1.0)
        assert _unframe(frames) == [fmt.encode(poslist) for poslist in lists], term


def _kept_then_add(fast: fastwrite.FastAnalyzer, texts: list[str]) -> fastwrite._PositionsPostings:
    """The reference of `add_text`: `kept` in Python, then `add_kept`."""
    postings = fastwrite._PositionsPostings()
    for docnum, text in enumerate(texts):
        found = fast.kept(text)
        assert found is not None
        postings.add_kept(*found, docnum, 1.0)
    return postings


def _tricky_ascii_texts(rng: random.Random) -> list[str]:
    """ASCII texts with dots in every place, "_", digits, case, stop words, long tokens."""
    words = [w for w in _WORDS if w.isascii()]
    pieces = [*words, "U.S.", "u.n", "a..b", ".5", "x.", "1.5.6", "..", "3_000", "_",
              "NEGOTIATIONS", "Talks", "e.g.,", "09BAGHDAD113", "I", "x" * 300, "\t", "--"]
    texts = [" ".join(rng.choices(pieces, k=rng.choice((0, 1, 5, 80, 700)))) for _ in range(150)]
    texts += [t for t in _TRICKY if t.isascii()]
    texts.append(" ".join(f"w{k}" for k in range(200)))  # a term per word: many new terms
    return texts


@needs_compiled
@pytest.mark.parametrize("analyzer", [StemmingAnalyzer(), ANALYZER], ids=["porter", "schema"])
def test_compiled_analysis_same_postings_as_python(analyzer: Any) -> None:
    assert fastwrite.speedups is not None
    texts = _tricky_ascii_texts(random.Random(11))
    config = fast_analyzer_for(analyzer)
    assert config is not None
    # a cache that starts over every few documents, and one that never does
    for limit in (50, 500_000):
        fast = fastwrite.FastAnalyzer(
            stops=config._stops,
            minsize=config._minsize,
            maxsize=config._maxsize,
            renumber=True,
            stemfn=config._stem,
            ignore=config._ignore,
        )
        fast._compiled = fastwrite.speedups.TokenCache(limit)
        compiled = fastwrite._PositionsPostings(way=0)
        other_field = fastwrite._PositionsPostings(way=1)  # shares the cache's terms
        for docnum, text in enumerate(texts):
            expected = fast.kept(text)
            assert expected is not None
            assert fast.add_text(text, compiled, docnum) == len(expected[0])
            assert fast.add_text(text[:40], other_field, docnum) is not None
        reference = _kept_then_add(fast, texts)
        assert compiled.terms == reference.terms
        assert compiled.bounds == reference.bounds
        assert other_field.terms == _kept_then_add(fast, [t[:40] for t in texts]).terms
        assert fast._compiled.tokens() <= max(limit, 1000)


@needs_compiled
def test_compiled_analysis_leaves_other_texts_to_python() -> None:
    fast = fast_analyzer_for(StemmingAnalyzer())
    assert fast is not None and fastwrite.speedups is not None
    postings = fastwrite._PositionsPostings(way=0)
    assert fast.add_text("Straße talks", postings, 0) is None  # not ASCII
    assert postings.terms == {}
    # a stemmer that gives "" for a token: the Python path numbers those (Whoosh keeps them)
    empty = fastwrite.FastAnalyzer(
        stops=frozenset(), minsize=1, maxsize=None, renumber=True,
        stemfn=lambda token: "" if token == "zz" else token, ignore=frozenset(),
    )
    assert empty.add_text("aa bb", postings, 0) == 2
    assert empty.add_text("aa zz", postings, 1) is None
    assert empty.add_text("aa bb", postings, 2) is None  # from then on
    assert set(postings.terms) == {"aa", "bb"}


@needs_compiled
def test_compiled_analysis_refuses_a_call_inside_a_call() -> None:
    # a term function runs Python code, which can let another thread into the same cache:
    # that call must not change the cache under the first one (it takes the Python path)
    assert fastwrite.speedups is not None
    cache = fastwrite.speedups.TokenCache()
    inner: list[int | None] = []

    def term(token: str) -> str:
        inner.append(cache.index_text("other words", term, {}, {}, 2, 1, 0))
        return token

    terms: dict[str, tuple[bytearray, bytearray]] = {}
    assert cache.index_text("alpha beta", term, terms, {}, 1, 0, 0) == 2
    assert inner == [None, None] and sorted(terms) == ["alpha", "beta"]
    assert cache.index_text("other words", term, {}, {}, 3, 1, 0) == 2  # free again


@needs_compiled
def test_compiled_loop_takes_boosts() -> None:
    postings = fastwrite._PositionsPostings()
    postings.add_kept(["a", "b", "a"], 0, 0, 2.0)
    postings.add_kept(["a"], 0, 1, 1.0)
    docs, weights, _, _ = postings.expand("a", 1.5)
    assert (list(docs), list(weights)) == ([0, 1], [2 * 1.5 * 2.0, 1.5])


def test_exact_mode_writes_stock_bytes(stock: Path, tmp_path: Path) -> None:
    add_documents(tmp_path, DOCS, procs=1, exact=True, compound=False)
    ours = index.open_dir(str(tmp_path))._segments()
    theirs = index.open_dir(str(stock))._segments()
    assert len(ours) == len(theirs) == 1
    compound = theirs[0].open_compound_file(FileStorage(str(stock)))
    try:
        names = [p.name for p in tmp_path.iterdir() if p.name.startswith(ours[0].segment_id())]
        assert len(names) >= 10  # terms, postings, stored, lengths, columns
        for name in names:
            ext = name[len(ours[0].segment_id()) :]
            with compound.open_file(theirs[0].make_filename(ext)) as original:
                assert (tmp_path / name).read_bytes() == original.read(), ext
    finally:
        compound.close()
    assert ours[0]._fieldlengths == theirs[0]._fieldlengths


def test_boosts_and_token_lists_as_stock(tmp_path: Path) -> None:
    docs: list[Doc] = [dict(doc) for doc in DOCS[:40]]
    for number, doc in enumerate(docs):
        if number % 3 == 0:
            doc["_boost"] = 2.0
        if number % 5 == 0:
            doc["_body_boost"] = 0.5
        if number % 7 == 0:
            doc["_tags_boost"] = 3.0
    docs[1]["body"] = ["pre", "tokenized", "words", "words"]  # TEXT also takes token lists
    _stock_index(tmp_path / "stock", docs)
    add_documents(tmp_path / "fast", docs, procs=1)
    _assert_same_index(tmp_path / "stock", tmp_path / "fast")
    add_documents(tmp_path / "exact", docs, procs=1, exact=True)
    _assert_same_index(tmp_path / "stock", tmp_path / "exact")


def _segment_files(folder: Path) -> dict[str, bytes]:
    """A one-segment index's files by extension (segment names are random)."""
    (segment,) = index.open_dir(str(folder))._segments()
    prefix = segment.segment_id()
    return {
        p.name[len(prefix) :]: p.read_bytes() for p in folder.iterdir() if p.name.startswith(prefix)
    }


@needs_compiled
def test_compiled_paths_write_the_python_paths_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every compiled step (analysis, postings, blocks and term infos) against its Python
    # twin, byte for byte: >128-posting terms, boosted documents, empty fields, non-ASCII text
    docs: list[Doc] = [dict(doc) for doc in DOCS]
    for number, doc in enumerate(docs):
        if number % 3 == 0:
            doc["_boost"] = 2.0
        if number % 5 == 0:
            doc["_body_boost"] = 0.5
    docs[4]["body"] = ""
    docs[6]["body"] = "Straße İSTANBUL talks talks"
    add_documents(tmp_path / "compiled", docs, procs=1, compound=False)
    monkeypatch.setattr(fastwrite, "speedups", None)  # the Python twins, as without the module
    add_documents(tmp_path / "python", docs, procs=1, compound=False)
    compiled = _segment_files(tmp_path / "compiled")
    assert len(compiled) >= 10  # terms, postings, stored, lengths, columns
    assert compiled == _segment_files(tmp_path / "python")
    with index.open_dir(str(tmp_path / "compiled")).reader() as reader:
        # a term of several blocks
        assert max(reader.doc_frequency("body", t) for t in reader.lexicon("body")) > 128


@pytest.mark.parametrize("procs", [1, 2])
def test_worker_processes_and_many_segments(stock: Path, tmp_path: Path, procs: int) -> None:
    # (each process's term cache outlives its segments: later ones must not reuse entries)
    add_documents(tmp_path, iter(DOCS), procs=procs, segment_docs=45)
    segments = index.open_dir(str(tmp_path))._segments()
    assert [s.doc_count_all() for s in segments] == [45] * 6 + [30]
    _assert_same_index(stock, tmp_path)


def test_segments_follow_input_order_with_known_length(tmp_path: Path) -> None:
    add_documents(tmp_path, DOCS, procs=2)  # a list: cut into 2 segments of 150
    ix = index.open_dir(str(tmp_path))
    assert [s.doc_count_all() for s in ix._segments()] == [150, 150]
    with ix.reader() as reader:
        assert [f["refid"] for _, f in reader.iter_docs()] == [d["refid"] for d in DOCS]


def test_append_batch_keeps_first(stock: Path, tmp_path: Path) -> None:
    both = tmp_path / "both"
    add_documents(both, DOCS, procs=1)
    generation = index.open_dir(str(both)).latest_generation()
    add_documents(both, MORE, procs=2)
    ix = index.open_dir(str(both))
    assert ix.latest_generation() == generation + 1
    assert ix.doc_count() == len(DOCS) + len(MORE)
    assert len(ix._segments()) == 3
    reference = tmp_path / "reference"
    _stock_index(reference, DOCS + MORE)
    _assert_same_index(reference, both)


def test_stock_deletes_on_fast_segments(tmp_path: Path) -> None:
    add_documents(tmp_path, DOCS[:60], procs=1)
    ix = index.open_dir(str(tmp_path))
    with ix.writer() as writer:
        assert writer.delete_by_term("refid", "09TEST0003") == 1
    assert ix.doc_count() == 59
    assert _search(tmp_path, "refid:09TEST0003") == []
    add_documents(tmp_path, DOCS[60:80], procs=1)  # deletions survive our commit
    ix = index.open_dir(str(tmp_path))
    assert ix.doc_count() == 79
    with ix.searcher() as searcher:
        assert searcher.document_number(refid="09TEST0003") is None
        assert searcher.document_number(refid="09TEST0070") is not None


def test_locked_index_is_refused(tmp_path: Path) -> None:
    add_documents(tmp_path, DOCS[:5], procs=1)
    writer = index.open_dir(str(tmp_path)).writer()
    try:
        with pytest.raises(LockError):
            add_documents(tmp_path, DOCS[5:10], procs=1)
    finally:
        writer.cancel()
    assert index.open_dir(str(tmp_path)).doc_count() == 5


@pytest.mark.parametrize("procs", [1, 2])
def test_failure_commits_nothing_and_cleans_up(tmp_path: Path, procs: int) -> None:
    add_documents(tmp_path, DOCS[:5], procs=1)
    before = sorted(p.name for p in tmp_path.iterdir())
    bad = [*DOCS[5:100], {"refid": "X", "no_such_field": "boom"}]
    with pytest.raises((RuntimeError, Exception), match="no_such_field"):
        add_documents(tmp_path, iter(bad), procs=procs, segment_docs=30)
    assert index.open_dir(str(tmp_path)).doc_count() == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --- real cables --------------------------------------------------------------------------


@functools.cache
def _real_bodies() -> tuple[str, ...]:
    """Cable texts: the second <pre> of the cablegate HTML pages (read in place)."""
    bodies = []
    only_pre = SoupStrainer("pre")
    for page in sorted(REAL_CABLES.glob("html-cablegate-r1862-*/cable/*/*/*.html"))[:70]:
        with warnings.catch_warnings():
            # the pages declare XHTML; they are parsed as the HTML they really are
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            pres = BeautifulSoup(page.read_bytes(), "lxml", parse_only=only_pre).find_all("pre")
        if len(pres) > 1:
            bodies.append(pres[1].get_text())
    return tuple(bodies)


@needs_real_cables
def test_real_cable_text_same_as_stock(tmp_path: Path) -> None:
    docs = []
    for number, body in enumerate(_real_bodies()):
        subject = re.search(r"SUBJECT:([^\n]*)", body)
        docs.append(
            {
                "refid": f"REAL{number:04d}",
                "body": body,
                "subject": subject.group(1) if subject else "",
                "title": subject.group(1) if subject else "",
                "tags": "PREL PGOV",
            }
        )
    assert len(docs) >= 60
    _stock_index(tmp_path / "stock", docs)
    add_documents(tmp_path / "fast", docs, procs=2)
    _assert_same_index(tmp_path / "stock", tmp_path / "fast")
    assert _search(tmp_path / "fast", "embassy")
    with index.open_dir(str(tmp_path / "fast")).searcher() as searcher:
        parsed = QueryParser("body", searcher.schema).parse('"prime minister"')
        assert len(searcher.search(parsed)) > 0
