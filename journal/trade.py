"""Trade state: a fold over a trade's events, with the rules of which step may follow which.

`apply` both validates and evolves, so the same code decides a new command (apply it to a
copy; a refusal writes nothing) and replays history (rebuild), and the two cannot drift.
"""

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from journal.errors import Refused
from journal.events import ANYTIME_TYPES, CREATION_TYPES, ITEM_TYPES, VOID_TYPE, Event

FINISHED_STATES = frozenset({"completed", "cancelled", "bundled", "delisted"})
KINDS = ("normal", "dedicated", "confirmation")
SHIP_DAYS = ("1-2", "2-3", "4-7")

# Which named moment ("anchor") each step marks, per side. Deadline rules count from
# these anchors, so one rule serves both the seller's and the buyer's view of a trade.
_ANCHORS = {
    "seller": {
        "listed": "listing",
        "bundle": "listing",
        "request": "request",
        "approved": "approval",
        "declined": "decline",
        "request-expired": "request_expiry",
        "sold": "purchase",
        "paid": "payment",
        "shipped": "shipping",
        "received": "receipt",
        "rated": "our_rating",
        "completed": "completion",
        "cancelled": "cancellation",
        "delisted": "delisting",
        "bundled": "bundling",
    },
    "buyer": {
        "bought": "purchase",
        "paid": "payment",
        "shipped": "shipping",
        "received": "arrival",
        "rated": "receipt",
        "completed": "completion",
        "cancelled": "cancellation",
    },
}

# state transitions: type -> (states it may follow, state it leads to or None to keep)
_SELLER_STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    "request": (frozenset({"listed"}), "requested"),
    "approved": (frozenset({"requested"}), "awaiting_payment"),
    "declined": (frozenset({"requested"}), "listed"),
    # the app cancelled an unanswered request (Rakuma, 翌々日 morning): the listing stays up
    "request-expired": (frozenset({"requested"}), "listed"),
    "sold": (frozenset({"listed"}), "awaiting_payment"),
    # ヤフオク: the winner got a convenience-store / bank payment number (支払い番号)
    "payment-number": (frozenset({"awaiting_payment"}), None),
    "paid": (frozenset({"awaiting_payment"}), "awaiting_shipment"),
    "shipped": (frozenset({"awaiting_shipment"}), "shipped"),
    "received": (frozenset({"shipped"}), "received"),
    "rated": (frozenset({"received"}), "completed"),
    "completed": (frozenset({"shipped", "received"}), "completed"),
    "delisted": (frozenset({"listed", "requested"}), "delisted"),
    "bundled": (frozenset({"listed"}), "bundled"),
    "hold": (frozenset({"listed"}), None),
    "hold-ended": (frozenset({"listed", "requested", "awaiting_payment"}), None),
    "offer": (frozenset({"listed", "requested"}), None),
    "offer-declined": (frozenset({"listed", "requested"}), None),
    "offer-accepted": (frozenset({"listed", "requested"}), None),
    "price": (frozenset({"listed", "requested", "awaiting_payment"}), None),
    "defect": (
        frozenset({"listed", "requested", "awaiting_payment", "awaiting_shipment"}),
        None,
    ),
    "return": (frozenset({"shipped", "received"}), None),
}
_BUYER_STEPS: dict[str, tuple[frozenset[str], str | None]] = {
    "paid": (frozenset({"awaiting_payment"}), "awaiting_shipment"),
    "shipped": (frozenset({"awaiting_shipment"}), "shipped"),
    "received": (frozenset({"shipped"}), "received"),
    "rated": (frozenset({"received"}), "completed"),
    "completed": (frozenset({"shipped", "received"}), "completed"),
    "defect": (frozenset({"shipped", "received"}), None),
    "return": (frozenset({"shipped", "received"}), None),
}


@dataclass
class Trade:
    """The folded state of one trade. Plain data; times are aware UTC datetimes."""

    id: str
    platform: str
    role: str
    title: str
    price: int
    state: str
    created_at: datetime
    kind: str = "normal"
    request_required: bool = False
    ship_days: str | None = None
    shipping: int | None = None
    cost: int | None = None
    buyer: str | None = None
    until: datetime | None = None
    anchors: dict[str, datetime] = field(default_factory=dict)
    last_step_at: datetime | None = None
    cancel_reason: str | None = None
    hold: dict[str, Any] | None = None
    offer: dict[str, Any] | None = None
    defects: int = 0
    return_requested: bool = False
    bundled_into: str | None = None
    bundled_from: list[str] = field(default_factory=list)
    extra_cost: int | None = None  # packaging and other costs (`add cost --extra`)
    carrier: str | None = None
    tracking: str | None = None
    item: str | None = None  # the physical item (`listed --item`) this listing sells
    item_taken: dict[str, datetime] = field(default_factory=dict)  # by which listing, when
    version: int = 0
    last_seq: int = 0

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    def copy(self) -> "Trade":
        return copy.deepcopy(self)


def new_trade(event: Event) -> Trade:
    """Start a trade from its creation event (`listed`, `bought` or `bundle`)."""
    p = event.payload
    role = "buyer" if event.type == "bought" else "seller"
    trade = Trade(
        id=event.stream,
        platform=p["platform"],
        role=role,
        title=p["title"],
        price=p["price"],
        state="awaiting_payment" if role == "buyer" else "listed",
        created_at=event.occurred_at,
        kind=p.get("kind", "dedicated" if event.type == "bundle" else "normal"),
        request_required=bool(p.get("request_required", event.type == "bundle")),
        ship_days=p.get("ship_days"),
        shipping=p.get("shipping"),
        cost=p.get("cost"),
        buyer=p.get("buyer"),
        until=_dt(p.get("until")),
        bundled_from=list(p.get("from", [])),
        item=p.get("item"),
    )
    trade.anchors[_ANCHORS[role][event.type]] = event.occurred_at
    trade.last_step_at = event.occurred_at
    _count(trade, event)
    return trade


def apply(trade: Trade, event: Event) -> None:
    """Validate `event` against `trade` and evolve `trade` in place, or raise Refused."""
    t = event.type
    if t in CREATION_TYPES:
        raise Refused("already_exists", trade=trade.id)
    if t == VOID_TYPE or t in ANYTIME_TYPES:  # a void was checked against the history
        if t == "cost":
            _set_cost(trade, event)
        _count(trade, event)
        return
    if event.occurred_at < trade.created_at:
        raise Refused("before_creation", trade=trade.id, step=t)
    steps = _SELLER_STEPS if trade.role == "seller" else _BUYER_STEPS
    if trade.finished:
        raise Refused("trade_finished", trade=trade.id, step=t, state=trade.state)
    if t in ITEM_TYPES:
        _item_alarm(trade, event)
        return
    if t == "cancelled":
        target: str | None = "cancelled"  # from any unfinished state
    elif t in steps:
        allowed, target = steps[t]
        if trade.state not in allowed:
            raise Refused("bad_step", trade=trade.id, step=t, state=trade.state)
    else:
        raise Refused("not_for_role", trade=trade.id, step=t, role=trade.role)
    if target is not None and trade.last_step_at and event.occurred_at < trade.last_step_at:
        raise Refused("out_of_order", trade=trade.id, step=t, last=trade.last_step_at)

    _CHECKS.get(t, _no_check)(trade, event)
    p = event.payload
    if target is not None:
        trade.state = target
        trade.last_step_at = event.occurred_at
        anchor = _ANCHORS[trade.role].get(t)
        if anchor:
            trade.anchors[anchor] = event.occurred_at
        if t == "rated":  # both ratings given: the app completes the trade
            trade.anchors["completion"] = event.occurred_at
    if t in ("request", "sold"):
        trade.buyer = p.get("buyer", trade.buyer)
        trade.price = p.get("price", trade.price)  # the final price (an auction's winning bid)
        _end_hold(trade, event)
    elif t == "shipped":
        trade.shipping = p.get("shipping", trade.shipping)  # paid; the listing's was a guess
        trade.carrier = p.get("carrier", trade.carrier)
        trade.tracking = p.get("tracking", trade.tracking)
    elif t in ("declined", "request-expired"):
        trade.buyer = None
    elif t == "payment-number":
        trade.anchors["payment_number"] = event.occurred_at
    elif t == "cancelled":
        trade.cancel_reason = p.get("reason")
    elif t == "bundled":
        trade.bundled_into = p["into"]
    elif t == "hold":
        trade.hold = {"buyer": p["buyer"], "until": _dt(p["until"]), "active": True}
        trade.anchors["hold"] = event.occurred_at
    elif t == "hold-ended":
        _end_hold(trade, event)
    elif t == "offer":
        trade.offer = {"buyer": p["buyer"], "price": p["price"], "at": event.occurred_at}
    elif t == "offer-accepted":
        trade.price = trade.offer["price"]  # type: ignore[index]
        trade.offer = None
    elif t == "offer-declined":
        trade.offer = None
    elif t == "price":
        trade.price = p.get("price", trade.price)
        trade.title = p.get("title", trade.title)
    elif t == "defect":
        trade.defects += 1
    elif t == "return":
        trade.return_requested = True
    _count(trade, event)


def fold(events: list[Event]) -> Trade | None:
    """Replay one stream. Voided events are skipped; void events are validated when added."""
    voided = {e.payload["seq"] for e in events if e.type == VOID_TYPE}
    trade: Trade | None = None
    for event in events:
        if event.seq in voided:
            if trade is not None:
                _count(trade, event)
            continue
        if trade is None:
            trade = new_trade(event)
        else:
            apply(trade, event)
    return trade


def warnings(trade: Trade, step: str) -> list[str]:
    """Message keys for a step that is allowed but deserves a word; the step is recorded."""
    if step == "return" and trade.role == "seller" and "receipt" in trade.anchors:
        return ["return_after_rating"]  # after the receipt rating the app no longer mediates
    return []


def _count(trade: Trade, event: Event) -> None:
    if event.version is not None:
        trade.version = event.version
    if event.seq is not None:
        trade.last_seq = event.seq


def _item_alarm(trade: Trade, event: Event) -> None:
    """Another listing of this item was taken (the delist alarm counts from the first that
    still is) or is free again."""
    if event.type == "item-taken":
        trade.item_taken.setdefault(event.payload["by"], event.occurred_at)
    else:
        trade.item_taken.pop(event.payload["by"], None)
    if trade.item_taken:
        trade.anchors["item_taken"] = min(trade.item_taken.values())
    else:
        trade.anchors.pop("item_taken", None)
    _count(trade, event)


def _set_cost(trade: Trade, event: Event) -> None:
    """`add cost`: the cost of goods and extra costs, recorded or corrected at any time."""
    trade.cost = event.payload.get("cost", trade.cost)
    trade.extra_cost = event.payload.get("extra", trade.extra_cost)


def hold_active(trade: Trade) -> bool:
    return bool(trade.hold and trade.hold["active"])


def _end_hold(trade: Trade, event: Event) -> None:
    if hold_active(trade):
        trade.anchors["hold_end"] = event.occurred_at
        trade.hold["active"] = False  # type: ignore[index]


def _no_check(trade: Trade, event: Event) -> None:
    return None


def _check_request(trade: Trade, event: Event) -> None:
    if not trade.request_required:
        raise Refused("no_request_option", trade=trade.id)


def _check_sold(trade: Trade, event: Event) -> None:
    if trade.request_required:
        raise Refused("request_required", trade=trade.id)


def _check_not_before_last_step(trade: Trade, event: Event) -> None:
    if trade.last_step_at and event.occurred_at < trade.last_step_at:
        raise Refused("out_of_order", trade=trade.id, step=event.type, last=trade.last_step_at)


def _check_hold(trade: Trade, event: Event) -> None:
    if _dt(event.payload["until"]) <= event.occurred_at:
        raise Refused("hold_in_past", trade=trade.id)


def _check_hold_ended(trade: Trade, event: Event) -> None:
    if not hold_active(trade):
        raise Refused("no_hold", trade=trade.id)


def _check_offer_answer(trade: Trade, event: Event) -> None:
    if not trade.offer:
        raise Refused("no_offer", trade=trade.id)


_CHECKS = {
    "request": _check_request,
    "sold": _check_sold,
    "payment-number": _check_not_before_last_step,  # the number comes after the sale
    "hold": _check_hold,
    "hold-ended": _check_hold_ended,
    "offer-declined": _check_offer_answer,
    "offer-accepted": _check_offer_answer,
}


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)
