"""Shared test helpers. Tests that need the real cables skip when ../shared is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CABLES_SHARED", ROOT.parent / "shared"))
REAL_CABLES = SHARED / "cables"
EXAMPLE = ROOT / "corpus" / "09BAGHDAD113.txt"

needs_real_cables = pytest.mark.skipif(
    not REAL_CABLES.is_dir(),
    reason=f"real cables not found at {REAL_CABLES} (set CABLES_SHARED to the shared/ folder)",
)


@pytest.fixture
def real_cables() -> Path:
    if not REAL_CABLES.is_dir():
        pytest.skip(f"real cables not found at {REAL_CABLES} (set CABLES_SHARED)")
    return REAL_CABLES
