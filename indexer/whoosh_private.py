"""The boundary with Whoosh's private side: every private attribute and byte layout of
Whoosh 2.7.4 that the project relies on lives here, and nowhere else.

The fast writer (`indexer.fastwrite`) writes segments byte for byte as Whoosh's own W3 codec
would, and the reader (`indexer.postings`, `indexer.searching`, `indexer.viewfile`) reads
them in bulk, without Whoosh's per-posting objects. Both depend on Whoosh internals that
have no public API and no stability promise (Whoosh has had no release since 2016): codec
classes, term-info and block layouts, private attribute names. So this module

- checks the Whoosh version at import: any other version than `SUPPORTED` is refused with
  one line saying what to install (`UnsupportedWhoosh`), never silently slowed down or
  misread;
- holds the byte layouts both sides share (the raw posting block, below);
- holds the accessors of private attributes, one section for each side.

Public Whoosh API (`whoosh.query`, `whoosh.fields`, `whoosh.index.open_dir`, ...) is used
directly by the modules that need it; only what is private goes through here.

>>> SUPPORTED
(2, 7, 4)
>>> RAW_BLOCK_HEAD.startswith(b"\\x80\\x03")
True
"""

from __future__ import annotations

import struct
import sys
from array import array
from operator import sub
from pickle import dumps
from typing import Any

import whoosh
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.index import TOC, clean_files
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length as byte_to_length
from whoosh.util.numeric import length_to_byte as length_to_byte

from .errors import CablesError

#: the one Whoosh version whose internals this module knows
SUPPORTED = (2, 7, 4)


class UnsupportedWhoosh(CablesError):
    """Whoosh is not the version whose files and internals the project knows."""

    def __init__(self, found: tuple[int, ...]) -> None:
        have = ".".join(map(str, found))
        want = ".".join(map(str, SUPPORTED))
        super().__init__(
            f"cables needs Whoosh {want} (this Python has {have}) - "
            f"run `pip install 'whoosh=={want}'`"
        )


def check_version(found: tuple[int, ...] | None = None) -> None:
    """Raise `UnsupportedWhoosh` unless `found` (default: the installed Whoosh) is supported.

    >>> check_version((2, 7, 4))
    >>> check_version((2, 8, 0))
    Traceback (most recent call last):
    ...
    indexer.whoosh_private.UnsupportedWhoosh: cables needs Whoosh 2.7.4 (this Python has 2.8.0) - run `pip install 'whoosh==2.7.4'`
    """  # noqa: E501
    version = tuple(whoosh.__version__) if found is None else found
    if version[:3] != SUPPORTED:
        raise UnsupportedWhoosh(version)


check_version()


# --- shared: the raw posting block ---------------------------------------------------------
#
# Blocks of Positions fields (`termwrite.TermWriter.write_frames`, not in exact mode) are
# stored uncompressed (compression 0 in the block info) and pickled by hand in this layout:
#   RAW_BLOCK_HEAD, <u4 n, n bytes of uint32 LE id deltas, b"tR",
#   weights: b"N" (all 1.0) | b"G" + >f8 (all equal) | WEIGHTS_ARRAY, <u4 n, float32 LE, b"tR",
#   b"(", the framed values, b"t\x87."
# Stock Whoosh unpickles it to (array("I") deltas, weights, values tuple), which its reader
# handles as it handles its own tuples. The search reads ids and weights straight from the
# bytes (`indexer.postings`), without unpickling every posting's positions or inflating the
# block, which is most of what a term lookup costs; the price is a larger index (positions
# are not compressed).
ARRAY_REDUCE = b"carray\n_array_reconstructor\n(carray\narray\nX\x01\x00\x00\x00"
IDS_ARRAY = ARRAY_REDUCE + b"IK\x06B"  # typecode "I", UNSIGNED_INT32_LE, BINBYTES
WEIGHTS_ARRAY = ARRAY_REDUCE + b"fK\x0eB"  # typecode "f", IEEE_754_FLOAT_LE, BINBYTES
RAW_BLOCK_HEAD = b"\x80\x03" + IDS_ARRAY


# --- write side: what the fast writer needs of Whoosh's codec and index files ---------------
#
# The fast writer (`indexer.fastwrite` and the modules it uses) writes W3 segments itself, so
# it knows the W3 codec's files byte for byte: posting blocks, term infos, the term index,
# value encodings, and the index's TOC and file names. Everything of that is here; the
# compiled twin of the posting-block writer (`_speedups.write_term`) writes the same layout.

#: `W3Codec()` defaults, which stock `ix.writer()` uses: postings per block (128), zlib level
#: (3); the compiled block writer assumes 128 too
BLOCK_LIMIT: int = W3Codec()._blocklimit
COMPRESSION: int = W3Codec()._compression
#: the 4 bytes that start every posting list in the `.pst` file (`WHOOSH3_HEADER_MAGIC`)
BLOCK_MAGIC: bytes = WHOOSH3_HEADER_MAGIC
#: `W3TermInfo._struct`: flags, total weight, doc freq, min/max length bytes, max weight,
#: first/last docnum; then (postings not inlined) offset (`pack_long`) and length
#: (`pack_int`) in the `.pst` file
TERMINFO: struct.Struct = W3TermInfo._struct
_OFFSET = struct.Struct("!q")  # whoosh.system.pack_long
#: `whoosh.system.pack_uint`: a Positions value's count, a Frequency value (4 bytes)
UINT = struct.Struct("!I")
# (imported above and exported: `length_to_byte`, `byte_to_length`, field lengths quantized
# to one byte as Whoosh stores them in the lengths column and block infos, and back)


def new_segment(storage: Any, indexname: str, stored_level: int | None = None) -> tuple[Any, Any]:
    """A new W3 segment and its per-document writer (`W3Codec.new_segment`,
    `W3Codec.per_document_writer`), as stock `SegmentWriter` makes them. `stored_level`: the
    zlib level of the stored-fields column (private `_colwriters["_stored"]._child._level`;
    the reader inflates any level), None for the codec's own."""
    codec = W3Codec()
    segment = codec.new_segment(storage, indexname)
    perdoc = codec.per_document_writer(storage, segment)
    if stored_level is not None:
        perdoc._colwriters["_stored"]._child._level = stored_level
    return segment, perdoc


def create_term_files(segment: Any, storage: Any) -> tuple[Any, dict[str, int], Any]:
    """A segment's term index (an `OrderedHashWriter` over its `.trm` file), the field map
    stored in its extras (field name -> number: the first 2 bytes of every key, see
    `term_key_prefix`), and its postings file (`.pst`), in the order stock creates them."""
    tindex = OrderedHashWriter(segment.create_file(storage, W3Codec.TERMS_EXT))
    fieldmap: dict[str, int] = {}
    tindex.extras["fieldmap"] = fieldmap
    postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
    return tindex, fieldmap, postfile


def term_key_prefix(field_number: int) -> bytes:
    """The start of a term-index key: the field's number (`pack_ushort`); the term's UTF-8
    bytes follow."""
    return bytes(pack_ushort(field_number))


def encode_positions(poslist: list[int]) -> bytes:
    """`whoosh.formats.Positions.encode`: the count, then the position deltas pickled with
    protocol 2."""
    return bytes(pack_uint(len(poslist))) + dumps(list(map(sub, poslist, [0, *poslist])), 2)


def block_info(
    count: int, last_id: int, maxweight: float, compression: int, minlength: Any, maxlength: int
) -> bytes:
    """A posting block's info, as `W3PostingsWriter._write_block` pickles it (protocol 2):
    postings, last docnum, max weight, zlib level (0: stored raw), min and max field length
    (quantized; a min of None is byte 0)."""
    lengths = length_to_byte(minlength), length_to_byte(maxlength)
    return dumps((count, last_id, maxweight, compression, *lengths), 2)


def posting_block(infobytes: bytes, databytes: bytes, last: bool) -> bytes:
    """A block as it sits in the `.pst` file: its length (`pack_int`, negative for a term's
    last block), its info, its data."""
    size = len(infobytes) + len(databytes)
    return b"".join((pack_int(-size if last else size), infobytes, databytes))


def term_info(
    total: float,
    doc_freq: int,
    minlength_byte: int,
    maxlength_byte: int,
    maxweight: float,
    first: int,
    last: int,
    offset: int,
    length: int,
) -> bytes:
    """A term's `W3TermInfo.to_bytes()` for postings not inlined, at `offset` in the
    `.pst` file and `length` bytes long."""
    info = TERMINFO.pack(0, total, doc_freq, minlength_byte, maxlength_byte, maxweight, first, last)
    return info + _OFFSET.pack(offset) + bytes(pack_int(length))


def mini_ids(ids: array[int]) -> tuple[int, ...]:
    """`W3PostingsWriter._mini_ids`: a block's docnums as differences from the previous one."""
    return tuple(map(sub, ids, [0, *ids]))


def mini_weights(weights: array[float]) -> Any:
    """`W3PostingsWriter._mini_weights`: None if all 1.0, one float if all equal, else a tuple."""
    # array.count compares with ==, as stock's all(w == ...) does, but in C
    count = len(weights)
    if weights.count(1.0) == count:
        return None
    if weights.count(weights[0]) == count:
        return weights[0]
    return tuple(weights)


def mini_values(values: list[bytes], fixedsize: int | None) -> Any:
    """`W3PostingsWriter._mini_values` for a format of `fixed_value_size()` `fixedsize` (the
    block writer drops empty values)."""
    if fixedsize == 0:
        return None
    if fixedsize is not None and fixedsize > 0:
        return b"".join(values)
    return tuple(filter(None, values))


_BIG_BYTES = struct.Struct("<I")  # pickle BINBYTES length
_DOUBLE = struct.Struct(">d")  # pickle BINFLOAT


def _array_op(values: array[Any], head: bytes) -> bytes:
    """pickle opcodes rebuilding `values` (an array of the type `head` names)."""
    if sys.byteorder == "big":  # the machine format codes in the heads are little-endian
        values = array(values.typecode, values)
        values.byteswap()
    data = values.tobytes()
    return b"".join((head, _BIG_BYTES.pack(len(data)), data, b"tR"))  # ... TUPLE, REDUCE


def raw_block(ids: array[int], stored_weights: array[float], frames: bytes | bytearray) -> bytes:
    """A block's data in the raw block layout (above): the pickle of (delta ids, mini
    weights, values tuple), the values already framed as pickle bytes opcodes."""
    id_part = _array_op(array("I", mini_ids(ids)), IDS_ARRAY)
    mini = mini_weights(stored_weights)
    if mini is None:
        weight_part = b"N"  # NONE
    elif isinstance(mini, float):
        weight_part = b"G" + _DOUBLE.pack(mini)  # BINFLOAT
    else:
        weight_part = _array_op(stored_weights, WEIGHTS_ARRAY)
    # PROTO 3 ... MARK values TUPLE, TUPLE3, STOP
    return b"".join((b"\x80\x03", id_part, weight_part, b"(", frames, b"t\x87."))


def create_index(storage: Any, schema: Any, indexname: str) -> None:
    """An empty index of `schema` in `storage`: its first TOC (`TOC.create`)."""
    TOC.create(storage, schema, indexname)


def read_toc(storage: Any, indexname: str) -> Any:
    """The index's latest TOC (`whoosh.index.TOC.read`: `.schema`, `.segments`,
    `.generation`); raises `whoosh.index.EmptyIndexError` when there is none."""
    return TOC.read(storage, indexname)


def write_toc(
    storage: Any, indexname: str, schema: Any, segments: list[Any], generation: int
) -> None:
    """Writes the TOC listing `segments` as `generation`: the commit point (`TOC.write`)."""
    TOC(schema, segments, generation).write(storage, indexname)


def toc_file_name(indexname: str, generation: int) -> str:
    """The file name of a generation's TOC (`TOC._filename`: `_MAIN_7.toc`)."""
    name: str = TOC._filename(indexname, generation)
    return name


def toc_files_glob(indexname: str) -> str:
    """A glob matching every TOC file of the index (`TOC._pattern`)."""
    return f"_{indexname}_*.toc"


def clean_unlisted(storage: Any, indexname: str, generation: int, segments: list[Any]) -> None:
    """Deletes the index's files that the TOC of `generation` does not list: older TOCs, and
    every file named after a segment not in `segments` (`whoosh.index.clean_files`)."""
    clean_files(storage, indexname, generation, segments)


def write_lock(storage: Any, indexname: str) -> Any:
    """The lock stock writers take (`ix.lock("WRITELOCK")`: `<indexname>_WRITELOCK`)."""
    return storage.lock(f"{indexname}_WRITELOCK")


def temp_dir_name(indexname: str) -> str:
    """The scratch folder of the per-document writers (`<indexname>.tmp`), which stock
    writers remove at commit."""
    return f"{indexname}.tmp"


def delete_documents(
    storage: Any, schema: Any, segments: list[Any], field: str, values: set[str]
) -> None:
    """Marks deleted, in `segments` (segment objects of a TOC), the documents whose `field`
    holds one of `values` (`SegmentReader` per segment, `segment.delete_document`): the
    deletions are written with the next TOC; no segment file changes."""
    for segment in segments:
        reader = SegmentReader(storage, schema, segment)
        try:
            for value in values:
                if (field, value) in reader:
                    for docnum in reader.postings(field, value).all_ids():
                        segment.delete_document(docnum)
        finally:
            reader.close()


# --- read side: what the bulk reader needs of Whoosh's readers, matchers and files ----------
