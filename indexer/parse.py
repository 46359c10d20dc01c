"""Files -> Cables, for `cables parse` and for indexing: readers, then `normalize`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from .cable import Cable, RawRecord, ReadError, cable_to_dict
from .normalize import CableError, build_cable
from .readers import read_file, read_paths


def to_cable(raw: RawRecord | ReadError) -> Cable | ReadError:
    if isinstance(raw, ReadError):
        return raw
    try:
        return build_cable(raw)
    except CableError as exc:
        return ReadError(raw.source.path, raw.source.record, str(exc))


def parse_paths(paths: Iterable[Path]) -> Iterator[Cable | ReadError]:
    """Every cable under `paths` (files or folders, recursive); bad records as `ReadError`s."""
    for raw in read_paths(paths):
        yield to_cable(raw)


def parse_file(path: Path) -> Iterator[Cable | ReadError]:
    for raw in read_file(path):
        yield to_cable(raw)


def parse_range(
    path: Path, start: int, end: int | None, rows_before: int
) -> Iterator[Cable | ReadError]:
    """The cables of a byte range of a cables.csv (see `readers.csvfile.read_range`)."""
    from .readers.csvfile import read_range

    for raw in read_range(path, start, end, rows_before):
        yield to_cable(raw)


def write_json_line(cable: Cable, fp: TextIO) -> None:
    fp.write(json.dumps(cable_to_dict(cable), ensure_ascii=False))
    fp.write("\n")


def no_cable_line(files: int) -> str:
    """The one line that counts the files holding no cable (no failures: see `NoCable`)."""
    return f"{files:,} {'file holds' if files == 1 else 'files hold'} no cable text"


def summary_line(cable: Cable) -> str:
    """One readable line: refid, date, classification, origin, subject."""
    created = cable.created.strftime("%Y-%m-%d") if cable.created else "????-??-??"
    subject = cable.subject or "(no subject)"
    return f"{cable.refid:<22} {created}  {cable.classification:<34} {cable.origin:<28} {subject}"
