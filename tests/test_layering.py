"""The code's layers: the write side (corpus -> index) imports nothing of the read side.

Data flows one way, file -> reader -> Cable -> document -> index -> search: the modules
that build the index must work, and be understood, without the search. The two sides are
named here explicitly; modules both use (the schema, the on-disk names, the word sample
...) are NEUTRAL. Every import of a write-side module is followed, through any module it
reaches (imports inside functions included: they load the module all the same), and none
may be a read-side module; each module reached must be classified here, so that a new
module is put on a side before the writer may use it. Not followed: imports under
`if TYPE_CHECKING:` (never run), and the package itself (`indexer/__init__.py`, the public
API over both sides, which imports nothing of either until a name is used).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "indexer"

#: corpus -> index: scan, manifest, parse workers, segment writer, publish
WRITE_SIDE = frozenset(
    {
        "indexer.ingest",
        "indexer.scan",
        "indexer.manifest",
        "indexer.parsework",
        "indexer.publish",
        "indexer.fastwrite",
        "indexer.fastanalysis",
        "indexer.postingbuf",
        "indexer.termwrite",
        "indexer.deflate",
        "indexer.memtune",
        "indexer.plainindex",
        "indexer.store",
        "indexer.lock",
        "indexer.watch",
        "indexer.document",
    }
)

#: index -> answers: opening, caches, postings, evaluation, ranking, views, the web app
READ_SIDE = frozenset(
    {
        "indexer.searching",
        "indexer.opening",
        "indexer.heap",
        "indexer.prepare",
        "indexer.engine",
        "indexer.phrases",
        "indexer.bm25",
        "indexer.facets",
        "indexer.ranking",
        "indexer.hits",
        "indexer.suggest",
        "indexer.views",
        "indexer.postings",
        "indexer.query",
        "indexer.query_syntax",
        "indexer.query_binding",
        "indexer.query_expand",
        "indexer.query_objects",
        "indexer.highlight",
        "indexer.viewfile",
        "indexer.variants",
        "indexer.alerts",
        "indexer.diff",
        "indexer.graph",
        "indexer.render",
        "indexer.output",
        "indexer.records",
        "indexer.quote",
        "indexer.web",
    }
)

#: used by both sides (or by the parse side, before either)
NEUTRAL = frozenset(
    {
        "indexer._speedups",
        "indexer.analysis",
        "indexer.blockcodec",
        "indexer.cable",
        "indexer.clean",
        "indexer.compiled",
        "indexer.errors",
        "indexer.extract",
        "indexer.layout",
        "indexer.normalize",
        "indexer.parse",
        "indexer.precedence",
        "indexer.readers",
        "indexer.references",
        "indexer.schema",
        "indexer.tagcodes",
        "indexer.whoosh_private",
        "indexer.wordlist",
        "indexer.wordsample",
    }
)


def _module_path(name: str) -> Path | None:
    """The source of an `indexer` module, None for the compiled one."""
    parts = name.split(".")[1:]
    package = PACKAGE.joinpath(*parts) / "__init__.py"
    if package.exists():
        return package
    module = PACKAGE.joinpath(*parts).with_suffix(".py")
    return module if module.exists() else None


def _imports(name: str) -> set[str]:
    """The `indexer` modules `name` imports, anywhere in its source."""
    path = _module_path(name)
    if path is None:
        return set()
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # drop `if TYPE_CHECKING:` blocks: they never run
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING"):
            block.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from . import store` imports the module indexer.store
            found.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if _module_path(f"{module}.{alias.name}") is not None
            )
    return {m for m in found if m.startswith("indexer.")}


def _side(name: str) -> str | None:
    """The set `name` (or the package holding it) is classified in."""
    for label, names in (("write", WRITE_SIDE), ("read", READ_SIDE), ("neutral", NEUTRAL)):
        parts = name.split(".")
        if any(".".join(parts[:n]) in names for n in range(len(parts), 1, -1)) or name in names:
            return label
    return None


def _reached(start: str) -> dict[str, list[str]]:
    """Every `indexer` module `start` loads, with the chain of imports that gets there."""
    chains = {start: [start]}
    todo = [start]
    while todo:
        current = todo.pop()
        for module in sorted(_imports(current)):
            if module not in chains:
                chains[module] = [*chains[current], module]
                todo.append(module)
    return chains


def test_the_sets_are_disjoint_and_name_real_modules() -> None:
    assert not WRITE_SIDE & READ_SIDE and not WRITE_SIDE & NEUTRAL and not READ_SIDE & NEUTRAL
    for name in WRITE_SIDE | READ_SIDE | NEUTRAL - {"indexer._speedups"}:
        assert _module_path(name) is not None, name


@pytest.mark.parametrize("module", sorted(WRITE_SIDE))
def test_write_side_imports_nothing_of_the_read_side(module: str) -> None:
    chains = _reached(module)
    wrong = {m: " -> ".join(chain) for m, chain in chains.items() if _side(m) == "read"}
    assert not wrong, f"the write side imports the read side: {wrong}"
    unknown = sorted(m for m in chains if _side(m) is None)
    assert not unknown, f"modules on no side (classify them in {__name__}): {unknown}"


def test_the_walk_sees_relative_and_function_level_imports() -> None:
    # what the test relies on, shown on modules whose imports are known: a relative
    # `from . import x`, a `from .x import y`, an import inside a function, one under
    # TYPE_CHECKING
    assert {"indexer.store", "indexer.parsework", "indexer.publish"} <= _imports("indexer.ingest")
    assert "indexer.readers.csvfile" in _imports("indexer.parse")  # inside a function
    assert "indexer.searching" in _reached("indexer.diff")  # the read side, reached
    assert _side("indexer.web.views") == "read" and _side("indexer.readers.html") == "neutral"
    # fastanalysis names PositionsPostings under TYPE_CHECKING only
    assert "indexer.postingbuf" not in _imports("indexer.fastanalysis")
