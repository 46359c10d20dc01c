"""Which record of a cable wins: the order of precedence between records of one refid.

A neutral module, imported by both sides: the write side indexes the winning record of each
refid and keeps the others as its versions (`indexer.manifest.RecordEntry.rank`), the read
side lists versions in the same order (`indexer.diff`). In the flow file -> reader -> Cable
-> document -> index it belongs to the Cable step: it compares what readers found.

The order: the newest Cablegate release first (the release pages' "released so far"
counter, 243 ... 251287), then the later `released` date, then the richer format
(FORMAT_RANK), then the greater path, then the greater record number.

>>> FORMAT_RANK["html"] > FORMAT_RANK["csv"] > FORMAT_RANK["pre"]
True
"""

from __future__ import annotations

#: Richer formats win ties between records of one refid with the same release date.
FORMAT_RANK: dict[str, int] = {
    "html": 9,
    "csv": 8,
    "pagetext": 7,
    "jsonp": 6,
    "jsonl": 5,
    "pdf": 4,
    "pdftotext": 3,
    "alx": 2,
    "pre": 1,
}
