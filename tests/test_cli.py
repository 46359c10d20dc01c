"""The command line through Click's runner: exit codes, parsed JSON, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE
from helpers import write_cable

from indexer.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_every_command_has_help_with_an_example() -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        code, out, _ = run(name, "-h")
        assert code == 0, name
        assert command.help and "Example" in command.help, f"{name} has no example in its help"
        assert out.startswith("Usage:"), name


def test_parse_example_json_lines() -> None:
    code, out, err = run("parse", str(EXAMPLE), "--json")
    assert code == 0, err
    [line] = out.splitlines()
    cable = json.loads(line)
    assert cable["refid"] == "09BAGHDAD113"
    assert cable["created"] == "2009-01-15T16:48:00+00:00"
    assert cable["tags"] == ["PTER", "PHUM", "PINR", "PREF", "PREL", "IZ", "IR"]
    assert cable["references"] == ["09BAGHDAD3", "08BAGHDAD4006"]
    assert cable["source"]["format"] == "pagetext"


def test_parse_readable_line() -> None:
    code, out, _ = run("parse", str(EXAMPLE))
    assert code == 0
    assert out.startswith("09BAGHDAD113")
    assert "2009-01-15" in out and "MEK UPDATE" in out


def test_parse_bad_records_go_to_stderr_and_exit_1(tmp_path: Path) -> None:
    write_cable(tmp_path, "09BAGHDAD200")
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = run("parse", str(tmp_path), "--json")
    assert code == 1
    assert [json.loads(line)["refid"] for line in out.splitlines()] == ["09BAGHDAD200"]
    assert err.strip() == f"{tmp_path / 'empty.txt'}: empty file"


def test_parse_missing_path(tmp_path: Path) -> None:
    code, _, err = run("parse", str(tmp_path / "nope"))
    assert code == 1
    assert "no such file or folder" in err


def test_index_json_summary_then_unchanged(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD113")
    write_cable(corpus, "09BAGHDAD200")
    index = str(tmp_path / "index")
    code, out, err = run("index", str(corpus), "--index", index, "--json", "--procs", "1")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["added"], summary["updated"], summary["removed"]) == (2, 0, 0)
    assert (summary["unchanged"], summary["failed"], summary["cables"]) == (0, 0, 2)
    code, out, _ = run("index", str(corpus), "--index", index, "--json")
    assert json.loads(out)["unchanged"] == 2


def test_index_reads_env_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD113")
    monkeypatch.setenv("CABLES_CORPUS", str(corpus))
    monkeypatch.setenv("CABLES_INDEX", str(tmp_path / "elsewhere"))
    code, out, err = run("index", "--procs", "1")
    assert code == 0, err
    assert "1 cables" in out and "1 added" in out
    assert (tmp_path / "elsewhere" / "live").is_symlink()


def test_index_missing_corpus_is_one_line_error(tmp_path: Path) -> None:
    code, _, err = run("index", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert code == 1
    assert err.startswith("Error: corpus folder") and len(err.strip().splitlines()) == 1
