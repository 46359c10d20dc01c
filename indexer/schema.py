"""The Whoosh schema of the cables index, and the field boosts, named in one place.

Text fields use one analyzer (`ANALYZER`, `indexer.analysis.CablesAnalyzer`): every word
keeps a position (stop words included, so phrases such as "not guilty" match exactly),
hyphens separate words, accents are folded, upper-case `US` is the country, and words are
stemmed with Porter2 (the "English" Snowball stemmer), so `negotiations`, `negotiated` and
`negotiating` all find each other (the original Porter stemmer splits them).

Exact-match fields keep one token per value; values are stored in a canonical case
(refids, TAGS, classifications upper case, names lower case) and the query side folds user
input to that case.
"""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import Analyzer, KeywordAnalyzer

from .analysis import CablesAnalyzer
from .whoosh_private import index_format, set_index_format

#: Field boosts (BM25F field weights): subject and title above TAGS above body.
#: Tuned by `bench/relevance.py` (README, "Ranking"): on known-item queries every subject
#: boost costs a little on body-span queries and gains nothing measurable on subject queries,
#: so the boosts are the mildest that keep that order (1.25 loses nothing beyond noise).
BOOSTS: dict[str, float] = {
    "subject": 1.25,
    "title": 1.25,
    "tags": 1.1,
    "body": 1.0,
}

#: Fields searched by plain keywords (no `field:` prefix).
DEFAULT_FIELDS: tuple[str, ...] = ("subject", "title", "tags", "body")

ANALYZER: Analyzer = CablesAnalyzer()

#: The version of the index format: the schema below and the layout of its files. An index
#: whose schema differs or that says another format (see `incompatibility`) is refused with
#: a request to `cables index --rebuild`. 2: every word keeps a position, accents folded,
#: `US` the country (`indexer.analysis`); classified-by names searchable by word. 3: the
#: posting blocks of text fields are compact (`indexer.blockcodec`: varints, not a pickle
#: per posting; the index is ~2x smaller), and the schema says its format
#: (`whoosh_private.index_format`; format 2 indexes have no such mark).
FORMAT_VERSION = 3


def build_schema() -> fields.Schema:
    """A fresh schema object (Whoosh schemas are mutable, so never share one), marked as
    of `FORMAT_VERSION` (the mark is stored with the index)."""
    schema = fields.Schema(
        refid=fields.ID(stored=True, unique=True, sortable=True),
        created=_dates(),
        year=fields.NUMERIC(int, bits=16, stored=True, sortable=True, signed=False),
        classification=fields.ID(stored=True, sortable=True),
        origin=fields.ID(stored=True, sortable=True),
        # `origin:baghdad` matches any word of the origin ("Embassy Baghdad")
        origin_words=fields.KEYWORD(analyzer=KeywordAnalyzer(lowercase=True)),
        tags=fields.KEYWORD(
            stored=True, scorable=True, lowercase=True, field_boost=BOOSTS["tags"]
        ),
        references=fields.KEYWORD(stored=True),
        signed_by=fields.KEYWORD(stored=True, lowercase=True),
        classified_by=fields.ID(stored=True),
        # `classified_by:kosnett` matches any word of the name
        classified_words=fields.KEYWORD(analyzer=KeywordAnalyzer(lowercase=True)),
        subject=fields.TEXT(
            stored=True, analyzer=ANALYZER, field_boost=BOOSTS["subject"]
        ),
        title=fields.TEXT(stored=True, analyzer=ANALYZER, field_boost=BOOSTS["title"]),
        body=fields.TEXT(
            stored=True, analyzer=ANALYZER, phrase=True, field_boost=BOOSTS["body"]
        ),
        # change detection and provenance (JSON strings)
        record_hash=_stored_id(),
        source=fields.STORED(),
        cable=fields.STORED(),
    )
    set_index_format(schema, FORMAT_VERSION)
    return schema


def _dates() -> fields.DATETIME:
    """The `created` field: stored, a sortable column, and one term per cable.

    Whoosh's DATETIME indexes every value as a trie of 8 terms (`shift_step=8`: the time to
    the microsecond, then with 8, 16 ... 56 low bits dropped), which its range queries use.
    Ours do not: a `created:` range is answered from the column (`indexer.engine`, through
    the facet table), so the trie only cost the writer: ~4 of the 8 terms are unique to a
    cable (a posting list of one document each), 30% of the segment writer's time on
    generated cables (README, "Indexing"). With `shift_step=0` each cable has the one term
    of its exact time, so Whoosh's own `DateRange` and `Every("created")` still find the
    same cables (a range of those terms, which begin with the shift byte 0 in an index of
    either kind: segments written before this and after it can share an index).
    """
    field = fields.DATETIME(stored=True, sortable=True)
    field.shift_step = 0
    return field


def _stored_id() -> fields.ID:
    """`record_hash`: stored, not indexed. Saved searches read it from the stored fields
    (`indexer.alerts`) and no query names it, so a term a cable (each in a posting list of
    its own) only cost the writer, ~5% of its time. The type stays `ID`, as in indexes
    written before, which hold the terms: both kinds are read the same way."""
    field = fields.ID(stored=True)
    field.indexed = False
    return field


def incompatibility(schema: fields.Schema) -> str | None:
    """Why an index with `schema` cannot be read or updated by this version, or None.

    The schema is what Whoosh pickled into the index when it was written: its fields, their
    types and the text analyzer are compared with `build_schema()`'s, and the format it says
    with `FORMAT_VERSION` (an index of format 2 has the schema of today, but its posting
    blocks are in a layout this version no longer reads fast)."""
    current = build_schema()
    if sorted(schema.names()) != sorted(current.names()):
        return f"its fields are not those of format {FORMAT_VERSION}"
    for name in current.names():
        if type(schema[name]) is not type(current[name]):
            return f"its field {name!r} is of another type"
        analyzer = getattr(schema[name], "analyzer", None)
        if type(analyzer) is not type(getattr(current[name], "analyzer", None)):
            return f"its field {name!r} was analyzed by an older analyzer"
    found = index_format(schema)
    if found != FORMAT_VERSION:
        older = "an older format" if found is None else f"format {found}"
        return f"it is in {older}, not format {FORMAT_VERSION} (compact posting blocks)"
    return None
