"""`journal money`: the completed trades of a period, their totals, monthly (or per app)
groups and the stock still listed. Pure: trades, rules, settings and the period come in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from journal.core.datatypes import record
from journal.core.errors import BadInput
from journal.core.money import JST, MoneySettings, completed_at, money_of, sales_of
from journal.core.rules import RuleBook
from journal.core.trade import Trade

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

FIELDS = ("sales", "fees", "shipping", "cost", "profit")
UNSOLD = frozenset({"listed", "requested"})


def read(role: str, state: str) -> bool:
    """Whether `report` reads a trade of this role and state: a sale completed (its rows,
    Rakuma's tiers) or unsold (the stock), a purchase not cancelled. The rest (a sale under
    way, cancelled, delisted or bundled) it never looks at, and `journal money` folds none."""
    if role == "seller":
        return state == "completed" or state in UNSOLD
    return role == "buyer" and state != "cancelled"


@record(frozen=True)
class Period:
    first: date  # both days included, Japan time
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), JST)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), JST)


def checked_year(year: int) -> int:
    """A year every period option takes (`--year`, `--month`, `--from/--to`, the CSV's
    `--year`): the dates the journal supports, 2000 to 2100."""
    if not 2000 <= year <= 2100:
        shown = year if abs(year) < 10**6 else f"{str(year)[:8]}…"
        raise BadInput("bad_year", value=shown)
    return year


def period(
    year: int | None,
    month: str | None,
    first: date | None,
    last: date | None,
    today: date,
) -> Period:
    """`--year`, `--month YYYY-MM` or `--from/--to` (one of them); the current year by default."""
    given = [x is not None for x in (year, month, first or last)]
    if sum(given) > 1:
        raise BadInput("money_one_period")
    if month is not None:
        try:
            start = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise BadInput("bad_month", value=month) from None
        checked_year(start.year)
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return Period(start, following - timedelta(days=1))
    if first is not None or last is not None:
        if first is None or last is None or last < first:
            raise BadInput("money_from_to")
        checked_year(first.year), checked_year(last.year)
        return Period(first, last)
    chosen = checked_year(year if year is not None else today.year)
    return Period(date(chosen, 1, 1), date(chosen, 12, 31))


def report(
    trades: Sequence[Trade],
    book: RuleBook,
    settings: MoneySettings,
    span: Period,
    by: str = "month",
) -> dict[str, Any]:
    sales = sales_of(trades)
    rows = []
    for trade in trades:
        moment = completed_at(trade)
        if trade.role != "seller" or moment is None or not span.start <= moment < span.end:
            continue
        money = money_of(trade, book, sales, settings)
        rows.append(
            {
                "id": trade.id,
                "platform": trade.platform,
                "title": trade.title,
                "completed_at": moment,
                "price": money.price,
                "fee": money.fee,
                "shipping": money.shipping,
                "cost": money.cost,
                "profit": money.profit,
            }
        )
    rows.sort(key=lambda r: (r["completed_at"], r["id"]))
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = (
            row["completed_at"].astimezone(JST).strftime("%Y-%m")
            if by == "month"
            else row["platform"]
        )
        groups.setdefault(key, []).append(row)
    stock = [t for t in trades if t.role == "seller" and t.state in UNSOLD]
    bought = [  # purchases (仕入) of the period: never sales
        t
        for t in trades
        if t.role == "buyer"
        and t.state != "cancelled"
        and span.start <= (t.anchors.get("purchase") or t.created_at) < span.end
    ]
    return {
        "from": span.first.isoformat(),
        "to": span.last.isoformat(),
        "trades": rows,
        "totals": _totals(rows),
        "groups": [{"key": key, **_totals(group)} for key, group in sorted(groups.items())],
        "purchases": {
            "count": len(bought),
            "amount": sum(t.price + (t.shipping or 0) for t in bought),
        },
        "inventory": {
            "count": len(stock),
            "cost": sum((t.cost or 0) + (t.extra_cost or 0) for t in stock),
        },
    }


def _totals(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {
        "count": sum(1 for r in rows if r["price"] is not None),  # sales, not withdrawals
        "sales": sum(r["price"] or 0 for r in rows),
        "fees": sum(r["fee"] or 0 for r in rows),
        "shipping": sum(r["shipping"] or 0 for r in rows),
        "cost": sum(r["cost"] or 0 for r in rows),
        "profit": sum(r["profit"] or 0 for r in rows),
    }
