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

import whoosh

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
# Blocks of Positions fields (`fastwrite._TermWriter.write_frames`, not in exact mode) are
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


# --- read side: what the bulk reader needs of Whoosh's readers, matchers and files ----------
