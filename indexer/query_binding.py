"""Syntax tree -> query: binding a parsed query to one open index.

`bind(tree, view)` turns the tree (`indexer.query_syntax`) into the query objects the search
engine evaluates (Whoosh's and `indexer.query_objects`'), against one open index seen
through `IndexView`: words are analyzed exactly as the index analyzed the text
(`indexer.analysis`), patterns and fuzzy words expanded over the index's words
(`indexer.query_expand`), name spellings and TAGS meanings looked up, and everything done
to the query said in `warnings`.

Kept in one module of ~500 lines: `_Binder` is one recursive walk over the tree whose
methods call each other (words, phrases, names, fields); splitting it would split that walk.

Flow: the second half of query text -> query; `indexer.prepare` calls `bind`, the engine
(`indexer.engine`) evaluates what it gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS

from .analysis import analyze, fold, term_of
from .query_expand import (
    date_clause,
    fuzzy_words,
    is_pattern,
    pattern_terms,
    pattern_words,
    year_clause,
)
from .query_objects import Expanded, MultiPhrase, Unknown
from .query_syntax import (
    TEXT_FIELDS,
    UNKNOWN,
    Everything,
    FieldValue,
    Group,
    Negated,
    Node,
    PhraseNode,
    Word,
)
from .schema import DEFAULT_FIELDS

#: words an unquoted query leaves out (Whoosh's English list: what the old index dropped)
STOP = frozenset(STOP_WORDS)

#: default cap on the words of one pattern or fuzzy term that are *scored* (all count)
MAX_EXPANSIONS = 512


class IndexView(Protocol):
    """What binding needs from an open index (`indexer.prepare` provides it)."""

    def words(self) -> Sequence[str]:
        """Every folded lower-case word of the text fields, sorted."""
        ...

    def lexicon(self, field_name: str) -> Sequence[bytes]:
        """Every term of an exact field, sorted."""
        ...

    def doc_frequency(self, field_name: str, term: str) -> int: ...

    def origins(self) -> dict[str, str]:
        """lower-cased origin -> the origin as stored."""
        ...

    def references_of(self, refid: str) -> tuple[str, ...]: ...


#: other spellings of a folded word, most frequent first (`indexer.variants` provides them)
Variants = Callable[[str], tuple[str, ...]]
#: a TAGS code for a meaning word (`terrorism` -> `PTER`), or None
TagForWord = Callable[[str], "str | None"]


#: other spellings of some folded words read as one name, each one or more words, where the
#: name or the spelling has several words (`kim jong il`: `kim chong il`; `binladen`:
#: `bin ladin`); one-word pairs are `Variants`' (`indexer.opening.Searchable.spellings`)
Spellings = Callable[[tuple[str, ...]], tuple[tuple[str, ...], ...]]
#: the longest name (in words) that is looked up for other spellings
MAX_NAME_WORDS = 4
#: at most this many other spellings of one phrase or run of words are searched
MAX_NAME_ALTERNATIVES = 16


def _no_variants(word: str) -> tuple[str, ...]:
    return ()


def _no_spellings(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return ()


def _no_tags(word: str) -> str | None:
    return None


@dataclass(frozen=True)
class Bound:
    """A query bound to one index, and what the user must be told about it."""

    query: Any
    warnings: tuple[str, ...]
    #: the plain words left out as too common (also in `warnings`)
    ignored: tuple[str, ...] = ()
    #: whether the query is `*` alone (browse: newest first by default)
    browse: bool = False


@dataclass
class _Binder:
    view: IndexView
    max_terms: int
    variants: Variants
    tag_for_word: TagForWord
    spellings: Spellings = _no_spellings
    warnings: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    drop_stops: bool = True

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # -- tree -------------------------------------------------------------------------------

    def bind(self, node: Node) -> Any:
        if isinstance(node, Group):
            return self._group(node)
        if isinstance(node, Negated):
            inner = self.bind(node.child)
            return IGNORED if inner is IGNORED else wq.Not(inner)
        if isinstance(node, Everything):
            return wq.Every()
        if isinstance(node, Word):
            return self._words([node])[0]
        if isinstance(node, PhraseNode):
            return self._phrase(node)
        return self._field(node)

    def _group(self, node: Group) -> Any:
        children = [
            c for c in node.children if not (self.drop_stops and _is_stop(c, node.op == "and"))
        ]
        for c in node.children:
            if c not in children and isinstance(c, Word):
                self.ignored.append(c.text)
        if not children:
            return IGNORED
        if node.op == "or":
            parts = [p for p in (self.bind(c) for c in children) if p is not IGNORED]
            return _or(parts, node.boost) if parts else IGNORED
        # a clause with nothing to search (punctuation) is left out; one that matches
        # nothing (a pattern no word fits, `class:` with no such class) empties the AND
        positive = self._words([c for c in children if not isinstance(c, Negated)])
        negative = [self.bind(c.child) for c in children if isinstance(c, Negated)]
        positive = [p for p in positive if p is not IGNORED]
        negative = [n for n in negative if n is not IGNORED]
        if not positive and not negative:
            return IGNORED
        if not negative:
            return _and(positive, node.boost)
        excluded = negative[0] if len(negative) == 1 else wq.Or(negative)
        if not positive:
            return wq.Not(excluded)
        return wq.AndNot(_and(positive, node.boost), excluded)

    # -- words ------------------------------------------------------------------------------

    def _words(self, nodes: Sequence[Node]) -> list[Any]:
        """The clauses of an AND's children, in order: a run of plain words that spells a name
        with other spellings of several words (`kim jong-il`, `abu mazin`, `binladen`) is one
        clause, those words OR each other spelling as a phrase (`"kim chong il"`)."""
        out: list[Any] = []
        run: list[Word] = []
        for node in [*nodes, None]:
            if isinstance(node, Word) and _plain(node):
                run.append(node)
                continue
            out.extend(self._name_run(run))
            run = []
            if isinstance(node, Word):
                out.append(self._word(node))
            elif node is not None:
                out.append(self.bind(node))
        return [q for q in out if q is not IGNORED] or [IGNORED]

    def _name_run(self, run: Sequence[Word]) -> list[Any]:
        words: list[str] = []
        cuts = [0]
        for node in run:
            words.extend(p.word for p in analyze(node.text, query=True))
            cuts.append(len(words))
        spans = self._name_spans(words, frozenset(cuts))
        out: list[Any] = []
        k = 0  # the next node of `run` to bind
        for start, end, others in spans:
            first, last = cuts.index(start), cuts.index(end)
            out.extend(self._word(n) for n in run[k:first])
            own = [q for q in (self._word(n) for n in run[first:last]) if q is not IGNORED]
            self._warn_spellings(words[start:end], others)
            phrases = [
                self._spelled(f, [(term_of(w),) for w in other])
                for other in others
                for f in DEFAULT_FIELDS
                if f in TEXT_FIELDS
            ]
            out.append(_or([_and(own, 1.0), *phrases], 1.0) if own else _or(phrases, 1.0))
            k = last
        out.extend(self._word(n) for n in run[k:])
        return out

    def _name_spans(
        self, words: Sequence[str], cuts: frozenset[int] | None = None
    ) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
        """Spans `words[i:j]` that spell a name with other spellings (`Spellings`), longest
        first, not overlapping; with `cuts`, only spans that begin and end at one."""
        found: list[tuple[int, int, tuple[tuple[str, ...], ...]]] = []
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
                if cuts is not None and (i not in cuts or j not in cuts):
                    continue
                others = self.spellings(tuple(words[i:j]))[:MAX_NAME_ALTERNATIVES]
                if others:
                    found.append((i, j, others))
                    i = j
                    break
            else:
                i += 1
        return found

    def _warn_spellings(self, words: Sequence[str], others: Sequence[tuple[str, ...]]) -> None:
        name = " ".join(words)
        self.warn(
            f"`{name}` also matched the spellings {', '.join(' '.join(o) for o in others)} "
            f'(write ="{name}" for this spelling only)'
        )

    @staticmethod
    def _spelled(
        f: str, positions: Sequence[tuple[str, ...]], slop: int = 0, label: str = ""
    ) -> Any:
        """One field's clause for a sequence of positions (a phrase unless it is one word)."""
        if len(positions) == 1 and slop == 0:
            terms = positions[0]
            if len(terms) == 1:
                return wq.Term(f, terms[0])
            return Expanded(f, terms, label or terms[0])
        return MultiPhrase(f, positions, slop)

    def _word(self, node: Word) -> Any:
        fields = node.fields or DEFAULT_FIELDS
        if node.fuzzy is not None or "*" in node.text or "?" in node.text:
            return self._expanded_word(node, fields)
        parts = analyze(node.text, query=True)
        if not parts:
            return IGNORED
        if len(parts) == 1:
            return self._single(node, parts[0].word, parts[0].term, fields)
        # a hyphenated (or otherwise joined) word: its parts as a phrase, or written as one
        positions = [self._alternatives(p.word, p.term, node.exact) for p in parts]
        joined = "".join(p.word for p in parts) if "-" in node.text else None
        # the joined spelling has its own other spellings (alqaeda: alqaida)
        joined_terms = self._alternatives(joined, term_of(joined), node.exact) if joined else ()
        clauses: list[Any] = []
        for f in fields:
            if f in TEXT_FIELDS:
                clauses.append(MultiPhrase(f, positions))
                if len(joined_terms) == 1:
                    clauses.append(wq.Term(f, joined_terms[0]))
                elif joined_terms:
                    clauses.append(Expanded(f, joined_terms, str(joined)))
        return _or(clauses, node.boost)

    def _alternatives(self, word: str, term: str, exact: bool) -> tuple[str, ...]:
        """The terms one word position may hold: its own, and its other spellings."""
        if exact:
            return (term,)
        others = [v for v in self.variants(word) if v != word]
        if not others:
            return (term,)
        self.warn(
            f"`{word}` also matched the spellings {', '.join(others)} "
            f"(write ={word} for this spelling only)"
        )
        return tuple(dict.fromkeys([term, *(term_of(v) for v in others)]))

    def _single(self, node: Word, word: str, term: str, fields: Sequence[str]) -> Any:
        terms = self._alternatives(word, term, node.exact)
        clauses = []
        for f in fields:
            if f in TEXT_FIELDS:
                clauses.append(
                    wq.Term(f, terms[0]) if len(terms) == 1 else Expanded(f, terms, word)
                )
            elif f == "tags" and re.fullmatch(r"[a-z0-9]+", word):
                clauses.append(wq.Term("tags", word))
        return _or(clauses, node.boost)

    def _expanded_word(self, node: Word, fields: Sequence[str]) -> Any:
        text = fold(node.text.lower())
        if node.fuzzy is not None:
            label = f"{text}~" if node.fuzzy == 1 else f"{text}~{node.fuzzy}"
            words = fuzzy_words(self.view.words(), text, node.fuzzy)
        else:
            label = text
            words = pattern_words(self.view.words(), text)
        terms = tuple(dict.fromkeys(term_of(w) for w in words))
        scored = self._cap(label, terms, len(words), "body")
        clauses: list[Any] = []
        for f in fields:
            if f in TEXT_FIELDS and terms:
                clauses.append(Expanded(f, terms, label, scored=scored))
            elif f == "tags" and node.fuzzy is None:
                tags = pattern_terms(self.view.lexicon("tags"), text)
                if tags:
                    clauses.append(Expanded("tags", tags, label))
        if not clauses:
            return wq.NullQuery
        return _or(clauses, node.boost)

    def _cap(
        self, label: str, terms: tuple[str, ...], words: int, field_name: str
    ) -> tuple[str, ...]:
        if len(terms) <= self.max_terms:
            return terms
        ranked = sorted(terms, key=lambda t: -self.view.doc_frequency(field_name, t))
        self.warn(
            f"`{label}` matched {words:,} words: all of them count in the total, the "
            f"{self.max_terms:,} most frequent are scored"
        )
        return tuple(ranked[: self.max_terms])

    def _phrase(self, node: PhraseNode) -> Any:
        fields = [f for f in (node.fields or DEFAULT_FIELDS) if f in TEXT_FIELDS]
        positions: list[tuple[str, ...]] = []
        words: list[str] = []
        cuts = {0}  # where `=word` marks cut the phrase: no other spelling spans them
        for part in node.text.split():
            marked = part.startswith("=")
            exact = node.exact or marked
            if exact:
                cuts.add(len(words))
            for item in analyze(part[1:] if marked else part, query=True):
                positions.append(self._alternatives(item.word, item.term, exact))
                words.append(item.word if not exact else "")
            if exact:
                cuts.add(len(words))
        if not positions:
            return IGNORED
        sequences = [positions]
        if not node.exact:
            sequences += self._respelled(positions, words)
        clauses = [
            self._spelled(f, seq, node.slop, node.text) for seq in sequences for f in fields
        ]
        return _or(clauses, node.boost)

    def _respelled(
        self, positions: list[tuple[str, ...]], words: list[str]
    ) -> list[list[tuple[str, ...]]]:
        """The phrase's positions with each name of it spelled another way (`"seif al-islam"`:
        `saif al islam`), at most `MAX_NAME_ALTERNATIVES` sequences."""
        spans = [
            (i, j, others)
            for i, j, others in self._name_spans(words)
            if all(words[i:j])  # no `=word` inside
        ]
        out: list[list[tuple[str, ...]]] = []
        for i, j, others in spans:
            self._warn_spellings(words[i:j], others)
            for other in others:
                if len(out) >= MAX_NAME_ALTERNATIVES:
                    return out
                out.append([*positions[:i], *((term_of(w),) for w in other), *positions[j:]])
        return out

    # -- exact fields -----------------------------------------------------------------------

    def _field(self, node: FieldValue) -> Any:
        q = self._field_query(node)
        if node.boost != 1.0 and q is not wq.NullQuery:
            q = q.copy()
            q.boost = node.boost
        return q

    def _field_query(self, node: FieldValue) -> Any:
        f, value = node.field, node.value.strip()
        if f == "created":
            if value.lower() == UNKNOWN:
                return Unknown("created")
            return date_clause(value, node.column)
        if f == "year":
            if value.lower() == UNKNOWN:
                return Unknown("year")
            return year_clause(value, node.column)
        if f in ("origin", "classification") and value.lower() == UNKNOWN and not node.quoted:
            return Unknown(f)
        if f == "origin":
            return self._origin(value, node.quoted)
        if f == "classification":
            folded = value.upper()
            if node.quoted or is_pattern(folded):
                return self._exact("classification", folded)
            return self._exact("classification", folded + "*")
        if f == "citedby":
            refs = self.view.references_of(value.upper())
            if not refs:
                return wq.NullQuery
            return Expanded("refid", refs, f"citedby:{value.upper()}")
        if f == "classified_by":
            words = [w.lower() for w in value.split()]
            return _and([self._exact("classified_words", w) for w in words], 1.0)
        if f == "signed_by":
            words = [w.lower() for w in value.split()]
            return _and([self._exact("signed_by", w) for w in words], 1.0)
        if f == "tags":
            return self._tags(value, node.quoted)
        fold_case = str.upper if f in ("refid", "references") else str.lower
        words = [fold_case(w) for w in value.split()]
        return _and([self._exact(f, w) for w in words], 1.0)

    def _tags(self, value: str, quoted: bool) -> Any:
        words = [w.lower() for w in value.split()]
        clauses = []
        for word in words:
            if is_pattern(word) or self.view.doc_frequency("tags", word) or quoted:
                clauses.append(self._exact("tags", word))
                continue
            code = self.tag_for_word(word)
            if code is None:
                clauses.append(self._exact("tags", word))
                continue
            self.warn(f"tag:{word} means the TAGS code {code.upper()}")
            clauses.append(wq.Term("tags", code.lower()))
        return _and(clauses, 1.0)

    def _origin(self, value: str, quoted: bool) -> Any:
        if quoted:
            stored = self.view.origins().get(" ".join(value.split()).lower())
            if stored is not None:
                return wq.Term("origin", stored)
        words = [fold(w.lower()) for w in value.split()]
        return _and([self._exact("origin_words", w) for w in words], 1.0)

    def _exact(self, field_name: str, value: str) -> Any:
        """One value of an exact field; `*`/`?` make it a pattern over the field's terms
        (every matching term counts: exact fields are not scored by word)."""
        if not is_pattern(value):
            return wq.Term(field_name, value)
        terms = pattern_terms(self.view.lexicon(field_name), value)
        if not terms:
            return wq.NullQuery
        return Expanded(field_name, terms, value, constant=True)


#: a clause with nothing to search for (a word of punctuation only): left out of its group
IGNORED: Any = object()


def _plain(node: Word) -> bool:
    """A word as typed, in the default fields: one that may be part of a name."""
    return (
        node.fields is None
        and node.fuzzy is None
        and not node.exact
        and node.boost == 1.0
        and "*" not in node.text
        and "?" not in node.text
    )


def _is_stop(node: Node, in_and: bool) -> bool:
    return (
        in_and
        and isinstance(node, Word)
        and node.fields is None
        and node.fuzzy is None
        and not node.exact
        and node.text.lower() in STOP
        and node.text != "US"
    )


def _or(parts: list[Any], boost: float) -> Any:
    parts = [p for p in parts if p is not wq.NullQuery]
    if not parts:
        return wq.NullQuery
    return _boosted(parts[0], boost) if len(parts) == 1 else wq.Or(parts, boost=boost)


def _and(parts: list[Any], boost: float) -> Any:
    if any(p is wq.NullQuery for p in parts):
        return wq.NullQuery
    return _boosted(parts[0], boost) if len(parts) == 1 else wq.And(parts, boost=boost)


def _boosted(q: Any, boost: float) -> Any:
    """`q` alone in place of its group, carrying the group's boost (a copy: queries are shared)."""
    if boost == 1.0:
        return q
    q = q.copy()
    q.boost = q.boost * boost
    return q


def bind(
    tree: Node,
    view: IndexView,
    *,
    max_terms: int = MAX_EXPANSIONS,
    variants: Variants = _no_variants,
    tag_for_word: TagForWord = _no_tags,
    spellings: Spellings = _no_spellings,
) -> Bound:
    """Bind a parsed query to an open index (see the module docstring)."""
    binder = _Binder(view, max_terms, variants, tag_for_word, spellings)
    binder.drop_stops = not _only_stops(tree)
    q = binder.bind(tree)
    if q is IGNORED:
        q = wq.NullQuery
    if binder.ignored:
        words = ", ".join(dict.fromkeys(w.lower() for w in binder.ignored))
        binder.warnings.insert(
            0,
            f"ignored common words: {words} (quote a phrase to search them, e.g. "
            f'"ministry of defense")',
        )
    return Bound(q, tuple(binder.warnings), tuple(binder.ignored), isinstance(tree, Everything))


def _only_stops(tree: Node) -> bool:
    """A query whose every clause is a plain common word: keep them (else nothing is left)."""
    if isinstance(tree, Word):
        return True
    if not isinstance(tree, Group) or tree.op != "and":
        return False
    return all(_is_stop(c, True) for c in tree.children)
