"""Errors a user can cause. Each message says what went wrong and how to fix it.

The CLI turns these into one-line `click.ClickException`s (exit 1) or usage errors (exit 2).
"""

from __future__ import annotations


class CablesError(Exception):
    """Base class: `str(err)` is a complete one-line message with a hint."""


class IndexMissing(CablesError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"no index at {index_dir} - run `cables index` first (or pass --index DIR)"
        )


class IndexLocked(CablesError):
    def __init__(self, index_dir: str, holder: str) -> None:
        super().__init__(
            f"index {index_dir} is being updated by {holder} - wait for it to finish, "
            "or stop that process"
        )


class IndexUnwritable(CablesError):
    pass


class CorpusMissing(CablesError):
    pass


class IndexIncompatible(CablesError):
    def __init__(self, index_dir: str, why: str) -> None:
        super().__init__(
            f"the index at {index_dir} was written by another version of cables ({why}) - "
            "run `cables index --rebuild`"
        )


class QueryError(CablesError):
    """A malformed query: shown as a usage error (exit 2)."""


class NotFound(CablesError):
    pass
