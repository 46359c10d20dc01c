"""Redaction history: versions in release order, the words each release removed and added,
versions that cannot be read again, the CLI and the cable page; golden tests on the real
cables that successive Cablegate releases redacted differently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import write_cable
from starlette.testclient import TestClient

from indexer.cli import main
from indexer.diff import cable_diff, diff_to_dict, word_hunks
from indexer.errors import NotFound
from indexer.ingest import update_index
from indexer.web import create_app

REVISIONS = "html-cablegate-revisions-anarchivist"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("old", "new", "hunks"),
    [
        ("a b c", "a b c", []),
        ("a NAME b", "a XXXX b", [("a", "NAME", "XXXX", "b")]),  # redacted
        ("a XXXX b", "a two words b", [("a", "XXXX", "two words", "b")]),  # restored
        ("a b c", "a c", [("a", "b", "", "c")]),  # removed only
        ("a c", "a b c", [("a", "", "b", "c")]),  # added only
        ("x a b", "a b", [("", "x", "", "a b")]),  # at the start: no context before
        ("XXXX a XXXX b", "p a q b", [("", "XXXX", "p", "a XXXX"), ("XXXX a", "XXXX", "q", "b")]),
        ("", "a b", [("", "", "a b", "")]),
    ],
)
def test_word_hunks(old: str, new: str, hunks: list[tuple[str, str, str, str]]) -> None:
    found = word_hunks(old.split(), new.split(), context=2)
    assert [(h.before, h.removed, h.added, h.after) for h in found] == hunks


def test_word_hunks_add_up_to_both_texts() -> None:
    """General rule: unchanged + removed words = the old text, unchanged + added = the new."""
    old = ("the ambassador met " * 40 + "XXXXXXXXXXXX " * 30 + "in geneva " * 20).split()
    new = ("the ambassador met " * 39 + "Kilian said " + "XXXXXXXXXXXX " * 29).split()
    hunks = word_hunks(old, new)
    removed = sum(len(h.removed.split()) for h in hunks)
    added = sum(len(h.added.split()) for h in hunks)
    assert len(old) - removed == len(new) - added > 0


@pytest.fixture
def two_versions(tmp_path: Path) -> Path:
    """09BAGHDAD1 in two files: `b/` wins (same format, no release: the greater path)."""
    corpus = tmp_path / "corpus"
    write_cable(corpus / "a", "09BAGHDAD1", extra="the source Kilian Kleinschmidt said")
    write_cable(corpus / "b", "09BAGHDAD1", extra="the source XXXXXXXXXXXX said")
    write_cable(corpus, "09BAGHDAD2")
    update_index([corpus], tmp_path / "index", procs=1)
    return tmp_path


def test_versions_in_order_with_the_removed_and_added_words(two_versions: Path) -> None:
    diff = cable_diff(two_versions / "index", "09baghdad1")
    assert diff.refid == "09BAGHDAD1"
    assert [Path(v.version.path).parent.name for v in diff.versions] == ["a", "b"]
    assert [v.version.indexed for v in diff.versions] == [False, True]  # indexed one last
    assert all(v.body and v.error is None for v in diff.versions)
    [change] = diff.changes
    assert (change.old, change.new, change.compared) == (0, 1, True)
    [hunk] = change.hunks
    assert (hunk.removed, hunk.added) == ("Kilian Kleinschmidt", "XXXXXXXXXXXX")
    assert hunk.before.endswith("the source") and hunk.after.startswith("said")
    assert (change.removed_words, change.added_words) == (2, 1)


def test_one_version_has_no_changes(two_versions: Path) -> None:
    diff = cable_diff(two_versions / "index", "09BAGHDAD2")
    [only] = diff.versions
    assert only.version.indexed and only.body and diff.changes == ()


def test_unknown_cable(two_versions: Path) -> None:
    with pytest.raises(NotFound):
        cable_diff(two_versions / "index", "09NOWHERE1")


def test_version_whose_file_changed_or_vanished_is_unavailable(two_versions: Path) -> None:
    old = two_versions / "corpus" / "a" / "09BAGHDAD1.txt"
    old.write_text(old.read_text(encoding="utf-8") + "\nmore", encoding="utf-8")
    diff = cable_diff(two_versions / "index", "09BAGHDAD1")
    first = diff.versions[0]
    assert first.body is None and first.error and "changed since it was indexed" in first.error
    assert diff.changes[0].compared is False and diff.changes[0].hunks == ()
    old.unlink()
    first = cable_diff(two_versions / "index", "09BAGHDAD1").versions[0]
    assert first.body is None and first.error and "cannot read the file" in first.error


def test_files_over_the_size_limit_are_not_read(two_versions: Path) -> None:
    diff = cable_diff(two_versions / "index", "09BAGHDAD1", max_file_bytes=100)
    assert diff.versions[0].error and "MiB" in diff.versions[0].error
    assert diff.versions[1].body  # the indexed text comes from the index


def test_cli_diff_text_and_json(two_versions: Path) -> None:
    idx = str(two_versions / "index")
    code, out, err = run("diff", "09BAGHDAD1", "--index", idx)
    assert code == 0, err
    assert out.startswith("09BAGHDAD1: 2 versions")
    assert "the source [-Kilian Kleinschmidt-] {+XXXXXXXXXXXX+} said" in out
    assert "2 words removed, 1 added" in out

    code, out, err = run("diff", "09BAGHDAD1", "--index", idx, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"refid", "subject", "versions", "changes"}
    assert set(data["versions"][0]) == {
        "path", "record", "format", "sha256", "released", "created", "subject", "indexed",
        "release", "available", "error",
    }
    [change] = data["changes"]
    assert set(change) == {
        "from", "to", "from_release", "to_release", "compared", "removed_words", "added_words",
        "hunks",
    }
    assert change["hunks"][0]["removed"] == "Kilian Kleinschmidt"

    code, _, err = run("diff", "09NOWHERE1", "--index", idx)
    assert code == 1 and "no cable 09NOWHERE1" in err
    code, _, err = run("diff", "09BAGHDAD1", "--index", str(two_versions / "none"))
    assert code == 1 and "no index" in err


def test_cable_page_shows_the_versions_diff_marked_in_text(two_versions: Path) -> None:
    client = TestClient(create_app(two_versions / "index"))
    page = client.get("/cable/09BAGHDAD1")
    assert page.status_code == 200
    html = page.text
    assert 'id="versions"' in html
    # marked by elements and by visible signs, not only by colour
    sign = '<span class="sign">{}</span>'
    assert f"<del>{sign.format('[−')}Kilian Kleinschmidt{sign.format(']')}</del>" in html
    assert f"<ins>{sign.format('[+')}XXXXXXXXXXXX{sign.format(']')}</ins>" in html
    assert "2 words removed, 1 added" in html
    single = client.get("/cable/09BAGHDAD2")
    assert single.status_code == 200 and 'id="versions"' not in single.text


# --- golden: the real releases -----------------------------------------------------------------


@pytest.fixture(scope="module")
def revisions_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import REAL_CABLES

    if not (REAL_CABLES / REVISIONS).is_dir():
        pytest.skip(f"real cables not found at {REAL_CABLES} (set CABLES_SHARED)")
    root = tmp_path_factory.mktemp("revisions") / "index"
    update_index([REAL_CABLES / REVISIONS], root, procs=1)
    return root


def test_every_revised_cable_reads_back_in_release_order(revisions_index: Path) -> None:
    """General rules over every cable of the folder (one folder per refid, one file per
    release whose text changed): all versions readable, release numbers increasing, the
    indexed one last, and each change's counts consistent with the two texts."""
    refids = _revision_refids()
    assert len(refids) >= 20
    for refid in refids:
        diff = cable_diff(revisions_index, refid)
        releases = [v.version.release or 0 for v in diff.versions]
        assert len(releases) >= 2, refid
        assert all(releases), refid
        assert releases == sorted(releases), refid
        assert diff.versions[-1].version.indexed, refid
        for change in diff.changes:
            a = diff.versions[change.old].body
            b = diff.versions[change.new].body
            assert a is not None and b is not None, refid
            assert len(a.split()) - change.removed_words == len(b.split()) - change.added_words
            assert bool(change.hunks) == (a.split() != b.split()), refid


def _revision_refids() -> list[str]:
    from conftest import REAL_CABLES

    return sorted(p.name for p in (REAL_CABLES / REVISIONS).iterdir() if p.is_dir())


def test_golden_islamabad_name_redacted_in_release_505(revisions_index: Path) -> None:
    diff = cable_diff(revisions_index, "09ISLAMABAD3037")
    assert [v.version.release for v in diff.versions] == [471, 505]
    [change] = diff.changes
    pairs = [(h.removed, h.added) for h in change.hunks]
    # the UNHCR official's name was blacked out in the later release
    assert ("Kilian Kleinschmidt,", "XXXXXXXXXXXX,") in pairs
    assert sum(1 for r, a in pairs if r.startswith("Kleinschmidt") and a.startswith("XXXX")) >= 5
    removed = " ".join(h.removed for h in change.hunks)
    assert "Kleinschmidt" in removed
    assert "Kleinschmidt" not in " ".join(h.added for h in change.hunks)


def test_golden_madrid_paragraphs_restored_in_release_1060(revisions_index: Path) -> None:
    diff = cable_diff(revisions_index, "09MADRID71")
    assert [v.version.release for v in diff.versions] == [837, 1060]
    [change] = diff.changes
    restored = [h for h in change.hunks if set(h.removed) <= set("X") and h.added]
    assert len(restored) == len(change.hunks) == 3  # three redacted blocks, all lifted
    assert change.added_words > 1000 and change.removed_words == 3
    assert any("Zapatero" in h.added for h in restored)


def test_golden_cli_json_on_real_release(revisions_index: Path) -> None:
    code, out, err = run("diff", "09ISLAMABAD3037", "--index", str(revisions_index), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [v["release"] for v in data["versions"]] == [471, 505]
    assert [v["indexed"] for v in data["versions"]] == [False, True]
    assert all(v["available"] and v["released"] for v in data["versions"])
    assert data["changes"][0]["from_release"] == 471 and data["changes"][0]["to_release"] == 505
    assert diff_to_dict(cable_diff(revisions_index, "09ISLAMABAD3037")) == data
