"""Reminder planning as pure functions of (deadlines, config, now): no database, no threads."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.deadlines import KIND_SPECS
from journal.core.errors import BadInput
from scheduler.plan import (
    GRACE,
    Warnings,
    due_now,
    lateness_from_config,
    plan,
    warnings_from_config,
)

DUE = datetime(2026, 11, 24, 14, 59, tzinfo=UTC)  # 23:59 JST
H = timedelta(hours=1)


def test_default_warnings_are_24h_and_3h_and_the_moment_for_own_promises():
    reminders = plan([("T1", "payment", DUE), ("T2", "hold_expiry", DUE)], Warnings(), DUE - 48 * H)
    by_trade = {t: sorted(r.at for r in reminders if r.trade == t) for t in ("T1", "T2")}
    assert by_trade["T1"] == [DUE - 24 * H, DUE - 3 * H]
    assert by_trade["T2"] == [DUE - 24 * H, DUE - 3 * H, DUE]


def test_config_sets_warnings_per_kind_and_a_default():
    warnings = warnings_from_config(
        {"payment": ["2h", "30m"], "default": ["1d"], "ship": []}, KIND_SPECS
    )
    assert warnings.for_kind("payment") == (2 * H, timedelta(minutes=30))
    assert warnings.for_kind("rate") == (24 * H,)
    assert warnings.for_kind("ship") == ()
    assert warnings.for_kind("hold_expiry") == (24 * H, timedelta(0))
    assert plan([("T1", "ship", DUE)], warnings, DUE - 48 * H) == []


@pytest.mark.parametrize(
    "section",
    [{"paymnet": ["3h"]}, {"payment": ["3 hours"]}, {"payment": 3}, {"payment": [3]}],
)
def test_unreadable_reminder_config_is_refused_with_the_key_named(section):
    with pytest.raises(BadInput) as caught:
        warnings_from_config(section, KIND_SPECS)
    assert next(iter(section)) in str(caught.value)


def test_lateness_config():
    assert lateness_from_config({}) == 24 * H
    assert lateness_from_config({"lateness": "6h"}) == 6 * H
    with pytest.raises(BadInput):
        lateness_from_config({"lateness": "soon"})


def test_horizon_limits_the_plan():
    reminders = plan([("T1", "payment", DUE)], Warnings(), DUE - 30 * H, horizon=10 * H)
    assert [r.at for r in reminders] == [DUE - 24 * H]


def test_a_warning_fires_at_its_second_not_before():
    reminders = plan([("T1", "payment", DUE)], Warnings(), DUE)
    at = DUE - 3 * H
    assert due_now(
        reminders, {r.key for r in reminders if r.offset == 24 * H}, at - timedelta(seconds=1)
    ) == ([], [])
    deliver, summary = due_now(reminders, {reminders[0].key}, at)
    assert [(d.reminder.at, d.late) for d in deliver] == [(at, False)]
    assert summary == []


def test_after_downtime_only_the_latest_warning_goes_out_marked_late():
    reminders = plan([("T1", "payment", DUE)], Warnings(), DUE)
    now = DUE - 1 * H  # both warnings passed while the machine was off
    deliver, summary = due_now(reminders, set(), now)
    assert len(deliver) == 1
    assert deliver[0].reminder.offset == 3 * H
    assert deliver[0].late
    assert [r.offset for r in deliver[0].superseded] == [24 * H]
    assert summary == []


def test_reminders_older_than_the_lateness_are_summarized():
    reminders = plan([("T1", "payment", DUE), ("T2", "ship", DUE + 40 * H)], Warnings(), DUE)
    now = DUE + 30 * H  # T1's last warning is 33 h old; T2's 24 h warning is 6 h old
    deliver, summary = due_now(reminders, set(), now, lateness=24 * H)
    assert [(d.reminder.trade, d.reminder.offset) for d in deliver] == [("T2", 24 * H)]
    assert {(r.trade, r.offset) for r in summary} == {("T1", 24 * H), ("T1", 3 * H)}


def test_sent_reminders_are_never_due_again():
    reminders = plan([("T1", "payment", DUE)], Warnings(), DUE)
    sent = {r.key for r in reminders}
    assert due_now(reminders, sent, DUE + H) == ([], [])


def test_a_moved_due_time_is_a_new_reminder_and_a_met_deadline_has_none():
    old = plan([("T1", "payment", DUE)], Warnings(), DUE)
    sent = {r.key for r in old}
    moved = plan([("T1", "payment", DUE + 2 * H)], Warnings(), DUE)
    deliver, _ = due_now(moved, sent, DUE)
    assert [d.reminder.due for d in deliver] == [DUE + 2 * H]
    assert plan([], Warnings(), DUE) == []  # met: no longer among the open deadlines


def test_a_warning_that_passed_before_its_deadline_existed_is_not_late():
    granted = DUE - 2 * H  # a hold granted two hours before it ends
    reminders = plan([("T1", "hold_expiry", DUE)], Warnings(), granted)
    deliver, _ = due_now(reminders, set(), granted + timedelta(seconds=5), known={"T1": granted})
    assert [(d.reminder.offset, d.late) for d in deliver] == [(3 * H, False)]
    later, _ = due_now(reminders, set(), granted + 2 * GRACE, known={"T1": granted})
    assert later[0].late


_MOMENTS = st.integers(min_value=-72 * 3600, max_value=72 * 3600).map(
    lambda s: DUE + timedelta(seconds=s)
)


@settings(max_examples=200, deadline=None)
@given(
    now=_MOMENTS,
    lateness_h=st.integers(min_value=0, max_value=48),
    sent_mask=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_nothing_due_is_lost_and_nothing_goes_twice(now, lateness_h, sent_mask):
    reminders = plan([("T1", "hold_expiry", DUE)], Warnings(), DUE)
    sent = {r.key for r, s in zip(reminders, sent_mask, strict=True) if s}
    deliver, summary = due_now(reminders, sent, now, timedelta(hours=lateness_h))
    handled = [d.reminder for d in deliver]
    handled += [r for d in deliver for r in d.superseded]
    handled += summary
    keys = [r.key for r in handled]
    assert len(keys) == len(set(keys))  # nothing twice
    assert not set(keys) & sent  # nothing already sent
    due = {r.key for r in reminders if r.at <= now} - sent
    assert set(keys) == due  # nothing lost
    assert len(deliver) <= 1  # one notification per deadline at most


def test_a_burst_of_due_reminders_sends_the_most_urgent_and_summarizes_the_rest():
    deadlines = [(f"T{i}", "payment", DUE + i * timedelta(minutes=1)) for i in range(1, 26)]
    reminders = plan(deadlines, Warnings(), DUE)
    now = DUE - 3 * H + 30 * timedelta(minutes=1)  # every 3 h warning has come
    deliver, summary = due_now(reminders, set(), now, burst=20)
    assert [d.reminder.trade for d in deliver] == [f"T{i}" for i in range(1, 21)]
    assert {r.trade for r in summary} == {f"T{i}" for i in range(21, 26)}
    assert len(summary) == 10  # each with its superseded 24 h warning: nothing left unsent
    again, rest = due_now(reminders, {r.key for r in reminders}, now)
    assert again == [] and rest == []
