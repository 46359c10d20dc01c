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
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.filter import SoupStrainer
from conftest import REAL_CABLES, needs_compiled, needs_real_cables
from helpers import stock_index
from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.index import LockError
from whoosh.qparser import MultifieldParser, QueryParser
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F

from indexer import blockcodec, fastanalysis, fastwrite
from indexer.analysis import analyze
from indexer.fastanalysis import fast_analyzer_for
from indexer.plainindex import add_documents
from indexer.postingbuf import PositionsPostings, encoded_positions, whoosh_values
from indexer.schema import ANALYZER, DEFAULT_FIELDS, build_schema
from indexer.whoosh_private import BLOCK_HEAD, compact_block
from indexer.wordlist import WORDS_EXT, read_segment_words

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
    "us",
    "US",
    "Qadhafi's",
    "O'Grady",
    "Qadhafi’s",
    "al-Qaeda",
    "Chávez",
    "São Paulo",
    "Erdoğan",
    "¶",
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


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stock")
    stock_index(folder, DOCS)
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

# One text per class of input the analyzer has a rule for (indexer/analysis.py)
_TRICKY = [
    "The talks; the NEGOTIATIONS were negotiated by U.S. and U.N. officials in 1.5 hours.",
    "a I x of the 7 _",  # one-letter words and stop words keep their positions
    "al-Qaeda x-ray well-known -- - -x x- co--op",  # hyphens separate
    "Qadhafi's O'Grady Qadhafi’s rock'n'roll 'quoted' it's '' ’’ x’ ’x a''b a’'b",  # apostrophes
    "US officials told us the US position",  # mixed case: the country
    "LET US KNOW THE US POSITION",  # all capitals: both terms at one position
    "US",
    "US US US",
    "US ambassador",
    "the US",
    "THE US",
    "US. US, (US) US's US'S US.S USA Us uS us",
    "1 US 2 9US US9 US_ _US U.S US-led",
    "Chávez São Paulo Erdoğan straße STRASSE ÉLYSÉE İSTANBUL İstanbul ǅemal Øresund Łódź æther",
    "1966 12345 00000113 1.5 1.5.6 .5 x. 3_000 ΑΘΗΝΑ Москва K 42km 7TH",  # K: Kelvin sign
    "¶1. (C) The US ¶ ambassador’s ¶ call – THE US ¶\u00a0US",  # non-ASCII marks only
    "Chávez met US officials; CHÁVEZ MET US; straße US; STRAßE US",  # US beside non-ASCII
    "ÜS US Üs",
    "",
    "of of of talks of talks",
]


def _whoosh_positions(text: str) -> tuple[dict[str, list[int]], int]:
    """term -> positions, and the field length, as stock Whoosh indexes `text` in the body."""
    field = build_schema()["body"]
    poses = {}
    length = 0
    for tbytes, freq, _weight, value in field.index(text):
        poses[tbytes.decode("utf-8")] = field.format.decode_positions(value)
        length += freq
    return poses, length


def _words(texts: list[str]) -> set[str]:
    """The words the word list of these texts must hold (the analyzer's own words)."""
    return {term.word for text in texts for term in analyze(text)}


def _both_paths(texts: list[str]) -> tuple[Any, Any, list[int | None]]:
    """Postings and words of `texts` (one document each) by the compiled path (None where it
    does not apply) and by the Python path; and the compiled path's field lengths."""
    fast = fastanalysis.FastAnalyzer()
    compiled, python = PositionsPostings(way=0), PositionsPostings()
    compiled_words, python_words = fastanalysis.SegmentWords(), fastanalysis.SegmentWords()
    lengths = []
    for docnum, text in enumerate(texts):
        length = fast.add_text(text, compiled, docnum, compiled_words)
        if length is None:  # the Python path, as the writer takes it
            compiled.add(fast.positions(text, compiled_words), docnum, 1.0)
        lengths.append(length)
        python.add(fast.positions(text, python_words), docnum, 1.0)
    return (compiled, compiled_words), (python, python_words), lengths


def _assert_same_postings(texts: list[str]) -> None:
    (compiled, compiled_words), (python, python_words), lengths = _both_paths(texts)
    assert compiled.terms == python.terms
    assert compiled.bounds == python.bounds
    assert compiled_words.sorted() == python_words.sorted() == sorted(_words(texts))
    for text, length in zip(texts, lengths, strict=True):
        if length is not None:
            assert length == _whoosh_positions(text)[1], text


@pytest.mark.parametrize("text", _TRICKY)
def test_fast_analyzer_matches_whoosh(text: str) -> None:
    fast = fast_analyzer_for(ANALYZER)
    assert fast is not None
    expected, length = _whoosh_positions(text)
    words = fastanalysis.SegmentWords()
    found = fast.positions(text, words)
    assert found == expected
    assert sum(map(len, found.values())) == length
    assert words.sorted() == sorted(_words([text]))
    _assert_same_postings([text])


@needs_compiled
def test_compiled_path_takes_the_schema_texts() -> None:
    # what the compiled path must not leave to Python: ASCII, and ASCII but for marks
    fast = fastanalysis.FastAnalyzer()
    postings = PositionsPostings(way=0)
    for text in _TRICKY:
        length = fast.add_text(text, postings, 0)
        assert (length is None) == (fastanalysis.asciified(text) is None), text
        if text.isascii() or "¶" in text:
            assert length is not None, text


def _random_texts(rng: random.Random, count: int) -> list[str]:
    """Texts of the analyzer's whole input language: case, joiners, separators, accents,
    US in every neighbourhood."""
    pieces = ["US", "us", "U.S.", "Us", "x", "X", "I", "a", "THE", "the", "Talks", "1.5", "9",
              "_", "Chávez", "CHÁVEZ", "straße", "ß", "É", "İ", "Москва", "K"]
    joints = [" ", " ", " ", "", "-", ".", "'", "’", "..", ", ", "¶", "\u00a0", "\n", "''"]
    texts = []
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(0, 12)):
            parts += (rng.choice(pieces), rng.choice(joints))
        texts.append("".join(parts))
    return texts


def test_random_texts_match_whoosh() -> None:
    rng = random.Random(12)
    texts = _random_texts(rng, 4000)
    ascii_texts = [t for t in texts if t.isascii()]
    assert len(ascii_texts) >= 200
    fast = fastanalysis.FastAnalyzer()
    for text in texts:
        assert fast.positions(text) == _whoosh_positions(text)[0], repr(text)
    _assert_same_postings(texts)
    _assert_same_postings(ascii_texts)


def test_fast_analyzer_only_for_the_schema_analyzer() -> None:
    schema = build_schema()
    assert fast_analyzer_for(StemmingAnalyzer()) is None
    assert fast_analyzer_for(schema["tags"].analyzer) is None
    assert fast_analyzer_for(schema["refid"].analyzer) is None
    body = fast_analyzer_for(schema["body"].analyzer)
    assert body is not None
    # one per process, so its term cache outlives segments
    assert fast_analyzer_for(schema["subject"].analyzer) is body


def test_asciified_texts_keep_their_tokens() -> None:
    rng = random.Random(3)
    alphabet = "aZ9_.. ,\n'’¶§\u00a0–é\u0130KUS"  # separators, a joiner, word characters
    texts = ["".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(20_000)]
    texts += ["¶1. (C) U.S.¶", "x¶.y", "a.¶b", "US¶US", "Qadhafi’s", "’US’", "İSTANBUL ¶"]
    made = 0
    for text in texts:
        found = fastanalysis.asciified(text)
        if found is None:
            # only a non-ASCII word character (one that needs folding) is refused
            assert any(c.isalnum() and not c.isascii() for c in text), repr(text)
            continue
        made += 1
        assert found.isascii()
        assert [(t.term, t.pos, t.word) for t in analyze(found)] == [
            (t.term, t.pos, t.word) for t in analyze(text)
        ], repr(text)
    assert made >= 5000


def test_encoded_positions_give_back_whoosh_values() -> None:
    rng = random.Random(4)
    fmt = Positions()
    lists = [[0], [127], [128], [16383], [16384], [65536], [3, 70_000, 70_001], list(range(1001))]
    lists.append([2**32 - 1])
    for _ in range(3000):
        gaps = rng.choices((1, 2, 7, 300, 70_000), k=rng.randint(1, 30))
        lists.append(list(accumulate(gaps, initial=rng.randrange(5))))
    for poslist in lists:
        encoded = encoded_positions(poslist)
        deltas = [b - a for a, b in zip([0, *poslist], poslist, strict=False)]
        assert encoded == blockcodec.varints(np.array(deltas)), poslist
    buffer = b"".join(encoded_positions(p) for p in lists)
    assert whoosh_values(buffer, map(len, lists)) == [fmt.encode(p) for p in lists]


@pytest.mark.parametrize("weights", [[1.0, 1.0], [2.0, 2.0], [1.0, 3.0], [2.5, 1.25], [0.5, 7.0]])
@pytest.mark.parametrize("ids", [[5, 9], [300, 70_000], [0, 2**32 - 1]])
def test_compact_block_loads_as_stock_tuple(ids: list[int], weights: list[float]) -> None:
    fmt = Positions()
    poslists = [[1, 4], [7]]
    stored = array("f", weights)
    known: dict[tuple[float, ...], Any] = {(1.0, 1.0): None, (2.0, 2.0): 2.0}
    expected_weights = known.get(tuple(weights), tuple(stored))
    positions = b"".join(map(encoded_positions, poslists))
    payload = blockcodec.encode(array("I", ids), stored, [2, 1], positions, 1.25)
    block = compact_block(payload)
    assert block.startswith(BLOCK_HEAD)
    loaded_ids, loaded_weights, loaded_values = pickle.loads(block)
    assert isinstance(loaded_ids, array) and loaded_ids.typecode == "I"
    assert tuple(loaded_ids) == (ids[0], ids[1] - ids[0])
    if isinstance(expected_weights, tuple):
        assert isinstance(loaded_weights, array) and loaded_weights.typecode == "f"
        assert tuple(loaded_weights) == expected_weights
    else:
        assert loaded_weights == expected_weights
    assert list(loaded_values) == [fmt.encode(p) for p in poslists]
    assert loaded_values[1] == fmt.encode([7]) and loaded_values[:1] == [fmt.encode([1, 4])]
    # weights of a plain field cost nothing: 1.25 and 2.5 are the counts times the factor
    mode = blockcodec.Parts(payload).mode
    assert (mode == blockcodec.WEIGHTS_COUNTS) == (weights == [2.5, 1.25])


@needs_real_cables
def test_fast_analyzer_on_real_cable_text() -> None:
    texts = list(_real_bodies()[:40])
    assert sum(not t.isascii() for t in texts) >= 10  # pilcrows: the asciified path is tested
    fast = fastanalysis.FastAnalyzer()
    for text in texts:
        assert fast.positions(text) == _whoosh_positions(text)[0]
    _assert_same_postings(texts)


# --- whole indexes ------------------------------------------------------------------------


def test_same_index_as_stock(stock: Path, fast: Path) -> None:
    _assert_same_index(stock, fast)
    assert all(_search(fast, q) for q in QUERIES[:8])  # the queries do find things


@pytest.mark.usefixtures("python_path")
def test_python_path_same_index_as_stock(stock: Path, tmp_path: Path) -> None:
    add_documents(tmp_path, iter(DOCS), procs=1)
    _assert_same_index(stock, tmp_path)


def _tricky_ascii_texts(rng: random.Random) -> list[str]:
    """ASCII texts with dots and apostrophes in every place, "_", digits, case, US in all
    contexts, long tokens, and posting values of every size: more than 1000 positions, gaps
    past 255 and 65535."""
    words = [w for w in _WORDS if w.isascii()]
    pieces = [*words, "U.S.", "u.n", "a..b", ".5", "x.", "1.5.6", "..", "3_000", "_", "'",
              "O'Grady", "it's", "x'", "'x", "a''b", "US", "US's", "us", "THE", "LET",
              "NEGOTIATIONS", "Talks", "e.g.,", "09BAGHDAD113", "I", "x" * 300, "\t", "--"]
    texts = [" ".join(rng.choices(pieces, k=rng.choice((0, 1, 5, 80, 700)))) for _ in range(300)]
    texts += [t for t in _TRICKY if t.isascii()]
    texts.append(" ".join(f"w{k}" for k in range(200)))  # a term per word: many new terms
    texts += ["x " * 1001, "y " * 300, "US " * 1001]
    texts.append("gap " + "f " * 300 + "gap " + "g " * 70_000 + "gap US US")
    return texts


@needs_compiled
def test_compiled_analysis_same_postings_as_python() -> None:
    assert fastwrite.speedups is not None
    texts = _tricky_ascii_texts(random.Random(11))
    fmt = Positions()
    # a cache that starts over every few documents, and one that never does
    for limit in (50, 500_000):
        fast = fastanalysis.FastAnalyzer()
        fast._compiled = fastwrite.speedups.TokenCache(
            fastanalysis.US_MIXED, fastanalysis.US_CAPS, limit
        )
        compiled = PositionsPostings(way=0)
        other_field = PositionsPostings(way=1)  # shares the cache's terms
        words = fastanalysis.SegmentWords()
        for docnum, text in enumerate(texts):
            expected = fast.positions(text)
            assert fast.add_text(text, compiled, docnum, words) == sum(map(len, expected.values()))
            assert fast.add_text(text[:40], other_field, docnum) is not None
        reference = PositionsPostings()
        reference_words = fastanalysis.SegmentWords()
        for docnum, text in enumerate(texts):
            reference.add(fast.positions(text, reference_words), docnum, 1.0)
        assert compiled.terms == reference.terms
        assert compiled.bounds == reference.bounds
        assert compiled.bounds  # terms past one block of 128 postings
        shorter = PositionsPostings()
        for docnum, text in enumerate(texts):
            shorter.add(fast.positions(text[:40]), docnum, 1.0)
        assert other_field.terms == shorter.terms
        assert words.sorted() == reference_words.sorted() == sorted(_words(texts))
        assert fast._compiled.tokens() <= max(limit, 1000)
    # and every value is Whoosh's own encoding of the document's positions
    for docnum, text in enumerate(texts[-4:], len(texts) - 4):
        for term, poslist in _whoosh_positions(text)[0].items():
            docs, _, counts, vals, _ = compiled.expand(term, 1.0)
            assert whoosh_values(vals, counts)[list(docs).index(docnum)] == fmt.encode(poslist)


@needs_compiled
def test_words_are_recorded_once_per_segment_stamp() -> None:
    # the token cache outlives segments: a new segment's words must hold the tokens the
    # cache already knew
    fast = fastanalysis.FastAnalyzer()
    postings = PositionsPostings(way=0)
    first, second = fastanalysis.SegmentWords(), fastanalysis.SegmentWords()
    assert fast.add_text("Talks on talks LET US", postings, 0, first) == 6
    assert fast.add_text("talks US", postings, 1, second) == 2
    assert fast.add_text("THE TALKS", postings, 2, first) == 2
    assert first.sorted() == ["let", "on", "talks", "the", "u.s", "us"]
    assert second.sorted() == ["talks", "u.s"]


@needs_compiled
def test_compiled_analysis_leaves_other_texts_to_python() -> None:
    fast = fastanalysis.FastAnalyzer()
    assert fastwrite.speedups is not None
    postings = PositionsPostings(way=0)
    assert fast.add_text("Straße talks", postings, 0) is None  # a word to fold
    assert postings.terms == {}
    assert fast.add_text("¶ talks ¶", postings, 0) == 1  # marks only: made ASCII
    # a term function that gives "" for a token: the Python path indexes those (as Whoosh
    # does); the compiled path refuses from then on
    cache = fastwrite.speedups.TokenCache(fastanalysis.US_MIXED, fastanalysis.US_CAPS)

    def term(token: str) -> str:
        return "" if token == "zz" else token

    terms: dict[str, tuple[bytearray, bytearray]] = {}
    assert cache.index_text("aa bb", term, terms, {}, 1, 0, 0, None, 1) == 2
    assert cache.index_text("aa zz", term, terms, {}, 1, 0, 1, None, 1) is None
    assert cache.index_text("aa bb", term, terms, {}, 1, 0, 2, None, 1) is None
    assert set(terms) == {"aa", "bb"}
    with pytest.raises(TypeError):
        fastwrite.speedups.TokenCache(("u.s",), ())


@needs_compiled
def test_compiled_analysis_refuses_a_call_inside_a_call() -> None:
    # a term function runs Python code, which can let another thread into the same cache:
    # that call must not change the cache under the first one (it takes the Python path)
    assert fastwrite.speedups is not None
    cache = fastwrite.speedups.TokenCache(fastanalysis.US_MIXED, fastanalysis.US_CAPS)
    inner: list[int | None] = []

    def term(token: str) -> str:
        inner.append(cache.index_text("other words", term, {}, {}, 2, 1, 0, None, 1))
        return token

    terms: dict[str, tuple[bytearray, bytearray]] = {}
    assert cache.index_text("alpha beta", term, terms, {}, 1, 0, 0, None, 1) == 2
    assert inner == [None, None] and sorted(terms) == ["alpha", "beta"]
    assert cache.index_text("other words", term, {}, {}, 3, 1, 0, None, 1) == 2  # free again


def test_postings_take_boosts() -> None:
    postings = PositionsPostings()
    postings.add({"a": [0, 2], "b": [1]}, 0, 2.0)
    postings.add({"a": [0]}, 1, 1.0)
    docs, weights, _, _, _ = postings.expand("a", 1.5)
    assert (list(docs), list(weights)) == ([0, 1], [2 * 1.5 * 2.0, 1.5])


def test_exact_mode_writes_stock_bytes(stock: Path, tmp_path: Path) -> None:
    add_documents(tmp_path, DOCS, procs=1, exact=True, compound=False)
    ours = index.open_dir(str(tmp_path))._segments()
    theirs = index.open_dir(str(stock))._segments()
    assert len(ours) == len(theirs) == 1
    compound = theirs[0].open_compound_file(FileStorage(str(stock)))
    try:
        names = [p.name for p in tmp_path.iterdir() if p.name.startswith(ours[0].segment_id())]
        # (the word list is ours alone: `indexer.wordlist`)
        names.remove(ours[0].segment_id() + WORDS_EXT)
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
    stock_index(tmp_path / "stock", docs)
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
@pytest.mark.parametrize("given", [iter, list], ids=["sent to the workers", "inherited"])
def test_worker_processes_and_many_segments(
    stock: Path, tmp_path: Path, procs: int, given: Any
) -> None:
    # (each process's term cache outlives its segments: later ones must not reuse entries)
    # an iterator's documents are sent to the workers, a list's read by them after the fork
    add_documents(tmp_path, given(DOCS), procs=procs, segment_docs=45)
    segments = index.open_dir(str(tmp_path))._segments()
    # a list's length is known: its segments are cut even over the workers (8 of 38, not
    # 7 of 45 or fewer)
    even = given is list and procs > 1
    assert [s.doc_count_all() for s in segments] == ([38] * 7 + [34] if even else [45] * 6 + [30])
    _assert_same_index(stock, tmp_path)


def _texts_words(docs: list[Doc]) -> list[str]:
    """What the word list of a segment of `docs` must hold: the words of their texts."""
    texts = [doc[name] for doc in docs for name in ("subject", "title", "body")]
    return sorted(_words([text for text in texts if isinstance(text, str)]))


@pytest.mark.parametrize(
    ("compiled", "procs"), [(True, 1), (False, 1), (True, 2)], ids=["compiled", "python", "procs2"]
)
def test_segment_word_lists_hold_their_texts_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiled: bool, procs: int
) -> None:
    # (one process's token cache outlives its segments: each list must still be complete)
    if compiled and fastwrite.speedups is None:
        pytest.skip("the compiled module is not built (or CABLES_NO_SPEEDUPS=1)")
    if not compiled:
        monkeypatch.setattr(fastwrite, "speedups", None)
    add_documents(tmp_path, iter(DOCS), procs=procs, segment_docs=45)
    segments = index.open_dir(str(tmp_path))._segments()
    assert [s.doc_count_all() for s in segments] == [45] * 6 + [30]
    for number, segment in enumerate(segments):
        words = read_segment_words(tmp_path, segment.segment_id())
        assert words == _texts_words(DOCS[45 * number : 45 * (number + 1)])
        assert read_segment_words(FileStorage(str(tmp_path)), segment.segment_id()) == words
    every = _texts_words(DOCS)
    # the classes of words the lists must get right were in the texts
    assert {"u.s", "us", "qadhafi's", "o'grady", "chavez", "erdogan", "strasse", "1.5"} <= set(
        every
    )


def test_word_lists_live_and_die_with_their_segments(tmp_path: Path) -> None:
    add_documents(tmp_path, DOCS[:60], procs=1)
    add_documents(tmp_path, DOCS[60:100], procs=1)

    def lists() -> set[str]:
        return {p.name for p in tmp_path.iterdir() if p.name.endswith(WORDS_EXT)}

    ix = index.open_dir(str(tmp_path))
    ids = [s.segment_id() for s in ix._segments()]
    assert len(ids) == 2 and lists() == {i + WORDS_EXT for i in ids}  # beside the .seg files
    # a stock commit that keeps the segments keeps their lists
    with ix.writer() as writer:
        writer.delete_by_term("refid", DOCS[3]["refid"])
    assert lists() == {i + WORDS_EXT for i in ids}
    # a stock merge replaces them by a segment of its own, without a list: Whoosh's
    # clean_files deletes the merged segments' lists with their other files
    ix.writer().commit(optimize=True)
    (merged,) = index.open_dir(str(tmp_path))._segments()
    assert lists() == set()
    assert read_segment_words(tmp_path, merged.segment_id()) is None


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
    stock_index(reference, DOCS + MORE)
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
@pytest.mark.parametrize("given", [iter, list], ids=["sent to the workers", "inherited"])
def test_failure_commits_nothing_and_cleans_up(tmp_path: Path, procs: int, given: Any) -> None:
    add_documents(tmp_path, DOCS[:5], procs=1)
    before = sorted(p.name for p in tmp_path.iterdir())
    bad = [*DOCS[5:100], {"refid": "X", "no_such_field": "boom"}]
    with pytest.raises((RuntimeError, Exception), match="no_such_field"):
        add_documents(tmp_path, given(bad), procs=procs, segment_docs=30)
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
    stock_index(tmp_path / "stock", docs)
    add_documents(tmp_path / "fast", docs, procs=2)
    _assert_same_index(tmp_path / "stock", tmp_path / "fast")
    assert _search(tmp_path / "fast", "embassy")
    with index.open_dir(str(tmp_path / "fast")).searcher() as searcher:
        parsed = QueryParser("body", searcher.schema).parse('"prime minister"')
        assert len(searcher.search(parsed)) > 0


def _trie_schema() -> Any:
    """The schema as it was before `created` kept one term per cable (Whoosh's trie of 8)."""
    schema = build_schema()
    schema["created"].shift_step = 8
    return schema


def test_the_writer_skips_terms_nothing_reads(tmp_path: Path) -> None:
    """`created` keeps one term a cable (not Whoosh's trie of 8), `record_hash` none: it is
    stored only (saved searches read it from there)."""
    add_documents(tmp_path, DOCS, procs=1)
    with index.open_dir(str(tmp_path)).reader() as reader:
        terms = list(reader.lexicon("created"))
        assert list(reader.lexicon("record_hash")) == []
        assert reader.stored_fields(0)["record_hash"] == DOCS[0]["record_hash"]
    assert len(terms) == len({d["created"] for d in DOCS if "created" in d})
    assert {t[0] for t in terms} == {0}  # the shift byte: every term is the exact time


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2004, 1, 1), datetime(2005, 12, 31, 23, 59)),
        # one minute around a document's time: within one cell of the trie's coarser terms
        (DOCS[1]["created"] - timedelta(seconds=30), DOCS[1]["created"] + timedelta(seconds=30)),
        (None, datetime(2006, 7, 1)),
        (datetime(2008, 2, 29, 12), None),
    ],
)
def test_date_ranges_find_the_same_cables_in_trie_and_single_term_segments(
    tmp_path: Path, start: datetime | None, end: datetime | None
) -> None:
    """Whoosh's own `DateRange` and `Every("created")` on an index whose first segment was
    written with the trie (older indexes) and the second with one term a cable."""
    from whoosh import query as wq

    from indexer.layout import INDEX_NAME
    from indexer.whoosh_private import read_toc, write_toc

    add_documents(tmp_path, DOCS, procs=1, schema=_trie_schema())
    storage = FileStorage(str(tmp_path))
    toc = read_toc(storage, INDEX_NAME)
    new = fastwrite.write_segment(storage, build_schema(), MORE)
    write_toc(storage, INDEX_NAME, build_schema(), [*toc.segments, *new], toc.generation + 1)
    docs = DOCS + MORE
    dated = {d["refid"] for d in docs if "created" in d}
    expected = {
        d["refid"]
        for d in docs
        if "created" in d
        and (start is None or d["created"] >= start)
        and (end is None or d["created"] <= end)
    }
    assert expected and expected != dated  # the range cuts the documents
    with index.open_dir(str(tmp_path)).searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2

        def refids(q: Any) -> set[str]:
            return {searcher.stored_fields(n)["refid"] for n in searcher.docs_for_query(q)}

        assert refids(wq.DateRange("created", start, end)) == expected
        assert refids(wq.Every("created")) == dated


def test_stored_fields_keep_their_offsets(tmp_path: Path) -> None:
    """The stored-fields column is written with its documents' offsets, which Whoosh reads
    as they are (else it adds up every length of a segment when first reading one), and
    gives the same stored fields; exact mode writes stock's column, without them."""
    add_documents(tmp_path / "fast", DOCS, procs=1)
    add_documents(tmp_path / "exact", DOCS, procs=1, exact=True)
    for name, offsets in (("fast", True), ("exact", False)):
        with index.open_dir(str(tmp_path / name)).reader() as reader:
            assert [f["refid"] for _, f in reader.iter_docs()] == [d["refid"] for d in DOCS]
            ((segment, _),) = reader.leaf_readers()
            stored = segment._perdoc._readers["_stored"]  # the column reader those read
            assert stored._child.had_stored_offsets is offsets


_EXACT_VALUES = [
    "", " ", "09BAGHDAD113", "PREL PGOV  PREL", "a\tb\nc\r d\u00a0e", "İstanbul ŞIRNAK",
    "ΟΔΟΣ ΑΒ ΟΔΟΣ", "rice clinton Rice", "Embassy Baghdad", "straße STRASSE", "¶ 1.5 u.s.",
]  # fmt: skip


@pytest.mark.parametrize("value", _EXACT_VALUES)
def test_exact_fields_give_whooshs_own_terms(value: str) -> None:
    schema = build_schema()
    covered = []
    for name in schema.names():
        field = schema[name]
        terms = fastwrite._exact_terms(field)
        if terms is None:
            continue
        covered.append(name)
        assert sorted(terms(value)) == sorted(field.index(value)), (name, value)
    # every exact-match field that is indexed takes the short path
    assert sorted(covered) == [
        "classification", "classified_by", "classified_words", "origin", "origin_words",
        "record_hash", "references", "refid", "signed_by", "tags",
    ]  # fmt: skip


def test_other_analyzers_and_formats_go_through_whoosh() -> None:
    from whoosh import fields
    from whoosh.analysis import RegexTokenizer

    for field in (
        fields.KEYWORD(commas=True),
        fields.ID(analyzer=RegexTokenizer(r"\w+")),
        fields.TEXT(),
        fields.NUMERIC(),
        build_schema()["body"],
    ):
        assert fastwrite._exact_terms(field) is None
