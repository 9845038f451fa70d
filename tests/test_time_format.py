"""The stored forms: times (fixed width, UTC, whole seconds; compared as text) and rows."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from journal.storage.store import fmt_time, parse_time


@given(
    st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9999, 12, 30)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_fmt_time_is_the_fixed_width_utc_form(naive, offset_minutes):
    moment = naive.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    text = fmt_time(moment)
    assert text == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(text) == 20
    assert parse_time(text) == moment.replace(microsecond=0)


def test_a_stored_row_reads_back_as_the_same_event():
    from journal.core.events import Event
    from journal.storage.store import row_to_event

    at = datetime(2026, 11, 22, 1, 2, 3, tzinfo=UTC)
    row = (7, "c:0", "T3", 2, "message", 1, '{"note":"こんにちは"}', fmt_time(at), fmt_time(at))
    expected = Event("message", "T3", {"note": "こんにちは"}, at, 7, 2, at, "c:0", 1)
    event = row_to_event(row)
    assert event == expected
    assert vars(event) == vars(expected)
