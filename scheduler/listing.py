"""`journal reminders`: the reminders planned ahead, and those sent lately."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from operator import attrgetter

from journal.core.clock import parse_time
from scheduler.plan import DAILY_LOOKBACK, SOONEST, Warnings, daily_overdue, reminders_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any


def listing(
    records: Any,
    warnings: Warnings,
    late: tuple[timedelta, timedelta],
    now: datetime,
    within: timedelta,
) -> dict[str, list[dict[str, Any]]]:
    """`journal reminders`: unsent reminders up to `now + within`, and those sent lately,
    read in one snapshot of `records`; `late` is (lateness, lookback)."""
    lateness, lookback = late
    since = now - within
    with records.snapshot() as snap:
        end = now + within + warnings.longest
        titled = snap.due_titled(now - lookback, end)
        titles = {trade: title for trade, _, _, title in titled}
        sent_rows = snap.sent_since(since)
        sent = snap.sent_keys(now - lookback)
        late = snap.overdue(now)
        untitled = {r[0] for r in sent_rows} | {t for t, _, _, _ in late}
        titles.update(snap.titles(untitled - titles.keys()))
    rows = [d[:3] for d in titled]
    # what was told, keyed as a reminder's (trade, kind, due, offset) fields are: each of a
    # week's reminders is looked up by its fields, not by its key's text
    told = {(t, k, parse_time(due), timedelta(seconds=off)) for t, k, due, off in sent}
    told.update(
        (t, k, due, timedelta(seconds=off)) for t, k, due, offsets in late for off in offsets
    )
    daily = daily_overdue(
        [(t, k, due) for t, k, due, _ in late],
        warnings,
        now - DAILY_LOOKBACK,
        now + min(within, timedelta(days=1)),  # the next one of each, not a week of them
    )
    planned = []
    # no two are alike: one per (deadline, offset), the daily ones after their deadline
    # (negative offsets), the others before it or at it
    for r in sorted([*reminders_of(rows, warnings, now + within), *daily], key=SOONEST):
        if _told(r) in told or now - r.at > lateness:
            continue
        planned.append(
            {
                "trade": r.trade,
                "title": titles.get(r.trade, ""),
                "kind": r.kind,
                "due": r.due,
                "at": r.at,
                "before": _offset_text(r.offset),
                "status": "overdue" if r.at <= now else "planned",
            }
        )
    return {"planned": planned, "sent": _sent_out(sent_rows, titles)}


def _sent_out(sent_rows: list[Any], titles: dict[str, str]) -> list[dict[str, Any]]:
    """The records of reminders sent lately, as the listing shows them."""
    return [
        {
            "trade": t,
            "title": titles.get(t, ""),
            "kind": k,
            "due": parse_time(due),
            "before": _offset_text(timedelta(seconds=off)),
            "sent_at": parse_time(at),
            "how": how,
            "notifier": notifier,
        }
        for t, k, due, off, at, how, notifier in sent_rows
    ]


_told = attrgetter("trade", "kind", "due", "offset")


@lru_cache(maxsize=256)  # a few offsets, on each of a week's reminders
def _offset_text(offset: timedelta) -> str:
    """`24h` before the deadline; a daily overdue reminder, after it, as `+15h`."""
    if offset < timedelta(0):
        return "+" + _offset_text(-offset)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "0m"
    if minutes % 1440 == 0 and minutes >= 2880:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"
