"""search, history, tax and the 古物台帳 on both engines: the trades' date and other party
(Alembic revision 0004) and the books' reads work on SQLite and on a real PostgreSQL server."""

from freezegun import freeze_time


def test_the_books_on_each_engine(engine_journal, ok, run) -> None:
    db = ["--db", str(engine_journal)]
    with freeze_time("2026-12-01T03:00:00+00:00"):
        t1 = ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "2500",
                "--at", "2026-11-01 10:00", *db)  # fmt: skip
        ok("add", "sold", t1, "--buyer", "サクラ", "--paid", "--at", "2026-11-02 10:00", *db)
        t2 = ok("add", "bought", "--platform", "rakuma", "--title", "古着", "--price", "800",
                "--at", "2026-11-03 10:00", *db)  # fmt: skip
        t3 = ok("add", "listed", "--platform", "mercari", "--title", "帽子", "--price", "900",
                "--at", "2026-11-04 10:00", *db)  # fmt: skip
        seq = run("add", "price", t3, "--price", "90", "--json", *db).json()["seq"]
        ok("void", seq, "--reason", "typo", *db)
        found = run("search", "--from", "2026-11-02", "--to", "2026-11-30", "--min", "1000",
                    "--party", "さくら", "--json", *db).json()  # fmt: skip
        assert [r["id"] for r in found] == [t1]
        events = run("search", "--log", "--max", "900", "--json", *db).json()
        assert [(e["id"], e["type"]) for e in events] == [
            (t2, "bought"),
            (t3, "listed"),
            (t3, "price"),
        ]
        history = run("history", "--json", *db).json()
        assert [(h["before"], h["after"], h["reason"]) for h in history] == [
            ({"price": 90}, {"price": 900}, "typo")
        ]
        tax = run("tax", "--year", "2026", "--json", *db).json()
        assert tax["totals"]["purchases"] == 800 and tax["totals"]["sales"] == 0
        assert [r["id"] for r in run("kobutsu", "--year", "2026", "--json", *db).json()] == [t2]
        assert run("verify", *db).code == 0
