"""How the suite runs on every platform CI covers: the speedups switch, the CI rule for the
real cables (conftest.py), and the pinned tools."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import IN_CI, ROOT
from helpers import make_cable
from whoosh import index

from indexer import fastwrite, postings
from indexer.document import to_document
from indexer.plainindex import add_documents

SWITCHED_OFF = os.environ.get("CABLES_NO_SPEEDUPS", "") not in ("", "0")


def test_compiled_module_in_use_unless_switched_off() -> None:
    if SWITCHED_OFF:
        assert fastwrite.speedups is None and postings.speedups is None
        return
    if fastwrite.speedups is None and not IN_CI:
        pytest.skip("indexer._speedups is not built (no C compiler at install time)")
    # CI's machines have a compiler: a run without the module would test only Python
    assert fastwrite.speedups is not None and postings.speedups is fastwrite.speedups


def _docs() -> list[dict[str, object]]:
    words = ["oil", "talks", "minister", "baghdad", "security", "said", "would", "government"]
    return [
        to_document(make_cable(f"09BAGHDAD{n}", f"subject {n}",
                               " ".join(words[(n * k) % len(words)] for k in range(300))))
        for n in range(1, 160)
    ] + [to_document(make_cable("09BAGHDAD999", "Straße", "İSTANBUL talks, ünicode"))]  # fmt: skip


def _segment_files(folder: Path) -> dict[str, bytes]:
    """A one-segment index's files by extension (segment names are random)."""
    (segment,) = index.open_dir(str(folder))._segments()
    prefix = segment.segment_id()
    return {
        p.name[len(prefix) :]: p.read_bytes() for p in folder.iterdir() if p.name.startswith(prefix)
    }


_IN_A_FRESH_PROCESS = """
import json, sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
import indexer.searching, indexer.fastwrite, indexer.postings
from indexer.plainindex import add_documents
import test_platform
add_documents(Path(sys.argv[1]), test_platform._docs(), procs=1, compound=False)
print(json.dumps({
    "fastwrite": indexer.fastwrite.speedups is not None,
    "postings": indexer.postings.speedups is not None,
    "imported": "indexer._speedups" in sys.modules,
}))
"""


@pytest.mark.parametrize("value", ["1", "0"])
def test_switch_is_read_at_import(tmp_path: Path, value: str) -> None:
    env = {**os.environ, "CABLES_NO_SPEEDUPS": value}
    done = subprocess.run(
        [sys.executable, "-c", _IN_A_FRESH_PROCESS, str(tmp_path / "there"), str(ROOT / "tests")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=True,
    )  # fmt: skip
    state = json.loads(done.stdout)
    if value == "1":  # as without the module: not even imported
        assert state == {"fastwrite": False, "postings": False, "imported": False}
    else:
        built = importlib.util.find_spec("indexer._speedups") is not None
        assert state == {"fastwrite": built, "postings": built, "imported": built}
    # and the index it wrote is this process's, byte for byte, whichever path each took
    add_documents(tmp_path / "here", _docs(), procs=1, compound=False)
    assert _segment_files(tmp_path / "there") == _segment_files(tmp_path / "here")


_CI_RULE_TESTS = '''
import pytest
from whoosh import index
from conftest import REAL_CABLES, needs_real_cables

@needs_real_cables
def test_marked():
    pass

def test_fixture(real_cables):
    pass

def test_own_check():
    if not REAL_CABLES.is_dir():
        pytest.skip("real cables not found")

def test_other_skip():
    pytest.skip("something else")
'''


@pytest.mark.parametrize("ci", ["true", ""])
def test_ci_fails_instead_of_skipping_without_real_cables(tmp_path: Path, ci: str) -> None:
    (tmp_path / "test_rule.py").write_text(_CI_RULE_TESTS, encoding="utf-8")
    env = {**os.environ, "CI": ci, "CABLES_SHARED": str(tmp_path / "no-shared-here"),
           "PYTHONPATH": str(ROOT / "tests")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q",
         "-rfs", "test_rule.py"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    summary = done.stdout.strip().splitlines()[-1]
    if ci:
        assert done.returncode == 1, done.stdout
        # (a skip in setup, by the mark or the fixture, becomes an error there)
        assert "1 failed, 1 skipped, 2 errors" in summary, done.stdout
        assert "CI=true" in done.stdout
    else:
        assert done.returncode == 0, done.stdout
        assert "4 skipped" in summary, done.stdout


def test_constraints_pin_every_tool_and_dependency() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.split(";")[0].partition("==")
            assert version, f"not an exact pin: {line}"
            pins[name.strip().lower()] = version.strip()
    for name in ("ruff", "mypy", "pytest", "playwright", "httpx2", "whoosh", "click", "numpy"):
        assert name in pins, name
