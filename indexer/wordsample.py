"""The did-you-mean word sample: which documents are sampled and what each contributes.

A neutral module, imported by both sides: the write side draws the sample while it parses
(`indexer.parsework`: every `word_sample_step`-th document's `document_words`) and hands it
to the publish step as a `WordSample`; the read side (`indexer.searching`) draws the same
sample from a finished index when there is none, and suggests words from it. In the flow
file -> reader -> Cable -> document -> index it sits beside the Cable -> document step: it
reads a Cable's subject and body, never the index.

>>> sorted(document_words("Oil talks", "The OIL minister, in Baghdad"))
['baghdad', 'minister', 'oil', 'talks', 'the']
>>> word_sample_step(10), word_sample_step(12_000)
(1, 3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: did-you-mean: surface words are collected from this many documents, evenly spread
WORD_SAMPLE_DOCS = 4000

_SAMPLE_WORD_RE = re.compile(r"[a-z]{3,}")


def document_words(subject: str | None, body: str | None) -> set[str]:
    """The surface words (lowercase, unstemmed, 3+ letters) a document adds to the sample."""
    return set(_SAMPLE_WORD_RE.findall(f"{subject or ''} {body or ''}".lower()))


def word_sample_step(documents: int) -> int:
    """Every how many documents one is sampled, for about WORD_SAMPLE_DOCS in all."""
    return max(1, documents // WORD_SAMPLE_DOCS)


@dataclass(frozen=True)
class WordSample:
    """Word counts of a document sample drawn while indexing (`cables index` draws one as
    it writes a fresh index, so that the cache warm-up need not read documents back)."""

    counts: dict[str, int]  # word -> number of sampled documents holding it
    sampled_docs: int  # documents in the index the sample was drawn from
