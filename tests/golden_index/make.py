"""Rebuild the golden index and its expected values: `python tests/golden_index/make.py`.

The golden index is a small index written by the production writer
(`indexer.ingest.update_index`), committed so that a change that can no longer read the
indexes users already have fails the suite (`tests/test_golden_index.py`). It holds the
example cable `corpus/09BAGHDAD113.txt` and cables made by `bench/generate.py` (never real
cables: they must not be committed), written in two updates, so the index has two segments
and a cable replaced by the second one (a deletion).

Run it only when the on-disk format changes on purpose (and say so in the commit): it
overwrites `index/` (the generation only: the previous generation and the lock are left
out) and `expected.json` (what the current code finds in it: searches with their scores,
facets, phrases, highlights, `show`), which the test compares against.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from generate import generate  # noqa: E402

from indexer import searching, store  # noqa: E402
from indexer.ingest import update_index  # noqa: E402

#: cables made by bench/generate.py: the first update writes FIRST, the second the rest
FIRST, SECOND = 2, 1
SEED = 2026

#: searches whose results are kept: words, stems, phrases (exact, sloppy, hyphenated),
#: patterns, fuzzy words, fields, ranges, negation, name spellings, facets' filters
QUERIES = (
    "camp ashraf",
    "mek",
    '"camp ashraf"',
    '"ashraf camp"~2',
    "mujahedin-e-khalq",
    "large-scale",
    "officials",
    "minist*",
    "baghdad~1",
    "ambasador",
    "=ambassador",
    "ambassador -iraq",
    "US",
    "tag:PREL",
    'origin:"Embassy Baghdad"',
    "class:confidential",
    "year:2009",
    "created:[2005 TO 2008]",
    "cites:*",
    "*",
    "embassy OR consulate",
    "(iran OR iraq) AND government",
    "subject:meeting^2 body:ambassador",
)
#: sorts tried on one broad query
SORTED = ("newest", "oldest", "cited")


def _hits(result: Any) -> list[dict[str, Any]]:
    return [
        {
            "refid": h.refid,
            "score": h.score,
            "highlights": [searching.fragment_to_dict(f) for f in h.highlights],
        }
        for h in result.hits
    ]


def expected_of(index: Path) -> dict[str, Any]:
    """What the current code finds in the golden index."""
    out: dict[str, Any] = {"searches": {}, "sorted": {}, "filters": {}}
    with searching.open_index(index) as s:
        for text in QUERIES:
            result = searching.search(s, text, limit=5)
            out["searches"][text] = {
                "total": result.total,
                "hits": _hits(result),
                "facets": {k: [list(vn) for vn in v] for k, v in result.facets.items()},
                "warnings": list(result.warnings),
                "suggestion": result.suggestion,
            }
        for sort in SORTED:
            result = searching.search(s, "embassy", limit=5, sort=sort, highlight=False)
            out["sorted"][sort] = [[h.refid, h.score] for h in result.hits]
        for field, value in (("tags", "PREL"), ("year", "2009"), ("origin", "Embassy Baghdad")):
            clause = searching.facet_filter(field, value)
            result = searching.search(s, "embassy", limit=5, filters=[clause])
            out["filters"][clause] = [result.total, [h.refid for h in result.hits]]
        view = searching.show(s, "09BAGHDAD113", query="camp ashraf")
        out["show"] = {
            "subject": view.cable.subject,
            "origin": view.cable.origin,
            "created": view.cable.created.isoformat() if view.cable.created else None,
            "tags": list(view.cable.tags),
            "paragraphs": len(view.paragraphs),
            "marked": [p for p in searching.view_to_dict(view)["paragraphs"] if p["matches"]],
            "references": [list(r) for r in view.references],
            "cited_by": [list(r) for r in view.cited_by],
        }
        stats = searching.stats(s)
        out["stats"] = {
            "cables": stats.cables,
            "by_year": [list(y) for y in stats.by_year],
            "by_classification": [list(c) for c in stats.by_classification],
        }
        out["similar"] = [h.refid for h in searching.similar(s, "09BAGHDAD113", limit=5)]
    return out


def make(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "09BAGHDAD113.txt", corpus)
        made = generate(corpus / "generated", FIRST, seed=SEED)
        update_index([corpus], index, procs=1, warm=searching.warm_caches)
        generate(corpus / "generated", SECOND, seed=SEED, start=FIRST)
        # a cable changed between the updates: the second replaces it (a deletion)
        made[0].write_text(made[0].read_text(encoding="utf-8") + "\nADDENDUM.\n")
        update_index([corpus], index, procs=1, warm=searching.warm_caches)
        live = store.require_live(index)
        target = out / "index"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copytree(live, target / live.name)
        (target / store.LIVE).symlink_to(live.name)
    (out / "expected.json").write_text(
        json.dumps(expected_of(copy_for_reading(target)), indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def copy_for_reading(index: Path) -> Path:
    """A copy of the golden index to search (a search writes caches beside the index)."""
    tmp = Path(tempfile.mkdtemp()) / "index"
    shutil.copytree(index, tmp, symlinks=True)
    return tmp


if __name__ == "__main__":
    make(HERE)
    size = sum(p.stat().st_size for p in (HERE / "index").rglob("*") if p.is_file())
    print(f"golden index: {size:,} bytes in {HERE / 'index'}", file=sys.stderr)
