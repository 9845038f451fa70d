"""Sealing and forgetting on both engines: the key table comes from the one Alembic
revision on SQLite and on a real PostgreSQL server."""

import json
import time

import pytest

NAME = "さくら山田"


def test_forget_on_each_engine(engine_journal, ok, run):
    ok("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "2500")
    ok("add", "sold", "T1", "--buyer", NAME, "--paid")
    for step in ("shipped", "received", "rated"):
        ok("add", step, "T1")
    assert json.loads(ok("show", "T1", "--json"))["buyer"] == NAME
    money = ok("money", "--json")
    ok("forget", "T1", "--yes")
    assert json.loads(ok("show", "T1", "--json"))["buyer"] == "[forgotten]"
    assert ok("money", "--json") == money
    assert ok("verify")
    refused = run("add", "message", "T1", "--note", "住所")
    assert refused.code == 2


@pytest.mark.slow
def test_forget_vacuums_the_old_row_versions_on_a_server(pg_url, tmp_path, monkeypatch):
    """On PostgreSQL the key's old row version is freed by a VACUUM right after forgetting."""
    from conftest import journal_process
    from pg_server import psql

    env = {"JOURNAL_DB": pg_url, "JOURNAL_TZ": "Asia/Tokyo", "JOURNAL_LANG": "en",
           "JOURNAL_CONFIG": str(tmp_path / "c.toml")}  # fmt: skip
    for args in (
        ("add", "listed", "--platform", "rakuma", "--title", "ニット", "--price", "900"),
        ("add", "sold", "T1", "--buyer", NAME, "--paid"),
        ("forget", "T1", "--yes", "--force"),
    ):
        assert journal_process(*args, env=env).returncode == 0
    server, name = pg_url.rsplit("/", 1)
    sql = "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'personal_keys'"
    deadline = time.monotonic() + 10  # the statistics arrive as the session ends
    while int(psql(server, name, sql).strip() or 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert int(psql(server, name, sql).strip() or 0) >= 1
