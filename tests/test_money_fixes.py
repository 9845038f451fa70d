"""Money fixes through the real command: a bundle keeps its listings' costs, a listing not
sold (or a sale cancelled) has no fee and no profit, `Journal.new` reads the money settings,
and Rakuma's tier of a purchase is the one of its calendar month (the month-end days)."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from freezegun import freeze_time

from bench.generate import generate
from journal import settings
from journal.core import money as money_module
from journal.core.money import MoneySettings, Sale
from journal.service import Journal

NOW = "2027-03-01T03:00:00+00:00"  # every --at below is in the past
LAST = date(2100, 12, 31)  # the last day a period may end (money_report.checked_year)


def listed(ok, platform="mercari", price="2000", *extra: str, at="2026-11-01 12:00") -> str:
    args = ["--platform", platform, "--title", "ニット", "--price", price, *extra]
    return ok("add", "listed", *args, "--at", at)


def complete(ok, trade: str, at: str, shipping: str | None = None) -> None:
    """Paid, shipped and completed, one minute apart from `at` (Japan time)."""
    day, clock = at.split(" ")
    hour, minute = clock.split(":")
    step = [f"{day} {hour}:{int(minute) + n:02d}" for n in (1, 2, 3)]
    ok("add", "paid", trade, "--at", step[0])
    extra = ["--shipping", shipping] if shipping is not None else []
    ok("add", "shipped", trade, "--at", step[1], *extra)
    ok("add", "completed", trade, "--at", step[2])


def money(run, trade: str) -> dict:
    return run("show", trade, "--json").json()["money"]


# -- a bundle (おまとめ) carries the costs and shipping estimates of its listings ------------


def test_a_bundle_carries_its_listings_costs_and_shipping(run, ok) -> None:
    with freeze_time(NOW):
        first = listed(ok, "mercari", "1200", "--cost", "200", "--shipping", "180")
        second = listed(ok, "mercari", "1200", "--cost", "200", "--shipping", "180")
        ok("add", "cost", second, "--extra", "30", "--at", "2026-11-01 13:00")
        bundle = ok("add", "bundle", first, second, "--price", "2000", "--buyer", "はな",
                    "--until", "2026-12-05 21:00", "--at", "2026-12-03 21:00")  # fmt: skip
        assert money(run, bundle)["cost"] == 430  # 200 + 200 + the extra 30
        assert money(run, bundle)["shipping"] == 360  # the estimates, until it is shipped
        stock = run("money", "--year", "2026", "--json").json()["inventory"]
        assert stock == {"count": 1, "cost": 430}  # the originals are bundled, not lost
        ok("add", "sold", bundle, "--buyer", "はな", "--at", "2026-12-03 22:00")
        complete(ok, bundle, "2026-12-03 22:00", shipping="230")
        assert money(run, bundle) | {"fee_rate": None} == {
            "price": 2000,
            "fee": 200,
            "fee_rate": None,
            "shipping": 230,
            "cost": 430,
            "profit": 1140,  # 2000 − 200 − 230 − 430; it was 1570 without the cost
            "sold": True,
        }
        report = run("money", "--month", "2026-12", "--json").json()
        assert (report["totals"]["cost"], report["totals"]["profit"]) == (430, 1140)


def test_a_bundle_of_listings_without_costs_has_none(run, ok) -> None:
    with freeze_time(NOW):
        first, second = listed(ok), listed(ok)
        bundle = ok("add", "bundle", first, second, "--price", "2000", "--buyer", "はな",
                    "--at", "2026-12-03 21:00")  # fmt: skip
        assert (money(run, bundle)["cost"], money(run, bundle)["shipping"]) == (None, None)
        assert run("verify").code == 0


# -- a listing not sold, a sale cancelled: no fee, no profit ---------------------------------


def test_an_unsold_listing_says_not_sold(run, ok, monkeypatch) -> None:
    with freeze_time(NOW):
        trade = listed(ok, "mercari", "1500", "--cost", "300")
        assert money(run, trade) == {
            "price": 1500,
            "fee": None,
            "fee_rate": None,
            "shipping": None,
            "cost": 300,
            "profit": None,
            "sold": False,
        }
        shown = run("show", trade).out
        assert "¥1,500 — not sold: no fee and no profit (cost ¥300)" in shown
        assert "fee - (?)" not in shown and "= profit" not in shown
        monkeypatch.setenv("JOURNAL_LANG", "ja")
        shown = run("show", trade).out
        assert "未販売のため、手数料と利益はありません（原価 ¥300）" in shown
        assert "（?）" not in shown and "利益 -" not in shown


def test_a_cancelled_sale_has_no_fee_and_no_profit(run, ok, monkeypatch) -> None:
    with freeze_time(NOW):
        trade = listed(ok, "mercari", "2000")
        ok("add", "sold", trade, "--buyer", "けん", "--at", "2026-11-02 12:00")
        assert money(run, trade)["profit"] == 1800 and money(run, trade)["sold"] is True
        ok("add", "cancelled", trade, "--reason", "未入金", "--at", "2026-11-05 12:00")
        got = money(run, trade)
        assert (got["fee"], got["fee_rate"], got["profit"], got["sold"]) == (
            None,
            None,
            None,
            False,
        )
        assert "not sold" in run("show", trade).out
        monkeypatch.setenv("JOURNAL_LANG", "ja")
        assert "未販売" in run("show", trade).out and "利益 ¥1,800" not in run("show", trade).out
        text = run("export", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = list(rows[0].values())
    assert row[8:] == ["2000", "", "", "", "", "", ""]  # price, no purchase, fee, rate, …, profit


# -- Journal.new ------------------------------------------------------------------------------


def test_a_new_journal_keeps_the_money_settings_it_is_given(journal_env, tmp_path) -> None:
    """`Journal.new` once left them unset (an AttributeError on the first money read); the
    settings come from the App, the one reader of the config, and a journal built without
    them uses the defaults, never the config file behind the App's back."""
    (tmp_path / "config.toml").write_text("[money]\nrakuma_outside_count = 3\n")
    settings.reset()  # the config is read once per process: this test's, not an earlier one
    try:
        given = MoneySettings(rakuma_outside_count=3)
        with Journal.new(tmp_path / "new.sqlite", money=given) as journal:
            assert journal.money_settings() == given
        with Journal.new(tmp_path / "other.sqlite") as journal:
            assert journal.money_settings() == MoneySettings()
    finally:
        settings.reset()


# -- Rakuma: the rate of calendar month M comes from the sales of 26 M-2 .. 25 M-1 ----------
# "8月の販売手数料は、6月26日〜7月25日の販売実績によって、7月26日に確定する"
# (Impress Watch 2023-06-15, https://watch.impress.co.jp/docs/news/1509077.html)


def rakuma_history(ok, day: str) -> None:
    """Four Rakuma sales of ¥1,250 completed on `day`: ¥5,000 in four sales, the 9 % tier."""
    for _ in range(4):
        trade = listed(ok, "rakuma", "1250", at=f"{day} 09:00")
        ok("add", "sold", trade, "--buyer", "けん", "--at", f"{day} 10:00")
        complete(ok, trade, f"{day} 10:00")


def rate_when_bought(run, ok, at: str) -> float:
    trade = listed(ok, "rakuma", "3000", at="2026-10-01 09:00")
    ok("add", "sold", trade, "--buyer", "ゆき", "--at", at)
    return money(run, trade)["fee_rate"]


@pytest.mark.parametrize(
    ("bought", "rate"),
    [
        ("2026-10-31 20:00", 10.0),  # October: 8/26–9/25 had no sales
        ("2026-11-01 00:00", 9.0),  # November: 9/26–10/25, the four sales
        ("2026-11-25 23:59", 9.0),
        ("2026-11-26 00:00", 9.0),  # the rate fixed today is December's
        ("2026-11-30 23:59", 9.0),
        ("2026-12-01 00:00", 10.0),  # December: 10/26–11/25, no sales
    ],
)
def test_rakuma_month_end_purchases_use_their_own_months_rate(run, ok, bought, rate) -> None:
    with freeze_time(NOW):
        rakuma_history(ok, "2026-10-10")
        assert rate_when_bought(run, ok, bought) == rate


@pytest.mark.parametrize(
    ("bought", "rate"),
    [
        ("2026-12-26 00:00", 10.0),  # December: 10/26–11/25
        ("2026-12-31 23:59", 10.0),
        ("2027-01-01 00:00", 9.0),  # January: 11/26–12/25, the four sales
        ("2027-01-26 00:00", 9.0),
        ("2027-01-31 23:59", 9.0),
        ("2027-02-01 00:00", 10.0),  # February: 12/26–1/25
    ],
)
def test_rakuma_tier_across_the_year_boundary(run, ok, bought, rate) -> None:
    with freeze_time(NOW):
        rakuma_history(ok, "2026-12-10")
        assert rate_when_bought(run, ok, bought) == rate


def test_rakuma_months_are_japan_time_whatever_the_display_zone(run, ok, monkeypatch) -> None:
    monkeypatch.setenv("JOURNAL_TZ", "UTC")
    with freeze_time(NOW):
        rakuma_history(ok, "2026-10-10")
        assert rate_when_bought(run, ok, "2026-11-30T14:59:00Z") == 9.0  # 11/30 23:59 JST
        assert rate_when_bought(run, ok, "2026-11-30T15:00:00Z") == 10.0  # 12/1 00:00 JST


def test_money_and_the_csv_price_a_month_end_sale_at_its_months_rate(run, ok) -> None:
    with freeze_time(NOW):
        rakuma_history(ok, "2026-10-10")
        trade = listed(ok, "rakuma", "10000", at="2026-11-20 09:00")
        ok("add", "sold", trade, "--buyer", "ゆき", "--at", "2026-11-27 12:00")
        complete(ok, trade, "2026-11-27 12:00")
        rows = run("money", "--month", "2026-11", "--json").json()["trades"]
        assert [r["fee"] for r in rows if r["id"] == trade] == [900]  # 9 %, not 10 %
        text = run("export", "--format", "csv", "--year", "2026").out
    found = [r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if r[0] == trade]
    assert found[0][10:12] == ["900", "9.0"]  # after price and purchase


# -- `money` and the CSV read each completed sale a bounded number of times -------------------


class CountingSale(Sale):
    """A completed sale that counts how often its fields are read (the tier lookup once
    scanned every sale for every trade: quadratic)."""

    made = 0
    reads = 0

    def __new__(cls, *args, **kwargs):
        CountingSale.made += 1
        return super().__new__(cls)

    def __getattribute__(self, name: str):
        if name in ("platform", "completed_at", "price"):
            CountingSale.reads += 1
        return object.__getattribute__(self, name)


@pytest.mark.parametrize(
    "command", [("money", "--year", "2026", "--json"), ("export", "--format", "csv")]
)
def test_money_and_the_csv_are_linear_in_the_sales(run, tmp_path, monkeypatch, command) -> None:
    db = tmp_path / "generated.sqlite"
    generate(db, 3_000, seed=11, now=datetime(2026, 11, 22, 3, tzinfo=UTC))
    monkeypatch.setattr(money_module, "Sale", CountingSale)
    CountingSale.made = CountingSale.reads = 0
    assert run("--db", str(db), *command).code == 0
    assert CountingSale.made > 100  # hundreds of completed sales, Rakuma's among them
    assert CountingSale.reads <= 4 * CountingSale.made


def test_money_folds_only_the_trades_its_report_reads(tmp_path) -> None:
    """`journal money` folds the trades `money_report.read` keeps (by the read model's role
    and state), not all: on a generated journal with every kind of trade, its report is the
    one made from every trade, for the year and for all years, by month and by app."""
    from journal.core.money_report import Period, read, report

    db = tmp_path / "generated.sqlite"
    generate(db, 3_000, seed=11, now=datetime(2026, 11, 22, 3, tzinfo=UTC))
    journal = Journal(db)
    every = journal.all_trades()
    skipped = {(t.role, t.state) for t in every if not read(t.role, t.state)}
    assert {("seller", "cancelled"), ("seller", "shipped"), ("buyer", "cancelled")} <= skipped
    for first, last in ((date(2026, 1, 1), date(2026, 12, 31)), (date(2000, 1, 1), LAST)):
        for by in ("month", "platform"):
            span = Period(first, last)
            whole = report(every, journal.book, journal.money_settings(), span, by)
            assert journal.money_report(span, by) == whole
            assert whole["trades"] and whole["inventory"]["count"] and whole["purchases"]["count"]
    journal.close()
