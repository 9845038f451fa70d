"""The catalogue of steps (journal/core/steps.py), table-driven: every step × every state × each
side through the real `trade.apply` (the code that replays the log), allowed with the state
the catalogue names or refused with its message key; and, written out by hand, what a
trade-journal user knows of the trades, so a wrong entry in the catalogue fails here."""

import ast
import copy
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import cli
from journal.core import steps, validate
from journal.core.errors import BadInput, Refused
from journal.core.events import ADDABLE_TYPES, Event
from journal.core.payloads import build_payload
from journal.core.steps import CATALOGUE, FINISHED_STATES, SIDES, STATES, STEPS, State
from journal.core.trade import Trade, apply

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
LAST = T0 + timedelta(hours=2)  # the trade's last step
AT = T0 + timedelta(hours=3)  # when the step under test happens

# A value for every field a stored payload may carry.
SAMPLE = {
    "platform": "rakuma",
    "title": "ワンピース",
    "price": 1800,
    "buyer": "さくら",
    "until": (T0 + timedelta(days=3)).isoformat(),
    "note": "a note",
    "reason": "a reason",
    "into": "T9",
    "item": "coat",
    "by": "T5",
    "step": "sold",
    "seq": 1,
    "amount": 12000,
    "voided_type": "note",
    "from": ["T2", "T3"],
    "kind": "dedicated",
    "request_required": True,
    "sha256": "0" * 64,
    "name": "screen.png",
    "size": 1234,
    "media_type": "image/png",
}
# What a trade needs for a step's guard to let it through (the guard is tested below).
MEETS_GUARD = {
    "request": {"request_required": True},
    "hold-ended": {"hold": {"buyer": "さくら", "until": T0 + timedelta(days=3), "active": True}},
    "offer-declined": {"offer": {"buyer": "さくら", "price": 1500, "at": T0}},
    "offer-accepted": {"offer": {"buyer": "さくら", "price": 1500, "at": T0}},
}


def trade_in(state: str, side: str, **extra) -> Trade:
    fields = {"request_required": False, **copy.deepcopy(extra)}
    return Trade(
        id="T1",
        platform="rakuma",
        role=side,
        title="ニット",
        price=2500,
        state=state,
        created_at=T0,
        last_step_at=LAST,
        **fields,
    )


def event(name: str, at: datetime = AT, **payload) -> Event:
    required, _optional = STEPS[name].stored_fields
    full = {key: SAMPLE[key] for key in required} | payload
    return Event(type=name, stream="T1", payload=full, occurred_at=at, seq=7, version=7)


def outcome(name: str, state: str, side: str, at: datetime = AT) -> str:
    """The state after the step, or the key of its refusal."""
    trade = trade_in(state, side, **MEETS_GUARD.get(name, {}))
    try:
        apply(trade, event(name, at))
    except Refused as refusal:
        return refusal.key
    return trade.state


def expected(step: steps.Step, state: str, side: str, dated_before_last: bool = False) -> str:
    """What the catalogue says: allowed (and to which state), or refused (and why)."""
    if step.creates:
        return "already_exists"
    if step.anytime:
        return state
    if state in FINISHED_STATES:
        return "trade_finished"
    move = step.move(side)
    if move is None:
        return "not_for_role"
    if state not in move.after:
        return "bad_step"
    if dated_before_last and (move.to is not None or move.ordered):
        return "out_of_order"
    return move.to or state


CASES = [(step, state, side) for step in CATALOGUE for state in STATES for side in SIDES]
IDS = [f"{side}-{step.name}-from-{state}" for step, state, side in CASES]


@pytest.mark.parametrize(("step", "state", "side"), CASES, ids=IDS)
def test_every_step_from_every_state_on_each_side(step, state, side) -> None:
    assert outcome(step.name, state, side) == expected(step, state, side)


@pytest.mark.parametrize(("step", "state", "side"), CASES, ids=IDS)
def test_a_step_dated_before_the_last_one(step, state, side) -> None:
    before = LAST - timedelta(minutes=1)
    assert outcome(step.name, state, side, before) == expected(step, state, side, True)


def test_a_step_dated_before_the_trade_began_is_refused() -> None:
    for step in CATALOGUE:
        if not step.creates and not step.anytime:
            assert outcome(step.name, State.LISTED, "seller", T0 - timedelta(1)) == (
                "before_creation"
            )


def test_a_type_the_catalogue_does_not_know_is_refused_for_every_role() -> None:
    for side in SIDES:
        with pytest.raises(Refused) as refused:
            apply(trade_in(State.LISTED, side), Event("unheard-of", "T1", {}, AT))
        assert refused.value.key == "not_for_role"


# --- written out by hand: these fail if the catalogue is wrong ------------------------------

KNOWN = [
    # (side, step, from state, the state after it or the key of its refusal)
    ("seller", "sold", "listed", "awaiting_payment"),
    ("seller", "paid", "listed", "bad_step"),
    ("seller", "request", "listed", "requested"),
    ("seller", "approved", "requested", "awaiting_payment"),
    ("seller", "approved", "listed", "bad_step"),
    ("seller", "declined", "requested", "listed"),
    ("seller", "request-expired", "requested", "listed"),
    ("seller", "payment-number", "awaiting_payment", "awaiting_payment"),
    ("seller", "payment-number", "listed", "bad_step"),
    ("seller", "paid", "awaiting_payment", "awaiting_shipment"),
    ("seller", "shipped", "awaiting_shipment", "shipped"),
    ("seller", "shipped", "awaiting_payment", "bad_step"),
    ("seller", "received", "shipped", "received"),
    ("seller", "rated", "received", "completed"),
    ("seller", "rated", "shipped", "bad_step"),
    ("seller", "completed", "shipped", "completed"),
    ("seller", "completed", "received", "completed"),
    ("seller", "delisted", "requested", "delisted"),
    ("seller", "delisted", "awaiting_payment", "bad_step"),
    ("seller", "cancelled", "awaiting_shipment", "cancelled"),
    ("seller", "cancelled", "completed", "trade_finished"),
    ("seller", "hold", "listed", "listed"),
    ("seller", "hold", "requested", "bad_step"),
    ("seller", "hold-ended", "awaiting_payment", "awaiting_payment"),
    ("seller", "defect", "awaiting_shipment", "awaiting_shipment"),
    ("seller", "defect", "shipped", "bad_step"),
    ("seller", "return", "received", "received"),
    ("seller", "offer", "requested", "requested"),
    ("seller", "offer-accepted", "awaiting_payment", "bad_step"),
    ("seller", "price", "awaiting_payment", "awaiting_payment"),
    ("seller", "price", "awaiting_shipment", "bad_step"),
    ("seller", "bundled", "listed", "bundled"),
    ("seller", "bundled", "requested", "bad_step"),
    ("seller", "note", "completed", "completed"),
    ("seller", "cost", "delisted", "delisted"),
    ("seller", "item-taken", "awaiting_payment", "awaiting_payment"),
    ("seller", "item-released", "bundled", "trade_finished"),
    ("seller", "listed", "listed", "already_exists"),
    ("seller", "bundle", "listed", "already_exists"),
    ("seller", "withdrawal", "completed", "already_exists"),
    ("seller", "proceeds-withdrawn", "completed", "completed"),
    ("buyer", "proceeds-withdrawn", "cancelled", "cancelled"),
    ("buyer", "bought", "awaiting_payment", "already_exists"),
    ("buyer", "paid", "awaiting_payment", "awaiting_shipment"),
    ("buyer", "shipped", "awaiting_shipment", "shipped"),
    ("buyer", "received", "shipped", "received"),
    ("buyer", "rated", "received", "completed"),
    ("buyer", "defect", "received", "received"),
    ("buyer", "defect", "awaiting_shipment", "bad_step"),
    ("buyer", "cancelled", "awaiting_payment", "cancelled"),
    ("buyer", "request", "awaiting_payment", "not_for_role"),
    ("buyer", "sold", "awaiting_payment", "not_for_role"),
    ("buyer", "bundled", "listed", "not_for_role"),
    ("buyer", "hold", "awaiting_payment", "not_for_role"),
    ("buyer", "message", "cancelled", "cancelled"),
]


@pytest.mark.parametrize(("side", "name", "state", "after"), KNOWN)
def test_known_transitions(side, name, state, after) -> None:
    assert outcome(name, state, side) == after


def test_every_step_a_user_adds_is_in_the_catalogue_in_this_order() -> None:
    by_hand = (
        *("listed", "bought", "request", "sold", "approved", "declined", "request-expired"),
        *("payment-number", "paid", "shipped", "received", "rated", "completed", "delisted"),
        *("cancelled", "hold", "hold-ended", "defect", "message", "note", "cost", "return"),
        *("offer", "offer-declined", "offer-accepted", "price", "bundle", "withdrawal"),
    )
    assert by_hand == ADDABLE_TYPES
    assert list(cli.add.commands) == list(ADDABLE_TYPES)


KNOWN_ANCHORS = [
    # (side, step, from state, the anchors it marks)
    ("seller", "sold", "listed", {"purchase"}),
    ("seller", "received", "shipped", {"receipt"}),
    ("buyer", "received", "shipped", {"arrival"}),
    ("seller", "rated", "received", {"our_rating", "completion"}),
    ("buyer", "rated", "received", {"receipt", "completion"}),
    ("seller", "payment-number", "awaiting_payment", {"payment_number"}),
    ("seller", "hold", "listed", {"hold"}),
    ("seller", "cancelled", "listed", {"cancellation"}),
    ("seller", "item-taken", "listed", {"item_taken"}),
    ("seller", "offer", "listed", set()),
]


@pytest.mark.parametrize(("side", "name", "state", "anchors"), KNOWN_ANCHORS)
def test_the_anchors_a_step_marks(side, name, state, anchors) -> None:
    trade = trade_in(state, side, **MEETS_GUARD.get(name, {}))
    apply(trade, event(name))
    assert set(trade.anchors) == anchors
    assert all(trade.anchors[a] == AT for a in anchors)


GUARDS = [
    # (step, from state, what the trade lacks, the key of the refusal)
    ("request", "listed", {"request_required": False}, "no_request_option"),
    ("sold", "listed", {"request_required": True}, "request_required"),
    ("hold-ended", "listed", {"hold": None}, "no_hold"),
    ("offer-declined", "listed", {"offer": None}, "no_offer"),
    ("offer-accepted", "requested", {"offer": None}, "no_offer"),
]


@pytest.mark.parametrize(("name", "state", "lacking", "key"), GUARDS)
def test_a_guard_refuses_with_its_key(name, state, lacking, key) -> None:
    trade = trade_in(state, "seller", **{**MEETS_GUARD.get(name, {}), **lacking})
    with pytest.raises(Refused) as refused:
        apply(trade, event(name))
    assert refused.value.key == key


def test_a_hold_must_end_in_the_future() -> None:
    with pytest.raises(Refused) as refused:
        apply(trade_in(State.LISTED, "seller"), event("hold", until=LAST.isoformat()))
    assert refused.value.key == "hold_in_past"


def test_every_guard_has_a_test_here() -> None:
    guarded = {step.name for step in CATALOGUE if step.guard}
    assert guarded == {name for name, *_ in GUARDS} | {"hold"}  # hold: just above


# --- the fields: the command line, the payload and the import check agree ---------------

TYPED = {
    **{key: str(value) for key, value in SAMPLE.items() if isinstance(value, str | int)},
    "price": "1,800",
    "until": T0 + timedelta(days=3),
    "ship_days": "2-3",
    "kind": "dedicated",
    "request_required": True,
    "shipping": "0",
    "cost": "300",
    "extra": "50",
    "carrier": "ネコポス",
    "tracking": "1234",
    "premium": True,
    "amount": "12,000",
    "fee": "0",
    "bank": "rakuten",
    "partial": True,
    # 古物台帳 (a purchase's register fields)
    "quantity": "1",
    "features": "傷あり",
    "seller_name": "山田太郎",
    "seller_address": "東京都千代田区",
    "seller_job": "会社員",
    "seller_age": "45",
    "id_check": "運転免許証",
    "personal": True,
}


def typed_fields(step) -> dict:
    """Every field of the step as typed; `--premium` is for a ヤフオク listing only."""
    fields = {f.name: TYPED[f.name] for f in step.payload_fields}
    if "premium" in fields:
        fields["platform"] = "yahoo-auction"
    return fields


@pytest.mark.parametrize("step", [s for s in CATALOGUE if s.addable], ids=lambda s: s.name)
def test_a_payload_built_from_the_command_line_is_one_an_import_accepts(step) -> None:
    payload = build_payload(step.name, typed_fields(step))
    assert set(payload) == {f.name for f in step.payload_fields}
    if step.bundles:  # the journal adds the set's platform, title, originals and kind
        payload |= {k: SAMPLE[k] for k in ("platform", "title", "from", "kind", "request_required")}
    stamp = AT.isoformat()
    row = (1, "c:0", "T1", 1, step.name, 1, json.dumps(payload), stamp, stamp)
    assert validate.stored_event(row) is None


@pytest.mark.parametrize("step", [s for s in CATALOGUE if s.addable], ids=lambda s: s.name)
def test_an_import_takes_personal_fields_sealed_and_nothing_else_sealed(step) -> None:
    """A stored personal field may be sealed (`{"sealed": …}`); any other field, or a
    personal field holding some other object, is refused and named."""
    from journal.core.personal import personal_fields

    payload = build_payload(step.name, typed_fields(step))
    if step.bundles:
        payload |= {k: SAMPLE[k] for k in ("platform", "title", "from", "kind", "request_required")}
    stamp = AT.isoformat()

    def problem(fields: dict) -> str | None:
        return validate.stored_event(
            (1, "c:0", "T1", 1, step.name, 1, json.dumps(fields), stamp, stamp)
        )

    sealable = personal_fields(step.name, payload)
    sealed = {"sealed": "QUJD"}
    assert problem(payload | dict.fromkeys(sealable, sealed)) is None
    for name in sealable:
        assert problem(payload | {name: {"sealed": 1}}) == f"#1 T1 {step.name}: bad payload {name}"
    for name in set(payload) - set(sealable):
        assert problem(payload | {name: sealed}) == f"#1 T1 {step.name}: bad payload {name}"


@pytest.mark.parametrize("step", [s for s in CATALOGUE if s.addable], ids=lambda s: s.name)
def test_a_required_field_left_out_is_bad_input(step) -> None:
    for missing in [f for f in step.payload_fields if f.required]:
        fields = {k: v for k, v in typed_fields(step).items() if k != missing.name}
        with pytest.raises(BadInput):
            build_payload(step.name, fields)


def test_known_payload_refusals() -> None:
    for name, fields, key in [
        ("cost", {"note": "box"}, "cost_needs_amount"),
        ("price", {}, "price_needs_change"),
        ("listed", {**TYPED, "buyer": None}, "dedicated_needs_buyer"),
        ("hold", {"buyer": "さくら"}, "missing_option"),
        ("sold", {"buyer": "さくら", "price": "0"}, "yen_range"),
    ]:
        with pytest.raises(BadInput) as bad:
            build_payload(name, fields)
        assert bad.value.key == key, name


def test_every_field_check_is_one_validate_knows_and_the_command_line_offers() -> None:
    for step in CATALOGUE:
        for field in step.fields:
            assert field.check == steps.Check.ID or field.check in validate._CHECKS
        if step.addable:
            options = [p.opts[0] for p in cli.add.commands[step.name].params if p.opts[0][0] == "-"]
            assert options[: len(step.fields)] == [f.option for f in step.option_fields]


_LIGHT = ("journal.core.step_fields", "journal.core.datatypes")


def test_the_catalogue_imports_the_standard_library_only() -> None:
    """It is read on the `--help` path: no journal module at import time, nothing else."""
    found = set()
    # its fields (journal/core/step_fields.py) and the maker of its classes (datatypes.py)
    # are the journal modules it imports, themselves as light
    here = Path(steps.__file__)
    for path in (here, here.with_name("step_fields.py"), here.with_name("datatypes.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:  # `if TYPE_CHECKING:` imports are for the type checker only
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module not in _LIGHT:
                found.add((node.module or "").split(".")[0])
    assert found <= set(sys.stdlib_module_names)
