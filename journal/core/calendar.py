"""A trade's deadlines replayed through its history, for the calendar. Pure.

`entries_of` replays one trade's events step by step and tells, per deadline kind, its
current due time and how often and when it last changed (what an iCalendar file needs for
its revisions: `journal/text/ical.py` writes the file). A deadline met, voided or dropped
by the trade's end stays listed for `CANCELLED_FOR` after that.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from journal.core.datatypes import record
from journal.core.deadlines import compute, is_closed
from journal.core.errors import JournalError
from journal.core.events import ANYTIME_TYPES, VOID_TYPE, Event
from journal.core.rules import RuleBook
from journal.core.trade import Trade, apply, fold, new_trade

CANCELLED_FOR = timedelta(days=7)


@record(frozen=True)
class Entry:
    """One deadline of one trade, with its revision history summarized."""

    trade: str
    kind: str
    title: str
    due: datetime
    effect: str  # the rule's key (`Rule.key`): the calendar writer words it
    sequence: int  # events that changed it since it first appeared
    created: datetime  # when the event that made it appear was recorded
    modified: datetime  # when the event that last changed it was recorded
    gone_at: datetime | None  # when it was met, voided or dropped; None while open
    trade_finished: bool  # the trade's current state (an overdue step no longer awaited)


def journal_id(first_hash: str | None) -> str:
    """A journal's identity: its first event's chain hash (kept by backup, export/import)."""
    return first_hash[:20] if first_hash else "empty"


def entries_of(events: Sequence[Event], book: RuleBook) -> list[Entry]:
    """Every deadline this trade ever had, as it stands now, from its events in order.

    The trade is replayed one event at a time (voids refold the prefix, as `fold` would),
    and its deadlines are recomputed after each step; comparing consecutive states tells
    which event moved, met or removed which deadline.
    """
    state: dict[str, dict] = {}
    trade: Trade | None = None
    for index, event in enumerate(events):
        try:
            if trade is None:
                trade = new_trade(event)
            elif event.type == VOID_TYPE:
                trade = fold(list(events[: index + 1]))
            elif event.type in ANYTIME_TYPES:
                continue
            else:
                apply(trade, event)
        except JournalError:
            trade = fold(list(events[: index + 1]))  # as the projection replays it
        if trade is None:
            continue
        stamp = event.recorded_at or event.occurred_at
        _step(state, trade, book, stamp)
    if trade is None:
        return []
    return [
        Entry(
            trade=trade.id,
            kind=kind,
            title=s["title"],
            due=s["due"],
            effect=s["effect"],
            sequence=s["sequence"],
            created=s["created"],
            modified=s["modified"],
            gone_at=s["gone_at"],
            trade_finished=trade.finished,
        )
        for kind, s in state.items()
    ]


def _step(state: dict[str, dict], trade: Trade, book: RuleBook, stamp: datetime) -> None:
    # Open: not met, and still awaited (a finished trade waits for no step: those deadlines
    # are closed; its windows, like the message window, remain until they pass).
    now_open = {
        d.kind: d
        for d in compute(trade, book)
        if d.met_at is None
        and not is_closed(d, trade.finished)
        and not (trade.finished and d.due <= stamp)
    }
    for kind in now_open.keys() | state.keys():
        d = now_open.get(kind)
        seen = state.get(kind)
        if d is None:
            if seen is not None and seen["gone_at"] is None:
                seen.update(gone_at=stamp, modified=stamp, sequence=seen["sequence"] + 1)
            continue
        facts = {"due": d.due, "effect": d.effect, "title": trade.title}
        if seen is None:
            state[kind] = {**facts, "sequence": 0, "created": stamp, "modified": stamp}
            state[kind]["gone_at"] = None
        elif seen["gone_at"] is not None or any(seen[k] != v for k, v in facts.items()):
            seen.update(facts, gone_at=None, modified=stamp, sequence=seen["sequence"] + 1)
