"""Saved searches and alerts: what counts as new, marking seen, the end-of-run lines of
`cables index`, survival across `--rebuild` and crashes, and the web page and Atom feeds
(parsed by feedparser, as a feed reader would)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from conftest import ROOT
from helpers import write_cable
from starlette.testclient import TestClient

from indexer import alerts
from indexer.cli import main
from indexer.errors import NotFound, QueryError
from indexer.ingest import update_index
from indexer.web import create_app


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    write_cable(folder, "09BAGHDAD1", subject="ZANZIBAR CLOVES", extra="zanzibar cloves")
    write_cable(folder, "09BAGHDAD2", subject="OTHER THINGS")
    return folder


@pytest.fixture
def root(corpus: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    update_index([corpus], index, procs=1)
    return index


def new_refids(result: alerts.AlertResult) -> list[str]:
    return [m.hit.refid for m in result.new]


def test_saved_search_reports_only_cables_added_or_changed_since(
    corpus: Path, root: Path
) -> None:
    alerts.add_alert(root, "zanzibar", "zanzibar")
    [first] = alerts.check_alerts(root)
    assert first.name == "zanzibar" and new_refids(first) == []  # matches at save time: seen

    write_cable(corpus, "09BAGHDAD3", subject="MORE CLOVES", extra="zanzibar")
    write_cable(corpus, "09BAGHDAD4", subject="NOT ABOUT IT")
    update_index([corpus], root, procs=1)
    [second] = alerts.check_alerts(root)
    assert new_refids(second) == ["09BAGHDAD3"]
    assert second.since > first.since  # since the first check, not since saving
    assert [m.hit.refid for m in second.new if m.hit.highlights]  # highlighted like search

    [third] = alerts.check_alerts(root)
    assert new_refids(third) == []  # marked seen

    # a changed record (another text, so another sha256) is new again; an untouched one not
    write_cable(corpus, "09BAGHDAD1", subject="ZANZIBAR CLOVES", extra="zanzibar revised")
    update_index([corpus], root, procs=1)
    [fourth] = alerts.check_alerts(root, "zanzibar")
    assert new_refids(fourth) == ["09BAGHDAD1"]


def test_search_saved_before_the_index_exists_reports_the_first_build(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    alerts.add_alert(root, "z", "zanzibar")
    update_index([corpus], root, procs=1)
    [result] = alerts.check_alerts(root)
    assert new_refids(result) == ["09BAGHDAD1"]


def test_new_matches_come_newest_cable_first(corpus: Path, root: Path) -> None:
    alerts.add_alert(root, "z", "zanzibar")
    write_cable(corpus, "05BAGHDAD7", extra="zanzibar", created="2005-03-01 10:00")
    write_cable(corpus, "09BAGHDAD8", extra="zanzibar", created="2009-06-01 10:00")
    write_cable(corpus, "07BAGHDAD9", extra="zanzibar", created="2007-01-01 10:00")
    update_index([corpus], root, procs=1)
    [result] = alerts.check_alerts(root)
    assert new_refids(result) == ["09BAGHDAD8", "07BAGHDAD9", "05BAGHDAD7"]


def test_removed_cable_that_returns_unchanged_is_not_new(corpus: Path, root: Path) -> None:
    alerts.add_alert(root, "z", "zanzibar")
    text = (corpus / "09BAGHDAD1.txt").read_text(encoding="utf-8")
    (corpus / "09BAGHDAD1.txt").unlink()
    update_index([corpus], root, procs=1)
    assert new_refids(alerts.check_alerts(root)[0]) == []
    (corpus / "09BAGHDAD1.txt").write_text(text, encoding="utf-8")
    update_index([corpus], root, procs=1)
    assert new_refids(alerts.check_alerts(root)[0]) == []


@pytest.mark.parametrize(
    ("name", "query", "error"),
    [
        ("z", '"camp ashraf', QueryError),
        ("z", "frm:baghdad", QueryError),
        ("z", "   ", QueryError),
        ("bad name", "zanzibar", alerts.AlertError),
        ("../x", "zanzibar", alerts.AlertError),
        ("", "zanzibar", alerts.AlertError),
    ],
)
def test_malformed_query_or_name_is_refused_and_nothing_saved(
    root: Path, name: str, query: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        alerts.add_alert(root, name, query)
    assert alerts.list_alerts(root) == ()


def test_malformed_query_is_refused_without_an_index(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="unbalanced quote"):
        alerts.add_alert(tmp_path / "index", "z", '"camp')
    assert not alerts.alerts_path(tmp_path / "index").exists()


def test_cli_add_list_remove_and_errors(root: Path) -> None:
    idx = str(root)
    for command in ("list", "check"):
        code, out, _ = run("alert", command, "--index", idx)
        assert code == 0 and out.startswith("no saved searches - save one with: cables alert add")
    code, out, err = run("alert", "add", "z", "zanzibar", "--index", idx)
    assert code == 0, err
    assert out == 'saved "zanzibar" as z\n'

    code, _, err = run("alert", "add", "z", "other", "--index", idx)
    assert code == 1 and "exists" in err and "cables alert remove z" in err
    code, _, err = run("alert", "add", "q", '"camp', "--index", idx)
    assert code == 2 and err.count("\n") == 1 and "unbalanced quote" in err

    code, out, _ = run("alert", "list", "--index", idx, "--json")
    assert code == 0
    [saved] = json.loads(out)
    assert saved["name"] == "z" and saved["query"] == "zanzibar" and saved["checked"] is None
    assert set(saved) == {"name", "query", "created", "checked"}
    code, out, _ = run("alert", "list", "--index", idx)
    assert out.startswith("z  zanzibar  (checked: never)")

    code, out, _ = run("alert", "remove", "z", "--index", idx)
    assert code == 0 and out == 'removed z ("zanzibar")\n'
    code, _, err = run("alert", "remove", "z", "--index", idx)
    assert code == 1 and 'no saved search "z"' in err
    code, _, err = run("alert", "check", "nope", "--index", idx)
    assert code == 1 and 'no saved search "nope"' in err


def test_cli_check_json_fields(corpus: Path, root: Path) -> None:
    run("alert", "add", "z", "zanzibar", "--index", str(root))
    run("alert", "add", "o", "other", "--index", str(root))
    write_cable(corpus, "09BAGHDAD3", subject="CLOVES", extra="zanzibar")
    update_index([corpus], root, procs=1)
    code, out, err = run("alert", "check", "--index", str(root), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [a["name"] for a in data["alerts"]] == ["o", "z"]
    z = data["alerts"][1]
    assert set(z) == {"name", "query", "since", "new"}
    assert z["query"] == "zanzibar"
    [hit] = z["new"]
    assert set(hit) == {
        "refid", "score", "subject", "created", "origin", "classification", "tags",
        "tag_meanings", "highlights",
    }
    assert hit["refid"] == "09BAGHDAD3" and hit["score"] > 0 and hit["highlights"]
    assert data["alerts"][0]["new"] == []

    code, out, _ = run("alert", "check", "z", "--index", str(root))
    assert code == 0 and out.startswith('z: 0 new cables match "zanzibar" since ')


def test_index_command_reports_new_matches_without_marking_them_seen(
    corpus: Path, root: Path
) -> None:
    alerts.add_alert(root, "z", "zanzibar")
    alerts.add_alert(root, "o", "other")
    write_cable(corpus, "09BAGHDAD3", extra="zanzibar")
    write_cable(corpus, "09BAGHDAD5", extra="zanzibar")
    code, out, err = run("index", str(corpus), "--index", str(root), "--quiet")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-1] == '2 new cables match "zanzibar" (z)'  # "o" has none: no line
    assert len(lines) == 2

    code, out, _ = run("index", str(corpus), "--index", str(root), "--json", "--quiet")
    assert json.loads(out)["alerts"] == [
        {"name": "o", "query": "other", "new": 0},
        {"name": "z", "query": "zanzibar", "new": 2},
    ]
    [result] = alerts.check_alerts(root, "z")
    assert sorted(new_refids(result)) == ["09BAGHDAD3", "09BAGHDAD5"]
    code, out, _ = run("index", str(corpus), "--index", str(root), "--json", "--quiet")
    assert json.loads(out)["alerts"][1]["new"] == 0


def test_index_json_without_saved_searches_has_an_empty_alerts_list(
    corpus: Path, tmp_path: Path
) -> None:
    code, out, _ = run("index", str(corpus), "--index", str(tmp_path / "i"), "--json", "-q")
    assert code == 0 and json.loads(out)["alerts"] == []


def test_damaged_alerts_file_is_one_line_error_and_index_still_runs(
    corpus: Path, root: Path
) -> None:
    alerts.alerts_path(root).write_text("{not json", encoding="utf-8")
    code, _, err = run("alert", "list", "--index", str(root))
    assert code == 1 and err.count("\n") == 1 and "damaged" in err
    code, out, err = run("index", str(corpus), "--index", str(root), "-q")
    assert code == 0 and "saved searches not checked" in err and "cables in" in out


def test_saved_searches_survive_rebuild_without_false_alerts(corpus: Path, root: Path) -> None:
    alerts.add_alert(root, "z", "zanzibar")
    code, _, err = run("index", str(corpus), "--index", str(root), "--rebuild", "-q")
    assert code == 0, err
    assert [s.name for s in alerts.list_alerts(root)] == ["z"]
    # a rebuild renumbers every document but changes no record: nothing is new
    assert new_refids(alerts.check_alerts(root)[0]) == []


def test_crash_while_saving_leaves_the_previous_file(root: Path) -> None:
    """A real process dies (kill -9 style, no cleanup) just before the new file would
    replace the old one: the saved searches are the old ones, and readable."""
    alerts.add_alert(root, "z", "zanzibar")
    before = alerts.alerts_path(root).read_bytes()
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from indexer import alerts\n"
        "os.replace = lambda *a: os._exit(9)\n"
        "alerts.add_alert(Path(sys.argv[1]), 'y', 'other')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(root)], cwd=ROOT, capture_output=True, check=False
    )
    assert proc.returncode == 9, proc.stderr
    assert alerts.alerts_path(root).read_bytes() == before
    assert [s.name for s in alerts.list_alerts(root)] == ["z"]
    alerts.add_alert(root, "y", "other")  # the leftover temporary file is no obstacle
    assert [s.name for s in alerts.list_alerts(root)] == ["y", "z"]


def test_concurrent_adds_lose_nothing(root: Path) -> None:
    errors: list[BaseException] = []

    def add(i: int) -> None:
        try:
            alerts.add_alert(root, f"a{i}", "zanzibar")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(s.name for s in alerts.list_alerts(root)) == sorted(f"a{i}" for i in range(8))


def test_unknown_name_is_not_found(root: Path) -> None:
    with pytest.raises(NotFound):
        alerts.remove_alert(root, "nope")


# --- web ---------------------------------------------------------------------------------------


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root))


def test_alerts_page_lists_new_matches_and_marks_nothing_seen(
    corpus: Path, root: Path, client: TestClient
) -> None:
    page = client.get("/alerts")
    assert page.status_code == 200 and "No saved searches yet" in page.text
    alerts.add_alert(root, "z", "zanzibar")
    write_cable(corpus, "09BAGHDAD3", subject='CLOVES & "X" <I>', extra="zanzibar")
    update_index([corpus], root, procs=1)  # library run: nobody noted the match yet
    page = client.get("/alerts")
    assert page.status_code == 200
    assert "1 new" in page.text and 'href="/cable/09BAGHDAD3?q=zanzibar"' in page.text
    assert "/cable/09BAGHDAD1?" not in page.text  # seen when saved
    assert "CLOVES &amp; &#34;X&#34;" in page.text  # escaped
    assert 'href="/alerts/z.atom"' in page.text
    assert new_refids(alerts.check_alerts(root)[0]) == ["09BAGHDAD3"]  # still new after


def test_atom_feed_is_valid_newest_first_and_follows_changes(
    corpus: Path, root: Path, client: TestClient
) -> None:
    alerts.add_alert(root, "z", "zanzibar")
    write_cable(corpus, "09BAGHDAD3", subject="CLOVES AGAIN", extra="zanzibar")
    run("index", str(corpus), "--index", str(root), "-q")  # notes when it was first seen

    response = client.get("/alerts/z.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert "zanzibar" in feed.feed.title
    assert feed.feed.id.startswith("urn:uuid:")
    refids = [e.title.split(":")[0] for e in feed.entries]
    assert refids == ["09BAGHDAD3", "09BAGHDAD1"]  # newest noticed first
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated, reverse=True)
    first = feed.entries[0]
    assert first.link == "http://testserver/cable/09BAGHDAD3?q=zanzibar"
    assert "zanzibar" in first.summary.lower()
    assert {t.term for t in first.tags} >= {"PTER", "IZ"}

    # fetched again: the same ids (a reader shows nothing twice)
    again = feedparser.parse(client.get("/alerts/z.atom").content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]

    # a changed cable comes back as a new entry, first
    write_cable(corpus, "09BAGHDAD1", subject="ZANZIBAR CLOVES", extra="zanzibar revised")
    run("index", str(corpus), "--index", str(root), "-q")
    changed = feedparser.parse(client.get("/alerts/z.atom").content)
    assert changed.entries[0].title.startswith("09BAGHDAD1:")
    assert changed.entries[0].id not in {e.id for e in feed.entries}
    assert changed.entries[1].id == feed.entries[0].id


def test_feed_errors(root: Path, client: TestClient) -> None:
    assert client.get("/alerts/nope.atom").status_code == 404
    assert client.get("/alerts/b%20ad.atom").status_code == 400
    alerts.alerts_path(root).write_text("[]", encoding="utf-8")
    response = client.get("/alerts")
    assert response.status_code == 503 and "damaged" in response.text


def test_feed_escapes_markup_in_queries_and_subjects(
    corpus: Path, root: Path, client: TestClient
) -> None:
    write_cable(corpus, "09BAGHDAD6", subject='A <script>&"X"', extra="zanzibar")
    update_index([corpus], root, procs=1)
    alerts.add_alert(root, "z", 'zanzibar OR "a & b"')
    feed = feedparser.parse(client.get("/alerts/z.atom").content)
    assert not feed.bozo
    assert any('A <script>&"X"' in e.title for e in feed.entries)


def test_alerts_file_lives_beside_the_generations(root: Path) -> None:
    alerts.add_alert(root, "z", "zanzibar")
    assert alerts.alerts_path(root).parent == root
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == [
        "alerts.json", "gen-000001", "live"
    ]
    assert os.path.getsize(alerts.alerts_path(root)) < 1000
