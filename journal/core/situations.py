"""Trade messages (取引メッセージ): which situations fit a trade, and the facts a message
about it may name. Pure: the words are templates rendered at the edge (journal/text/letters.py);
here only ids, keys and raw values (datetimes, yen, None for what the journal does not know).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from journal.core.datatypes import record
from journal.core.deadlines import Deadline
from journal.core.events import Event
from journal.core.personal import is_forgotten
from journal.core.steps import State, hold_active
from journal.core.trade import Trade

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

S = State
_BEFORE_SHIPPING = (S.LISTED, S.REQUESTED, S.AWAITING_PAYMENT, S.AWAITING_SHIPMENT)


@record(frozen=True)
class Situation:
    """One kind of message: its id (English, the template's file name) and the names a
    person may type for it, the first Japanese one being how it is shown in Japanese."""

    id: str
    ja: str
    en: str
    aliases: tuple[str, ...] = ()


SITUATIONS: tuple[Situation, ...] = (
    Situation("thanks", "お礼（購入）", "thanks", ("購入のお礼", "お礼", "thanks-purchase")),
    Situation("payment-received", "入金確認", "payment received", ("支払い確認",)),
    Situation("shipped", "発送連絡", "shipped", ("発送のご連絡",)),
    Situation("hold-accepted", "取り置き承諾", "hold accepted", ("取り置きok",)),
    Situation("hold-declined", "取り置きお断り", "hold declined", ("取り置き不可",)),
    Situation("discount-declined", "値下げお断り", "discount declined", ("値下げ不可",)),
    Situation("dedicated", "専用出品のご案内", "dedicated listing", ("専用出品",)),
    Situation("confirmation", "確認用出品のご案内", "confirmation listing", ("確認用出品",)),
    Situation("defect-apology", "検品で不良・お詫び", "defect apology", ("不良のお詫び",)),
    Situation("defect-cancel", "検品で不良・キャンセル", "defect cancel", ("不良でキャンセル",)),
    Situation("rating-request", "受取評価のお願い", "rating request", ("評価のお願い",)),
    Situation("completed-thanks", "取引完了のお礼", "completed thanks", ("完了のお礼",)),
    Situation("return", "返品のご相談", "return", ("返品",)),
    Situation("payment-request", "支払いのお願い", "payment request", ("お支払いのお願い",)),
)
BY_ID = {s.id: s for s in SITUATIONS}

# The fields a template may name: `price`, `hold_until`… Those the journal can lack are
# left blank (None) and shown as a visible blank, never guessed.
FIELDS = (
    "trade",
    "buyer",
    "title",
    "price",
    "platform",
    "offer_price",
    "carrier",
    "tracking",
    "shipped_on",
    "arrival",
    "ship_by",
    "payment_due",
    "hold_until",
    "dedicated_until",
    "receipt_due",
    "message_until",
    "defect",
    "return_reason",
    "return_method",
    "return_fee",
    "return_address",
)
# What each field's value is, for the edge to show it: a moment, yen, a span of days, text.
MOMENTS = frozenset(
    {"ship_by", "payment_due", "hold_until", "dedicated_until", "receipt_due", "message_until"}
)
DAYS = frozenset({"shipped_on"})
YEN = frozenset({"price", "offer_price", "return_fee"})


def _key(text: str) -> str:
    """How a typed name is compared: any width (NFKC), any case, `-`, `_` and spaces alike."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return folded.replace("_", "-").replace(" ", "-")


_NAMES = {_key(name): s.id for s in SITUATIONS for name in (s.id, s.ja, s.en, *s.aliases)}


def shown_name(situation: str, lang: str) -> str:
    """How a situation is named to a reader of `lang` (the Japanese name, or the id)."""
    return BY_ID[situation].ja if lang == "ja" else situation


def find(name: str) -> str | None:
    """The situation id a typed name means (`発送連絡`, `shipped`, `お礼(購入)`), or None."""
    return _NAMES.get(_key(name))


def fitting(trade: Trade, deadlines: list[Deadline], now: datetime) -> list[str]:
    """The situations that fit the trade as it stands, the most likely first (the
    messages are a seller's: a purchase of yours fits none, though any may be named)."""
    if trade.role != "seller":
        return []
    state = trade.state
    if trade.defects and state in _BEFORE_SHIPPING:
        # story 1: apologise (and ask not to pay yet), then, should the next look find
        # more, cancel; a defect puts thanks and payment reminders out of place
        return ["defect-apology", "defect-cancel"] if trade.defects == 1 else ["defect-cancel"]
    found: list[str] = []
    if trade.return_requested and state in (S.SHIPPED, S.RECEIVED):
        found.append("return")
    found += _by_state(trade, deadlines, now)
    if trade.defects and state == S.CANCELLED:
        found.append("defect-cancel")
    return list(dict.fromkeys(found))


def _by_state(trade: Trade, deadlines: list[Deadline], now: datetime) -> list[str]:
    state = trade.state
    if state == S.LISTED:
        return _listed(trade)
    if state == S.REQUESTED:
        return ["thanks"]
    if state == S.AWAITING_PAYMENT:
        due = _due(deadlines, "payment")
        near = due is not None and due - now <= timedelta(hours=24)
        return ["payment-request", "thanks"] if near else ["thanks", "payment-request"]
    if state == S.AWAITING_SHIPMENT:
        return ["payment-received", "shipped"]
    if state == S.SHIPPED:
        sent = trade.anchors.get("shipping")
        later = sent is not None and now - sent >= timedelta(days=2)
        return ["rating-request", "shipped"] if later else ["shipped", "rating-request"]
    if state in (S.RECEIVED, S.COMPLETED):
        return ["completed-thanks"]
    return []


def _listed(trade: Trade) -> list[str]:
    found = []
    if trade.offer:
        found.append("discount-declined")
    if hold_active(trade):
        found.append("hold-accepted")
    if trade.kind == "dedicated":
        found.append("dedicated")
    if trade.kind == "confirmation":
        found.append("confirmation")
    return found + ["hold-declined", "discount-declined"]


# The message a recorded step usually calls for (`journal add` names it).
_AFTER_STEP = {
    "sold": "thanks",
    "approved": "thanks",
    "paid": "payment-received",
    "shipped": "shipped",
    "received": "completed-thanks",
    "offer": "discount-declined",
    "hold": "hold-accepted",
    "return": "return",
}


# The message a seller's reminder of a deadline kind names (`journal message T1 支払いのお願い`).
_FOR_REMINDER = {
    "payment": "payment-request",
    "payment_number": "payment-request",
    "receipt_followup": "rating-request",
}


def reminder_message(kind: str) -> str | None:
    """The situation a seller's reminder of `kind` names, or None."""
    return _FOR_REMINDER.get(kind)


def after_step(trade: Trade, step: str) -> str | None:
    """The situation a seller usually writes about right after `step`, or None."""
    if trade.role != "seller":
        return None
    if step == "defect":
        return "defect-apology" if trade.defects == 1 else "defect-cancel"
    return _AFTER_STEP.get(step)


def facts(trade: Trade, events: list[Event], deadlines: list[Deadline]) -> dict[str, Any]:
    """Every field a template may name, from the trade, its events and its deadlines; None
    where the journal does not know it."""
    buyer = trade.buyer or (trade.hold or {}).get("buyer") or (trade.offer or {}).get("buyer")
    sent = trade.anchors.get("shipping")
    values: dict[str, Any] = dict.fromkeys(FIELDS)
    values |= {
        "trade": trade.id,
        "buyer": None if is_forgotten(buyer) else buyer,  # forgotten: a blank to fill in
        "title": None if is_forgotten(trade.title) else trade.title,
        "price": trade.price,
        "platform": trade.platform,
        "offer_price": (trade.offer or {}).get("price"),
        "carrier": trade.carrier,
        "tracking": trade.tracking,
        "shipped_on": sent,
        "arrival": sent and (sent + timedelta(days=1), sent + timedelta(days=3)),
        "ship_by": _due(deadlines, "ship"),
        "payment_due": _due(deadlines, "payment"),
        "hold_until": (trade.hold or {}).get("until"),
        "dedicated_until": trade.until if trade.kind == "dedicated" else None,
        "receipt_due": _due(deadlines, "auto_complete"),
        "message_until": _due(deadlines, "message_window"),
        "defect": _last_note(events, "defect"),
        "return_reason": _last_note(events, "return"),
    }
    return values


def _due(deadlines: list[Deadline], kind: str) -> datetime | None:
    return next((d.due for d in deadlines if d.kind == kind), None)


def _last_note(events: list[Event], type_: str) -> str | None:
    voided = {e.payload.get("seq") for e in events if e.type == "voided"}
    notes = [e.payload.get("note") for e in events if e.type == type_ and e.seq not in voided]
    return notes[-1] if notes else None


def about(
    trade: Trade, events: list[Event], deadlines: list[Deadline], now: datetime
) -> tuple[Trade, list[str], dict[str, Any]]:
    """The trade (as `Journal.trade` gives it), the situations that fit, and the facts."""
    return trade, fitting(trade, deadlines, now), facts(trade, events, deadlines)
