"""The double-listing alarm: one physical item listed on several apps (`listed --item KEY`).
Pure.

When one listing of an item is taken (sold, approved, bundled into a set, or held for a
buyer), every other open listing of it must come down before a second buyer pays: the
journal writes `item-taken` into each of them, in the same transaction as the step, and
their `delist` deadline is due at once (overdue until delisted or cancelled). When the
taking is undone (the sale cancelled, the hold ended, the step voided), `item-released`
withdraws the alarm. The facts stay in the log, so a rebuild gives the same alarms.
When a listing whose item is already sold elsewhere sells too, nothing is left to take
down: that is a double sale (二重販売), which `add` says as a warning (`double_sold`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from journal.core.events import ITEM_TYPES, Event
from journal.core.trade import Trade, apply, fold, hold_active, new_trade

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

OPEN_STATES = frozenset({"listed", "requested"})
TAKEN_STATES = frozenset(
    {"awaiting_payment", "awaiting_shipment", "shipped", "received", "completed", "bundled"}
)


def taken(trade: Trade | None) -> bool:
    """Is this listing's item spoken for?"""
    if trade is None or trade.role != "seller" or not trade.item:
        return False
    return trade.state in TAKEN_STATES or (trade.state in OPEN_STATES and hold_active(trade))


def sold(trade: Trade | None) -> bool:
    """Is this listing's item sold (approved, bundled, or further), not only held?"""
    return trade is not None and taken(trade) and trade.state in TAKEN_STATES


def double_sold(before: Trade | None, after: Trade | None, others: Iterable[Trade]) -> list[Trade]:
    """The other listings of the item already sold when this one is sold too (二重販売: two
    buyers for one item; one of the trades must be cancelled). A hold is not a sale: selling
    a listing while another is held is the delist alarm's case."""
    if not sold(after) or sold(before):
        return []
    assert after is not None
    return [o for o in others if o.id != after.id and o.item == after.item and sold(o)]


def sold_twice(pairs: Iterable[tuple[str, str]], trades: dict[str, Trade | None]) -> set[str]:
    """The listings sold while another listing of their item is too; `pairs` are
    (item, listing id), `trades` the listings by id."""
    by_item: dict[str, set[str]] = {}
    for item, trade_id in pairs:
        if sold(trades.get(trade_id)):
            by_item.setdefault(item, set()).add(trade_id)
    return set().union(*(ids for ids in by_item.values() if len(ids) > 1))


def item_rows(
    pairs: Sequence[tuple[str, str]], trades: dict[str, Trade | None]
) -> list[dict[str, Any]]:
    """`journal items`: each item with its listings, whether to take one down (another
    sold and this one did not) and whether the item sold twice."""
    twice = sold_twice(pairs, trades)
    out: dict[str, list[dict[str, Any]]] = {}
    for item, trade_id in pairs:
        t = trades[trade_id]
        if t is None:
            continue
        row = {"id": t.id, "platform": t.platform, "title": t.title, "state": t.state}
        delist = bool(t.item_taken) and not t.finished and not sold(t)
        row |= {"delist": delist, "double_sale": t.id in twice and not t.finished}
        out.setdefault(item, []).append(row)
    return [{"item": item, "listings": rows} for item, rows in out.items()]


def double_sales(
    stored: Sequence[Event],
    history: Callable[[str], list[Event]],
    listings_of: Callable[[str], list[str]],
) -> list[tuple[Trade, Trade]]:
    """(listing, other) for each listing that the `stored` events (one command, numbered)
    sold while `other`, another listing of its item, was already sold. `history(stream)`
    gives a stream's stored events, `listings_of(item)` the ids of an item's listings."""
    first, last = stored[0].seq or 0, stored[-1].seq or 0
    found: list[tuple[Trade, Trade]] = []
    for stream in dict.fromkeys(e.stream for e in stored if e.type not in ITEM_TYPES):
        events = [e for e in history(stream) if (e.seq or 0) <= last]
        after = fold(events)
        if after is None or not after.item:
            continue
        before = fold([e for e in events if (e.seq or 0) < first])
        others = [t for t in map(fold, map(history, listings_of(after.item))) if t is not None]
        found.extend((after, other) for other in double_sold(before, after, others))
    return found


def how_taken(trade: Trade) -> str:
    """How a listing took its item: sold, approved, bundled or hold."""
    if trade.state == "bundled":
        return "bundled"
    if trade.state in OPEN_STATES:
        return "hold"
    return "approved" if "approval" in trade.anchors else "sold"


def follow(
    before: Trade | None,
    after: Trade | None,
    siblings: Iterable[Trade],
    at: datetime,
    command_id: str,
    first_index: int,
) -> list[Event]:
    """The alarm events a change of one listing (`before` → `after`) means for the other
    listings of its item."""
    subject = after or before
    if subject is None or not subject.item:
        return []
    out: list[Event] = []
    was, now = taken(before), taken(after)
    others = [s for s in siblings if s.id != subject.id and s.item == subject.item]
    if before is None and after is not None and not now:
        # a new listing of an item already spoken for elsewhere: it must not stay up
        for other in others:
            if taken(other):
                out.append(_alarm(after, "item-taken", other, at, "listed"))
    elif now and not was:
        for other in others:
            if other.state in OPEN_STATES and not other.finished:
                out.append(_alarm(other, "item-taken", subject, at, how_taken(after)))
    elif was and not now:
        for other in others:
            if not other.finished and subject.id in other.item_taken:
                out.append(_alarm(other, "item-released", subject, at, None))
    return [
        Event(e.type, e.stream, e.payload, e.occurred_at, event_id=f"{command_id}:{i}")
        for i, e in enumerate(out, start=first_index)
    ]


def _alarm(target: Trade, type_: str, by: Trade, at: datetime, how: str | None) -> Event:
    payload = {"item": target.item, "by": by.id}
    if how is not None:
        payload["step"] = how
    return Event(type_, target.id, payload, at)


def alarms_for(
    events: list[Event],
    before: dict[str, Trade | None],
    load: Callable[[str], Trade | None],
    listings_of: Callable[[str], list[str]],
    command_id: str,
    after_of: dict[str, Trade | None] | None = None,
) -> list[Event]:
    """The alarm events that recording `events` (one step, or a void) means for the other
    listings of the items involved. `before` holds the trades as they were; `load` folds
    a stored trade, `listings_of(item)` names the listings of an item; `after_of` gives
    the trades as they become when that is not `events` applied in order (a void)."""
    out: list[Event] = []
    for stream in dict.fromkeys(e.stream for e in events):
        was = before.get(stream)
        if after_of is not None and stream in after_of:
            after = after_of[stream]
        else:
            after = was.copy() if was is not None else None
            for event in (e for e in events if e.stream == stream):
                if after is None:
                    after = new_trade(event)
                else:
                    apply(after, event)
        subject = after or was
        if subject is None or not subject.item:
            continue
        siblings = [t for t in map(load, listings_of(subject.item)) if t is not None]
        at = events[0].occurred_at
        out.extend(follow(was, after, siblings, at, command_id, len(events) + len(out)))
    return out
