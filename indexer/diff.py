"""Redaction history: a cable's versions in release order, and the words each release removed
(redacted) or added (restored), for `cables diff` and the cable page.

Where the versions come from: `cables index` keeps one document per reference id (the newest
release) and lists every record carrying that id in the generation's `versions.json` (path,
record number, format, sha256, release). Only the indexed version's text is in the index, so
the others are read again from their source files, through the same readers and
`normalize.build_cable` that indexed them: the words compared are the clean bodies the index
and `cables show` use, not raw markup. A record is found again by its record number *and* its
sha256, so a file that changed since it was indexed cannot pass off another text as the old
version: the version is then shown as unavailable, with the reason (run `cables index`).

Order: the order `cables index` ranks versions in (`precedence.FORMAT_RANK` and release
first), so the indexed version is always the last and each change reads "what the next
release did".

Words: bodies are split on white space and compared with `difflib.SequenceMatcher` (the
standard library's kept implementation; `autojunk` off, because a redaction placeholder such as
`XXXXXXXXXXXX` is frequent and must still be matched like any other word). Each run of
differing words is one `Hunk` with a few words of context on either side.

Cost: a version in a one-cable file costs one file read and parse (milliseconds). Versions in
multi-record files are found by streaming the file up to their record, once per file for all
its versions; `max_file_bytes` lets the web page decline files so big that a page view would
stall (`cables diff` reads them whatever their size).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

import click

from . import searching as lib
from .cable import RawRecord
from .normalize import CableError, build_cable
from .precedence import FORMAT_RANK
from .readers import read_file

#: words of unchanged text shown on either side of a change
CONTEXT_WORDS = 8
#: the cable page reads versions again only from files up to this size: a version deep in a
#: full cables.csv (1.8 GB) would take a minute to reach, too long for a page view
PAGE_MAX_FILE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class VersionText:
    """One version of the cable, with its text when it could be read."""

    version: lib.Version
    #: the clean body; None when the version could not be read (see `error`)
    body: str | None
    error: str | None = None


@dataclass(frozen=True)
class Hunk:
    """One run of changed words between two versions."""

    before: str  # unchanged words just before the change
    removed: str  # words of the older version that the newer one lacks ("" for none)
    added: str  # words of the newer version that the older one lacks ("" for none)
    after: str  # unchanged words just after


@dataclass(frozen=True)
class Change:
    """What happened between two consecutive versions (indexes into `CableDiff.versions`)."""

    old: int
    new: int
    #: False when either text is unavailable: then there are no hunks to tell
    compared: bool
    removed_words: int
    added_words: int
    hunks: tuple[Hunk, ...]


@dataclass(frozen=True)
class CableDiff:
    refid: str
    subject: str
    versions: tuple[VersionText, ...]
    changes: tuple[Change, ...]


def version_order(version: lib.Version) -> tuple[int, str, int, str, int]:
    """The rank `cables index` picks the indexed version by (ascending: that one is last)."""
    return (
        version.release or 0,
        version.released or "",
        FORMAT_RANK.get(version.format, 0),
        version.path,
        version.record or 0,
    )


def cable_diff(
    index: Path | lib.Searchable, refid: str, *, max_file_bytes: int | None = None
) -> CableDiff:
    """The versions of `refid` in release order and the word changes between neighbours.

    NotFound when the index has no such cable. Versions whose source file is gone, changed,
    unreadable or (with `max_file_bytes`) too big to read again come back with `body` None
    and the reason in `error`."""
    view = lib.show(index, refid)
    cable = view.cable
    versions = sorted(view.versions, key=version_order)
    if not versions:
        only = lib.Version(
            path=cable.source.path,
            record=cable.source.record,
            format=cable.source.format,
            sha256=cable.source.sha256,
            released=cable.released.isoformat() if cable.released else None,
            created=cable.created.isoformat() if cable.created else None,
            subject=cable.subject,
            indexed=True,
            release=cable.source.release,
        )
        return CableDiff(cable.refid, cable.subject, (VersionText(only, cable.body),), ())
    others = [v for v in versions if not v.indexed]
    found = _read_versions(others, max_file_bytes)
    texts = tuple(
        VersionText(v, cable.body) if v.indexed else found[(v.path, v.record, v.sha256)]
        for v in versions
    )
    changes = tuple(_change(i, texts[i], texts[i + 1]) for i in range(len(texts) - 1))
    return CableDiff(cable.refid, cable.subject, texts, changes)


def _read_versions(
    versions: Iterable[lib.Version], max_file_bytes: int | None
) -> dict[tuple[str, int | None, str], VersionText]:
    by_path: dict[str, list[lib.Version]] = {}
    for v in versions:
        by_path.setdefault(v.path, []).append(v)
    out: dict[tuple[str, int | None, str], VersionText] = {}
    for path, wanted in by_path.items():
        keys = {(v.record, v.sha256): v for v in wanted}
        problem = _unreadable(Path(path), max_file_bytes)
        if problem is None:
            for raw in read_file(Path(path)):
                if not isinstance(raw, RawRecord):
                    continue
                key = (raw.source.record, raw.source.sha256)
                if key in keys:
                    v = keys.pop(key)
                    out[(v.path, v.record, v.sha256)] = _built(v, raw)
                if not keys:
                    break  # the rest of a big multi-record file is not needed
            problem = "the file changed since it was indexed - run `cables index`"
        for v in keys.values():
            out[(v.path, v.record, v.sha256)] = VersionText(v, None, problem)
    return out


def _unreadable(path: Path, max_file_bytes: int | None) -> str | None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc} - run `cables index`"
    if max_file_bytes is not None and size > max_file_bytes:
        return f"not read here: the file is {size / 2**20:,.0f} MiB - see `cables diff`"
    return None


def _built(version: lib.Version, raw: RawRecord) -> VersionText:
    try:
        return VersionText(version, build_cable(raw).body)
    except CableError as exc:
        return VersionText(version, None, f"no cable text in this record: {exc}")


def _change(old: int, a: VersionText, b: VersionText) -> Change:
    if a.body is None or b.body is None:
        return Change(old, old + 1, False, 0, 0, ())
    hunks = word_hunks(a.body.split(), b.body.split())
    removed = sum(len(h.removed.split()) for h in hunks)
    added = sum(len(h.added.split()) for h in hunks)
    return Change(old, old + 1, True, removed, added, tuple(hunks))


def word_hunks(old: list[str], new: list[str], context: int = CONTEXT_WORDS) -> list[Hunk]:
    """The runs of words that differ between two word lists, with `context` words around."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    hunks = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        hunks.append(
            Hunk(
                before=" ".join(old[max(0, i1 - context) : i1]),
                removed=" ".join(old[i1:i2]),
                added=" ".join(new[j1:j2]),
                after=" ".join(old[i2 : i2 + context]),
            )
        )
    return hunks


# --- output ----------------------------------------------------------------------------------


def diff_to_dict(diff: CableDiff) -> dict[str, Any]:
    """The JSON form of `cables diff` (README, "JSON fields: diff")."""
    versions = []
    for vt in diff.versions:
        entry = asdict(vt.version)
        entry["available"] = vt.body is not None
        entry["error"] = vt.error
        versions.append(entry)
    changes = []
    for ch in diff.changes:
        changes.append(
            {
                "from": ch.old,
                "to": ch.new,
                "from_release": diff.versions[ch.old].version.release,
                "to_release": diff.versions[ch.new].version.release,
                "compared": ch.compared,
                "removed_words": ch.removed_words,
                "added_words": ch.added_words,
                "hunks": [asdict(h) for h in ch.hunks],
            }
        )
    return {
        "refid": diff.refid,
        "subject": diff.subject,
        "versions": versions,
        "changes": changes,
    }


def version_label(version: lib.Version) -> str:
    """`release 1,862 (2010-12-22)`, or the format and date when the release is unknown."""
    date = (version.released or version.created or "")[:10]
    name = f"release {version.release:,}" if version.release else version.format
    return f"{name} ({date})" if date else name


def write_diff(diff: CableDiff, fp: TextIO, color: bool) -> None:
    """The versions, then each change as wdiff does: `[-removed-]` and `{+added+}`."""
    count = len(diff.versions)
    fp.write(f"{diff.refid}: {count} version{'s' if count != 1 else ''}  {diff.subject}\n")
    for number, vt in enumerate(diff.versions, 1):
        v = vt.version
        where = v.path if v.record is None else f"{v.path}:{v.record}"
        flags = "  (indexed)" if v.indexed else ""
        if vt.error:
            flags += f"  unavailable: {vt.error}"
        fp.write(f"  {number}. {version_label(v)}  {v.format}  {where}{flags}\n")
    for ch in diff.changes:
        a, b = diff.versions[ch.old].version, diff.versions[ch.new].version
        head = f"{version_label(a)} -> {version_label(b)}: "
        if not ch.compared:
            fp.write(f"\n{head}not compared (a version is unavailable)\n")
            continue
        if not ch.hunks:
            fp.write(f"\n{head}same text\n")
            continue
        fp.write(f"\n{head}{ch.removed_words} words removed, {ch.added_words} added\n")
        for h in ch.hunks:
            parts = [f"… {h.before}" if h.before else ""]
            if h.removed:
                parts.append(_styled(f"[-{h.removed}-]", "red", color))
            if h.added:
                parts.append(_styled(f"{{+{h.added}+}}", "green", color))
            parts.append(f"{h.after} …" if h.after else "")
            fp.write("  " + " ".join(p for p in parts if p) + "\n")


def _styled(text: str, colour: str, color: bool) -> str:
    return click.style(text, fg=colour) if color else text
