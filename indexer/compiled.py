"""The one switch for the compiled inner loops (`indexer/_speedups.c`).

`setup.py` builds them where a C compiler is (optional). `speedups` is the module, or None
when the pure-Python twins run, as on an install without a compiler; `CABLES_NO_SPEEDUPS=1`
(read once, at import) chooses that on purpose, so that the Python path can be tested where
the module is built. Both sides use it: the writer (`indexer.fastwrite`) for tokens and
posting blocks; the reader for posting lists (`indexer.postings`), phrase placement
(`indexer.phrases`), BM25 scores added into a whole-index array (`indexer.bm25`), facet
counts (`indexer.facets`) and an ASCII text's tokens and terms for the highlighter
(`indexer.highlight`, `TokenCache.text_terms`).
"""

from __future__ import annotations

import os

try:
    if os.environ.get("CABLES_NO_SPEEDUPS", "") not in ("", "0"):
        raise ImportError("CABLES_NO_SPEEDUPS is set")
    from . import _speedups as speedups
except ImportError:  # without a C compiler at install time, or CABLES_NO_SPEEDUPS=1
    speedups = None  # type: ignore[assignment]

__all__ = ["speedups"]
