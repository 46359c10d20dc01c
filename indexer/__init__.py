"""cables: full-text search over the Cablegate diplomatic cables, built on Whoosh.

The public Python API (everything the CLI does, as functions returning frozen records):

>>> import tempfile, shutil
>>> from pathlib import Path
>>> import indexer
>>> work = Path(tempfile.mkdtemp())
>>> _ = shutil.copy(Path(indexer.__file__).parents[1] / "corpus" / "09BAGHDAD113.txt", work)
>>> report = indexer.build_index([work], work / "index")
>>> report.cables
1
>>> result = indexer.search(work / "index", "camp ashraf")
>>> result.total, result.hits[0].refid
(1, '09BAGHDAD113')
>>> view = indexer.show(work / "index", "09baghdad113")
>>> view.cable.origin
'Embassy Baghdad'
>>> with indexer.open_index(work / "index") as opened:   # one open index, many searches
...     [indexer.search(opened, q).total for q in ("mek", "-mek", "*")]
[1, 0, 1]
>>> shutil.rmtree(work)

Names are imported on first use, so `import indexer` stays cheap for the command line.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"


def _import_whoosh_compat() -> None:
    """Imports `whoosh.compat` (the first module every Whoosh import loads) without the
    standard library's `urllib.request`, which it imports only to re-export `urlretrieve`,
    a function nothing in Whoosh or here calls. `urllib.request` brings `http.client`,
    `email`, `ssl` and `socket`: 22 ms of a one-shot `cables search`'s ~235 (README,
    "Searching"). For that one import, `sys.modules` holds a stand-in whose `urlretrieve`
    imports the real module and calls it, and the stand-in is removed right after: any
    later `import urllib.request` (the web server's, a user's) loads the real one. Nothing
    is done when either module is already imported.
    """
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request", "stand-in while whoosh.compat imports")

    def urlretrieve(*args: Any, **kwargs: Any) -> Any:
        import urllib.request

        return urllib.request.urlretrieve(*args, **kwargs)

    stand_in.urlretrieve = urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]


_import_whoosh_compat()

__all__ = [
    "Cable",
    "CableView",
    "Hit",
    "IndexReport",
    "SearchResult",
    "Searchable",
    "Stats",
    "build_index",
    "export",
    "open_index",
    "parse_paths",
    "search",
    "show",
    "similar",
    "stats",
]

#: public name -> (module, attribute)
_LAZY: dict[str, tuple[str, str]] = {
    "Cable": ("indexer.cable", "Cable"),
    "CableView": ("indexer.searching", "CableView"),
    "Hit": ("indexer.searching", "Hit"),
    "IndexReport": ("indexer.ingest", "IndexReport"),
    "SearchResult": ("indexer.searching", "SearchResult"),
    "Searchable": ("indexer.searching", "Searchable"),
    "Stats": ("indexer.searching", "Stats"),
    "export": ("indexer.searching", "export"),
    "open_index": ("indexer.searching", "open_index"),
    "parse_paths": ("indexer.parse", "parse_paths"),
    "search": ("indexer.searching", "search"),
    "show": ("indexer.searching", "show"),
    "similar": ("indexer.searching", "similar"),
    "stats": ("indexer.searching", "stats"),
}

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from .cable import Cable
    from .ingest import IndexReport
    from .parse import parse_paths
    from .searching import (
        CableView,
        Hit,
        Searchable,
        SearchResult,
        Stats,
        export,
        open_index,
        search,
        show,
        similar,
        stats,
    )


def build_index(
    corpus: list[Path],
    index_root: Path,
    *,
    rebuild: bool = False,
    procs: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IndexReport:
    """Bring the index at `index_root` up to date with the files under `corpus`, as
    `cables index` does: `indexer.ingest.update_index`, with the search caches of the new
    generation built before it is published (`indexer.searching.warm_caches`)."""
    from .ingest import update_index
    from .searching import warm_caches

    return update_index(
        corpus,
        index_root,
        rebuild=rebuild,
        procs=procs,
        on_start=on_start,
        on_progress=on_progress,
        warm=warm_caches,
    )


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'indexer' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value
