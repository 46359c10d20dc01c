"""The index folder on disk: immutable generations and an atomic `live` pointer.

    index/
      .lock             writer lock (see lock.py)
      live -> gen-000007    symlink, swapped atomically with rename(2)
      gen-000006/       the previous generation (kept for searches that opened it)
      gen-000007/       a Whoosh index + manifest.json + versions.json

An update never touches the live generation: it makes a new one (hard links to the
unchanged, write-once Whoosh segment files plus the new segments), and publishes it by
replacing the `live` symlink. A crash at any point leaves `live` on a complete generation;
the next run removes the half-made one. Searches resolve `live` once, so each sees one
consistent snapshot.

Where it sits: file -> reader -> Cable -> document -> index; below the index: the write side
makes and publishes generations (`indexer.ingest`, `indexer.publish`), the read side opens
the live one. `checkpoint` is the write side's crash-test hook.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

from .errors import IndexMissing, IndexUnwritable

LIVE = "live"
_GEN_RE = re.compile(r"^gen-(\d{6,})$")


def _gen_number(path: Path) -> int:
    m = _GEN_RE.match(path.name)
    return int(m.group(1)) if m else -1


def generations(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted((p for p in root.iterdir() if _GEN_RE.match(p.name)), key=_gen_number)


def live_generation(root: Path) -> Path | None:
    """The published generation, or None when the index has never been built."""
    link = root / LIVE
    if not link.is_symlink():
        return None
    target = root / os.readlink(link)
    return target if target.is_dir() else None


def require_live(root: Path) -> Path:
    gen = live_generation(root)
    if gen is None:
        raise IndexMissing(str(root))
    return gen


def new_generation(root: Path, base: Path | None) -> Path:
    """A fresh generation folder; with `base`, pre-filled with hard links to its files."""
    numbers = [_gen_number(p) for p in generations(root)]
    path = root / f"gen-{max(numbers, default=0) + 1:06d}"
    try:
        path.mkdir(parents=True)
        if base is not None:
            for item in base.iterdir():
                if item.is_file() and not item.name.startswith("."):
                    # Whoosh segment files are write-once, so sharing them is safe;
                    # manifest/versions are rewritten, never edited in place.
                    os.link(item, path / item.name)
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise IndexUnwritable(
            f"cannot write the index in {root}: {exc.strerror or exc} - "
            "check free disk space and permissions, or pass --index DIR"
        ) from exc
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush a generation's files and folder to disk before it is published."""
    for item in path.iterdir():
        if item.is_file():
            fd = os.open(item, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(path)


def publish(root: Path, gen: Path) -> None:
    """Point `live` at `gen` atomically (symlink + rename), durably."""
    tmp = root / f".{LIVE}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(gen.name, tmp)
    os.replace(tmp, root / LIVE)
    _fsync_dir(root)


def prune(root: Path, keep_previous: int = 1) -> None:
    """Remove half-made generations and all but `keep_previous` older published ones."""
    live = live_generation(root)
    if live is None:
        return
    live_no = _gen_number(live)
    older = [g for g in generations(root) if _gen_number(g) < live_no]
    newer = [g for g in generations(root) if _gen_number(g) > live_no]
    doomed = newer + older[: max(0, len(older) - keep_previous)]
    for gen in doomed:
        shutil.rmtree(gen, ignore_errors=True)


def checkpoint(name: str) -> None:
    """Crash-test hook: with CABLES_TEST_PAUSE_AT=name, announce the point on stderr and wait
    there, so a test can `kill -9` a real `cables index` at a known step ("parse", "write",
    "commit", "swap")."""
    if os.environ.get("CABLES_TEST_PAUSE_AT") == name:
        os.write(2, f"PAUSED AT {name}\n".encode())
        time.sleep(60)
