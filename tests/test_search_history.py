"""`journal search` (検索要件: date, amount and other party, ranges, combined) and `journal
history` (訂正削除の履歴) through the real command on a real journal file; the CSV is read
back with the csv module, the query plan with SQLite's own EXPLAIN."""

import csv
import io
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from freezegun import freeze_time

KEPT = Path(__file__).parent / "data" / "journal-v0.1.0.sqlite"


def _sale(ok, day: str, platform: str, price: int, buyer: str | None, title="ニット") -> str:
    """A listing on `day` (Tokyo) sold the same day at 15:00 to `buyer`."""
    trade = ok("add", "listed", "--platform", platform, "--title", title, "--price", price,
               "--at", f"{day} 10:00")  # fmt: skip
    sold = ["add", "sold", trade, "--at", f"{day} 15:00"]
    ok(*sold, *(["--buyer", buyer] if buyer else []))
    return trade


def _journal(ok) -> dict[str, str]:
    """Sales spread over 2026 with known dates, prices, buyers and apps; one purchase; one
    listing never sold (dated when listed)."""
    with freeze_time("2026-12-01T03:00:00+00:00"):
        return {
            "jan": _sale(ok, "2026-01-15", "mercari", 1200, "サクラ"),
            "feb": _sale(ok, "2026-02-10", "rakuma", 3000, "さくら"),
            "feb_cheap": _sale(ok, "2026-02-11", "mercari", 500, "sakura"),
            "mar": _sale(ok, "2026-03-31", "mercari", 4800, "ケン"),
            "apr": _sale(ok, "2026-04-01", "mercari", 2000, "さくら"),
            "bought": ok(
                "add",
                "bought",
                "--platform",
                "mercari",
                "--title",
                "古着",
                "--price",
                "2500",
                "--at",
                "2026-02-20 12:00",
            ),  # fmt: skip
            "listed": ok(
                "add",
                "listed",
                "--platform",
                "mercari",
                "--title",
                "=HYPERLINK(1)",
                "--price",
                "1500",
                "--at",
                "2026-03-01 09:00",
            ),  # fmt: skip
        }


def _ids(run, *args: str) -> list[str]:
    result = run("search", *args, "--json")
    assert result.code == 0, result.err
    return [row["id"] for row in result.json()]


def test_a_combined_range_search_returns_exactly_the_matching_trades(run, ok) -> None:
    t = _journal(ok)
    with freeze_time("2026-12-01T03:00:00+00:00"):
        # 2026-01-01 to 2026-03-31 (the whole last day), 1000 to 4800 yen included
        found = _ids(run, "--from", "2026-01-01", "--to", "2026-03-31", "--min", "1000",
                     "--max", "4,800")  # fmt: skip
        assert found == [t["jan"], t["feb"], t["bought"], t["listed"], t["mar"]]
        # and a party (any width, case or kana), and an app: every condition at once
        found = _ids(run, "--from", "2026-01-01", "--to", "2026-03-31", "--min", "1000",
                     "--party", "ｻｸﾗ")  # fmt: skip
        assert found == [t["jan"], t["feb"]]
        found = _ids(run, "--from", "2026-01-01", "--to", "2026-03-31", "--min", "1000",
                     "--party", "さくら", "--platform", "ラクマ")  # fmt: skip
        assert found == [t["feb"]]
        assert _ids(run, "--party", "SAKURA") == [t["feb_cheap"]]
        assert _ids(run, "--min", "4801") == []
        assert _ids(run) == [t[k] for k in ("jan", "feb", "feb_cheap", "bought", "listed",
                                             "mar", "apr")]  # fmt: skip
        # a day given with a time in --to includes that minute
        assert _ids(run, "--from", "2026-03-31 15:00", "--to", "2026-03-31 15:00") == [t["mar"]]


def test_json_items_carry_id_and_the_csv_has_its_fixed_columns(run, ok, tmp_path) -> None:
    t = _journal(ok)
    with freeze_time("2026-12-01T03:00:00+00:00"):
        rows = run("search", "--from", "2026-02-01", "--to", "2026-03-01", "--json").json()
        assert [r["id"] for r in rows] == [t["feb"], t["feb_cheap"], t["bought"], t["listed"]]
        assert rows[0] == {
            "id": t["feb"],
            "traded_at": "2026-02-10T15:00:00+09:00",
            "platform": "rakuma",
            "role": "seller",
            "party": "さくら",
            "title": "ニット",
            "price": 3000,
            "state": "awaiting_payment",
        }
        out = tmp_path / "search.csv"
        assert run("search", "--from", "2026-02-01", "--to", "2026-03-01", "--csv",
                   "-o", out).code == 0  # fmt: skip
        raw = out.read_bytes()
        assert raw.startswith("\ufeff".encode())
        table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert table[0] == ["ID", "date", "platform", "side", "other party", "title", "amount",
                            "state"]  # fmt: skip
        assert [r[0] for r in table[1:]] == [r["id"] for r in rows]
        assert table[1] == [t["feb"], "2026-02-10 15:00", "rakuma", "seller", "さくら",
                            "ニット", "3000", "awaiting_payment"]  # fmt: skip
        assert table[3][3:7] == ["buyer", "", "古着", "2500"]
        assert table[4][5] == "'=HYPERLINK(1)"  # made inert, as the export does
        assert run("search", "--csv", "-o", out).code != 0  # a new file only
        assert out.read_bytes() == raw


def test_the_log_search_finds_events_by_time_amount_and_party(run, ok) -> None:
    t = _journal(ok)
    with freeze_time("2026-12-01T03:00:00+00:00"):
        ok("add", "price", t["apr"], "--price", "1900", "--at", "2026-04-01 12:00")
        rows = run("search", "--log", "--from", "2026-04-01", "--to", "2026-04-01",
                   "--json").json()  # fmt: skip
        assert [(r["id"], r["type"], r["amount"]) for r in rows] == [
            (t["apr"], "listed", 2000),
            (t["apr"], "sold", None),
            (t["apr"], "price", 1900),  # in the log's order
        ]
        price = rows[2]["seq"]
        ok("void", price, "--reason", "typo")
        found = run("search", "--log", "--min", "1900", "--max", "1900", "--json").json()
        assert [(r["seq"], r["voided"]) for r in found] == [(price, True)]
        assert "(voided)" in run("search", "--log", "--min", "1900", "--max", "1900").out
        rows = run("search", "--log", "--min", "1950", "--max", "2000", "--json").json()
        assert [(r["id"], r["type"]) for r in rows] == [(t["apr"], "listed")]
        rows = run("search", "--log", "--party", "けん", "--json").json()
        assert [(r["id"], r["type"], r["party"]) for r in rows] == [(t["mar"], "sold", "ケン")]
        text = run("search", "--log", "--csv").out
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        assert table[0] == ["ID", "#", "at", "step", "platform", "amount", "other party",
                            "voided"]  # fmt: skip
        # five sales, the purchase (paid at once), a listing, a price
        assert len(table) == 1 + 5 * 2 + 2 + 1 + 1 + 1  # and the void
        assert [r[-1] for r in table[1:]].count("1") == 1


def test_bad_conditions_are_one_line_and_exit_2(run, ok) -> None:
    _journal(ok)
    for args, words in (
        (("--from", "2026-03-01", "--to", "2026-02-01"), "--to must come after --from"),
        (("--min", "3000", "--max", "1000"), "--max must not be below --min"),
        (("--min", "abc"), "whole number of yen"),
        (("--from", "someday"), "someday"),
        (("--csv", "--json"), "one of --json and --csv"),
    ):
        result = run("search", *args)
        assert result.code == 2, (args, result.err)
        assert words in result.err and len(result.err.strip().splitlines()) == 1
        assert "Traceback" not in result.err


def test_search_reads_a_range_of_the_index(run, ok, journal_env) -> None:
    _journal(ok)
    with closing(sqlite3.connect(journal_env)) as conn:
        plan = " ".join(
            str(r)
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM trades WHERE traded_at >= ? AND traded_at < ?"
                " AND price >= ? ORDER BY traded_at, id",
                ("2026-01-01", "2026-02-01", 1000),
            )
        )
    assert "trades_traded_at" in plan


def test_a_journal_from_before_is_migrated_and_searchable(run, tmp_path) -> None:
    kept = tmp_path / "kept.sqlite"
    shutil.copyfile(KEPT, kept)
    rows = run("search", "--db", kept, "--json")
    assert rows.code == 0, rows.err
    assert len(rows.json()) == 9 and all(r["traded_at"] for r in rows.json())
    assert run("verify", "--db", kept).code == 0


def test_a_voided_price_appears_in_history_with_before_after_and_reason(run, ok) -> None:
    with freeze_time("2026-11-20T03:00:00+00:00"):
        trade = ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "3000")
        ok("add", "price", trade, "--price", "2800")
    with freeze_time("2026-11-21T03:00:00+00:00"):
        seq = run("add", "price", trade, "--price", "280", "--json").json()["seq"]
    with freeze_time("2026-11-22T03:00:00+00:00"):
        ok("void", seq, "--reason", "桁の打ち間違い")
        entries = run("history", trade, "--json").json()
    assert len(entries) == 1
    entry = entries[0]
    assert entry["reason"] == "桁の打ち間違い"
    assert entry["before"] == {"price": 280} and entry["after"] == {"price": 2800}
    assert entry["voided"]["seq"] == seq and entry["voided"]["type"] == "price"
    assert entry["voided"]["payload"] == {"price": 280}
    assert entry["at"] == "2026-11-22T12:00:00+09:00"
    text = run("history", trade).out
    assert "桁の打ち間違い" in text and "price: 280 → 2800" in text
    # the period is of when the correction was made
    assert run("history", "--to", "2026-11-21", "--json").json() == []
    assert len(run("history", "--from", "2026-11-22", "--json").json()) == 1


def test_void_and_undo_default_their_reason_and_history_lists_both(run, ok) -> None:
    with freeze_time("2026-11-20T03:00:00+00:00"):
        trade = ok("add", "listed", "--platform", "rakuma", "--title", "ボトムス", "--price", "900")
        ok("add", "sold", trade, "--buyer", "はな")
        sold_seq = run("log", trade, "--json").json()[-1]["seq"]
        ok("void", sold_seq)  # no --reason: a default one is kept
        ok("add", "price", trade, "--price", "800")
        ok("undo", "--yes", "--reason", "値下げは取りやめ")
        entries = run("history", "--json").json()
    assert [e["reason"] for e in entries] == ["void", "値下げは取りやめ"]
    assert entries[0]["before"]["state"] == "awaiting_payment"
    assert entries[0]["after"]["state"] == "listed"
    assert entries[0]["before"]["buyer"] == "はな" and entries[0]["after"]["buyer"] is None
    assert entries[1]["before"] == {"price": 800} and entries[1]["after"] == {"price": 900}
    assert run("history", "T99").code == 2


def test_the_history_prints_as_a_pdf_whose_text_reads_back(run, ok, tmp_path) -> None:
    from pypdf import PdfReader

    with freeze_time("2026-11-20T03:00:00+00:00"):
        trade = ok("add", "listed", "--platform", "mercari", "--title", "ニット", "--price", "3000")
        seq = run("add", "price", trade, "--price", "300", "--json").json()["seq"]
        ok("void", seq, "--reason", "桁の打ち間違い")
        target = tmp_path / "corrections.pdf"
        assert run("history", "--pdf", target).code == 0
        assert run("history", "--pdf", target).code == 2  # a new file only
    text = "".join(page.extract_text() for page in PdfReader(target).pages).replace("\n", "")
    for words in ("Corrections and deletions", "桁の打ち間違い", "price: ¥300", "price: ¥3,000"):
        assert words in text, words
