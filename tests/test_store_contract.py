"""The store contract: what the door (`journal.service.Journal`) needs from a store, held
the same on the in-memory store (the fast middle layer), a SQLite file and PostgreSQL.

Append and read in order, gapless `seq` and stream versions; an event id seen before writes
nothing; a batch is all or nothing; every event links to the previous one's hash; a stale
`expected` is refused and a race is retried; the read models and the change feed follow the
log; the sent-reminder records are written once. Each test runs on each engine in turn (the
PostgreSQL one skips without a server here, and fails in CI: tests/real_parts.py).
"""

import hashlib
import json
import threading
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from support.stores import listed, sold

from journal.core.clock import fmt_time
from journal.core.errors import Refused
from journal.core.events import Event
from journal.service import Journal
from journal.storage.engines.memory import MemoryStore
from journal.storage.store import GENESIS_HASH

AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
ROW = (
    "SELECT seq, event_id, stream, version, type, schema_version, payload, occurred_at,"
    " recorded_at, prev_hash, hash FROM events ORDER BY seq"
)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def journal(request, tmp_path):
    """An empty journal on each store in turn."""
    if request.param == "memory":
        where = MemoryStore()
    elif request.param == "sqlite":
        where = tmp_path / "journal.sqlite"
    else:
        where = request.getfixturevalue("pg_url")
    j = Journal(where)
    yield j
    j.close()


def stored(j: Journal) -> list[tuple]:
    with j.store.read() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(ROW)]


def note(stream: str, text: str, event_id: str) -> Event:
    return Event("note", stream, {"note": text}, AT, event_id=event_id)


def test_appends_are_read_back_in_order_with_gapless_numbers(journal):
    a = listed(journal, AT)
    b = sold(journal, AT)
    journal.record("note", a, AT, {"note": "一"}, now=AT)
    journal.record("note", b, AT, {"note": "二"}, now=AT)
    rows = stored(journal)
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (1, a, 1, "listed"),
        (2, b, 1, "listed"),
        (3, b, 2, "sold"),
        (4, a, 2, "note"),
        (5, b, 3, "note"),
    ]
    with journal.store.read() as conn:
        assert [e.version for e in journal.store.stream(conn, b)] == [1, 2, 3]
        assert [e.seq for e in journal.store.events(conn)] == [1, 2, 3, 4, 5]
        assert journal.store.event_at(conn, 4).payload == {"note": "一"}
        assert journal.store.event_at(conn, 6) is None
    assert journal.last_seq() == 5
    assert [e.type for e in journal.log(b)] == ["listed", "sold", "note"]


def test_every_event_links_to_the_previous_hash(journal):
    t = listed(journal, AT)
    journal.record("note", t, AT, {"note": "日本語 😀"}, now=AT)
    journal.record("sold", t, AT, {"buyer": "b"}, now=AT)
    prev = GENESIS_HASH
    for row in stored(journal):
        assert row[9] == prev
        # computed here from the definition, not with the store's own function
        content = json.dumps(list(row[:9]), ensure_ascii=False, separators=(",", ":"))
        assert row[10] == hashlib.sha256((prev + content).encode()).hexdigest()
        prev = row[10]


def test_an_event_id_seen_before_writes_nothing(journal):
    t = listed(journal, AT)
    with journal.store.write() as conn:
        journal.store.append(conn, [note(t, "once", "fixed:0")], AT)
    before = stored(journal)
    with pytest.raises(journal.store.duplicate), journal.store.write() as conn:
        journal.store.append(conn, [note(t, "twice", "other:0"), note(t, "twice", "fixed:0")], AT)
    assert stored(journal) == before  # the whole batch, its first event too
    with journal.store.read() as conn:
        assert journal.store.has_event_id(conn, "fixed:0")
        assert not journal.store.has_event_id(conn, "other:0")


def test_a_command_sent_twice_records_once(journal):
    t = listed(journal, AT)
    first = journal.record("note", t, AT, {"note": "x"}, now=AT, command_id="form-0001")
    again = journal.record("note", t, AT, {"note": "x"}, now=AT, command_id="form-0001")
    assert [e.seq for e in again.events] == [e.seq for e in first.events] == [2]
    assert journal.last_seq() == 2


def test_a_transaction_that_fails_leaves_nothing(journal):
    t = listed(journal, AT)
    before = stored(journal)
    with pytest.raises(RuntimeError), journal.store.write() as conn:
        journal.store.append(conn, [note(t, "a", "a:0"), note(t, "b", "b:0")], AT)
        raise RuntimeError("the step fails after its append")
    assert stored(journal) == before
    assert journal.trade(t)[0].state == "listed"


def test_the_log_refuses_to_change_or_lose_events(journal):
    listed(journal, AT)
    for sql in ("UPDATE events SET type = 'x'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"), journal.store.write() as conn:
            conn.exec_driver_sql(sql)
    assert [r[4] for r in stored(journal)] == ["listed"]


def test_a_stale_expected_version_is_refused_and_writes_nothing(journal):
    t = listed(journal, AT)
    seen = journal.trade(t)[0].seen
    journal.record("note", t, AT, {"note": "from elsewhere"}, now=AT)
    with pytest.raises(Refused) as refusal:
        journal.record("sold", t, AT, {"buyer": "b"}, now=AT, expected=seen)
    assert refusal.value.key == "changed_since"
    assert journal.last_seq() == 2


def test_writers_racing_on_one_journal_all_land_once(journal):
    """Two threads adding at once: each write waits for the other, no number is reused."""
    errors: list[BaseException] = []

    def add_three() -> None:
        try:
            for _ in range(3):
                listed(journal, AT)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=add_three) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = stored(journal)
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert sorted(r[2] for r in rows) == sorted(f"T{n}" for n in range(1, 7))


def test_the_read_models_and_the_change_feed_follow_the_log(journal):
    a = listed(journal, AT)
    last, changed = journal.changes(0)
    assert (last, changed) == (1, [a])
    b = sold(journal, AT)
    assert journal.changes(last) == (3, [b])
    assert journal.changes(3) == (3, [])
    assert [(x.id, x.state) for x in journal.trades(False, AT)] == [
        (a, "listed"),
        (b, "awaiting_payment"),
    ]
    _trade, _events, deadlines = journal.trade(b)
    assert [d.kind for d in deadlines] == ["payment"]
    agenda = journal.upcoming(AT, timedelta(days=30))
    assert [(d.trade, d.kind) for d in agenda] == [(b, "payment")]


def test_sent_reminders_are_recorded_once_and_leave_the_unsent(journal):
    t = sold(journal, AT)
    records = journal.reminder_records()
    window = (AT, AT + timedelta(days=30), None)
    with records.snapshot() as seen:
        [(trade, kind, due, sent)] = list(seen.unsent(*window))
        assert seen.sent_keys(AT) == set()
    assert (trade, kind, sent) == (t, "payment", set())
    key = (t, "payment", fmt_time(due), 3600)
    records.record_sent([(key, "on_time")], "fake", AT)
    records.record_sent([(key, "late")], "fake", AT + timedelta(minutes=1))  # ignored
    with records.snapshot() as seen:
        assert seen.sent_keys(AT) == {key}
        assert [tuple(r) for r in seen.sent_since(AT - timedelta(days=1))] == [
            (*key, fmt_time(AT), "on_time", "fake")
        ]
        [(_, _, again, offsets)] = list(seen.unsent(*window))
    assert (again, offsets) == (due, {3600})


# -- the in-memory store's own promises ---------------------------------------------------


def test_each_store_in_memory_is_its_own_journal_and_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a file named after `store.path` would appear
    one, other = Journal(MemoryStore()), Journal(MemoryStore())
    try:
        listed(one, AT)
        sold(one, AT)
        one.rebuild()
        assert (one.last_seq(), other.last_seq()) == (3, 0)
        assert other.trades(True, AT) == []
    finally:
        one.close()
        other.close()
    assert list(tmp_path.iterdir()) == []


def test_a_closed_store_in_memory_frees_its_database():
    """Closing frees the memory: thousands of tests do not pile journals up."""
    store = MemoryStore()
    journal = Journal(store)
    listed(journal, AT)
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one() == 1
    journal.close()
    with closing(store.engine.opener()) as reopened:  # the same name, now nothing there
        assert reopened.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
