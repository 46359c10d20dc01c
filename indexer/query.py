"""Query text -> query: the `cables search` query language (this module: its definition, and
the names importers use; the code is in `indexer.query_syntax` (parse), `indexer.query_binding`
(bind, with `indexer.query_expand`) and `indexer.query_objects`).

Two steps. `parse(text)` reads the text into a small syntax tree and reports every syntax
error with its column (unbalanced quotes or parentheses, an empty field value, a fuzzy
distance above 2, an unknown field); it needs no index. `bind(tree, view)` turns the tree
into the Whoosh query objects the search engine evaluates, against one open index: words are
analyzed exactly as the index analyzed the text (`indexer.analysis`), patterns and fuzzy
words are expanded over the index's words, name spellings and TAGS meanings are looked up,
and everything the engine did to the query is said in `warnings`.

The parser is hand-written rather than Whoosh's `QueryParser`: that parser reads `al-qaeda`
as "al NOT qaeda", drops stop words inside phrases, accepts `(iran OR iraq` silently and gives
no columns; the grammar below is small enough that a recursive-descent parser is the simplest
correct thing.

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*              (juxtaposed clauses are all required)
    unary    := ("NOT" | "-" | "+") unary | primary   (`-` only at a clause start)
    primary  := "(" or_expr ")" | FIELD ":" value | FIELD ":" "(" or_expr ")" | phrase | word

Meaning, decided here (README "Query syntax" has the tested examples):
  - A word searches subject, title, TAGS and body (any of them; all words required). It is
    analyzed as the text was: `negotiations` finds `negotiated`, `chávez` finds `Chavez`,
    upper-case `US` is the country (`U.S.`).
  - A hyphen inside a word joins its parts: `al-qaeda` is the phrase "al qaeda" or the word
    `alqaeda`. Only `-word` at a clause start excludes.
  - Unquoted common words (`the`, `of`, `not`, ...) are left out, and the result says so; in
    a phrase every word counts. A query of nothing but common words searches them all.
  - `"a b"~N`: the words within N moves of the phrase, in either order (Lucene's slop).
  - `prefix*`, `gr?y`, `*stan` and `word~` / `word~2` are matched against the index's words
    (not stems); every matching word counts in the total, and at most `max_terms` of them are
    scored (the result says so).
  - A transliterated name also finds its other spellings (`gaddafi` -> `qadhafi`); a name of
    several words, or one that another spelling writes as several, its other spellings as
    phrases (`kim jong-il` -> `"kim chong il"`, `binladen` -> `"bin ladin"`); `=gaddafi` and
    `="kim jong il"` are that spelling only. The expansion is in `warnings`.
  - A query of only exclusions (`-iraq`) is everything except them; `*` alone is every cable.
  - Exact fields: `tag:`, `origin:`/`from:`, `class:`, `id:`, `signer:`, `classified_by:`,
    `cites:`, `citedby:`, `created:`/`date:`, `year:` (values folded to the index's case;
    `*`/`?` make a pattern; `unknown` is the cables without a value for origin, class, year
    and created).
"""


from __future__ import annotations

from .query_binding import MAX_EXPANSIONS as MAX_EXPANSIONS
from .query_binding import STOP as STOP
from .query_binding import Bound as Bound
from .query_binding import IndexView as IndexView
from .query_binding import bind as bind
from .query_expand import fuzzy_words as fuzzy_words
from .query_expand import pattern_terms as pattern_terms
from .query_expand import pattern_words as pattern_words
from .query_objects import Expanded as Expanded
from .query_objects import MultiPhrase as MultiPhrase
from .query_objects import Unknown as Unknown
from .query_syntax import FIELD_ALIASES as FIELD_ALIASES
from .query_syntax import MAX_FUZZY as MAX_FUZZY
from .query_syntax import TEXT_FIELDS as TEXT_FIELDS
from .query_syntax import UNKNOWN as UNKNOWN
from .query_syntax import Everything as Everything
from .query_syntax import FieldValue as FieldValue
from .query_syntax import Group as Group
from .query_syntax import Negated as Negated
from .query_syntax import Node as Node
from .query_syntax import PhraseNode as PhraseNode
from .query_syntax import Word as Word
from .query_syntax import parse as parse
