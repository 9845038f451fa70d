"""Schema and event versions: newer journals and newer events are refused untouched; an older
journal is migrated by Alembic only after a private backup copy is made."""

import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from integrity_support import fingerprint, raw_sql, rows, settle

from journal.core.errors import BadInput
from journal.service import Journal
from journal.storage import store
from journal.storage.store import event_hash

KEPT = Path(__file__).parent / "data" / "journal-v0.1.0.sqlite"

NEXT_MIGRATION = '''
"""A stand-in for the next schema revision."""
from alembic import op

revision = "{new}"
down_revision = "{old}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE migrated_marker (x INTEGER)")


def downgrade() -> None:
    op.execute("DROP TABLE migrated_marker")
'''


@pytest.fixture
def next_revision(tmp_path, monkeypatch):
    """This program, one schema revision later: the real migrations plus one more."""
    scripts = tmp_path / "migrations"
    shutil.copytree(store.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    old = store.HEAD_REVISION
    new = f"{int(old) + 1:04d}"
    (scripts / "versions" / f"{new}_next.py").write_text(NEXT_MIGRATION.format(new=new, old=old))
    monkeypatch.setattr(store, "migrations_dir", lambda: scripts)
    monkeypatch.setattr(store, "HEAD_REVISION", new)
    monkeypatch.setattr(store, "KNOWN_REVISIONS", (*store.KNOWN_REVISIONS, new))
    return new


def test_a_new_journal_starts_at_the_head_revision(journal_env, next_revision, ok):
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    with closing(sqlite3.connect(journal_env)) as conn:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert revision == next_revision
    assert list(journal_env.parent.glob("*.backup-*")) == []  # nothing to back up


def test_the_kept_journal_is_migrated_after_a_private_backup(tmp_path, next_revision):
    path = tmp_path / "old.sqlite"
    shutil.copyfile(KEPT, path)
    path.chmod(0o600)
    before = rows(path)
    journal = Journal(path)
    journal.close()
    backups = list(tmp_path.glob("old.sqlite.backup-*"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    with closing(sqlite3.connect(backups[0])) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    assert rows(backups[0]) == before
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
            next_revision
        )
        conn.execute("SELECT count(*) FROM migrated_marker")
    assert rows(path) == before


def test_a_newer_journal_is_refused_untouched(tmp_path):
    path = tmp_path / "newer.sqlite"
    shutil.copyfile(KEPT, path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(BadInput) as refused:
        Journal(path)
    assert refused.value.key == "newer_journal"
    assert path.read_bytes() == before
    assert list(tmp_path.glob("*.backup-*")) == []  # never "upgraded" backwards


def test_an_event_from_a_newer_version_is_refused_clearly(journal_env, ok, run):
    ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500")
    last = rows(journal_env)[-1]
    content = (
        2,
        "future:0",
        "T1",
        2,
        "note",
        99,
        '{"note":"from the future"}',
        "2026-11-20T00:00:00Z",
        "2026-11-20T00:00:00Z",
    )
    raw_sql(
        journal_env,
        (
            "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (*content, last[-1], event_hash(last[-1], content)),
        ),
    )
    settle(journal_env)
    before = fingerprint(journal_env)
    result = run("show", "T1")
    assert result.code == 2
    assert "newer than this program" in result.err and result.err.count("\n") == 1
    checked = run("verify", "--json")
    assert checked.code == 4 and checked.json()["damage"]["problem"] == "newer_event"
    assert "upgrade trade-journal" in checked.err
    assert fingerprint(journal_env) == before
