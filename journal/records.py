"""The use cases beside `Journal`'s for the books: `search` (by date, amount and other party,
over the trades or the log) and `history` (every correction and deletion). Each takes the
journal (the door) and drives storage's reads (`journal.storage.records`) and the pure core
(`journal.core.records`); they return data, never words."""

from __future__ import annotations

from datetime import date

from journal.core.errors import BadInput
from journal.core.records import Criteria, corrections, keep_events
from journal.service import Journal
from journal.storage import records

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


def search(journal: Journal, wanted: Criteria, log: bool = False) -> list[dict[str, Any]]:
    """The trades (or, with `log`, the events) that meet every condition given."""
    journal.catch_up()
    with journal.store.read() as conn:
        if log:
            found_events = keep_events(records.events(conn, wanted), wanted)
            voided = records.voided_among(conn, sorted({e["id"] for e in found_events}))
            return [e | {"voided": e["seq"] in voided} for e in found_events]
        found = records.trades(conn, wanted)
    return [
        {
            "id": f.id,
            "traded_at": f.traded_at,
            "platform": f.platform,
            "role": f.role,
            "party": f.party,
            "title": f.title,
            "price": f.price,
            "state": f.state,
        }
        for f in found
        if wanted.party_ok(f.party)
    ]


def history(journal: Journal, trade: str | None, wanted: Criteria) -> list[dict[str, Any]]:
    """Every correction (void, undo) of this trade or of all, made in the range, oldest
    first: when, the event it voided, the fields before and after, and the reason."""
    journal.catch_up()
    with journal.store.read() as conn:
        if trade is not None and not journal.store.stream(conn, trade):
            raise BadInput("unknown_trade", trade=trade)
        found = []
        for stream in records.corrected(conn, trade, wanted):
            found.extend(corrections(journal.store.stream(conn, stream)))
    found = [
        entry
        for entry in found
        if (wanted.start is None or entry["recorded_at"] >= wanted.start)
        and (wanted.end is None or entry["recorded_at"] < wanted.end)
    ]
    return sorted(found, key=lambda entry: entry["seq"])


def tax(journal: Journal, year: int) -> dict[str, Any]:
    """`journal tax --year`: the year's figures for 確定申告 (`journal.core.tax`)."""
    from journal.core.money_report import checked_year
    from journal.core.tax import tax_year

    checked_year(year)
    return tax_year(journal.all_trades(), journal.book, journal.money_settings(), year)


def kobutsu(journal: Journal, year: int) -> list[dict[str, Any]]:
    """`journal kobutsu --year`: the 古物台帳 of the purchases made in the year (Japan time)."""
    from journal.core.kobutsu import register
    from journal.core.money_report import Period, checked_year

    checked_year(year)
    span = Period(date(year, 1, 1), date(year, 12, 31))
    journal.catch_up()
    with journal.store.read() as conn:
        found = records.purchases(conn, Criteria(span.start, span.end))
    return register(found)
