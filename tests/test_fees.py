"""Fees as effective-dated rules: every Rakuma tier boundary, the period edges on the 25th and
26th in Japan time, the ヤフオク switch of 2024-06-04 and the premium setting, rounding."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.core.events import Event
from journal.core.money import MoneySettings, Sale, fee_of, money_of, previous_period, rate_for
from journal.core.rules import load_rulebook
from journal.core.trade import fold

JST = ZoneInfo("Asia/Tokyo")
BOOK = load_rulebook()


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def sale(platform: str, at: str, price: int = 3000, **extra):
    """A seller trade sold (and paid) at `at` on `platform`."""
    moment = jst(at)
    events = [
        Event("listed", "T1", {"platform": platform, "title": "x", "price": price, **extra},
              moment - timedelta(days=1), seq=1),
        Event("sold", "T1", {"buyer": "b"}, moment, seq=2),
    ]  # fmt: skip
    return fold(events)


def history(count: int, amount: int, at: str = "2026-10-10T12:00") -> list[Sale]:
    """`count` Rakuma sales completed at `at`, totalling `amount` yen."""
    if count == 0:
        return []
    prices = [amount // count] * count
    prices[0] += amount - sum(prices)
    return [Sale("rakuma", jst(at), p) for p in prices]


# purchase on 2026-11-10: its period is 10/26–11/25, the previous one 9/26–10/25
@pytest.mark.parametrize(
    ("count", "amount", "rate"),
    [
        (0, 0, 10.0),
        (3, 5000, 10.0),
        (4, 4999, 10.0),
        (4, 5000, 9.0),
        (5, 9999, 9.0),
        (6, 10000, 8.0),
        (7, 29999, 8.0),
        (8, 30000, 7.0),
        (9, 49999, 7.0),
        (10, 50000, 6.0),
        (10, 99999, 6.0),
        (10, 100000, 4.5),
        (9, 100000, 7.0),  # the amount alone is not enough
        (50, 1000000, 4.5),
    ],
)
def test_rakuma_tiers_at_every_threshold(count, amount, rate) -> None:
    trade = sale("rakuma", "2026-11-10T12:00")
    assert rate_for(trade, BOOK, history(count, amount), MoneySettings()) == rate


def test_rakuma_period_edges_are_the_25th_and_26th_in_japan_time() -> None:
    start, end = previous_period(jst("2026-11-10T12:00"))
    assert (start, end) == (jst("2026-09-26T00:00"), jst("2026-10-26T00:00"))
    last_minute = history(4, 5000, "2026-10-25T23:59")
    next_period = history(4, 5000, "2026-10-26T00:00")
    trade = sale("rakuma", "2026-11-10T12:00")
    assert rate_for(trade, BOOK, last_minute, MoneySettings()) == 9.0
    assert rate_for(trade, BOOK, next_period, MoneySettings()) == 10.0
    # "8月の販売手数料は、6月26日〜7月25日の販売実績によって、7月26日に確定する" (Impress
    # Watch 2023-06-15, https://watch.impress.co.jp/docs/news/1509077.html): the rate fixed
    # on 11/26 is December's. Bought at 11/26 00:00 it is still November, whose rate comes
    # from 9/26–10/25; from 12/1 00:00 the other period counts.
    later = sale("rakuma", "2026-11-26T00:00")
    assert rate_for(later, BOOK, last_minute, MoneySettings()) == 9.0
    assert rate_for(later, BOOK, next_period, MoneySettings()) == 10.0
    december = sale("rakuma", "2026-12-01T00:00")
    assert rate_for(december, BOOK, next_period, MoneySettings()) == 9.0
    assert rate_for(december, BOOK, last_minute, MoneySettings()) == 10.0
    # 11/25 23:59 (UTC 14:59) and 11/30 23:59 are still November
    assert previous_period(jst("2026-11-25T23:59"))[0] == jst("2026-09-26T00:00")
    assert previous_period(jst("2026-11-30T23:59"))[0] == jst("2026-09-26T00:00")


def test_rakuma_counts_sales_made_outside_the_journal() -> None:
    trade = sale("rakuma", "2026-11-10T12:00")
    outside = MoneySettings(rakuma_outside_count=4, rakuma_outside_amount=5000)
    assert rate_for(trade, BOOK, [], outside) == 9.0
    assert rate_for(trade, BOOK, history(6, 10000), outside) == 8.0  # 10 sales, ¥15,000


def test_rakuma_before_the_tiers_is_flat() -> None:
    trade = sale("rakuma", "2023-07-31T23:59")
    assert rate_for(trade, BOOK, history(10, 100000, "2023-07-01T12:00"), MoneySettings()) == 6.6
    assert rate_for(sale("rakuma", "2023-08-01T00:00"), BOOK, [], MoneySettings()) == 10.0


@pytest.mark.parametrize(
    ("at", "premium", "rate"),
    [
        ("2024-06-03T23:59", False, 10.0),
        ("2024-06-03T23:59", True, 8.8),
        ("2024-06-04T00:00", True, 10.0),
        ("2024-06-04T00:00", False, 10.0),
        ("2026-11-10T12:00", True, 10.0),
    ],
)
def test_yahoo_auction_switch_and_premium(at, premium, rate) -> None:
    settings = MoneySettings(yahoo_premium=premium)
    assert rate_for(sale("yahoo-auction", at), BOOK, [], settings) == rate


@pytest.mark.parametrize(("platform", "rate"), [("mercari", 10.0), ("yahoo-flea", 5.0)])
def test_flat_rates(platform, rate) -> None:
    assert rate_for(sale(platform, "2026-11-10T12:00"), BOOK, [], MoneySettings()) == rate


@pytest.mark.parametrize(
    ("price", "rate", "fee"),
    [(999, 10.0, 99), (1000, 10.0, 100), (1001, 4.5, 45), (333, 6.6, 21), (300, 5.0, 15)],
)
def test_fees_are_rounded_down_to_the_yen(price, rate, fee) -> None:
    assert fee_of(price, rate) == fee


def test_profit_is_price_less_fee_shipping_and_cost() -> None:
    trade = sale("mercari", "2026-11-10T12:00", price=2500, shipping=210, cost=800)
    money = money_of(trade, BOOK, [], MoneySettings())
    assert money.as_dict() == {
        "price": 2500,
        "fee": 250,
        "fee_rate": 10.0,
        "shipping": 210,
        "cost": 800,
        "profit": 1240,
        "sold": True,
    }


def test_an_unsold_listing_has_no_fee_and_no_profit() -> None:
    payload = {"platform": "mercari", "title": "x", "price": 900}
    listing = fold([Event("listed", "T1", payload, jst("2026-11-01T12:00"), seq=1)])
    money = money_of(listing, BOOK, [], MoneySettings())
    assert (money.price, money.fee, money.profit) == (900, None, None)
