"""The records a tax office may ask for: the search by date, amount and other party (検索要件:
ranges and combined conditions), and the history of every correction (訂正削除の履歴: what
was recorded before, what stands after, and why). Pure: trades and events come in.

A trade's date (取引年月日) is the day it was sold (the purchase, or the approval of a
request) or bought; a listing not sold yet, and a withdrawal, are dated when recorded. Its
amount is its price (a withdrawal's amount); its other party is the buyer's name (for a
purchase in 古物台帳 mode, the seller's). Names are matched after folding (NFKC, case,
katakana as hiragana), as `list --search` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from journal.core.datatypes import record
from journal.core.events import VOID_TYPE, Event
from journal.core.search import fold as fold_text
from journal.core.trade import Trade, fold
from journal.core.trade import party_of as party_of  # the trade's, kept in the read model
from journal.core.trade import traded_at as traded_at

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# The trade's fields a correction may change, as `history` shows them (the fold's own
# bookkeeping, anchors and counters, is left out).
SHOWN_FIELDS = (
    "title",
    "price",
    "state",
    "shipping",
    "cost",
    "extra_cost",
    "buyer",
    "until",
    "ship_days",
    "kind",
    "carrier",
    "tracking",
    "cancel_reason",
    "defects",
    "return_requested",
    "item",
    "premium",
    "bank",
    "transfer_fee",
    "hold",
    "offer",
)


@record(frozen=True)
class Criteria:
    """`journal search`'s conditions, all of them at once (AND); None: any."""

    start: datetime | None = None  # included
    end: datetime | None = None  # excluded
    low: int | None = None  # included
    high: int | None = None  # included
    party: str | None = None  # a part of the other party's name, any width or case
    platform: str | None = None

    def amount_ok(self, amount: int | None) -> bool:
        if self.low is None and self.high is None:
            return True
        if amount is None:
            return False
        return (self.low is None or amount >= self.low) and (
            self.high is None or amount <= self.high
        )

    def party_ok(self, party: str | None) -> bool:
        if not self.party:
            return True
        return party is not None and fold_text(self.party).strip() in fold_text(party)


def event_amount(payload: dict[str, Any]) -> int | None:
    """The amount an event records: a price, or a withdrawal's amount."""
    for key in ("price", "amount"):
        value = payload.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def event_party(payload: dict[str, Any]) -> str | None:
    names = [payload[k] for k in ("buyer", "seller_name") if isinstance(payload.get(k), str)]
    return " ".join(names) if names else None


def keep_events(rows: Iterable[tuple[Event, str | None]], wanted: Criteria) -> list[dict[str, Any]]:
    """`search --log`: the events (each with its trade's platform) whose amount and other
    party match; the date and platform were chosen by the query."""
    found = []
    for event, platform in rows:
        amount = event_amount(event.payload)
        party = event_party(event.payload)
        if wanted.amount_ok(amount) and wanted.party_ok(party):
            found.append(
                {
                    "id": event.stream,
                    "seq": event.seq,
                    "type": event.type,
                    "at": event.occurred_at,
                    "platform": platform,
                    "amount": amount,
                    "party": party,
                }
            )
    return found


def corrections(events: Sequence[Event]) -> list[dict[str, Any]]:
    """Every void (a correction or deletion, `void` or `undo`) of one trade, with the
    trade's shown fields that it changed: as they were before it and as they stand after."""
    out = []
    by_seq = {e.seq: e for e in events}
    for index, event in enumerate(events):
        if event.type != VOID_TYPE:
            continue
        before, after = fold(list(events[:index])), fold(list(events[: index + 1]))
        target = by_seq.get(event.payload.get("seq"))
        changed = _changes(before, after)
        out.append(
            {
                "id": event.stream,
                "seq": event.seq,
                "at": event.occurred_at,
                "recorded_at": event.recorded_at,
                "reason": event.payload.get("reason"),
                "voided": {
                    "seq": event.payload.get("seq"),
                    "type": event.payload.get("voided_type"),
                    "at": None if target is None else target.occurred_at,
                    "payload": None if target is None else dict(target.payload),
                },
                "before": {k: v for k, (v, _) in changed.items()},
                "after": {k: v for k, (_, v) in changed.items()},
            }
        )
    return out


def _changes(before: Trade | None, after: Trade | None) -> dict[str, tuple[Any, Any]]:
    if before is None or after is None:
        return {}
    found = {}
    for name in SHOWN_FIELDS:
        was, now = getattr(before, name), getattr(after, name)
        if was != now:
            found[name] = (was, now)
    return found
