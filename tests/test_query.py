"""The query language: every field alias, case folding, dates, ranges, operators, errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from whoosh import query as wq

from indexer.errors import QueryError
from indexer.query import CitedBy, OriginExact, parse_query
from indexer.schema import build_schema

SCHEMA = build_schema()
END = (23, 59, 59, 999999)


def parse(text: str) -> Any:
    return parse_query(text, SCHEMA)


def everywhere(stemmed: str, raw: str | None = None) -> Any:
    """A plain word: the text fields get the stem, tags the (lowercased) word itself."""
    return wq.Or(
        [
            wq.Term("subject", stemmed),
            wq.Term("title", stemmed),
            wq.Term("tags", raw or stemmed),
            wq.Term("body", stemmed),
        ]
    )


def dates(start: datetime | None, end: datetime | None, **kw: bool) -> Any:
    return wq.DateRange("created", start, end, **kw)


SYNTAX: list[tuple[str, Any]] = [
    # field aliases and case folding
    ("tag:pter", wq.Term("tags", "pter")),
    ("tags:PTER", wq.Term("tags", "pter")),
    ("TAG:Pter", wq.Term("tags", "pter")),
    ("origin:baghdad", wq.Term("origin_words", "baghdad")),
    ("from:BAGHDAD", wq.Term("origin_words", "baghdad")),
    ('origin:"Embassy Baghdad"', OriginExact("origin", "Embassy Baghdad")),
    ("class:secret", wq.Prefix("classification", "SECRET")),
    ("classification:Confidential", wq.Prefix("classification", "CONFIDENTIAL")),
    ('class:"secret//noforn"', wq.Term("classification", "SECRET//NOFORN")),
    ("id:09baghdad113", wq.Term("refid", "09BAGHDAD113")),
    ("refid:09BAGHDAD113", wq.Term("refid", "09BAGHDAD113")),
    ("id:09baghdad*", wq.Prefix("refid", "09BAGHDAD")),
    ("id:09bagh?ad113", wq.Wildcard("refid", "09BAGH?AD113")),
    ("signer:Butenis", wq.Term("signed_by", "butenis")),
    ("classified_by:Smith", wq.Term("classified_by", "smith")),
    ("cites:09baghdad113", wq.Term("references", "09BAGHDAD113")),
    ("citedby:09baghdad113", CitedBy("citedby", "09BAGHDAD113")),
    ("subject:baghdad", wq.Term("subject", "baghdad")),
    ("title:Iraq", wq.Term("title", "iraq")),
    ("body:negotiations", wq.Term("body", "negoti")),
    # dates in every form
    ("created:2009", dates(datetime(2009, 1, 1), datetime(2009, 12, 31, *END))),
    ("date:2009", dates(datetime(2009, 1, 1), datetime(2009, 12, 31, *END))),
    ("created:2009-06", dates(datetime(2009, 6, 1), datetime(2009, 6, 30, *END))),
    ("created:2008-02", dates(datetime(2008, 2, 1), datetime(2008, 2, 29, *END))),
    ("created:2009-06-15", dates(datetime(2009, 6, 15), datetime(2009, 6, 15, *END))),
    (
        "created:[2008-01 TO 2009-06]",
        dates(datetime(2008, 1, 1), datetime(2009, 6, 30, *END)),
    ),
    ("created:[2008 TO]", dates(datetime(2008, 1, 1), None)),
    ("created:[* TO 2009]", dates(None, datetime(2009, 12, 31, *END))),
    (
        "created:{2008 TO 2010}",
        dates(datetime(2008, 12, 31, *END), datetime(2010, 1, 1), startexcl=True, endexcl=True),
    ),
    (
        "created:>2009-01-15",
        dates(datetime(2009, 1, 15, *END), None, startexcl=True),
    ),
    ("created:>=2009-01-15", dates(datetime(2009, 1, 15), None)),
    ("created:<2000", dates(None, datetime(2000, 1, 1), endexcl=True)),
    ("created:<=2000", dates(None, datetime(2000, 12, 31, *END))),
    ("year:2009", wq.NumericRange("year", 2009, 2009)),
    ("year:[2005 TO 2007]", wq.NumericRange("year", 2005, 2007)),
    ("year:>2005", wq.NumericRange("year", 2006, None)),
    ("year:<=2005", wq.NumericRange("year", None, 2005)),
    # plain words, operators, boosts
    ("negotiations", everywhere("negoti", "negotiations")),
    ("Baghdad", everywhere("baghdad")),
    (
        "iran OR iraq",
        wq.Or([everywhere("iran"), everywhere("iraq")]),
    ),
    ("iran -iraq", wq.AndNot(everywhere("iran"), everywhere("iraq"))),
    ("iran AND NOT iraq", wq.And([everywhere("iran"), wq.Not(everywhere("iraq"))])),
    ("tag:PTER^2", wq.Term("tags", "pter", boost=2.0)),
    ("tag:pter year:2009", wq.And([wq.Term("tags", "pter"), wq.NumericRange("year", 2009, 2009)])),
    (
        "(tag:pter OR tag:prel) -origin:paris",
        wq.AndNot(
            wq.Or([wq.Term("tags", "pter"), wq.Term("tags", "prel")]),
            wq.Term("origin_words", "paris"),
        ),
    ),
    # a colon in prose is not a field
    ("re: iran", wq.And([everywhere("re"), everywhere("iran")])),
]


@pytest.mark.parametrize(("text", "expected"), SYNTAX, ids=[row[0] for row in SYNTAX])
def test_syntax(text: str, expected: Any) -> None:
    assert parse(text) == expected.normalize()


def test_phrase_with_proximity_searches_text_fields_only() -> None:
    got = parse('"mass suicide"~3')
    assert got == wq.Or(
        [wq.Phrase(f, ["mass", "suicid"], slop=3) for f in ("subject", "title", "body")]
    )


def test_phrase_in_a_field() -> None:
    assert parse('subject:"mass suicide"') == wq.Phrase("subject", ["mass", "suicid"])


@pytest.mark.parametrize(("text", "maxdist"), [("baghdda~", 1), ("baghdda~2", 2)])
def test_fuzzy(text: str, maxdist: int) -> None:
    got = parse(text)
    fuzzy = [q for q in got.subqueries if isinstance(q, wq.FuzzyTerm)]
    assert {q.fieldname for q in fuzzy} == {"subject", "title", "tags", "body"}
    assert {q.maxdist for q in fuzzy} == {maxdist}
    assert {q.text for q in fuzzy} == {"baghdda"}


@pytest.mark.parametrize(
    ("text", "cls", "pattern"),
    [
        ("negot*", wq.Prefix, "negot"),
        ("*stan", wq.Wildcard, "*stan"),
        ("ba?hdad", wq.Wildcard, "ba?hdad"),
    ],
)
def test_patterns(text: str, cls: type, pattern: str) -> None:
    got = parse(text)
    assert all(isinstance(q, cls) for q in got.subqueries)
    assert {q.text for q in got.subqueries} == {pattern}
    assert {q.fieldname for q in got.subqueries} == {"subject", "title", "tags", "body"}


ERRORS = [
    ('mek "mass suicide', "unbalanced quote at column 5"),
    ('origin:"Embassy Baghdad', "unbalanced quote at column 8"),
    ("frm:baghdad", 'unknown field "frm:" at column 1 - fields are subject'),
    ("iran frm:baghdad", 'unknown field "frm:" at column 6'),
    ("created:2009-13", 'bad date "2009-13"'),
    ("created:2009-02-30", 'bad date "2009-02-30"'),
    ("created:june", 'bad date "june"'),
    ("created:[2009-13 TO 2010]", 'bad date "2009-13"'),
    ("created:[2009 2010]", 'bad range "[2009 2010]"'),
    ("created:[2009 TO 2010", "unclosed range at column 9"),
    ("year:20x9", 'bad year "20x9"'),
    ("tag:(pter OR prel)", 'missing value after "tag:"'),
    ('tag:""', "empty value"),
    ("", "empty query"),
    ("   ", "empty query"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[row[0] or "<empty>" for row in ERRORS])
def test_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_field_names_inside_phrases_are_words() -> None:
    got = parse('"frm:baghdad"')
    assert isinstance(got, wq.Or)  # a phrase, not an unknown field error
