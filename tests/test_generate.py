"""Tests of `bench/generate.py`, the synthetic Cablegate corpus of the index benchmark."""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT

from indexer.cable import REFID_RE

sys.path.insert(0, str(ROOT / "bench"))
import generate
from generate import CLASSIFICATIONS, PAGE_CHARS, REAL_TOTAL, Generator

TABLE_HEADER = "Reference ID | Created | Classification | Origin |"
VALUE_ROW = re.compile(
    r"^(?P<refid>\d{2}[A-Z]+\d+) \| (?P<created>\d{4}-\d\d-\d\d \d\d:\d\d) \| "
    r"(?P<classification>[A-Z/ ]+) \| (?P<origin>[^|]+) \|$"
)
#: `A. BAGHDAD 003 B. 2008 BAGHDAD 4006`, or one citation without a letter
CITATION = re.compile(
    r"(?:[A-Z]\. )?(?:(?P<year>\d{4}) )?(?P<station>[A-Z][A-Z ]*?) (?P<serial>\d+)"
)


@pytest.fixture(scope="module")
def gen() -> Generator:
    return Generator(42)


def _files(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*.txt"))}


def _shape(text: str) -> dict[str, str]:
    """Check the page-text layout of `corpus/09BAGHDAD113.txt`; return the table values."""
    lines = text.split("\n")
    assert len(lines) == 6, "title, table header, rule, values, routing header, body"
    assert lines[0].startswith("WikiLeaks: ") and len(lines[0]) > len("WikiLeaks: ")
    assert lines[1] == TABLE_HEADER
    assert lines[2] == "---|---|---|---|"
    row = VALUE_ROW.match(lines[3])
    assert row, lines[3]
    assert lines[4].startswith("VZCZC") and " FM " in lines[4] and " TO " in lines[4]
    body = lines[5]
    assert " TAGS: " in body and " SUBJECT: " in body
    assert re.search(r" 1\. \((?:U|SBU|C|S|C/NF|S/NF)\) ", body)
    assert not text.endswith("\n")
    return row.groupdict()


def test_example_has_the_shape_we_check() -> None:
    # the layout check below is only worth something if the real example passes it
    values = _shape(EXAMPLE.read_text())
    assert values["refid"] == "09BAGHDAD113"


def test_generated_files_have_the_example_layout(tmp_path: Path) -> None:
    paths = generate.generate(tmp_path, 40)
    assert len(paths) == 40
    for path in paths:
        values = _shape(path.read_text("utf-8"))
        refid = values["refid"]
        assert REFID_RE.match(refid)
        assert path.name == f"{refid}.txt"
        # OUT_DIR/YYYY/MM/REFID.txt, from the Created column
        year, month = values["created"][:4], values["created"][5:7]
        assert path.relative_to(tmp_path).parts[:2] == (year, month)
        assert refid[:2] == year[2:]
        assert values["classification"] in dict(CLASSIFICATIONS)


def test_same_seed_gives_same_bytes(tmp_path: Path) -> None:
    generate.generate(tmp_path / "a", 30, seed=7)
    generate.generate(tmp_path / "b", 30, seed=7)
    generate.generate(tmp_path / "c", 30, seed=8)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert len(a) == 30
    assert a == b
    assert set(a) != set(c)


def test_cable_number_is_independent_of_the_slice(tmp_path: Path) -> None:
    generate.generate(tmp_path / "all", 50, start=0)
    generate.generate(tmp_path / "tail", 10, start=40)
    whole, tail = _files(tmp_path / "all"), _files(tmp_path / "tail")
    assert len(tail) == 10
    for rel, data in tail.items():
        assert whole[rel] == data


def test_refids_are_unique_also_past_the_real_corpus(gen: Generator) -> None:
    numbers = [*range(60_000), *range(REAL_TOTAL - 5_000, REAL_TOTAL + 1_000)]
    refids = [gen.meta(n).refid for n in numbers]
    assert len(set(refids)) == len(refids)
    assert all(REFID_RE.match(r) and not REFID_RE.match(r)[3].startswith("0") for r in refids)  # type: ignore[index]


def _cables(gen: Generator, count: int) -> Iterator[generate.GeneratedCable]:
    return (gen.cable(n) for n in range(count))


def test_references_cite_earlier_generated_cables(gen: Generator) -> None:
    earlier: dict[str, int] = {}
    with_refs = 0
    for cable in _cables(gen, 500):
        body = cable.text.split("\n")[5]
        match = re.search(r" REF: (.*?) (?:Classified By:|1\. \()", body)
        if match is None:
            assert cable.references == ()
        else:
            with_refs += 1
            own_year = cable.meta.created.year
            cited = []
            for c in CITATION.finditer(match.group(1)):
                year = int(c["year"] or own_year)
                cited.append(f"{year % 100:02d}{c['station'].replace(' ', '')}{int(c['serial'])}")
            assert tuple(cited) == cable.references
            for refid in cited:
                assert earlier.get(refid, cable.meta.number) < cable.meta.number, refid
        earlier[cable.meta.refid] = cable.meta.number
    assert 100 < with_refs < 400


def test_sizes_average_about_seven_kilobytes(gen: Generator) -> None:
    sizes = [len(c.text.encode()) for c in _cables(gen, 500)]
    assert 5_000 <= sum(sizes) / len(sizes) <= 9_000
    # log-normal spread: short notes and long reports both occur
    assert min(sizes) < 3_000
    assert max(sizes) > 15_000


def test_long_cables_have_sections_and_page_markers(gen: Generator) -> None:
    long = [c for c in _cables(gen, 300) if len(c.text) > 3 * PAGE_CHARS]
    assert long
    for cable in long:
        body = cable.text.split("\n")[5]
        pages = int(re.search(r"SECTION 01 OF (\d\d) ", body)[1])  # type: ignore[index]
        assert pages >= 2
        station, serial = cable.meta.origin.station, cable.meta.serial
        for page in range(2, pages + 1):
            assert f" {station} {serial:08d} {page:03d} OF {pages:03d} " in body


def test_classification_mix_matches_the_real_corpus(gen: Generator) -> None:
    seen = Counter(gen.meta(n).classification for n in range(2_000))
    total = sum(n for _, n in CLASSIFICATIONS)
    for name, real in CLASSIFICATIONS:
        assert abs(seen[name] / 2_000 - real / total) < 0.03, name


def test_dates_span_the_corpus_and_lean_to_2005_2010(gen: Generator) -> None:
    dates = [gen.meta(n).created for n in range(20_000)]
    years = Counter(d.year for d in dates)
    assert min(years) >= 1966 and max(years) == 2010
    assert max(d for d in dates if d.year == 2010).month <= 2
    recent = sum(n for y, n in years.items() if y >= 2005)
    assert recent / len(dates) > 0.75
    assert sum(n for y, n in years.items() if y < 2000) > 50


def test_tags_and_subjects(gen: Generator) -> None:
    origins = set()
    for cable in _cables(gen, 300):
        assert 2 <= len(cable.tags) <= 8
        assert all(re.fullmatch(r"[A-Z]{2,6}", t) for t in cable.tags)
        words = cable.subject.split()
        assert 5 <= len(words) <= 15
        assert cable.subject == cable.subject.upper()
        assert f" SUBJECT: {cable.subject} " in cable.text
        origins.add(cable.meta.origin.name)
    assert len(origins) > 100
    assert len(generate.origins()) >= 250


def test_words_follow_zipf(gen: Generator) -> None:
    counts: Counter[str] = Counter()
    for cable in _cables(gen, 200):
        counts.update(w.strip(".,:;").lower() for w in cable.text.split("\n")[5].split())
    freqs = [n for _, n in counts.most_common(1_000)]
    # least-squares slope of log(frequency) over log(rank), ranks 10..1000
    xs = [math.log(r) for r in range(10, 1_001)]
    ys = [math.log(f) for f in freqs[9:1_000]]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    assert -1.25 < slope < -0.85


def test_parsing_generated_cables_gives_their_fields_back(tmp_path: Path) -> None:
    if not (ROOT / "indexer" / "readers" / "pagetext.py").exists():
        pytest.skip("the page-text reader is not written yet")
    from indexer.cable import RawRecord
    from indexer.normalize import build_cable
    from indexer.readers import read_file

    gen = Generator(42)
    wanted = {c.meta.refid: c for c in (gen.cable(n) for n in range(60))}
    generate.generate(tmp_path, 60)
    for path in sorted(tmp_path.rglob("*.txt")):
        records = list(read_file(path))
        assert len(records) == 1 and isinstance(records[0], RawRecord), records
        try:
            cable = build_cable(records[0])
        except NotImplementedError:
            pytest.skip("indexer.normalize.build_cable is not written yet")
        expected = wanted[path.stem]
        assert records[0].source.format == "pagetext"
        assert cable.refid == expected.meta.refid
        assert cable.subject == expected.subject
        assert cable.tags == expected.tags
        assert cable.references == expected.references
        assert cable.classification == expected.meta.classification
        assert cable.origin == expected.meta.origin.name


@pytest.mark.parametrize("fmt", ["html", "csv"])
def test_real_layouts_parse_to_the_generated_fields(tmp_path: Path, fmt: str) -> None:
    from indexer.cable import Cable
    from indexer.parse import parse_paths

    gen = Generator(42)
    wanted = {c.meta.refid: c for c in (gen.cable(n) for n in range(40))}
    paths = generate.generate(tmp_path, 40, fmt=fmt)
    items = list(parse_paths([tmp_path]))
    got = [c for c in items if isinstance(c, Cable)]
    assert len(got) == len(items)
    assert sorted(c.refid for c in got) == sorted(wanted)
    for cable in got:
        expected = wanted[cable.refid]
        assert cable.source.format == fmt
        assert cable.subject == expected.subject
        assert cable.tags == expected.tags
        assert cable.references == expected.references
        assert cable.created == expected.meta.created.replace(tzinfo=UTC)
        assert cable.signed_by == (expected.signer,)
        assert "\n\n" in cable.body
    if fmt == "html":
        # pages of the final release: its release counter, and its size from the navigation
        sizes = [p.stat().st_size for p in paths]
        nav = generate.NAVIGATION_BYTES
        assert all(nav < s < nav + 60_000 for s in sizes)
        assert all(c.source.release == REAL_TOTAL for c in got)
    else:
        assert [p.name for p in paths] == ["cables.csv"]
        assert [c.source.record for c in got] == list(range(1, 41))


def test_real_layout_wraps_lines_and_splits_the_header(gen: Generator) -> None:
    header, body = generate.real_layout(gen.cable(5))
    assert header.startswith("VZCZC") and "\nFM " in header and "\nTO " in header
    assert max(len(line) for line in body.split("\n")) <= generate.LINE_WIDTH + 20
    assert "\nTAGS: " in body and "\nSUBJECT: " in body and "\n\n1. (" in body
