"""Transliterated-name variants: `gaddafi` also finds the cables that spell it `qadhafi`.

Cables spell foreign names the State Department's way (QADHAFI, HIZBALLAH, USAMA BIN LADIN,
AHMADINEJAD); journalists type the press's (Gaddafi, Hezbollah, Osama bin Laden,
Ahmadinezhad). A `VariantTable` maps a spelling to the other spellings of the same name, and
the query side ORs them in (a search for one spelling only: see README, "Name variants").

The table has two parts, because neither alone is good enough:

1. **Curated groups** (`names.tsv` beside this module, sources in its header): the names
   journalists search Cablegate for, with spellings that no safe rule can join
   (Qadhafi/Gaddafi needs q~g; Hizballah/Hezbollah needs a~o; Shia/Shiite, Kiev/Kyiv,
   Lukashenko/Lukashenka, Kim Jong-il/Kim Chong-il). They always apply, with or without a
   corpus (`curated()`).
2. **Groups discovered in the corpus vocabulary** (`build_variants(stats)`): two words are
   variants when, after transliteration rules (`normal_form`: q/ck/c+a,o,u -> k, dh -> d,
   zh/dj -> j, ph -> f, ou/oo -> u, ee -> i, y as a vowel -> i, doubled letters,
   apostrophes and hyphens dropped, accents folded), their consonants are identical and
   their vowels differ by one cheap substitution (o~u, e~i, a~e, not on the last letter;
   Taliban/Taleban, Mukhtar/Mokhtar, Ahmad/Ahmed), or, in words of 7 letters or more, by two
   of them or one vowel inserted inside the word (Mohammed/Muhammad, Zawahiri/Zawahri); see
   `variant_cost`. Both words must be name-like: seen capitalized in mixed-case text at
   least twice and lowercase in at most 1 case in 10, so English words never qualify
   (road/rod, code/qaeda). And when the stats carry context (`count_words` collects it),
   the two must share a rarer word near them (Mahmoud/Mahmud *Abbas*): on hand-labelled
   samples (`bench/variants.py`), the spelling rules alone were right for 58% of the pairs
   they found, mostly because of Western names that look alike (Nelson/Nilson, Ruby/Rubi,
   Heyman/Heymann); with the shared context for 89%. Pairs the rules join but that are different
   names (Salah/Saleh) are listed in `names.tsv` (`!` lines). This is what covers the many
   names nobody curated.

Why these rules and not a phonetic code (Soundex, Metaphone, Beider-Morse): those were made
for English or European surnames, throw vowels away and join different Arabic names that
share consonants (Hassan/Hussein/Hosni, Hamid/Hamad, Mahmoud/Mohammed: all h-s-n or m-h-m-d).
Here consonants must match exactly and only vowel changes that transliteration systems
really make are cheap; a~u, a~i and a~o cost too much, which is what keeps Hassan from
Hussein. The price is recall on variants with a consonant change, which the curated table
carries. Variants are one step from a word (its direct neighbours and its curated group,
plus the neighbours of that group): no transitive closure, which would chain
Hasan-Hasen-Husen-Husein.

A spelling is a tuple of words as the index tokenizer splits them (`tokens`): `Sana'a` is
`("sana", "a")` and `Kim Jong-il` is `("kim", "jong", "il")`, so the index can match a
phrase spelling as a phrase.

>>> table = curated()
>>> table.variants("Gaddafi")[:3]
('qadhafi', 'qaddafi', 'kadhafi')
>>> "hizballah" in table.variants("hezbollah")
True
>>> table.variants("road")
()
>>> [" ".join(s) for s in table.spellings("Kim Jong-il")][:2]
['kim chong il', 'kim jongil']
>>> normal_form("Qadhdhafi") == normal_form("Qadhafi")
True

Kept in one module (~550 lines): the transliteration rules, the discovery that uses
them and the table they build are measured together (`bench/variants.py`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

#: a spelling: one or more folded words, as the index tokenizer splits them
Spelling = tuple[str, ...]

#: the index tokenizer's word pattern (Whoosh's `RegexTokenizer` default), so that a
#: spelling's words are the words the index holds
_WORD = re.compile(r"\w+(?:\.?\w+)*")
#: marks that transliterations use or drop at will (ayn, hamza, hyphens inside names)
_MARKS = re.compile(r"['\u2019\u02bc\u02bb\u2018`\u00b4-]")
_VOWELS = frozenset("aeiou")
#: the vowel changes transliteration systems make for the same sound
_CHEAP_SUBSTITUTIONS = frozenset({frozenset("ou"), frozenset("ei"), frozenset("ae")})
_CHEAP = 0.5
_INDEL = 0.75
_MAX_COST = 1.0
#: normal forms shorter than this may differ by one substitution only: two edits join too
#: many different short names
LONG_WORD = 7
#: at most this many other spellings per spelling (most frequent first): a query term
#: with a dozen rare variants is slower and noisier, not better
MAX_VARIANTS = 12
#: shortest normal form that discovery considers: shorter words are too easily confused
MIN_DISCOVERED_LENGTH = 4
#: a word is name-like when it was seen capitalized at least this often in mixed-case text
MIN_CAPITALIZED = 2
#: ... and at most this share of its mixed-case occurrences were lowercase
MAX_LOWERCASE_SHARE = 0.1
#: context words: this many words either side of a capitalized occurrence, ...
CONTEXT_WINDOW = 3
#: ... that are in at most this share of the documents (or this many) ...
CONTEXT_COMMON_SHARE = 0.05
CONTEXT_MIN_COMMON = 3
#: ... the most frequent this many of them
CONTEXT_SIZE = 200
#: a document counts as mixed-case (its capitalization means something) above this share
#: of lowercase letters; all-caps cables tell nothing about names
MIXED_CASE_SHARE = 0.3


def fold(text: str) -> str:
    """Lowercase and strip accents: `Chávez` -> `chavez`, `Şırnak` -> `sirnak`.

    >>> fold("Chávez Frías, Köhler")
    'chavez frias, kohler'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # dotless i and a few letters with no decomposition
    return stripped.translate(_EXTRA_FOLD)


_EXTRA_FOLD = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ß": "ss", "æ": "ae"})


def tokens(text: str) -> Spelling:
    """The folded words of `text` as the index splits them.

    >>> tokens("Sana'a")
    ('sana', 'a')
    >>> tokens("  Mujahedin-e Khalq ")
    ('mujahedin', 'e', 'khalq')
    """
    return tuple(m.group() for m in _WORD.finditer(fold(text)))


def normal_form(word: str) -> str:
    """`word` after the transliteration rules: the key that variants share up to vowels.

    >>> [normal_form(w) for w in ("Qaddafi", "Ahmadinezhad", "Husayn", "Mahmoud")]
    ['kadafi', 'ahmadinejad', 'husain', 'mahmud']
    """
    w = _MARKS.sub("", fold(word))
    for old, new in _DIGRAPHS:
        w = w.replace(old, new)
    # `y` is a vowel unless a vowel follows it (Husayn, Yanukovych; but Yasir, Sayyid)
    w = re.sub(r"y(?![aeiou])", "i", w)
    w = re.sub(r"c(?=[aou])", "k", w)
    return re.sub(r"(.)\1+", r"\1", w)


#: in this order: `dzh` before `zh`, `kh`/`gh`/`sh` kept apart from `k`/`g`/`s` (Khalid is
#: not Kalid) by mapping them to letters that no other rule produces
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "x"),
    ("gh", "\u0263"),
    ("sh", "\u0283"),
    ("ch", "\u02a7"),
    ("dh", "d"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
)


def variant_cost(a: str, b: str) -> float | None:
    """How far apart two spellings are, or None when no cheap vowel edits join them.

    Consonants must match. A vowel substitution o~u, e~i or a~e (not on the last letter) costs
    0.5, a vowel inserted or dropped inside the word 0.75. Words of 7 letters or more (after
    `normal_form`) may differ by at most 1.0: two substitutions or one insertion, never an
    insertion and a deletion (which would make Hamid/Hamad a~i); shorter ones by one
    substitution.

    >>> variant_cost("Taliban", "Taleban"), variant_cost("Mohammed", "Mohamed")
    (0.5, 0.0)
    >>> variant_cost("Zawahiri", "Zawahri"), variant_cost("Mujahedeen", "Mujahidin")
    (0.75, 0.5)
    >>> [variant_cost(a, b) for a, b in [("Hassan", "Hussein"), ("Hamid", "Hamad"),
    ...                                  ("Mahmoud", "Mohammed"), ("Harry", "Hare")]]
    [None, None, None, None]
    """
    return _cost(normal_form(a), normal_form(b))


def _cost(x: str, y: str) -> float | None:
    if x == y:
        return 0.0
    if abs(len(x) - len(y)) > 2:
        return None
    inf = float("inf")
    # the weighted edit distance with only the cheap edits allowed (small strings: the
    # plain O(n*m) table is fast enough and needs no dependency)
    prev = [0.0] + [_indel(y, j) for j in range(len(y))]
    for i in range(1, len(prev)):
        prev[i] += prev[i - 1]
    for i, cx in enumerate(x, 1):
        row = [prev[0] + _indel(x, i - 1)] + [inf] * len(y)
        for j, cy in enumerate(y, 1):
            sub = 0.0 if cx == cy else _substitution(cx, cy, i == len(x) and j == len(y))
            row[j] = min(
                prev[j - 1] + sub, prev[j] + _indel(x, i - 1), row[j - 1] + _indel(y, j - 1)
            )
        prev = row
    cost = prev[-1]
    limit = _MAX_COST if min(len(x), len(y)) >= LONG_WORD else _CHEAP
    return cost if cost <= limit else None


def _substitution(a: str, b: str, last: bool) -> float:
    """Cost of a vowel change; never at the end of the word, where two languages' endings
    differ (Harry/Hare, Reno/Renu) more often than two spellings of one name do."""
    return _CHEAP if not last and frozenset((a, b)) in _CHEAP_SUBSTITUTIONS else float("inf")


def _indel(s: str, i: int) -> float:
    """Cost of inserting or dropping s[i]: a vowel inside the word is cheap, the rest never."""
    inside = 0 < i < len(s) - 1
    return _INDEL if inside and s[i] in _VOWELS else float("inf")


@dataclass(frozen=True)
class WordStats:
    """A folded, lowercase word of the corpus and how it was seen.

    `docs` is the number of documents holding it (an estimate is fine); `capitalized` and
    `lowercase` count its occurrences in mixed-case text starting with a capital letter
    (Title case only: ALL-CAPS words in mixed text are headers and acronyms) or a lowercase
    one (both 0 when unknown). `context` holds the rarer words seen next to it where it
    was capitalized (None when unknown): two spellings of one name share some (Mahmoud and
    Mahmud Abbas, Yunus Qanuni and Kanuni), two names that merely look alike seldom do
    (Nelson Mandela, Nilson Ruiz).
    """

    word: str
    docs: int
    capitalized: int = 0
    lowercase: int = 0
    context: frozenset[str] | None = None

    @property
    def name_like(self) -> bool:
        """Mostly capitalized where case means something: a name, not an English word.

        >>> WordStats("qadhafi", 159, 1004, 0).name_like, WordStats("road", 195, 49, 303).name_like
        (True, False)
        """
        seen = self.capitalized + self.lowercase
        return (
            self.capitalized >= MIN_CAPITALIZED and self.lowercase <= MAX_LOWERCASE_SHARE * seen
        )


def count_words(documents: Iterable[str]) -> list[WordStats]:
    """WordStats of every word of `documents` (one string per document), most documents first.

    >>> stats = count_words(["Talks with Qadhafi went well.", "QADHAFI SAID NO", "the road"])
    >>> [(s.word, s.docs, s.capitalized, s.lowercase) for s in stats
    ...  if s.word in ("qadhafi", "the")]
    [('qadhafi', 2, 1, 0), ('the', 1, 0, 1)]
    """
    docs: Counter[str] = Counter()
    capitalized: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    neighbours: defaultdict[str, list[str]] = defaultdict(list)
    documents_seen = 0
    # a cable's words repeat (and the sample's words repeat across cables): each distinct
    # word is folded once (fold is ~4 us a call; the sample has ~1.5 million words)
    folds: dict[str, str] = {}
    for text in documents:
        documents_seen += 1
        words = _WORD.findall(text)
        for w in set(words).difference(folds):
            folds[w] = fold(w)
        folded = list(map(folds.__getitem__, words))
        docs.update(set(folded))
        if not _mixed_case(text):
            continue
        for i, w in enumerate(words):
            if w[0].islower():
                lowercase[folded[i]] += 1
            elif w[0].isupper() and any(map(str.islower, w)):
                capitalized[folded[i]] += 1
                # listed now, counted once at the end: Counter.update per occurrence cost
                # more than all the rest of the loop
                near = neighbours[folded[i]]
                near += folded[max(0, i - CONTEXT_WINDOW) : i]
                near += folded[i + 1 : i + 1 + CONTEXT_WINDOW]
    # words in many documents (titles, function words) say nothing about who is meant
    common = max(CONTEXT_MIN_COMMON, CONTEXT_COMMON_SHARE * documents_seen)

    def context(word: str) -> frozenset[str]:
        near = Counter(neighbours.get(word, ()))
        rare = [(n, c) for c, n in near.items() if docs[c] <= common and c.isalpha() and c != word]
        rare.sort(key=lambda nc: (-nc[0], nc[1]))
        return frozenset(c for _n, c in rare[:CONTEXT_SIZE])

    return [
        WordStats(w, n, capitalized[w], lowercase[w], context(w))
        for w, n in sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _mixed_case(text: str) -> bool:
    # counted by map() over the str methods: a Python loop over each character cost 2 ms a cable
    letters = sum(map(str.isalpha, text))
    lower = sum(map(str.islower, text))
    return letters > 0 and lower > MIXED_CASE_SHARE * letters


@dataclass(frozen=True)
class VariantTable:
    """Spelling -> the other spellings of the same name, most frequent first.

    Build one with `curated()` or `build_variants(stats)`; store it with `to_json`.
    """

    table: Mapping[Spelling, tuple[Spelling, ...]] = field(default_factory=dict)

    def spellings(self, text: str | Sequence[str]) -> tuple[Spelling, ...]:
        """The other spellings (one or more words each) of a word or phrase.

        >>> curated().spellings("bin laden")
        (('bin', 'ladin'), ('binladin',), ('binladen',))
        """
        key = tokens(text) if isinstance(text, str) else tuple(fold(w) for w in text)
        return self.table.get(key, ())

    def variants(self, word: str) -> tuple[str, ...]:
        """The other one-word spellings of `word`, lowercase, most frequent first.

        >>> curated().variants("Usama")
        ('osama', 'oussama', 'ousama')
        """
        return tuple(s[0] for s in self.spellings(word) if len(s) == 1)

    def __len__(self) -> int:
        return len(self.table)

    def to_json(self) -> str:
        """A JSON string, for storing beside an index (`from_json` reads it back)."""
        return json.dumps(
            {
                "version": 1,
                "spellings": {
                    " ".join(k): [" ".join(s) for s in v] for k, v in sorted(self.table.items())
                },
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> VariantTable:
        """The table `to_json` wrote.

        >>> t = curated(); VariantTable.from_json(t.to_json()) == t
        True
        """
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != 1:
            raise ValueError("not a name-variant table (version 1)")
        return cls(
            {
                tuple(k.split()): tuple(tuple(s.split()) for s in v)
                for k, v in data["spellings"].items()
            }
        )


def curated_groups() -> tuple[tuple[Spelling, ...], ...]:
    """The groups of `names.tsv`: one group a line, spellings separated by tabs."""
    return _curated_groups()


def different_names() -> frozenset[frozenset[str]]:
    """Pairs of words the rules would join but that are different names (`!` lines of
    `names.tsv`: Salah/Saleh, Hamad/Hamed); discovery never joins them."""
    return _read_names()[1]


@cache
def _curated_groups() -> tuple[tuple[Spelling, ...], ...]:
    return _read_names()[0]


@cache
def _read_names() -> tuple[tuple[tuple[Spelling, ...], ...], frozenset[frozenset[str]]]:
    # beside this module (not `importlib.resources`, whose `files()` imports `zipfile`: ~5
    # ms of a one-shot search; the package is always installed as files, the compiled
    # module could not be imported from a zip anyway)
    text = Path(__file__).with_name("names.tsv").read_text(encoding="utf-8")
    groups: list[tuple[Spelling, ...]] = []
    apart: set[frozenset[str]] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0] == "!":
            words = [w for f in fields[1:] for w in tokens(f)]
            apart.update(frozenset((a, b)) for a in words for b in words if a != b)
            continue
        group = tuple(dict.fromkeys(t for t in map(tokens, fields) if t))
        if len(group) > 1:
            groups.append(group)
    return tuple(groups), frozenset(apart)


def curated() -> VariantTable:
    """The curated table alone (no corpus needed), spellings in the file's order."""
    return _curated()


@cache
def _curated() -> VariantTable:
    return _assemble(_group_edges(curated_groups()), {})


def discover(stats: Iterable[WordStats]) -> list[tuple[str, str, float]]:
    """Pairs of name-like words of the corpus that `variant_cost` joins: (a, b, cost), a < b.

    >>> discover([WordStats("taliban", 130, 889, 27), WordStats("taleban", 3, 5, 0),
    ...           WordStats("road", 195, 49, 303), WordStats("rod", 9, 0, 15)])
    [('taleban', 'taliban', 0.5)]
    """
    blocks: defaultdict[str, list[str]] = defaultdict(list)
    context: dict[str, frozenset[str] | None] = {}
    normal: dict[str, str] = {}
    for s in stats:
        w = s.word
        if s.name_like and w.isalpha():
            n = normal_form(w)
            if len(n) >= MIN_DISCOVERED_LENGTH:
                context[w], normal[w] = s.context, n
                blocks["".join(ch for ch in n if ch not in _VOWELS)].append(w)
    apart = different_names()
    pairs: list[tuple[str, str, float]] = []
    for words in blocks.values():
        words.sort()
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                if not _share_context(context[a], context[b]) or frozenset((a, b)) in apart:
                    continue
                cost = _cost(normal[a], normal[b])
                if cost is not None:
                    pairs.append((a, b, cost))
    return sorted(pairs)


def _share_context(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    return a is None or b is None or not a.isdisjoint(b)


def build_variants(stats: Iterable[WordStats], *, use_curated: bool = True) -> VariantTable:
    """The variant table of a corpus: curated groups plus the groups `discover` finds.

    Spellings the corpus does not hold are left out of the variants (they would find
    nothing) but still have variants themselves: `gaddafi` finds the `qadhafi` cables even
    when no cable spells it `gaddafi`.

    >>> t = build_variants([WordStats("qadhafi", 159, 1004, 0), WordStats("qaddafi", 4, 16, 0),
    ...                     WordStats("taliban", 130, 889, 27), WordStats("taleban", 3, 5, 0)])
    >>> t.variants("gaddafi"), t.variants("taleban")
    (('qadhafi', 'qaddafi'), ('taliban',))
    """
    stats = list(stats)
    docs = {s.word: s.docs for s in stats}
    groups = curated_groups() if use_curated else ()
    edges = _group_edges(groups)
    for a, b, _cost in discover(stats):
        edges[(a,)].add((b,))
        edges[(b,)].add((a,))
    # a word's discovered neighbours are also variants of the rest of its curated group
    for group in groups:
        extra = set().union(*(edges.get(s, set()) for s in group)) - set(group)
        for s in group:
            edges[s] |= extra
        for x in extra:
            edges[x] |= set(group)

    def present(spelling: Spelling) -> bool:
        return all(docs.get(w, 0) > 0 for w in spelling)

    return _assemble(edges, docs, keep=present)


def _group_edges(
    groups: Iterable[tuple[Spelling, ...]],
) -> defaultdict[Spelling, set[Spelling]]:
    edges: defaultdict[Spelling, set[Spelling]] = defaultdict(set)
    for group in groups:
        for s in group:
            edges[s].update(group)
    return edges


def _assemble(
    edges: Mapping[Spelling, set[Spelling]],
    docs: Mapping[str, int],
    keep: Callable[[Spelling], bool] | None = None,
) -> VariantTable:
    # ties in frequency keep the curated file's order (its first spelling is the cables'),
    # then alphabetical order for discovered words
    order = {s: i for i, s in enumerate(s for g in curated_groups() for s in g)}

    def frequency(s: Spelling) -> int:
        return min((docs.get(w, 0) for w in s), default=0)

    def rank(t: Spelling) -> tuple[int, int, Spelling]:
        return -frequency(t), order.get(t, len(order)), t

    def rank_alone(t: Spelling) -> tuple[int, Spelling]:
        # without document counts (the curated table, built by every process that binds a
        # query) every frequency is 0: the same order, without a `min` per spelling
        return order.get(t, len(order)), t

    table: dict[Spelling, tuple[Spelling, ...]] = {}
    for s, others in sorted(edges.items()):
        candidates = [t for t in others if t != s and (keep is None or keep(t))]
        candidates.sort(key=rank if docs else rank_alone)
        if candidates:
            table[s] = tuple(candidates[:MAX_VARIANTS])
    return VariantTable(table)
