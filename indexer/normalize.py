"""RawRecord -> Cable: cleaning the text and extracting fields. (Being written.)"""

from __future__ import annotations

from .cable import Cable, RawRecord


class CableError(ValueError):
    """A record that holds no usable cable (no text, no way to tell its reference id)."""


def build_cable(raw: RawRecord) -> Cable:
    raise NotImplementedError
