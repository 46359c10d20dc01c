"""What a journalist means by a query, checked on the real cables of ../shared/cables.

One index of the whole dev set, written by the writer users run (`update_index`). Each row
of `MEANING` is a query as someone would type it, what they mean by it, and the check; the
checks compare totals with other queries or with counts taken from the parsed cables
themselves, never with numbers copied from a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REAL_CABLES, needs_real_cables

from indexer.cable import Cable, ReadError
from indexer.ingest import update_index
from indexer.searching import Searchable, open_index, search

pytestmark = [needs_real_cables, pytest.mark.slow]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searchable]:
    root = tmp_path_factory.mktemp("semantics") / "index"
    update_index([REAL_CABLES], root)
    with open_index(root) as s:
        yield s


@pytest.fixture(scope="module")
def cables(real_parsed: tuple[Cable | ReadError, ...]) -> dict[str, Cable]:
    """The indexed cable of every refid (the index keeps one per refid; any will do for
    metadata counts, which do not differ between releases)."""
    out: dict[str, Cable] = {}
    for item in real_parsed:
        if isinstance(item, Cable):
            out[item.refid] = item
    return out


def total(s: Searchable, query: str) -> int:
    return search(s, query, limit=1, facets=(), highlight=False).total


def refids(s: Searchable, query: str) -> set[str]:
    result = search(s, query, limit=5000, facets=(), highlight=False)
    return {h.refid for h in result.hits}


Check = Callable[[Searchable, dict[str, Cable]], None]


MEANING: list[tuple[str, str, Check]] = []


def row(query: str, meaning: str) -> Callable[[Check], Check]:
    def add(check: Check) -> Check:
        MEANING.append((query, meaning, check))
        return check

    return add


@row("al-qaeda", "the organisation however the cable spells the hyphen, not 'al NOT qaeda'")
def _al_qaeda(s: Searchable, _: dict[str, Cable]) -> None:
    found = refids(s, "al-qaeda")
    assert found and found == refids(s, '"al qaeda" OR alqaeda')
    assert not found & refids(s, "-qaeda")


@row("kim jong-il", "the North Korean leader, hyphenated or not")
def _kim(s: Searchable, _: dict[str, Cable]) -> None:
    assert total(s, "kim jong-il") >= total(s, '"kim jong il"') > 0


@row('"seif al-islam"', "Qadhafi's son however the cable spells the two-word name")
def _seif(s: Searchable, _: dict[str, Cable]) -> None:
    spelled = refids(s, '="seif al-islam"')
    cables_spelling = refids(s, '="saif al-islam"')
    assert cables_spelling and spelled | cables_spelling <= refids(s, '"seif al-islam"')
    assert refids(s, "seif al-islam") >= spelled | cables_spelling


@row("abu mazin", "Mahmoud Abbas's kunya in either spelling")
def _abu_mazin(s: Searchable, _: dict[str, Cable]) -> None:
    assert refids(s, "abu mazin") >= refids(s, '="abu mazen"') > set()


@row('="seif al-islam"', "that one spelling, letter for letter")
def _exact_phrase(s: Searchable, _: dict[str, Cable]) -> None:
    found = refids(s, '="seif al-islam"')
    assert found and found < refids(s, '"seif al-islam"')
    for refid in found:
        docnum = s.docnum(refid)
        assert docnum is not None
        stored = s.searcher.stored_fields(docnum)
        text = f"{stored.get('subject')} {stored.get('body')}".lower().replace("-", " ")
        assert "seif al islam" in " ".join(text.split()), refid


@row("e-mail", "e-mail, e mail or email")
def _email(s: Searchable, _: dict[str, Cable]) -> None:
    assert total(s, "e-mail") >= total(s, "email") > 0


@row('"not guilty"', "the phrase, not every cable with 'guilty'")
def _not_guilty(s: Searchable, cables: dict[str, Cable]) -> None:
    found = refids(s, '"not guilty"')
    assert found and len(found) < total(s, "guilty")
    for refid in found:
        docnum = s.docnum(refid)
        assert docnum is not None
        stored = s.searcher.stored_fields(docnum)
        text = f"{stored.get('subject')} {stored.get('body')}".lower().replace("-", " ")
        assert "not guilty" in " ".join(text.split()), refid  # "not-guilty" is the phrase too


@row('"will not"', "the phrase of two common words")
def _will_not(s: Searchable, _: dict[str, Cable]) -> None:
    assert total(s, '"will not"') > 0


@row('"the US ambassador"', "the same cables as the U.S. spelling")
def _us(s: Searchable, _: dict[str, Cable]) -> None:
    assert refids(s, '"the US ambassador"') == refids(s, '"the U.S. ambassador"')
    assert total(s, '"US embassy"') > total(s, '"us embassy" -"U.S. embassy"')


@row("chávez / bogotá / são paulo / erdoğan", "the same as the unaccented spelling")
def _accents(s: Searchable, _: dict[str, Cable]) -> None:
    for accented, plain in (
        ("chávez", "chavez"),
        ("bogotá", "bogota"),
        ('"são paulo"', '"sao paulo"'),
        ("erdoğan", "erdogan"),
    ):
        assert refids(s, accented) == refids(s, plain) != set(), accented


@row("gr?y, kyrgy*", "patterns over words: gray and grey, kyrgyz...")
def _patterns(s: Searchable, _: dict[str, Cable]) -> None:
    assert refids(s, "gr?y") >= refids(s, "gray") | refids(s, "grey")
    assert refids(s, "kyrgy*") >= refids(s, "kyrgyz") != set()


@row("id:09*", "every cable of 2009 by its id, counted exactly")
def _ids(s: Searchable, cables: dict[str, Cable]) -> None:
    expected = sum(1 for r in cables if r.startswith("09"))
    assert total(s, "id:09*") == expected > 512


@row("-iraq", "every cable that does not mention Iraq")
def _not_iraq(s: Searchable, cables: dict[str, Cable]) -> None:
    assert total(s, "-iraq") == total(s, "*") - total(s, "iraq") > 0


@row('"ashraf camp"~3', "the two words near each other, either order")
def _slop(s: Searchable, _: dict[str, Cable]) -> None:
    assert refids(s, '"ashraf camp"~3') >= refids(s, '"camp ashraf"') != set()


@row("year:2009, origin:moscow", "metadata counts add up to the cables")
def _metadata(s: Searchable, cables: dict[str, Cable]) -> None:
    assert total(s, "year:2009") == sum(1 for c in cables.values() if c.year == 2009)
    moscow = sum(1 for c in cables.values() if "moscow" in c.origin.lower().split())
    assert total(s, "origin:moscow") == moscow > 0


@row('classified_by:"name"', "the person as written: the whole name or any word of it")
def _people(s: Searchable, cables: dict[str, Cable]) -> None:
    names = [c.classified_by for c in cables.values() if c.classified_by]
    first, *_ = sorted({n for n in names if len(n.split()) >= 2}, key=lambda n: -names.count(n))
    words = first.lower().split()
    expected = sum(
        1 for n in names if all(w in n.lower().replace(".", " ").split() for w in words)
    )
    assert total(s, f'classified_by:"{first}"') >= names.count(first) > 0
    assert total(s, f"classified_by:{words[-1]}") >= expected


@row("*", "every cable, newest first, facets adding up")
def _browse(s: Searchable, cables: dict[str, Cable]) -> None:
    result = search(s, "*", limit=20)
    assert result.total == len(cables)
    dates = [h.created for h in result.hits if h.created]
    assert dates == sorted(dates, reverse=True)
    for facet in ("origin", "classification", "year"):
        counts = search(s, "*", facets=(facet,), facet_limit=100000).facets[facet]
        assert sum(n for _, n in counts) == result.total, facet


@row("ministry of defense", "the words that matter, and a warning for 'of'")
def _stops(s: Searchable, _: dict[str, Cable]) -> None:
    result = search(s, "ministry of defense", limit=1, facets=())
    assert result.total == total(s, "ministry defense")
    assert any("of" in w for w in result.warnings)


@pytest.mark.parametrize(("query", "meaning", "check"), MEANING, ids=[r[0] for r in MEANING])
def test_query_means_what_a_journalist_means(
    index: Searchable, cables: dict[str, Cable], query: str, meaning: str, check: Check
) -> None:
    check(index, cables)


def _readme_examples() -> list[str]:
    """The "tested example" column of README's query-syntax table."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("#### Query syntax", 1)[1].split("\n\n", 3)[2]
    examples = []
    for line in table.splitlines()[2:]:
        cell = line.rstrip(" |").rsplit("|", 1)[-1].strip()
        examples.append(cell.strip("`"))
    return examples


README_EXAMPLES = _readme_examples()


def test_readme_has_tested_examples() -> None:
    assert len(README_EXAMPLES) >= 20 and all(README_EXAMPLES)


@pytest.mark.parametrize("example", README_EXAMPLES)
def test_readme_query_examples_find_cables(index: Searchable, example: str) -> None:
    assert total(index, example) > 0, example


def test_the_index_holds_every_parsed_cable(index: Searchable, cables: dict[str, Cable]) -> None:
    assert total(index, "*") == len(cables)

