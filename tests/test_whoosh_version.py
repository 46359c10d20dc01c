"""An unsupported Whoosh is refused at import of the boundary (`indexer.whoosh_private`), and
the command line says so in one line naming the version to install (exit 1, no traceback).

Real processes: Whoosh is made to report another version before the package is imported,
as an upgraded (or downgraded) install would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WANT = "cables needs Whoosh 2.7.4 (this Python has 2.8.0) - run `pip install 'whoosh==2.7.4'`"


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def _cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    return _run(
        "import sys, whoosh\n"
        "whoosh.__version__ = (2, 8, 0)\n"
        "from indexer.cli import main\n"
        f"main({args!r})\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["search", "iran"],
        ["show", "09BAGHDAD113"],
        ["stats"],
        ["index", "corpus"],
    ],
)
def test_cli_names_the_version_to_install(tmp_path: Path, args: list[str]) -> None:
    done = _cli([*args, "--index", str(tmp_path / "index")])
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"Error: {WANT}\n"
    assert done.stdout == ""


def test_library_import_refuses_the_version() -> None:
    done = _run(
        "import whoosh\n"
        "whoosh.__version__ = (2, 8, 0)\n"
        "from indexer.errors import CablesError\n"
        "try:\n"
        "    import indexer.searching\n"
        "except CablesError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"UnsupportedWhoosh {WANT}\n"


def test_the_supported_version_is_accepted() -> None:
    # (the real version: the search runs, and fails only for want of an index)
    done = _run("from indexer.cli import main\nmain(['stats', '--index', '/nonexistent/x'])\n")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: no index at /nonexistent/x")
