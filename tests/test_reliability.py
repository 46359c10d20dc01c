"""Crash, lock and concurrency behaviour of `cables index`, with real processes.

A real `cables index` is stopped with SIGKILL at a known step: the CABLES_TEST_PAUSE_AT hook
(`indexer.store.checkpoint`) makes it announce the step on stderr and wait there.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import write_cable
from whoosh import index as whoosh_index

from indexer import build_index as update_index
from indexer import store

pytestmark = pytest.mark.slow


def snapshot(root: Path) -> dict[str, str]:
    """refid -> subject of everything the live index holds."""
    ix = whoosh_index.open_dir(str(store.require_live(root)), indexname="MAIN")
    with ix.searcher() as searcher:
        return {f["refid"]: f["subject"] for f in searcher.all_stored_fields()}


def start_index(
    corpus: Path, root: Path, pause_at: str | None, *args: str
) -> subprocess.Popen[str]:
    env = dict(os.environ)
    if pause_at:
        env["CABLES_TEST_PAUSE_AT"] = pause_at
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def wait_for_pause(proc: subprocess.Popen[str], point: str, timeout: float = 60) -> None:
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            line = proc.stderr.readline()
            seen += line
            if f"PAUSED AT {point}" in line:
                return
        if proc.poll() is not None:
            break
    pytest.fail(f"indexer never reached {point}: {seen}")


def kill9(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: workers die too
    proc.communicate(timeout=30)  # reaps it and closes its pipes


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    corpus = tmp_path / "corpus"
    for i in range(4):
        write_cable(corpus, f"09BAGHDAD{100 + i}", subject=f"ORIGINAL {i}")
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)
    before = snapshot(root)
    # the next run has work of every kind to do
    write_cable(corpus, "09BAGHDAD200", subject="ADDED")
    write_cable(corpus, "09BAGHDAD101", subject="CHANGED")
    (corpus / "09BAGHDAD102.txt").unlink()
    return corpus, root, before


EXPECTED_AFTER = {
    "09BAGHDAD100": "ORIGINAL 0",
    "09BAGHDAD101": "CHANGED",
    "09BAGHDAD103": "ORIGINAL 3",
    "09BAGHDAD200": "ADDED",
}


@pytest.mark.parametrize("procs", ["1", "2"])
@pytest.mark.parametrize("point", ["parse", "write", "commit", "swap"])
def test_kill9_leaves_previous_index_then_next_run_completes(
    indexed: tuple[Path, Path, dict[str, str]], point: str, procs: str
) -> None:
    corpus, root, before = indexed
    proc = start_index(corpus, root, point, "--procs", procs, "--quiet")
    wait_for_pause(proc, point)
    kill9(proc)
    assert snapshot(root) == before

    done = subprocess.run(
        [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(root) == EXPECTED_AFTER
    # the half-made generation is gone: only live and its predecessor remain
    assert len(store.generations(root)) <= 2


def test_second_writer_fails_at_once_naming_the_first(
    indexed: tuple[Path, Path, dict[str, str]],
) -> None:
    corpus, root, _ = indexed
    first = start_index(corpus, root, "parse", "--procs", "1")
    try:
        wait_for_pause(first, "parse")
        second = subprocess.run(
            [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        # it failed at once, naming the holder (had it waited for the lock instead, it would
        # have run when the first let go, and succeeded): no wall-clock bound needed
        assert second.returncode == 1
        assert f"process {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        kill9(first)
    # the killed holder's lock does not block the next run
    assert update_index([corpus], root, procs=1).added == 1


def test_searches_during_updates_see_old_or_new_never_an_error(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    state_a = {f"09BAGHDAD{100 + i}": f"STATE A {i}" for i in range(5)}
    state_b = {f"09BAGHDAD{100 + i}": f"STATE B {i}" for i in range(3, 9)}
    for refid, subject in state_a.items():
        write_cable(corpus, refid, subject=subject)
    root = tmp_path / "index"
    update_index([corpus], root, procs=1)

    # a child process flips the corpus between the two states and re-indexes, many times
    flipper = subprocess.Popen(
        [sys.executable, "-c", FLIPPER, str(corpus), str(root), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[str] = set()
    try:
        while flipper.poll() is None:
            snap = snapshot(root)
            if snap == state_a:
                seen.add("a")
            elif snap == state_b:
                seen.add("b")
            else:
                pytest.fail(f"inconsistent index seen: {sorted(snap.items())}")
    finally:
        flipper.kill()
    out, err = flipper.communicate()
    assert flipper.returncode == 0, err
    assert seen == {"a", "b"}, out


FLIPPER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from helpers import write_cable
from indexer import build_index as update_index
corpus, root = Path(sys.argv[1]), Path(sys.argv[2])
a = {f"09BAGHDAD{100 + i}": f"STATE A {i}" for i in range(5)}
b = {f"09BAGHDAD{100 + i}": f"STATE B {i}" for i in range(3, 9)}
for n in range(8):
    want = b if n % 2 == 0 else a
    for p in corpus.glob("*.txt"):
        p.unlink()
    for refid, subject in want.items():
        write_cable(corpus, refid, subject=subject)
    update_index([corpus], root, procs=1)
    time.sleep(0.2)
print("flipped")
"""


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_watch_indexes_new_cables_within_seconds(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD100", subject="ALREADY THERE")
    root = tmp_path / "index"
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root),
         "--watch", "--json", "--procs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        # Ctrl-C as a terminal sends it: a suite started in the background (`... &` from a
        # script) has SIGINT ignored, and its children inherit that
        preexec_fn=_sigint_default,
    )
    try:
        deadline = time.monotonic() + 60
        while not (root / "live").is_symlink() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert snapshot(root) == {"09BAGHDAD100": "ALREADY THERE"}

        landed = time.monotonic()
        write_cable(corpus / "new", "09BAGHDAD200", subject="JUST LANDED")
        while "09BAGHDAD200" not in snapshot(root) and time.monotonic() < landed + 60:
            time.sleep(0.1)
        # (no bound on how long it took: a loaded machine is slow; the wait above is only
        # there so that a watcher that never indexes it fails instead of hanging)
        assert snapshot(root) == {"09BAGHDAD100": "ALREADY THERE", "09BAGHDAD200": "JUST LANDED"}

        (corpus / "09BAGHDAD100.txt").unlink()
        gone = time.monotonic()
        while "09BAGHDAD100" in snapshot(root) and time.monotonic() < gone + 60:
            time.sleep(0.1)
        assert snapshot(root) == {"09BAGHDAD200": "JUST LANDED"}
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            # never leave the watcher running into the next test; its threads' stacks first
            # (faulthandler, enabled in the child below, prints them on SIGABRT)
            os.killpg(proc.pid, signal.SIGABRT)
            try:
                out, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, err = proc.communicate()
            pytest.fail(f"the watcher did not stop on Ctrl-C within 120 s; stderr: {err[-6000:]}")
    summaries = [json.loads(line) for line in out.splitlines()]
    assert [s["added"] for s in summaries][:2] == [1, 1]
    assert "Traceback" not in err


def _limit_file_size() -> None:
    # a real "disk full" for this process only: writes past 16 KiB fail with EFBIG
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))


def test_full_disk_gives_a_clear_error_and_keeps_the_old_index(
    indexed: tuple[Path, Path, dict[str, str]],
) -> None:
    corpus, root, before = indexed
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: disk full while writing the index")
    assert "previous index is intact" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert snapshot(root) == before
    assert len(store.generations(root)) == 1  # the half-written generation is gone
    # with room again, the next run completes
    assert update_index([corpus], root, procs=1).added == 1


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux: /proc/PID/task/TID/children)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _running(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_running(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _running(p)]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_the_main_process_ends_its_workers_and_frees_the_lock(
    indexed: tuple[Path, Path, dict[str, str]], sig: signal.Signals
) -> None:
    corpus, root, before = indexed
    proc = start_index(corpus, root, "parse", "--procs", "2", "--quiet")
    try:
        wait_for_pause(proc, "parse")  # a worker is parsing (and waits there)
        workers = _children(proc.pid)
        assert len(workers) >= 2
        os.kill(proc.pid, sig)  # the main process only, as `kill PID` does
        proc.wait(timeout=10)
        assert _wait_gone(workers, 2.0) == []
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # (what is left of the group, if anything)
        proc.communicate(timeout=30)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143
    assert snapshot(root) == before
    # the lock is free at once: a new run does the work
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(root) == EXPECTED_AFTER
    assert len(store.generations(root)) <= 2


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, f"process {sys.argv[2]} (cables index)\\n".encode())
print("held", flush=True)
time.sleep(60)
"""


def test_lock_message_never_names_a_process_that_has_ended(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_cable(corpus, "09BAGHDAD100")
    root = tmp_path / "index"
    root.mkdir()
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead_pid = int(ended.stdout)  # (reaped: the pid names no process now)
    for named, expected in ((dead_pid, "by another process"), (os.getpid(), f"{os.getpid()}")):
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(root / ".lock"), str(named)],
            stdout=subprocess.PIPE, text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            second = subprocess.run(
                [sys.executable, "-m", "indexer", "index", str(corpus), "--index", str(root)],
                capture_output=True, text=True, timeout=60,
            )
            assert second.returncode == 1
            assert expected in second.stderr
            if named == dead_pid:
                assert f"process {dead_pid}" not in second.stderr
        finally:
            holder.kill()
            holder.communicate()
