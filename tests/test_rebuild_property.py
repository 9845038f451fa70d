"""Rebuild equals the inline projections, on randomly generated histories (hypothesis).

Hypothesis draws a seed and a length; the history is then played from that seed with a
policy that mostly takes steps that fit each trade's state (so histories go deep: paid,
shipped, completed, bundled, voided…) and sometimes any step at all (so refusals, which
must write nothing, are part of every history too).
"""

import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from read_models import snapshot

from journal.core.deadlines import compute
from journal.core.errors import JournalError
from journal.core.events import ADDABLE_TYPES
from journal.core.trade import fold
from journal.service import Journal
from journal.storage import projections

START = datetime(2026, 1, 28, 0, 0, tzinfo=UTC)
# a withdrawal is not a step on a trade but a stream of its own
ON_A_TRADE = tuple(t for t in ADDABLE_TYPES if t != "withdrawal")
PLATFORMS = ["rakuma", "mercari", "yahoo-auction", "yahoo-flea"]
LIKELY = {
    ("seller", "listed"): [
        "request",
        "sold",
        "sold",
        "hold",
        "hold-ended",
        "offer",
        "offer-declined",
        "offer-accepted",
        "price",
        "defect",
        "delisted",
        "bundle",
        "note",
    ],
    ("seller", "requested"): ["approved", "approved", "declined", "offer", "cancelled"],
    ("seller", "awaiting_payment"): ["paid", "paid", "price", "defect", "cancelled"],
    ("seller", "awaiting_shipment"): ["shipped", "shipped", "defect", "cancelled"],
    ("seller", "shipped"): ["received", "received", "completed", "return"],
    ("seller", "received"): ["rated", "completed", "return"],
    ("buyer", "awaiting_payment"): ["paid", "paid", "cancelled"],
    ("buyer", "awaiting_shipment"): ["shipped", "message"],
    ("buyer", "shipped"): ["received", "defect", "return"],
    ("buyer", "received"): ["rated", "completed", "return"],
}


def play(journal: Journal, rng: random.Random, length: int) -> int:
    """Play `length` random commands; returns how many were accepted."""
    now = START
    ids: list[str] = []
    accepted = 0
    for _ in range(length):
        now += timedelta(minutes=rng.choice([1, 5, 30, 60, 600, 1440, 4000]))
        roll = rng.random()
        try:
            if roll < 0.2 or not ids:
                kind_of = rng.choice(["listed", "listed", "bought"])
                fields = {"platform": rng.choice(PLATFORMS), "title": "x", "price": 500}
                if kind_of == "listed":
                    fields.update(
                        request_required=rng.random() < 0.3,
                        ship_days=rng.choice([None, "1-2", "2-3", "4-7"]),
                        kind=rng.choice(["normal"] * 6 + ["dedicated", "confirmation"]),
                        buyer="b",
                        until=now + timedelta(hours=rng.choice([1, 24, 100]))
                        if rng.random() < 0.3
                        else None,
                    )
                ids.append(journal.add(kind_of, None, now, fields, now=now)[0].stream)
                accepted += 1
                continue
            target = rng.choice(ids)
            if roll < 0.9:
                trade = journal.trade(target)[0]
                step = rng.choice(
                    LIKELY.get((trade.role, trade.state), ["message", "note", "void"])
                )
            elif roll < 0.95:
                step = "void"
            else:
                step = rng.choice(ON_A_TRADE)
            fields = {
                "buyer": "b",
                "reason": "r",
                "note": "n",
                "price": rng.randint(1, 9000),
                "until": now + timedelta(minutes=rng.randint(-60, 9000)),
                "title": f"t{rng.randint(0, 9)}",
                "platform": rng.choice(PLATFORMS),
            }
            if step == "void":
                with journal.store.read() as conn:
                    last = journal.store.last_seq(conn)
                journal.void(rng.randint(1, last), "r", now=now)
            elif step == "bundle":
                stored = journal.add(
                    "bundle", None, now, fields, (target, rng.choice(ids)), now=now
                )
                ids.append(stored[0].stream)
            else:
                journal.add(step, target, now, fields, now=now)
            accepted += 1
        except JournalError:
            pass  # refused or bad input: nothing written, and the history goes on
    return accepted


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), length=st.integers(1, 150))
def test_rebuild_equals_inline_projection(seed, length):
    with tempfile.TemporaryDirectory() as folder:
        journal = Journal(Path(folder) / "j.sqlite")
        try:
            play(journal, random.Random(seed), length)
            with journal.store.read() as conn:
                inline = snapshot(conn)
                # The inline read model also equals a direct fold of each stream.
                for row in inline[0]:
                    trade = fold(journal.store.stream(conn, row[0]))
                    assert (row[3], row[4], row[5]) == (trade.title, trade.price, trade.state)
                    expected = sorted(
                        projections.deadline_rows(compute(trade, journal.book)), key=lambda r: r[1]
                    )
                    assert [r for r in inline[1] if r[0] == row[0]] == expected
            journal.rebuild()
            with journal.store.read() as conn:
                assert snapshot(conn) == inline
        finally:
            journal.close()


def test_the_generator_reaches_deep_states():
    """Guard against a generator that only ever produces refused steps."""
    with tempfile.TemporaryDirectory() as folder:
        journal = Journal(Path(folder) / "j.sqlite")
        try:
            assert play(journal, random.Random(8), 400) > 200
            with journal.store.read() as conn:
                states = {r[0] for r in conn.exec_driver_sql("SELECT state FROM trades")}
                types = {r[0] for r in conn.exec_driver_sql("SELECT type FROM events")}
        finally:
            journal.close()
    assert {"completed", "cancelled", "shipped", "bundled"} <= states
    assert {"voided", "bundle", "rated", "hold"} <= types
