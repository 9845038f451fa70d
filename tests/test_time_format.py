"""The stored time format: fixed width, UTC, whole seconds (it is compared as text)."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from journal.store import fmt_time, parse_time


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
