"""The docstring examples of every module of the package run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import indexer

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(indexer.__path__, "indexer.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed"
