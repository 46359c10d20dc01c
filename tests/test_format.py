"""An index written by an older version (another schema or analyzer) is refused with a
request to rebuild, by the search and by `cables index`; `--rebuild` replaces it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_cable
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer

from indexer import store
from indexer.cli import main
from indexer.errors import IndexIncompatible
from indexer.ingest import update_index
from indexer.layout import INDEX_NAME
from indexer.schema import build_schema, incompatibility
from indexer.searching import open_index, search


def _old_index(root: Path) -> None:
    """A published generation whose schema is today's but with the old analyzer (stop words
    dropped, no folding): what every index written before format 2 holds."""
    schema = build_schema()
    for name in ("subject", "title", "body"):
        field = schema[name]
        schema.remove(name)
        schema.add(
            name,
            fields.TEXT(
                stored=True,
                analyzer=StemmingAnalyzer(),
                phrase=True,
                field_boost=field.format.field_boost,
            ),
        )
    gen = root / "gen-000001"
    gen.mkdir(parents=True)
    whoosh_index.create_in(str(gen), schema, indexname=INDEX_NAME).writer().commit()
    store.publish(root, gen)


def test_current_schema_is_compatible() -> None:
    assert incompatibility(build_schema()) is None


def test_search_refuses_an_old_index(tmp_path: Path) -> None:
    _old_index(tmp_path / "index")
    with pytest.raises(IndexIncompatible, match="run `cables index --rebuild`"):
        open_index(tmp_path / "index")
    result = CliRunner().invoke(main, ["search", "iraq", "--index", str(tmp_path / "index")])
    assert result.exit_code == 1
    assert "older analyzer" in result.stderr and "--rebuild" in result.stderr
    assert "Traceback" not in result.output


def test_update_refuses_and_rebuild_replaces(tmp_path: Path) -> None:
    root = tmp_path / "index"
    _old_index(root)
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD1")
    with pytest.raises(IndexIncompatible):
        update_index([corpus], root)
    report = update_index([corpus], root, rebuild=True)
    assert report.rebuilt and report.cables == 1
    assert search(root, "defector", facets=()).total == 1
