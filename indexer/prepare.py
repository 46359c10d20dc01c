"""Query text -> query: parse and bind the user's text (and filters) to the open generation.

`indexer.query` parses the text and binds it through `IndexView`, the open generation as
the binder sees it (`_View` here: word and term lists read once per generation). Filters
are parsed on their own and joined as query objects, never spliced in as text.

Flow: the first step, query text -> query; `indexer.hits` runs what this gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from . import tagcodes
from .opening import Searchable, b2s
from .query import MAX_EXPANSIONS, bind, parse


class _View:
    """The open generation as query binding sees it (`indexer.query.IndexView`): word and
    term lists read once per open generation and kept, sorted."""

    def __init__(self, s: Searchable) -> None:
        self._s = s

    def words(self) -> list[str]:
        return self._s.vocabulary()

    def lexicon(self, field_name: str) -> list[bytes]:
        return self._s.lexicon(field_name)

    def doc_frequency(self, field_name: str, term: str) -> int:
        return int(self._s.reader.doc_frequency(field_name, term))

    def origins(self) -> dict[str, str]:
        return {b2s(o).lower(): b2s(o) for o in self._s.lexicon("origin")}

    def references_of(self, refid: str) -> tuple[str, ...]:
        docnum = self._s.docnum(refid)
        if docnum is None:
            return ()
        refs = str(self._s.searcher.stored_fields(docnum).get("references") or "").split()
        return tuple(dict.fromkeys(refs))



@dataclass(frozen=True)
class Prepared:
    """A query bound to the open generation, and what the user is told about it."""

    query: Any
    warnings: tuple[str, ...]
    #: `*` alone: every cable (newest first unless a sort is asked for)
    browse: bool = False


def prepare(s: Searchable, text: str, max_terms: int = MAX_EXPANSIONS) -> Prepared:
    """Parse and bind `text` to the open generation."""
    bound = bind(
        parse(text),
        _View(s),
        max_terms=max_terms,
        variants=s.variants,
        tag_for_word=tagcodes.code_for_word,
        spellings=s.spellings,
    )
    warnings = list(bound.warnings)
    if isinstance(bound.query, type(wq.NullQuery)):
        warnings.append("nothing to search for: no word of the query can match")
    return Prepared(bound.query, tuple(warnings), bound.browse)


def prepare_query(
    s: Searchable, text: str, max_terms: int = MAX_EXPANSIONS
) -> tuple[Any, list[str]]:
    """Parse and bind `text` to the open generation -> (query, warnings)."""
    prepared = prepare(s, text, max_terms)
    return prepared.query, list(prepared.warnings)


def filtered(
    s: Searchable, query_text: str, filters: Sequence[str], max_terms: int = MAX_EXPANSIONS
) -> tuple[Any, Any, list[str], bool]:
    """(query to run, the user's query alone, warnings, browse): each filter is parsed on its
    own and joined to the query as a query object, so no text of one can change the meaning
    of the other (`iran) OR (iraq` stays one clause). With filters, the query text may be
    empty or `*` (browse: every cable the filters keep, newest first by default)."""
    if not filters:
        prepared = prepare(s, query_text, max_terms)
        return prepared.query, prepared.query, list(prepared.warnings), prepared.browse
    parts: list[Any] = []
    warnings: list[str] = []
    main: Any = wq.NullQuery
    browse = True
    if query_text.strip():
        prepared = prepare(s, query_text, max_terms)
        main, warnings, browse = prepared.query, list(prepared.warnings), prepared.browse
        if not browse:
            parts.append(main)
    for text in filters:
        fq, more = prepare_query(s, text, max_terms)
        parts.append(fq)
        warnings.extend(w for w in more if w not in warnings)
    return (parts[0] if len(parts) == 1 else wq.And(parts)), main, warnings, browse
