"""indexer.blockcodec: compact posting blocks round-trip, on the edge cases of the layout,
written and read by the compiled and the pure-Python paths alike, and equal to what stock
Whoosh writes and reads for the same documents."""

from __future__ import annotations

from array import array
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import needs_compiled
from helpers import stock_index
from whoosh import index

from indexer import blockcodec, fastwrite, postings
from indexer.analysis import term_of, word_of
from indexer.plainindex import add_documents

EDGE_NUMBERS = [0, 1, 127, 128, 16383, 16384, 2**21 - 1, 2**21, 2**28, 2**32 - 1, 2**35 - 1]


def test_varints_round_trip() -> None:
    numbers = np.array(EDGE_NUMBERS * 3, dtype=np.int64)
    encoded = blockcodec.varints(numbers)
    assert encoded == b"".join(blockcodec.varint(int(v)) for v in numbers)
    assert blockcodec.varint_lengths(numbers).sum() == len(encoded)
    assert blockcodec.read_varints(np.frombuffer(encoded, dtype=np.uint8)).tolist() == (
        numbers.tolist()
    )
    assert blockcodec.varints(np.zeros(0, dtype=np.int64)) == b""


@pytest.mark.parametrize("bad", [b"\x80", b"\x05\xff", b"\xff\xff\xff\xff\xff\x01"])
def test_varints_refuse_what_is_cut_or_too_long(bad: bytes) -> None:
    with pytest.raises(blockcodec.BadBlock):
        blockcodec.read_varints(np.frombuffer(bad, dtype=np.uint8))
    with pytest.raises(ValueError):
        blockcodec.varints(np.array([-1]))


@pytest.mark.parametrize(
    ("weights", "mode"),
    [
        ([1.0, 1.0, 1.0], blockcodec.WEIGHTS_ONE),
        ([2.5, 1.25, 5.0], blockcodec.WEIGHTS_COUNTS),  # counts x the field boost 1.25
        ([3.0, 3.0, 3.0], blockcodec.WEIGHTS_SAME),
        ([0.1, 7.0, 2.0], blockcodec.WEIGHTS_EACH),
    ],
)
def test_payload_round_trip_in_every_weight_mode(weights: list[float], mode: int) -> None:
    ids = [0, 1, 2**32 - 1]
    counts = [2, 1, 4]
    deltas = [0, 70_000, 5, 16384, 1, 1, 2**31]
    stored = array("f", weights)
    payload = blockcodec.encode(ids, stored, counts, blockcodec.varints(np.array(deltas)), 1.25)
    assert blockcodec.Parts(payload).mode == mode
    got_ids, got_weights, got_counts, got_deltas = blockcodec.decode(payload)
    assert np.cumsum(got_ids).tolist() == ids
    assert got_weights.tolist() == stored.tolist()
    assert got_counts.tolist() == counts and got_deltas.tolist() == deltas
    with pytest.raises(blockcodec.BadBlock):
        blockcodec.decode(payload[:-1])


# --- whole indexes -------------------------------------------------------------------------

FILLER = "filler"


def _edge_docs() -> list[dict[str, Any]]:
    """Documents whose terms hit the layout's edges: a term only at position 0, gaps past
    16383 and 65535, a posting of 1,500 positions, a term in one document, terms in 127 to
    257 documents (block boundaries at 128), and a document boost (weights of their own)."""
    docs: list[dict[str, Any]] = []
    for number in range(300):
        words = ["zero" if number == 0 else FILLER]
        for size in (127, 128, 129, 256, 257):
            if number < size:
                words.append(f"in{size}")
        if number % 7 == 0:
            words += ["often"] * (1 + number % 5)
        docs.append({"refid": f"09EDGE{number:04d}", "body": " ".join(words), "tags": "PREL"})
    docs[3]["body"] += " once"
    docs[4]["body"] = "gap " + "f " * 20_000 + "gap " + "g " * 70_000 + "gap " + docs[4]["body"]
    docs[5]["body"] = " ".join(["many"] * 1500) + " " + docs[5]["body"]
    docs[6]["_boost"] = 2.0
    return docs


DOCS = _edge_docs()
WORDS = ["zero", "gap", "many", "once", "often", "in127", "in128", "in129", "in256", "in257"]
TERMS = {word: term_of(word_of(word)) for word in WORDS}  # the index's terms: stems


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stock_index(tmp_path_factory.mktemp("stock"), DOCS)


def _whoosh_postings(folder: Path, term: str) -> tuple[list[int], list[float], list[list[int]]]:
    """A term's body postings as stock Whoosh's matcher reads them."""
    with index.open_dir(str(folder)).reader() as reader:
        m = reader.postings("body", term)
        ids, weights, lists = [], [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            lists.append(m.value_as("positions"))
            m.next()
    return ids, weights, lists


def _ours(folder: Path, term: str) -> tuple[list[int], list[float], list[list[int]]]:
    with index.open_dir(str(folder)).reader() as reader:
        (leaf, _), = reader.leaf_readers()
        found = postings.read(leaf, "body", term, values=True)
        assert found is not None
        assert postings._read_raw(leaf, "body", term, False) is not None  # compact blocks
        groups, where = postings.positions(found, np.arange(len(found.ids)))
    lists: list[list[int]] = [[] for _ in found.ids]
    for g, p in zip(groups.tolist(), where.tolist(), strict=True):
        lists[g].append(p)
    return found.ids.tolist(), found.weights.tolist(), lists


@pytest.mark.parametrize("write", [pytest.param(True, marks=needs_compiled), False],
                         ids=["compiled-writer", "python-writer"])  # fmt: skip
@pytest.mark.parametrize("read", [pytest.param(True, marks=needs_compiled), False],
                         ids=["compiled-reader", "numpy-reader"])  # fmt: skip
def test_edge_postings_round_trip(
    stock: Path, tmp_path: Path, write: bool, read: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not write:
        monkeypatch.setattr(fastwrite, "speedups", None)
    add_documents(tmp_path, iter(DOCS), procs=1)
    monkeypatch.setattr(fastwrite, "speedups", fastwrite.speedups if write else None)
    if not read:
        monkeypatch.setattr(postings, "speedups", None)
    for term in TERMS.values():
        expected = _whoosh_postings(stock, term)
        # stock Whoosh reads our compact blocks (through `w3_block`) as it reads its own
        assert _whoosh_postings(tmp_path, term) == expected, term
        assert _ours(tmp_path, term) == expected, term
    assert _whoosh_postings(stock, TERMS["gap"])[2] == [[0, 20_001, 90_002]]
    assert _whoosh_postings(stock, TERMS["zero"])[2] == [[0]]
    assert len(_whoosh_postings(stock, TERMS["many"])[2][0]) == 1500
    assert len(_whoosh_postings(stock, TERMS["in257"])[0]) == 257
