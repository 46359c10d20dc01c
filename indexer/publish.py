"""Publishing a generation: deletions, the commit (TOC), the manifest, fsync, the swap.

Where it sits: file -> reader -> Cable -> document -> index; after the last arrow: the
update (`indexer.ingest`) has written the new segments into a new generation folder
(`indexer.store.new_generation`) and chosen which documents stay; this module marks the
replaced documents deleted in the old segments, commits every segment with one TOC
(`commit`), writes the generation's JSON files (`indexer.manifest`), lets the caller's
warm-up build the read side's caches (`WarmUp`, run before the generation is flushed, so
they are published with it), flushes it to disk and points `live` at it
(`finish_generation`). A crash at any point leaves `live` on the previous generation.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

from . import store
from .errors import IndexIncompatible
from .layout import INDEX_NAME
from .manifest import FileEntry, write_manifest, write_versions
from .schema import build_schema, incompatibility
from .store import checkpoint
from .whoosh_private import delete_documents, read_toc, toc_file_name, toc_files_glob, write_toc
from .wordsample import WordSample

__all__ = ["WarmUp", "check_format", "commit", "delete_refids", "finish_generation", "open_toc"]

#: The read side's cache warm-up, run on a generation before it is published:
#: (new generation, the generation it was made from or None, the word sample drawn while
#: writing it or None). `cables index` passes `indexer.searching.warm_caches`.
WarmUp = Callable[[Path, Path | None, WordSample | None], None]


def open_toc(gen: Path) -> Any:
    """The latest TOC of the Whoosh index in `gen` (`.schema`, `.segments`, `.generation`),
    or None when it has none."""
    try:
        return read_toc(FileStorage(str(gen)), INDEX_NAME)
    except EmptyIndexError:
        return None


def check_format(index_root: Path, live: Path) -> None:
    """An index written with another schema (an older analyzer) cannot take new segments."""
    try:
        toc = read_toc(FileStorage(str(live)), INDEX_NAME)
    except (OSError, EmptyIndexError):
        return  # nothing readable: the update rebuilds what it needs
    why = incompatibility(toc.schema)
    if why is not None:
        raise IndexIncompatible(str(index_root), why)


def delete_refids(gen: Path, toc: Any, refids: set[str]) -> None:
    """Mark the documents of `refids` deleted in the old segments (no files rewritten)."""
    delete_documents(FileStorage(str(gen)), toc.schema, toc.segments, "refid", refids)


def commit(gen: Path, segments: list[Any], generation: int) -> None:
    """Lists `segments` in the TOC of `generation`, the commit point of the Whoosh index in
    `gen`, and removes the older TOCs it inherited from its base generation."""
    write_toc(FileStorage(str(gen)), INDEX_NAME, build_schema(), segments, generation)
    checkpoint("commit")
    keep = toc_file_name(INDEX_NAME, generation)
    for old_toc in gen.glob(toc_files_glob(INDEX_NAME)):
        if old_toc.name != keep:
            old_toc.unlink()


def finish_generation(
    root: Path,
    gen: Path,
    files: dict[str, FileEntry],
    versions: dict[str, list[dict[str, Any]]] | None,
    previous: Path | None,
    words: WordSample | None = None,
    warm: WarmUp | None = None,
) -> None:
    """Writes `gen`'s manifest (and versions, when given), runs `warm` on it, flushes it to
    disk and publishes it as the index's live generation."""
    write_manifest(gen, files)
    if versions is not None:
        write_versions(gen, versions)
    if warm is not None:
        warm(gen, previous, words)
    store.fsync_tree(gen)
    checkpoint("swap")
    store.publish(root, gen)
