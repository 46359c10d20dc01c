"""Whole posting lists as numpy arrays, for the search's bulk scoring and phrase checks.

`read(reader, field, text)` gives one segment's posting list of a term: document numbers,
weights and (on request) the encoded positions. Blocks that `indexer.fastwrite` wrote in its
raw layout (`whoosh_private.RAW_BLOCK_HEAD`: Positions fields; uncompressed, ids and weights as
arrays) are read straight from the bytes: no matcher, no zlib, and no unpickling of every
posting's positions when only ids and weights are needed. The other layouts Whoosh 2.7.4
writes (stock Whoosh's blocks, small compressed ones) are read through Whoosh's own
`W3LeafMatcher` one block at a time, inlined postings through their matcher. Every private
Whoosh name and byte layout this takes is in `indexer.whoosh_private`; a layout none of these
paths knows raises `whoosh_private.UnknownLayout` rather than being read some slower way.

Flow: the evaluation engine (`indexer.engine`, `indexer.phrases`) and the facet table
(`indexer.facets`) call `read` for every term of a query or facet.

`positions(...)` decodes the positions of chosen postings in one `pickle.loads` call (or in
compiled code), and `keys`/`groups_of` turn them into sorted (document, position) keys,
which is how `indexer.phrases` checks phrases over hundreds of thousands of candidate
documents.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.reading import TermNotFound

# the compiled decoder, or None where it is not built or CABLES_NO_SPEEDUPS=1
from .compiled import speedups as speedups
from .whoosh_private import (
    LONG_FRAME,
    POSITIONS_COUNT_LEN,
    POSITIONS_PICKLE_HEAD,
    POSTINGS_MAGIC_LEN,
    RAW_BLOCK_HEAD,
    RAW_TAIL_LEN,
    RAW_VALUES_MARK,
    RAW_WEIGHTS_NONE,
    RAW_WEIGHTS_ONE,
    SHORT_FRAME,
    WEIGHTS_ARRAY,
    UnknownLayout,
    leaf_blocks,
    posting_blocks,
    posting_bytes,
    w3_leaf,
)

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

_HEAD_LEN = len(RAW_BLOCK_HEAD)
_WEIGHTS_LEN = len(WEIGHTS_ARRAY)


@dataclass(frozen=True)
class Postings:
    """One segment's posting list of one term.

    `values` holds the postings' encoded values (Whoosh's `Positions.encode` bytes) as one
    buffer, posting i's value being `values[starts[i]:ends[i]]`; all three are None unless
    values were asked for.
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


def _group_cumsum(deltas: Ints, counts: Ints) -> Ints:
    """Running sums of `deltas` restarted at every group (`counts` long each, none empty)."""
    total = np.cumsum(deltas)
    firsts = np.cumsum(counts) - counts
    restarted: Ints = total - np.repeat(total[firsts] - deltas[firsts], counts)
    return restarted


def _read_raw(reader: Any, field_name: str, text: Any, values: bool) -> Postings | None:
    """A posting list in fastwrite's raw block layout, read from its bytes; None if it has
    another layout Whoosh reads (stock Whoosh's pickled or compressed blocks, inlined
    postings). A block that starts as a raw one but goes on otherwise is refused
    (`UnknownLayout`), not read slowly."""
    blob = posting_bytes(reader, field_name, text)
    if blob is None:
        return None
    if speedups is not None:
        # the compiled reader: the same arrays in one pass (~15x faster on long lists); it
        # answers None for anything but the raw layout, and the loop below then decides
        fast = speedups.read_blocks(blob, POSTINGS_MAGIC_LEN, values)
        if fast is not None:
            return _postings(field_name, text, *fast)
    id_parts: list[Any] = []
    weight_parts: list[Any] = []
    frame_parts: list[bytes] = []
    counts: list[int] = []
    for pos, end in posting_blocks(blob):
        data = blob.find(RAW_BLOCK_HEAD, pos, end)
        if data < 0:
            if counts:  # (a writer writes all of a posting list's blocks alike)
                raise UnknownLayout(f"{field_name}:{text!r} mixes block layouts")
            return None  # stock Whoosh's blocks (its pickles are protocol 2)
        at = data + _HEAD_LEN
        size = int.from_bytes(blob[at : at + 4], "little")
        n = size // 4
        id_parts.append(np.frombuffer(blob, dtype="<u4", count=n, offset=at + 4))
        counts.append(n)
        at += 4 + size + 2  # the ids, TUPLE, REDUCE
        tag = blob[at]
        if tag == RAW_WEIGHTS_NONE:
            weight_parts.append(np.ones(n))
            at += 1
        elif tag == RAW_WEIGHTS_ONE:
            weight = float(np.float32(np.frombuffer(blob, ">f8", 1, at + 1)[0]))
            weight_parts.append(np.full(n, weight))
            at += 9
        elif blob.startswith(WEIGHTS_ARRAY, at):
            wsize = int.from_bytes(blob[at + _WEIGHTS_LEN : at + _WEIGHTS_LEN + 4], "little")
            weight_parts.append(np.frombuffer(blob, "<f4", wsize // 4, at + _WEIGHTS_LEN + 4))
            at += _WEIGHTS_LEN + 4 + wsize + 2
        else:
            raise UnknownLayout(f"the weights of {field_name}:{text!r} are not a raw block's")
        if blob[at] != RAW_VALUES_MARK:
            raise UnknownLayout(f"the values of {field_name}:{text!r} are not a raw block's")
        if values:
            frame_parts.append(blob[at + 1 : end - RAW_TAIL_LEN])
    ids = _group_cumsum(np.concatenate(id_parts).astype(np.int64), np.array(counts))
    weights = np.concatenate(weight_parts).astype(np.float64)
    return _framed(field_name, text, ids, weights, b"".join(frame_parts) if values else None)


def _postings(
    field_name: str, text: Any, ids: bytes, weights: bytes, frames: bytes | None
) -> Postings:
    """`Postings` of the compiled reader's buffers (int64 ids, float64 weights)."""
    return _framed(
        field_name,
        text,
        np.frombuffer(ids, dtype=np.int64),
        np.frombuffer(weights, dtype=np.float64),
        frames,
    )


def _framed(
    field_name: str, text: Any, ids: Ints, weights: Floats, frames: bytes | None
) -> Postings:
    """`Postings` with the values cut out of `frames` (None: without values)."""
    if frames is None:
        return Postings(ids, weights)
    found = _frame_offsets(frames, len(ids))
    if found is None:
        raise UnknownLayout(f"the values of {field_name}:{text!r} are not framed bytes")
    return Postings(ids, weights, frames, *found)


def _frame_offsets(frames: bytes, count: int) -> tuple[Ints, Ints] | None:
    """(starts, ends) of the `count` values framed as pickle bytes opcodes in `frames`, or
    None unless they tile the buffer exactly (so no stray match of the pattern can pass)."""
    b = np.frombuffer(frames, dtype=np.uint8)
    if len(b) < 16:
        return _walk_frames(frames, count)
    at = np.flatnonzero(b[: len(b) - 4] == POSITIONS_PICKLE_HEAD[0])
    for k in range(1, len(POSITIONS_PICKLE_HEAD)):
        at = at[b[at + k] == POSITIONS_PICKLE_HEAD[k]]
    starts = at - POSITIONS_COUNT_LEN
    if len(starts) != count or (count and starts[0] < 2):
        return None
    short = b[starts - 2] == SHORT_FRAME
    sizes = np.where(short, b[starts - 1], 0).astype(np.int64)
    if not short.all():
        longs = np.flatnonzero(~short)
        if (starts[longs] < 5).any():
            return None
        sizes[longs] = _uint32(b, starts[longs] - 4, (1, 1 << 8, 1 << 16, 1 << 24))  # <u4
        if (b[starts[longs] - 5] != LONG_FRAME).any():
            return None
    heads = starts - np.where(short, 2, 5)
    ends = starts + sizes
    if heads[0] != 0 or ends[-1] != len(b) or (heads[1:] != ends[:-1]).any():
        return None
    return starts, ends


def _uint32(b: NDArray[np.uint8], at: Ints, scale: tuple[int, int, int, int]) -> Ints:
    """The 4-byte unsigned ints at offsets `at`, bytes weighted by `scale` (the byte order)."""
    raw = np.stack([b[at + k] for k in range(4)], axis=1).astype(np.int64)
    return raw @ np.array(scale, dtype=np.int64)


def _walk_frames(frames: bytes, count: int) -> tuple[Ints, Ints] | None:
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    while at < len(frames):
        if frames[at] == SHORT_FRAME:
            size, at = frames[at + 1], at + 2
        elif frames[at] == LONG_FRAME:
            size, at = int.from_bytes(frames[at + 1 : at + 5], "little"), at + 5
        else:
            return None
        starts.append(at)
        ends.append(at + size)
        at += size
    if len(starts) != count:
        return None
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


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
    deltas: list[int] = []
    weight_list: list[float] = []
    previous = 0
    # Whoosh 2.7's block format: each block's ids are delta-encoded from 0; chaining the
    # blocks (the first delta minus the last id of the block before) turns the whole list
    # into one cumulative sum
    for block, raw, block_values, last in leaf_blocks(leaf, values):
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
    return _with_values(ids_array, np.array(weight_list, dtype=np.float64), found, values)


def _with_values(ids: Ints, weights: Floats, found: list[bytes], values: bool) -> Postings:
    if not values:
        return Postings(ids, weights)
    found = [v or b"" for v in found]  # formats without values give None
    sizes = np.array([len(v) for v in found], dtype=np.int64)
    ends = np.cumsum(sizes)
    return Postings(ids, weights, b"".join(found), ends - sizes, ends)


# --- positions and phrases ----------------------------------------------------------------


def positions(postings: Postings, rows: Ints) -> tuple[Ints, Ints]:
    """(group, position) of every position of the postings at `rows`: group k holds row
    `rows[k]`'s positions, ascending. Decoded as `whoosh.formats.Positions.decode_positions`
    decodes them (a count, then the pickled deltas): in compiled code when built, else all
    in one `pickle.loads`."""
    assert postings.values is not None and postings.starts is not None
    assert postings.ends is not None
    if not len(rows):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.ascontiguousarray(postings.starts[rows], dtype=np.int64)
    ends = np.ascontiguousarray(postings.ends[rows], dtype=np.int64)
    if speedups is not None:
        try:
            raw_counts, raw_positions = speedups.decode_positions(
                postings.values, starts.tobytes(), ends.tobytes()
            )
        except ValueError:
            pass  # not the layout the decoder knows: let pickle decide
        else:
            counts = np.frombuffer(raw_counts, dtype=np.int64)
            groups = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
            return groups, np.frombuffer(raw_positions, dtype=np.int64)
    return _unpickled_positions(postings.values, starts, ends)


def _unpickled_positions(buf: bytes, starts: Ints, ends: Ints) -> tuple[Ints, Ints]:
    # each value's pickle without its PROTO and STOP, all inside one tuple
    pairs = zip(starts.tolist(), ends.tolist(), strict=True)
    body = b"".join([buf[a + POSITIONS_COUNT_LEN + 2 : z - 1] for a, z in pairs])
    lists = pickle.loads(b"\x80\x02(" + body + b"t.")
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    b = np.frombuffer(buf, dtype=np.uint8)
    declared = _uint32(b, starts, (1 << 24, 1 << 16, 1 << 8, 1))  # >u4
    if len(lists) != len(starts) or not counts.all() or (declared != counts).any():
        raise ValueError("posting values are not Whoosh Positions values")
    deltas = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    groups = np.repeat(np.arange(len(lists), dtype=np.int64), counts)
    return groups, _group_cumsum(deltas, counts)


def groups_of(found: Ints) -> Ints:
    """The distinct groups of ascending keys."""
    groups = found >> 32
    if not len(groups):
        return groups
    return groups[np.concatenate(([True], groups[1:] != groups[:-1]))]


def keys(groups: Ints, found: Ints) -> Ints:
    """group << 32 | position: one ascending key per position."""
    return (groups << 32) | found
