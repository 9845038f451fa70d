"""One pure answer to "which reminders' time has come": `scheduler.plan.due`, the function
the daemon, `journal daemon --once` and `--dry-run` all take their unsent reminders from
(no offset loop of their own)."""

from datetime import UTC, datetime, time, timedelta

from scheduler.plan import Reminder, Warnings, due

H = timedelta(hours=1)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_the_warnings_whose_time_came_and_were_not_sent():
    deadlines = [
        ("T1", "payment", NOW + 2 * H, {24 * 3600}),
        ("T2", "payment", NOW + 30 * H, set()),
    ]
    found = due(deadlines, [], Warnings(), NOW)
    # T1: 24 h before was sent, 3 h before came an hour ago; T2's warnings are all ahead
    assert found == [Reminder(NOW - H, "T1", "payment", NOW + 2 * H, 3 * H)]


def test_the_daily_reminders_of_an_overdue_deadline_not_sent_yet():
    warnings = Warnings(overdue_at=time(9, 0), zone=UTC)
    was_due = NOW - 30 * H  # 2026-11-23 06:00: told on the 23rd and the 24th at 09:00
    first, second = NOW - 27 * H, NOW - 3 * H
    found = due(
        [], [("T3", "ship", was_due, {int((was_due - first).total_seconds())})], warnings, NOW
    )
    assert found == [Reminder(second, "T3", "ship", was_due, was_due - second)]


def test_a_deadline_with_every_warning_sent_has_nothing_due():
    sent = {24 * 3600, 3 * 3600}
    assert due([("T1", "payment", NOW + H, sent)], [], Warnings(), NOW) == []
