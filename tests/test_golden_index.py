"""The committed golden index (`tests/golden_index/`) still reads as it did when it was
written: the same hits with the same scores, facets, phrases, highlights, `show`, `stats`
and `similar` as `expected.json` records. A change that can no longer read the indexes
users already have fails here; `tests/golden_index/make.py` rebuilds both when the format
changes on purpose.

The index is searched in a copy (a search writes its caches beside the index), once with
the caches written at index time and once without them (rebuilt from the index).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from indexer import searching
from indexer.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden_index"
sys.path.insert(0, str(GOLDEN))
from make import QUERIES, expected_of  # noqa: E402

EXPECTED: dict[str, Any] = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
#: the read-side caches: those the committed index holds (its facet table in the `.npz` of the
#: version that wrote it, which this one no longer reads) and those of this version
CACHES = (".facets-v3.npz", ".facets-v4", ".words-v2.json", ".variants-v1.json")


def _copy(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    shutil.copytree(GOLDEN / "index", index, symlinks=True)
    return index


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    return _copy(tmp_path)


def _same(found: Any, want: Any, where: str = "") -> None:
    """Equal, floats to the last few bits (scores are sums in a fixed order: equal in
    practice, but JSON's float text need not round-trip every platform's last bit)."""
    if isinstance(want, float) or isinstance(found, float):
        assert isinstance(found, int | float) and math.isclose(found, want, rel_tol=1e-12), where
    elif isinstance(want, dict):
        assert isinstance(found, dict) and sorted(found) == sorted(want), where
        for key in want:
            _same(found[key], want[key], f"{where}/{key}")
    elif isinstance(want, list):
        assert isinstance(found, list | tuple) and len(found) == len(want), where
        for k, (a, b) in enumerate(zip(found, want, strict=True)):
            _same(a, b, f"{where}[{k}]")
    else:
        assert found == want, where


def _as_json(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


def test_the_golden_index_is_there_and_small() -> None:
    live = GOLDEN / "index" / "live"
    assert live.is_symlink() and (live / "_MAIN_2.toc").is_file()
    assert len(list(live.glob("*.seg"))) == 2  # two updates: two segments
    size = sum(p.stat().st_size for p in (GOLDEN / "index").rglob("*") if p.is_file())
    assert size < 500_000


@pytest.mark.parametrize("caches", ["kept", "dropped"])
def test_reads_as_recorded(tmp_path: Path, caches: str) -> None:
    index = _copy(tmp_path)
    if caches == "dropped":
        for name in CACHES:
            (index / "live" / name).unlink(missing_ok=True)
    found = _as_json(expected_of(index))
    assert sorted(found["searches"]) == sorted(QUERIES)
    for section in EXPECTED:
        _same(found[section], EXPECTED[section], section)


def test_recorded_values_mean_what_they_say(golden: Path) -> None:
    # a few of the recorded values, spelled out (so expected.json is not its own oracle)
    searches = EXPECTED["searches"]
    phrase = searches['"camp ashraf"']
    assert phrase["total"] == 1 and phrase["hits"][0]["refid"] == "09BAGHDAD113"
    first = phrase["hits"][0]["highlights"][0]
    assert [first["text"][a:b].lower() for a, b in first["matches"][:2]] == ["camp", "ashraf"]
    assert searches["ambasador"]["suggestion"] == "ambassador"
    assert searches["*"]["total"] == EXPECTED["stats"]["cables"] == 4
    assert searches["mujahedin-e-khalq"]["total"] == 1
    with searching.open_index(golden) as s:
        result = searching.search(s, "camp ashraf", limit=1)
        assert dict(result.facets["origin"]) == {"Embassy Baghdad": 1}
        view = searching.show(s, "09baghdad113")
        assert view.cable.subject.startswith("MEK UPDATE: DEFECTOR CLAIMS")


def test_cli_searches_the_golden_index(golden: Path) -> None:
    result = CliRunner().invoke(main, ["search", "camp ashraf", "--index", str(golden), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    want = EXPECTED["searches"]["camp ashraf"]
    assert data["total"] == want["total"]
    assert [h["refid"] for h in data["hits"]] == [h["refid"] for h in want["hits"]]


def test_golden_files_are_not_ignored_by_git() -> None:
    # `.gitignore` ignores the top-level `index/`: the golden one must stay committed
    files = [p for p in (GOLDEN / "index").rglob("*") if p.is_file() or p.is_symlink()]
    try:
        done = subprocess.run(
            ["git", "check-ignore", "--no-index", *map(str, files)],
            cwd=GOLDEN,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:
        pytest.skip("git is not installed")
    if done.returncode == 128:
        pytest.skip(f"not a git checkout: {done.stderr.strip()}")
    assert done.returncode == 1 and done.stdout == "", f"ignored: {done.stdout}"
