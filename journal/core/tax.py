"""`journal tax --year`: a calendar year's figures for 確定申告, from the trades. Pure: trades,
the fee rules and the money settings come in; keys and numbers go out, never words.

- 売上 (sales), 販売手数料 (fees), 送料 (shipping): the sales completed in the year, as
  `journal money` counts them; a withdrawal's transfer fee is a fee of its day.
- 仕入 (purchases): each purchase (`bought`, not cancelled) in the year it was bought, at
  its price plus the shipping paid; and the cost of goods of a listing (`--cost`, or `add
  cost --cost`) in the year it was listed, unless the listing sells a purchase of this journal
  (the same `--item` key on both: the purchase carries the cost) or is a bundle (its
  listings carried it). A purchase is never a sale.
- 棚卸 (stock) at the start and the end of the year: what was bought or listed and not sold
  by then, at cost: purchases whose item no listing had sold yet, and listings not sold yet
  that carry their own cost. A listing cancelled or delisted leaves the stock that day.
- 経費 (expenses): extra costs (`add cost --extra`: packaging and the like), with the sale
  in the year it completed; for a trade that never completes, in the year it was recorded.
- 売上原価 = 期首棚卸 + 仕入 − 期末棚卸; 所得 = 売上 − 売上原価 − 販売手数料 − 送料 − 経費.

Every figure is a sum of rows (one row per trade and kind), and the months and platforms
are the same rows grouped, so the totals equal the sum of the rows by construction.
"""

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from journal.core.fees import is_withdrawal
from journal.core.money import (
    JST,
    NO_SALE,
    MoneySettings,
    completed_at,
    money_of,
    sales_of,
    sold_at,
)
from journal.core.rules import RuleBook
from journal.core.steps import State
from journal.core.trade import Trade

AMOUNTS = ("sales", "fees", "shipping", "purchases", "expenses")
SALARIED_LINE = 200_000  # 所得 of side income a salaried person may leave out of 所得税's return


def _start(year: int) -> datetime:
    return datetime.combine(date(year, 1, 1), time(0), JST)


def _row(kind: str, trade: Trade, at: datetime, **amounts: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": kind,
        "id": trade.id,
        "platform": trade.platform,
        "at": at,
        "month": at.astimezone(JST).strftime("%Y-%m"),
    }
    return row | {name: amounts.get(name, 0) for name in AMOUNTS}


def _purchase_value(trade: Trade) -> int:
    return trade.price + (trade.shipping or 0)


def _bought_at(trade: Trade) -> datetime:
    return trade.anchors.get("purchase") or trade.created_at


class _Books:
    """The trades of the journal, with the links between purchases and their listings."""

    def __init__(self, trades: Sequence[Trade]) -> None:
        self.by_id = {t.id: t for t in trades}
        self.purchases = [t for t in trades if t.role == "buyer" and t.state != State.CANCELLED]
        self.listings = [t for t in trades if t.role == "seller" and not is_withdrawal(t)]
        self.purchased_items = {t.item for t in self.purchases if t.item}

    def sold_by(self, listing: Trade) -> datetime | None:
        """When the listing (or the bundle it went into) sold for good, if it did."""
        if listing.bundled_into and listing.bundled_into in self.by_id:
            return self.sold_by(self.by_id[listing.bundled_into])
        moment = sold_at(listing)
        if moment is None or listing.state in NO_SALE:
            return None
        return moment

    def item_sold_before(self, item: str, moment: datetime) -> bool:
        for listing in self.listings:
            if listing.item == item:
                sold = self.sold_by(listing)
                if sold is not None and sold < moment:
                    return True
        return False

    def carries_cost(self, listing: Trade) -> bool:
        """A listing whose own cost of goods is a purchase made outside this journal."""
        return (
            bool(listing.cost)
            and not listing.bundled_from
            and not (listing.item and listing.item in self.purchased_items)
        )

    def stock(self, moment: datetime) -> list[dict[str, Any]]:
        """What was bought or listed before `moment` and not sold by then, at cost."""
        out = []
        for p in self.purchases:
            if _bought_at(p) < moment and not (p.item and self.item_sold_before(p.item, moment)):
                out.append({"id": p.id, "title": p.title, "value": _purchase_value(p)})
        for s in self.listings:
            if s.created_at >= moment or not self.carries_cost(s):
                continue
            sold = self.sold_by(s)
            ended = s.state in NO_SALE and (s.last_step_at or s.created_at) < moment
            if (sold is None or sold >= moment) and not ended:
                out.append({"id": s.id, "title": s.title, "value": s.cost or 0})
        return sorted(out, key=lambda entry: entry["id"])


def _rows(
    trades: Sequence[Trade], books: _Books, book: RuleBook, settings: MoneySettings, year: int
) -> list[dict[str, Any]]:
    def in_year(moment: datetime | None) -> bool:
        return moment is not None and moment.astimezone(JST).year == year

    sales = sales_of(trades)
    rows = []
    for trade in trades:
        done = completed_at(trade)
        if is_withdrawal(trade):
            if in_year(done):
                fee = money_of(trade, book, sales, settings).fee or 0
                rows.append(_row("withdrawal", trade, done, fees=fee))
            continue
        if trade.role == "buyer":
            if trade.state != State.CANCELLED and in_year(_bought_at(trade)):
                value = _purchase_value(trade)
                rows.append(_row("purchase", trade, _bought_at(trade), purchases=value))
        elif books.carries_cost(trade) and in_year(trade.created_at):
            rows.append(_row("goods", trade, trade.created_at, purchases=trade.cost or 0))
        sale = trade.role == "seller" and done is not None
        if sale and in_year(done):
            money = money_of(trade, book, sales, settings)
            rows.append(
                _row(
                    "sale",
                    trade,
                    done,
                    sales=money.price or 0,
                    fees=money.fee or 0,
                    shipping=money.shipping or 0,
                    expenses=trade.extra_cost or 0,
                )
            )
        elif not sale and trade.extra_cost and in_year(trade.created_at):
            rows.append(_row("expense", trade, trade.created_at, expenses=trade.extra_cost))
    return sorted(rows, key=lambda r: (r["at"], r["id"], r["kind"]))


def _sums(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {name: sum(r[name] for r in rows) for name in AMOUNTS}


def _grouped(rows: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return [{"key": k, **_sums(group)} for k, group in sorted(groups.items())]


def tax_year(
    trades: Sequence[Trade], book: RuleBook, settings: MoneySettings, year: int
) -> dict[str, Any]:
    """The year's figures, rows, groups, stock and the notes that apply (as codes)."""
    books = _Books(trades)
    rows = _rows(trades, books, book, settings, year)
    totals = _sums(rows)
    opening, closing = books.stock(_start(year)), books.stock(_start(year + 1))
    start_value = sum(entry["value"] for entry in opening)
    end_value = sum(entry["value"] for entry in closing)
    cost_of_sales = start_value + totals["purchases"] - end_value
    income = (
        totals["sales"] - cost_of_sales - totals["fees"] - totals["shipping"] - totals["expenses"]
    )
    notes = [
        {"code": "tax_salaried", "income": income, "line": SALARIED_LINE},
        {"code": "tax_resident"},
        {"code": "tax_books_kept"},
        {"code": "tax_not_advice"},
    ]
    return {
        "year": year,
        "from": date(year, 1, 1).isoformat(),
        "to": date(year, 12, 31).isoformat(),
        "totals": totals,
        "stock": {
            "start": {"value": start_value, "count": len(opening), "items": opening},
            "end": {"value": end_value, "count": len(closing), "items": closing},
        },
        "cost_of_sales": cost_of_sales,
        "income": income,
        "months": _grouped(rows, "month"),
        "platforms": _grouped(rows, "platform"),
        "rows": rows,
        "notes": notes,
    }
