"""Deciding a command: which events a `journal add …` step becomes, or why it is refused.

Pure: the current trades, the new id (if one is needed) and `now` are passed in. Every
event is tried on a copy of its trade with `trade.apply`, the same code that replays the
log, so what is accepted here always replays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from journal.core.datatypes import field, record
from journal.core.errors import BadInput, Refused
from journal.core.events import CREATION_TYPES, VOID_TYPE, Event
from journal.core.rules import NO_PURCHASE_REQUESTS
from journal.core.steps import BUNDLED_TYPE, STEPS, Kind
from journal.core.trade import Trade, apply, fold, new_trade
from journal.core.validate import MAX_PRICE

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

# How far in the future an `--at` may be (clock skew between devices), not more.
FUTURE_SLACK = timedelta(minutes=5)
# The steps a refusal may name as the one to record first, on the way a trade goes.
_PATH = ("approved", "paid", "shipped", "received")
# Where the app holds the buyer's money until receipt: an item is shipped only once paid,
# so a `shipped` on an unpaid sale records `paid` with it (and says so).
_ESCROW = frozenset({"mercari", "rakuma", "yahoo-flea"})


@record(frozen=True)
class Step:
    """One `journal add` command, already parsed and validated field by field."""

    type: str
    trade: str | None
    payload: dict[str, Any]
    at: datetime
    command_id: str
    sources: tuple[str, ...] = field(default_factory=tuple)
    flags: frozenset[str] = frozenset()  # the step's `then` flags given (`sold --paid`)
    # The trade as the form showed it (`Trade.seen`): a step chosen on a page rendered before
    # another step landed is refused rather than applied to a state nobody saw.
    expected: int | None = None


def needs_new_id(step: Step) -> bool:
    return step.type in CREATION_TYPES and step.trade is None


def streams_of(step: Step) -> list[str]:
    """The existing trades a step reads."""
    ids = list(step.sources)
    if step.trade is not None:
        ids.append(step.trade)
    return ids


def decide(
    step: Step, trades: Mapping[str, Trade | None], new_id: str | None, now: datetime
) -> list[Event]:
    if step.at > now + FUTURE_SLACK:
        raise BadInput("future_at")
    if step.type == "bundle":
        return _bundle(step, trades, new_id)
    if step.type in CREATION_TYPES:
        trade_id = step.trade or new_id
        assert trade_id is not None
        if trades.get(trade_id) is not None:
            raise BadInput("id_taken", trade=trade_id)
        event = _event(step, trade_id, step.type, step.payload, 0)
        created = new_trade(event)
        _check_until(created, step)
        if created.request_required and created.platform in NO_PURCHASE_REQUESTS:
            raise BadInput("no_purchase_requests", platform=created.platform)
        return [event, *_then(step, created, 1)]
    trade = _existing(trades, step.trade)
    if step.expected is not None and trade.seen != step.expected:
        raise Refused("changed_since", trade=trade.id)
    if step.type == "request" and trade.platform in NO_PURCHASE_REQUESTS:
        # Checked here, not in `apply`: an older journal that recorded one still replays.
        raise Refused("platform_no_requests", trade=trade.id, platform=trade.platform)
    trial, events = trade.copy(), _first(step, trade)
    for event in events:
        apply(trial, event)
    event = _event(step, trade.id, step.type, step.payload, len(events))
    apply(trial, event)
    return [*events, event, *_then(step, trial, len(events) + 1)]


def _then(step: Step, trade: Trade, index: int) -> list[Event]:
    """The steps this one brings in the same command (journal/core/steps.py, `then`): a
    Yahoo!フリマ sale is paid at once, `sold --paid`, a purchase unless `--unpaid`."""
    follow = STEPS[step.type].then
    events = []
    for offset, name in enumerate(follow(trade, step.flags) if follow else ()):
        events.append(_event(step, trade.id, name, {}, index + offset))
        apply(trade, events[-1])
    return events


def _first(step: Step, trade: Trade) -> list[Event]:
    """Nothing when the step may follow the trade's state. Else the step that must come
    first: recorded with it where it is certain (a sale shipped on an app that holds the
    money was paid), or named in the refusal (`先に journal add paid T13 を記録してください`)."""
    move = STEPS[step.type].move(trade.role) if step.type in STEPS else None
    if move is None or trade.finished or trade.state in move.after:
        return []
    if step.type == "paid" and "payment" in trade.anchors:  # e.g. paid at once with the sale
        raise Refused("already_paid", trade=trade.id, at=trade.anchors["payment"])
    for name in _PATH:
        before = STEPS[name].move(trade.role)
        if before and trade.state in before.after and before.to in move.after:
            break
    else:
        return []  # nothing leads there in one step: `apply` says why
    sale = trade.role == "seller" and trade.platform in _ESCROW  # you paid: you would know
    if name == "paid" and step.type == "shipped" and sale:
        return [_event(step, trade.id, name, {}, 0)]
    raise Refused("record_first", trade=trade.id, step=step.type, first=name)


def _bundle(step: Step, trades: Mapping[str, Trade | None], new_id: str | None) -> list[Event]:
    sources = [_existing(trades, s) for s in step.sources]
    if len(set(step.sources)) < 2 or len(set(step.sources)) != len(step.sources):
        raise BadInput("bundle_needs_two")
    platforms = {t.platform for t in sources}
    if len(platforms) > 1:
        raise Refused("bundle_platforms", platforms=sorted(platforms))
    trade_id = step.trade or new_id
    assert trade_id is not None
    if trades.get(trade_id) is not None or trade_id in step.sources:
        raise BadInput("id_taken", trade=trade_id)
    buyer = step.payload["buyer"]
    payload = {
        **step.payload,
        "platform": sources[0].platform,
        "title": f"{buyer}様専用 " + " + ".join(t.title for t in sources),
        "from": list(step.sources),
        "kind": Kind.DEDICATED,
        # 購入申請あり where the platform has it, so nobody else buys the set; Mercari has not
        "request_required": sources[0].platform not in NO_PURCHASE_REQUESTS,
    }
    payload["title"] = payload["title"][:200]
    payload.update(_carried_money(sources))
    created = _event(step, trade_id, "bundle", payload, 0)
    _check_until(new_trade(created), step)
    events = [created]
    for index, source in enumerate(sources, start=1):
        event = _event(step, source.id, BUNDLED_TYPE, {"into": trade_id}, index)
        apply(source.copy(), event)
        events.append(event)
    return events


def _carried_money(sources: list[Trade]) -> dict[str, int]:
    """What the set carries from its listings: their costs (goods and extra) and shipping
    estimates, summed, so the set's profit and the stock still listed keep them; a sum
    none of them has is left out."""
    sums = {
        "cost": [v for t in sources for v in (t.cost, t.extra_cost) if v is not None],
        "shipping": [t.shipping for t in sources if t.shipping is not None],
    }
    return {key: min(sum(values), MAX_PRICE) for key, values in sums.items() if values}


def decide_void(
    target: Event | None, seq: int, history: list[Event], reason: str, at: datetime, cid: str
) -> Event:
    """A compensating event for `seq`, refused if the history without it would not replay."""
    if target is None:
        raise BadInput("unknown_seq", seq=seq)
    if target.type == VOID_TYPE:
        raise Refused("void_void", seq=seq)
    if target.type in CREATION_TYPES or target.type == BUNDLED_TYPE:
        raise Refused("void_creation", seq=seq, type=target.type)
    if any(e.type == VOID_TYPE and e.payload.get("seq") == seq for e in history):
        raise Refused("already_voided", seq=seq)
    void = Event(
        type=VOID_TYPE,
        stream=target.stream,
        payload={"seq": seq, "reason": reason, "voided_type": target.type},
        occurred_at=at,
        event_id=f"{cid}:0",
        version=None,
    )
    try:
        fold([*history, void])
    except Refused as refusal:
        raise Refused("void_breaks", seq=seq, why=refusal) from None
    return void


def _existing(trades: Mapping[str, Trade | None], trade_id: str | None) -> Trade:
    trade = trades.get(trade_id or "")
    if trade is None:
        raise BadInput("unknown_trade", trade=trade_id)
    return trade


def _check_until(trade: Trade, step: Step) -> None:
    if trade.until is not None and trade.until <= step.at:
        raise BadInput("until_in_past")


def _event(step: Step, stream: str, type_: str, payload: dict, index: int) -> Event:
    return Event(
        type=type_,
        stream=stream,
        payload=payload,
        occurred_at=step.at,
        event_id=f"{step.command_id}:{index}",
    )
