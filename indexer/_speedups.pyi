from collections.abc import Callable

def add_positions(
    terms: dict[str, tuple[bytearray, bytearray]],
    bounds: dict[str, list[int]],
    kept: list[str],
    start: int,
    docnum: int,
    /,
) -> int: ...
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

class TokenCache:
    def __init__(self, limit: int = 500000) -> None: ...
    def index_text(
        self,
        text: str,
        term_fn: Callable[[str], str | None],
        terms: dict[str, tuple[bytearray, bytearray]],
        bounds: dict[str, list[int]],
        owner: int,
        way: int,
        docnum: int,
        /,
    ) -> int | None: ...
    def tokens(self) -> int: ...
