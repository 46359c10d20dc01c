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


BOX = "Appears in these articles:<br />\n"  # a file that holds no cable at all

ARTICLE_PAGE = (
    "<html><head><title>Cable Viewer</title></head><body><div class='main'>"
    "<div class='pane small'><p>Currently released so far... 251287 / 251,287</p></div>"
    "<div class='pane big'><h3>Viewing cable 09BAGHDAD300, A TEST CABLE</h3>"
    "<table class='cable'><tr><th>Reference ID</th><th>Created</th><th>Released</th>"
    "<th>Classification</th><th>Origin</th></tr><tr><td>09BAGHDAD300</td>"
    "<td>2009-01-15 16:48</td><td>2011-08-30 01:44</td><td>UNCLASSIFIED</td>"
    "<td>Embassy Baghdad</td></tr><tr><td colspan='5'>Appears in these articles:<br />"
    "<a href='http://http://www.example.org/story'>http://www.example.org/story</a><br />"
    "</td></tr></table><code><pre>R 151648Z JAN 09&#x000A;FM AMEMBASSY BAGHDAD&#x000A;"
    "TO SECSTATE WASHDC</pre></code><code><pre>UNCLAS BAGHDAD 000300&#x000A;&#x000A;"
    "E.O. 12958: N/A&#x000A;TAGS: PREL&#x000A;SUBJECT: A TEST CABLE OF SEVERAL WORDS"
    "&#x000A;&#x000A;1. (U) Some words of the cable, enough of them to be a cable."
    "</pre></code></div></div></body></html>"
)


def test_parse_files_without_a_cable_are_one_line_and_no_failure(tmp_path: Path) -> None:
    write_cable(tmp_path, "09BAGHDAD200")
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(BOX)
    code, out, err = run("parse", str(tmp_path), "--json")
    assert code == 0, err
    assert [json.loads(line)["refid"] for line in out.splitlines()] == ["09BAGHDAD200"]
    assert err.strip() == "2 files hold no cable text"


def test_parse_and_show_keep_the_articles_links(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "09BAGHDAD300.html").write_text(ARTICLE_PAGE)
    code, out, err = run("parse", str(corpus), "--json")
    assert code == 0, err
    assert json.loads(out)["articles"] == ["http://www.example.org/story"]
    index = str(tmp_path / "index")
    assert run("index", str(corpus), "--index", index, "--quiet")[0] == 0
    code, out, _ = run("show", "09BAGHDAD300", "--index", index, "--json")
    assert code == 0 and json.loads(out)["articles"] == ["http://www.example.org/story"]
    code, out, _ = run("show", "09BAGHDAD300", "--index", index)
    assert code == 0 and "Article:        http://www.example.org/story" in out


def test_index_failed_records_exit_1_on_every_run_until_fixed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD113")
    (corpus / "box.txt").write_text(BOX)
    index = str(tmp_path / "index")
    args = ("index", str(corpus), "--index", index, "--json", "--procs", "1")
    code, out, err = run(*args)
    assert code == 0, err  # a file without a cable is no failure ...
    assert (json.loads(out)["failed"], json.loads(out)["no_cable"]) == (0, 1)
    assert err.strip() == "1 file holds no cable text"  # ... but said once
    bad = corpus / "empty.txt"
    bad.write_bytes(b"")
    for _ in range(2):  # the second run reads nothing, and still reports the failure
        code, out, err = run(*args)
        assert code == 1
        assert json.loads(out)["failed"] == 1
        assert f"{bad.resolve()}: empty file" in err
    bad.unlink()
    assert run(*args)[0] == 0


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
    assert "1 cable in" in out and "1 added" in out
    assert (tmp_path / "elsewhere" / "live").is_symlink()


def test_index_missing_corpus_is_one_line_error(tmp_path: Path) -> None:
    code, _, err = run("index", str(tmp_path / "nope"), "--index", str(tmp_path / "i"))
    assert code == 1
    assert err.startswith("Error: corpus folder") and len(err.strip().splitlines()) == 1


@pytest.fixture
def indexed(tmp_path: Path) -> str:
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD113")
    write_cable(
        corpus, "09BAGHDAD200", subject="CAMP ASHRAF FOLLOW-UP", created="2009-02-01 10:00"
    )
    write_cable(corpus, "08BAGHDAD4006", subject="EARLIER WORD", created="2008-12-01 10:00")
    index = str(tmp_path / "index")
    code, _, err = run("index", str(corpus), "--index", index, "--quiet")
    assert code == 0, err
    return index


def test_search_json(indexed: str) -> None:
    code, out, err = run("search", "ashraf", "--index", indexed, "--json", "--limit", "2")
    assert code == 0, err
    data = json.loads(out)
    assert data["query"] == "ashraf" and data["total"] == 3 and data["pages"] == 2
    hit = data["hits"][0]
    assert hit["refid"] == "09BAGHDAD200"  # the subject match first
    assert set(hit) == {
        "refid", "score", "subject", "created", "origin", "classification", "tags",
        "tag_meanings", "highlights",
    }
    fragment = hit["highlights"][0]
    for start, end in fragment["matches"]:
        assert fragment["text"][start:end].lower() == "ashraf"
    assert {f["value"]: f["count"] for f in data["facets"]["year"]} == {"2009": 2, "2008": 1}


def test_search_malformed_query_is_one_line_exit_2(indexed: str) -> None:
    code, out, err = run("search", '"camp ashraf', "--index", indexed)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "quote" in err


def test_search_without_index_says_how_to_build_one(tmp_path: Path) -> None:
    code, _, err = run("search", "x", "--index", str(tmp_path / "none"))
    assert code == 1
    assert "run `cables index` first" in err and len(err.strip().splitlines()) == 1


def test_search_all_csv_export(indexed: str) -> None:
    code, out, _ = run("search", "ashraf", "--index", indexed, "--all", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "refid,score,created,classification,origin,tags,subject"
    assert len(lines) == 4


def test_show_json_has_references_both_ways(indexed: str) -> None:
    code, out, err = run("show", "09baghdad113", "--index", indexed, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["refid"] == "09BAGHDAD113"
    assert {c["refid"]: c["in_index"] for c in data["cites"]} == {
        "09BAGHDAD3": False,
        "08BAGHDAD4006": True,
    }
    code, out, _ = run("show", "08BAGHDAD4006", "--index", indexed, "--json")
    # every page-text copy of the example cites 08BAGHDAD4006 (which never cites itself)
    cited_by = {c["refid"] for c in json.loads(out)["cited_by"]}
    assert cited_by == {"09BAGHDAD113", "09BAGHDAD200"}


def test_show_unknown_refid(indexed: str) -> None:
    code, _, err = run("show", "09NOWHERE1", "--index", indexed)
    assert code == 1 and "no cable 09NOWHERE1" in err


def test_stats_and_similar_json(indexed: str) -> None:
    code, out, _ = run("stats", "--index", indexed, "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["cables"] == 3
    assert stats["by_year"] == [{"value": "2008", "count": 1}, {"value": "2009", "count": 2}]
    code, out, _ = run("similar", "09BAGHDAD113", "--index", indexed, "--json")
    assert code == 0
    assert "09BAGHDAD113" not in {h["refid"] for h in json.loads(out)}


def test_batch_reports_bad_lines_and_goes_on(indexed: str, tmp_path: Path) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text("ashraf\n# a comment\n\n\"unbalanced\nbutenis\n")
    code, out, _ = run("batch", str(queries), "--index", indexed, "--format", "jsonl")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in rows] == ["ashraf", '"unbalanced', "butenis"]
    assert rows[0]["total"] == 3 and rows[1]["error"] and rows[2]["total"] == 3


#: what a one-shot `cables search` must not load: start-up is most of its time (issue 14)
NOT_FOR_SEARCH = (
    "indexer.searching", "indexer.views", "indexer.quote", "indexer.ingest",
    "indexer.fastwrite", "indexer.parse", "indexer.web", "indexer.alerts", "indexer.diff",
    "starlette", "uvicorn", "jinja2", "watchdog", "bs4", "lxml", "pypdf",
    # whoosh.compat's import of urlretrieve, which nothing calls (`indexer._import_whoosh_compat`)
    "urllib.request", "http.client", "ssl",
)  # fmt: skip


def test_search_command_imports_only_what_a_search_needs(tmp_path: Path) -> None:
    import subprocess
    import sys

    runner = CliRunner()
    corpus = tmp_path / "corpus"
    for n in range(3):  # more hits than a did-you-mean is asked for below (`suggest`)
        write_cable(corpus, f"09BAGHDAD{n + 1}")
    index = tmp_path / "index"
    assert runner.invoke(main, ["index", str(corpus), "--index", str(index), "-q"]).exit_code == 0
    code = (
        "import json, os, sys\n"
        "from click.testing import CliRunner\n"
        "from indexer.cli import main\n"
        f"argv = ['search', 'baghdad', '--index', {str(index)!r}, '--json']\n"
        "r = CliRunner().invoke(main, argv)\n"
        "print(json.dumps([r.exit_code, json.loads(r.stdout)['total'], sorted(sys.modules),"
        " os.environ.get('OPENBLAS_NUM_THREADS')]))\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=env)  # fmt: skip
    exit_code, total, modules, blas_threads = json.loads(done.stdout)
    assert (exit_code, total) == (0, 3)
    assert "indexer.hits" in modules  # it did search
    loaded = [m for m in modules if m.split(".")[0] in NOT_FOR_SEARCH or m in NOT_FOR_SEARCH
              or any(m.startswith(f"{n}.") for n in NOT_FOR_SEARCH)]  # fmt: skip
    assert loaded == []
    assert blas_threads == "1"


def test_whoosh_is_imported_without_urllib_request_and_its_urlretrieve_still_works(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    source = tmp_path / "cable.txt"
    source.write_text("UNCLAS BAGHDAD 000113", encoding="utf-8")
    code = (
        "import sys, indexer, whoosh.compat\n"
        "before = 'urllib.request' in sys.modules\n"
        f"whoosh.compat.urlretrieve({source.as_uri()!r}, {str(tmp_path / 'copy.txt')!r})\n"
        "import urllib.request\n"
        "print(before, urllib.request.__file__.endswith('request.py'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.split() == ["False", "True"]
    assert (tmp_path / "copy.txt").read_text(encoding="utf-8") == "UNCLAS BAGHDAD 000113"
