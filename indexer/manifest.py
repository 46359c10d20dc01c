"""A generation's JSON files: manifest.json (what was read) and versions.json.

Where it sits: file -> reader -> Cable -> document -> index; beside the index, on the write
side: the update (`indexer.ingest`) loads the live generation's manifest to see which files
changed (`indexer.scan`), and the publish step (`indexer.publish`) writes the new
generation's. Manifest rows are `FileEntry` tuples (a file's size, mtime, hash, and the
`RecordEntry` of each record read from it); the layout's version is
`indexer.layout.MANIFEST_VERSION`, and versions 1 to 3 are read (`READABLE_MANIFESTS`).
"""

from __future__ import annotations

import functools
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from .errors import IndexIncompatible
from .layout import MANIFEST, MANIFEST_VERSION, VERSIONS
from .precedence import FORMAT_RANK

__all__ = [
    "READABLE_MANIFESTS",
    "FileEntry",
    "RecordEntry",
    "load_manifest",
    "version_row",
    "write_json",
    "write_manifest",
    "write_versions",
]

#: manifest versions this one reads (an update writes MANIFEST_VERSION back): 1 had an object
#: per file, 2 an array (written straight from FileEntry tuples, read ~2x faster), 3 adds
#: whether the file holds no cable at all. Files that failed under 1 or 2 are read again:
#: those versions counted files without a cable among the failures.
READABLE_MANIFESTS = (1, 2, 3)


class RecordEntry(NamedTuple):
    """One parsed record as the manifest remembers it (a row of manifest.json). Manifest rows
    are named tuples, not dataclasses: an update loads one per file of the corpus, and tuples
    are built (and written back as JSON arrays) several times faster."""

    record: int | None
    refid: str
    sha256: str
    released: str  # ISO date-time or "" (for the rank)
    format: str
    created: str
    subject: str
    release: int  # Cablegate release size (243 ... 251287), 0 when unknown

    def rank(self, path: str) -> tuple[int, str, int, str, int]:
        return (
            self.release,
            self.released,
            FORMAT_RANK.get(self.format, 0),
            path,
            self.record or 0,
        )


class FileEntry(NamedTuple):
    size: int
    mtime_ns: int
    sha256: str
    records: tuple[RecordEntry, ...]
    #: the file's records that could not be read (`path[:record]: reason`), reported by every
    #: run until the file changes
    failures: tuple[str, ...] = ()
    #: the file holds no cable at all (see `readers.NoCable`): counted, not a failure
    no_cable: bool = False


# RecordEntry from a JSON array, with no Python-level call per record (NamedTuple._make is one)
_record_from_json = functools.partial(tuple.__new__, RecordEntry)


# FileEntry from a list of its fields, in one C call
_file_from_json = functools.partial(tuple.__new__, FileEntry)


def _v1_row(obj: dict[str, Any]) -> list[Any]:
    """A version-1 manifest row (an object) as a version-2 row (an array)."""
    return [obj["size"], obj["mtime_ns"], obj["sha256"], obj["records"], obj.get("failures", [])]


def _v2_row(row: list[Any]) -> list[Any]:
    """A version-2 row as a version-3 row. A file that failed gets size -1, so that the scan
    reads it again (with the readers of today, which may find it holds no cable)."""
    if len(row) == 5:
        row.append(False)
        if row[4]:
            row[0] = -1
    return row


def load_manifest(gen: Path | None) -> dict[str, FileEntry]:
    """path -> FileEntry of the generation `gen` (empty without one); an unreadable
    version or row form raises `IndexIncompatible`."""
    if gen is None or not (gen / MANIFEST).exists():
        return {}
    data = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    version = data.get("version")
    if version not in READABLE_MANIFESTS:
        raise IndexIncompatible(
            str(gen.parent), f"its manifest is version {version}, this one reads {MANIFEST_VERSION}"
        )
    try:
        files = _manifest_files(data["files"], version)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
        raise IndexIncompatible(str(gen.parent), "its manifest rows are of another form") from exc
    width = len(RecordEntry._fields)
    if any(len(rec) != width for entry in files.values() for rec in entry.records):
        raise IndexIncompatible(str(gen.parent), f"manifest rows are not of {width} fields")
    return files


def _manifest_files(rows: dict[str, Any], version: int) -> dict[str, FileEntry]:
    """path -> FileEntry from the manifest's rows. Rows become tuples without a Python-level
    call each (`_file_from_json`, `_record_from_json`), so widths are checked: a file row's
    here, a record row's by the caller."""
    if version == 1:
        rows = {path: _v1_row(obj) for path, obj in rows.items()}
    if version in (1, 2):
        rows = {path: _v2_row(row) for path, row in rows.items()}
    file_width = len(FileEntry._fields)
    for row in rows.values():  # (in place: no new list per row)
        if len(row) != file_width:
            raise ValueError(f"a manifest row of {len(row)} items, not {file_width}")
        row[3] = tuple(map(_record_from_json, row[3]))
        row[4] = tuple(row[4])
        row[5] = bool(row[5])
    return dict(zip(rows, map(_file_from_json, rows.values()), strict=True))


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    # json.dumps, not json.dump: dump streams through the pure-Python encoder (5x slower on a
    # 250,000-file manifest); ASCII output (\u escapes) is the encoder's fastest path
    text = json.dumps(data, separators=(",", ":"))
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)



def write_manifest(gen: Path, files: dict[str, FileEntry]) -> None:
    """Writes `gen`'s manifest.json: the layout version, the time, and a row per file."""
    write_json(
        gen / MANIFEST,
        {
            "version": MANIFEST_VERSION,
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            # FileEntry and RecordEntry are tuples: JSON arrays without a conversion each
            # (in the order the update met the files; not sorted, which took 0.4 s)
            "files": files,
        },
    )


def write_versions(gen: Path, versions: dict[str, list[dict[str, Any]]]) -> None:
    """Writes `gen`'s versions.json: refid -> its `version_row`s (refids of 2+ records)."""
    write_json(gen / VERSIONS, versions)


def version_row(path: str, rec: RecordEntry, indexed: bool) -> dict[str, Any]:
    """A row of versions.json: one version of a cable, `indexed` when it is the winner."""
    return {
        "path": path,
        "record": rec.record,
        "format": rec.format,
        "sha256": rec.sha256,
        "released": rec.released or None,
        "created": rec.created or None,
        "subject": rec.subject,
        "release": rec.release or None,
        "indexed": indexed,
    }
