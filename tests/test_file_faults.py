"""Files under faults: a journal appears atomically and once (import racing add, a killed
import), stale partial files are cleaned up, nothing is written through a symlink, verify
under a writer, odd characters in paths, permissions under umask 000.

Real SQLite files and the real `journal` command in child processes throughout.
"""

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from integrity_support import raw_sql, synthetic_export

from journal import files
from journal.core.errors import BadInput

EXE = Path(sys.executable).with_name("journal")
LISTED = ("add", "listed", "--platform", "rakuma", "--title", "x", "--price", "100")


def _env(tmp_path: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "JOURNAL_CONFIG": str(tmp_path / "none.toml"),
        "JOURNAL_TZ": "Asia/Tokyo",
        "JOURNAL_LANG": "en",
        **extra,
    }


def _journal(*args, env: dict, umask: int | None = None) -> subprocess.CompletedProcess:
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run(
        [str(EXE), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=preexec,
    )


def _one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), result.stderr
    return lines[0]


def _ids(db: Path) -> list[str]:
    uri = f"file:{quote(str(db.absolute()))}?mode=ro"  # a path, never URL syntax
    with closing(sqlite3.connect(uri, uri=True, timeout=30)) as conn:
        return [r[0] for r in conn.execute("SELECT stream FROM events ORDER BY seq")]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- a journal comes into existence atomically and only once ----------------------------------

# A child that has imported everything and waits for "go": the race is then decided by the
# offset between the two, not by how long Python takes to start.
READY = """
import sys
import cli
import journal.storage.portable, journal.service, journal.storage.store, sqlalchemy, alembic.command
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
code = cli.main(sys.argv[1:])
sys.stdout.flush(); sys.stderr.flush()
import os
os._exit(code)
"""


def _ready(args, env) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", READY, *map(str, args)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "ready\n"
    return process


def _go(process: subprocess.Popen) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


@pytest.mark.slow
def test_import_racing_add_on_a_new_path_never_loses_an_acknowledged_event(tmp_path):
    source = tmp_path / "small.jsonl"
    count = synthetic_export(source, trades=3)
    env = _env(tmp_path)
    tries = int(os.environ.get("RACE_TRIES", "40"))  # 100+ by hand
    rng = random.Random(15)
    outcomes: dict[tuple[int, int], int] = {}
    for attempt in range(tries):
        db = tmp_path / f"race{attempt}" / "j.sqlite"
        adder = _ready([*LISTED, "--id", "MINE", "--db", db], env)
        importer = _ready(["import", source, "--db", db], env)
        offset = rng.uniform(-0.03, 0.03)
        first, second = (adder, importer) if offset >= 0 else (importer, adder)
        _go(first)
        time.sleep(abs(offset))
        _go(second)
        added_out, added_err = adder.communicate(timeout=60)
        imported_out, imported_err = importer.communicate(timeout=60)
        assert "Traceback" not in added_err + imported_err
        assert adder.returncode in (0, 2) and importer.returncode in (0, 2), (
            added_err,
            imported_err,
        )
        outcomes[(adder.returncode, importer.returncode)] = (
            outcomes.get((adder.returncode, importer.returncode), 0) + 1
        )
        ids = _ids(db) if db.exists() else []
        if adder.returncode == 0:
            assert "MINE" in added_out and "MINE" in ids, (attempt, offset, imported_err)
        if importer.returncode == 0:
            assert len([i for i in ids if i != "MINE"]) == count
        else:
            assert len(_one_line_of(imported_err)) > 0
        assert [p.name for p in db.parent.iterdir() if ".partial-" in p.name] == []
    assert sum(outcomes.values()) == tries
    print("outcomes (add, import):", outcomes)


def _one_line_of(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: "), stderr
    return lines[0]


@pytest.mark.slow
def test_a_killed_import_leaves_nothing_that_blocks_its_retry(tmp_path):
    source = tmp_path / "mid.jsonl"
    count = synthetic_export(source, trades=5_000)
    env = _env(tmp_path)
    rng = random.Random(2)
    before_publish = 0
    for attempt in range(int(os.environ.get("KILL_TRIES", "8"))):
        db = tmp_path / f"kill{attempt}" / "restored.sqlite"
        process = subprocess.Popen(
            [str(EXE), "import", str(source), "--db", str(db)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if db.exists():  # killed after the journal was published: it is whole
            assert len(_ids(db)) == count
            assert _journal("verify", "--db", db, env=env).returncode == 0
            continue
        before_publish += 1
        assert not os.path.lexists(db)
        again = _journal("import", source, "--db", db, env=env)
        assert again.returncode == 0, again.stderr
        assert f"imported {count} events" in again.stdout
        assert _journal("verify", "--db", db, env=env).returncode == 0
        assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []
    assert before_publish >= 1, "every kill came too late to test anything"


def test_a_refused_import_into_an_existing_journal_leaves_it_as_it_was(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "j.sqlite"
    assert _journal(*LISTED, "--id", "MINE", "--db", db, env=env).returncode == 0
    source = tmp_path / "small.jsonl"
    synthetic_export(source, trades=2)
    refused = _journal("import", source, "--db", db, env=env)
    assert refused.returncode == 2
    assert "already holds events" in _one_line(refused)
    assert _ids(db) == ["MINE"]


def test_a_failed_import_to_a_new_path_leaves_nothing(tmp_path):
    env = _env(tmp_path)
    source = tmp_path / "bad.jsonl"
    source.write_text('{"format": "trade-journal-events", "version": 1, "events": 5, "head": ""}\n')
    db = tmp_path / "new.sqlite"
    refused = _journal("import", source, "--db", db, env=env)
    assert refused.returncode == 2
    _one_line(refused)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


# -- stale partial files ------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


@pytest.mark.parametrize("command", ["backup", "export"])
def test_stale_partials_are_removed_by_the_next_backup_or_export(tmp_path, command):
    env = _env(tmp_path)
    db = tmp_path / "j.sqlite"
    assert _journal(*LISTED, "--db", db, env=env).returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getpid()
    stale_dead = out / f".old.sqlite.partial-{dead}"  # the name an older version used
    stale_dead_new = out / f".old.jsonl.partial-{dead}-0123abcd"
    stale_wal = out / f".old.jsonl.partial-{dead}-0123abcd-wal"
    stale_old = out / f".old2.sqlite.partial-{alive}-89abcdef"  # pid reused, untouched 2 h
    live = out / f".busy.sqlite.partial-{alive}-deadbeef"  # a writer at work right now
    other = out / ".notes.partial"  # not one of our names
    for path in (stale_dead, stale_dead_new, stale_wal, stale_old, live, other):
        path.write_bytes(b"x" * 1000)
    _age(stale_old, 7200)
    victim = out / "victim.txt"
    victim.write_text("precious")
    link = out / f".link.sqlite.partial-{dead}"  # never ours: left alone
    link.symlink_to(victim)

    target = out / ("copy.sqlite" if command == "backup" else "copy.jsonl")
    args = ("backup", target) if command == "backup" else ("export", "-o", target)
    done = _journal(*args, "--db", db, env=env)
    assert done.returncode == 0, done.stderr

    left = sorted(p.name for p in out.iterdir())
    assert left == sorted([live.name, other.name, link.name, victim.name, target.name])
    assert victim.read_text() == "precious"


def test_a_killed_backups_partial_is_removed_by_the_next_export(tmp_path):
    env = _env(tmp_path)
    source = tmp_path / "big.jsonl"
    synthetic_export(source, trades=20_000)
    db = tmp_path / "j.sqlite"
    assert _journal("import", source, "--db", db, env=env).returncode == 0
    out = tmp_path / "out"
    out.mkdir()
    process = subprocess.Popen(
        [str(EXE), "backup", str(out / "b.sqlite"), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        partial = list(out.glob(".b.sqlite.partial-*"))
        if partial and partial[0].exists() and partial[0].stat().st_size > 0:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.001)
    process.wait(timeout=30)
    if process.returncode != -signal.SIGKILL:
        pytest.skip("the backup finished before it could be killed")
    assert list(out.glob(".b.sqlite.partial-*"))
    assert not (out / "b.sqlite").exists()
    done = _journal("export", "-o", out / "e.jsonl", "--db", db, env=env)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["e.jsonl"]


# -- never through a symlink, never over something there ----------------------------------------


def _targets(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious data")
    link = tmp_path / "link"
    link.symlink_to(victim)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "made-through-link")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    plain = tmp_path / "plain.sqlite"
    plain.write_text("mine")
    return victim, {
        "symlink": (link, "symbolic link"),
        "dangling-symlink": (dangling, "symbolic link"),
        "fifo": (fifo, "not a regular file"),
        "folder": (folder, "not a regular file"),
        "existing-file": (plain, "already exists"),
    }


@pytest.mark.parametrize("command", ["backup", "export"])
def test_backup_and_export_refuse_anything_already_at_the_path(tmp_path, command):
    env = _env(tmp_path)
    db = tmp_path / "j.sqlite"
    assert _journal(*LISTED, "--db", db, env=env).returncode == 0
    victim, cases = _targets(tmp_path)
    for name, (target, words) in cases.items():
        before = sorted(p.name for p in tmp_path.iterdir())
        args = ("backup", target) if command == "backup" else ("export", "-o", target)
        refused = _journal(*args, "--db", db, env=env)
        assert refused.returncode == 2, (name, refused.stderr)
        assert words in _one_line(refused), name
        assert sorted(p.name for p in tmp_path.iterdir()) == before, name
    assert victim.read_text() == "precious data"
    assert (tmp_path / "plain.sqlite").read_text() == "mine"
    assert not (tmp_path / "made-through-link").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a file another user owns")
def test_a_file_of_another_user_is_refused(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "j.sqlite"
    assert _journal(*LISTED, "--db", db, env=env).returncode == 0
    theirs = tmp_path / "theirs.sqlite"
    theirs.write_text("theirs")
    os.chown(theirs, 65534, 65534)
    refused = _journal("backup", theirs, "--db", db, env=env)
    assert refused.returncode == 2
    assert "another user" in _one_line(refused)
    assert theirs.read_text() == "theirs"
    with pytest.raises(BadInput, match="another user"):
        files.open_private(theirs)


def test_open_private_never_follows_a_symlink_nor_truncates(tmp_path):
    """The helper other files beside the journal (a lock, a calendar) are meant to use."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "x.lock"
    link.symlink_to(victim)
    with pytest.raises(BadInput, match="symbolic link"):
        files.open_private(link)
    dangling = tmp_path / "y.lock"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(BadInput, match="symbolic link"):
        files.open_private(dangling)
    assert not (tmp_path / "nowhere").exists()
    assert victim.read_text() == "precious"
    with pytest.raises(BadInput, match="not a regular file"):
        files.open_private(tmp_path)
    old = os.umask(0)
    try:
        fd = files.open_private(tmp_path / "new.lock")
    finally:
        os.umask(old)
    os.write(fd, b"123")
    os.close(fd)
    assert _mode(tmp_path / "new.lock") == 0o600
    os.close(files.open_private(tmp_path / "new.lock"))
    assert (tmp_path / "new.lock").read_bytes() == b"123"  # not truncated
    with pytest.raises(BadInput):
        files.open_private(tmp_path / "absent.lock", create=False)


# -- verify under a writer ------------------------------------------------------------------------

WRITER = """
import sys, time
import cli
n = 0
while True:
    n += 1
    cli.main(["add", "note", f"T{1 + n % 50}", "--note", f"n{n}"])
"""


@pytest.mark.slow
def test_verify_under_a_concurrent_writer_raises_no_false_alarm(tmp_path):
    source = tmp_path / "big.jsonl"
    synthetic_export(source, trades=15_000)
    db = tmp_path / "j.sqlite"
    env = _env(tmp_path, JOURNAL_DB=str(db))
    assert _journal("import", source, env=env).returncode == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    overlapped = 0
    try:
        for _ in range(20):
            before = len(_ids(db))
            checked = _journal("verify", env=env)
            assert checked.returncode == 0, checked.stderr
            overlapped += len(_ids(db)) > before
    finally:
        writer.kill()
        writer.wait()
    assert overlapped >= 15, f"only {overlapped} of 20 verifies ran while events were appended"
    # A real loss at the end of the log is still caught.
    last = len(_ids(db))
    raw_sql(db, ("DELETE FROM events WHERE seq > ?", (last - 3,)))
    caught = _journal("verify", env=env)
    assert caught.returncode == 4
    assert "lost events" in _one_line(caught)


# -- paths are file names, not URLs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["q?mode=ro.sqlite", "pct%41.sqlite", "q2?timeout=abc", "100%25/j.sqlite", "a#b&c=d.sqlite"],
)
def test_db_paths_with_url_characters_are_plain_file_names(tmp_path, name):
    env = _env(tmp_path)
    folder = tmp_path / "work"
    folder.mkdir()
    db = folder / name
    added = _journal(*LISTED, "--id", "MINE", "--db", db, env=env)
    assert added.returncode == 0, added.stderr
    made = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert made == [name]
    assert _ids(db) == ["MINE"]
    assert _journal("verify", "--db", db, env=env).returncode == 0
    assert _journal("backup", folder / f"{name}.bak", "--db", db, env=env).returncode == 0


def test_the_rebuild_helper_opens_a_path_with_url_characters(tmp_path, monkeypatch):
    from bench.generate import generate
    from journal.service import Journal
    from journal.storage import rebuild

    path = tmp_path / "q?mode=ro%41#x.sqlite"
    generate(path, 1_000, seed=3)
    journal = Journal(path)
    monkeypatch.setattr(rebuild, "PARALLEL_MIN_EVENTS", 0)
    calls = []
    real = rebuild.project_all
    monkeypatch.setattr(rebuild, "project_all", lambda *a, **k: calls.append(k) or real(*a, **k))
    journal.rebuild()
    journal.close()
    assert [set(k) for k in calls] == [{"high"}]  # the helper read the file: no fallback
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# -- permissions, and never creating what should exist ------------------------------------------


def test_folders_and_a_journal_through_a_dangling_symlink_are_private_under_umask_000(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "a" / "b" / "c" / "j.sqlite"
    assert _journal(*LISTED, "--db", db, env=env, umask=0).returncode == 0
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert _mode(folder) == 0o700, folder
    assert _mode(db) == 0o600
    link = tmp_path / "link.sqlite"
    link.symlink_to(tmp_path / "x" / "y" / "real.sqlite")
    assert _journal(*LISTED, "--id", "MINE", "--db", link, env=env, umask=0).returncode == 0
    real = tmp_path / "x" / "y" / "real.sqlite"
    assert _mode(real) == 0o600
    assert _mode(real.parent) == 0o700 and _mode(real.parent.parent) == 0o700
    assert link.is_symlink() and _ids(link) == ["MINE"]
    out = tmp_path / "out"
    out.mkdir()
    assert _journal("backup", out / "b.sqlite", "--db", db, env=env, umask=0).returncode == 0
    assert _journal("export", "-o", out / "e.jsonl", "--db", db, env=env, umask=0).returncode == 0
    assert _mode(out / "b.sqlite") == 0o600 and _mode(out / "e.jsonl") == 0o600


@pytest.mark.parametrize("command", [("verify",), ("backup", "B"), ("export", "-o", "E")])
def test_commands_that_need_a_journal_never_create_one(tmp_path, command):
    env = _env(tmp_path)
    args = [str(tmp_path / a) if a in ("B", "E") else a for a in command]
    for db in (tmp_path / "missing" / "j.sqlite", tmp_path / "dangling.sqlite"):
        if db.name == "dangling.sqlite":
            db.symlink_to(tmp_path / "nowhere.sqlite")
        refused = _journal(*args, "--db", db, env=env)
        assert refused.returncode == 2
        assert "there is no journal" in _one_line(refused)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.sqlite"]
