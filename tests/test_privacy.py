"""The journal and every copy of it are readable by the owner only, whatever the umask."""

import os
import stat

import pytest


@pytest.fixture
def open_umask():
    """The most permissive umask a user could have."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_journal_and_its_side_files_are_private(tmp_path, open_umask, run, ok):
    db = tmp_path / "new" / "folder" / "journal.sqlite"
    ok("add", "listed", "--platform", "rakuma", "--title", "x", "--price", "100", "--db", db)
    assert _mode(db) == 0o600
    assert _mode(db.parent) == 0o700  # folders the journal had to create
    from journal.service import Journal

    journal = Journal(db)  # keep a connection open so the WAL files exist
    with journal.store.read() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
        for side in ("-wal", "-shm"):
            path = db.with_name(db.name + side)
            assert path.exists(), side
            assert _mode(path) == 0o600, side
    journal.close()


def test_backup_and_export_are_private(tmp_path, open_umask, journal_env, ok):
    ok("add", "listed", "--platform", "rakuma", "--title", "x", "--price", "100")
    ok("backup", tmp_path / "copy.sqlite")
    ok("export", "-o", tmp_path / "copy.jsonl")
    assert _mode(tmp_path / "copy.sqlite") == 0o600
    assert _mode(tmp_path / "copy.jsonl") == 0o600
    assert _mode(journal_env) == 0o600
