"""Shared test helpers.

Tests that need the real cables (`../shared/cables`, or `$CABLES_SHARED/cables`) skip with a
reason when they are absent, except in CI (`CI=true`), where a missing folder fails them:
a CI run that silently skipped the golden tests would look green for nothing.

Tests that compare the compiled inner loops (`indexer/_speedups.c`) with their Python twins
are marked `needs_compiled`; they are the only ones that skip where the compiled module is
absent (no C compiler at install time, or `CABLES_NO_SPEEDUPS=1`). The `python_path` fixture
forces the pure-Python path for one test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from indexer import bm25, facets, fastwrite, highlight, postings
from indexer.cable import Cable, ReadError
from indexer.parse import parse_paths

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CABLES_SHARED", ROOT.parent / "shared"))
REAL_CABLES = SHARED / "cables"
EXAMPLE = ROOT / "corpus" / "09BAGHDAD113.txt"

#: in CI a test that needs the real cables never skips for want of them: it fails
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")

# every skip for want of the real cables says this (the hook below recognises it by it)
MISSING_REAL_CABLES = "real cables not found"

needs_real_cables = pytest.mark.skipif(
    not REAL_CABLES.is_dir(),
    reason=f"{MISSING_REAL_CABLES} at {REAL_CABLES} (set CABLES_SHARED to the shared/ folder)",
)

needs_compiled = pytest.mark.skipif(
    fastwrite.speedups is None,
    reason="compares the compiled module with Python: indexer._speedups is not in use "
    "(not built, or CABLES_NO_SPEEDUPS=1)",
)


@pytest.fixture
def real_cables() -> Path:
    if not REAL_CABLES.is_dir():
        pytest.skip(f"{MISSING_REAL_CABLES} at {REAL_CABLES} (set CABLES_SHARED)")
    return REAL_CABLES


@pytest.fixture(scope="session")
def real_parsed() -> tuple[Cable | ReadError, ...]:
    """Every record of the real dev set as `parse_paths` gives it, parsed once per session
    (~10 s; the records are frozen, so the modules that read them share one tuple)."""
    if not REAL_CABLES.is_dir():
        pytest.skip(f"{MISSING_REAL_CABLES} at {REAL_CABLES} (set CABLES_SHARED)")
    return tuple(parse_paths([REAL_CABLES]))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """In CI, a skip for want of the real cables (however the test skipped: the mark, the
    fixture, or a module's own check) is reported as a failure."""
    report = yield
    if IN_CI and report.skipped and MISSING_REAL_CABLES in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid}: {MISSING_REAL_CABLES} at {REAL_CABLES}, and CI=true: the golden "
            "tests must run in CI (set CABLES_SHARED to the shared/ folder)"
        )
    return report


@pytest.fixture
def python_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python twins of the compiled loops, for this test (writer, reader,
    highlighter, facets and BM25)."""
    monkeypatch.setattr(fastwrite, "speedups", None)
    monkeypatch.setattr(facets, "speedups", None)
    monkeypatch.setattr(bm25, "speedups", None)
    monkeypatch.setattr(postings, "speedups", None)
    monkeypatch.setattr(highlight, "speedups", None)
