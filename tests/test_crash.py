"""Crash safety: SIGKILL in the middle of an import or a rebuild loses nothing and half-writes
nothing; read models that lag the log are repaired on next use."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from integrity_support import rows, settle, synthetic_export

from journal.safekeeping import import_file
from journal.service import Journal
from journal.storage import queries
from journal.storage.store import Store

pytestmark = pytest.mark.slow

TRADES = 60_000  # two events each: large enough that import and rebuild take seconds
EXE = Path(sys.executable).with_name("journal")


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    return path, synthetic_export(path, trades=TRADES, notes=1)


@pytest.fixture(scope="module")
def big_journal(big_export, tmp_path_factory):
    """A journal holding the whole big export, checkpointed into one file."""
    path = tmp_path_factory.mktemp("bigdb") / "journal.sqlite"
    journal = Journal(path)
    import_file(journal, big_export[0])
    journal.close()
    settle(path)
    return path


def _env(tmp_path: Path) -> dict:
    return {
        **os.environ,
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
    }


def _kill_when_wal_exceeds(process: subprocess.Popen, db: Path, size: int) -> None:
    """Wait until the command is visibly writing (its WAL has grown), then SIGKILL it."""
    wal = db.with_name(db.name + "-wal")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if wal.exists() and wal.stat().st_size > size:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return
        time.sleep(0.01)
    process.kill()
    pytest.fail(f"the command finished or stalled before it could be killed: {process.returncode}")


def _journal(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("at_bytes", [2_000_000, 20_000_000], ids=["early", "late"])
def test_sigkill_during_import_leaves_none_of_it(big_export, tmp_path, at_bytes):
    source, count = big_export
    db = tmp_path / "restored.sqlite"
    env = _env(tmp_path)
    process = subprocess.Popen(
        [str(EXE), "import", str(source), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # The new journal is built under a hidden name beside the target, published when whole.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        wals = list(tmp_path.glob(".restored.sqlite.partial-*-wal"))
        if wals and _size(wals[0]) > at_bytes:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import finished before it was killed"

    assert not db.exists()  # all or none: here none, and nothing that blocks a retry
    assert list(tmp_path.glob(".restored.sqlite.partial-*"))  # the killed import's own file
    again = _journal("import", str(source), "--db", str(db), env=env)
    assert again.returncode == 0, again.stderr
    assert f"imported {count} events" in again.stdout
    assert _journal("verify", "--db", str(db), env=env).returncode == 0
    assert list(tmp_path.glob(".restored.sqlite.partial-*")) == []  # removed by the retry


def test_sigkill_during_rebuild_keeps_log_and_read_models(big_journal, tmp_path):
    db = tmp_path / "journal.sqlite"
    shutil.copyfile(big_journal, db)
    before = rows(db)
    env = _env(tmp_path)
    process = subprocess.Popen(
        [str(EXE), "rebuild", "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _kill_when_wal_exceeds(process, db, 1_000_000)
    assert process.returncode == -signal.SIGKILL

    checked = _journal("verify", "--db", str(db), env=env)
    assert checked.returncode == 0, checked.stderr
    assert rows(db) == before
    listed = _journal("list", "--db", str(db), "--json", env=env)
    assert listed.returncode == 0 and listed.stdout.count('"id"') == TRADES


def test_lagging_read_models_are_repaired_on_next_use(journal_env, ok, run):
    """Events appended without their projection (a crash, or an append-only tool)."""
    from datetime import UTC, datetime, timedelta

    from journal.core.events import Event

    ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス", "--price", "3000")
    store = Store(journal_env)
    moment = datetime.now(UTC) - timedelta(minutes=1)
    with store.write() as conn:
        store.append(
            conn,
            [
                Event(
                    "listed",
                    "X1",
                    {"platform": "mercari", "title": "靴", "price": 500},
                    moment,
                    event_id="x:0",
                ),
                Event("sold", "X1", {"buyer": "けん"}, moment, event_id="x:1"),
            ],
            moment,
        )
    with store.read() as conn:
        assert queries.checkpoint(conn) == 1 and store.last_seq(conn) == 3
    store.dispose()

    listed = ok("list", "--json")
    assert '"X1"' in listed and "awaiting_payment" in listed
    assert "payment" in ok("upcoming", "--json")
    store = Store(journal_env)
    with store.read() as conn:
        assert queries.checkpoint(conn) == 3
    store.dispose()
    assert run("verify").code == 0


@pytest.mark.parametrize("ahead", ["0", str(1 << 60)], ids=["read-ahead", "one-process"])
def test_ctrl_c_during_import_is_quiet_and_imports_nothing(big_export, tmp_path, ahead):
    source, _count = big_export
    db = tmp_path / "restored.sqlite"
    env = {**_env(tmp_path), "JOURNAL_IMPORT_AHEAD_BYTES": ahead}  # a helper process or none
    process = subprocess.Popen(
        [str(EXE), "import", str(source), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # As at a terminal: a test run started in the background of a script inherits SIGINT
        # ignored (POSIX, for asynchronous commands without job control) and would pass it on.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        # The new journal is built under a hidden name beside the target: once it (with its
        # WAL, which a checkpoint moves into it) holds 2 MB, the import is well under way.
        if sum(map(_size, tmp_path.glob(".restored.sqlite.partial-*"))) > 2_000_000:
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.01)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, (out, err)
    assert "Traceback" not in err
    assert "imported" not in out
    assert list(tmp_path.glob("*restored.sqlite*")) == []  # the new journal was removed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


BUNDLER = """
import sys
import cli
n = 0
while True:
    n += 1
    for side in ("a", "b"):
        cli.main(["add", "listed", "--id", f"L{n}{side}", "--platform", "mercari",
                  "--title", f"{n}{side}", "--price", "100", "--at", "-1h"])
    cli.main(["add", "bundle", f"L{n}a", f"L{n}b", "--id", f"S{n}", "--price", "150",
              "--buyer", "はな"])
"""


def test_sigkill_during_multi_event_commands_keeps_each_command_whole(tmp_path):
    """A bundle is one command writing three events; killed at any moment, never a part."""
    db = tmp_path / "journal.sqlite"
    env = {**_env(tmp_path), "JOURNAL_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-c", BUNDLER], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists() and len(_events(db)) >= 40:
            break
        time.sleep(0.05)
    time.sleep(0.137)  # an arbitrary moment, most likely mid-command
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    stored = _events(db)
    commands: dict[str, list[int]] = {}
    for event_id, _type in stored:
        command, index = event_id.split(":")
        commands.setdefault(command, []).append(int(index))
    for command, indexes in commands.items():
        assert indexes == list(range(len(indexes))), command
    bundles = [e for e in stored if e[1] == "bundle"]
    assert bundles
    for event_id, _ in bundles:
        assert len(commands[event_id.split(":")[0]]) == 3
    assert _journal("verify", "--db", str(db), env=env).returncode == 0


def _events(db: Path) -> list[tuple[str, str]]:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db, timeout=30)) as conn:
        try:
            return list(conn.execute("SELECT event_id, type FROM events ORDER BY seq"))
        except sqlite3.OperationalError:
            return []


def _partial_size(folder: Path) -> int:
    """The size of the backup being written (its -wal/-shm siblings come and go: a file
    listed a moment ago may be gone when asked its size)."""
    for found in folder.glob(".backup.sqlite.partial-*"):
        if found.name.endswith(("-wal", "-shm", "-journal")):
            continue
        try:
            return found.stat().st_size
        except FileNotFoundError:
            continue
    return 0


def test_sigkill_during_backup_leaves_no_file_that_looks_whole(big_journal, tmp_path):
    target = tmp_path / "backup.sqlite"
    env = _env(tmp_path)
    process = subprocess.Popen(
        [str(EXE), "backup", str(target), "--db", str(big_journal)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if _partial_size(tmp_path) > 1_000_000:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the backup finished before it was killed"
    assert not target.exists()
    again = _journal("backup", str(target), "--db", str(big_journal), env=env)
    assert again.returncode == 0, again.stderr
    assert _journal("verify", "--log-only", "--db", str(target), env=env).returncode == 0
