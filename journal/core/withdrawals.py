"""Proceeds withdrawn: a withdrawal of the balance (`journal add withdrawal` without
`--partial`) takes the proceeds of every sale completed before it on that balance, so their
proceeds deadlines are met. The journal writes `proceeds-withdrawn` into each sale whose
proceeds deadline is still open, in the same transaction as the withdrawal (as the
double-listing alarm does, journal/core/items.py); the facts stay in the log, so a rebuild
gives the same deadlines. Pure.
"""

from collections.abc import Callable

from journal.core.events import Event
from journal.core.steps import WITHDRAWN

# ヤフオク and Yahoo!フリマ share one balance (https://knowledge-x.com/archives/3366).
BALANCES = {"yahoo-flea": "yahoo-auction"}


def balance_of(platform: str) -> tuple[str, ...]:
    """The platforms whose proceeds one withdrawal on `platform` draws from."""
    key = BALANCES.get(platform, platform)
    return tuple(p for p in (key, *BALANCES) if BALANCES.get(p, p) == key)


def marks_for(
    events: list[Event], open_proceeds: Callable[[tuple[str, ...]], list[str]], command_id: str
) -> list[Event]:
    """The `proceeds-withdrawn` events that recording `events` means: for a withdrawal of the
    balance, one into each sale with an open proceeds deadline on that balance
    (`open_proceeds(platforms)` names them)."""
    out: list[Event] = []
    for event in events:
        if event.type != "withdrawal" or event.payload.get("partial"):
            continue
        for sale in open_proceeds(balance_of(event.payload["platform"])):
            out.append(Event(WITHDRAWN, sale, {"by": event.stream}, event.occurred_at))
    first = len(events)
    return [
        Event(e.type, e.stream, e.payload, e.occurred_at, event_id=f"{command_id}:{i}")
        for i, e in enumerate(out, start=first)
    ]
