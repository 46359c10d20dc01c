"""The query language: syntax trees and errors (no index), then binding on a real index."""

from __future__ import annotations

import doctest
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import make_cable, make_index
from whoosh import query as wq

import indexer.query
from indexer.errors import QueryError
from indexer.query import (
    Everything,
    Expanded,
    FieldValue,
    Group,
    MultiPhrase,
    Negated,
    PhraseNode,
    Unknown,
    Word,
    parse,
)
from indexer.searching import open_index, prepare_query

END = (23, 59, 59, 999999)


def test_doctests() -> None:
    assert doctest.testmod(indexer.query).failed == 0


# --- syntax (no index) ---------------------------------------------------------------------

TREES: list[tuple[str, Any]] = [
    ("iraq", Word("iraq", 1)),
    ("al-qaeda", Word("al-qaeda", 1)),
    ("-iraq", Negated(Word("iraq", 2))),
    ("iran -iraq", Group("and", (Word("iran", 1), Negated(Word("iraq", 7))))),
    ("iran NOT iraq", Group("and", (Word("iran", 1), Negated(Word("iraq", 10))))),
    ("iran OR iraq", Group("or", (Word("iran", 1), Word("iraq", 9)))),
    ("iran AND iraq", Group("and", (Word("iran", 1), Word("iraq", 10)))),
    (
        "(iran OR iraq) oil",
        Group("and", (Group("or", (Word("iran", 2), Word("iraq", 10))), Word("oil", 16))),
    ),
    ('"not guilty"', PhraseNode("not guilty", 1)),
    ('"ashraf camp"~3', PhraseNode("ashraf camp", 1, slop=3)),
    ('"ashraf camp"^2', PhraseNode("ashraf camp", 1, boost=2.0)),
    ("ashraf^3", Word("ashraf", 1, boost=3.0)),
    ("baghdda~", Word("baghdda", 1, fuzzy=1)),
    ("baghdda~2", Word("baghdda", 1, fuzzy=2)),
    ("=gaddafi", Word("gaddafi", 1, exact=True)),
    ("*", Everything(1)),
    ("subject:ashraf", Word("ashraf", 9, fields=("subject",))),
    ('body:"camp ashraf"', PhraseNode("camp ashraf", 6, fields=("body",))),
    ("tag:pter", FieldValue("tags", "pter", False, 5)),
    ("tag:PTER^2", FieldValue("tags", "PTER", False, 5, 2.0)),
    ('from:"Embassy Baghdad"', FieldValue("origin", "Embassy Baghdad", True, 6)),
    ("created:[2008 TO 2009]", FieldValue("created", "[2008 TO 2009]", False, 9)),
    ("re: iran", Group("and", (Word("re", 1), Word("iran", 5)))),
    ('"frm:baghdad"', PhraseNode("frm:baghdad", 1)),
]


@pytest.mark.parametrize(("text", "tree"), TREES, ids=[row[0] for row in TREES])
def test_syntax(text: str, tree: Any) -> None:
    assert parse(text) == tree


ERRORS = [
    ('mek "mass suicide', "unbalanced quote at column 5"),
    ('origin:"Embassy Baghdad', "unbalanced quote at column 8"),
    ("(iran OR iraq", "unbalanced parenthesis at column 1"),
    ("iran OR iraq)", "unbalanced parenthesis at column 13"),
    ("((iran) OR iraq", "unbalanced parenthesis at column 1"),
    ("frm:baghdad", 'unknown field "frm:" at column 1 - fields are subject'),
    ("iran frm:baghdad", 'unknown field "frm:" at column 6'),
    ("tag:", 'missing value after "tag:" at column 5'),
    ("iran tag: iraq", 'missing value after "tag:" at column 10'),
    ("subject:", 'missing value after "subject:"'),
    ("ashraf~5", "fuzzy distance 5 at column 1 is not allowed"),
    ("iran ashraf~3", "fuzzy distance 3 at column 6"),
    ("created:2009-13", 'bad date "2009-13"'),
    ("created:2009-02-30", 'bad date "2009-02-30"'),
    ("created:june", 'bad date "june" at column 9'),
    ("created:[2009-13 TO 2010]", 'bad date "2009-13"'),
    ("created:[2009 2010]", 'bad range "[2009 2010]"'),
    ("created:[2009 TO 2010", "unclosed range at column 9"),
    ("year:20x9", 'bad year "20x9" at column 6'),
    ('tag:""', "empty value"),
    ('""', "empty phrase at column 1"),
    ("iran OR", "nothing after OR at column 6"),
    ("iran NOT", "nothing to exclude after NOT at column 6"),
    ("", "empty query"),
    ("   ", "empty query"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[row[0] or "<empty>" for row in ERRORS])
def test_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# --- binding (a real index) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("query") / "index"
    cables = [
        make_cable("09A1", "Talks", "The negotiations failed; gray skies.", tags=("PTER",)),
        make_cable("09A2", "Talks", "They will negotiate. Grey dawn.", origin="Embassy Paris"),
        make_cable("09A3", "Asia", "Kyrgyzstan and Pakistan, not guilty."),
        make_cable("09A4", "Asia", "al-Qaeda e-mail."),
    ]
    return make_index(root, cables)


def bound(index: Path, text: str) -> tuple[Any, list[str]]:
    with open_index(index) as s:
        return prepare_query(s, text)


def everywhere(term: str, tag: str | None = None) -> Any:
    parts: list[Any] = [wq.Term("subject", term), wq.Term("title", term)]
    if tag is not None:
        parts.append(wq.Term("tags", tag))
    parts.append(wq.Term("body", term))
    return wq.Or(parts)


BOUND: list[tuple[str, Any]] = [
    ("negotiations", everywhere("negoti", "negotiations")),
    ("Chávez", everywhere("chavez", "chavez")),
    ("US", wq.Or([wq.Term(f, "u.s") for f in ("subject", "title", "body")])),
    ("tag:PTER", wq.Term("tags", "pter")),
    ("origin:paris", wq.Term("origin_words", "paris")),
    ('origin:"embassy paris"', wq.Term("origin", "Embassy Paris")),
    ("class:secret", Expanded("classification", (), "SECRET*")),
    ("classified_by:butenis", wq.Term("classified_words", "butenis")),
    (
        'classified_by:"patricia butenis"',
        wq.And([wq.Term("classified_words", "patricia"), wq.Term("classified_words", "butenis")]),
    ),
    ("signer:Butenis", wq.Term("signed_by", "butenis")),
    ("id:09a1", wq.Term("refid", "09A1")),
    ("year:2009", wq.NumericRange("year", 2009, 2009)),
    ("year:unknown", Unknown("year")),
    ("origin:unknown", Unknown("origin")),
    ("created:2009", wq.DateRange("created", datetime(2009, 1, 1), datetime(2009, 12, 31, *END))),
    ("-iraq", wq.Not(everywhere("iraq", "iraq"))),
    ("*", wq.Every()),
]


@pytest.mark.parametrize(("text", "expected"), BOUND, ids=[row[0] for row in BOUND])
def test_bound(index: Path, text: str, expected: Any) -> None:
    got, _ = bound(index, text)
    if isinstance(expected, Expanded) and not expected.words:
        # a pattern over the index's values: whatever they are, the class field and label
        assert isinstance(got, wq.NullQuery.__class__) or got.fieldname == expected.fieldname
        return
    assert got == expected


def test_hyphenated_word_is_a_phrase_or_the_joined_word(index: Path) -> None:
    got, _ = bound(index, "al-qaeda")
    assert MultiPhrase("body", [("al",), ("qaeda",)]) in got.subqueries
    # the joined word, with its own other spellings where the index holds them
    joined = [q for q in got.subqueries if q.fieldname == "body" and not isinstance(q, MultiPhrase)]
    assert len(joined) == 1 and "alqaeda" in (getattr(joined[0], "words", None) or [joined[0].text])
    assert all(getattr(q, "fieldname", "") != "tags" for q in got.subqueries)


def test_stop_words_are_left_out_and_said(index: Path) -> None:
    got, warnings = bound(index, "ministry of defense")
    assert "ignored common words: of" in warnings[0]
    assert got == wq.And([everywhere("ministri", "ministry"), everywhere("defens", "defense")])
    # in a phrase every word counts
    phrase, none = bound(index, '"not guilty"')
    assert MultiPhrase("body", [("not",), ("guilti",)]) in phrase.subqueries and not none
    # a query of only common words searches them
    alone, quiet = bound(index, "will not")
    assert alone != wq.NullQuery and not quiet


def test_patterns_expand_over_words_with_every_word_counted(index: Path) -> None:
    gray, _ = bound(index, "gr?y")
    body = next(q for q in gray.subqueries if q.fieldname == "body")
    assert set(body.words) == {"gray", "grey"}
    many, warnings = bound(index, "*a*")
    with open_index(index) as s:
        small, capped = prepare_query(s, "*a*", max_terms=2)
    body_small = next(q for q in small.subqueries if q.fieldname == "body")
    assert len(body_small.scored) == 2 and len(body_small.words) > 2
    assert any("all of them count in the total" in w for w in capped)
    assert not any("count in the total" in w for w in warnings)
    assert many is not None


def test_citedby_and_exact_patterns(index: Path) -> None:
    got, _ = bound(index, "id:09a*")
    assert isinstance(got, Expanded) and set(got.words) == {"09A1", "09A2", "09A3", "09A4"}
    none, _ = bound(index, "citedby:09A1")
    assert none == wq.NullQuery


def test_a_clause_that_matches_nothing_empties_the_and(index: Path) -> None:
    """`class:secret` where no cable is SECRET matches nothing, so `class:secret talks` does
    too; a clause with nothing to search (punctuation) is left out instead."""
    got, _ = bound(index, "class:secret talks")
    assert got == wq.NullQuery
    punctuated, _ = bound(index, "talks ... ,")
    assert punctuated == bound(index, "talks")[0]
    assert bound(index, "talks OR zzzz*")[0] == bound(index, "talks")[0]
