"""One progress wrapper for every long job: a bar on stderr, only on a TTY, never with --quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import click


class Progress(Protocol):
    def update(self, n_steps: int, current_item: str | None = None) -> None: ...


class _Silent:
    def update(self, n_steps: int, current_item: str | None = None) -> None:
        pass


def progress_enabled(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@contextmanager
def progressbar(total: int | None, label: str, *, quiet: bool = False) -> Iterator[Progress]:
    """A bar (count, rate and ETA) on stderr; a no-op when quiet or stderr is not a terminal."""
    if not progress_enabled(quiet):
        yield _Silent()
        return
    with click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_eta=True,
        show_percent=total is not None,
        show_pos=True,
        item_show_func=lambda item: item,
    ) as bar:
        yield bar
