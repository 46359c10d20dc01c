"""indexer.postings: whole posting lists read from the bytes equal what Whoosh's matchers read."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import needs_compiled
from helpers import stock_index
from whoosh import index
from whoosh.reading import TermNotFound

from indexer import phrases, postings, whoosh_private
from indexer.blockcodec import varint
from indexer.phrases import Alternatives, intersect_sorted, union_ids
from indexer.plainindex import add_documents

WORDS = ["oil", "talks", "minister", "baghdad", "security", "said", "would", "government"]


def _docs(count: int) -> list[dict[str, Any]]:
    rng = random.Random(3)
    docs: list[dict[str, Any]] = []
    for number in range(count):
        words = rng.choices(WORDS, k=rng.choice((1, 12, 90)))
        if number % 50 == 0:
            words += ["said"] * 300  # a value past 255 bytes: a long frame
        docs.append(
            {
                "refid": f"09TEST{number:04d}",
                "subject": " ".join(rng.choices(WORDS, k=4)),
                "body": " ".join(words),
                "tags": "PREL PGOV",
            }
        )
    return docs


DOCS = _docs(700)  # several blocks of 128 for the common words


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fast")
    add_documents(folder, DOCS, procs=1)
    return folder


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stock_index(tmp_path_factory.mktemp("stock"), DOCS)


@contextmanager
def _segment(folder: Path) -> Iterator[Any]:
    with index.open_dir(str(folder)).reader() as reader:
        leaves = reader.leaf_readers()
        assert len(leaves) == 1
        yield leaves[0][0]


def _values(found: postings.Postings) -> list[bytes]:
    assert found.values is not None and found.starts is not None and found.ends is not None
    return [found.values[a:z] for a, z in zip(found.starts, found.ends, strict=True)]


def _terms(reader: Any, field: str) -> list[bytes]:
    return [term for name, term in reader.all_terms() if name == field]


COMPILED = pytest.mark.parametrize(
    "compiled", [pytest.param(True, marks=needs_compiled), False], ids=["compiled", "python"]
)


@COMPILED
@pytest.mark.parametrize("field", ["body", "subject", "tags", "refid"])
def test_compact_blocks_read_as_the_matcher_reads_them(
    fast: Path, field: str, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not compiled:
        monkeypatch.setattr(postings, "speedups", None)  # the Python loop, as without it
    with _segment(fast) as reader:
        raw_lists = 0
        for term in _terms(reader, field):
            via_matcher = postings._read_matcher(reader.postings(field, term), values=True)
            found = postings.read(reader, field, term, values=True)
            assert found is not None
            assert found.ids.tolist() == via_matcher.ids.tolist()
            assert found.weights.tolist() == via_matcher.weights.tolist()
            assert _values(found) == _values(via_matcher)
            raw_lists += postings._read_raw(reader, field, term, True) is not None
        # positions fields are written in compact blocks, the others (no positions) are not
        assert (raw_lists > 0) == (field in ("body", "subject"))


def test_stock_blocks_read_through_the_matcher(stock: Path, fast: Path) -> None:
    with _segment(stock) as theirs, _segment(fast) as ours:
        for term in _terms(theirs, "body"):
            assert postings._read_raw(theirs, "body", term, True) is None
            a = postings.read(theirs, "body", term, values=True)
            b = postings.read(ours, "body", term, values=True)
            assert a is not None and b is not None
            assert a.ids.tolist() == b.ids.tolist()
            assert a.weights.tolist() == b.weights.tolist()
            assert _values(a) == _values(b)


@COMPILED
@pytest.mark.parametrize("which", ["stock", "fast"])
def test_pickled_blocks_read_from_their_bytes_as_the_matcher_reads_them(
    stock: Path, fast: Path, which: str, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh's own pickled blocks (every field of stock Whoosh's index; the fields without
    positions of ours), read without values from the bytes, in compiled code and with
    pickle: the matcher's ids and weights."""
    if not compiled:
        monkeypatch.setattr(postings, "speedups", None)
    from_bytes = 0
    with _segment(stock if which == "stock" else fast) as reader:
        for field in ("body", "subject", "tags", "refid"):
            for term in _terms(reader, field):
                via_matcher = postings._read_matcher(reader.postings(field, term), values=False)
                found = postings.read(reader, field, term)
                assert found is not None
                assert found.ids.tolist() == via_matcher.ids.tolist()
                assert found.weights.tolist() == via_matcher.weights.tolist()
                blob = whoosh_private.posting_bytes(reader, field, term)
                from_bytes += blob is not None and postings._read_pickled(blob) is not None
    assert from_bytes > 20
    if compiled and which == "fast":  # ours: the compiled reader reads every pickled list
        with _segment(fast) as reader:
            for field in ("tags", "refid"):
                for term in _terms(reader, field):
                    blob = whoosh_private.posting_bytes(reader, field, term)
                    if blob is not None:
                        assert postings.speedups.read_pickled_blocks(blob, 4) is not None


@pytest.mark.parametrize("which", ["stock", "fast"])
def test_term_table_finds_what_whoosh_finds(stock: Path, fast: Path, which: str) -> None:
    """`whoosh_private.TermTable` (the term table read in place) against Whoosh's own
    `term_info`, for every term of every field of stock Whoosh's index and of ours; a term or
    field the segment lacks is `TermNotFound` both ways."""
    with _segment(stock if which == "stock" else fast) as reader:
        table = whoosh_private._term_table(reader)
        assert table is not None
        checked = inlined = 0
        for field, term in reader.all_terms():
            info = reader.term_info(field, term)
            value = table.value(field, term)
            assert type(info).from_bytes(value).__dict__ == info.__dict__
            assert whoosh_private.posting_bytes(reader, field, term) == (
                whoosh_private._posting_bytes_of(reader, info)
            )
            checked += 1
            inlined += info.is_inlined()
        assert checked > 100 and inlined < checked
        for field, term in (("body", b"nosuchword"), ("nosuchfield", b"oil"), ("tags", b"oil")):
            with pytest.raises(TermNotFound):
                reader.term_info(field, term)
            with pytest.raises(TermNotFound):
                table.value(field, term)


def test_missing_term_is_none(fast: Path) -> None:
    with _segment(fast) as reader:
        assert postings.read(reader, "body", "nosuchword") is None


@COMPILED
def test_positions_decode_as_whoosh(
    fast: Path, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not compiled:
        monkeypatch.setattr(postings, "speedups", None)  # the numpy path, as without it
    with _segment(fast) as reader:
        for term in ("said", "oil", "govern"):
            found = postings.read(reader, "body", term, values=True)
            assert found is not None and len(found.ids) > 128
            # what Whoosh's own matcher decodes from the same blocks (`w3_block`)
            m = reader.postings("body", term)
            whoosh_lists = []
            while m.is_active():
                whoosh_lists.append(m.value_as("positions"))
                m.next()
            rows = np.arange(0, len(found.ids), 3)
            groups, found_positions = postings.positions(found, rows)
            expected = [whoosh_lists[r] for r in rows]
            got: list[list[int]] = [[] for _ in rows]
            for g, pos in zip(groups.tolist(), found_positions.tolist(), strict=True):
                got[g].append(pos)
            assert got == expected
            if term == "said":  # 300 repeats: payloads past 255 bytes, long frames
                assert max(len(p) for p in expected) > 300


def test_positions_of_no_rows(fast: Path) -> None:
    with _segment(fast) as reader:
        found = postings.read(reader, "body", "oil", values=True)
        assert found is not None
        groups, where = postings.positions(found, np.zeros(0, dtype=np.int64))
        assert len(groups) == len(where) == 0


@COMPILED
def test_positions_decoder_refuses_what_is_not_whole_varints(
    compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not compiled:
        monkeypatch.setattr(postings, "speedups", None)
    value = b"\x05\x80\x02\x00"  # 5, 256 (two bytes), 0: positions 5, 261, 261
    at = np.array([0], dtype=np.int64)
    found = postings.Postings(at, at.astype(np.float64), value, at, np.array([len(value)]))
    groups, where = postings.positions(found, np.array([0]))
    assert where.tolist() == [5, 261, 261] and groups.tolist() == [0, 0, 0]
    cut = postings.Postings(at, at.astype(np.float64), value, at, np.array([2]))
    with pytest.raises(ValueError):  # ends inside the varint of 256
        postings.positions(cut, np.array([0]))
    if compiled:
        with pytest.raises(ValueError):  # past the buffer
            ends = np.array([99], dtype=np.int64).tobytes()
            postings.speedups.decode_positions(value, at.tobytes(), ends)


def _corrupt_first_compact_block(folder: Path, part: str) -> None:
    """Overwrite, in the first compact block of the segment file, its weight mode (`part`
    "head": a mode that does not exist) or its envelope's REDUCE ("envelope")."""
    from indexer.whoosh_private import BLOCK_HEAD, BLOCK_TAIL

    (seg,) = folder.glob("*.seg")
    data = bytearray(seg.read_bytes())
    at = data.index(BLOCK_HEAD) + len(BLOCK_HEAD)
    assert data[at] == ord("C")  # a short payload: its size in one byte
    if part == "head":
        at += 2 + 1  # the frame, then n
        assert data[at] < 4
        data[at] = 9
    else:
        at = data.index(BLOCK_TAIL, at) + 1
        data[at] = ord("X")
    seg.write_bytes(bytes(data))


@COMPILED
@pytest.mark.parametrize("part", ["head", "envelope"])
def test_a_compact_block_that_does_not_decode_is_refused_not_read_slowly(
    tmp_path: Path, part: str, compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from indexer.whoosh_private import UnknownLayout

    if not compiled:
        monkeypatch.setattr(postings, "speedups", None)

    folder = tmp_path / "index"
    add_documents(folder, [{"refid": "09TEST1", "body": "oil talks oil", "tags": "PREL"}], procs=1)
    _corrupt_first_compact_block(folder, part)
    refused = 0
    with _segment(folder) as reader:
        for field in ("body", "subject", "tags"):
            for term in _terms(reader, field):
                try:
                    postings.read(reader, field, term)
                except UnknownLayout as exc:
                    assert "cables index --rebuild" in str(exc)
                    refused += 1
    assert refused == 1


def test_sorted_intersection_is_numpys() -> None:
    """`phrases.intersect_sorted` against `np.intersect1d` on ascending arrays without
    repeats: empty ones, disjoint ones, one inside the other, far apart sizes."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        sizes = rng.choice([0, 1, 2, 5, 100, 5000], size=2)
        top = int(rng.choice([3, 50, 10_000, 2**40]))
        a, b = (np.unique(rng.integers(0, top, size=int(n))).astype(np.int64) for n in sizes)
        expected = np.intersect1d(a, b, assume_unique=True)
        got = intersect_sorted(a, b)
        assert got.dtype == np.int64 and got.tolist() == expected.tolist()


def _random_postings(rng: np.random.Generator, docs: int, density: float) -> postings.Postings:
    """A made-up posting list with positions: ascending ids, each posting 1-12 ascending
    positions (some past 127, so varints of two bytes) as varints of their deltas."""
    ids = np.flatnonzero(rng.random(docs) < density).astype(np.int64)
    values = bytearray()
    starts, ends = [], []
    for _ in ids:
        top = int(rng.choice([20, 400]))
        where = np.unique(rng.integers(0, top, size=int(rng.integers(1, 13))))
        starts.append(len(values))
        values += b"".join(map(varint, np.diff(where, prepend=0).tolist()))
        ends.append(len(values))
    return postings.Postings(
        ids, np.ones(len(ids)), bytes(values), np.array(starts, np.int64), np.array(ends, np.int64)
    )


@needs_compiled
def test_compiled_phrase_placement_is_the_numpy_one() -> None:
    """`phrases.placed` through `_speedups.phrase_match` and through its numpy twin, on made-up
    phrases of 1-4 positions (some with two alternative terms), exact and within slops 1-5:
    the same candidates, over 300 cases that find some and miss others."""
    rng = np.random.default_rng(5)
    found_some = missed_some = 0
    for _ in range(300):
        docs = int(rng.choice([5, 30, 120]))
        slots: list[Alternatives] = []
        for k in range(int(rng.integers(1, 5))):
            terms = [
                _random_postings(rng, docs, float(rng.choice([0.3, 0.9])))
                for _ in range(int(rng.choice([1, 1, 2])))
            ]
            slots.append([(found, f"w{k}.{n}".encode()) for n, found in enumerate(terms)])
        candidates = union_ids(slots[0])
        for alternatives in slots[1:]:
            candidates = intersect_sorted(candidates, union_ids(alternatives))
        slop = int(rng.choice([0, 0, 1, 2, 5]))
        compiled = phrases.placed(slots, candidates, slop)
        expected = phrases._placed(slots, candidates, slop)
        assert compiled.dtype == np.bool_ and compiled.tolist() == expected.tolist()
        found_some += bool(expected.any())
        missed_some += bool(len(expected) and not expected.all())
    assert found_some > 50 and missed_some > 50


@needs_compiled
def test_compiled_phrase_placement_refuses_positions_out_of_their_buffer() -> None:
    ids = np.array([3], dtype=np.int64)
    spec = [[(ids, b"\x01\x02", np.array([0], np.int64), np.array([9], np.int64))]]
    with pytest.raises(ValueError, match="varints of posting positions"):
        postings.speedups.phrase_match(ids, spec, 0)
    cut = [[(ids, b"\x81", np.array([0], np.int64), np.array([1], np.int64))]]
    with pytest.raises(ValueError, match="varints of posting positions"):
        postings.speedups.phrase_match(ids, cut, 1)
