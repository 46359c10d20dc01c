"""Saved searches and alerts: `cables alert add|list|remove|check`, the end-of-run lines of
`cables index`, and the web page and Atom feeds (`indexer.web.alerts`).

Where they live: `INDEX/alerts.json`, beside the generations, not inside one: `cables index`
makes a new generation on every update and `--rebuild` makes a fresh one, and both only ever
touch `gen-*` folders and the `live` link (`store.py`), so saved searches outlive both. The
file is replaced atomically (written to a temporary file, fsynced, `os.replace`d, folder
fsynced): a crash leaves the old file or the new one, never half of one. Read-modify-write
runs under an `flock` on `INDEX/.alerts.lock` (not the index's writer lock, which a long
`cables index` holds), so two `alert` commands never lose each other's change.

What "new" means: a match is new when this saved search has not noticed it before in that
version. Per saved search the file keeps every match it has noticed, as refid -> [hash,
noticed], where hash identifies the indexed record (the first 16 hex digits of its source
sha256, the index's `record_hash` field: enough to tell versions apart, a quarter of the
size) and noticed is when a run first found the cable matching in that version. A cable is
new when it was noticed after the search was last checked (`checked`; at first the time it
was saved). So:

- saving a search notes its current matches as already seen: the first check reports what
  was added or changed since it was saved;
- a cable that changed (another release indexed, a corrected file) has another hash and is
  noticed again: it is new;
- `alert check` reports the new matches, then moves `checked` to now (marks them seen);
- `cables index` notes the matches it brought (so the feed can date them) and reports the
  counts, without moving `checked`: they stay new for the next `alert check`;
- a cable that stops matching keeps its entry, so it is not new again if it comes back
  unchanged (the entries of one search grow with its distinct matches over time, ~60 bytes
  each).

Times are ISO 8601 UTC with microseconds, all written by `_now`, so they compare as text.

The web side never writes: matches no run has noticed yet are dated by the live generation's
folder time (when that update was published) and shown as new.

Kept in one module (~500 lines): the store of saved searches, its locking and the
`check` that reads and marks them change together.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import searching as lib
from . import store
from .errors import CablesError, NotFound
from .highlight import query_terms
from .layout import ALERTS_FILE, MANIFEST
from .layout import ALERTS_LOCK as LOCK_FILE
from .query import parse

FILE_VERSION = 1
#: hex digits of the record sha256 kept per match
HASH_DIGITS = 16
#: saved search names: they appear in URLs (`/alerts/NAME.atom`) and file names
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class AlertError(CablesError):
    """A saved search that cannot be saved, found or read (message says how to fix it)."""


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    created: datetime
    #: when `alert check` last reported it (None: never)
    checked: datetime | None


@dataclass(frozen=True)
class NewMatch:
    hit: lib.Hit
    noticed: datetime
    #: identifies this version of the cable (16 hex digits of its record sha256)
    version: str


@dataclass(frozen=True)
class AlertResult:
    """One saved search's new matches, newest cable first."""

    name: str
    query: str
    since: datetime
    new: tuple[NewMatch, ...]


@dataclass(frozen=True)
class AlertCount:
    name: str
    query: str
    new: int


# --- the file --------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def alerts_path(index_root: Path) -> Path:
    return index_root / ALERTS_FILE


def _load(index_root: Path) -> dict[str, Any]:
    path = alerts_path(index_root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {"version": FILE_VERSION, "alerts": {}}
    except OSError as exc:
        raise AlertError(
            f"cannot read {path}: {exc.strerror or exc} - check its permissions"
        ) from exc
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("alerts"), dict):
            raise ValueError("no alerts object")
    except ValueError as exc:
        raise AlertError(
            f"{path} is damaged ({exc}) - fix or delete it (the saved searches are lost then)"
        ) from exc
    if data.get("version") != FILE_VERSION:
        raise AlertError(
            f"{path} was written by another version of cables - upgrade cables to read it"
        )
    return data


def _save(index_root: Path, data: dict[str, Any]) -> None:
    path = alerts_path(index_root)
    tmp = index_root / f".{ALERTS_FILE}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fd = os.open(index_root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise AlertError(
            f"cannot write {path}: {exc.strerror or exc} - the saved searches are unchanged; "
            "check free disk space and permissions"
        ) from exc


@contextmanager
def _locked(index_root: Path) -> Iterator[dict[str, Any]]:
    """The alerts file for a read-modify-write: saved on leaving the block without error."""
    try:
        index_root.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise AlertError(
            f"cannot write in {index_root}: {exc.strerror or exc} - pass a writable --index DIR"
        ) from exc
    try:
        # blocking: the other holder is another short `alert` command or an index run's
        # last step, never a long job
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = _load(index_root)
        yield data
        _save(index_root, data)
    finally:
        os.close(fd)


def _saved(name: str, entry: dict[str, Any]) -> SavedSearch:
    checked = entry.get("checked")
    return SavedSearch(
        name=name,
        query=entry["query"],
        created=_time(entry["created"]),
        checked=_time(checked) if checked else None,
    )


def _entry(data: dict[str, Any], name: str) -> dict[str, Any]:
    entry = data["alerts"].get(name)
    if entry is None:
        known = ", ".join(sorted(data["alerts"])) or "none yet"
        raise NotFound(
            f'no saved search "{name}" - saved searches: {known} (see `cables alert list`)'
        )
    return dict(entry)


# --- matching --------------------------------------------------------------------------------


def _open(index_root: Path) -> lib.Searchable | None:
    return lib.open_index(index_root) if store.live_generation(index_root) else None


def _current(s: lib.Searchable, query: str) -> dict[str, tuple[str, int, float]]:
    """refid -> (record hash, docnum, score) of every live document matching `query`."""
    q, _ = lib.prepare_query(s, query)
    mask, scores = lib.scored(s, q)
    out: dict[str, tuple[str, int, float]] = {}
    for docnum in np.flatnonzero(mask).tolist():
        stored = s.searcher.stored_fields(docnum)
        digest = str(stored.get("record_hash") or "")[:HASH_DIGITS]
        out[str(stored.get("refid"))] = (digest, docnum, float(scores[docnum]))
    return out


def _notice(entry: dict[str, Any], current: dict[str, tuple[str, int, float]], now: str) -> None:
    """Record the matches this search has not noticed before (in this version) as of `now`."""
    seen: dict[str, list[str]] = entry.setdefault("matches", {})
    for refid, (digest, _, _) in current.items():
        known = seen.get(refid)
        if known is None or known[0] != digest:
            seen[refid] = [digest, now]


_Row = tuple[int, float, str, str]  # docnum, score, noticed, record hash


def _new_rows(
    s: lib.Searchable,
    entry: dict[str, Any],
    current: dict[str, tuple[str, int, float]],
    unnoticed: str,
) -> list[_Row]:
    """The current matches noticed after the last check, newest cable first. Matches not
    recorded in `entry` (the web side does not write) count as noticed at `unnoticed`."""
    since = entry.get("checked") or entry["created"]
    seen: dict[str, list[str]] = entry.get("matches", {})
    found: list[_Row] = []
    for refid, (digest, docnum, score) in current.items():
        known = seen.get(refid)
        noticed = known[1] if known is not None and known[0] == digest else unnoticed
        if noticed > since:
            found.append((docnum, score, noticed, digest))
    created = s.arrays.created
    found.sort(key=lambda row: (-int(created[row[0]]), row[0]))
    return found


def _matches(s: lib.Searchable, query: str, rows: list[_Row]) -> tuple[NewMatch, ...]:
    terms = query_terms(lib.prepare_query(s, query)[0])
    # load_hit: the very hit objects (and highlights) `cables search` gives
    return tuple(
        NewMatch(lib.load_hit(s, docnum, score, terms), _time(noticed), digest)
        for docnum, score, noticed, digest in rows
    )


def _check_query(index_root: Path, query: str) -> None:
    """QueryError unless `query` reads; against the index when there is one (its field
    values are folded against the index), else the grammar alone."""
    s = _open(index_root)
    if s is None:
        parse(query)
        return
    with s:
        lib.prepare_query(s, query)


# --- the commands ----------------------------------------------------------------------------


def add_alert(index_root: Path, name: str, query: str) -> SavedSearch:
    """Save `query` as `name`; its current matches count as seen. AlertError for a bad or
    taken name, QueryError for a malformed query (nothing is saved then)."""
    if not NAME_RE.match(name):
        raise AlertError(
            f'bad name "{name}" - use letters, digits, "-" and "_" (at most 64), e.g. ashraf'
        )
    query = query.strip()
    _check_query(index_root, query)
    with _locked(index_root) as data:
        if name in data["alerts"]:
            raise AlertError(
                f'a saved search "{name}" exists ({data["alerts"][name]["query"]!r}) - remove it '
                f"first (cables alert remove {name}) or pick another name"
            )
        now = _now()
        entry: dict[str, Any] = {"query": query, "created": now, "checked": None, "matches": {}}
        s = _open(index_root)
        if s is not None:
            with s:
                _notice(entry, _current(s, query), now)
        data["alerts"][name] = entry
    return _saved(name, entry)


def remove_alert(index_root: Path, name: str) -> SavedSearch:
    """Forget the saved search `name` (NotFound when there is none); returns it."""
    with _locked(index_root) as data:
        entry = _entry(data, name)
        del data["alerts"][name]
    return _saved(name, entry)


def list_alerts(index_root: Path) -> tuple[SavedSearch, ...]:
    """Every saved search, by name."""
    data = _load(index_root)
    return tuple(_saved(n, e) for n, e in sorted(data["alerts"].items()))


def check_alerts(index_root: Path, name: str | None = None) -> tuple[AlertResult, ...]:
    """Each saved search (or just `name`) with its new matches, which are then marked seen."""
    with _locked(index_root) as data:
        names = [name] if name is not None else sorted(data["alerts"])
        entries = {n: _entry(data, n) for n in names}
        s = lib.open_index(index_root)
        results = []
        with s:
            now = _now()
            for n, entry in entries.items():
                current = _current(s, entry["query"])
                _notice(entry, current, now)
                since = entry.get("checked") or entry["created"]
                new = _matches(s, entry["query"], _new_rows(s, entry, current, now))
                entry["checked"] = now
                data["alerts"][n] = entry
                results.append(AlertResult(n, entry["query"], _time(since), new))
    return tuple(results)


def alert_counts(index_root: Path) -> tuple[AlertCount, ...]:
    """After `cables index`: each saved search's number of new matches in the live
    generation. Notes when matches were first seen (for the feeds) but marks nothing seen."""
    if not alerts_path(index_root).exists() or store.live_generation(index_root) is None:
        return ()
    with _locked(index_root) as data, lib.open_index(index_root) as s:
        now = _now()
        counts = []
        for name, entry in sorted(data["alerts"].items()):
            current = _current(s, entry["query"])
            _notice(entry, current, now)
            new = len(_new_rows(s, entry, current, now))
            counts.append(AlertCount(name, entry["query"], new))
    return tuple(counts)


# --- the web side (read-only) ----------------------------------------------------------------


def _unnoticed_time(s: lib.Searchable) -> str:
    """When the live generation was written: the date of matches no run has noted. The
    manifest's time, not the folder's: searches add cache files to the folder later."""
    manifest = s.generation / MANIFEST
    source = manifest if manifest.exists() else s.generation
    stamp = datetime.fromtimestamp(source.stat().st_mtime, UTC)
    return stamp.isoformat(timespec="microseconds")


def pending(s: lib.Searchable, name: str | None = None) -> tuple[AlertResult, ...]:
    """Each saved search (or `name`) with its new matches, marking nothing (for the web)."""
    data = _load(s.root)
    names = [name] if name is not None else sorted(data["alerts"])
    unnoticed = _unnoticed_time(s)
    out = []
    for n in names:
        entry = _entry(data, n)
        current = _current(s, entry["query"])
        new = _matches(s, entry["query"], _new_rows(s, entry, current, unnoticed))
        since = entry.get("checked") or entry["created"]
        out.append(AlertResult(n, entry["query"], _time(since), new))
    return tuple(out)


def _urn(key: str) -> str:
    """A stable, valid Atom id (RFC 4122 name-based UUID) for `key`."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


@dataclass(frozen=True)
class FeedEntry:
    hit: lib.Hit
    noticed: datetime
    version: str
    #: a stable Atom id for this version of this cable in this feed
    id: str


@dataclass(frozen=True)
class Feed:
    search: SavedSearch
    id: str
    updated: datetime
    entries: tuple[FeedEntry, ...]


def feed(s: lib.Searchable, name: str, limit: int = 50) -> Feed:
    """The `limit` matches of saved search `name` noticed most recently (a changed cable
    counts from its new version), newest first: what an Atom feed of the search shows."""
    data = _load(s.root)
    entry = _entry(data, name)
    saved = _saved(name, entry)
    current = _current(s, entry["query"])
    seen: dict[str, list[str]] = entry.get("matches", {})
    unnoticed = _unnoticed_time(s)
    created = s.arrays.created
    rows = []
    for refid, (digest, docnum, score) in current.items():
        known = seen.get(refid)
        noticed = known[1] if known is not None and known[0] == digest else unnoticed
        rows.append((noticed, int(created[docnum]), docnum, score, digest, refid))
    rows.sort(key=lambda r: (r[0], r[1], -r[2]), reverse=True)
    terms = query_terms(lib.prepare_query(s, entry["query"])[0])
    feed_id = _urn(f"cables-alert:{name}:{entry['created']}")
    entries = tuple(
        FeedEntry(
            hit=lib.load_hit(s, docnum, score, terms),
            noticed=_time(noticed),
            version=digest,
            id=_urn(f"{feed_id}/{refid}/{digest}"),
        )
        for noticed, _, docnum, score, digest, refid in rows[:limit]
    )
    updated = entries[0].noticed if entries else saved.created
    return Feed(saved, feed_id, updated, entries)


# --- output ----------------------------------------------------------------------------------


def saved_to_dict(saved: SavedSearch) -> dict[str, Any]:
    return {
        "name": saved.name,
        "query": saved.query,
        "created": saved.created.isoformat(),
        "checked": saved.checked.isoformat() if saved.checked else None,
    }


def results_to_dict(results: tuple[AlertResult, ...]) -> dict[str, Any]:
    """The JSON form of `alert check` (README, "JSON fields: alert check")."""
    return {
        "alerts": [
            {
                "name": r.name,
                "query": r.query,
                "since": r.since.isoformat(),
                "new": [lib.hit_to_dict(m.hit) for m in r.new],
            }
            for r in results
        ]
    }


def counts_to_list(counts: tuple[AlertCount, ...]) -> list[dict[str, Any]]:
    """The `alerts` field of `index --json`."""
    return [{"name": c.name, "query": c.query, "new": c.new} for c in counts]


def count_line(count: AlertCount) -> str:
    noun = "new cable matches" if count.new == 1 else "new cables match"
    return f'{count.new} {noun} "{count.query}" ({count.name})'


def write_results(results: tuple[AlertResult, ...], fp: TextIO, color: bool) -> None:
    """Per saved search: a heading line, then its new matches as `cables search` shows hits."""
    from .highlight import Fragment
    from .render import hit_lines

    if not results:
        fp.write('no saved searches - save one with: cables alert add NAME "QUERY"\n')
    for i, r in enumerate(results):
        if i:
            fp.write("\n")
        since = r.since.strftime("%Y-%m-%d %H:%M UTC")
        noun = "new cable" if len(r.new) == 1 else "new cables"
        fp.write(f'{r.name}: {len(r.new)} {noun} match "{r.query}" since {since}\n')
        for number, match in enumerate(r.new, 1):
            subject = Fragment(match.hit.subject or "(no subject)", ())
            fp.write("\n".join(hit_lines(number, match.hit, subject, color)) + "\n")


def write_list(saved: tuple[SavedSearch, ...], fp: TextIO) -> None:
    if not saved:
        fp.write('no saved searches - save one with: cables alert add NAME "QUERY"\n')
        return
    width = max(len(s.name) for s in saved)
    for s in saved:
        checked = s.checked.strftime("%Y-%m-%d %H:%M UTC") if s.checked else "never"
        fp.write(f"{s.name:<{width}}  {s.query}  (checked: {checked})\n")
