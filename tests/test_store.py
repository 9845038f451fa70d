"""The event store on a real SQLite file: append-only guards, sequence numbers, migrations
(the door's own rules on the log run on a journal in memory: `door`)."""

import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from sqlite3 import IntegrityError

import pytest
from support.stores import in_memory

from journal.core.errors import BadInput, Refused
from journal.core.events import Event
from journal.service import Journal
from journal.storage.store import GENESIS_HASH, HEAD_REVISION, event_hash

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "j.sqlite")
    yield j
    j.close()


@pytest.fixture
def door():
    """A journal in memory (the fast middle layer): the same SQL, no file."""
    with in_memory() as j:
        yield j


def listed(j: Journal, **extra) -> str:
    fields = {"platform": "mercari", "title": "x", "price": 100, **extra}
    return j.add("listed", None, AT, fields, now=AT)[0].stream


def test_first_use_creates_the_schema_with_alembic(journal):
    with sqlite3.connect(journal.store.path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    assert triggers == {"events_no_update", "events_no_delete"}


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET payload = '{}' WHERE seq = 1",
        "UPDATE events SET stream = 'T9'",
        "DELETE FROM events WHERE seq = 1",
        "DELETE FROM events",
    ],
)
def test_direct_update_or_delete_of_events_fails(journal, sql):
    listed(journal)
    with sqlite3.connect(journal.store.path) as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
        assert db.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_stream_versions_are_unique_in_the_database(journal):
    listed(journal)
    with sqlite3.connect(journal.store.path) as db, pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO events VALUES (2, 'e2', 'T1', 1, 'note', 1, '{}', 'x', 'x', 'h', 'h')"
        )


def test_sequence_is_gapless_across_refusals_and_streams(door):
    a = listed(door)
    b = listed(door)
    for _ in range(3):
        with pytest.raises(Refused):
            door.add("shipped", a, AT, {}, now=AT)
    door.add("sold", b, AT, {"buyer": "x"}, now=AT)
    door.add("note", a, AT, {"note": "n"}, now=AT)
    with door.store.read() as conn:
        rows = list(conn.exec_driver_sql("SELECT seq, stream, version FROM events ORDER BY seq"))
    assert rows == [(1, a, 1), (2, b, 1), (3, b, 2), (4, a, 2)]


def test_every_event_links_to_the_previous_hash(journal):
    t = listed(journal)
    journal.add("note", t, AT, {"note": "日本語 😀"}, now=AT)
    with journal.store.read() as conn:
        rows = list(conn.exec_driver_sql("SELECT * FROM events ORDER BY seq"))
    prev = GENESIS_HASH
    for row in rows:
        assert row[9] == prev
        assert row[10] == event_hash(prev, tuple(row[:9]))
        prev = row[10]


def test_a_retried_command_is_not_appended_twice(door):
    t = listed(door)
    pending = Event("note", t, {"note": "once"}, AT, event_id="fixed-id:0")
    with door.store.write() as conn:
        door.store.append(conn, [pending], AT)
    with pytest.raises(IntegrityError), door.store.write() as conn:
        door.store.append(conn, [pending], AT)
    with door.store.read() as conn:
        assert door.store.has_event_id(conn, "fixed-id:0")
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one() == 2


def test_read_models_catch_up_when_the_checkpoint_lags(door):
    t = listed(door)
    # Another tool appends an event without projecting it (as a crash between the two would).
    pending = Event("sold", t, {"buyer": "b"}, AT, event_id="raw:0")
    with door.store.write() as conn:
        door.store.append(conn, [pending], AT)
    trade, _events, deadlines = door.trade(t)
    assert trade.state == "awaiting_payment"
    assert [d.kind for d in deadlines] == ["payment"]


def test_alembic_is_not_imported_when_the_schema_is_current(tmp_path):
    db = tmp_path / "j.sqlite"
    Journal(db).close()
    code = textwrap.dedent(
        f"""
        import sys
        from journal.service import Journal
        Journal(__import__("pathlib").Path({str(db)!r})).close()
        print("alembic" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_unknown_newer_schema_is_refused_and_left_alone(tmp_path, run, journal_env):
    assert run("list").code == 0
    with sqlite3.connect(journal_env) as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    before = journal_env.read_bytes()
    result = run("list")
    assert result.code == 2 and "newer trade-journal" in result.err
    assert journal_env.read_bytes() == before


@pytest.mark.parametrize("bad", [{"ship_days": "soon"}, {"ship_days": "9-5"}, {"kind": "weird"}])
def test_the_library_checks_listing_options_too(door, bad):
    """The command line checks these with click; callers of the library must not bypass it."""
    with pytest.raises(BadInput):
        listed(door, **bad)
    with door.store.read() as conn:
        assert door.store.last_seq(conn) == 0
