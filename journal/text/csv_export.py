"""`journal export --format csv`: one row per trade with its dates and money, for a
spreadsheet and for 確定申告. UTF-8 with a byte-order mark, so Excel in Japan opens it as
UTF-8 (without one it guesses Shift_JIS and shows mojibake); the header is in the reader's
language, and so are the names of the platform, the role and the state (`--raw`: their ids,
as in JSON). Pure apart from the text it returns."""

import io
from collections.abc import Sequence
from datetime import datetime, tzinfo

from journal.core.money import JST, MoneySettings, completed_at, money_of, sales_of, sold_at
from journal.core.rules import RuleBook
from journal.core.trade import Trade
from journal.text.labels import label

COLUMNS = (
    "id",
    "platform",
    "role",
    "title",
    "state",
    "listed_at",
    "sold_at",
    "completed_at",
    "price",
    "purchase",
    "fee",
    "fee_rate",
    "shipping",
    "cost",
    "profit",
)
BOM = "\ufeff"


def in_year(trade: Trade, year: int) -> bool:
    """A sale counts in the year it completed; a purchase in the year it was bought."""
    moment = completed_at(trade) if trade.role == "seller" else trade.created_at
    return moment is not None and moment.astimezone(JST).year == year


def csv_text(
    trades: Sequence[Trade],
    book: RuleBook,
    settings: MoneySettings,
    header: Sequence[str],
    zone: tzinfo,
    year: int | None = None,
    lang: str = "en",
) -> str:
    sales = sales_of(trades)
    out = io.StringIO()
    out.write(BOM)
    _row(out, header)
    for trade in trades:
        if year is not None and not in_year(trade, year):
            continue
        money = money_of(trade, book, sales, settings)
        buying = trade.role == "buyer"
        _row(
            out,
            [
                trade.id,
                label("platform", trade.platform, lang),
                label("role", trade.role, lang),
                trade.title,
                label("state", trade.state, lang),
                _when(trade.created_at, zone),
                _when(sold_at(trade), zone),
                _when(completed_at(trade), zone),
                *(
                    "" if value is None else value
                    for value in (
                        None if buying else money.price,  # a purchase is no sale: 仕入
                        (money.price or 0) + (money.shipping or 0) if buying else None,
                        money.fee,
                        money.fee_rate,
                        None if buying else money.shipping,
                        money.cost,
                        money.profit,
                    )
                ),
            ],
        )
    return out.getvalue()


# A text cell starting so is a formula to Excel and LibreOffice (=HYPERLINK(…), DDE).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One field: a number as it is; text quoted where CSV needs it, and text a spreadsheet
    would run as a formula made inert as OWASP advises (a leading `'`, the cell quoted)."""
    if not isinstance(value, str):
        return str(value)
    inert = value.startswith(FORMULA_START) or value.lstrip().startswith(FORMULA_START[:4])
    text = "'" + value if inert else value
    if inert or any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _row(out: io.StringIO, cells: Sequence[object]) -> None:
    out.write(",".join(map(cell, cells)) + "\r\n")


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
