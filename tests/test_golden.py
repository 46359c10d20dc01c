"""Field-by-field accuracy on a golden set of real dev cables checked by hand.

`tests/golden/cables.json` holds, for 153 cables spread over every folder and format of the
dev set (HTML releases, pre, CSV, JSON lines, pdftotext, PDF, alx, JSONP) and over 1966-2010,
the values a reader finds in each cable's text: subject, TAGS, references, signer,
"Classified By", creation time, origin, classification and reference id. Each entry names
its file (relative to shared/cables) and, for multi-record files, its record number.

Conventions of the truth (the same as the parser's documented output): a subject without
its portion marking ("(C)") or a trailing paragraph number; TAGS as upper-case codes, free
text written on the TAGS line ("Human Rights", "India-Nepal") left out; references as
canonical ids in order; signers upper case; "Classified By" the name only; created in UTC
from the header's DTG when there is one, None when the text gives no date.

Run with `-s` to see the table; it is also printed at the end of the run.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import REAL_CABLES, ROOT, needs_real_cables

from indexer.cable import Cable
from indexer.parse import parse_file

pytestmark = [needs_real_cables]

GOLDEN = ROOT / "tests" / "golden" / "cables.json"
FIELDS = (
    "refid",
    "created",
    "classification",
    "origin",
    "subject",
    "tags",
    "references",
    "signed_by",
    "classified_by",
)
#: the target on unseen cables, and the floor here
MIN_ACCURACY = 0.98


def _value(cable: Cable, field: str) -> Any:
    value = getattr(cable, field)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _parsed(entry: dict[str, Any]) -> Cable:
    path = REAL_CABLES / entry["path"]
    for cable in parse_file(path):
        if isinstance(cable, Cable) and cable.source.record == entry["record"]:
            return cable
    raise AssertionError(f"{entry['path']}:{entry['record']}: no cable parsed")


@pytest.fixture(scope="module")
def comparison() -> dict[str, list[tuple[str, Any, Any]]]:
    """field -> [(where, expected, got)] for every golden cable."""
    entries = json.loads(GOLDEN.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, Any, Any]]] = {f: [] for f in FIELDS}
    for entry in entries:
        cable = _parsed(entry)
        where = entry["path"] + (f":{entry['record']}" if entry["record"] is not None else "")
        for field in FIELDS:
            out[field].append((where, entry[field], _value(cable, field)))
    return out


def accuracy_table(comparison: dict[str, list[tuple[str, Any, Any]]]) -> str:
    lines = [f"{'field':<16}{'exact':>7}{'of':>6}{'accuracy':>10}"]
    for field, rows in comparison.items():
        good = sum(1 for _, expected, got in rows if expected == got)
        lines.append(f"{field:<16}{good:>7}{len(rows):>6}{good / len(rows):>10.1%}")
    return "\n".join(lines)


def test_golden_set_spans_every_format_and_decade() -> None:
    entries = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(entries) >= 150
    folders = {e["path"].split("/")[0] for e in entries}
    assert len(folders) >= 15
    decades = {e["refid"][:1] for e in entries}
    assert {"6", "7", "8", "9", "0", "1"} <= decades


@pytest.mark.parametrize("field", FIELDS)
def test_field_accuracy(
    field: str,
    comparison: dict[str, list[tuple[str, Any, Any]]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    if field == FIELDS[0]:
        with capsys.disabled():
            print("\ngolden set, per-field accuracy:\n" + accuracy_table(comparison))
    rows = comparison[field]
    wrong = [(where, expected, got) for where, expected, got in rows if expected != got]
    accuracy = 1 - len(wrong) / len(rows)
    assert accuracy >= MIN_ACCURACY, "\n".join(
        f"{where}: expected {expected!r}, got {got!r}" for where, expected, got in wrong
    )


def test_golden_paths_exist() -> None:
    for entry in json.loads(GOLDEN.read_text(encoding="utf-8")):
        assert (REAL_CABLES / entry["path"]).is_file(), entry["path"]
        assert Path(entry["path"]).parts[0] != ".."
