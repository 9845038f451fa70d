"""What is due now, and a delivery pass: on time, late, superseded, or summarized.

Every decision is `scheduler.plan`'s (`due`, `due_now`); `Reminders` feeds it the unsent
reminders whose time has come, and this module turns its answer into `Work`, one
notification each.
"""

from datetime import datetime
from typing import Any

from journal.text.i18n import Locale
from scheduler.notes import reminder_note, summary_note
from scheduler.plan import Delivery, Reminder
from scheduler.work import Work


def works_of(
    snap: Any, deliveries: list[Delivery], summarize: list[Reminder], now: datetime, loc: Locale
) -> list[Work]:
    """The planner's answer as notifications for `loc`'s reader: one per delivery, one
    summary for the rest."""
    titles = snap.titles({d.reminder.trade for d in deliveries})
    sellers = snap.sellers({d.reminder.trade for d in deliveries})
    places = _delist_places(
        snap, {d.reminder.trade for d in deliveries if d.reminder.kind == "delist"}
    )
    works = []
    for item in deliveries:
        how = "late" if item.late else "on_time"
        trade = item.reminder.trade
        where = places.get(trade) if item.reminder.kind == "delist" else None
        works.append(
            Work(
                reminder_note(
                    item, titles.get(trade, ""), now, loc, where=where, seller=trade in sellers
                ),
                [(item.reminder, how), *((r, "superseded") for r in item.superseded)],
            )
        )
    if summarize:
        works.append(
            Work(summary_note(summarize, now, loc), [(r, "summary") for r in summarize], True)
        )
    return works


def _delist_places(snap: Any, ids: set[str]) -> dict[str, tuple[str, str, str, str]]:
    """For a delist reminder, where to go and why: (the listing's app, the listing that took
    the item first, its app, how it took it), so the note names the app to open."""
    if not ids:
        return {}
    from journal.core.items import how_taken

    listings = [t for t in snap.trades(ids) if t.item_taken]
    first = {t.id: min(t.item_taken, key=t.item_taken.__getitem__) for t in listings}
    takers = {t.id: t for t in snap.trades(set(first.values()))}
    return {
        t.id: (t.platform, by.id, by.platform, how_taken(by))
        for t in listings
        if (by := takers.get(first[t.id])) is not None
    }
