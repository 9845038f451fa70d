"""`journal copy --to`: a local journal into a shared PostgreSQL one and back, every row
and hash identical (read back by each engine's own client), refused into a non-empty one."""

import json
import sqlite3

import pytest
from pg_server import psql
from test_pg_store import LISTED, journal, ok

pytestmark = pytest.mark.slow  # a PostgreSQL server and the journal as child processes

COLUMNS = (
    "seq, event_id, stream, version, type, schema_version, payload, occurred_at,"
    " recorded_at, prev_hash, hash"
)


def sqlite_rows(path) -> list[list[str]]:
    with sqlite3.connect(path) as db:
        rows = db.execute(f"SELECT {COLUMNS} FROM events ORDER BY seq").fetchall()
    return [[str(v) for v in row] for row in rows]


def pg_rows(url: str) -> list[list[str]]:
    server, name = url.rsplit("/", 1)
    out = psql(server, name, f"SELECT {COLUMNS} FROM events ORDER BY seq")
    return [line.split("|") for line in out.splitlines()]


def test_copy_sqlite_to_postgres_and_back(pg_url, tmp_path):
    local = tmp_path / "local.sqlite"
    ok(local, *LISTED)
    ok(local, "add", "sold", "T1", "--buyer", "b")
    ok(local, "add", "note", "T1", "--note", "配送・メモ")
    ok(local, "add", "listed", "--platform", "rakuma", "--title", "b", "--price", "9")
    ok(local, "void", "3", "--reason", "mistake")
    head = json.loads(ok(local, "verify", "--json"))["head"]

    there = json.loads(ok(local, "copy", "--to", pg_url, "--json"))
    assert there == {"to": pg_url, "events": 5, "head": head, "reminders_sent": 0}
    assert [r[:10] for r in pg_rows(pg_url)] == [r[:10] for r in sqlite_rows(local)]
    assert [r[-1] for r in pg_rows(pg_url)][-1] == head
    assert json.loads(ok(pg_url, "verify", "--json"))["head"] == head
    assert ok(pg_url, "list", "--all", "--json") == ok(local, "list", "--all", "--json")

    back = tmp_path / "back.sqlite"
    again = json.loads(ok(pg_url, "copy", "--to", str(back), "--json"))
    assert again["events"] == 5 and again["head"] == head
    assert sqlite_rows(back) == sqlite_rows(local)


def test_copy_is_refused_into_a_journal_that_holds_events(pg_url, tmp_path):
    local = tmp_path / "local.sqlite"
    ok(local, *LISTED)
    ok(pg_url, "add", "listed", "--platform", "rakuma", "--title", "theirs", "--price", "1")
    server, name = pg_url.rsplit("/", 1)
    before = psql(server, name, f"SELECT {COLUMNS} FROM events ORDER BY seq")
    refused = journal(local, "copy", "--to", pg_url.replace("journal@", "journal:pw@"))
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "already holds events" in refused.stderr
    assert "pw@" not in refused.stderr and "Traceback" not in refused.stderr
    assert psql(server, name, f"SELECT {COLUMNS} FROM events ORDER BY seq") == before
    other = tmp_path / "other.sqlite"
    ok(other, *LISTED)
    into_file = journal(local, "copy", "--to", str(other))
    assert into_file.returncode == 2 and "already holds events" in into_file.stderr
