"""The daemon's door: reminder records and the log's change feed, reached through `Journal`
(`reminder_records`, `changes`, `change_feed`) on a journal the `journal` command wrote."""

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time
from support import given

from journal.service import Journal

APPROVED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
PAYMENT_DUE = datetime(2026, 11, 22, 14, 59, tzinfo=UTC)


@pytest.fixture
def journal(ok, journal_env):
    with freeze_time(APPROVED):
        given.approved_request(ok)
    opened = Journal(journal_env)
    yield opened
    opened.close()


def test_sent_records_are_written_once_and_read_back_with_the_deadline(journal):
    records = journal.reminder_records()
    key = ("T1", "payment", "2026-11-22T14:59:00Z", 3 * 3600)
    sent_at = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    records.record_sent([(key, "on_time")], "console", sent_at)
    records.record_sent([(key, "on_time")], "console", sent_at)  # a retried record: no twin
    with records.snapshot() as snap:
        [(trade, kind, due, sent)] = list(snap.unsent(APPROVED, PAYMENT_DUE, None))
        assert (trade, kind, due, sent) == ("T1", "payment", PAYMENT_DUE, {3 * 3600})
        assert [tuple(r) for r in snap.sent_since(APPROVED)] == [
            (*key, "2026-11-22T12:00:00Z", "on_time", "console")
        ]
        assert snap.titles({"T1"}) == {"T1": "ボトムス"}
        assert "checkpoint" in snap.state()


def test_changes_name_the_trades_written_after_a_position(journal, ok):
    last, touched = journal.changes(0)
    assert (last, touched) == (3, ["T1"])
    assert journal.changes(last) == (3, [])  # nothing new: no trade touched
    feed = journal.change_feed()
    try:
        before = feed.version()
        with freeze_time(APPROVED):
            ok("add", "listed", "--platform", "mercari", "--title", "シャツ", "--price", "2000")
        assert feed.version() != before  # another connection committed
        assert journal.changes(last) == (4, ["T2"])
    finally:
        feed.close()
