"""Tests of reading ahead (`indexer.readers.readahead`): which bytes are asked for, how far
ahead, and that a run ends cleanly however it stops. That the index a run writes is the same
is shown by every ingest test: each worker reads ahead."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from indexer.readers import html
from indexer.readers.readahead import WHOLE_UP_TO, ReadAhead, parts

needs_fadvise = pytest.mark.skipif(
    not hasattr(os, "posix_fadvise"), reason="no posix_fadvise on this platform"
)


def _wait_for(condition: object, limit: float = 10.0) -> None:
    # polls a state the read-ahead thread reaches; the limit only ends a broken run
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)


def _files(tmp_path: Path, n: int) -> list[str]:
    paths = []
    for i in range(n):
        p = tmp_path / f"{i:03}.txt"
        p.write_text(f"cable {i}")
        paths.append(str(p))
    return paths


@pytest.mark.parametrize("size", [0, 1, 7000, html.PARTS_FROM])
def test_a_small_file_is_asked_for_whole(size: int) -> None:
    assert parts(size) == [(0, size)]


@pytest.mark.parametrize("size", [html.PARTS_FROM + 1, 190_000, WHOLE_UP_TO])
def test_a_large_page_is_asked_for_as_the_html_reader_reads_it(size: int) -> None:
    # the head and the tail, with the one byte past the tail `read_open` reads to see the end
    assert parts(size) == [
        (0, html.HEAD_PART),
        (size - html.TAIL_PART, html.TAIL_PART + 1),
    ]


def test_a_file_too_big_for_parts_is_asked_for_its_head_only() -> None:
    # a cables.csv or a big PDF is read sequentially: the kernel reads ahead of that itself
    assert parts(WHOLE_UP_TO + 1) == [(0, html.HEAD_PART)]
    assert parts(2 * 1024**3) == [(0, html.HEAD_PART)]


@needs_fadvise
def test_it_stays_at_most_ahead_files_in_front_of_the_reader(tmp_path: Path) -> None:
    paths = _files(tmp_path, 10)
    with ReadAhead(paths, ahead=3) as ahead:
        _wait_for(lambda: ahead.asked == 3)
        time.sleep(0.2)  # room for a thread that ignored the bound to run on
        assert ahead.asked == 3
        for _ in range(7):
            ahead.done_one()
        _wait_for(lambda: ahead.asked == 10)
        assert ahead.asked == 10


@needs_fadvise
def test_a_file_that_cannot_be_opened_is_skipped(tmp_path: Path) -> None:
    paths = _files(tmp_path, 3)
    paths.insert(1, str(tmp_path / "gone.txt"))
    with ReadAhead(paths, ahead=8) as ahead:
        _wait_for(lambda: ahead.asked == 3)
        assert ahead.asked == 3  # the missing file is left to its reader to report


def test_leaving_early_ends_the_thread(tmp_path: Path) -> None:
    paths = _files(tmp_path, 50)
    before = threading.active_count()
    with ReadAhead(paths, ahead=2) as ahead:
        pass  # the reader stops at once (an error, a SIGTERM): the thread waits for a slot
    assert ahead.asked <= 2
    assert threading.active_count() == before


def test_nothing_to_read_starts_no_thread() -> None:
    before = threading.active_count()
    with ReadAhead([]) as ahead:
        assert threading.active_count() == before
    assert ahead.asked == 0
