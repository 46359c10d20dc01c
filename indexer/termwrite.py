"""A term's posting blocks and term info, written as Whoosh's W3 codec writes them.

Where it sits: file -> reader -> Cable -> document -> index; the last step of the segment
writer (`indexer.fastwrite.SegmentBuilder.finish`): a term's postings, kept in memory
(`indexer.postingbuf`), become W3 posting blocks in the segment's `.pst` file and a
`W3TermInfo` for its term index. Every byte layout involved is Whoosh's and lives in
`indexer.whoosh_private`; this module only decides what goes in each block.

Blocks hold 128 postings, with the same ids, weights, values, block stats and term infos
as stock Whoosh's. With `protocol` 2 (exact mode) every byte is stock's; otherwise block
data is pickled with protocol 5, blocks of Positions fields are compact blocks
(`indexer.blockcodec`, in the envelope of `whoosh_private.compact_block`) stored
uncompressed, small blocks are stored raw and the rest compressed at level 1 by ISA-L's
zlib-format compressor (`indexer.deflate`; see `indexer.fastwrite`).
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable
from pickle import dumps
from typing import Any

from whoosh import formats

from . import blockcodec
from .deflate import FAST_LEVEL, compress
from .postingbuf import Postings
from .whoosh_private import (
    BLOCK_LIMIT,
    BLOCK_MAGIC,
    COMPRESSION,
    block_info,
    byte_to_length,
    compact_block,
    length_to_byte,
    mini_ids,
    mini_values,
    mini_weights,
    posting_block,
    term_info,
)

__all__ = ["FAST_COMPRESSION", "TermWriter", "split_values"]

# (fast mode) the level of `deflate.compress`: the reader decompresses any level. (With the
# standard library's zlib, level 1 took ~40% less time than 3 on posting blocks: ~33 vs ~53
# us per 3 KB block, for ~5% larger compressed blocks.)
FAST_COMPRESSION = FAST_LEVEL
# (fast mode) pickled blocks shorter than this are stored raw: zlib's header, trailer and
# per-call setup cost more than it saves on them
_MIN_COMPRESS = 96


def split_values(postings: Postings) -> tuple[array[int], array[float], list[bytes]]:
    docs, weights, vals, ends = postings
    values = bytes(vals)
    starts = [0, *ends[:-1]]
    return docs, weights, [values[a:b] for a, b in zip(starts, ends, strict=True)]


class TermWriter:
    """Writes posting lists as `W3PostingsWriter` does (blocks of 128, pickled, zlib 3).

    `protocol` is the pickle protocol of each block's data tuple. Stock uses 2, which
    pickles every bytes value as a `_codecs.encode(str, "latin1")` call (about 40 bytes of
    overhead per posting, all of it to compress). The reader only calls `pickle.loads`, so
    a newer protocol reads back to the very same tuple, for a third of the bytes. Blocks of
    Positions fields (`write_frames`) are compact blocks, which Whoosh unpickles to the same
    tuple (`whoosh_private.w3_block`).
    """

    def __init__(
        self, postfile: Any, fmt: formats.Format, lengths: bytearray | None, protocol: int
    ) -> None:
        self._postfile = postfile
        self._fixedsize = fmt.fixed_value_size()
        self._field_boost = float(fmt.field_boost)
        self._lengths = lengths
        self._protocol = protocol
        # exact mode compresses every block, as stock does; otherwise blocks whose pickle
        # is too small for zlib to shrink are stored raw (compression 0 in the block info,
        # which the reader checks before decompressing)
        self._min_compress = 0 if protocol == 2 else _MIN_COMPRESS
        self._level = COMPRESSION if protocol == 2 else FAST_COMPRESSION
        # exact mode: stock's compressor (its bytes); else ISA-L's, the same format
        self._deflate = zlib.compress if protocol == 2 else compress

    def write(self, docs: array[int], weights: array[float], values: list[bytes]) -> bytes:
        """Writes one term's posting blocks; returns its W3TermInfo bytes."""
        protocol = self._protocol
        fixed = self._fixedsize

        def data(first: int, last: int, ids: array[int], stored: array[float]) -> bytes:
            mini = (mini_ids(ids), mini_weights(stored), mini_values(values[first:last], fixed))
            return dumps(mini, protocol)

        if len(docs) == 1:
            return self._write_one(docs[0], weights[0], data)
        return self._write_blocks(docs, weights, data)

    def write_frames(
        self,
        docs: array[int],
        weights: array[float],
        counts: array[int],
        positions: bytes | bytearray,
        bounds: list[int],
    ) -> bytes:
        """`write` for a Positions field's postings as `PositionsPostings` keeps them, in
        compact blocks (`indexer.blockcodec`): `counts` the positions of each posting,
        `positions` their varints, `bounds` the offsets in `positions` where each block
        of 128 ends."""
        starts = [0, *bounds]
        nbounds = len(bounds)
        factor = self._field_boost

        def data(first: int, last: int, ids: array[int], stored: array[float]) -> bytes:
            block = first // BLOCK_LIMIT
            end = bounds[block] if block < nbounds else len(positions)
            found = positions[starts[block] : end] if nbounds else positions
            payload = blockcodec.encode(ids, stored, counts[first:last], found, factor)
            return compact_block(payload)

        if len(docs) == 1:
            return self._write_one(docs[0], weights[0], data, raw=True)
        return self._write_blocks(docs, weights, data, raw=True)

    def _write_blocks(
        self,
        docs: array[int],
        weights: array[float],
        data: Callable[[int, int, array[int], array[float]], bytes],
        *,
        raw: bool = False,
    ) -> bytes:
        """The blocks of a term in more than one document; its W3TermInfo bytes. `raw`:
        blocks stored uncompressed."""
        parts = [BLOCK_MAGIC]
        total = 0.0
        maxweight: float = 0
        minlength: int | None = None
        maxlength = 0
        n = len(docs)
        for first in range(0, n, BLOCK_LIMIT):
            last = min(first + BLOCK_LIMIT, n)
            ids = docs[first:last]
            block_weights = weights[first:last]
            # the block writer keeps weights in an array("f"): float32 on disk and in sums
            stored_weights = array("f", block_weights)
            block_max = max(block_weights)
            block_maxweight = block_max if block_max > 0 else 0
            block_min, block_max_len = self._length_range(ids)
            databytes, comp = self._compress(data(first, last, ids, stored_weights), raw)
            infobytes = block_info(
                len(ids), ids[-1], block_maxweight, comp, block_min, block_max_len
            )
            parts.append(posting_block(infobytes, databytes, last == n))
            # W3TermInfo.add_block
            total += sum(stored_weights)
            if minlength is None:
                minlength = block_min
            elif block_min is not None:
                minlength = min(minlength, block_min)
            maxlength = max(maxlength, block_max_len)
            maxweight = max(maxweight, block_maxweight)
        blob = b"".join(parts)
        postfile = self._postfile
        start = postfile.tell()
        postfile.write(blob)
        return term_info(
            total,
            n,
            0 if minlength is None else length_to_byte(minlength),
            length_to_byte(maxlength),
            maxweight,
            docs[0],
            docs[-1],
            start,
            len(blob),
        )

    def _compress(self, pickled: bytes, raw: bool) -> tuple[bytes, int]:
        """A block's data bytes and its compression level (0 = stored raw)."""
        if raw or len(pickled) < self._min_compress:
            return pickled, 0
        return self._deflate(pickled, self._level), self._level

    def _write_one(
        self,
        docnum: int,
        weight: float,
        data: Callable[[int, int, array[int], array[float]], bytes],
        *,
        raw: bool = False,
    ) -> bytes:
        """`_write_blocks` for a term in one document (most terms): same bytes, less work."""
        stored = array("f", (weight,))
        databytes, comp = self._compress(data(0, 1, array("I", (docnum,)), stored), raw)
        maxweight = weight if weight > 0 else 0
        lengthbyte = self._lengths[docnum] if self._lengths is not None else 0
        # stock: block min length None (byte 0) when the doc has no length
        maxlength = byte_to_length(lengthbyte) if lengthbyte else 0
        infobytes = block_info(1, docnum, maxweight, comp, maxlength or None, maxlength)
        blob = BLOCK_MAGIC + posting_block(infobytes, databytes, True)
        postfile = self._postfile
        start = postfile.tell()
        postfile.write(blob)
        lengthbytes = length_to_byte(maxlength or None), length_to_byte(maxlength)
        return term_info(
            0 + stored[0], 1, *lengthbytes, maxweight, docnum, docnum, start, len(blob)
        )

    def _length_range(self, ids: array[int]) -> tuple[int | None, int]:
        """(min, max) field length of the block's docs, as the block writer tracks them.

        Stock reads lengths back from the lengths column (quantized by length_to_byte) and
        skips docs whose length is 0; None / 0 when no doc has one.
        """
        lengths = self._lengths
        if lengths is None:
            return None, 0
        found = bytes(map(lengths.__getitem__, ids)).replace(b"\x00", b"")
        if not found:
            return None, 0
        return int(byte_to_length(min(found))), int(byte_to_length(max(found)))
