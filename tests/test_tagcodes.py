"""TAGS codes and their meanings: the shipped table, lookups both ways (with ambiguity), the
`tag_meanings` JSON field, `cables show`, the web pages, `cables tags`, and how much of the
real cables' TAGS the table explains."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import needs_real_cables
from helpers import make_cable, make_index, page_cable
from starlette.testclient import TestClient

from indexer import tagcodes
from indexer.cable import Cable
from indexer.cli import main
from indexer.parse import parse_paths
from indexer.render import write_view
from indexer.searching import hit_to_dict, search, show, view_to_dict
from indexer.web import create_app

EXAMPLE_TAGS = "TAGS: PTER PHUM PINR PREF PREL IZ IR"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# --- the table -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "meaning", "kind"),
    [
        ("PTER", "Terrorists and Terrorism", "subject"),
        ("pter", "Terrorists and Terrorism", "subject"),
        (" PHUM ", "Human Rights", "subject"),
        ("KNNP", "Nuclear Non-Proliferation", "program"),
        ("PGOV", "Internal Governmental Affairs", "subject"),
        ("IZ", "Iraq", "country"),
        ("IR", "Iran", "country"),
        ("TU", "Turkey", "country"),
        ("GM", "Germany", "country"),
        ("NATO", "North Atlantic Treaty Organization", "organization"),
        ("EUN", "European Union", "organization"),
    ],
)
def test_known_codes(code: str, meaning: str, kind: str) -> None:
    assert tagcodes.meaning(code) == meaning
    assert tagcodes.kind(code) == kind
    assert tagcodes.label(code.strip()) == f"{code.strip()} — {meaning}"


@pytest.mark.parametrize("code", ["", "XX", "PTERR", "EARTHQUAKE", "HILLARY", "ETRDEINVPGOV"])
def test_unknown_values_have_no_meaning(code: str) -> None:
    assert tagcodes.meaning(code) is None
    assert tagcodes.kind(code) is None
    assert tagcodes.label(code) == code


def test_a_value_spelling_out_a_whole_meaning_means_it() -> None:
    # drafters sometimes wrote the country's name on the TAGS line
    assert tagcodes.meaning("IRAN") == "Iran"
    assert tagcodes.meaning("Saudi Arabia") == "Saudi Arabia"
    # the meaning of two codes (UN, UNO), but still one meaning
    assert tagcodes.meaning("UNITED NATIONS") == "United Nations"
    assert tagcodes.meaning("TERRORISM") is None  # a word of a meaning, not a whole one


def test_shipped_table_is_well_formed() -> None:
    rows = tagcodes.table()
    assert len(rows) > 300
    header = (Path(tagcodes.__file__).parent / tagcodes.DATA_FILE).read_text(encoding="utf-8")
    named = set(re.findall(r"^#   (\w+) ", header, re.M))
    assert {"tags", "gec", "org"} <= named
    for code, row in rows.items():
        assert code == row.code == code.upper() and code.strip() == code
        assert row.kind in tagcodes.KINDS
        assert row.source in named, f"{code}: source {row.source!r} is not described"
        assert row.meaning.strip() == row.meaning and row.meaning
        if row.kind == "country":
            assert re.fullmatch(r"[A-Z]{2}", code), code
        if row.kind in ("subject", "program"):
            assert re.fullmatch(r"[A-Z]{4}", code), code
        if row.kind == "program":
            assert code.startswith("K"), code


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("PTER\tsubject\tTerrorism\n", "expected 4"),
        ("PTER\tsubject\t\ttags\n", "expected 4"),
        ("PTER\tnonsense\tTerrorism\ttags\n", "unknown kind"),
        ("PTER\tsubject\tTerrorism\ttags\npter\tsubject\tTerror\ttags\n", "listed twice"),
    ],
)
def test_malformed_tables_are_refused(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        tagcodes.parse_table(text.splitlines())


def test_comments_header_and_blank_lines_are_skipped() -> None:
    rows = tagcodes.parse_table(
        ["# a comment", "", "code\tkind\tmeaning\tsource", "xy\tcountry\tSomewhere\tgec"]
    )
    assert list(rows) == ["XY"] and rows["XY"].meaning == "Somewhere"


# --- meaning words -> codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("terrorism", "PTER"),
        ("TERRORISM", "PTER"),
        ("iraq", "IZ"),
        ("Iraq", "IZ"),
        ("human rights", "PHUM"),
        ("Côte d'Ivoire", "IV"),
        ("cote d'ivoire", "IV"),
        ("narcotics", "SNAR"),
        ("turkey", "TU"),
    ],
)
def test_code_for_word(word: str, code: str) -> None:
    assert tagcodes.code_for_word(word) == code


@pytest.mark.parametrize(
    "word",
    [
        "korea",  # North and South
        "rights",  # human rights, intellectual property rights, ...
        "affairs",
        "and",  # a stop word
        "in",  # India's code, but not a meaning word
        "",
        "  ",
        "zzyzx",
        "terrorism iraq",  # two words that are no one code's whole meaning
    ],
)
def test_code_for_word_refuses_unknown_and_ambiguous_words(word: str) -> None:
    assert tagcodes.code_for_word(word) is None


def test_every_unique_meaning_leads_back_to_its_code() -> None:
    rows = tagcodes.table()
    by_meaning = Counter(r.meaning.lower() for r in rows.values())
    for code, row in rows.items():
        if by_meaning[row.meaning.lower()] == 1:
            assert tagcodes.code_for_word(row.meaning) == code, row


def test_a_word_gives_a_code_only_when_no_other_meaning_has_it() -> None:
    rows = tagcodes.table().values()
    words = {w for r in rows for w in re.findall(r"[a-z0-9]+", r.meaning.lower())}
    for word in words:
        code = tagcodes.code_for_word(word)
        if code is None:
            continue
        having = {
            r.code for r in rows if word in re.findall(r"[a-z0-9]+", r.meaning.lower())
        }
        # or the word is a whole meaning itself ("guinea": Guinea, not Guinea-Bissau)
        assert having == {code} or tagcodes.table()[code].meaning.lower() == word, word


# --- output: JSON, show, web -----------------------------------------------------------------


def small_corpus() -> list[Cable]:
    return [
        make_cable("09BAGHDAD1", "MEK UPDATE", "1. (C) Camp Ashraf.", tags=("PTER", "IZ", "MEK")),
        make_cable("09BAGHDAD2", "CAMP ASHRAF SECURITY", "1. (C) Ashraf.", tags=("PTER", "IZ")),
        make_cable("09ANKARA3", "PKK ATTACKS", "1. (C) Ashraf mentioned.", tags=("PTER", "TU")),
    ]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_index(tmp_path_factory.mktemp("tagcodes") / "index", small_corpus())


def test_search_json_has_tag_meanings_beside_tags(small_index: Path) -> None:
    result = search(small_index, "ashraf", limit=10)
    by_refid = {h.refid: hit_to_dict(h) for h in result.hits}
    hit = by_refid["09BAGHDAD1"]
    assert hit["tags"] == ["PTER", "IZ", "MEK"]
    assert hit["tag_meanings"] == [
        {"code": "PTER", "meaning": "Terrorists and Terrorism"},
        {"code": "IZ", "meaning": "Iraq"},
        {"code": "MEK", "meaning": None},
    ]
    for data in by_refid.values():
        assert [m["code"] for m in data["tag_meanings"]] == data["tags"]
    json.dumps(by_refid)


def test_show_json_and_text_explain_the_tags(small_index: Path) -> None:
    view = show(small_index, "09ANKARA3")
    data = view_to_dict(view)
    assert data["tags"] == ["PTER", "TU"]
    assert data["tag_meanings"] == [
        {"code": "PTER", "meaning": "Terrorists and Terrorism"},
        {"code": "TU", "meaning": "Turkey"},
    ]
    out = io.StringIO()
    write_view(show(small_index, "09BAGHDAD1"), out, color=False)
    lines = out.getvalue().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("TAGS:"))
    assert lines[at].split()[1:] == ["PTER", "IZ", "MEK"]
    # one line per code with a meaning, under the TAGS line; MEK has none
    assert [line.split(None, 1) for line in lines[at + 1 : at + 3]] == [
        ["PTER", "Terrorists and Terrorism"],
        ["IZ", "Iraq"],
    ]
    assert not lines[at + 3].strip().startswith("MEK")


def test_web_shows_meanings_on_facets_hits_and_cable_page(small_index: Path) -> None:
    with TestClient(create_app(small_index)) as client:
        page = client.get("/search", params={"q": "ashraf"}).text
        box = re.search(r'data-facet="tag">(.*?)</section>', page, re.S)
        assert box
        facet = unescape(box.group(1))
        assert 'title="PTER — Terrorists and Terrorism"' in facet
        assert '<span class="facet-meaning tag-meaning">Iraq</span>' in facet
        # a code without a meaning gets no meaning element
        mek = re.search(r'<span class="facet-label">MEK</span>(.*?)</a>', facet, re.S)
        assert mek and "tag-meaning" not in mek.group(1)
        assert 'class="tag" title="Turkey">TU</a>' in unescape(page)

        cable = unescape(client.get("/cable/09BAGHDAD1").text)
        assert 'title="PTER — Terrorists and Terrorism">PTER' in cable
        assert '<span class="tag-meaning">— Iraq</span>' in cable
        assert re.search(r'href="[^"]*">MEK</a>', cable)

        api = client.get("/api/cable/09BAGHDAD1").json()
        assert api["tag_meanings"][1] == {"code": "IZ", "meaning": "Iraq"}


# --- cables tags -----------------------------------------------------------------------------


def test_tag_counts_counts_cables_and_sorts_by_count(small_index: Path) -> None:
    counts = tagcodes.tag_counts(small_index)
    assert [(t.code, t.count) for t in counts] == [("PTER", 3), ("IZ", 2), ("MEK", 1), ("TU", 1)]
    assert [t.meaning for t in counts] == ["Terrorists and Terrorism", "Iraq", None, "Turkey"]
    with pytest.raises(AttributeError):
        counts[0].count = 9  # type: ignore[misc]


def corpus_with_tags(folder: Path, tag_lines: dict[str, str]) -> Path:
    """Page-text cables (the example with another refid and TAGS line), for `cables index`."""
    folder.mkdir(parents=True)
    for refid, tags in tag_lines.items():
        text = page_cable(refid).replace(EXAMPLE_TAGS, f"TAGS: {tags}")
        assert f"TAGS: {tags}" in text
        (folder / f"{refid}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An index written by `cables index` itself."""
    root = tmp_path_factory.mktemp("cli")
    corpus = corpus_with_tags(
        root / "corpus",
        {
            "09BAGHDAD200": "PTER PREL IZ",
            "09BAGHDAD201": "PTER IZ KNNP",
            "09ANKARA202": "PTER TU OVIP KSCA",
        },
    )
    index = str(root / "index")
    code, _, err = run("index", str(corpus), "--index", index, "--quiet", "--procs", "1")
    assert code == 0, err
    return index


def test_cli_tags_json(indexed: str) -> None:
    code, out, err = run("tags", "--index", indexed, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["tags"]
    rows = data["tags"]
    assert all(list(r) == ["code", "meaning", "count"] for r in rows)
    assert rows[0] == {"code": "PTER", "meaning": "Terrorists and Terrorism", "count": 3}
    assert rows[1] == {"code": "IZ", "meaning": "Iraq", "count": 2}
    by_code = {r["code"]: r for r in rows}
    assert by_code["KSCA"]["meaning"] is None
    assert by_code["KNNP"]["meaning"] == "Nuclear Non-Proliferation"
    counts = [r["count"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_cli_tags_text(indexed: str) -> None:
    code, out, _ = run("tags", "--index", indexed)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split(None, 2) == ["3", "PTER", "Terrorists and Terrorism"]
    assert any(line.split() == ["1", "KSCA"] for line in lines)


def test_cli_tags_without_index_is_one_line_exit_1(tmp_path: Path) -> None:
    code, out, err = run("tags", "--index", str(tmp_path / "none"), "--json")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "cables index" in err


def test_cli_tags_bad_option_is_exit_2(indexed: str) -> None:
    code, _, err = run("tags", "--index", indexed, "--bogus")
    assert code == 2 and "bogus" in err


# --- the real cables -------------------------------------------------------------------------

#: the share of the dev set's TAGS occurrences the table must explain (issue 13: 95%; 95.95% on
#: 2026-12-02). The rest are free-form words, names, mistyped codes and program/region codes
#: whose meaning no public source at hand gives (see README, "TAGS codes").
COVERAGE_FLOOR = 0.95


@needs_real_cables
@pytest.mark.slow
def test_table_explains_most_tags_of_the_real_cables(real_cables: Path) -> None:
    seen: Counter[str] = Counter()
    for item in parse_paths([real_cables]):
        if isinstance(item, Cable):
            seen.update(item.tags)
    known = sum(n for code, n in seen.items() if tagcodes.meaning(code) is not None)
    share = known / sum(seen.values())
    unknown = sorted(
        ((n, c) for c, n in seen.items() if tagcodes.meaning(c) is None), reverse=True
    )
    print(
        f"\nTAGS coverage: {share:.2%} of {sum(seen.values()):,} occurrences "
        f"({len(seen):,} distinct values); most frequent without a meaning: "
        + " ".join(f"{c}:{n}" for n, c in unknown[:20])
    )
    assert share >= COVERAGE_FLOOR
    # the most frequent codes all have meanings
    for code, _ in seen.most_common(40):
        assert tagcodes.meaning(code) is not None, code
