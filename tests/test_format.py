"""An index written by an older version (another schema or analyzer, or format 2's posting
blocks) is refused with a request to rebuild, by the search and by `cables index`;
`--rebuild` replaces it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_cable
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.filedb.filestore import FileStorage

from indexer import store
from indexer.cli import main
from indexer.errors import IndexIncompatible
from indexer.ingest import update_index
from indexer.layout import INDEX_NAME
from indexer.schema import FORMAT_VERSION, build_schema, incompatibility
from indexer.searching import open_index, search
from indexer.whoosh_private import index_format, read_toc, toc_file_name, write_toc


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


def _format_2_index(root: Path, corpus: Path) -> None:
    """An index as format 2 wrote it, as far as the check can tell: today's schema without
    the format mark (format 2's blocks are not rebuilt here; the mark is what is refused)."""
    update_index([corpus], root)
    gen = store.live_generation(root)
    assert gen is not None
    storage = FileStorage(str(gen))
    toc = read_toc(storage, INDEX_NAME)
    assert index_format(toc.schema) == FORMAT_VERSION == 3
    vars(toc.schema).pop("cables_format")
    (gen / toc_file_name(INDEX_NAME, toc.generation)).unlink()  # TOC.write never overwrites
    write_toc(storage, INDEX_NAME, toc.schema, toc.segments, toc.generation)
    assert index_format(read_toc(storage, INDEX_NAME).schema) is None


def test_a_format_2_index_is_refused_and_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "index"
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD1")
    _format_2_index(root, corpus)
    with pytest.raises(IndexIncompatible, match=r"older format.*--rebuild"):
        open_index(root)
    result = CliRunner().invoke(main, ["search", "defector", "--index", str(root)])
    assert result.exit_code == 1
    assert "older format" in result.stderr and "--rebuild" in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(IndexIncompatible):
        update_index([corpus], root)
    report = update_index([corpus], root, rebuild=True)
    assert report.rebuilt and report.cables == 1
    assert search(root, "defector", facets=()).total == 1
