"""Sealing and forgetting on both engines: the key table comes from the one Alembic
revision on SQLite and on a real PostgreSQL server."""

import json

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
