"""Highlighting: the same tokens as the index, stemmed and phrase matches, fragment choice,
offsets, and the two renderers."""

from __future__ import annotations

import random
import re
from pathlib import Path

import click
import pytest
from conftest import EXAMPLE, needs_compiled, needs_real_cables
from helpers import make_cable, make_index
from whoosh.lang import porter2

from indexer import analysis, highlight
from indexer.highlight import (
    Fragment,
    Terms,
    _fragment,
    _fragment_by_words,
    find_matches,
    fragments,
    mark_all,
    paragraphs,
    query_terms,
    to_html,
    to_terminal,
)
from indexer.searching import Searchable, open_index, prepare_query


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Searchable:
    root = tmp_path_factory.mktemp("hl") / "index"
    make_index(root, [make_cable("09A1", "Oil", "Oil and gas, negotiations.")])
    return open_index(root)


@pytest.fixture(autouse=True)
def _bind(opened: Searchable) -> None:
    global _OPEN
    _OPEN = opened


_OPEN: Searchable | None = None


def terms_of(text: str) -> Terms:
    assert _OPEN is not None
    return query_terms(prepare_query(_OPEN, text)[0])


def marked(fragment: Fragment) -> list[str]:
    return [fragment.text[s:e] for s, e in fragment.matches]


def _every_term(text: str) -> Terms:
    return Terms(frozenset(t.term for t in analysis.analyze(text)))


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Embassy's negotiators met 3.5 times; e.g. MEK-related talks (C) ¶2.",
        "Ünïcode wörds, Bogotá and MaiquetC-a, x y z, 12:30Z, THE END. LET US KNOW. US Embassy",
        "",
    ],
)
def test_highlighter_marks_every_token_the_index_holds(text: str) -> None:
    """Asked for every term of a text, the highlighter marks every token of it: it reads the
    text with the index analyzer's own tokens and terms (hyphenated parts may join)."""
    spans = [(s, e) for s, e, _ in find_matches(text, _every_term(text))]
    tokens = [(t.start, t.end) for t in analysis.analyze(text)]
    covered = {pos for s, e in spans for pos in range(s, e)}
    assert all(all(p in covered for p in range(s, e)) for s, e in tokens)


@needs_real_cables
def test_highlighter_marks_every_token_on_real_cables(real_cables: Path) -> None:
    files = sorted(p for p in real_cables.rglob("*") if p.suffix in (".txt", ".html"))
    sample = files[::80]
    assert len(sample) > 25
    for path in sample:
        text = path.read_text(encoding="utf-8", errors="replace")[:20000]
        spans = [(s, e) for s, e, _ in find_matches(text, _every_term(text))]
        covered = {pos for s, e in spans for pos in range(s, e)}
        for t in analysis.analyze(text):
            assert all(p in covered for p in range(t.start, t.end)), (path, t)


#: words where Porter2 does more than cut an ending: its exceptional forms, initial y, short
#: words, the prefixes its R1 treats apart, endings it rewrites or lengthens
TRICKY_WORDS = (
    *porter2.exceptional_forms, *porter2.exceptional_early_exit_post_1a, "yelling", "yy",
    "ys", "xy", "ies", "ied", "sses", "y's", "generously", "communities", "arsenal", "dying",
    "valency", "abilities", "hoping", "agreed", "u.s", "1.5", "12345", "_x", "émigré", "ıd",
)  # fmt: skip


def _words_of(text: str) -> set[str]:
    return {analysis.word_of(t) for t in analysis.TOKEN_RE.findall(text)}


def _first_characters_kept(words: set[str]) -> list[str]:
    return [w for w in words if analysis.term_of(w)[:1] != w[:1]]


def test_a_term_starts_with_its_words_first_character() -> None:
    """What lets the highlighter leave unstemmed the words that cannot match (`_terms_of`)."""
    words = {analysis.word_of(w) for w in TRICKY_WORDS} | _words_of(
        EXAMPLE.read_text(encoding="utf-8")
    )
    assert _first_characters_kept(words) == []


@needs_real_cables
def test_a_term_starts_with_its_words_first_character_on_real_cables(real_cables: Path) -> None:
    words: set[str] = set()
    for path in sorted(p for p in real_cables.rglob("*") if p.suffix in (".txt", ".html")):
        words |= _words_of(path.read_text(encoding="utf-8", errors="replace"))
    assert len(words) > 10_000
    assert _first_characters_kept(words) == []


def _marks_both_ways(text: str, terms: Terms, monkeypatch: pytest.MonkeyPatch) -> None:
    """find_matches with a cold cache, skipping words (as searches do) and stemming all."""
    _cold_caches()
    skipping = find_matches(text, terms)
    with monkeypatch.context() as m:
        m.setattr(highlight, "_initials", lambda terms: None)
        _cold_caches()
        stemming_all = find_matches(text, terms)
    assert skipping == stemming_all, terms


@needs_real_cables
def test_skipping_words_that_cannot_match_marks_the_same(
    real_cables: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(14)
    files = sorted(p for p in real_cables.rglob("*") if p.suffix in (".txt", ".html"))
    for path in files[::60]:
        text = path.read_text(encoding="utf-8", errors="replace")[:20000]
        found = [t.term for t in analysis.analyze(text)]
        if len(found) < 10:
            continue
        at = rng.randrange(len(found) - 3)
        chosen = [
            Terms(frozenset(rng.sample(found, 3))),
            Terms(frozenset(), ((tuple(frozenset([t]) for t in found[at : at + 3]), 0),)),
            Terms(
                frozenset({"u.s", "us", found[-1]}),
                ((tuple(frozenset([t]) for t in found[at : at + 2]), 2),),
            ),
            Terms(frozenset({"zzz", "negoti"})),
        ]
        for terms in chosen:
            _marks_both_ways(text, terms, monkeypatch)


def _cold_caches() -> None:
    """The highlighter's token caches emptied: the Python one and the compiled one."""
    highlight._TOKEN_TERMS.clear()
    highlight._COMPILED_CACHE.clear()


def _terms_to_try(text: str, rng: random.Random) -> list[Terms]:
    """Words, phrases (exact and with slop) and `US` terms of a text, and terms it lacks."""
    found = [t.term for t in analysis.analyze(text)] or ["none"]
    at = rng.randrange(max(1, len(found) - 3))
    return [
        Terms(frozenset(rng.sample(found, min(3, len(found))))),
        Terms(frozenset(), ((tuple(frozenset([t]) for t in found[at : at + 3]), 0),)),
        Terms(
            frozenset({"u.s", "us", found[-1]}),
            ((tuple(frozenset([t]) for t in found[at : at + 2]), 2),),
        ),
        Terms(frozenset({"us"})),
        Terms(frozenset({"zzz", "negoti", "_x"})),
        Terms(frozenset({""})),  # an empty term: no word is skipped unstemmed
    ]


def _compiled_and_python_mark_the_same(
    text: str, chosen: list[Terms], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of `chosen` marks the same in compiled code (from cold caches, then cached) as
    in the Python path."""
    _cold_caches()
    compiled = [find_matches(text, terms) for terms in chosen + chosen]
    with monkeypatch.context() as m:
        m.setattr(highlight, "speedups", None)
        _cold_caches()
        python = [find_matches(text, terms) for terms in chosen]
    assert compiled == python + python, text[:80]


@needs_compiled
@pytest.mark.parametrize(
    "text",
    [
        "US", "US.", "US US", "us US", "LET US KNOW US", "US Embassy", "the US", "U.S. US-led",
        "O'Grady's 1.5 e.g. x.y.z. _a_ __ a__b 12:30Z", "end.", ".start 'quote' it's.",
        "al-Qaeda al-qaeda AL-QAEDA", "", "   ", "Ünicode is not ASCII: the Python path",
        "GOVERNMENT governments governed Governing", "a" * 300 + " b",
    ],
)  # fmt: skip
def test_compiled_tokens_mark_what_the_python_path_marks(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = [*_terms_to_try(text, random.Random(text)), _every_term(text)]
    _compiled_and_python_mark_the_same(text, chosen, monkeypatch)


@needs_compiled
@needs_real_cables
def test_compiled_tokens_mark_what_the_python_path_marks_on_real_cables(
    real_cables: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(15)
    files = sorted(p for p in real_cables.rglob("*") if p.suffix in (".txt", ".html"))
    sample = files[::20]
    assert len(sample) > 150
    for path in sample:
        # (a release page's first 30,000 characters: its navigation is ~190 KB of links)
        text = path.read_text(encoding="utf-8", errors="replace")[:30000]
        _compiled_and_python_mark_the_same(text, _terms_to_try(text, rng), monkeypatch)


@needs_compiled
def test_compiled_tokens_give_way_to_python_when_they_cannot_serve() -> None:
    """Not ASCII, or a term function that gave "": None (the Python path takes over)."""
    assert highlight.speedups is not None
    cache = highlight.speedups.TokenCache(("u.s",), ("us", "u.s"))
    assert cache.text_terms("Chávez", analysis.term_of, None) is None
    got = cache.text_terms("LET US GO, US go", analysis.term_of, "l")
    assert got is not None
    terms, spans, us = got
    # (capitals around the first US, a lower-case word after the second; words not starting
    # with "l" are left unstemmed)
    assert terms == ["let", ("us", "u.s"), "", ("u.s",), ""] and us == [1, 3]
    assert list(memoryview(spans).cast("I")) == [0, 3, 4, 6, 7, 9, 11, 13, 14, 16]
    assert cache.text_terms("word", lambda token: "", None) is None
    assert cache.text_terms("other", analysis.term_of, None) is None  # for good


@needs_compiled
def test_compiled_tokens_give_the_tokens_of_wanted_terms() -> None:
    """With a set of wanted terms, a fourth item: the numbers of the tokens whose term is in
    it (`US` tokens left out: their terms are tuples), as `_indices` finds them."""
    assert highlight.speedups is not None
    cache = highlight.speedups.TokenCache(("u.s",), ("us", "u.s"))
    text = "Talks on oil. US oil talks, oil-rich; Oil"
    got = cache.text_terms(text, analysis.term_of, None, frozenset({"oil", "us", "talk"}))
    assert got is not None
    terms, _, us, hits = got
    assert hits == highlight._indices(terms, frozenset({"oil", "talk"}), [])
    assert hits == [0, 2, 4, 5, 6, 8] and us == [3]
    with pytest.raises(TypeError, match="wanted"):
        cache.text_terms(text, analysis.term_of, None, ["oil"])  # type: ignore[call-overload]


def test_hyphenated_word_is_marked_whole() -> None:
    frag = mark_all("Talks with al-Qaeda and Al Qaeda.", terms_of("al-qaeda"))
    assert marked(frag) == ["al-Qaeda", "Al", "Qaeda"]


def test_accents_and_us_are_marked_as_indexed() -> None:
    frag = mark_all("President Chávez met the US Embassy; let us know.", terms_of("chavez US"))
    assert marked(frag) == ["Chávez", "US"]


def test_stemmed_variants_are_marked() -> None:
    frag = mark_all(
        "We negotiate. The negotiation failed; Negotiations resumed.", terms_of("negotiations")
    )
    assert marked(frag) == ["negotiate", "negotiation", "Negotiations"]


def test_phrase_marks_only_words_in_order() -> None:
    body = "Suicide was rare. A mass exodus. Then mass suicide was planned."
    frag = mark_all(body, terms_of('"mass suicide"'))
    assert marked(frag) == ["mass", "suicide"]
    assert frag.matches[0][0] == body.index("mass suicide")


def test_phrase_slop_allows_words_between() -> None:
    frag = mark_all("mass planned suicide", terms_of('"mass suicide"~2'))
    assert marked(frag) == ["mass", "suicide"]
    assert marked(mark_all("mass planned suicide", terms_of('"mass suicide"'))) == []
    # Lucene's slop: either order within the moves allowed
    assert marked(mark_all("suicide mass", terms_of('"mass suicide"~2'))) == ["suicide", "mass"]


def test_negated_and_filter_terms_are_not_marked() -> None:
    frag = mark_all("Iraq and Iran talk; Baghdad reports.", terms_of("iran -iraq tag:pter"))
    assert marked(frag) == ["Iran"]


def test_fragments_never_cut_words_and_offsets_point_at_matches() -> None:
    body = EXAMPLE.read_text(encoding="utf-8")
    words = set(re.findall(r"\S+", body))
    frags = fragments(body, terms_of("defector suicide camp"))
    assert 1 <= len(frags) <= 3
    stems = {"defector", "suicid", "camp"}
    for frag in frags:
        assert len(frag.text) <= 200 + 2 * 40
        pieces = frag.text.split(" ")
        assert pieces[0] in words and pieces[-1] in words
        assert frag.matches
        for start, end in frag.matches:
            assert analysis.analyze(frag.text[start:end])[0].term in stems
    starts = [body.find(f.text.split(" ")[0]) for f in frags]
    assert starts == sorted(starts)


def test_fragments_prefer_the_most_distinct_terms() -> None:
    filler = " ".join(f"word{i}" for i in range(80))
    body = f"oil oil oil oil here. {filler} Later oil and gas together. {filler} gas."
    best = fragments(body, terms_of("oil gas"), count=1)
    assert len(best) == 1
    assert {w.lower() for w in marked(best[0])} == {"oil", "gas"}


def test_whitespace_is_collapsed_and_offsets_follow() -> None:
    frag = mark_all("  one\n\n   Baghdad\t\tcable  ", terms_of("baghdad"))
    assert frag.text == "one Baghdad cable"
    assert marked(frag) == ["Baghdad"]


@pytest.mark.parametrize(
    "text",
    ["one  two\n\nthree", "  lead\tword-word  x", "a\x1c b\u2003c\u00a0d", "x" * 40 + "\n y"],
)  # fmt: skip
def test_moved_offsets_are_those_of_each_word(text: str) -> None:
    """`_fragment` moves a match's offsets by the split of what precedes it; the reference
    moves each with the `\\S+` run it falls in: the same for every start and end of a
    non-space run, whatever the whitespace (tabs, Unicode spaces, separators)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    offsets = sorted({o for w in words for o in w} | {s + 1 for s, e in words if e - s > 1})
    for lo in {0, *(s for s, _ in words)}:
        for hi in {len(text), *(e for _, e in words if e > lo)}:
            inside = [o for o in offsets if lo <= o <= hi]
            matches = [(a, b) for a in inside for b in inside if a < b]
            assert _fragment(text, lo, hi, matches) == _fragment_by_words(text, lo, hi, matches)


@needs_real_cables
def test_moved_offsets_are_those_of_each_word_on_real_cables(
    real_cables: Path,
) -> None:
    rng = random.Random(21)
    files = sorted(p for p in real_cables.rglob("*.txt"))[::10]
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = [(a, b) for a, b, _ in find_matches(text, _every_term(text))]
        for start in (rng.randrange(len(text)) for _ in range(10)):
            lo = highlight._word_start(text, start)
            hi = highlight._word_end(text, min(len(text), lo + 200))
            inside = [(a, b) for a, b in found if a >= lo and b <= hi]
            got = _fragment(text, lo, hi, inside)
            assert got == _fragment_by_words(text, lo, hi, inside), (path, lo)


def test_no_match_gives_the_opening() -> None:
    frags = fragments("First words of the body. " * 30, terms_of("zebra"))
    assert len(frags) == 1
    assert frags[0].text.startswith("First words")
    assert frags[0].matches == ()
    assert len(frags[0].text) <= 210


def test_paragraphs() -> None:
    paras = paragraphs("1. Oil is up.\n\n2. Gas is down.\n \n3. Oil again.", terms_of("oil"))
    assert [p.text for p in paras] == ["1. Oil is up.", "2. Gas is down.", "3. Oil again."]
    assert [len(p.matches) for p in paras] == [1, 0, 1]


def test_html_escapes_everything() -> None:
    frag = mark_all('<script>alert("x")</script> & the Oil <b>deal</b>', terms_of("oil script"))
    out = to_html(frag)
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt;" in out
    assert "&amp; the <mark>Oil</mark> &lt;b&gt;deal&lt;/b&gt;" in out


def test_terminal_renderer() -> None:
    frag = mark_all("Oil prices in Baghdad", terms_of("oil"))
    assert to_terminal(frag, color=False) == "Oil prices in Baghdad"
    colored = to_terminal(frag, color=True)
    assert colored != frag.text
    assert click.unstyle(colored) == frag.text
    assert colored.startswith(click.style("Oil", bold=True, fg="yellow"))


def test_initial_is_the_first_character_of_the_word() -> None:
    """The highlighter's shortcut for a token's first character agrees with `word_of`, for
    ASCII first characters (lowered alone) and non-ASCII ones (folded), before any tail."""
    firsts = [chr(c) for c in range(33, 127)] + ["É", "ß", "İ", "\u2019", "ǅ", "Ø", "ﬁ"]
    tokens = [f + tail for f in firsts for tail in ("", "x", "é", "\u0301a", "SS")]
    assert [highlight._initial(t) for t in tokens] == [analysis.word_of(t)[:1] for t in tokens]
