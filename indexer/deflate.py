"""zlib-format compression for the writer: ISA-L's (the `isal` package) where it is installed.

The stored fields of every document and the larger posting blocks are compressed by the
writer and inflated by Whoosh's readers with the standard library's `zlib.decompress`. ISA-L
writes the same format (a zlib stream: header, deflate, Adler-32) ~3.6x faster than zlib at
level 1 and slightly smaller (generated cables' stored fields, 8.9 KB a document: 28 against
103 us, 49.2% against 49.8% of the size; README, "Indexing"), so nothing on the read side
changes and an index written either way reads the same. Exact mode (stock Whoosh's bytes)
keeps the standard library's zlib. Without `isal` (a platform it has no wheel for), the
standard library's zlib does the same work, slower.

>>> import zlib
>>> data = b"REF: A. BAGHDAD 003 B. 2008 BAGHDAD 4006 " * 100
>>> zlib.decompress(compress(data, FAST_LEVEL)) == data
True
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

try:
    from isal import isal_zlib as _fast
except ImportError:  # no wheel for this platform: the standard library's, slower
    _fast = None  # type: ignore[assignment]

__all__ = ["FAST_LEVEL", "compress"]

#: The level of the fast writer's blocks and stored fields. ISA-L's levels are 0-3 (its 1 is
#: about zlib's 3 in size); zlib's level 1 is the closest where ISA-L is missing.
FAST_LEVEL = 1

#: zlib-format compression, `compress(data, level) -> bytes`, readable by `zlib.decompress`.
compress: Callable[[bytes, int], bytes] = _fast.compress if _fast is not None else zlib.compress
