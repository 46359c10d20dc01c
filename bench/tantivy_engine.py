"""tantivy (https://github.com/quickwit-oss/tantivy, Python bindings `tantivy` 0.27) as the
reference engine of `bench/search.py --tantivy`: a bench-only extra, never a runtime
dependency of `cables`.

    pip install -e '.[bench]'        # or: pip install 'tantivy>=0.27'

It indexes the very documents our writer gets (`indexer.document.to_document` over the cables
our parser reads): subject, title, tags and body as text with positions and tantivy's
`en_stem` tokenizer (lower case + Snowball English, as close as it comes to our analyzer);
refid, origin, classification and each TAG as untokenized values folded to lower case (our
query side folds them too), `origin_words` as the origin's words (`origin:baghdad` matches
"Embassy Baghdad" in ours), `created` as a date and `year` as an integer.

`TRANSLATIONS` gives each of the 20 benchmark queries in tantivy's query language, with why the
totals may differ where the two languages cannot say the same thing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: how to get the extra; printed when it is missing
INSTALL_HINT = "pip install -e '.[bench]' (or pip install 'tantivy>=0.27')"

TEXT_FIELDS = ("subject", "title", "tags", "body")
#: our field boosts (indexer/schema.py BOOSTS), given to tantivy's parser as field boosts
BOOSTS = {"subject": 1.25, "title": 1.25, "tags": 1.1, "body": 1.0}
#: a lower-cased untokenized value, registered on every index we open
RAW_LOWER = "raw_lower"
#: writer memory budget (tantivy's default is 128 MB; the minimum per thread is 15 MB)
HEAP_BYTES = 256_000_000


def available() -> bool:
    """Whether the extra can be imported (not merely found: a broken install counts as absent)."""
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def _any_field(pattern: str) -> str:
    """A regex on each default field: tantivy's parser takes a regex only on a named field."""
    return "(" + " OR ".join(f"{f}:/{pattern}/" for f in TEXT_FIELDS) + ")"


_REGEX_ON_STEMS = (
    "tantivy has no prefix/suffix syntax: a regex over the indexed terms, which are stems "
    "(government is indexed as govern); ours matches patterns against the words"
)
_SLOP = (
    "tantivy's slop counts moves of the words in their order; ours (Lucene's) also takes them "
    "in reverse order"
)


@dataclass(frozen=True)
class Translation:
    #: our query, exactly as in bench/search.py QUERIES
    ours: str
    #: the same question in tantivy's query language
    tantivy: str
    #: why the totals may differ (empty: they should agree)
    differs: str = ""
    #: make every word fuzzy (distance 1): tantivy's parser reads `word~` as the plain word
    fuzzy: bool = False


TRANSLATIONS: tuple[Translation, ...] = (
    Translation("cultivation", "cultivation"),
    Translation("government", "government"),
    Translation("nuclear sanctions", "nuclear sanctions"),
    Translation("iran AND oil", "iran AND oil"),
    Translation("terrorism OR smuggling", "terrorism OR smuggling"),
    # tantivy's parser did not exclude with `NOT` (a trial found nothing); `-word` excludes
    Translation("security NOT police", "security -police"),
    Translation('"human rights"', '"human rights"'),
    Translation('"said government would"', '"said government would"'),
    Translation('"nuclear program"~3', '"nuclear program"~3', differs=_SLOP),
    Translation("tag:pter", "tag:pter"),
    Translation("origin:baghdad", "origin_words:baghdad"),
    Translation(
        "class:secret iran",
        "classification:/secret.*/ iran",
        differs=(
            "where no cable is SECRET (small corpora) ours leaves the class: clause out "
            "without a warning and counts the iran cables; tantivy finds none"
        ),
    ),
    Translation("subject:scenesetter", "subject:scenesetter"),
    Translation(
        "created:[2005-01 TO 2006-06] election",
        "created:[2005-01-01T00:00:00Z TO 2006-07-01T00:00:00Z} election",
    ),
    Translation("created:>2009-06 iran", "created:[2009-07-01T00:00:00Z TO *] iran"),
    Translation("year:2008 corruption", "year:2008 corruption"),
    Translation(
        "negotiat*",
        _any_field("negotiat.*"),
        differs=_REGEX_ON_STEMS + " (negotiate and negotiations are indexed as negoti)",
    ),
    Translation("*ment", _any_field(".*ment"), differs=_REGEX_ON_STEMS),
    Translation(
        "polise~",
        "polise",
        differs="tantivy's fuzzy term is on the stem (polis), ours on the words",
        fuzzy=True,
    ),
    Translation(
        'tag:prel (iran OR iraq) "foreign minister" -police',
        'tag:prel (iran OR iraq) "foreign minister" -police',
    ),
)


def translation_of(ours: str) -> Translation:
    for t in TRANSLATIONS:
        if t.ours == ours:
            return t
    raise KeyError(ours)


# --------------------------------------------------------------------------- the index


def build_schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("refid", stored=True, tokenizer_name=RAW_LOWER)
    for name in TEXT_FIELDS:
        # stored where a hit shows it (subject) or a snippet is cut from it (body)
        sb.add_text_field(name, stored=name in ("subject", "body"), tokenizer_name="en_stem")
    sb.add_text_field("tag", stored=True, tokenizer_name=RAW_LOWER)
    sb.add_text_field("origin", stored=True, tokenizer_name=RAW_LOWER)
    sb.add_text_field("origin_words", tokenizer_name="default")
    sb.add_text_field("classification", stored=True, tokenizer_name=RAW_LOWER)
    sb.add_date_field("created", stored=True, indexed=True, fast=True)
    sb.add_integer_field("year", stored=True, indexed=True, fast=True)
    return sb.build()


def _register(index: Any) -> None:
    import tantivy

    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.lowercase())
    ).build()
    index.register_tokenizer(RAW_LOWER, analyzer)


def to_tantivy(doc: Mapping[str, Any]) -> Any:
    """One of our documents (`to_document`) as a tantivy Document."""
    import tantivy

    fields: dict[str, Any] = {
        "refid": doc["refid"],
        "subject": doc["subject"],
        "title": doc["title"],
        "tags": doc["tags"],
        "body": doc["body"],
        "tag": doc["tags"].split(),
        "origin": doc["origin"],
        "origin_words": doc["origin"],
        "classification": doc["classification"],
    }
    created = doc.get("created")
    if isinstance(created, datetime):
        # our documents carry naive UTC datetimes (Whoosh's DATETIME wants them naive)
        fields["created"] = created.replace(tzinfo=UTC)
    if doc.get("year") is not None:
        fields["year"] = int(doc["year"])
    return tantivy.Document(**fields)


@dataclass(frozen=True)
class WriterTiming:
    seconds: float
    docs: int
    bytes: int


def write_index(path: Path, docs: Iterable[Mapping[str, Any]], threads: int) -> WriterTiming:
    """Index `docs` into a new tantivy index at `path`: convert, add, commit, wait for merges
    (the whole of it timed: our writer also takes plain dicts)."""
    import tantivy

    path.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    index = tantivy.Index(build_schema(), path=str(path), reuse=False)
    _register(index)
    writer = index.writer(HEAP_BYTES, threads)
    n = 0
    for doc in docs:
        writer.add_document(to_tantivy(doc))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - began
    return WriterTiming(seconds, n, tree_bytes(path))


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class TantivyPath:
    """tantivy's query path over an index `write_index` built, with one searcher kept."""

    def __init__(self, path: Path) -> None:
        import tantivy

        self.index: Any = tantivy.Index.open(str(path))
        _register(self.index)
        self.index.reload()
        self.searcher: Any = self.index.searcher()
        self.schema: Any = self.index.schema
        self._snippets: Any = tantivy.SnippetGenerator

    def docs(self) -> int:
        return int(self.searcher.num_docs)

    def parse(self, t: Translation) -> Any:
        fuzzy = {f: (False, 1, True) for f in TEXT_FIELDS} if t.fuzzy else None
        return self.index.parse_query(
            t.tantivy,
            list(TEXT_FIELDS),
            field_boosts=BOOSTS,
            fuzzy_fields=fuzzy,
            conjunction_by_default=True,
            allow_regexes=True,
        )

    def run(self, t: Translation) -> tuple[int, list[str]]:
        """Parse, top 10 with the exact count, a body snippet per hit: (total, snippets)."""
        query = self.parse(t)
        result = self.searcher.search(query, 10, count=True)
        generator = self._snippets.create(self.searcher, query, self.schema, "body")
        snippets = []
        for _score, address in result.hits:
            snippets.append(generator.snippet_from_doc(self.searcher.doc(address)).to_html())
        return int(result.count), snippets


def one_shot_code(path: Path, t: Translation) -> str:
    """A `python -c` program doing what one `cables search` process does, in tantivy."""
    bench = str(Path(__file__).parent)
    return (
        f"import sys; sys.path.insert(0, {bench!r}); from pathlib import Path; "
        "import tantivy_engine as e; "
        f"p = e.TantivyPath(Path({str(path)!r})); n, s = p.run(e.translation_of({t.ours!r})); "
        "print(n, len(s))"
    )
