"""The benchmark's synthetic journals are real journals: valid, chained, realistic, seeded.

No timing here: wall-clock figures belong to `python -m bench`, not to the test suite.
"""

from datetime import UTC, datetime

import pytest
from read_models import snapshot

from bench.generate import generate
from journal.service import Journal
from journal.storage.store import GENESIS_HASH, event_hash

NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "journal.sqlite"
    meta = generate(path, 3_000, seed=11, now=NOW)
    return path, meta


def test_size_and_open_trades_are_realistic(made):
    _, meta = made
    assert 3_000 <= meta.events < 3_100
    assert 30 <= meta.open_trades <= 150
    assert meta.trades * 5 < meta.events


def test_every_platform_and_the_full_mix_of_steps(made):
    path, _ = made
    journal = Journal(path)
    with journal.store.read() as conn:
        types = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT type FROM events")}
        platforms = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT platform FROM trades")}
        roles = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT role FROM trades")}
    journal.close()
    assert platforms == {"rakuma", "mercari", "yahoo-auction", "yahoo-flea"}
    assert roles == {"seller", "buyer"}
    expected = {
        "listed", "bought", "request", "approved", "declined", "sold", "paid", "shipped",
        "received", "rated", "completed", "cancelled", "delisted", "hold", "hold-ended",
        "offer", "offer-accepted", "offer-declined", "price", "bundle", "bundled", "defect",
        "message", "note",
    }  # fmt: skip
    assert expected <= types


def test_hash_chain_is_intact(made):
    path, _ = made
    journal = Journal(path)
    prev = GENESIS_HASH
    with journal.store.read() as conn:
        for row in conn.exec_driver_sql("SELECT * FROM events ORDER BY seq"):
            assert row[9] == prev
            assert row[10] == event_hash(prev, tuple(row[:9]))
            prev = row[10]
    journal.close()


def test_rebuild_is_repeatable_on_the_generated_log(made):
    path, meta = made
    journal = Journal(path)
    with journal.store.read() as conn:
        before = snapshot(conn)
    assert journal.rebuild() == meta.trades
    with journal.store.read() as conn:
        assert snapshot(conn) == before
    journal.close()


def test_same_seed_same_journal(made, tmp_path):
    path, meta = made
    again = generate(tmp_path / "again.sqlite", 3_000, seed=11, now=NOW)
    assert again == meta
    # The same events, read back (a buyer's name is sealed with a fresh nonce and a trade's
    # own key, so the stored bytes and the chain differ by design: what they say does not).
    logs = []
    for p in (path, tmp_path / "again.sqlite"):
        journal = Journal(p)
        with journal.store.read() as conn:
            logs.append(
                [(e.type, e.stream, e.payload, e.occurred_at) for e in journal.store.events(conn)]
            )
        journal.close()
    assert len(logs[0]) > 3_000 // 2 and logs[0] == logs[1]
