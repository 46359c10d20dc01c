"""The compact posting block of Positions fields (index format 3), in pure Python and numpy.

Where it sits: both sides. The segment writer (`indexer.termwrite`, and its compiled twin
`_speedups.write_term`) encodes a block of up to 128 postings into it; the search
(`indexer.postings`, and its compiled twin `_speedups.read_blocks`) reads whole posting
lists of it in bulk; stock Whoosh's own code reads it through the pickle envelope that
`indexer.whoosh_private` wraps around it (`w3_block`), slowly but to the very tuple its
reader expects.

A block's payload is unsigned LEB128 varints (7 bits a byte, low bits first, the high bit
set on every byte but the last of a number) and a few fixed-size numbers:

    n, weight mode, ids size, counts size          4 varints
    weights                                        by mode (below)
    ids                                            n varints: each docnum minus the one
                                                   before (the first minus 0), as Whoosh's
                                                   blocks delta-code them
    counts                                         n varints: positions of each posting
    positions                                      for each posting, its positions as
                                                   varints, each minus the one before
                                                   (the first minus 0): Whoosh's Positions
                                                   deltas, without a pickle around them

Weight modes (float32 weights, as Whoosh's block writer keeps them): 0 all 1.0; 1 each is
float32(count * factor) for one float64 `factor` (8 bytes LE; the field boost, so a plain
field's weights cost nothing: Whoosh's weight of a Positions posting is its frequency times
the field boost); 2 all the same float32 (4 bytes LE); 3 one float32 LE each. The writer
takes the first mode that holds, in that order.

Why varints and not bit-packed blocks: a posting's positions are a handful of small numbers
(most postings of a 20,000-cable body hold 1 to 3), where bit-packing 128 at a time buys
little over a byte each and costs a per-block width; varints are decoded in one pass in C
and in one vectorized pass in numpy (`read_varints`), and are as simple to check.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Iterable, Sequence
from operator import sub

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int64]
Bytes = NDArray[np.uint8]

WEIGHTS_ONE, WEIGHTS_COUNTS, WEIGHTS_SAME, WEIGHTS_EACH = 0, 1, 2, 3
_FACTOR = struct.Struct("<d")
_SAME = struct.Struct("<f")
#: the most bytes a varint of a 32-bit number takes
MAX_VARINT = 5


class BadBlock(ValueError):
    """Bytes that are not a compact block (or not the varints they should be)."""


def varint(value: int) -> bytes:
    """One number as a varint."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def varint_lengths(values: Ints) -> Ints:
    """Bytes each of `values` (non-negative, below 2**35) takes as a varint."""
    v = np.asarray(values, dtype=np.int64)
    sizes: Ints = np.ones(len(v), dtype=np.int64)
    for k in range(1, MAX_VARINT):
        sizes += (v >> (7 * k)) > 0
    return sizes


def varints(values: Ints) -> bytes:
    """`values` (non-negative, below 2**35) as varints, one after another."""
    v = np.asarray(values, dtype=np.int64)
    if not len(v):
        return b""
    if int(v.min()) < 0 or int(v.max()) >> (7 * MAX_VARINT):
        raise ValueError("varints take numbers from 0 to 2**35 - 1")
    sizes = varint_lengths(v)
    starts = np.cumsum(sizes) - sizes
    out = np.zeros(int(sizes.sum()), dtype=np.uint8)
    for k in range(int(sizes.max())):
        has = sizes > k
        more = (sizes[has] > k + 1).astype(np.int64) << 7
        out[starts[has] + k] = ((v[has] >> (7 * k)) & 0x7F) | more
    return out.tobytes()


def read_varints(buf: Bytes) -> Ints:
    """Every varint of `buf` (uint8), in one vectorized pass; `BadBlock` unless `buf` is
    whole varints of at most `MAX_VARINT` bytes."""
    if not len(buf):
        return np.zeros(0, dtype=np.int64)
    last = buf < 0x80
    if not last[-1]:
        raise BadBlock("varints cut short")
    ends = np.flatnonzero(last)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    if int((ends - starts).max()) >= MAX_VARINT:
        raise BadBlock("a varint past 5 bytes")
    # the place of each byte in its number: its offset from the number's first byte
    number: Ints = np.cumsum(last) - last
    place = np.arange(len(buf), dtype=np.int64) - starts[number]
    parts = (buf & 0x7F).astype(np.int64) << (7 * place)
    found: Ints = np.add.reduceat(parts, starts)
    return found


def varint_ends(buf: Bytes) -> Ints:
    """The offset after each varint of `buf`."""
    ends: Ints = np.flatnonzero(buf < 0x80) + 1
    return ends


def _head(payload: bytes) -> tuple[list[int], int]:
    """The payload's 4 head varints, and the offset after them."""
    found: list[int] = []
    at = 0
    for _ in range(4):
        value = shift = 0
        while True:
            if at >= len(payload) or shift > 7 * (MAX_VARINT - 1):
                raise BadBlock("a block head cut short")
            byte = payload[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        found.append(value)
    return found, at


def weights_size(mode: int, n: int) -> int:
    """Bytes of a block's weights in `mode`."""
    if mode == WEIGHTS_ONE:
        return 0
    if mode == WEIGHTS_COUNTS:
        return _FACTOR.size
    if mode == WEIGHTS_SAME:
        return _SAME.size
    if mode == WEIGHTS_EACH:
        return 4 * n
    raise BadBlock(f"weight mode {mode}")


class Parts:
    """A block payload cut into its parts (no varint decoded but the head's)."""

    __slots__ = ("counts", "ids", "mode", "n", "positions", "weights")

    def __init__(self, payload: bytes, start: int = 0, end: int | None = None) -> None:
        view = payload[start:end] if start or end is not None else payload
        (n, mode, ids_size, counts_size), at = _head(view)
        wsize = weights_size(mode, n)
        self.n = n
        self.mode = mode
        self.weights = view[at : at + wsize]
        at += wsize
        self.ids = view[at : at + ids_size]
        at += ids_size
        self.counts = view[at : at + counts_size]
        at += counts_size
        self.positions = view[at:]
        if n < 1 or len(self.weights) != wsize or len(self.ids) != ids_size or (
            len(self.counts) != counts_size
        ):
            raise BadBlock("a block's parts overrun it")


def block_weights(mode: int, data: bytes, counts: Ints) -> NDArray[np.float32]:
    """A block's float32 weights from its mode, weight bytes and counts."""
    n = len(counts)
    if mode == WEIGHTS_ONE:
        return np.ones(n, dtype=np.float32)
    if mode == WEIGHTS_COUNTS:
        factor = _FACTOR.unpack(data)[0]
        found: NDArray[np.float32] = (counts.astype(np.float64) * factor).astype(np.float32)
        return found
    if mode == WEIGHTS_SAME:
        return np.full(n, _SAME.unpack(data)[0], dtype=np.float32)
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


_SMALL: list[bytes] = []


def _small_varints() -> list[bytes]:
    """The varint of every number of one or two varint bytes (built on first use)."""
    if not _SMALL:
        _SMALL.extend(varint(v) for v in range(1 << 14))
    return _SMALL


def _joined(values: Iterable[int]) -> bytes:
    small = _small_varints()
    limit = len(small)
    return b"".join([small[v] if v < limit else varint(v) for v in values])


def weight_mode(stored: array[float], counts: Sequence[int], factor: float) -> tuple[int, bytes]:
    """The first weight mode that gives back `stored` (an array("f")) exactly, and its bytes."""
    n = len(stored)
    if stored.count(1.0) == n:
        return WEIGHTS_ONE, b""
    # array("f") rounds each double to float32 as the C writer's cast does
    if array("f", [count * factor for count in counts]) == stored:
        return WEIGHTS_COUNTS, _FACTOR.pack(factor)
    if stored.count(stored[0]) == n:
        return WEIGHTS_SAME, _SAME.pack(stored[0])
    little = array("f", stored)
    if sys.byteorder == "big":
        little.byteswap()
    return WEIGHTS_EACH, little.tobytes()


def encode(
    ids: Sequence[int],
    stored: array[float],
    counts: Sequence[int],
    positions: bytes | bytearray,
    factor: float,
) -> bytes:
    """A block's payload: `ids` ascending docnums, `stored` their weights (an array("f")),
    `counts` their numbers of positions, `positions` the postings' position varints (each
    posting's deltas, as `indexer.postingbuf` keeps them), `factor` the field boost. Pure
    Python: blocks hold 128 postings at most, too few for numpy to pay."""
    id_bytes = _joined(map(sub, ids, [0, *ids[:-1]]))
    count_bytes = _joined(counts)
    mode, weight_bytes = weight_mode(stored, counts, factor)
    head = _joined((len(ids), mode, len(id_bytes), len(count_bytes)))
    return b"".join((head, weight_bytes, id_bytes, count_bytes, positions))


def decode(payload: bytes) -> tuple[Ints, NDArray[np.float32], Ints, Ints]:
    """A payload's (id deltas, float32 weights, counts, positions as deltas), checked."""
    parts = Parts(payload)
    deltas = read_varints(np.frombuffer(parts.ids, dtype=np.uint8))
    counts = read_varints(np.frombuffer(parts.counts, dtype=np.uint8))
    positions = read_varints(np.frombuffer(parts.positions, dtype=np.uint8))
    if len(deltas) != parts.n or len(counts) != parts.n or int(counts.sum()) != len(positions):
        raise BadBlock("a block's varints do not add up")
    weights = block_weights(parts.mode, parts.weights, counts)
    return deltas, weights, counts, positions


def restarted_cumsum(deltas: Ints, counts: Ints) -> Ints:
    """Running sums of `deltas` restarted at every group (`counts` long each)."""
    counts = counts[counts > 0]
    if not len(counts):
        return np.zeros(0, dtype=np.int64)
    total = np.cumsum(deltas)
    firsts = np.cumsum(counts) - counts
    restarted: Ints = total - np.repeat(total[firsts] - deltas[firsts], counts)
    return restarted
