"""indexer.heap: freed search arrays stay in the process until the heap is given back."""

from __future__ import annotations

import resource

import numpy as np
import pytest

from indexer import heap

pytestmark = pytest.mark.skipif(heap._glibc() is None, reason="glibc's malloc only")

SIZE = 8 << 20  # bytes: far above glibc's default mmap threshold, as a full-size mask is


def _faults_touching_a_fresh_array() -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = np.ones(SIZE, dtype=np.uint8)  # every page written
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    del block
    return faults


def test_freed_arrays_are_reused_until_given_back() -> None:
    """(Faults, not pages, are compared: with transparent huge pages one fault maps many.)"""
    heap.keep_freed_memory()
    heap.keep_freed_memory()  # once per process: a second call changes nothing
    heap.give_back()
    fresh = _faults_touching_a_fresh_array()  # the heap grows to hold it, page by page
    assert fresh > 0
    assert _faults_touching_a_fresh_array() <= fresh // 10  # the same memory again
    heap.give_back()
    assert _faults_touching_a_fresh_array() >= fresh // 2  # given back: faulted in again
