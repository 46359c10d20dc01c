"""The public Python API (`indexer/__init__.py`): its docstring examples run, and the names
it promises exist and are what the library modules define."""

from __future__ import annotations

import doctest

import indexer


def test_docstring_examples_run() -> None:
    result = doctest.testmod(indexer, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0


def test_every_public_name_resolves() -> None:
    for name in indexer.__all__:
        assert getattr(indexer, name) is not None, name
    assert callable(indexer.search) and callable(indexer.build_index)
    from indexer import searching

    assert indexer.search is searching.search  # the library's own function, not a wrapper
