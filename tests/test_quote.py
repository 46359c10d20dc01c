"""`quote`: the cable a passage copied from an article comes from, on a small index written by
the project's own writer: exact, a word dropped or changed, an ellipsis, words added at the
ends, case/punctuation/line breaks; `matched` and the highlighted span; CLI and web."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import make_cable, make_index
from starlette.testclient import TestClient

from indexer.cli import main
from indexer.errors import QueryError
from indexer.quote import QuoteResult, quote, result_to_dict
from indexer.searching import result_to_dict as search_result_to_dict
from indexer.searching import search
from indexer.web import create_app

SOURCE = (
    "1. (C) SUMMARY: A DEFECTOR FROM CAMP ASHRAF SAYS THE LEADERSHIP IS PREPARED TO ORDER\n"
    "RESIDENTS TO KILL THEMSELVES TO PROTEST ANY ARRESTS OF ASHRAF RESIDENTS. END SUMMARY.\n\n"
    "2. (C) THE MEK IS A DESIGNATED FOREIGN TERRORIST ORGANIZATION. ON JANUARY 13 THE\n"
    "DEFECTOR PRESENTED HIMSELF TO IRAQI TROOPS OUTSIDE THE GATE OF THE CAMP AND ASKED\n"
    "FOR PROTECTION FROM THE ORGANIZATION'S SECURITY UNIT."
)
#: shares most words of the source, in another order and with others between
DECOY = (
    "1. (C) IRAQI TROOPS AT THE GATE OF CAMP ASHRAF SAY RESIDENTS PROTEST ARRESTS. THE\n"
    "LEADERSHIP OF THE MEK ORGANIZATION ASKED FOR PROTECTION; A DEFECTOR SAYS IT IS\n"
    "PREPARED. THE SECURITY UNIT ORDER TO KILL WAS DENIED BY THE DESIGNATED RESIDENTS."
)
OTHER = (
    "1. (U) THE MINISTER OF FINANCE PRESENTED THE BUDGET TO PARLIAMENT ON JANUARY 13 AND\n"
    "ASKED FOR SUPPORT FROM THE OPPOSITION FOR NEW TAXES ON IMPORTED GOODS."
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quote") / "index"
    cables = [
        make_cable("09BAGHDAD113", "MEK DEFECTOR CLAIMS CONTINGENCY PLAN", SOURCE),
        make_cable("09BAGHDAD200", "ASHRAF ROUNDUP", DECOY),
        make_cable("09BAGHDAD300", "BUDGET PRESENTED", OTHER),
    ]
    return make_index(root, cables)


def first(result: QuoteResult) -> str:
    assert result.hits, "no hit"
    return result.hits[0].hit.refid


@pytest.mark.parametrize(
    ("passage", "matched"),
    [
        # exact, as the cable has it
        ("THE LEADERSHIP IS PREPARED TO ORDER RESIDENTS TO KILL THEMSELVES", 1.0),
        # as a newspaper prints it: case, punctuation, a line break
        ('"The leadership is prepared to order\nresidents to kill themselves,"', 1.0),
        # a word dropped ("to" before kill)
        ("the leadership is prepared to order residents kill themselves", 1.0),
        # a word changed (order -> command): 9 of 10 words found
        ("the leadership is prepared to command residents to kill themselves", 0.9),
        # an ellipsis for skipped words
        ("a defector from Camp Ashraf says ... residents to kill themselves", 1.0),
        ("a defector from Camp Ashraf says … residents to kill themselves", 1.0),
        # the journalist's own words at both ends: 10 of 14 words found
        (
            "sources said the leadership is prepared to order residents to kill themselves, "
            "he added",
            10 / 14,
        ),
    ],
)
def test_passage_variants_find_the_source(index: Path, passage: str, matched: float) -> None:
    result = quote(index, passage)
    assert first(result) == "09BAGHDAD113"
    assert result.hits[0].matched == pytest.approx(matched)
    # the source ranks above the decoy that shares the words out of order
    refids = [h.hit.refid for h in result.hits]
    assert refids.index("09BAGHDAD200") > 0 if "09BAGHDAD200" in refids else True
    if len(result.hits) > 1:
        assert result.hits[1].matched < result.hits[0].matched


def test_span_and_highlight_cover_the_aligned_words(index: Path) -> None:
    result = quote(index, "sources said: the defector presented himself to Iraqi troops")
    top = result.hits[0]
    start, end = top.span
    # "the" ends a line of the cable and "defector" starts the next: one span still
    words = "THE DEFECTOR PRESENTED HIMSELF TO IRAQI TROOPS"
    assert " ".join(SOURCE[start:end].split()) == words
    [fragment] = top.hit.highlights
    assert [fragment.text[a:b] for a, b in fragment.matches] == [words]
    assert "\n" not in fragment.text and "  " not in fragment.text
    assert all(0 <= a < b <= len(fragment.text) for a, b in fragment.matches)


def test_a_gap_in_the_quote_splits_the_marks(index: Path) -> None:
    result = quote(index, "the MEK is a designated ... organization")
    [fragment] = result.hits[0].hit.highlights
    marked = [fragment.text[a:b] for a, b in fragment.matches]
    assert marked == ["THE MEK IS A DESIGNATED", "ORGANIZATION"]


def test_words_in_no_order_match_little(index: Path) -> None:
    # every word is in the decoy and the source, in neither in this order
    result = quote(index, "troops kill themselves gate leadership")
    assert all(h.matched < 1.0 for h in result.hits)


def test_nothing_found_and_errors(index: Path) -> None:
    assert quote(index, "zzyzx quux").hits == ()
    with pytest.raises(QueryError):
        quote(index, "... !!! ...")
    with pytest.raises(QueryError):
        quote(index, "anything", limit=0)


def test_json_has_the_search_fields_plus_matched(index: Path) -> None:
    data = result_to_dict(quote(index, "the leadership is prepared to order residents"))
    plain = search_result_to_dict(search(index, "leadership"))
    assert set(plain) <= set(data)
    hit = data["hits"][0]
    assert set(plain["hits"][0]) | {"matched", "span"} == set(hit)
    assert hit["refid"] == "09BAGHDAD113" and hit["matched"] == 1.0
    assert data["total"] == len(data["hits"])


def test_cli_quote_json(index: Path) -> None:
    passage = "The leadership is prepared ... to kill themselves"
    result = CliRunner().invoke(
        main, ["quote", passage, "--index", str(index), "--json", "-n", "2"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == passage
    assert len(data["hits"]) <= 2
    assert data["hits"][0]["refid"] == "09BAGHDAD113"
    assert data["hits"][0]["matched"] == 1.0
    assert data["hits"][0]["highlights"][0]["matches"]


def test_cli_quote_text_and_errors(index: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["quote", "defector presented himself", "--index", str(index)])
    assert ok.exit_code == 0
    assert "09BAGHDAD113" in ok.stdout and "100% of the passage" in ok.stdout
    empty = runner.invoke(main, ["quote", "...", "--index", str(index)])
    assert empty.exit_code == 2 and "no words" in empty.stderr
    # a passage may start with a dash, as quotes set off by one do
    dashed = runner.invoke(
        main, ["quote", "-the defector presented himself", "--index", str(index)]
    )
    assert dashed.exit_code == 0 and "09BAGHDAD113" in dashed.stdout
    missing = runner.invoke(main, ["quote", "words", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1


def test_web_quote_box_and_api(index: Path) -> None:
    with TestClient(create_app(index)) as client:
        home = client.get("/")
        assert home.status_code == 200 and 'action="/quote"' in home.text
        empty = client.get("/quote")
        assert empty.status_code == 200 and "<textarea" in empty.text
        page = client.get(
            "/quote", params={"q": "the defector presented <b>himself</b> to Iraqi troops"}
        )
        assert page.status_code == 200
        assert "09BAGHDAD113" in page.text and "% of the passage" in page.text
        assert "<mark>" in page.text
        assert "&lt;b&gt;himself&lt;/b&gt;" in page.text  # the passage is escaped
        api = client.get("/api/quote", params={"q": "leadership is prepared to order"})
        assert api.status_code == 200
        assert api.json()["hits"][0]["refid"] == "09BAGHDAD113"
        assert client.get("/api/quote").status_code == 400
        assert client.get("/quote", params={"q": "..."}).status_code == 400


@pytest.mark.parametrize(
    "text",
    [SOURCE, "Chávez's U.S. al-Qaeda US visit; LET US KNOW", "O'Grady 1.5 Erdoğan straße…"],
)
def test_alignment_keys_are_the_index_terms(text: str) -> None:
    from indexer.analysis import analyze
    from indexer.quote import _keys

    by_position: dict[int, str] = {}
    for t in analyze(text):
        by_position.setdefault(t.pos, "us" if t.term == "u.s" else t.term)
    assert _keys(text) == [by_position[p] for p in sorted(by_position)]
