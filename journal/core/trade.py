"""Trade state: a fold over a trade's events, with the rules of which step may follow which.

`apply` both validates and evolves, so the same code decides a new command (apply it to a
copy; a refusal writes nothing) and replays history (rebuild), and the two cannot drift.
"""

from __future__ import annotations

import copy
from datetime import datetime

from journal.core.datatypes import field, record
from journal.core.errors import Refused
from journal.core.events import VOID_TYPE, Event
from journal.core.steps import FINISHED_STATES, SIDES, STEPS, Kind, Move, Step, as_time
from journal.core.steps import KINDS as KINDS  # named in the catalogue; read here too
from journal.core.steps import SHIP_DAYS as SHIP_DAYS
from journal.core.steps import hold_active as hold_active

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

WITHDRAWAL_STEP, WITHDRAWAL_TITLE = "withdrawal", "振込申請"  # a withdrawal's stream, as listed
# Read from the catalogue (journal/core/steps.py) for those who ask by side: the anchor each
# step that moves a trade marks, and (states it may follow, state it leads to or None).
_ANCHORS = {
    side: {s.name: m.anchor for s in STEPS.values() if (m := s.move(side)) and m.to and m.anchor}
    for side in SIDES
}
_SELLER_STEPS = {s.name: (m.after, m.to) for s in STEPS.values() if (m := s.seller) and m.after}
_BUYER_STEPS = {s.name: (m.after, m.to) for s in STEPS.values() if (m := s.buyer) and m.after}


@record
class Trade:
    """The folded state of one trade. Plain data; times are aware UTC datetimes."""

    id: str
    platform: str
    role: str
    title: str
    price: int
    state: str
    created_at: datetime
    kind: str = Kind.NORMAL
    request_required: bool = False
    ship_days: str | None = None
    shipping: int | None = None
    cost: int | None = None
    buyer: str | None = None
    seller_name: str | None = None  # a purchase's seller, in 古物台帳 mode (`bought`)
    until: datetime | None = None
    anchors: dict[str, datetime] = field(default_factory=dict)
    marked: dict[str, int] = field(default_factory=dict)  # anchor → `seen` when last set
    seen: int = 0  # events folded so far: the log's order within the trade
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
    premium: bool | None = None  # ヤフオク: listed as a premium member (None: not said)
    bank: str | None = None  # a withdrawal's destination (`withdrawal --bank`)
    transfer_fee: int | None = None  # a withdrawal's fee as typed (`--fee`), else the rule's
    item_taken: dict[str, datetime] = field(default_factory=dict)  # by which listing, when
    version: int = 0
    last_seq: int = 0

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    def mark(self, anchor: str, moment: datetime) -> None:
        """Set an anchor, remembering which of the trade's events set it: a deadline is met
        only by a step recorded after the one it counts from, in the log's order (two steps
        may share a second; a step that keeps the state may even be dated earlier)."""
        self.anchors[anchor] = moment
        self.marked[anchor] = self.seen

    def unmark(self, anchor: str) -> None:
        self.anchors.pop(anchor, None)
        self.marked.pop(anchor, None)

    def copy(self) -> Trade:
        return copy.deepcopy(self)


def new_trade(event: Event) -> Trade:
    """Start a trade from its creation event (`listed`, `bought` or `bundle`)."""
    p = event.payload
    step = STEPS[event.type]
    role = "seller" if step.seller else "buyer"
    move = step.move(role)
    assert step.creates and move is not None and move.to is not None
    trade = Trade(
        id=event.stream,
        platform=p["platform"],
        role=role,
        title=p.get("title", WITHDRAWAL_TITLE),
        price=p.get("price", p.get("amount", 0)),
        state=move.to,
        created_at=event.occurred_at,
        kind=p.get("kind", _kind_of(step)),
        request_required=bool(p.get("request_required", step.bundles)),
        ship_days=p.get("ship_days"),
        shipping=p.get("shipping"),
        cost=p.get("cost"),
        buyer=p.get("buyer"),
        seller_name=p.get("seller_name"),
        until=as_time(p.get("until")),
        bundled_from=list(p.get("from", [])),
        item=p.get("item"),
        premium=p.get("premium"),
        bank=p.get("bank"),
        transfer_fee=p.get("fee"),
    )
    trade.mark(move.anchor, event.occurred_at)  # type: ignore[arg-type]
    trade.last_step_at = event.occurred_at
    _count(trade, event)
    return trade


def _kind_of(step: Step) -> str:
    if step.name == WITHDRAWAL_STEP:
        return Kind.WITHDRAWAL
    return Kind.DEDICATED if step.bundles else Kind.NORMAL


def apply(trade: Trade, event: Event) -> None:
    """Validate `event` against `trade` and evolve `trade` in place, or raise Refused.

    What each step may follow and what it changes is its entry in the catalogue
    (journal/core/steps.py); a type the catalogue does not know is refused for every role."""
    t = event.type
    step = STEPS.get(t)
    if step is not None and step.creates:
        raise Refused("already_exists", trade=trade.id)
    if step is not None and step.anytime:  # a void was checked against the history
        _evolve(trade, event, step, None)
        return
    if event.occurred_at < trade.created_at:
        raise Refused("before_creation", trade=trade.id, step=t)
    if trade.finished:
        raise Refused("trade_finished", trade=trade.id, step=t, state=trade.state)
    move = step.move(trade.role) if step is not None else None
    if step is None or move is None:
        raise Refused("not_for_role", trade=trade.id, step=t, role=trade.role)
    if trade.state not in move.after:
        raise Refused("bad_step", trade=trade.id, step=t, state=trade.state)
    ordered = move.to is not None or move.ordered
    if ordered and trade.last_step_at and event.occurred_at < trade.last_step_at:
        raise Refused("out_of_order", trade=trade.id, step=t, last=trade.last_step_at)
    refusal = step.guard(trade, event) if step.guard else None
    if refusal:
        raise Refused(refusal, trade=trade.id)
    _evolve(trade, event, step, move)


def _evolve(trade: Trade, event: Event, step: Step, move: Move | None) -> None:
    """The step is allowed: move the trade (its state, last step, anchor), then the rest."""
    if move is not None and move.to is not None:
        trade.state = move.to
        trade.last_step_at = event.occurred_at
    if move is not None and move.anchor:
        trade.mark(move.anchor, event.occurred_at)
    for name in step.copies:
        setattr(trade, name, event.payload.get(name, getattr(trade, name)))
    if step.evolve:
        step.evolve(trade, event)
    for name in step.clears:
        setattr(trade, name, None)
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


def traded_at(trade: Trade) -> datetime:
    """The trade's date (取引年月日, `journal search`): when it was sold (the purchase, or the
    approval of a request) or bought, else when it was recorded (a listing, a withdrawal)."""
    anchors = trade.anchors
    sold = anchors.get("purchase") or (anchors.get("approval") if trade.role == "seller" else None)
    return sold or trade.created_at


def party_of(trade: Trade) -> str | None:
    """The other party's name as recorded (`journal search --party` matches it folded)."""
    return trade.buyer or trade.seller_name or None


def warnings(trade: Trade, step: str) -> list[str]:
    """Message keys for a step that is allowed but deserves a word; the step is recorded."""
    if step == "return" and trade.role == "seller" and "receipt" in trade.anchors:
        return ["return_after_rating"]  # after the receipt rating the app no longer mediates
    if step in ("sold", "request") and held_for_another(trade):
        return ["sold_under_hold"]
    return []


def held_for_another(trade: Trade) -> bool:
    """The sale just recorded ended a hold (取り置き) promised to someone else until later."""
    hold, end = trade.hold, trade.anchors.get("hold_end")
    if not hold or end is None or end != trade.last_step_at or hold["until"] <= end:
        return False
    return hold["buyer"] is not None and hold["buyer"] != trade.buyer  # unnamed: cannot tell


def _count(trade: Trade, event: Event) -> None:
    trade.seen += 1
    if event.version is not None:
        trade.version = event.version
    if event.seq is not None:
        trade.last_seq = event.seq
