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
- holds the byte layouts both sides share (the compact posting block's envelope, below);
- holds the accessors of private attributes, one section for each side.

Public Whoosh API (`whoosh.query`, `whoosh.fields`, `whoosh.index.open_dir`, ...) is used
directly by the modules that need it; only what is private goes through here.

>>> SUPPORTED
(2, 7, 4)
>>> BLOCK_HEAD.startswith(b"\\x80\\x03")
True
"""

from __future__ import annotations

import io
import struct
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from hashlib import md5
from operator import sub
from pickle import dumps, loads
from pickle import load as pickle_load
from typing import Any, cast, overload

import numpy as np
import whoosh
from numpy.typing import NDArray

from . import blockcodec
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

# the write side's private names, imported only once the version is known to be supported
# (another Whoosh gets the one-line message above, not an ImportError)
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo  # noqa: E402
from whoosh.filedb.filetables import OrderedHashWriter  # noqa: E402
from whoosh.index import TOC, clean_files  # noqa: E402
from whoosh.reading import SegmentReader  # noqa: E402
from whoosh.system import pack_int, pack_uint, pack_ushort  # noqa: E402
from whoosh.util.numeric import byte_to_length as byte_to_length  # noqa: E402
from whoosh.util.numeric import length_to_byte as length_to_byte  # noqa: E402

# --- shared: the compact posting block (index format 3) ----------------------------------
#
# Blocks of Positions fields (`termwrite.TermWriter.write_frames` and its compiled twin
# `_speedups.write_term`, not in exact mode) are stored uncompressed (compression 0 in the
# block info) as a pickle that Whoosh's block reader (`W3LeafMatcher._read_data`: `loads`)
# turns into the very tuple it expects, by calling `w3_block` on our own compact payload
# (`indexer.blockcodec`: varints, no pickle per posting):
#   BLOCK_HEAD (PROTO 3, GLOBAL indexer.whoosh_private w3_block), the payload as
#   SHORT_BINBYTES (b"C", 1-byte size) or BINBYTES (b"B", <u4 size), BLOCK_TAIL (TUPLE1,
#   REDUCE, STOP)
# So stock Whoosh's own code (its matchers, `value_as("positions")`, span and phrase
# queries, merges, deletions) still reads these blocks, each value decoded back to Whoosh's
# `Positions` encoding when asked for, while the search (`indexer.postings`) reads the
# payloads straight from the bytes in bulk. The field format stays `whoosh.formats.Positions`.
# The other way, a `Positions` subclass whose values are compact, was not taken: a block
# would still hold one framed bytes object per posting (2 bytes or more each) beside ids
# and weights in a layout of their own, so the search could not read a block's positions
# as one stream, and every index's schema would name the subclass. The price here is that
# the name `indexer.whoosh_private.w3_block` is written in every block and must stay
# importable (as `indexer.analysis.CablesAnalyzer` already must, for the schema).
BLOCK_HEAD = b"\x80\x03cindexer.whoosh_private\nw3_block\n"
BLOCK_TAIL = b"\x85R."
SHORT_FRAME, LONG_FRAME = ord("C"), ord("B")
_BIG_BYTES = struct.Struct("<I")  # pickle BINBYTES length


def compact_block(payload: bytes) -> bytes:
    """A block's data bytes around a compact payload (`indexer.blockcodec.encode`)."""
    size = len(payload)
    frame = b"C" + bytes((size,)) if size < 256 else b"B" + _BIG_BYTES.pack(size)
    return b"".join((BLOCK_HEAD, frame, payload, BLOCK_TAIL))


class PositionsValues(Sequence[bytes]):
    """A compact block's values as Whoosh's reader sees them: posting i's `Positions.encode`
    bytes, made when Whoosh asks for them (most of its reads want ids and weights only)."""

    __slots__ = ("_counts", "_deltas", "_firsts")

    def __init__(self, deltas: NDArray[np.int64], counts: NDArray[np.int64]) -> None:
        self._deltas = deltas.tolist()
        self._counts = counts.tolist()
        self._firsts = (np.cumsum(counts) - counts).tolist()

    def __len__(self) -> int:
        return len(self._counts)

    @overload
    def __getitem__(self, i: int) -> bytes: ...
    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...
    def __getitem__(self, i: int | slice) -> bytes | list[bytes]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        first = self._firsts[i]
        return encode_deltas(self._deltas[first : first + self._counts[i]])


def w3_block(payload: bytes) -> tuple[array[int], Any, PositionsValues]:
    """What stock Whoosh unpickles a compact block to: (id deltas, weights as
    `W3PostingsWriter._mini_weights` gives them, values), as it unpickles its own blocks."""
    deltas, weights, counts, positions = blockcodec.decode(payload)
    mini: Any
    if (weights == 1.0).all():
        mini = None
    elif (weights == weights[0]).all():
        mini = float(weights[0])
    else:
        mini = array("f", weights.tolist())
    return array("I", deltas.tolist()), mini, PositionsValues(positions, counts)


#: the index format a schema says its index is in (`set_index_format`), None before 3:
#: Whoosh pickles a `Schema`'s `__dict__` into every TOC, so an attribute set on it is kept
#: with the index and read back with its schema
_FORMAT_ATTRIBUTE = "cables_format"


def set_index_format(schema: Any, version: int) -> None:
    setattr(schema, _FORMAT_ATTRIBUTE, version)


def index_format(schema: Any) -> int | None:
    found = getattr(schema, _FORMAT_ATTRIBUTE, None)
    return found if isinstance(found, int) else None


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


def new_segment(
    storage: Any,
    indexname: str,
    stored_level: int | None = None,
    compress: Callable[[bytes, int], bytes] | None = None,
) -> tuple[Any, Any]:
    """A new W3 segment and its per-document writer (`W3Codec.new_segment`,
    `W3Codec.per_document_writer`), as stock `SegmentWriter` makes them. `stored_level` and
    `compress`: the level and the zlib-format compressor of the stored-fields column (private
    `_colwriters["_stored"]._child._level` and `._compress`; its reader inflates any level
    with `zlib.decompress`), None for the codec's own (zlib, level 3)."""
    codec = W3Codec()
    segment = codec.new_segment(storage, indexname)
    perdoc = codec.per_document_writer(storage, segment)
    stored = perdoc._colwriters["_stored"]._child
    if stored_level is not None:
        stored._level = stored_level
    if compress is not None:
        stored._compress = compress
        # (with our compressor: not exact mode) the documents' offsets are written too,
        # not only their lengths: Whoosh writes them for columns over 32,768 documents
        # (`VarBytesColumn`'s `write_offsets_cutoff`) and otherwise derives them from the
        # lengths in a Python loop whenever a segment's stored fields are first read, ~1.4
        # ms a segment of 20,000 (the readers of both layouts are Whoosh's own)
        stored.cutoff = 0
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
    return encode_deltas(list(map(sub, poslist, [0, *poslist])))


def encode_deltas(deltas: list[int]) -> bytes:
    """`encode_positions` of the positions whose deltas (the first from 0) are `deltas`."""
    return bytes(pack_uint(len(deltas))) + dumps(deltas, 2)


def decode_deltas(value: bytes) -> list[int]:
    """The position deltas of a `Positions.encode` value (its pickle after the count)."""
    found: list[int] = loads(value[4:])
    return found


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
#
# Where the fast path meets a layout it does not know, it raises `UnknownLayout` (one line,
# "run `cables index --rebuild`") instead of reading the index some slower way: a reader that
# is not a W3 segment reader, a compact block that does not decode (`blockcodec.BadBlock`),
# a posting list mixing block layouts, a lengths column that is not one byte a document.
# What stays is reading the other layouts Whoosh 2.7.4 itself writes, each through Whoosh's
# own code (stock blocks through `W3LeafMatcher`, inlined postings through their matcher),
# their `Positions` values unpickled in bulk and turned into the compact blocks' varints
# (`indexer.postings._with_values`), so the positions decoder knows one layout.

# imported after `check_version()`: another Whoosh may lack these names, and must get the
# one-line message, not an ImportError
from whoosh import index as _whoosh_index  # noqa: E402
from whoosh.codec.whoosh3 import LENGTHS_COLUMN as _LENGTHS_COLUMN  # noqa: E402
from whoosh.codec.whoosh3 import W3LeafMatcher as _W3LeafMatcher  # noqa: E402
from whoosh.codec.whoosh3 import _lenfield  # noqa: E402
from whoosh.filedb.filestore import FileStorage as _FileStorage  # noqa: E402
from whoosh.filedb.filetables import OrderedHashReader as _OrderedHashReader  # noqa: E402
from whoosh.filedb.structfile import BufferFile as _BufferFile  # noqa: E402
from whoosh.matching.wrappers import FilterMatcher as _FilterMatcher  # noqa: E402
from whoosh.query.terms import MultiTerm as _MultiTerm  # noqa: E402
from whoosh.reading import ReaderClosed, TermNotFound  # noqa: E402
from whoosh.util.numeric import byte_to_length as _byte_to_length  # noqa: E402


class UnknownLayout(CablesError):
    """Index files the fast read path does not know the layout of: refused, not read slowly."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"the index's files are not in the layout cables reads ({what}) - "
            "run `cables index --rebuild`"
        )


# A W3 posting list in the postings file (`W3PostingsWriter`): WHOOSH3_HEADER_MAGIC, then
# blocks, each after a big-endian int32 length that is negative for the last block.
POSTINGS_MAGIC_LEN = 4
# Positions values (`whoosh.formats.Positions.encode`): a big-endian uint32 count, then the
# protocol-2 pickle of the position deltas, which starts like this (PROTO 2, EMPTY_LIST,
# BINPUT 0) and ends with STOP.
POSITIONS_COUNT_LEN = 4
POSITIONS_PICKLE_HEAD = b"\x80\x02]q\x00"
def posting_bytes(reader: Any, field_name: str, text: Any) -> bytes | None:
    """A term's whole W3 posting list as bytes, from the segment's postings file
    (`SegmentReader._terms._postfile` at the term info's offset and length), or None when
    its postings are inlined in the term info. `TermNotFound` when the segment lacks it."""
    table = _term_table(reader)
    if table is None:
        return _posting_bytes_of(reader, reader.term_info(field_name, text))
    value = table.value(field_name, text)
    if value[0]:  # inlined postings
        return None
    offset, length = _OFFSET_LENGTH.unpack_from(value, _TERMINFO_HEAD)
    data: bytes = table.postfile.get(offset, length)
    return data


def _posting_bytes_of(reader: Any, info: Any) -> bytes | None:
    """`posting_bytes` from a `W3TermInfo` (a reader whose term table `TermTable` does not
    know)."""
    if info.is_inlined():
        return None
    postfile = getattr(getattr(reader, "_terms", None), "_postfile", None)
    offset, length = getattr(info, "_offset", None), getattr(info, "_length", None)
    if postfile is None or offset is None or length is None:
        raise UnknownLayout(f"{type(reader).__name__} is not a W3 segment reader")
    if isinstance(length, tuple):  # W3TermInfo.from_bytes keeps unpack_int's 1-tuple
        length = length[0]
    data: bytes = postfile.get(offset, length)
    return data


# A W3 term table (`.trm`: `W3TermsWriter`'s `OrderedHashWriter`, Whoosh's HashWriter
# layout): 256 hash tables, each slot a (uint32 hash, int64 position) pointer to a key/value
# pair (two int32 lengths, the key: the field's uint16 number then the term's bytes, the
# value: a `W3TermInfo`: "!BfIBBfII", its first byte 1 for inlined postings, else an int64
# offset and an int32 length in the postings file).
_POINTER = struct.Struct("!Iq")
_LENGTHS = struct.Struct("!ii")
_FIELD_NUMBER = struct.Struct("!H")
_OFFSET_LENGTH = struct.Struct("!qi")
_TERMINFO_HEAD = struct.calcsize("!BfIBBfII")


class TermTable:
    """A segment's term table looked up in place: what `SegmentReader.term_info` finds
    (through `W3TermsReader`, `HashReader.ranges_for_key` and `W3TermInfo.from_bytes`:
    18-33 us a term, ~2,000 lookups for a pattern over 14 segments), as the term info's
    bytes, read with `struct` from the mapped file (7-8 us). Made once per segment reader
    (`_term_table`); the same answers, tests/test_postings.py checks every term."""

    def __init__(self, reader: Any, tindex: Any, buf: Any) -> None:
        self._reader = reader
        self._schema = reader.schema
        self._fieldmap: dict[str, int] = tindex.extras["fieldmap"]
        self._tables: list[tuple[int, int]] = tindex.tables
        self._md5 = tindex.hashtype == 0
        self._buf = buf
        self.postfile = reader._terms._postfile

    def value(self, field_name: str, text: Any) -> bytes:
        """The term info bytes of `text` in `field_name`; `TermNotFound` when absent."""
        if self._reader.is_closed:
            raise ReaderClosed
        field = self._schema[field_name] if field_name in self._schema else None  # noqa: SIM401
        if field is None or field.format is None:
            raise TermNotFound(f"{field_name}:{text!r}")
        tbytes = text if isinstance(text, bytes) else field.to_bytes(text)
        key = _FIELD_NUMBER.pack(self._fieldmap.get(field_name, 65535)) + tbytes
        if self._md5:
            keyhash = int.from_bytes(md5(key).digest()[12:], "big")
        else:
            keyhash = zlib.crc32(key) & 0xFFFFFFFF
        tablestart, numslots = self._tables[keyhash & 255]
        buf = self._buf
        if numslots:
            slot = keyhash >> 8
            for probe in range(numslots):
                at = tablestart + ((slot + probe) % numslots) * _POINTER.size
                slothash, itempos = _POINTER.unpack_from(buf, at)
                if not itempos:
                    break
                if slothash == keyhash:
                    keylen, datalen = _LENGTHS.unpack_from(buf, itempos)
                    keystart = itempos + _LENGTHS.size
                    if keylen == len(key) and buf[keystart : keystart + keylen] == key:
                        datapos = keystart + keylen
                        return bytes(buf[datapos : datapos + datalen])
        raise TermNotFound(f"{field_name}:{tbytes!r}")


def _term_table(reader: Any) -> TermTable | None:
    """The reader's `TermTable` (made at first use, kept on the reader), or None when its
    term table is not a W3 one of a known hash (then Whoosh's own lookup runs)."""
    known = reader.__dict__.get("_cables_term_table", False)
    if known is not False:
        return cast(TermTable | None, known)
    table = None
    tindex = getattr(getattr(reader, "_terms", None), "_tindex", None)
    buf = getattr(getattr(tindex, "dbfile", None), "_buf", None)
    if (
        isinstance(tindex, _OrderedHashReader)
        and tindex.hashtype in (0, 1)
        and isinstance(buf, memoryview)
        and tindex.startoffset == 0
    ):
        table = TermTable(reader, tindex, buf)
    reader.__dict__["_cables_term_table"] = table
    return table


def posting_blocks(blob: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of every block of a W3 posting list's bytes, in order."""
    pos = POSTINGS_MAGIC_LEN
    while True:
        blocklength = int.from_bytes(blob[pos : pos + 4], "big", signed=True)
        pos += 4
        end = pos + abs(blocklength)
        yield pos, end
        if blocklength < 0:  # the last block
            return
        pos = end


def pickled_blocks(blob: bytes) -> list[tuple[list[int], Any, list[Any], int]] | None:
    """Every block of a W3 posting list in Whoosh's own layout (its info pickle, then the
    pickle of its data tuple, zlib-compressed when the info says so), read from the list's
    bytes as `W3LeafMatcher._goto` and `_read_data` read them, without the matcher's file
    reads (about 20 per block): blocks as `leaf_blocks` gives them, without values. None when
    a block's ids are not a sequence of deltas (byte-sized ids)."""
    reader = io.BytesIO(blob)
    blocks: list[tuple[list[int], Any, list[Any], int]] = []
    for pos, end in posting_blocks(blob):
        reader.seek(pos)
        info = pickle_load(reader)
        data = blob[reader.tell() : end]
        ids, weights, _ = loads(zlib.decompress(data) if info[3] else data)
        if not isinstance(ids, (tuple, list)):
            return None
        blocks.append((list(ids), weights, [], int(info[1])))
    return blocks


def w3_leaf(m: Any) -> Any | None:
    """The `W3LeafMatcher` under a fresh posting matcher (inside the `FilterMatcher` that
    masks deleted documents, which the caller masks itself), or None for another kind
    (a `ListMatcher` over inlined postings)."""
    if isinstance(m, _FilterMatcher):
        m = m.child
    if not isinstance(m, _W3LeafMatcher):
        return None
    if m._byteids:
        raise UnknownLayout("a posting list with byte-sized ids")
    return m


def leaf_blocks(leaf: Any, values: bool) -> Iterator[tuple[list[int], Any, list[Any], int]]:
    """Every block of a `W3LeafMatcher` as (id deltas from 0, weights, values, last id):
    weights as `W3LeafMatcher._read_weights` keeps them (None: all 1.0; one float: that
    float32 for all; else a sequence), values (`_read_values`) only when asked for."""
    while leaf.is_active():
        leaf._read_data()
        found: list[Any] = []
        if values:
            leaf._read_values()
            found = list(leaf._values)
        yield list(leaf._data[0]), leaf._data[1], found, int(leaf._maxid)
        leaf._next_block()


#: length byte -> the field length Whoosh's scorers see (`whoosh.util.numeric.byte_to_length`)
LENGTH_OF_BYTE = np.array([_byte_to_length(b) for b in range(256)], dtype=np.float64)


def length_bytes(reader: Any, field_name: str) -> NDArray[np.uint8] | None:
    """A segment's byte-coded lengths of one field, one byte a document (the per-document
    reader's `_cached_reader(_lenfield(field), LENGTHS_COLUMN)`: a `NumericColumn("B")`
    whose raw bytes are read in one go), or None when the segment has no lengths for it."""
    column = reader._perdoc._cached_reader(_lenfield(field_name), _LENGTHS_COLUMN)
    if column is None:
        return None
    if getattr(column, "_typecode", None) != "B":
        raise UnknownLayout(f"lengths of {field_name} are not one byte a document")
    count = reader.doc_count_all()
    stored = min(column._count, count)
    codes = np.full(count, column._default, dtype=np.uint8)
    codes[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return codes


def bm25_b(weighting: Any, field_name: str) -> float:
    """BM25F's B for a field: the per-field value (`BM25F._field_B`) or the default."""
    b: float = weighting._field_B.get(field_name, weighting.B)
    return b


def segment_ids(ix: Any) -> list[str]:
    """The ids of an open index's segments, in order (`FileIndex._segments()`)."""
    return [seg.segment_id() for seg in ix._segments()]


def generation_segment_ids(folder: str, index_name: str) -> list[str] | None:
    """The segment ids a generation folder's TOC lists (`whoosh.index.TOC.read`), or None
    when it has none that can be read."""
    try:
        toc = _whoosh_index.TOC.read(_FileStorage(folder), index_name)
    except (OSError, ValueError, _whoosh_index.EmptyIndexError):
        return None
    return [seg.segment_id() for seg in toc.segments]


class TermList(_MultiTerm):  # type: ignore[misc]
    """A `MultiTerm` over a fixed list of terms, `words` (its matcher and `expanded_terms`
    read them through the `_btexts` hook)."""

    fieldname: str
    words: tuple[str, ...]

    def _btexts(self, ixreader: Any) -> Iterator[str]:
        return iter(self.words)


class BufferFileBase(_BufferFile):  # type: ignore[misc]
    """A `BufferFile` that reads `file` (any seekable file over `buf`) instead of copying
    `buf` into an `io.BytesIO`: the attributes `BufferFile.__init__` sets, without the copy."""

    def __init__(self, buf: Any, file: Any, name: str | None, onclose: Any) -> None:
        self._buf = buf
        self._name = name
        self.file = file
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False
