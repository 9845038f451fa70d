"""Money: what each trade brought in, and the totals a seller's spreadsheet (管理表) keeps.
Pure: trades, the fee rules and the settings are passed in.

profit = price − fee − shipping − cost (cost of goods plus extra costs such as packaging).
The fee is the platform's rate, in force when the item was bought (the purchase or, for
request listings, the approval), applied to the final price and rounded down to the yen.
Rakuma's rate since 2023-08-01 depends on the seller's completed sales in a sales period
(26th to 25th, Japan time): the rate of a calendar month comes from the period that ended on
the 25th of the month before. Counted here from the journal's own completed Rakuma sales,
plus what the config says was sold outside the journal.
"""

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from journal.core.datatypes import record
from journal.core.fees import fee_rule, is_premium, is_withdrawal, transfer_fee
from journal.core.rules import Rule, RuleBook
from journal.core.steps import State
from journal.core.trade import Trade

JST = ZoneInfo("Asia/Tokyo")
PERIOD_START_DAY = 26  # Rakuma's sales periods run from the 26th to the 25th
NO_SALE = frozenset({State.CANCELLED, State.DELISTED, State.BUNDLED})  # sold or not, no sale


@record(frozen=True)
class MoneySettings:
    """`[money]` in the config."""

    yahoo_premium: bool = False  # ヤフオク premium member, for listings that do not say
    rakuma_outside_count: int = 0  # Rakuma sales per period made outside this journal
    rakuma_outside_amount: int = 0


@record(frozen=True)
class Money:
    price: int | None
    fee: int | None
    fee_rate: float | None
    shipping: int | None
    cost: int | None
    profit: int | None
    sold: bool | None = None  # a sale that went through; None for a purchase (仕入れ)

    def as_dict(self) -> dict[str, int | float | bool | None]:
        return {
            "price": self.price,
            "fee": self.fee,
            "fee_rate": self.fee_rate,
            "shipping": self.shipping,
            "cost": self.cost,
            "profit": self.profit,
            "sold": self.sold,
        }


def sold_at(trade: Trade) -> datetime | None:
    """When the item was bought: the purchase, or the approval of a request."""
    return trade.anchors.get("purchase") or trade.anchors.get("approval")


def went_through(trade: Trade) -> bool:
    """A sale that was bought and stands: not a listing still waiting, nor one cancelled,
    withdrawn or bundled (no fee and no profit for those)."""
    return trade.role == "seller" and sold_at(trade) is not None and trade.state not in NO_SALE


def completed_at(trade: Trade) -> datetime | None:
    """When a sale completed, or proceeds were withdrawn (the day a cost counts)."""
    if trade.state != "completed":
        return None
    return trade.anchors.get("completion") or trade.anchors.get("withdrawal")


def period_of(moment: datetime) -> tuple[datetime, datetime]:
    """The Rakuma sales period (26th 00:00 to the next 26th 00:00, Japan time) of `moment`."""
    local = moment.astimezone(JST)
    year, month = local.year, local.month
    if local.day < PERIOD_START_DAY:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    start = datetime.combine(date(year, month, PERIOD_START_DAY), time(0), JST)
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    end = datetime.combine(date(next_year, next_month, PERIOD_START_DAY), time(0), JST)
    return start, end


def previous_period(moment: datetime) -> tuple[datetime, datetime]:
    """The sales period whose sales fix Rakuma's rate for a purchase at `moment`.

    The rate of calendar month M (Japan time) is fixed on the 26th of M-1 from the sales of
    the 26th of M-2 to the 25th of M-1 ("8月の販売手数料は、6月26日〜7月25日の販売実績に
    よって、7月26日に確定する", Impress Watch 2023-06-15): a purchase on the 26th to 31st still
    pays its own month's rate, not the one just fixed for the next month."""
    local = moment.astimezone(JST)
    year, month = (local.year - 1, 12) if local.month == 1 else (local.year, local.month - 1)
    return period_of(datetime.combine(date(year, month, PERIOD_START_DAY - 1), time(0), JST))


def tier_rate(rule: Rule, count: int, amount: int) -> float:
    """The rate of the highest tier whose sales count and amount are both reached."""
    rate = rule.rate
    for tier_count, tier_amount, tier in rule.tiers:
        if count >= tier_count and amount >= tier_amount:
            rate = min(rate, tier)
    return rate


def fee_of(price: int, rate: float) -> int:
    """The fee in yen, rounded down (the platforms' rounding is not confirmed by a source)."""
    return math.floor(price * rate / 100 + 1e-9)


@record(frozen=True)
class Sale:
    """A completed sale, for Rakuma's tiers."""

    platform: str
    completed_at: datetime
    price: int


class Tally:
    """Completed sales counted once per app and sales period (count, amount), so finding a
    sale's tier is one lookup instead of a scan of every sale (`money` and the CSV price
    every trade: a scan each made them quadratic)."""

    def __init__(self, sales: Iterable[Sale] = ()) -> None:
        self._totals: dict[tuple[str, datetime], tuple[int, int]] = {}
        for sale in sales:
            key = (sale.platform, period_of(sale.completed_at)[0])
            count, amount = self._totals.get(key, (0, 0))
            self._totals[key] = (count + 1, amount + sale.price)

    def totals(self, platform: str, start: datetime) -> tuple[int, int]:
        """The count and amount of the app's sales completed in the period from `start`."""
        return self._totals.get((platform, start), (0, 0))


def rate_for(
    trade: Trade, book: RuleBook, sales: Tally | Sequence[Sale], settings: MoneySettings
) -> float | None:
    """The fee rate (percent) in force for this sale, or None when it cannot be known yet."""
    moment = sold_at(trade)
    rule = fee_rule(trade, book)
    if moment is None or rule is None:
        return None
    if rule.premium_rate is not None and is_premium(trade, settings.yahoo_premium):
        return rule.premium_rate
    if not rule.tiers:
        return rule.rate
    tally = sales if isinstance(sales, Tally) else Tally(sales)
    count, amount = tally.totals(trade.platform, previous_period(moment)[0])
    count += settings.rakuma_outside_count
    amount += settings.rakuma_outside_amount
    return tier_rate(rule, count, amount)


def money_of(
    trade: Trade, book: RuleBook, sales: Tally | Sequence[Sale], settings: MoneySettings
) -> Money:
    """A trade's money; a field that is not known is None (a listing not sold, or a sale
    cancelled, has no fee and no profit)."""
    cost = _sum(trade.cost, trade.extra_cost)
    if is_withdrawal(trade):  # not a sale: its transfer fee is a cost
        fee = transfer_fee(trade, book)
        return Money(None, fee, None, None, None, None if fee is None else -fee)
    if trade.role == "buyer":  # what was paid is the purchase (仕入れ) of an item to resell
        return Money(trade.price, None, None, trade.shipping, None, None)
    if not went_through(trade):
        return Money(trade.price, None, None, trade.shipping, cost, None, sold=False)
    rate = rate_for(trade, book, sales, settings)
    fee = fee_of(trade.price, rate) if rate is not None else None
    profit = None
    if fee is not None:
        profit = trade.price - fee - (trade.shipping or 0) - (cost or 0)
    return Money(trade.price, fee, rate, trade.shipping, cost, profit, sold=True)


def sales_of(trades: Iterable[Trade]) -> Tally:
    """The completed sales of these trades, counted per app and period."""
    return Tally(
        Sale(t.platform, moment, t.price)
        for t in trades
        if t.role == "seller" and not is_withdrawal(t) and (moment := completed_at(t)) is not None
    )


def _sum(*values: int | None) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
