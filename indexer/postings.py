"""Whole posting lists as numpy arrays, for the search's bulk scoring and phrase checks.

`read(reader, field, text)` gives one segment's posting list of a term: document numbers,
weights and (on request) the encoded positions. The compact blocks `indexer.fastwrite` writes
for Positions fields (`indexer.blockcodec`: uncompressed varints) are read straight from the
bytes: no matcher, no zlib, no unpickling, positions only when asked for. The other layouts
Whoosh 2.7.4 writes (stock Whoosh's blocks, small compressed ones) are read through Whoosh's own
`W3LeafMatcher` one block at a time, inlined postings through their matcher. Every private
Whoosh name and byte layout this takes is in `indexer.whoosh_private`; a layout none of these
paths knows raises `whoosh_private.UnknownLayout` rather than being read some slower way.

Flow: the evaluation engine (`indexer.engine`, `indexer.phrases`) and the facet table
(`indexer.facets`) call `read` for every term of a query or facet.

`positions(...)` decodes the positions of chosen postings in compiled code (or in one numpy
pass), and `keys`/`groups_of` turn them into sorted (document, position) keys,
which is how `indexer.phrases` checks phrases over hundreds of thousands of candidate
documents.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.reading import TermNotFound

from . import blockcodec
from .blockcodec import read_varints, restarted_cumsum, varint_ends, varint_lengths, varints

# the compiled decoder, or None where it is not built or CABLES_NO_SPEEDUPS=1
from .compiled import speedups as speedups
from .whoosh_private import (
    BLOCK_HEAD,
    BLOCK_TAIL,
    LONG_FRAME,
    POSITIONS_COUNT_LEN,
    POSITIONS_PICKLE_HEAD,
    POSTINGS_MAGIC_LEN,
    SHORT_FRAME,
    UnknownLayout,
    decode_deltas,
    leaf_blocks,
    pickled_blocks,
    posting_blocks,
    posting_bytes,
    w3_leaf,
)

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

_HEAD_LEN = len(BLOCK_HEAD)


@dataclass(frozen=True)
class Postings:
    """One segment's posting list of one term.

    `values` holds the postings' positions as one buffer of varints (each posting's position
    deltas, the first from 0: `indexer.blockcodec`, whatever layout they were read from),
    posting i's being `values[starts[i]:ends[i]]`; all three are None unless values were
    asked for.
    """

    ids: Ints  # segment-local document numbers, ascending
    weights: Floats
    values: bytes | None = None
    starts: Ints | None = None
    ends: Ints | None = None


def read(reader: Any, field_name: str, text: Any, values: bool = False) -> Postings | None:
    """The posting list of `text` in `field_name` of one segment reader, or None when the
    segment does not hold the term."""
    try:  # one term lookup, not a membership test and then another
        found = _read_raw(reader, field_name, text, values)
        if found is not None:
            return found
        return _read_matcher(reader.postings(field_name, text), values)
    except TermNotFound:
        return None


def _read_raw(reader: Any, field_name: str, text: Any, values: bool) -> Postings | None:
    """A posting list in compact blocks (`indexer.blockcodec`), read from its bytes; None if
    it has another layout Whoosh reads (stock Whoosh's pickled or compressed blocks, inlined
    postings). A block that starts as a compact one but does not decode is refused
    (`UnknownLayout`), not read slowly."""
    blob = posting_bytes(reader, field_name, text)
    if blob is None:
        return None
    if speedups is not None:
        # the compiled reader: the same arrays in one pass (~15x faster on long lists); it
        # answers None for anything but compact blocks, and the loop below then decides
        fast = speedups.read_blocks(blob, POSTINGS_MAGIC_LEN, values)
        if fast is not None:
            ids, weights, stream, starts, ends = fast
            i = np.frombuffer(ids, dtype=np.int64)
            w = np.frombuffer(weights, dtype=np.float64)
            if stream is None or starts is None or ends is None:
                return Postings(i, w)
            a = np.frombuffer(starts, dtype=np.int64)
            return Postings(i, w, stream, a, np.frombuffer(ends, dtype=np.int64))
    blocks: list[blockcodec.Parts] = []
    try:
        for pos, end in posting_blocks(blob):
            data = blob.find(BLOCK_HEAD, pos, end)
            if data < 0:
                if blocks:  # (a writer writes all of a posting list's blocks alike)
                    raise UnknownLayout(f"{field_name}:{text!r} mixes block layouts")
                # Whoosh's own blocks (pickled: the fields without positions, and stock
                # Whoosh's): read from the bytes, not through the matcher's file reads
                return None if values else _read_pickled(blob)
            at = data + _HEAD_LEN
            head = 2 if blob[at] == SHORT_FRAME else 5
            if blob[at] not in (SHORT_FRAME, LONG_FRAME) or not blob.endswith(BLOCK_TAIL, 0, end):
                raise blockcodec.BadBlock("not a compact block's envelope")
            blocks.append(blockcodec.Parts(blob, at + head, end - len(BLOCK_TAIL)))
        return _decoded(blocks, values)
    except blockcodec.BadBlock as exc:
        raise UnknownLayout(f"the blocks of {field_name}:{text!r} do not decode: {exc}") from exc


def _decoded(blocks: list[blockcodec.Parts], values: bool) -> Postings:
    """A posting list from its compact blocks, each part of all blocks decoded at once."""
    def joined(parts: list[bytes]) -> NDArray[np.uint8]:
        return np.frombuffer(b"".join(parts), dtype=np.uint8)

    sizes = np.array([b.n for b in blocks], dtype=np.int64)
    deltas = read_varints(joined([b.ids for b in blocks]))
    counts = read_varints(joined([b.counts for b in blocks]))
    if len(deltas) != sizes.sum() or len(counts) != len(deltas) or not counts.all():
        raise blockcodec.BadBlock("ids or counts short")
    ids = restarted_cumsum(deltas, sizes)
    firsts = np.cumsum(sizes) - sizes
    weights = np.concatenate(
        [
            blockcodec.block_weights(b.mode, b.weights, counts[f : f + b.n])
            for b, f in zip(blocks, firsts.tolist(), strict=True)
        ]
    ).astype(np.float64)
    if not values:
        return Postings(ids, weights)
    stream = b"".join([b.positions for b in blocks])
    found = varint_ends(np.frombuffer(stream, dtype=np.uint8))
    lasts = np.cumsum(counts)
    if len(found) != lasts[-1] or (len(stream) and found[-1] != len(stream)):
        raise blockcodec.BadBlock("positions short")
    ends = found[lasts - 1]
    starts = np.concatenate(([0], ends[:-1]))
    return Postings(ids, weights, stream, starts, ends)


def _read_pickled(blob: bytes) -> Postings | None:
    """A posting list in Whoosh's pickled blocks, without values, read from its bytes (the
    same arrays as `_read_matcher`, ~5x faster: `tag:prel` reads ~1,000 blocks; in compiled
    code, `_speedups.read_pickled_blocks`, ~10x faster again)."""
    if speedups is not None:
        fast = speedups.read_pickled_blocks(blob, POSTINGS_MAGIC_LEN)
        if fast is not None:
            raw_ids, raw_weights = fast
            return Postings(np.frombuffer(raw_ids, dtype=np.int64), np.frombuffer(raw_weights))
    blocks = pickled_blocks(blob)
    if blocks is None:
        return None
    ids, weights, _ = _chained(blocks)
    return Postings(ids, weights)


def _read_matcher(m: Any, values: bool) -> Postings:
    """A posting list through Whoosh's matcher: a W3 block at a time where it can (stock
    Whoosh's blocks), one posting at a time for inlined postings (a few at most)."""
    leaf = w3_leaf(m)
    found: list[bytes] = []
    if leaf is None:
        ids: list[int] = []
        weights: list[float] = []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            if values:
                found.append(m.value())
            m.next()
        return _with_values(np.array(ids, dtype=np.int64), np.array(weights), found, values)
    ids_array, weight_array, block_values = _chained(leaf_blocks(leaf, values))
    return _with_values(ids_array, weight_array, block_values, values)


def _chained(
    blocks: Iterable[tuple[list[int], Any, list[Any], int]],
) -> tuple[Ints, Floats, list[Any]]:
    """(ids, weights, values) of a posting list from its W3 blocks, each (id deltas from 0,
    weights as stored, values, last id)."""
    deltas: list[int] = []
    weight_list: list[float] = []
    found: list[Any] = []
    previous = 0
    # Whoosh 2.7's block format: each block's ids are delta-encoded from 0; chaining the
    # blocks (the first delta minus the last id of the block before) turns the whole list
    # into one cumulative sum
    for block, raw, block_values, last in blocks:
        block[0] -= previous
        previous = last
        deltas.extend(block)
        if raw is None:
            weight_list.extend([1.0] * len(block))
        elif isinstance(raw, float):
            weight_list.extend([float(np.float32(raw))] * len(block))
        else:
            weight_list.extend(raw)
        found.extend(block_values)
    ids_array = np.cumsum(np.array(deltas, dtype=np.int64))
    return ids_array, np.array(weight_list, dtype=np.float64), found


def _with_values(ids: Ints, weights: Floats, found: list[bytes], values: bool) -> Postings:
    """`Postings` with Whoosh's values (`Positions.encode` bytes) turned into the compact
    blocks' varints, so that `positions` has one layout to decode. Values of other formats
    (a Frequency field's count, None) have no positions: empty."""
    if not values:
        return Postings(ids, weights)
    lists = _whoosh_deltas(found)
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    # the byte offset after each varint, and 0 before the first
    after = np.concatenate(([0], np.cumsum(varint_lengths(deltas)))).astype(np.int64)
    lasts = np.cumsum(counts)
    return Postings(ids, weights, varints(deltas), after[lasts - counts], after[lasts])


def _whoosh_deltas(found: list[Any]) -> list[list[int]]:
    """The position deltas of each Whoosh `Positions` value, in one `pickle.loads`; [] for a
    value that is not one."""
    if not found or not all(
        isinstance(v, bytes) and v.startswith(POSITIONS_PICKLE_HEAD, POSITIONS_COUNT_LEN)
        for v in found
    ):
        return [decode_deltas(v) if _is_positions(v) else [] for v in found]
    # each value's pickle without its PROTO and STOP, all inside one tuple
    body = b"".join([v[POSITIONS_COUNT_LEN + 2 : -1] for v in found])
    lists: list[list[int]] = pickle.loads(b"\x80\x02(" + body + b"t.")
    return lists


def _is_positions(value: Any) -> bool:
    return isinstance(value, bytes) and value.startswith(POSITIONS_PICKLE_HEAD, POSITIONS_COUNT_LEN)


# --- positions and phrases ----------------------------------------------------------------


def positions(postings: Postings, rows: Ints) -> tuple[Ints, Ints]:
    """(group, position) of every position of the postings at `rows`: group k holds row
    `rows[k]`'s positions, ascending. Decoded from the varints of position deltas (see
    `indexer.blockcodec`): in compiled code when built, else in one numpy pass."""
    assert postings.values is not None and postings.starts is not None
    assert postings.ends is not None
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.ascontiguousarray(postings.starts[rows], dtype=np.int64)
    ends = np.ascontiguousarray(postings.ends[rows], dtype=np.int64)
    if speedups is not None:
        raw_counts, raw_positions = speedups.decode_positions(
            postings.values, starts.tobytes(), ends.tobytes()
        )
        counts = np.frombuffer(raw_counts, dtype=np.int64)
        groups = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        return groups, np.frombuffer(raw_positions, dtype=np.int64)
    return _numpy_positions(postings.values, starts, ends)


def _numpy_positions(buf: bytes, starts: Ints, ends: Ints) -> tuple[Ints, Ints]:
    """`positions` without the compiled decoder: the chosen values' bytes gathered, then
    decoded together."""
    sizes = ends - starts
    # the byte offsets of every chosen value, value after value
    at = np.arange(int(sizes.sum()), dtype=np.int64)
    at += np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
    chosen = np.frombuffer(buf, dtype=np.uint8)[at]
    deltas = read_varints(chosen)
    # a value's count: the varints that end inside it
    ended = np.concatenate(([0], np.cumsum(chosen < 0x80)))
    counts = np.diff(ended[np.cumsum(sizes)], prepend=0)
    groups = np.repeat(np.arange(len(starts), dtype=np.int64), counts)
    return groups, restarted_cumsum(deltas, counts)


def groups_of(found: Ints) -> Ints:
    """The distinct groups of ascending keys."""
    groups = found >> 32
    if not len(groups):
        return groups
    return groups[np.concatenate(([True], groups[1:] != groups[:-1]))]


def keys(groups: Ints, found: Ints) -> Ints:
    """group << 32 | position: one ascending key per position."""
    return (groups << 32) | found
