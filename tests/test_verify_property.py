"""Whatever sequence of steps is recorded (allowed or refused), the read models written inline
equal a rebuild from the log, and the log verifies: what `journal verify` relies on."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.core.errors import JournalError
from journal.core.rules import load_rulebook
from journal.safekeeping import verify
from journal.service import Journal

STEPS = [
    "request",
    "sold",
    "approved",
    "declined",
    "paid",
    "shipped",
    "received",
    "rated",
    "completed",
    "delisted",
    "cancelled",
    "hold",
    "hold-ended",
    "defect",
    "note",
    "return",
    "offer",
    "offer-declined",
    "offer-accepted",
    "price",
    "void",
    "bundle",
] + ["advance"] * 6
# "advance": the trade's natural next step, so histories reach payment, shipping and rating.
NEXT = {
    "listed": "sold",
    "requested": "approved",
    "awaiting_payment": "paid",
    "awaiting_shipment": "shipped",
    "shipped": "received",
    "received": "rated",
}
START = datetime(2026, 11, 1, tzinfo=UTC)

step = st.tuples(
    st.sampled_from(STEPS),
    st.sampled_from(["T1", "T2", "T3", "T4"]),
    st.integers(min_value=1, max_value=30),  # hours after the previous step
    st.booleans(),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(step, max_size=25))
def test_any_history_verifies(tmp_path_factory, steps):
    journal = Journal(tmp_path_factory.mktemp("p") / "journal.sqlite", load_rulebook({}))
    moment = START
    for number, platform in enumerate(["rakuma", "mercari", "mercari", "rakuma"], start=1):
        journal.add(
            "listed",
            f"T{number}",
            moment,
            {
                "platform": platform,
                "title": f"品 {number}",
                "price": 1000,
                "request_required": number == 1,
            },
            now=moment,
        )
    fields = {"buyer": "さくら", "note": "メモ", "price": 800, "reason": "r"}
    for type_, trade, hours, flag in steps:
        moment += timedelta(hours=hours)
        try:
            if type_ == "advance":
                state = journal.trade(trade)[0].state
                type_ = "request" if (state, trade) == ("listed", "T1") else NEXT.get(state, "note")
            if type_ == "void":
                journal.void(max(1, hours % 40), "oops", now=moment)
            elif type_ == "bundle":
                journal.add(
                    "bundle",
                    None,
                    moment,
                    {"price": 900, "buyer": "はな"},
                    sources=("T2", "T3") if flag else ("T1", "T4"),
                    now=moment,
                )
            else:
                extra = {"until": moment + timedelta(days=2)} if type_ == "hold" else {}
                journal.add(type_, trade, moment, {**fields, **extra}, now=moment)
        except JournalError:
            pass  # refused steps write nothing
    report = verify(journal)
    journal.close()
    assert report.ok, report.damage
