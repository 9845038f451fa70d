"""WHEN and DURATION parsing: pure, with `now` and the zone passed in."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from journal.core.errors import BadInput
from journal.core.timeparse import parse_duration, parse_when

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 1, 0, 30, tzinfo=UTC)  # 10:00:30 in Tokyo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("today", NOW),
        ("yesterday", NOW - timedelta(days=1)),
        ("+3d", NOW + timedelta(days=3)),
        ("-2h", NOW - timedelta(hours=2)),
        ("+90m", NOW + timedelta(minutes=90)),
        ("+8s", NOW + timedelta(seconds=8)),
        ("+1w", NOW + timedelta(weeks=1)),
        ("2026-11-24", datetime(2026, 11, 23, 15, 0, tzinfo=UTC)),
        ("2026-11-24T18:30", datetime(2026, 11, 24, 9, 30, tzinfo=UTC)),
        ("2026-11-24 18:30:15", datetime(2026, 11, 24, 9, 30, 15, tzinfo=UTC)),
        ("2026-11-24T18:30+00:00", datetime(2026, 11, 24, 18, 30, tzinfo=UTC)),
        ("2026-11-24T18:30Z", datetime(2026, 11, 24, 18, 30, tzinfo=UTC)),
        ("2026-11-24T18:30-0500", datetime(2026, 11, 24, 23, 30, tzinfo=UTC)),
    ],
)
def test_when_forms(text, expected):
    assert parse_when(text, now=NOW, tz=TOKYO) == expected


def test_a_date_alone_as_an_end_means_its_last_minute():
    got = parse_when("2026-11-15", now=NOW, tz=TOKYO, date_only="end")
    assert got == datetime(2026, 11, 15, 23, 59, tzinfo=TOKYO)


def test_naive_times_use_the_users_zone():
    got = parse_when("2026-07-01T09:00", now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert got == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)  # CEST is UTC+2


@pytest.mark.parametrize("text", ["2026-03-29T02:30", "2026-10-25T02:30"])
def test_nonexistent_or_ambiguous_local_times_are_refused(text):
    with pytest.raises(BadInput) as caught:
        parse_when(text, now=NOW, tz=ZoneInfo("Europe/Berlin"))
    assert caught.value.key == "ambiguous_when"


@pytest.mark.parametrize(
    "text", ["", "soon", "2026-13-01", "2026-02-30", "24/11/2026", "+3x", "3d", "2026-11-24T25:00"]
)
def test_bad_when(text):
    with pytest.raises(BadInput):
        parse_when(text, now=NOW, tz=TOKYO)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("48h", timedelta(hours=48)), ("7d", timedelta(days=7)), ("2w", timedelta(weeks=2))],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "-7d", "1.5d", "7 days"])
def test_bad_durations(text):
    with pytest.raises(BadInput):
        parse_duration(text)
