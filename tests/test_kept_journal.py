"""A journal file written by trade-journal 0.1.0 is kept in tests/data: every later version
must still open it (migrating it, after a backup copy, if the schema has moved on), verify
its log, and show the same trades and the deadlines the user set."""

import json
import shutil
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from integrity_support import rows

from journal.storage import store

KEPT = Path(__file__).parent / "data" / "journal-v0.1.0.sqlite"
EVENTS = 29
HEAD = "32c0fa54cd62a0b25079dbf333590673cbb1bc35cd09ac0ebb0b1e6671d8c154"
STATES = {
    "T1": "awaiting_payment",
    "T2": "bundled",
    "T3": "bundled",
    "T4": "listed",
    "T5": "listed",
    "T6": "listed",
    "T7": "awaiting_shipment",
    "T8": "completed",
    "T9": "received",
}


@pytest.fixture
def kept(journal_env, tmp_path):
    """A copy: opening a journal may migrate it and always writes its WAL beside it."""
    copy = tmp_path / "kept.sqlite"
    shutil.copyfile(KEPT, copy)
    return copy


def _revision(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_the_kept_file_is_what_it_claims():
    assert _revision(KEPT) == "0001"
    assert len(rows(KEPT)) == EVENTS and rows(KEPT)[-1][-1] == HEAD


def test_its_log_verifies_and_is_unchanged(kept, ok, run):
    original = rows(KEPT)
    result = run("verify", "--log-only", "--json", "--db", kept)
    assert result.code == 0, result.err
    assert result.json() == {"ok": True, "events": EVENTS, "head": HEAD}
    assert rows(kept) == original
    assert _revision(kept) == store.HEAD_REVISION
    backups = sorted(kept.parent.glob("kept.sqlite.backup-*"))
    if store.HEAD_REVISION == "0001":
        assert backups == []
    else:  # migrated: the old file was copied first, privately
        assert len(backups) == 1 and _revision(backups[0]) == "0001"
        assert rows(backups[0]) == original
        assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600


def test_its_trades_and_deadlines_read_the_same(kept, ok, run):
    listed = json.loads(ok("list", "--all", "--json", "--db", kept))
    assert {t["id"]: t["state"] for t in listed} == STATES
    # Rules may change between versions (deadlines are recomputed then); a rebuild must
    # always work and leave a journal that verifies in full.
    ok("rebuild", "--db", kept)
    assert run("verify", "--db", kept).code == 0
    listed = json.loads(ok("list", "--all", "--json", "--db", kept))
    assert {t["id"]: t["state"] for t in listed} == STATES
    # The deadlines the user set are facts, not rules: they never move.
    dedicated = json.loads(ok("show", "T4", "--json", "--db", kept))["deadlines"]
    hold = json.loads(ok("show", "T6", "--json", "--db", kept))["deadlines"]
    assert {"kind": "dedicated_expiry", "due": "2026-11-24T12:00:00+09:00"}.items() <= next(
        d for d in dedicated if d["kind"] == "dedicated_expiry"
    ).items()
    assert next(d for d in hold if d["kind"] == "hold_expiry")["due"] == (
        "2026-11-26T12:00:00+09:00"
    )
    history = json.loads(ok("log", "T1", "--json", "--db", kept))
    assert [e["type"] for e in history] == [
        "listed",
        "request",
        "defect",
        "approved",
        "message",
        "price",
    ]
    assert history[-1]["title"] == "ボトムス 1点"


def test_the_upgrade_adds_the_event_lookup_index(kept, run):
    """0003: completions of a period and listings of an item are found by an index."""
    assert run("verify", "--log-only", "--db", kept).code == 0
    with closing(sqlite3.connect(kept)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        plan = " ".join(
            str(r)
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT stream FROM events WHERE type IN ('completed', 'rated')"
                " AND occurred_at >= '2026-01-01' AND occurred_at < '2026-02-01'"
            )
        )
    assert "events_type_time" in names and "events_type_time" in plan


def test_its_plain_personal_fields_stay_flagged_and_new_ones_are_sealed(kept, ok):
    """A journal from before sealing keeps its names in plain text (rewriting the log would
    change every later hash): `forget` hides them and says how many stay in the file."""
    ok("verify", "--db", kept)
    done = json.loads(ok("forget", "T1", "--yes", "--force", "--json", "--db", kept))
    assert done["forgotten"] == [{"trade": "T1", "already": False, "plain_fields_kept": 2}]
    assert "さくら".encode() in kept.read_bytes()  # still in the file, as the README says
    shown = json.loads(ok("show", "T1", "--json", "--db", kept))
    assert shown["buyer"] == "[forgotten]"
    assert [e.get("note") for e in shown["events"] if e["type"] == "message"] == ["[forgotten]"]
    assert "最終検品" in ok("show", "T1", "--db", kept)  # a defect note is not personal
    ok("add", "request", "T5", "--buyer", "みお", "--db", kept)  # recorded from now on: sealed
    assert "みお" not in repr(_rows(kept, "SELECT payload FROM events WHERE stream = 'T5'"))
    assert ok("verify", "--db", kept)


def _rows(path: Path, sql: str) -> list:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()
