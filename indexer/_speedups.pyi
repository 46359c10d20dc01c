def add_positions(
    terms: dict[str, tuple[bytearray, bytearray]],
    bounds: dict[str, list[int]],
    kept: list[str],
    start: int,
    docnum: int,
    /,
) -> int: ...
def decode_positions(
    buf: bytes | bytearray | memoryview,
    starts: bytes | bytearray | memoryview,
    ends: bytes | bytearray | memoryview,
    /,
) -> tuple[bytes, bytes]: ...
