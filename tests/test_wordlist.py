"""indexer.wordlist: the file of a segment's words, written and read back."""

from __future__ import annotations

import bisect
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage, RamStorage

from indexer.wordlist import WORDS_EXT, read_segment_words, words_file_name, write_segment_words


def test_file_is_sorted_unique_utf8_lines(tmp_path: Path) -> None:
    words = ["talks", "u.s", "chavez", "talks", "qadhafi's", "1.5", "москва", "zebra", "ab"]
    write_segment_words(FileStorage(str(tmp_path)), "MAIN_abc", words)
    data = (tmp_path / "MAIN_abc.wrd").read_bytes()
    assert data.decode("utf-8") == "".join(f"{w}\n" for w in sorted(set(words)))
    lines = data.split(b"\n")[:-1]
    assert lines == sorted(lines)  # code point order is UTF-8 byte order: bisect either
    found = read_segment_words(tmp_path, "MAIN_abc")
    assert found == sorted(set(words))
    assert found[bisect.bisect_left(found, "qa")] == "qadhafi's"


def test_read_from_a_storage_or_a_folder(tmp_path: Path) -> None:
    storage = FileStorage(str(tmp_path))
    write_segment_words(storage, "MAIN_x1", ["b", "a"])
    assert read_segment_words(storage, "MAIN_x1") == ["a", "b"]
    assert read_segment_words(tmp_path, "MAIN_x1") == ["a", "b"]
    assert read_segment_words(str(tmp_path), "MAIN_x1") == ["a", "b"]
    ram = RamStorage()
    write_segment_words(ram, "MAIN_x1", ["c"])
    assert read_segment_words(ram, "MAIN_x1") == ["c"]


def test_no_list_is_none_and_an_empty_list_is_empty(tmp_path: Path) -> None:
    assert read_segment_words(tmp_path, "MAIN_none") is None
    assert read_segment_words(FileStorage(str(tmp_path)), "MAIN_none") is None
    write_segment_words(FileStorage(str(tmp_path)), "MAIN_empty", [])
    assert (tmp_path / words_file_name("MAIN_empty")).read_bytes() == b""
    assert read_segment_words(tmp_path, "MAIN_empty") == []


def test_name_is_one_of_the_segments_files() -> None:
    # Whoosh's clean_files takes NAME_segid.ext for a file of segment NAME_segid
    from whoosh.index import TOC

    name = words_file_name("MAIN_k3x9q2abcd")
    assert name == "MAIN_k3x9q2abcd" + WORDS_EXT
    match = TOC._segment_pattern("MAIN").match(name)
    assert match is not None and match.group(1) == "MAIN_k3x9q2abcd"


@pytest.mark.parametrize("bad", ["", "two\nlines"])
def test_a_line_break_or_empty_word_is_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        write_segment_words(FileStorage(str(tmp_path)), "MAIN_bad", ["ok", bad])


def test_the_search_side_needs_nothing_of_the_writer() -> None:
    # importable on its own: indexer.fastwrite (and the compiled part) stay unloaded
    code = (
        "import sys, indexer.wordlist; "
        "sys.exit(any(m in sys.modules for m in ('indexer.fastwrite', 'indexer._speedups')))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
