"""Withdrawals (振込申請): a transfer fee per withdrawal, not per sale, counted as a cost in
`money`, the CSV and the tax year; a withdrawal of the balance meets the proceeds deadlines.
Through the real command; each expected fee beside its source (the pack's `source`)."""

import csv
import io

import pytest
from freezegun import freeze_time

LATER = "2030-01-01T12:00:00+09:00"


def withdraw(ok, platform: str, amount: int, at: str, *extra: str) -> str:
    args = ["--platform", platform, "--amount", str(amount), "--at", at, *extra]
    return ok("add", "withdrawal", *args)


def money(run, trade: str) -> dict:
    return run("show", trade, "--json").json()["money"]


@pytest.mark.parametrize(
    ("platform", "amount", "at", "extra", "fee"),
    [
        # dime.jp/genre/991998: ¥200 per request from 2019-04-23 15:00; before it ¥210 under
        # ¥10,000 and free from ¥10,000
        ("mercari", 5000, "2026-11-02T10:00", (), 200),
        ("mercari", 50000, "2026-11-02T10:00", (), 200),
        ("mercari", 9999, "2019-04-23T14:59", (), 210),
        ("mercari", 10000, "2019-04-23T14:59", (), 0),
        ("mercari", 10000, "2019-04-23T15:00", (), 200),
        # understeer.work/furima/rakuma-fee-2025: ¥210; free from ¥10,000 to 楽天銀行
        ("rakuma", 12000, "2026-11-02T10:00", ("--bank", "rakuten"), 0),
        ("rakuma", 9999, "2026-11-02T10:00", ("--bank", "rakuten"), 210),
        ("rakuma", 12000, "2026-11-02T10:00", ("--bank", "other"), 210),
        ("rakuma", 12000, "2026-11-02T10:00", (), 210),
        # usagichan.xyz/jidouhurikomikinou, yahoo-navi.com/furikomisyuryou: ¥100 to banks
        # other than PayPay銀行; a PayPay charge and PayPay銀行 are free
        ("yahoo-auction", 3000, "2026-11-02T10:00", (), 100),
        ("yahoo-auction", 3000, "2026-11-02T10:00", ("--bank", "paypay"), 0),
        ("yahoo-flea", 3000, "2026-11-02T10:00", (), 100),
        ("yahoo-flea", 3000, "2026-11-02T10:00", ("--bank", "paypay"), 0),
        # a fee typed by the seller wins over the rule
        ("mercari", 5000, "2026-11-02T10:00", ("--fee", "0"), 0),
    ],
)
def test_each_platform_s_transfer_fee(ok, run, platform, amount, at, extra, fee):
    with freeze_time(LATER):
        t = withdraw(ok, platform, amount, at, *extra)
        expected = {"price": None, "fee": fee, "fee_rate": None, "profit": -fee}
        assert {key: money(run, t)[key] for key in expected} == expected


def _sale(ok, platform: str, price: int, completed: str) -> str:
    args = ["--platform", platform, "--title", "t", "--price", str(price)]
    t = ok("add", "listed", *args, "--at", "2026-01-01T10:00")
    ok("add", "sold", t, "--buyer", "b", "--at", "2026-01-02T10:00")
    if platform != "yahoo-flea":  # paid on purchase there: sold is paid at once
        ok("add", "paid", t, "--at", "2026-01-02T10:05")
    ok("add", "shipped", t, "--at", "2026-01-03T10:00")
    ok("add", "completed", t, "--at", completed)
    return t


def test_transfer_fees_are_costs_in_money_csv_and_the_tax_year(ok, run, tmp_path):
    with freeze_time(LATER):
        _sale(ok, "mercari", 3000, "2026-11-20T10:00")  # fee ¥300 (10 %)
        withdraw(ok, "mercari", 2700, "2026-12-31T23:59")  # ¥200, in 2026
        withdraw(ok, "mercari", 1000, "2027-01-01T00:00")  # ¥200, in 2027
        year = run("money", "--year", "2026", "--json").json()
        assert year["totals"] == {
            "count": 1,  # sales; the withdrawal is a cost, not a sale
            "sales": 3000,
            "fees": 500,
            "shipping": 0,
            "cost": 0,
            "profit": 2500,
        }
        assert [g["key"] for g in year["groups"]] == ["2026-11", "2026-12"]
        assert run("money", "--year", "2027", "--json").json()["totals"]["profit"] == -200
        out = tmp_path / "2026.csv"
        ok("export", "--format", "csv", "--year", "2026", "-o", out)
        rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
        at = {name: rows[0].index(name) for name in ("title", "fee", "profit")}
        fees = [(row[at["title"]], row[at["fee"]], row[at["profit"]]) for row in rows[1:]]
        assert fees == [("t", "300", "2700"), ("振込申請", "200", "-200")]


def test_a_withdrawal_of_the_balance_meets_the_proceeds_deadlines(ok, run):
    with freeze_time("2026-12-11T12:00:00+09:00"):
        a = _sale(ok, "mercari", 3000, "2026-11-20T10:00")
        b = _sale(ok, "mercari", 2000, "2026-11-25T10:00")
        later = _sale(ok, "mercari", 1000, "2026-12-10T10:00")
        other = _sale(ok, "rakuma", 1000, "2026-11-20T10:00")
        withdraw(ok, "mercari", 4500, "2026-12-01T10:00", "--partial")
        for t in (a, b):  # part of the balance only: still open
            assert _proceeds(run, t)["status"] == "open"
        withdraw(ok, "mercari", 4300, "2026-12-05T10:00")
        for t in (a, b):  # 11874.click: 180 days after completion, met by the withdrawal
            assert _proceeds(run, t)["status"] == "met"
        assert _proceeds(run, later)["status"] == "open"  # completed after it
        assert _proceeds(run, other)["status"] == "open"  # another app's balance
        rows = run("upcoming", "--as-of", "2027-05-20T09:00", "--within", "30d", "--json").json()
        due = {(r["trade"], r["kind"]) for r in rows}
        assert (a, "proceeds") not in due and (later, "proceeds") in due


def test_yahoo_auction_and_yahoo_flea_share_one_balance(ok, run):
    # knowledge-x.com/archives/3366: Yahoo!フリマ proceeds are the ヤフオク balance
    with freeze_time("2026-02-02T12:00:00+09:00"):
        flea = _sale(ok, "yahoo-flea", 3000, "2026-01-20T10:00")
        assert _proceeds(run, flea)["status"] == "open"
        withdraw(ok, "yahoo-auction", 2850, "2026-02-01T10:00", "--bank", "paypay")
        assert _proceeds(run, flea)["status"] == "met"


def _proceeds(run, trade: str) -> dict:
    found = {d["kind"]: d for d in run("show", trade, "--json").json()["deadlines"]}
    return found["proceeds"]


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (("--platform", "mercari"), "amount"),
        (("--platform", "mercari", "--amount", "0"), "amount"),
        (("--platform", "mercari", "--amount", "1000", "--fee", "-1"), "fee"),
        (("--platform", "mercari", "--amount", "1000", "--bank", "mizuho"), "--bank"),
        (("--platform", "zozo", "--amount", "1000"), "--platform"),
    ],
)
def test_bad_withdrawals_are_refused_and_nothing_is_written(ok, run, args, word):
    with freeze_time(LATER):
        result = run("add", "withdrawal", *args)
        assert result.code == 2 and word in result.err and "Traceback" not in result.err
        assert run("list", "--all", "--json").json() == []


def test_a_withdrawal_is_finished_at_once_and_has_no_deadline(ok, run):
    with freeze_time(LATER):
        t = withdraw(ok, "rakuma", 12000, "2026-11-02T10:00", "--bank", "rakuten")
        shown = run("show", t, "--json").json()
        assert shown["state"] == "completed" and shown["kind"] == "withdrawal"
        assert shown["deadlines"] == []
        assert run("add", "shipped", t).code == 1  # a finished trade takes no step
        assert run("list", "--json").json() == []  # nothing to do


def test_the_transfer_fee_rules_are_shown_with_their_eras(run):
    text = run("rules", "mercari").out
    assert "¥200 a withdrawal" in text and "in force since 2019-04-23 15:00" in text
    assert "https://dime.jp/genre/991998" in text
    assert "¥210 a withdrawal; free from ¥10,000 to rakuten" in run("rules", "rakuma").out


def test_a_rebuild_keeps_the_proceeds_met_by_a_withdrawal(ok, run):
    with freeze_time("2026-12-11T12:00:00+09:00"):
        a = _sale(ok, "rakuma", 3000, "2026-11-20T10:00")
        withdraw(ok, "rakuma", 2700, "2026-12-05T10:00")
        assert _proceeds(run, a)["status"] == "met"
        ok("rebuild")
        assert _proceeds(run, a)["status"] == "met"
        assert run("verify").code == 0
