"""The catalogue of steps, in one place: per step type, the `journal add` command that records
it (help, fields, checks), the states it may follow on each side, the state and moment
("anchor") it leads to, and a guard and an evolve function where needed. `trade.apply`,
`payloads.build_payload`, `validate.stored_event` and `journal add` all read it from here.
Pure and light (the `--help` path imports it): the standard library only, no click, storage,
settings or text for people but the English help (the catalog's ids)."""

from __future__ import annotations

from datetime import datetime

from journal.core.datatypes import record
from journal.core.step_fields import BANKS as BANKS
from journal.core.step_fields import KINDS as KINDS  # named there, read here too
from journal.core.step_fields import KOBUTSU_FIELDS, SAMPLES, Check, Field, Kind
from journal.core.step_fields import PERSONAL as PERSONAL  # `note --personal`
from journal.core.step_fields import SHIP_DAYS as SHIP_DAYS
from journal.core.step_fields import Move as Move  # a step's move on one side

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    from journal.core.events import Event
    from journal.core.trade import Trade


class State:
    """A trade's states, named once; the values are what the JSON shows."""

    LISTED = "listed"
    REQUESTED = "requested"
    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    SHIPPED = "shipped"
    RECEIVED = "received"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    BUNDLED = "bundled"
    DELISTED = "delisted"


STATES = tuple(v for k, v in vars(State).items() if k.isupper())
FINISHED_STATES = frozenset({State.COMPLETED, State.CANCELLED, State.BUNDLED, State.DELISTED})
UNFINISHED_STATES = frozenset(STATES) - FINISHED_STATES
SIDES = ("seller", "buyer")


@record(frozen=True)
class Step:
    """One step type. `guard(trade, event)` returns the key of a refusal or None;
    `evolve(trade, event)` changes what the move, `copies` and `clears` do not."""

    name: str
    help: str = ""  # the English help of `journal add NAME` (the catalog's message id)
    example: str = ""  # the example under the help (default: `journal add NAME T1`)
    fields: tuple[Field, ...] = ()
    seller: Move | None = None
    buyer: Move | None = None
    copies: tuple[str, ...] = ()  # payload fields the trade takes over when given
    clears: tuple[str, ...] = ()  # fields of the trade it empties (after `evolve`)
    guard: Any = None  # Callable[[Trade, Event], str | None]
    evolve: Any = None  # Callable[[Trade, Event], None]
    creates: bool = False  # starts a trade (`journal add NAME` takes no trade id)
    anytime: bool = False  # may follow anything, a finished trade too; changes no state
    addable: bool = True  # typed with `journal add` (else written by the journal itself)
    bundles: bool = False  # takes the ids of the trades it bundles
    needs: tuple[str, ...] = ()  # (refusal key, fields…): at least one of the fields
    check_payload: Any = None  # Callable[[dict], str | None]: a refusal key (bad input)
    stored: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (required, optional)
    options: tuple[str, ...] = ()  # the order of the options, if not that of the fields
    then: Any = None  # Callable[[Trade, flags], tuple[str, ...]]: steps it brings at once

    def move(self, side: str) -> Move | None:
        return self.seller if side == "seller" else self.buyer

    @property
    def option_fields(self) -> tuple[Field, ...]:
        """The fields as `journal add NAME --help` lists their options."""
        by_name = {f.name: f for f in self.fields}
        return tuple(by_name[name] for name in self.options) if self.options else self.fields

    @property
    def usage(self) -> str:
        """The example of `journal add NAME --help`: as printed, it runs (tests check)."""
        if self.example:
            return self.example
        needed = [f for f in self.fields if f.required or f.name in self.needs[1:2]]
        return f"journal add {self.name} T1" + "".join(
            f" {f.option} {SAMPLES[f.name]}" for f in needed
        )

    @property
    def payload_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.check not in (Check.ID, Check.THEN))

    @property
    def stored_fields(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The fields a stored payload of this type must have, and those it may have."""
        names = [(f.name, f.required) for f in self.payload_fields]
        required = tuple(n for n, r in names if r)
        return self.stored or (required, tuple(n for n, r in names if not r))


# --- guards: the key of a refusal, or None ---------------------------------------------


def _needs_request_option(trade: Trade, event: Event) -> str | None:
    return None if trade.request_required else "no_request_option"


def _not_with_request_option(trade: Trade, event: Event) -> str | None:
    return "request_required" if trade.request_required else None


def _hold_in_future(trade: Trade, event: Event) -> str | None:
    return "hold_in_past" if as_time(event.payload["until"]) <= event.occurred_at else None


def _hold_active(trade: Trade, event: Event) -> str | None:
    return None if hold_active(trade) else "no_hold"


def _offer_open(trade: Trade, event: Event) -> str | None:
    return None if trade.offer else "no_offer"


def _listed_payload(payload: dict[str, Any]) -> str | None:
    if payload.get("kind") == Kind.DEDICATED and "buyer" not in payload:
        return "dedicated_needs_buyer"
    premium = "premium" in payload and payload.get("platform") != "yahoo-auction"
    return "premium_yahoo_only" if premium else None  # the premium fee is ヤフオク's alone


# --- evolve: what a step changes besides the state and its anchor ----------------------


def _rated(trade: Trade, event: Event) -> None:
    trade.mark("completion", event.occurred_at)  # both rated: the app completes it


def _cancelled(trade: Trade, event: Event) -> None:
    trade.cancel_reason = event.payload.get("reason")


def _hold(trade: Trade, event: Event) -> None:
    p = event.payload
    trade.hold = {"buyer": p.get("buyer"), "until": as_time(p["until"]), "active": True}


def _offer(trade: Trade, event: Event) -> None:
    p = event.payload
    trade.offer = {"buyer": p.get("buyer"), "price": p["price"], "at": event.occurred_at}


def _offer_accepted(trade: Trade, event: Event) -> None:
    trade.price = trade.offer["price"]  # type: ignore[index]


def _defect(trade: Trade, event: Event) -> None:
    trade.defects += 1


def _return(trade: Trade, event: Event) -> None:
    trade.return_requested = True


def _cost(trade: Trade, event: Event) -> None:
    """The cost of goods and extra costs, recorded or corrected at any time."""
    trade.cost = event.payload.get("cost", trade.cost)
    trade.extra_cost = event.payload.get("extra", trade.extra_cost)


def _bundled(trade: Trade, event: Event) -> None:
    trade.bundled_into = event.payload["into"]


def _item_alarm(trade: Trade, event: Event) -> None:
    """Another listing of this item was taken (the delist alarm counts from the first that
    still is) or is free again."""
    if event.type == ITEM_TAKEN:
        trade.item_taken.setdefault(event.payload["by"], event.occurred_at)
    else:
        trade.item_taken.pop(event.payload["by"], None)
    if trade.item_taken:
        trade.mark("item_taken", min(trade.item_taken.values()))
    else:
        trade.unmark("item_taken")


def _withdrawn(trade: Trade, event: Event) -> None:
    """A withdrawal of the balance took this sale's proceeds: its proceeds deadline is met
    (by the first withdrawal after the sale completed)."""
    done, moment = trade.anchors.get("completion"), trade.anchors.get("withdrawal")
    if done is not None and event.occurred_at >= done and moment is None:
        trade.mark("withdrawal", event.occurred_at)


# --- then: the steps a step brings in the same command (paid at once) ------------------


def _sold_then(trade: Trade, flags: frozenset[str]) -> tuple[str, ...]:
    """Yahoo!フリマ has no 支払い待ち: its buyer pays on purchase; elsewhere `--paid`."""
    return ("paid",) if trade.platform == "yahoo-flea" or "paid" in flags else ()


def _bought_then(trade: Trade, flags: frozenset[str]) -> tuple[str, ...]:
    return () if "unpaid" in flags else ("paid",)  # you pay when you buy, unless told


def hold_active(trade: Trade) -> bool:
    return bool(trade.hold and trade.hold["active"])


def end_hold(trade: Trade, event: Event) -> None:
    if hold_active(trade):
        trade.mark("hold_end", event.occurred_at)
        trade.hold["active"] = False  # type: ignore[index]


def as_time(value: Any) -> datetime | None:
    """A stored moment (ISO text) as a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


# --- the catalogue ----------------------------------------------------------------------

S = State
VOID_TYPE = "voided"
BUNDLED_TYPE = "bundled"
ITEM_TAKEN, ITEM_RELEASED = "item-taken", "item-released"
WITHDRAWN = "proceeds-withdrawn"
ATTACHED = "attached"  # a file kept by its SHA-256 beside the journal (`journal attach`)

# fmt: off
_PLATFORM = Field("platform", Check.PLATFORM, required=True)
_TITLE = Field("title", Check.TITLE, required=True)
_PRICE = Field("price", Check.YEN, required=True, metavar="YEN")
_BUYER = Field("buyer", Check.NAME, metavar="NAME", help="The buyer's nickname, if at hand.")
_FOR_BUYER = Field("buyer", Check.NAME, required=True, metavar="NAME")
_NOTE = Field("note", Check.TEXT, required=True, metavar="TEXT")
_LISTED_FIELDS = (  # in the order they are checked
    _PLATFORM, _TITLE, _PRICE,
    Field("id", Check.ID, metavar="ID", help="Choose the id (default: T1, T2, …)."),
    Field("ship_days", Check.SHIP_DAYS, metavar="N-M", help="発送日の目安 / 発送までの日数."),
    Field("request_required", Check.FLAG, help="Buyers must ask first (購入申請あり)."),
    Field("kind", Check.KIND),
    Field("until", Check.WHEN, metavar="WHEN",
          help="How long a dedicated/confirmation listing waits."),
    Field("shipping", Check.YEN_OR_ZERO, metavar="YEN", help="Shipping cost you pay."),
    Field("cost", Check.YEN_OR_ZERO, metavar="YEN", help="What the goods cost you."),
    Field("buyer", Check.NAME, metavar="NAME", help="For a dedicated listing (〇〇様専用)."),
    Field("item", Check.ITEM, metavar="KEY",
          help="The same physical item listed elsewhere (double-listing alarm)."),
    Field("premium", Check.SWITCH, help="ヤフオク: listed as a premium member (or not)."),
)
_LISTED_OPTIONS = ("platform", "title", "price", "id", "request_required", "ship_days",  # --help
                   "shipping", "cost", "kind", "buyer", "until", "item", "premium")
# fmt: on
_LISTED_STORED = tuple(f.name for f in _LISTED_FIELDS if not f.required and f.check != Check.ID)
_FOR_SALE = {S.LISTED, S.REQUESTED}
_UNPAID = {S.LISTED, S.REQUESTED, S.AWAITING_PAYMENT}
_SENT = {S.SHIPPED, S.RECEIVED}


def _both(after: Any, to: str | None, seller: str | None, buyer: str | None) -> dict[str, Move]:
    """The same move on both sides, each marking its own anchor."""
    return {"seller": Move(after, to, seller), "buyer": Move(after, to, buyer)}


# fmt: off
CATALOGUE: tuple[Step, ...] = (
    Step("listed", "You listed an item (出品).",
         'journal add listed --platform mercari --title "ニット" --price 2500 --ship-days 2-3',
         fields=_LISTED_FIELDS, options=_LISTED_OPTIONS, creates=True,
         seller=Move((), S.LISTED, "listing"), check_payload=_listed_payload),
    Step("bought", "You bought an item (buyer side).",
         'journal add bought --platform rakuma --title "ワンピース" --price 1800 --ship-days 2-3',
         fields=(_PLATFORM, _TITLE, _PRICE, Field("id", Check.ID, metavar="ID"),
                 Field("ship_days", Check.SHIP_DAYS, metavar="N-M",
                       help="The seller's 発送日の目安 / 発送までの日数 on the listing."),
                 Field("shipping", Check.YEN_OR_ZERO, metavar="YEN",
                       help="The shipping you paid."),
                 Field("item", Check.ITEM, metavar="KEY",
                       help="The item, to resell: its listing takes --item KEY too (仕入, 棚卸)."),
                 *KOBUTSU_FIELDS,
                 Field("unpaid", Check.THEN, help="Not paid yet (default: paid at once).")),
         buyer=Move((), S.AWAITING_PAYMENT, "purchase"), creates=True, then=_bought_then),
    Step("request", "A buyer sent a purchase request (購入申請).", fields=(_BUYER,),
         seller=Move({S.LISTED}, S.REQUESTED, "request"), copies=("buyer", "price"),
         guard=_needs_request_option, evolve=end_hold),
    Step("sold", "The item sold without a request (購入).",
         fields=(_BUYER, Field("price", Check.YEN, metavar="YEN",
                               help="The final price (an auction's winning bid)."),
                 Field("paid", Check.THEN, help="Paid at once (card, PayPay): records paid.")),
         seller=Move({S.LISTED}, S.AWAITING_PAYMENT, "purchase"), then=_sold_then,
         copies=("buyer", "price"),  # the final price (an auction's winning bid)
         guard=_not_with_request_option, evolve=end_hold),
    Step("approved", "You approved the purchase request (承認); the buyer must now pay.",
         seller=Move({S.REQUESTED}, S.AWAITING_PAYMENT, "approval")),
    Step("declined", "You declined the purchase request.",
         seller=Move({S.REQUESTED}, S.LISTED, "decline"), clears=("buyer",)),
    # the app cancelled an unanswered request (Rakuma, 翌々日 morning): the listing stays up
    Step("request-expired",
         "The app cancelled the unanswered purchase request (Rakuma); the listing stays up.",
         seller=Move({S.REQUESTED}, S.LISTED, "request_expiry"), clears=("buyer",)),
    Step("payment-number",
         "ヤフオク: the winner got a convenience-store / bank payment number (支払い番号);"
         " you cannot remove the winner while it is valid.",
         # the number comes after the sale
         seller=Move({S.AWAITING_PAYMENT}, None, "payment_number", ordered=True)),
    Step("paid", "The buyer paid (支払い); or, buying, you paid.",
         **_both({S.AWAITING_PAYMENT}, S.AWAITING_SHIPMENT, "payment", "payment")),
    Step("shipped", "The item was shipped (発送通知).",
         fields=(Field("shipping", Check.YEN_OR_ZERO, metavar="YEN",
                       help="What the shipping cost you."),
                 Field("carrier", Check.LINE, metavar="NAME", help="ゆうパケット, ネコポス, …"),
                 Field("tracking", Check.LINE, metavar="NUMBER", help="The tracking number.")),
         **_both({S.AWAITING_SHIPMENT}, S.SHIPPED, "shipping", "shipping"),
         copies=("shipping", "carrier", "tracking")),  # the shipping paid; listed: a guess
    Step("received", "Receipt: the buyer rated receipt (受取評価), or, buying, it arrived.",
         **_both({S.SHIPPED}, S.RECEIVED, "receipt", "arrival")),
    Step("rated", "You rated the other side (評価).",
         **_both({S.RECEIVED}, S.COMPLETED, "our_rating", "receipt"), evolve=_rated),
    Step("completed", "The trade completed (取引完了), e.g. automatically by the app.",
         **_both(_SENT, S.COMPLETED, "completion", "completion")),
    Step("delisted", "You took the listing down (出品取り消し).",
         seller=Move(_FOR_SALE, S.DELISTED, "delisting")),
    Step("cancelled", "The trade was cancelled (キャンセル).",
         fields=(Field("reason", Check.TEXT, required=True, metavar="TEXT"),),
         **_both(UNFINISHED_STATES, S.CANCELLED, "cancellation", "cancellation"),
         evolve=_cancelled),
    Step("hold", "You granted a hold (取り置き) until a date.",
         fields=(_BUYER, Field("until", Check.WHEN, required=True, metavar="WHEN")),
         seller=Move({S.LISTED}, None, "hold"), guard=_hold_in_future, evolve=_hold),
    Step("hold-ended", "The hold ended (released or honoured).",
         seller=Move(_UNPAID), guard=_hold_active, evolve=end_hold),
    Step("defect", "Inspection found a defect (検品).", fields=(_NOTE,),
         seller=Move(_UNPAID | {S.AWAITING_SHIPMENT}), buyer=Move(_SENT), evolve=_defect),
    Step("message", "A trade message was sent or received (取引メッセージ).", fields=(_NOTE,),
         anytime=True),
    Step("note", "A private note.", fields=(_NOTE, PERSONAL), anytime=True),
    Step("cost", "Record or correct what the item cost you (仕入れ値) and extra costs (梱包材…).",
         fields=(Field("cost", Check.YEN_OR_ZERO, metavar="YEN", help="The cost of the goods."),
                 Field("extra", Check.YEN_OR_ZERO, metavar="YEN",
                       help="Extra costs: packaging and the like."),
                 Field("note", Check.TEXT, metavar="TEXT")),
         anytime=True, evolve=_cost, needs=("cost_needs_amount", "cost", "extra")),
    Step("return", "A return was requested (返品).", fields=(_NOTE,),
         seller=Move(_SENT), buyer=Move(_SENT), evolve=_return),
    Step("offer", "A buyer asked for a discount (値下げ交渉).", fields=(_BUYER, _PRICE),
         seller=Move(_FOR_SALE), evolve=_offer),
    Step("offer-declined", "You declined the price offer.",
         seller=Move(_FOR_SALE), guard=_offer_open, clears=("offer",)),
    Step("offer-accepted", "You accepted the price offer (the price changes).",
         seller=Move(_FOR_SALE), guard=_offer_open, evolve=_offer_accepted,
         clears=("offer",)),
    Step("price", "You changed the price and/or title.",
         fields=(Field("price", Check.YEN, metavar="YEN"), Field("title", Check.TITLE)),
         seller=Move(_UNPAID), copies=("price", "title"),
         needs=("price_needs_change", "price", "title")),
    Step("bundle", "Bundle listings into one dedicated set listing for one buyer (おまとめ).",
         "journal add bundle T4 T5 --price 4500 --buyer はな --until +2d",
         fields=(_PRICE, _FOR_BUYER,
                 Field("until", Check.WHEN, metavar="WHEN",
                       help="How long the set waits for its buyer (default 3 days)."),
                 Field("id", Check.ID, metavar="NEWID")),
         seller=Move((), S.LISTED, "listing"), creates=True, bundles=True,
         stored=(("platform", "title", "price", "buyer", "from", "kind", "request_required"),
                 _LISTED_STORED)),
    # proceeds withdrawn (振込申請): a stream of its own, finished at once, whose transfer fee
    # is a cost (journal/core/money.py)
    Step("withdrawal", "You withdrew proceeds (振込申請); its transfer fee is a cost.",
         "journal add withdrawal --platform rakuma --amount 12000 --bank rakuten",
         fields=(_PLATFORM, Field("amount", Check.YEN, required=True, metavar="YEN"),
                 Field("fee", Check.YEN_OR_ZERO, metavar="YEN",
                       help="The transfer fee charged (default: the platform's rule)."),
                 Field("bank", Check.BANK, help="Where to: rakuten (楽天銀行), paypay, other."),
                 Field("partial", Check.FLAG,
                       help="Part of the balance only: the proceeds deadlines stay open.")),
         seller=Move((), S.COMPLETED, "withdrawal"), creates=True),
    # written by the journal itself: `bundled` into a bundle's originals; `item-taken` and
    # `item-released` into the other listings of an item (`listed --item`) when one of them
    # is taken or free again; `voided` for a correction (checked against the whole history)
    Step(BUNDLED_TYPE, seller=Move({S.LISTED}, S.BUNDLED, "bundling"), evolve=_bundled,
         addable=False, stored=(("into",), ())),
    Step(ITEM_TAKEN, **_both(UNFINISHED_STATES, None, None, None), evolve=_item_alarm,
         addable=False, stored=(("item", "by", "step"), ())),
    Step(ITEM_RELEASED, **_both(UNFINISHED_STATES, None, None, None), evolve=_item_alarm,
         addable=False, stored=(("item", "by"), ())),
    # into each sale whose proceeds a withdrawal of the balance took (journal/core/withdrawals.py)
    Step(WITHDRAWN, anytime=True, addable=False, evolve=_withdrawn, stored=(("by",), ())),
    Step(VOID_TYPE, anytime=True, addable=False, stored=(("seq", "reason", "voided_type"), ())),
    Step(ATTACHED, anytime=True, addable=False,
         stored=(("sha256", "name", "size", "media_type"), ())),
)
# fmt: on
STEPS: dict[str, Step] = {step.name: step for step in CATALOGUE}
