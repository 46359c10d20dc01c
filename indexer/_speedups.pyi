from collections.abc import Callable
from typing import Any, overload

import numpy as np
from typing_extensions import Buffer

def write_term(
    meta: bytearray,
    vals: bytearray,
    bounds: list[int] | None,
    lengths: bytes | bytearray | None,
    field_boost: float,
    boosts: dict[int, float] | None,
    start: int,
    /,
) -> tuple[bytes, bytes]: ...
def decode_positions(
    buf: bytes | bytearray | memoryview,
    starts: bytes | bytearray | memoryview,
    ends: bytes | bytearray | memoryview,
    /,
) -> tuple[bytes, bytes]: ...

# int64 arrays pass as they are (numpy's stubs give ndarray the buffer protocol on 3.12+
# only); a slot's terms: (ids, values, starts, ends), all buffers (see _speedups.c)
def phrase_match(
    candidates: Buffer | np.ndarray[Any, Any],
    slots: list[list[tuple[Any, Any, Any, Any]]],
    slop: int,
    /,
) -> bytes: ...

def tally_codes(
    mask: Buffer | np.ndarray[Any, Any], codes: Buffer | np.ndarray[Any, Any], size: int, /
) -> bytes: ...
def tally_tags(
    mask: Buffer | np.ndarray[Any, Any],
    starts: Buffer | np.ndarray[Any, Any],
    codes: Buffer | np.ndarray[Any, Any],
    size: int,
    code_bytes: int,
    docs: Buffer | np.ndarray[Any, Any],
    /,
) -> bytes: ...

def read_pickled_blocks(
    blob: bytes | bytearray | memoryview, pos: int, /
) -> tuple[bytes, bytes] | None: ...

def read_blocks(
    blob: bytes | bytearray | memoryview, pos: int, values: bool, /
) -> tuple[bytes, bytes, bytes | None, bytes | None, bytes | None] | None: ...

class TokenCache:
    def __init__(
        self, us_mixed: tuple[str, ...], us_caps: tuple[str, ...], limit: int = 500000
    ) -> None: ...
    def index_text(
        self,
        text: str,
        term_fn: Callable[[str], str],
        terms: dict[str, tuple[bytearray, bytearray]],
        bounds: dict[str, list[int]],
        owner: int,
        way: int,
        docnum: int,
        words: set[str] | None,
        stamp: int,
        /,
    ) -> int | None: ...
    @overload
    def text_terms(
        self, text: str, term_fn: Callable[[str], str], initials: str | None, /
    ) -> tuple[list[str | tuple[str, ...]], bytes, list[int]] | None: ...
    @overload
    def text_terms(
        self,
        text: str,
        term_fn: Callable[[str], str],
        initials: str | None,
        wanted: frozenset[str] | set[str],
        /,
    ) -> tuple[list[str | tuple[str, ...]], bytes, list[int], list[int]] | None: ...
    def tokens(self) -> int: ...

def bm25_add(
    scores: np.ndarray[Any, Any],
    mask: np.ndarray[Any, Any],
    ids: Buffer | np.ndarray[Any, Any],
    offset: int,
    tf: Buffer | np.ndarray[Any, Any],
    lengths: Buffer | np.ndarray[Any, Any] | None,
    idf: float,
    k1: float,
    b: float,
    avgfl: float,
    /,
) -> None: ...
