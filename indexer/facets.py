"""The facet table: every document's facet values and date, as codes, per generation.

Built once per generation from the index's columns and the `tags` posting lists
(`build_table`), and cached beside it as data (`.facets-v4`: a JSON header and raw arrays,
checked against the generation's segments; dot files are never hard-linked into the next
generation). An update that only appends segments extends the previous table
(`concat_tables`). Facet counts are bincounts of its codes over a match `Mask`
(`count_facet`); dates serve the date sorts and `created:` ranges.

Flow: query -> hits: the facets of a `SearchResult` and the date order of hits.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import struct
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from whoosh.util.times import long_to_datetime

from . import postings
from .compiled import speedups as speedups
from .errors import QueryError
from .layout import FACETS_FILE
from .query import UNKNOWN
from .whoosh_private import segment_ids

if TYPE_CHECKING:
    from .opening import Searchable

#: the facets a search reports unless told otherwise
FACET_FIELDS: tuple[str, ...] = ("origin", "classification", "year", "tags")
#: facets that may be asked for; "month" (YYYY-MM) draws narrow histograms
ALL_FACETS: tuple[str, ...] = (*FACET_FIELDS, "month")

#: the date of a document without one, in the table's `created`
NO_DATE = -1
#: DATETIME/NUMERIC columns hold the type's maximum for documents without a value
COLUMN_MISSING_FROM = 2**63


#: a column of the table: an `array`, or, read from its cache file, a `memoryview` of the
#: file's mapped bytes cast to the same type code (`read_table`: nothing copied)
Column = array | memoryview  # type: ignore[type-arg]


@dataclass(frozen=True)
class FacetTable:
    """Per-document facet codes and dates of one generation (docnum -> value)."""

    created: Column  # raw DATETIME longs ("q"), NO_DATE when absent
    values: dict[str, list[str]]  # origin / classification / year / tags -> distinct values
    codes: dict[str, Column]  # origin / classification / year ("i"; read: "h" or "i")
    tag_starts: Column  # ("l"; read: "i") tags of doc d: tag_codes[starts[d]:starts[d+1]]
    tag_codes: Column  # ("l"; read: "H" or "i")
    #: the document of each entry of tag_codes ("i"), when read from the cache file (else
    #: `facet_arrays` works it out from tag_starts); the same table either way
    tag_doc: Column | None = field(default=None, compare=False)


#: a set of documents of one generation: mask[docnum] is True for a member
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class FacetArrays:
    """numpy arrays of a FacetTable in the narrowest integer types that hold its codes: a
    search's matches are scattered over the whole index, so the facet counts read one
    cache line per matching document, and the smaller these arrays are, the more of them
    stay in the CPU's caches from one search to the next (the TAGS in uint16 and int32
    are 3.3 MB at full size, where int64 made them 11 MB)."""

    live: Mask  # documents not deleted
    created: NDArray[np.int64]
    codes: dict[str, NDArray[np.signedinteger[Any]]]  # int16, or int32 past 32,766 values
    tag_doc: NDArray[np.int32]  # the document of each entry of tag_codes
    tag_starts: NDArray[np.int32]  # document d's entries: tag_codes[starts[d]:starts[d + 1]]
    tag_codes: NDArray[np.unsignedinteger[Any] | np.signedinteger[Any]]  # uint16 or int32
    #: each facet's `_tally` over every live document, counted at first use
    totals: dict[str, tuple[NDArray[np.int64], int]] = field(default_factory=dict)

    @property
    def tag_code_bytes(self) -> int:
        return int(self.tag_codes.itemsize)


def load_table(s: Searchable) -> FacetTable:
    path = s.generation / FACETS_FILE
    ids = segment_ids(s.ix)
    table = read_table(path, ids)
    if table is not None and len(table.created) == s.reader.doc_count_all():
        return table
    table = build_table(s.reader)
    write_table(path, table, ids)
    return table



#: the first bytes of a facet-table file, then an 8-byte little-endian header length
_MAGIC = b"cables facets 4\n"
_HEADER_SIZE = struct.Struct("<Q")


def _narrow_columns(table: FacetTable) -> dict[str, NDArray[Any]]:
    """The table's columns in the types a search counts them in (`FacetArrays`), with the
    document of each TAGS entry: what the cache file holds, so that opening an index views
    them as they are (widening them and working out the entries' documents took ~10 ms of
    a one-shot search at full size)."""
    starts = _numbers(table.tag_starts)
    if len(starts) and starts[-1] >= 2**31:
        raise ValueError("more TAGS entries than int32 offsets hold")
    columns: dict[str, NDArray[Any]] = {
        "created": _numbers(table.created).astype(np.int64, copy=False),
        "tag_starts": starts.astype(np.int32, copy=False),
        "tag_codes": _numbers(table.tag_codes).astype(_code_type(table, "tags"), copy=False),
        "tag_doc": _tag_doc(table),
    }
    for name, codes in table.codes.items():
        columns[f"codes_{name}"] = _numbers(codes).astype(_code_type(table, name), copy=False)
    return columns


def _numbers(column: Column) -> NDArray[Any]:
    """A column as a numpy array of its own type (a view, nothing copied)."""
    code = column.format if isinstance(column, memoryview) else column.typecode
    return np.frombuffer(column, dtype=np.dtype(code))


def _code_type(table: FacetTable, name: str) -> type[np.integer[Any]]:
    """The narrowest type that holds a facet's codes (-1 for none, but TAGS have no -1)."""
    if name == "tags":
        return np.uint16 if len(table.values["tags"]) <= 2**16 else np.int32
    return np.int16 if len(table.values[name]) < 2**15 - 1 else np.int32


def _tag_doc(table: FacetTable) -> NDArray[np.int32]:
    if table.tag_doc is not None:
        return _numbers(table.tag_doc).astype(np.int32, copy=False)
    starts = _numbers(table.tag_starts)
    return np.repeat(np.arange(len(starts) - 1, dtype=np.int32), np.diff(starts))


def write_table(path: Path, table: FacetTable, segment_ids: list[str]) -> None:
    """The facet table as data (a JSON header and the raw arrays, no pickle: a class moved
    in the code cannot break an index), with the segments it describes, to check it against.

    Raw arrays rather than numpy's `.npz`: a one-shot `cables search` reads the table
    before its first facet, and `np.load` of the zip (a CRC over every member, then two
    copies of each array) took 27-41 ms of its ~245 ms at full size; `read_table` maps the
    file and views the arrays in place. The columns are those a search counts
    (`_narrow_columns`)."""
    arrays = _narrow_columns(table)
    layout = [[name, a.dtype.char, a.itemsize, len(a)] for name, a in arrays.items()]
    meta = {
        "segments": segment_ids,
        "values": table.values,
        "arrays": layout,
        "byteorder": sys.byteorder,  # the columns are in this machine's byte order
    }
    header = json.dumps(meta).encode("utf-8")
    # padded with spaces (JSON ignores them), and each column with zero bytes, so that every
    # column starts at a multiple of 8
    header += b" " * (-(len(_MAGIC) + _HEADER_SIZE.size + len(header)) % 8)
    parts = [_MAGIC, _HEADER_SIZE.pack(len(header)), header]
    for a in arrays.values():
        parts += [a.tobytes(), bytes(-a.nbytes % 8)]
    write_cache(path, b"".join(parts))


def read_table(path: Path, segment_ids: list[str]) -> FacetTable | None:
    """The facet table of `path` when it describes exactly these segments, else None (a
    missing, older or damaged file too: the caller builds the table again).

    The file is mapped, and each column is a view of its bytes: reading the file into
    memory and copying the columns out of it took 16-20 ms of a one-shot search (34 MB of
    fresh pages); the views cost nothing until read, and then only the pages read, which
    the page cache already holds."""
    try:
        with path.open("rb") as f:
            data = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
    except (OSError, ValueError):  # missing, unreadable, or empty (which mmap refuses)
        return None
    try:
        at = len(_MAGIC)
        if data[:at] != _MAGIC:
            return None
        (size,) = _HEADER_SIZE.unpack_from(data, at)
        at += _HEADER_SIZE.size
        meta = json.loads(bytes(data[at : at + size]).decode("utf-8"))
        at += size
        if meta.get("segments") != segment_ids or meta.get("byteorder") != sys.byteorder:
            return None  # (an index copied from a machine of the other byte order)
        arrays: dict[str, memoryview] = {}
        for name, typecode, itemsize, count in meta["arrays"]:
            end = at + itemsize * count
            if array(typecode).itemsize != itemsize or end > len(data):
                return None  # written where a C long has another size, or cut short
            arrays[name] = data[at:end].cast(typecode)
            at = end + -end % 8
        if at != len(data):
            return None
        return FacetTable(
            created=arrays["created"],
            values={k: list(v) for k, v in meta["values"].items()},
            codes={
                name[len("codes_") :]: codes
                for name, codes in arrays.items()
                if name.startswith("codes_")
            },
            tag_starts=arrays["tag_starts"],
            tag_codes=arrays["tag_codes"],
            tag_doc=arrays["tag_doc"],
        )
    except (ValueError, KeyError, TypeError, struct.error):
        return None


def _as_array(column: Column, typecode: str) -> array:  # type: ignore[type-arg]
    """`column` as an `array` of `typecode` (a copy of a mapped view, widened)."""
    if isinstance(column, array) and column.typecode == typecode:
        return column
    return array(typecode, _numbers(column).astype(np.dtype(typecode)).tobytes())


def write_cache(path: Path, data: bytes) -> None:
    """Best effort: a read-only index still works, it just rebuilds its caches per process."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)

def column_values(reader: Any, name: str, count: int) -> list[Any]:
    if not reader.has_column(name):
        return [None] * count
    return list(reader.column_reader(name, translate=False))


def _coded(raw: list[Any], decode: Any) -> tuple[list[str], array]:  # type: ignore[type-arg]
    values: dict[str, int] = {}
    codes = array("i")
    for item in raw:
        text = decode(item)
        if text is None:
            codes.append(-1)
        else:
            codes.append(values.setdefault(text, len(values)))
    return list(values), codes


def _bytes_value(item: Any) -> str | None:
    if not item:
        return None
    return item.decode("utf-8") if isinstance(item, bytes) else str(item)


def _year_value(item: Any) -> str | None:
    return None if item is None or item <= 0 or item >= 65535 else str(item)


def build_table(reader: Any) -> FacetTable:
    """Read every document's facet values and date from columns (tags from postings)."""
    count = reader.doc_count_all()
    created = array(
        "q",
        (
            NO_DATE if v is None or v >= COLUMN_MISSING_FROM else int(v)
            for v in column_values(reader, "created", count)
        ),
    )
    values: dict[str, list[str]] = {}
    codes: dict[str, Column] = {}
    for name, decode in (
        ("origin", _bytes_value),
        ("classification", _bytes_value),
        ("year", _year_value),
    ):
        values[name], codes[name] = _coded(column_values(reader, name, count), decode)
    values["month"], codes["month"] = _coded(
        [None if c == NO_DATE else long_to_datetime(c).strftime("%Y-%m") for c in created],
        lambda month: month,
    )
    # TAGS as CSR arrays (codes of doc d: tag_codes[starts[d]:starts[d + 1]], in lexicon
    # order), built from whole posting lists with numpy rather than one append per posting
    tag_values: list[str] = []
    doc_parts: list[NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    code_parts: list[NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    leaves = reader.leaf_readers()
    for code, term in enumerate(reader.lexicon("tags")):
        tag_values.append(_bytes_value(term) or "")
        for leaf, offset in leaves:
            found = postings.read(leaf, "tags", term)
            if found is not None:
                ids = found.ids + offset
                doc_parts.append(ids)
                code_parts.append(np.full(len(ids), code, dtype=np.int64))
    docs = np.concatenate(doc_parts)
    order = np.argsort(docs, kind="stable")  # stable: a document's codes stay in lexicon order
    tag_codes = array("l", np.concatenate(code_parts)[order].astype(np.int64).tobytes())
    bounds = np.searchsorted(docs[order], np.arange(count + 1))
    starts = array("l", bounds.astype(np.int64).tobytes())
    values["tags"] = [t.upper() for t in tag_values]
    return FacetTable(created, values, codes, starts, tag_codes)


def facet_arrays(reader: Any, table: FacetTable) -> FacetArrays:
    count = reader.doc_count_all()
    live = np.ones(count, dtype=np.bool_)
    if reader.has_deletions():
        live[:] = False
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
    # views where the table was read from its file (already in these types), else copies
    columns = _narrow_columns(table)
    return FacetArrays(
        live=live,
        created=columns["created"],
        codes={name: columns[f"codes_{name}"] for name in table.codes},
        tag_doc=columns["tag_doc"],
        tag_starts=columns["tag_starts"],
        tag_codes=columns["tag_codes"],
    )


def _tally(
    arrays: FacetArrays, name: str, size: int, mask: Mask
) -> tuple[NDArray[np.int64], int]:
    """(count of each of a facet's `size` values, documents without one) over `mask`: one
    pass in compiled code where it is built, else numpy's gathers and a bincount."""
    if speedups is not None:
        members = np.ascontiguousarray(mask).view(np.uint8)
        if name == "tags":
            raw = speedups.tally_tags(
                members,
                arrays.tag_starts,
                arrays.tag_codes,
                size,
                arrays.tag_code_bytes,
                arrays.tag_doc,
            )
            return np.frombuffer(raw, dtype=np.int64), 0
        binned = np.frombuffer(speedups.tally_codes(members, arrays.codes[name], size), np.int64)
        return binned[1:], int(binned[0])
    if name == "tags":
        docs = np.flatnonzero(mask)
        picked: NDArray[np.integer[Any]]
        if len(docs) * 4 < len(mask):
            # few documents: gather their own TAGS rather than test every document's
            starts = arrays.tag_starts
            first, count = starts[docs], starts[docs + 1] - starts[docs]
            rows = np.repeat(first - np.cumsum(count) + count, count) + np.arange(count.sum())
            picked = arrays.tag_codes[rows]
        else:
            picked = arrays.tag_codes[mask[arrays.tag_doc]]
        return np.bincount(picked, minlength=size), 0
    # codes are -1 for documents without a value: shift them into a bin of their own,
    # reported as UNKNOWN so that a single-valued facet's counts add up to the total
    binned = np.bincount(arrays.codes[name][mask] + 1, minlength=size + 1)
    return binned[1:], int(binned[0])


def count_facet(
    s: Searchable, name: str, mask: Mask, limit: int | None
) -> list[tuple[str, int]]:
    """One facet's (value, count) pairs over the documents of `mask`, most frequent first
    (then by value). Without the compiled module, when most live documents match, the
    counts are those of every live document (counted once per generation) less those of the
    live documents that do not: the same numbers, from the smaller set; in compiled code
    only the TAGS are counted so (the other facets' pass costs the same either way)."""
    arrays = s.arrays
    names = s.table.values[name]
    many = (speedups is None or name == "tags") and np.count_nonzero(mask) * 2 > len(mask)
    if many and not (mask & ~arrays.live).any():
        if name not in arrays.totals:
            arrays.totals[name] = _tally(arrays, name, len(names), arrays.live)
        everything, everything_missing = arrays.totals[name]
        rest, rest_missing = _tally(arrays, name, len(names), arrays.live & ~mask)
        counts, missing = everything - rest, everything_missing - rest_missing
    else:
        counts, missing = _tally(arrays, name, len(names), mask)
    present = np.flatnonzero(counts)
    if limit is not None and len(present) > limit:
        # only values counted at least as often as the limit-th most frequent can be shown
        # (ties included, so the order and the cut below are the same as over all of them)
        kth = np.partition(counts[present], len(present) - limit)[len(present) - limit]
        present = present[counts[present] >= kth]
    ranked = sorted(
        ((names[c], int(counts[c])) for c in present),
        key=lambda vn: (-vn[1], vn[0]),
    )
    if name != "tags" and missing:
        ranked.append((UNKNOWN, missing))
        ranked.sort(key=lambda vn: -vn[1])
    return ranked if limit is None else ranked[:limit]


def facet_filter(field_name: str, value: str) -> str:
    """The query clause that narrows a search to one facet value (same count as the facet)."""
    if value == UNKNOWN and field_name in ("origin", "classification", "year", "month"):
        return {"classification": "class", "month": "created"}.get(field_name, field_name) + (
            ":unknown"
        )
    if field_name == "origin":
        return f'origin:"{value}"'
    if field_name == "classification":
        return f'class:"{value}"'
    if field_name == "year":
        return f"year:{value}"
    if field_name == "month":
        return f"created:{value}"
    if field_name == "tags":
        return f"tag:{value}" if re.fullmatch(r"[\w.\-]+", value) else f'tag:"{value}"'
    raise QueryError(f'unknown facet "{field_name}" - facets are {", ".join(ALL_FACETS)}')


def concat_tables(a: FacetTable, b: FacetTable) -> FacetTable:
    """The table of a's documents followed by b's (b's values recoded into a's)."""
    values: dict[str, list[str]] = {}
    codes: dict[str, Column] = {}
    remaps: dict[str, NDArray[np.int64]] = {}
    for name in a.values:
        merged = list(a.values[name])
        index = {value: code for code, value in enumerate(merged)}
        remap = []
        for value in b.values[name]:
            if value not in index:
                index[value] = len(merged)
                merged.append(value)
            remap.append(index[value])
        values[name] = merged
        remaps[name] = np.array(remap, dtype=np.int64)
    # (a read from its file has its columns in the narrow types: widened here)
    for name, a_codes in a.codes.items():
        b_codes = _numbers(b.codes[name]).astype(np.int64)
        recoded = np.where(b_codes >= 0, remaps[name][np.maximum(b_codes, 0)], -1)
        codes[name] = _as_array(a_codes, "i") + array("i", recoded.astype(np.int32).tobytes())
    b_tags = _numbers(b.tag_codes).astype(np.int64)
    tag_codes = _as_array(a.tag_codes, "l") + array(
        "l", remaps["tags"][b_tags].astype(np.int64).tobytes()
    )
    b_starts = _numbers(b.tag_starts).astype(np.int64)[1:] + len(a.tag_codes)
    tag_starts = _as_array(a.tag_starts, "l") + array("l", b_starts.tobytes())
    created = _as_array(a.created, "q") + _as_array(b.created, "q")
    return FacetTable(created, values, codes, tag_starts, tag_codes)
